//! What the ladder needs to know about one service, timer or resource, read from the objects
//! Convox renders for it: names, the pods' labels, replicas, Service, Ingress, HPA, CronJob,
//! ConfigMap, probes, requests and limits, the env Secret. Nothing here decides on its own whether
//! an object exists: [`rendered`] is the one boundary to the object model.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::context::Context;
use crate::ide::analysis::Analysis;
use crate::ide::objects::{AppObjects, Field, Object, Owner, RenderContext, Value};
use crate::model::Manifest;
use crate::schema::ladder::{Need, Subject};
use crate::schema::{self, ResourceCategory, When};

/// The objects one service, timer or resource renders to (the one object model,
/// `ide::objects`): the only place the ladder learns what exists.
fn rendered(app: &AppObjects, owner: Owner) -> Vec<Node<'_>> {
    app.owned_by(&owner).map(Node::Object).collect()
}

/// Facts about one subject: the tokens that hold and the values placeholders stand for.
#[derive(Debug, Default)]
pub struct Facts {
    pub needs: HashSet<Need>,
    pub values: Vec<(&'static str, String)>,
    /// The key prefix of the subject (`services.web`) and, for a timer, of its service.
    pub base: String,
    pub service_base: Option<String>,
    /// For a resource: its type, which decides the options that apply.
    pub resource_type: Option<String>,
}

impl Facts {
    /// Only the rack and app: namespace, rack, system namespace.
    pub fn context(ctx: &Context) -> Facts {
        let mut f = Facts::default();
        f.set("ns", ctx.namespace());
        f.set("rack", ctx.rack_or_placeholder());
        f.set("app", ctx.app_or_placeholder());
        f.set("system_ns", format!("{}-system", ctx.rack_or_placeholder()));
        f
    }

    pub fn value(&self, key: &str) -> Option<&str> {
        self.values.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str())
    }

    fn set(&mut self, key: &'static str, value: impl Into<String>) {
        self.values.push((key, value.into()));
    }

    fn need(&mut self, n: Need, holds: bool) {
        if holds {
            self.needs.insert(n);
        }
    }
}

/// A place in an object, read in place as its YAML ([`Object::to_yaml`]) reads: a key written
/// twice in a map reads as the last one, listed where the first one is (a YAML mapping replaces a
/// key's value in place); the body's fields come after `apiVersion`, `kind` and `metadata`.
#[derive(Clone, Copy)]
enum Node<'a> {
    Object(&'a Object),
    Metadata(&'a Object),
    Map(&'a [Field]),
    Value(&'a Value),
    Str(&'a str),
}

/// The last field `key` of a map (the one its YAML keeps).
fn last<'a>(fields: &'a [Field], key: &str) -> Option<&'a Value> {
    fields.iter().rev().find(|x| x.key == key).map(|x| &x.value)
}

impl<'a> Node<'a> {
    fn get(self, key: &str) -> Option<Node<'a>> {
        match self {
            Node::Object(o) => match last(&o.body, key) {
                Some(v) => Some(Node::Value(v)),
                None => match key {
                    "apiVersion" => Some(Node::Str(&o.api_version)),
                    "kind" => Some(Node::Str(&o.kind)),
                    "metadata" => Some(Node::Metadata(o)),
                    _ => None,
                },
            },
            Node::Metadata(o) => match key {
                "name" => Some(Node::Str(&o.name)),
                "namespace" => o.namespace.as_deref().map(Node::Str),
                "annotations" if !o.annotations.is_empty() => Some(Node::Map(&o.annotations)),
                "labels" if !o.labels.is_empty() => Some(Node::Map(&o.labels)),
                _ => None,
            },
            Node::Map(fields) => last(fields, key).map(Node::Value),
            Node::Value(Value::Map(fields)) => last(fields, key).map(Node::Value),
            _ => None,
        }
    }

    /// A map's entries in its YAML's order: each key once, where it is first, with its last value.
    fn entries(self) -> Option<Vec<(&'a str, Node<'a>)>> {
        let (mut out, fields) = match self {
            Node::Map(fields) => (Vec::with_capacity(fields.len()), fields),
            Node::Value(Value::Map(fields)) => (Vec::with_capacity(fields.len()), fields.as_slice()),
            Node::Object(o) => {
                let top = [
                    ("apiVersion", Node::Str(&o.api_version)),
                    ("kind", Node::Str(&o.kind)),
                    ("metadata", Node::Metadata(o)),
                ];
                (top.to_vec(), o.body.as_slice())
            }
            Node::Metadata(o) => {
                let mut out = vec![("name", Node::Str(o.name.as_str()))];
                if let Some(ns) = &o.namespace {
                    out.push(("namespace", Node::Str(ns)));
                }
                if !o.annotations.is_empty() {
                    out.push(("annotations", Node::Map(&o.annotations)));
                }
                if !o.labels.is_empty() {
                    out.push(("labels", Node::Map(&o.labels)));
                }
                return Some(out);
            }
            _ => return None,
        };
        // Where each key is in `out`, looked up in a map once there are many (the env Secret of a
        // service with thousands of variables): a search per field was quadratic.
        let mut at: std::collections::HashMap<&'a str, usize, crate::schema::FxBuild> = Default::default();
        if fields.len() > 16 {
            at.extend(out.iter().enumerate().map(|(i, (k, _))| (*k, i)));
        }
        for x in fields {
            let found =
                if fields.len() > 16 { at.get(&*x.key).copied() } else { out.iter().position(|(k, _)| *k == x.key) };
            match found {
                Some(i) => out[i].1 = Node::Value(&x.value),
                None => {
                    if fields.len() > 16 {
                        at.insert(&x.key, out.len());
                    }
                    out.push((&*x.key, Node::Value(&x.value)));
                }
            }
        }
        Some(out)
    }

    fn is_map(self) -> bool {
        matches!(self, Node::Map(_) | Node::Metadata(_) | Node::Object(_) | Node::Value(Value::Map(_)))
    }

    fn items(self) -> Option<&'a [Value]> {
        match self {
            Node::Value(Value::List(items)) => Some(items),
            _ => None,
        }
    }

    /// A string, as YAML has it (placeholders printed).
    fn as_str(self) -> Option<Cow<'a, str>> {
        match self {
            Node::Str(s) => Some(Cow::Borrowed(s)),
            Node::Value(Value::Str(s)) => Some(Cow::Borrowed(s)),
            Node::Value(Value::Placeholder(p)) => Some(Cow::Borrowed(p.text())),
            Node::Value(Value::Text(parts)) => Some(Cow::Owned(crate::ide::objects::parts_text(parts))),
            _ => None,
        }
    }

    fn as_i64(self) -> Option<i64> {
        match self {
            Node::Value(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }
}

/// What [`at`] starts from: a node, or a value of an object.
trait At<'a> {
    fn node(self) -> Node<'a>;
}

impl<'a> At<'a> for Node<'a> {
    fn node(self) -> Node<'a> {
        self
    }
}

impl<'a> At<'a> for &Node<'a> {
    fn node(self) -> Node<'a> {
        *self
    }
}

impl<'a> At<'a> for &&Node<'a> {
    fn node(self) -> Node<'a> {
        **self
    }
}

impl<'a> At<'a> for &'a Value {
    fn node(self) -> Node<'a> {
        Node::Value(self)
    }
}

impl<'a> At<'a> for &&'a Value {
    fn node(self) -> Node<'a> {
        Node::Value(self)
    }
}

/// The value at a dotted path of mappings (`spec.template.spec`); `[0]` takes a list's first item.
fn at<'v>(v: impl At<'v>, path: &str) -> Option<Node<'v>> {
    let mut cur = v.node();
    for part in path.split('.') {
        let (key, first) = match part.strip_suffix("[0]") {
            Some(k) => (k, true),
            None => (part, false),
        };
        cur = cur.get(key)?;
        if first {
            cur = Node::Value(cur.items()?.first()?);
        }
    }
    Some(cur)
}

fn text<'v>(v: impl At<'v>, path: &str) -> Option<String> {
    let v = at(v, path)?;
    match v {
        Node::Value(Value::Int(n)) => Some(n.to_string()),
        Node::Value(Value::Bool(b)) => Some(b.to_string()),
        _ => v.as_str().map(Cow::into_owned),
    }
}

fn kind<'v>(v: impl At<'v>) -> Cow<'v, str> {
    at(v, "kind").and_then(Node::as_str).unwrap_or_default()
}

fn of_kind<'v>(objects: &[Node<'v>], k: &str) -> Option<Node<'v>> {
    objects.iter().copied().find(|o| kind(o) == k)
}

fn name<'v>(v: impl At<'v>) -> String {
    text(v, "metadata.name").unwrap_or_default()
}

/// `key=value,...` of the given label keys, in that order, from a label map.
fn selector(labels: Option<Node>, keys: &[&str]) -> Option<String> {
    let m = labels?;
    if !m.is_map() {
        return None;
    }
    let parts: Vec<String> =
        keys.iter().filter_map(|k| m.get(k).and_then(Node::as_str).map(|v| format!("{k}={v}"))).collect();
    (!parts.is_empty()).then(|| parts.join(","))
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

/// The app's objects, as the ladder reads them (once per request).
pub fn app_objects(a: &Analysis, ctx: &Context) -> std::sync::Arc<AppObjects> {
    a.objects(&RenderContext::new(ctx))
}

/// What the ladder needs to know about one subject, read from the objects Convox renders.
pub fn facts(a: &Analysis, app: &AppObjects, ctx: &Context, subject: Subject, name: &str) -> Option<Facts> {
    let mut f = Facts::context(ctx);
    f.set("name", name);
    match subject {
        Subject::Service => service_facts(&mut f, a.model(), app, ctx, name)?,
        Subject::Timer => timer_facts(&mut f, a.model(), app, name)?,
        Subject::Resource => resource_facts(&mut f, a.model(), app, ctx, name)?,
    }
    Some(f)
}

fn service_facts(f: &mut Facts, m: &Manifest, app: &AppObjects, ctx: &Context, name: &str) -> Option<()> {
    let s = m.service(name)?;
    f.base = format!("services.{name}");
    f.set("subject", format!("service {}", code(name)));
    let objects = rendered(app, Owner::Service(name.to_string()));
    workload(f, &objects, &["service", "type"]);
    if f.value("scheme").is_none()
        && let Some(p) = &s.port
    {
        f.set("scheme", p.value.scheme.clone());
    }
    pod_facts(f, &objects, ctx);
    image_facts(f, s.build.as_ref().map(|b| b.value.as_str()), s.image.as_ref().map(|i| i.value.as_str()));
    f.set("service_account", name);
    let pod_identity = app.holds(&Owner::Service(name.to_string()), When::AccessControl) == Some(true);
    f.set("iam", if pod_identity { " with the AWS IAM role of `accessControl` (pod identity)" } else { "" });
    f.need(Need::Access, pod_identity || role_annotation(&objects));
    Some(())
}

fn timer_facts(f: &mut Facts, m: &Manifest, app: &AppObjects, name: &str) -> Option<()> {
    let t = m.timer(name)?;
    f.base = format!("timers.{name}");
    f.set("subject", format!("timer {}", code(name)));
    let objects = rendered(app, Owner::Timer(name.to_string()));
    let cronjob = of_kind(&objects, "CronJob")?;
    f.needs.insert(Need::Cronjob);
    f.needs.insert(Need::Pods);
    f.set("cronjob", self::name(cronjob));
    f.set("workload", format!("cronjob/{}", self::name(cronjob)));
    f.set("workload_kind", "CronJob");
    let pod = at(cronjob, "spec.jobTemplate.spec.template");
    if let Some(sel) = selector(pod.and_then(|p| at(p, "metadata.labels")), &["type", "name"]) {
        f.set("pods", sel);
    }
    f.set("service_account", pod.and_then(|p| text(p, "spec.serviceAccountName")).unwrap_or_default());
    f.set("iam", "");
    f.need(Need::Access, role_annotation(&objects));
    if let Some(c) = pod.and_then(|p| at(p, "spec.containers[0]")) {
        limits(f, c);
    }
    let svc = t.service.as_ref().and_then(|s| m.service(&s.value));
    if let Some(s) = svc {
        f.service_base = Some(format!("services.{}", s.name.value));
        let svc_objects = rendered(app, Owner::Service(s.name.value.clone()));
        env_facts(f, &svc_objects);
        image_facts(f, s.build.as_ref().map(|b| b.value.as_str()), s.image.as_ref().map(|i| i.value.as_str()));
    }
    f.need(Need::NoService, true);
    Some(())
}

fn resource_facts(f: &mut Facts, m: &Manifest, app: &AppObjects, ctx: &Context, name: &str) -> Option<()> {
    let r = m.resource(name)?;
    f.base = format!("resources.{name}");
    f.set("subject", format!("resource {}", code(name)));
    let ty = r.type_name().unwrap_or("");
    f.resource_type = Some(ty.to_string());
    f.set("type", ty);
    let objects = rendered(app, Owner::Resource(name.to_string()));
    if let Some(cm) = of_kind(&objects, "ConfigMap") {
        f.set("config_map", self::name(cm));
    }
    let category = schema::schema().resource_type(ty).map(|t| t.category);
    f.need(Need::Managed, category == Some(ResourceCategory::Managed));
    let container = of_kind(&objects, "Deployment").is_some();
    f.need(Need::Overlay, category == Some(ResourceCategory::Containerized) && !container);
    f.need(Need::Pvc, of_kind(&objects, "PersistentVolumeClaim").is_some());
    if let Some(var) = m.overlay_vars(r).next() {
        f.set("url_var", var.name.value.clone());
    }
    workload(f, &objects, &["type", "resource"]);
    pod_facts(f, &objects, ctx);
    Some(())
}

/// The Deployment, DaemonSet or its pods: workload name, pod selector, replicas.
fn workload(f: &mut Facts, objects: &[Node], pod_keys: &[&str]) {
    let Some(w) = workload_core(f, objects, pod_keys) else { return };
    if let Some(c) = at(w, "spec.template.spec.containers[0]") {
        limits(f, c);
        probe(f, c);
        if let Some(image) = text(c, "image").filter(|i| !i.starts_with('<')) {
            f.set("image", image);
        }
    }
}

/// The facts [`short_service_facts`] reads: beside the context and the name, those of
/// [`workload_core`].
pub(super) const SHORT_VALUES: &[&str] =
    &["ns", "rack", "app", "system_ns", "name", "workload", "workload_kind", "pods"];
pub(super) const SHORT_NEEDS: &[Need] = &[Need::Zero, Need::Pods, Need::Init];

/// A service's facts as far as its workload names them (what the hover's short ladder reads,
/// `ladder::short`): the context, the name, [`SHORT_VALUES`] and [`SHORT_NEEDS`].
pub(super) fn short_service_facts(a: &Analysis, app: &AppObjects, ctx: &Context, name: &str) -> Option<Facts> {
    a.model().service(name)?;
    let mut f = Facts::context(ctx);
    f.set("name", name);
    let objects = rendered(app, Owner::Service(name.to_string()));
    workload_core(&mut f, &objects, &["service", "type"]);
    Some(f)
}

/// The workload's name, kind and pod selector, and whether it runs pods or init containers.
fn workload_core<'o>(f: &mut Facts, objects: &'o [Node<'o>], pod_keys: &[&str]) -> Option<&'o Node<'o>> {
    let w = objects.iter().find(|o| matches!(&*kind(o), "Deployment" | "DaemonSet"))?;
    let short = if kind(w) == "DaemonSet" { "ds" } else { "deploy" };
    f.set("workload", format!("{short}/{}", name(w)));
    f.set("workload_kind", kind(w).to_string());
    if let Some(sel) = selector(at(w, "spec.template.metadata.labels"), pod_keys) {
        f.set("pods", sel);
    }
    let replicas = at(w, "spec.replicas").and_then(Node::as_i64);
    f.need(Need::Zero, replicas == Some(0));
    f.need(Need::Pods, replicas != Some(0));
    f.need(Need::Init, at(w, "spec.template.spec.initContainers").is_some());
    Some(w)
}

/// Service, Ingress, HPA, env Secret, and the in-cluster address.
fn pod_facts(f: &mut Facts, objects: &[Node], ctx: &Context) {
    let svc = of_kind(objects, "Service");
    f.need(Need::Service, svc.is_some());
    f.need(Need::NoService, svc.is_none());
    if let Some(svc) = svc {
        let n = name(svc);
        let port = at(svc, "spec.ports[0]");
        let number = port.and_then(|p| text(p, "port")).unwrap_or_default();
        let udp = port.and_then(|p| text(p, "protocol")).is_some_and(|p| p == "UDP");
        let host = format!("{n}.{}.svc.cluster.local", ctx.namespace());
        f.set("dns", format!("{host}:{number}"));
        let scheme = f.value("scheme").unwrap_or("").to_string();
        let probe = match (scheme.as_str(), f.value("health_path")) {
            ("http" | "https", Some(path)) => format!("curl -sSk -m 5 {scheme}://{host}:{number}{path}"),
            ("http" | "https", None) => format!("curl -sSk -m 5 {scheme}://{host}:{number}/"),
            _ if udp => format!("nc -zuv -w 5 {host} {number}"),
            _ => format!("nc -zv -w 5 {host} {number}"),
        };
        f.set("probe", probe);
        if let Some(sel) = at(svc, "spec.selector").and_then(Node::entries) {
            let parts: Vec<String> = sel.iter().filter_map(|(k, v)| Some(format!("{k}={}", v.as_str()?))).collect();
            f.set("svc_selector", parts.join(","));
        }
        f.set("svc", n);
    }
    for ing in objects.iter().filter(|o| kind(o) == "Ingress") {
        let internal = text(ing, "spec.ingressClassName").is_some_and(|c| c.ends_with("-internal"));
        f.need(if internal { Need::InternalIngress } else { Need::Ingress }, true);
        f.set("ingress", name(ing));
        let hosts: Vec<String> = at(ing, "spec.rules")
            .and_then(Node::items)
            .map(|rules| rules.iter().filter_map(|r| text(r, "host")).map(|h| code(&h)).collect())
            .unwrap_or_default();
        f.set("hosts", hosts.join(", "));
    }
    let proxies: Vec<&Node> = objects.iter().filter(|o| kind(o) == "HTTPProxy").collect();
    if let Some(first) = proxies.first() {
        f.needs.insert(Need::Httpproxy);
        f.set("proxies", proxies.iter().map(|p| code(&name(p))).collect::<Vec<_>>().join(", "));
        // The Envoy of the class the proxies ask for (contour or contour-internal).
        f.set("envoy", text(first, "spec.ingressClassName").unwrap_or_else(|| "contour".into()));
    }
    if let Some(h) = of_kind(objects, "HorizontalPodAutoscaler") {
        f.needs.insert(Need::Hpa);
        f.set("hpa", name(h));
    }
    env_facts(f, objects);
}

/// Whether the ServiceAccount carries an IAM role (`eks.amazonaws.com/role-arn`, IRSA), from the
/// `annotations` Convox copies onto it (service.yml.tmpl:18-32, timer.yml.tmpl:2-15).
fn role_annotation(objects: &[Node]) -> bool {
    objects.iter().filter(|o| kind(o) == "ServiceAccount").any(|sa| {
        at(sa, "metadata.annotations")
            .and_then(Node::entries)
            .is_some_and(|m| m.iter().any(|(k, _)| k.ends_with("/role-arn")))
    })
}

/// The env Secret and the variables read from resources' ConfigMaps.
fn env_facts(f: &mut Facts, objects: &[Node]) {
    if let Some(secret) = objects.iter().find(|o| kind(o) == "Secret" && name(o).starts_with("env-")) {
        f.set("env_secret", name(secret));
        f.need(Need::Env, true);
        let keys: Vec<String> = at(secret, "data")
            .and_then(Node::entries)
            .map(|m| m.iter().map(|(k, _)| code(k)).collect())
            .unwrap_or_default();
        f.set("env_keys", keys.join(", "));
    }
    let w = objects.iter().find(|o| matches!(&*kind(o), "Deployment" | "DaemonSet"));
    let env = w.and_then(|w| at(w, "spec.template.spec.containers[0].env")).and_then(Node::items);
    let mut config_maps: Vec<String> = Vec::new();
    for e in env.into_iter().flatten() {
        if let Some(cm) = text(e, "valueFrom.configMapKeyRef.name").map(|c| code(&c))
            && !config_maps.contains(&cm)
        {
            config_maps.push(cm);
        }
    }
    f.need(Need::Linked, !config_maps.is_empty());
    f.set("config_maps", config_maps.join(", "));
}

/// Requests and limits of the first container, as one line.
fn limits(f: &mut Facts, c: Node) {
    let part = |which: &str| -> Option<String> {
        let m = at(c, &format!("resources.{which}"))?.entries()?;
        let items: Vec<String> = m.iter().filter_map(|(k, v)| Some(format!("{k} {}", v.as_str()?))).collect();
        (!items.is_empty()).then(|| format!("{which} {}", items.join(", ")))
    };
    let parts: Vec<String> = ["requests", "limits"].iter().filter_map(|w| part(w)).collect();
    let line = if parts.is_empty() { "no requests or limits".to_string() } else { parts.join("; ") };
    f.set("limits", line);
}

/// Port, scheme and readiness probe of the first container.
fn probe(f: &mut Facts, c: Node) {
    let ports: Vec<&Value> = at(c, "ports").and_then(Node::items).map(|s| s.iter().collect()).unwrap_or_default();
    if let Some(main) = ports.iter().find(|p| text(**p, "name").as_deref() == Some("main")) {
        f.needs.insert(Need::Port);
        f.set("port", text(main, "containerPort").unwrap_or_default());
    } else if !ports.is_empty() {
        f.needs.insert(Need::Ports);
        let list: Vec<String> = ports
            .iter()
            .filter_map(|p| {
                let n = text(p, "containerPort")?;
                Some(code(&format!("{n}/{}", text(p, "protocol").unwrap_or_else(|| "TCP".into()).to_lowercase())))
            })
            .collect();
        f.set("ports", list.join(", "));
    }
    match at(c, "readinessProbe.httpGet") {
        Some(get) => {
            f.needs.insert(Need::Health);
            let scheme = text(get, "scheme").unwrap_or_else(|| "HTTP".into()).to_lowercase();
            f.set("scheme", scheme);
            f.set("health_path", text(get, "path").unwrap_or_else(|| "/".into()));
            f.set("health_port", text(get, "port").unwrap_or_default());
            for (key, field) in [
                ("health_timeout", "readinessProbe.timeoutSeconds"),
                ("health_grace", "readinessProbe.initialDelaySeconds"),
                ("health_interval", "readinessProbe.periodSeconds"),
            ] {
                f.set(key, text(c, field).unwrap_or_default());
            }
        }
        None => f.need(Need::NoHealth, f.needs.contains(&Need::Port)),
    }
}

fn image_facts(f: &mut Facts, build: Option<&str>, image: Option<&str>) {
    match image {
        Some(i) => {
            f.needs.insert(Need::Prebuilt);
            f.set("image", i);
        }
        None => {
            f.needs.insert(Need::Built);
            f.set("build", build.unwrap_or("."));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yaml_serde::Value as Yaml;

    /// The node reads as the YAML of the object: the same keys in the same order, the same lists
    /// and the same scalars.
    fn same(node: Node, yaml: &Yaml, path: &str) {
        match yaml {
            Yaml::Mapping(m) => {
                let entries = node.entries().unwrap_or_else(|| panic!("{path}: not a map"));
                let keys: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
                let yaml_keys: Vec<&str> = m.keys().map(|k| k.as_str().unwrap()).collect();
                assert_eq!(keys, yaml_keys, "{path}");
                for (k, v) in &entries {
                    same(*v, &m[*k], &format!("{path}.{k}"));
                    same(node.get(k).unwrap(), &m[*k], &format!("{path}.{k}"));
                }
            }
            Yaml::Sequence(items) => {
                let mine = node.items().unwrap_or_else(|| panic!("{path}: not a list"));
                assert_eq!(mine.len(), items.len(), "{path}");
                for (a, b) in mine.iter().zip(items) {
                    same(Node::Value(a), b, &format!("{path}[]"));
                }
            }
            Yaml::String(s) => assert_eq!(node.as_str().as_deref(), Some(s.as_str()), "{path}"),
            Yaml::Number(n) => assert_eq!(node.as_i64(), n.as_i64(), "{path}"),
            Yaml::Bool(b) => assert!(matches!(node, Node::Value(Value::Bool(x)) if x == b), "{path}"),
            other => panic!("{path}: {other:?}"),
        }
    }

    fn field(key: &'static str, value: Value) -> Field {
        Field { key: key.into(), value, from: Vec::new() }
    }

    #[test]
    fn objects_read_in_place_as_their_yaml() {
        let manifests =
            [include_str!("../../../examples/convox.yml"), include_str!("../../../tests/fixtures/troubleshoot.yml")];
        let mut count = 0;
        for text in manifests {
            let a = Analysis::from_text(text);
            for router in [None, Some("contour".to_string())] {
                let ctx = Context { router: router.clone(), ..Context::default() };
                let app = app_objects(&a, &ctx);
                for o in app.objects.iter().chain(&app.outside) {
                    same(Node::Object(o), &o.to_yaml(), &o.title());
                    count += 1;
                }
            }
        }
        assert!(count > 50, "{count}");
        // A key written twice reads as the last, where the first is; a body `kind` replaces it.
        let mut o = Object::new(Owner::Service("web".into()), "Deployment", "apps/v1", "web", "ns".into(), "t");
        o.labels =
            vec![field("a", Value::Str("1".into())), field("b", Value::Int(2)), field("a", Value::Str("3".into()))];
        o.body = vec![
            field("spec", Value::Map(vec![field("replicas", Value::Int(1)), field("replicas", Value::Int(0))])),
            field("kind", Value::Str("DaemonSet".into())),
        ];
        same(Node::Object(&o), &o.to_yaml(), "dup");
        assert_eq!(kind(Node::Object(&o)), "DaemonSet");
        assert_eq!(at(Node::Object(&o), "spec.replicas").and_then(Node::as_i64), Some(0));
        assert_eq!(selector(at(Node::Object(&o), "metadata.labels"), &["a"]).as_deref(), Some("a=3"));
    }
}
