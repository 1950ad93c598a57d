//! A service's objects: Secret `env-<service>`, ServiceAccount, Deployment or DaemonSet, HPA
//! (`provider/k8s/template/app/service.yml.tmpl`), then its network (`network.rs`) and EFS
//! volumes (`volume.rs`). The service's settings are read once, after Convox's defaults
//! (`pkg/manifest/manifest.go:125` ApplyDefaults), into [`Svc`].

use base64::Engine;

use super::read::Key;
use super::value::{Field, Part, Placeholder, Value, f, int, map, pairs, s, text};
use super::{App, AppObjects, NotCreated, Object, Owner, network, pod, scale, volume, workload};
use crate::model::Count;
use crate::schema::When;

/// A service's settings as Convox holds them after loading (defaults applied).
pub struct Svc<'a> {
    pub name: String,
    pub key: Key<'a>,
    /// `port`: (scheme as Convox keeps it, port). The scheme is `http` by default and `GRPC` when
    /// written `grpc` (`pkg/manifest/yaml.go:362`).
    pub port: Option<(String, i64)>,
    pub agent: bool,
    pub internal: bool,
    pub internal_router: bool,
    /// The replica range after Convox's defaults (`scale.rs`).
    pub count: Count,
    pub autoscale: bool,
    pub cpu: i64,
    pub memory: i64,
    pub gpu_count: i64,
}

/// `DefaultCpu` and `DefaultMem` (`pkg/manifest/service.go`).
const DEFAULT_CPU: i64 = 250;
const DEFAULT_MEM: i64 = 512;

impl<'a> Svc<'a> {
    pub fn read(name: &str, key: &Key<'a>) -> Svc<'a> {
        let scale = key.get("scale");
        let limit = scale.get("limit");
        let gpu = scale.get("gpu");
        let gpu_count = gpu.get("count").int().or_else(|| gpu.int()).unwrap_or(0);
        let (cpu, memory) = if gpu_count > 0 {
            (scale.get("cpu").int().unwrap_or(0), scale.get("memory").int().unwrap_or(0))
        } else {
            (
                scale.get("cpu").int().or(limit.get("cpu").int()).unwrap_or(DEFAULT_CPU),
                scale.get("memory").int().or(limit.get("memory").int()).unwrap_or(DEFAULT_MEM),
            )
        };
        let autoscale = scale.get("autoscale").exists() || scale.get("keda").exists();
        Svc {
            name: name.to_string(),
            key: key.clone(),
            port: read_port(&key.get("port")),
            agent: agent(key),
            internal: key.get("internal").is_true(),
            internal_router: key.get("internalRouter").is_true(),
            count: scale::count_of(key),
            autoscale,
            cpu,
            memory,
            gpu_count,
        }
    }

    pub fn path(&self) -> &str {
        &self.key.path
    }

    /// `singleton` or `agent` change the deployment bounds' defaults.
    pub fn deployment_bounds(&self) -> (i64, i64) {
        let d = self.key.get("deployment");
        let single = self.agent || self.key.get("singleton").is_true();
        let read = |k: &str, default: i64| match d.get(k).node.and_then(|n| n.as_str()) {
            Some(v) => v.parse().unwrap_or(default),
            None => default,
        };
        (read("minimum", if single { 0 } else { 50 }), read("maximum", if single { 100 } else { 200 }))
    }

    /// The key a bound of the replica range (`min` or `max`) is read from: `scale.min`/`scale.max`
    /// when written (they override `count`), else `scale.count`, else `scale` itself (`scale: 2`).
    pub fn count_key(&self, bound: &str) -> String {
        let scale = self.key.get("scale");
        [bound, "count"].iter().map(|k| scale.get(k)).find(Key::exists).map_or(scale.path, |k| k.path)
    }

    /// The HPA condition (service.yml.tmpl:516).
    pub fn count_range(&self) -> bool {
        self.count.min != self.count.max && !self.autoscale && !self.agent
    }
}

/// `agent: true` or `agent: {enabled: true}`.
fn agent(key: &Key) -> bool {
    let a = key.get("agent");
    a.is_true() || a.get("enabled").is_true()
}

/// `port`: `3000`, `"https:3000"`, `{port, scheme}` (`pkg/manifest/yaml.go:362`).
fn read_port(k: &Key) -> Option<(String, i64)> {
    let p = crate::model::port(k.node?)?;
    let raw_scheme = match k.node?.as_str() {
        Some(v) if !v.contains(':') => String::new(),
        _ => p.scheme.clone(),
    };
    let scheme = match raw_scheme.as_str() {
        "" => "http".to_string(),
        "grpc" => "GRPC".to_string(),
        other => other.to_string(),
    };
    (p.port > 0).then(|| (scheme, i64::from(p.port)))
}

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

/// The knowledge base's condition tokens for this service: the one place they are evaluated.
/// The `Port` condition, read from the service's key alone (validation reads only this).
pub fn has_port(service: &Key) -> bool {
    read_port(&service.get("port")).is_some()
}

pub fn conditions(svc: &Svc) -> [(When, bool); 11] {
    // `svc.port` is `read_port` of `port`: the same as `has_port`.
    let routable = svc.port.is_some();
    [
        (When::Port, routable),
        (When::PortOrPorts, routable || !svc.key.get("ports").items().is_empty()),
        (When::Ingress, routable && !svc.internal && !svc.internal_router),
        (When::InternalRouter, routable && svc.internal_router),
        (When::Agent, svc.agent),
        (When::NotAgent, !svc.agent),
        (When::CountRange, svc.count_range()),
        (When::Autoscale, svc.autoscale),
        (When::AccessControl, !svc.key.get("accessControl").get("awsPodIdentity").get("policyArns").items().is_empty()),
        (When::NoLimitMemory, svc.key.get("scale").get("limit").get("memory").int().is_none()),
        (When::Efs, svc.key.get("volumeOptions").items().iter().any(|i| i.get("awsEfs").exists())),
    ]
}

fn record_conditions(svc: &Svc, owner: &Owner, out: &mut AppObjects) {
    out.conditions.extend(conditions(svc).into_iter().map(|(w, b)| (owner.clone(), w, b)));
}

pub fn absent(owner: &Owner, kind: &str, name: &str, when: When) -> NotCreated {
    NotCreated {
        owner: owner.clone(),
        kind: kind.into(),
        name: name.into(),
        when: Some(when),
        reason: when.describe().into(),
    }
}

/// A namespaced object of this service.
pub fn object(app: &App, svc: &Svc, kind: &str, api: &str, name: &str, template: &'static str) -> Object {
    Object::new(Owner::Service(svc.name.clone()), kind, api, name, app.ns(), template)
}

/// Base labels then the custom ones (`{{ range keyValue .Service.Labels }}`).
pub fn labels(app: &App, svc: &Svc, base: &[(&str, &str)]) -> Vec<Field> {
    let mut out = pairs(base);
    for l in pod::custom_labels(app, svc) {
        out.retain(|x| x.key != l.key);
        out.push(l);
    }
    out
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
            Field { key: k, value, from }
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

/// `yamlMarshal .Annotations`: the map, sorted by key.
pub fn annotations(k: &Key) -> Vec<Field> {
    let mut kv = k.annotations();
    kv.reverse();
    let mut seen = std::collections::BTreeMap::new();
    for (key, v) in kv {
        seen.entry(key).or_insert(v);
    }
    seen.into_iter().map(|(key, v)| f(key, s(v)).from(k.path.clone())).collect()
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

/// A text value `prefix<hole>suffix`.
pub fn with_hole(prefix: &str, hole: Placeholder, suffix: &str) -> Value {
    text(vec![Part::Lit(prefix.into()), Part::Hole(hole), Part::Lit(suffix.into())])
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
