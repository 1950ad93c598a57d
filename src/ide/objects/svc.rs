//! A service's settings as Convox holds them after loading, read once, after Convox's defaults
//! (`pkg/manifest/manifest.go:125` ApplyDefaults), into [`Svc`]; its condition tokens; and what
//! every builder of a service's objects shares (the object, its labels, its annotations).

use super::read::Key;
use super::value::{Field, f, overridden, pairs, s};
use super::{App, NotCreated, Object, Owner, scale};
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

/// The `Port` condition, read from the service's key alone (validation reads only this).
pub fn has_port(service: &Key) -> bool {
    read_port(&service.get("port")).is_some()
}

/// The knowledge base's condition tokens for this service: the one place they are evaluated.
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
pub fn labels(app: &App, svc: &Svc, base: &[(&'static str, &str)]) -> Vec<Field> {
    overridden(pairs(base), custom_labels(app, svc))
}

/// `{{ range keyValue .Service.Labels }}`: the app's `labels` merged under the service's
/// (`pkg/manifest/manifest.go:453` CombineLabels), sorted by key.
fn custom_labels(app: &App, svc: &Svc) -> Vec<Field> {
    // The later of a key wins; sorted by key.
    let mut all: std::collections::BTreeMap<String, Field> = std::collections::BTreeMap::new();
    for (k, v) in app.labels.iter().chain(svc.key.get("labels").entries().iter()) {
        all.insert(k.clone(), f(k.clone(), s(v.str().unwrap_or_default())).from(v.path.clone()));
    }
    all.into_values().collect()
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
