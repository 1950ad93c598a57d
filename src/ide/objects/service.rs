//! A service's objects: Secret `env-<service>`, ServiceAccount, Deployment or DaemonSet
//! (`workload.rs`), HPA (`provider/k8s/template/app/service.yml.tmpl`), then its network
//! (`network.rs`) and EFS volumes (`volume.rs`), from its settings read once into
//! [`Svc`](super::svc::Svc).

use base64::Engine;

use super::read::Key;
use super::svc::{Svc, absent, annotations, conditions, labels, object};
use super::value::{Field, Placeholder, Value, f, int, map, pairs, s};
use super::{App, AppObjects, Object, Owner, network, volume, workload};
use crate::schema::When;

pub fn build(app: &App, name: &str, key: &Key, out: &mut AppObjects) {
    let svc = Svc::read(name, key);
    let owner = Owner::Service(name.to_string());
    record_conditions(&svc, &owner, out);
    out.scales.push((name.to_string(), svc.count));
    out.objects.push(env_secret(app, &svc));
    out.objects.push(service_account(app, &svc));
    out.objects.push(workload::workload(app, &svc));
    match hpa(app, &svc) {
        Some(o) => out.objects.push(o),
        None => out.not_created.push(absent(&owner, "HorizontalPodAutoscaler", name, When::CountRange)),
    }
    network::build(app, &svc, out);
    volume::build(app, &svc, out);
}

fn record_conditions(svc: &Svc, owner: &Owner, out: &mut AppObjects) {
    out.conditions.extend(conditions(svc).into_iter().map(|(w, b)| (owner.clone(), w, b)));
}

/// Secret `env-<service>` (service.yml.tmpl:1-16): the rack's, app's, release's, build's and
/// service's variables, then the manifest's defaults; values base64 as Kubernetes stores them.
fn env_secret(app: &App, svc: &Svc) -> Object {
    let mut o = object(app, svc, "Secret", "v1", &format!("env-{}", svc.name), "app/service.yml.tmpl:1");
    o.labels = labels(app, svc, &[("type", "env"), ("service", &svc.name)]);
    let data: Vec<Field> = environment(app, svc)
        .into_iter()
        .map(|(k, v, from)| {
            let value = match v {
                Some(plain) => s(base64::engine::general_purpose::STANDARD.encode(plain)),
                None => Value::Placeholder(Placeholder::EnvValue),
            };
            Field { key: k.into(), value, from }
        })
        .collect();
    o.body = vec![f("type", s("Opaque")), f("data", map(data))];
    o
}

/// The variables of the env Secret, sorted: (name, value when known offline, manifest keys).
/// `provider/k8s/helpers.go:53` environment: system, app, release, build, service, defaults, then
/// the release's environment when one is given.
fn environment(app: &App, svc: &Svc) -> Vec<(String, Option<String>, Vec<String>)> {
    let known = |v: &str| (!v.starts_with('<')).then(|| v.to_string());
    // By name, sorted: a later entry replaces an earlier one in one step, not a scan.
    let mut env: std::collections::BTreeMap<String, (Option<String>, Vec<String>)> = [
        ("RACK".into(), known(app.ctx.rack()), vec![]),
        ("RACK_URL".into(), None, vec![]),
        ("APP".into(), known(app.ctx.app()), vec![]),
        ("RELEASE".into(), None, vec![]),
        ("BUILD".into(), None, vec![]),
        ("BUILD_DESCRIPTION".into(), None, vec![]),
        ("BUILD_GIT_SHA".into(), None, vec![]),
        ("SERVICE".into(), Some(svc.name.clone()), vec![]),
    ]
    .into_iter()
    .map(|(k, v, from)| (k, (v, from)))
    .collect();
    if let Some((_, p)) = &svc.port {
        env.insert("PORT".into(), (Some(p.to_string()), vec![format!("{}.port", svc.path())]));
    }
    let top = app.doc.get("environment");
    for item in top.items().into_iter().chain(svc.key.get("environment").items()) {
        let Some(raw) = item.str() else { continue };
        let (name, value) = match raw.split_once('=') {
            Some((k, v)) => (k.to_string(), (!v.contains("${")).then(|| v.to_string())),
            None => (raw.clone(), None),
        };
        if name.is_empty() || name == "*" {
            continue;
        }
        // A required name keeps a default written elsewhere; the release sets it otherwise.
        if !raw.contains('=') && env.contains_key(&name) {
            continue;
        }
        env.insert(name, (value, vec![item.path.clone()]));
    }
    // The release's environment, when given, last and into every service (helpers.go:91-93).
    if let Some(release) = app.ctx.names.environment.as_deref() {
        for name in release.names() {
            let value = release.get(name).map(|v| v.value.clone());
            env.insert(name.to_string(), (value, vec![]));
        }
    }
    env.into_iter().map(|(k, (v, from))| (k, v, from)).collect()
}

/// ServiceAccount `<service>` (service.yml.tmpl:18-32), annotated with the service's
/// `annotations`.
fn service_account(app: &App, svc: &Svc) -> Object {
    let mut o = object(app, svc, "ServiceAccount", "v1", &svc.name, "app/service.yml.tmpl:18");
    o.labels = labels(app, svc, &[("service", &svc.name), ("type", "serviceaccount")]);
    o.annotations = annotations(&svc.key.get("annotations"));
    o
}

/// HorizontalPodAutoscaler `<service>` (service.yml.tmpl:516-569).
fn hpa(app: &App, svc: &Svc) -> Option<Object> {
    if !svc.count_range() {
        return None;
    }
    let mut o = object(app, svc, "HorizontalPodAutoscaler", "autoscaling/v2", &svc.name, "app/service.yml.tmpl:516");
    o.labels = labels(app, svc, &[("service", &svc.name)]);
    let scale = svc.key.get("scale");
    let targets = scale.get("targets");
    let mut metrics = Vec::new();
    for what in ["cpu", "memory"] {
        let t = targets.get(what);
        if let Some(n) = t.int() {
            let target = map(vec![f("type", s("Utilization")), f("averageUtilization", int(n)).from(t.path.clone())]);
            metrics.push(map(vec![
                f("type", s("Resource")),
                f("resource", map(vec![f("name", s(what)), f("target", target)])),
            ]));
        }
    }
    let target_ref = pairs(&[("apiVersion", "apps/v1"), ("kind", "Deployment"), ("name", &svc.name)]);
    o.body = vec![f(
        "spec",
        map(vec![
            f("scaleTargetRef", map(target_ref)),
            f("minReplicas", int(svc.count.min)).from(svc.count_key("min")),
            f("maxReplicas", int(svc.count.max)).from(svc.count_key("max")),
        ]),
    )];
    metrics.extend(targets.get("external").items().iter().map(external_metric));
    if !metrics.is_empty()
        && let Some(Value::Map(spec)) = o.body.first_mut().map(|x| &mut x.value)
    {
        spec.push(f("metrics", Value::List(metrics)).from(targets.path.clone()));
    }
    Some(o)
}

/// An `External` metric of `scale.targets.external` (service.yml.tmpl:548-568).
fn external_metric(m: &Key) -> Value {
    let number = |k: &Key| {
        let raw = k.node.and_then(|n| n.as_str()).unwrap_or_default().to_string();
        raw.parse::<i64>().map(int).unwrap_or_else(|_| s(raw))
    };
    let mut labels: Vec<(String, String)> =
        m.get("matchLabels").entries().into_iter().map(|(k, v)| (k, v.str().unwrap_or_default())).collect();
    labels.sort();
    let selector = map(vec![f("matchLabels", map(labels.into_iter().map(|(k, v)| f(k, s(v))).collect()))]);
    let metric = map(vec![f("name", s(m.get("name").str().unwrap_or_default())), f("selector", selector)]);
    let avg = m.get("averageValue");
    let target = if avg.exists() {
        map(vec![f("type", s("AverageValue")), f("averageValue", number(&avg))])
    } else {
        map(vec![f("type", s("Value")), f("value", number(&m.get("value")))])
    };
    map(vec![
        f("type", s("External")),
        f("external", map(vec![f("metric", metric), f("target", target)])).from(m.path.clone()),
    ])
}
