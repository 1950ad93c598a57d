//! A timer's objects (`provider/k8s/template/app/timer.yml.tmpl`): ServiceAccount
//! `timer-<timer>` and CronJob `timer-<timer>`, its pod built from the service it runs.

use super::read::Key;
use super::svc::{Svc, annotations, labels};
use super::value::{Field, Placeholder, Value, f, int, list, map, overridden, s};
use super::{App, AppObjects, NotCreated, Object, Owner, pod};
use crate::schema::When;

pub fn build(app: &App, name: &str, key: &Key, out: &mut AppObjects) {
    let owner = Owner::Timer(name.to_string());
    let parallel = key.get("parallelCount").int().unwrap_or(0);
    out.conditions.push((owner.clone(), When::Parallel, parallel > 1));
    let service = key.get("service").str().unwrap_or_default();
    let svc_key = app.service(&service);
    if !svc_key.exists() {
        let reason = format!("the timer's service `{service}` is not declared; Convox rejects the manifest");
        for kind in ["ServiceAccount", "CronJob"] {
            let n = format!("timer-{name}");
            out.not_created.push(NotCreated {
                owner: owner.clone(),
                kind: kind.into(),
                name: n,
                when: None,
                reason: reason.clone(),
            });
        }
        return;
    }
    let svc = Svc::read(&service, &svc_key);
    let t = Timer { name, key, svc: &svc, parallel };
    out.objects.push(service_account(app, &t));
    out.objects.push(cron_job(app, &t));
}

struct Timer<'a> {
    name: &'a str,
    key: &'a Key<'a>,
    svc: &'a Svc<'a>,
    parallel: i64,
}

fn object(app: &App, t: &Timer, kind: &str, api: &str, template: &'static str) -> Object {
    Object::new(Owner::Timer(t.name.to_string()), kind, api, &format!("timer-{}", t.name), app.ns(), template)
}

/// The annotations on the ServiceAccount and the pod: `convox.com/type: timer`, then the timer's.
fn timer_annotations(t: &Timer) -> Vec<Field> {
    overridden(vec![f("convox.com/type", s("timer"))], annotations(&t.key.get("annotations")))
}

/// timer.yml.tmpl:2-13.
fn service_account(app: &App, t: &Timer) -> Object {
    let mut o = object(app, t, "ServiceAccount", "v1", "app/timer.yml.tmpl:2");
    o.annotations = timer_annotations(t);
    o.labels = vec![f("timer", s(t.name)), f("type", s("serviceaccount"))];
    o
}

/// timer.yml.tmpl:15-299.
fn cron_job(app: &App, t: &Timer) -> Object {
    let mut o = object(app, t, "CronJob", "batch/v1", "app/timer.yml.tmpl:15");
    let schedule = t.key.get("schedule");
    let sched = crate::model::convox_schedule(&schedule.str().unwrap_or_default());
    let mut spec = vec![f("schedule", s(sched)).from(schedule.path.clone())];
    let conc = t.key.get("concurrency");
    if let Some(c) = conc.str() {
        spec.push(f("concurrencyPolicy", s(crate::model::concurrency_policy(&c))).from(conc.path.clone()));
    }
    spec.push(f("successfulJobsHistoryLimit", int(1)));
    spec.push(f("failedJobsHistoryLimit", int(1)));
    spec.push(f("jobTemplate", map(vec![f("spec", map(job_spec(app, t)))])));
    o.body = vec![f("spec", map(spec))];
    o
}

fn job_spec(app: &App, t: &Timer) -> Vec<Field> {
    let mut spec = vec![f("backoffLimit", int(0))];
    if t.parallel > 1 {
        let from = t.key.get("parallelCount").path;
        spec.push(f("completionMode", s("Indexed")).from(from.clone()));
        spec.push(f("completions", int(t.parallel)).from(from.clone()));
        spec.push(f("parallelism", int(t.parallel)).from(from));
    }
    let (rack, app_name) = (app.ctx.rack(), app.ctx.app());
    let base = [("system", "convox"), ("rack", rack), ("app", app_name), ("name", t.name)];
    let mut l = labels(app, t.svc, &base);
    l.insert(4, f("release", Value::Placeholder(Placeholder::Release)));
    l.insert(5, f("service", s(&t.svc.name)).from(t.key.get("service").path));
    l.insert(6, f("type", s("timer")));
    let meta = map(vec![f("annotations", map(timer_annotations(t))), f("labels", map(l))]);
    spec.push(f("template", map(vec![f("metadata", meta), f("spec", map(pod_spec(app, t)))])));
    spec
}

fn pod_spec(app: &App, t: &Timer) -> Vec<Field> {
    let svc = t.svc;
    let mut spec = Vec::new();
    spec.extend(pod::affinity(svc));
    spec.extend(pod::tolerations(svc));
    spec.extend(pod::host_and_dns(svc));
    spec.push(f("restartPolicy", s("Never")));
    let init = svc.key.get("init");
    spec.push(f("shareProcessNamespace", Value::Bool(init.bool().unwrap_or(true))).from(init.path.clone()));
    spec.push(f("serviceAccountName", s(format!("timer-{}", t.name))));
    spec.push(f("containers", list(vec![map(container(app, t))])));
    spec.push(pod::volumes(app, svc, true));
    spec
}

fn container(app: &App, t: &Timer) -> Vec<Field> {
    let svc = t.svc;
    let mut c = vec![f("name", s(app.ctx.app()))];
    let cmd = t.key.get("command");
    if let Some(line) = cmd.str() {
        c.push(f("args", pod::words(&line)).from(cmd.path.clone()));
    }
    c.push(pod::container_env(svc, t.parallel > 1));
    c.push(pod::env_from(&svc.name));
    c.push(f("image", pod::image(&svc.name)).from(t.key.get("service").path));
    c.push(f("imagePullPolicy", s("IfNotPresent")));
    c.push(pod::resources(svc));
    c.extend(pod::security_context(svc));
    c.push(pod::volume_mounts(app, svc, true));
    c
}
