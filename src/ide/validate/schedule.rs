//! Timers: `service` and `schedule` (Convox's rewrite, then Kubernetes' cron).

use super::{Sink, code, cron};
use crate::ide::codes::Code;
use crate::model::{self, Manifest, Spanned};

/// A timer's schedule after Convox's rewrite (`Manifest.ApplyCompatibility`,
/// pkg/manifest/manifest.go:103-119: `strings.Fields`, the first five, a bare `?` as `*`), which the
/// CronJob template writes as is (provider/k8s/template/app/timer.yml.tmpl:22), as Kubernetes
/// validates it (`cron`).
fn check_schedule(timer: &str, sc: &Spanned<String>, sink: &mut Sink) {
    let fields = sc.value.split_whitespace().count();
    let expr = model::convox_schedule(&sc.value);
    // pkg/manifest/validate.go:353: after the rewrite, any `?` left fails Convox's own check.
    if expr.contains('?') {
        sink.add(sc.range, Code::ScheduleQuestionMark, format!("timer {timer} invalid, schedule cannot contain ?"));
        return;
    }
    if let Err(r) = cron::check(&expr) {
        let message = format!(
            "timer {timer}: {}; Kubernetes rejects the CronJob at promote: spec.schedule: Invalid value: {expr:?}: {}",
            r.what, r.words
        );
        sink.add(sc.range, Code::InvalidSchedule, message);
        return;
    }
    if fields > 5 && !expr.starts_with('@') {
        sink.add(
            sc.range,
            Code::ScheduleRewritten,
            format!("schedule has {fields} fields: Convox keeps the first five, {} (v2 AWS cron syntax)", code(&expr)),
        );
    }
}

pub(super) fn timers(m: &Manifest, sink: &mut Sink) {
    for t in &m.timers {
        match &t.schedule {
            Some(sc) => check_schedule(&t.name.value, sc, sink),
            None => sink.add(
                t.name.range,
                Code::MissingSchedule,
                format!("timer {} has no `schedule`: Kubernetes rejects the CronJob", t.name.value),
            ),
        }
    }
}
