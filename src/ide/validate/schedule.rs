//! Timers: `service` and `schedule` (Convox's rewrite, then Kubernetes' cron).

use super::{Sink, code};
use crate::ide::codes::Code;
use crate::model::{self, Manifest, Spanned};

/// A timer's schedule after Convox's rewrite (first five fields, a bare `?` as `*`), as Kubernetes
/// will parse it.
fn check_schedule(timer: &str, sc: &Spanned<String>, sink: &mut Sink) {
    let raw = sc.value.trim();
    if raw.starts_with('@') {
        if !matches!(raw, "@yearly" | "@annually" | "@monthly" | "@weekly" | "@daily" | "@midnight" | "@hourly")
            && !raw.starts_with("@every ")
        {
            sink.add(sc.range, Code::InvalidSchedule, format!("timer {timer}: unknown schedule {}", code(raw)));
        }
        return;
    }
    let fields: Vec<&str> = raw.split_whitespace().collect();
    if fields.len() < 5 {
        sink.add(sc.range, Code::InvalidSchedule, format!("timer {timer}: schedule {} has {} fields; a cron schedule has 5 (minute hour day-of-month month day-of-week)", code(raw), fields.len()));
        return;
    }
    let expr = model::convox_schedule(raw);
    let rewritten: Vec<&str> = expr.split(' ').collect();
    if rewritten.iter().any(|f| f.contains('?')) {
        sink.add(sc.range, Code::ScheduleQuestionMark, format!("timer {timer} invalid, schedule cannot contain ?"));
        return;
    }
    if rewritten.iter().any(|f| f.contains(['L', 'W', '#'])) {
        sink.add(
            sc.range,
            Code::InvalidSchedule,
            format!("timer {timer}: schedule {} uses L, W or # which Kubernetes cron does not support", code(&expr)),
        );
        return;
    }
    let parser = croner::parser::CronParser::builder()
        .seconds(croner::parser::Seconds::Disallowed)
        .year(croner::parser::Year::Disallowed)
        .build();
    if let Err(e) = parser.parse(&expr) {
        sink.add(
            sc.range,
            Code::InvalidSchedule,
            format!("timer {timer}: schedule {} is not a valid cron expression ({e})", code(&expr)),
        );
        return;
    }
    if fields.len() > 5 {
        sink.add(
            sc.range,
            Code::ScheduleRewritten,
            format!(
                "schedule has {} fields: Convox keeps the first five, {} (v2 AWS cron syntax)",
                fields.len(),
                code(&expr)
            ),
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
