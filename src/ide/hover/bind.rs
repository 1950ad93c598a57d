//! The values a hover's placeholders stand for at one place in the manifest.

use super::Analysis;
use crate::context::Context;
use crate::model::{self, Balancer, Resource, Service, Timer};
use crate::schema::{self, ResourceCategory, When};
use crate::syntax::{KeyPath, Segment};

/// The concrete values placeholders stand for at one place in the manifest.
pub(in crate::ide) struct Bind<'a> {
    pub(super) ctx: &'a Context,
    pub(super) service: Option<&'a Service>,
    pub(super) resource: Option<&'a Resource>,
    pub(super) timer: Option<&'a Timer>,
    pub(super) balancer: Option<&'a Balancer>,
    /// The name under `services.*` / `resources.*` / `timers.*` / `balancers.*`.
    pub(super) name: Option<String>,
    pub(super) value: Option<String>,
    pub(super) id: Option<String>,
    /// The resource's `<NAME>_URL` is set by the environment (overlay mode).
    pub(super) overlay: bool,
}

impl<'a> Bind<'a> {
    pub(in crate::ide) fn new(a: &'a Analysis, ctx: &'a Context, path: &KeyPath) -> Bind<'a> {
        let m = a.model();
        let mut b = Bind {
            ctx,
            service: None,
            resource: None,
            timer: None,
            balancer: None,
            name: None,
            value: None,
            id: None,
            overlay: false,
        };
        let keys: Vec<&str> = path.keys().collect();
        if let [section, name, ..] = keys.as_slice() {
            b.name = Some((*name).to_string());
            match *section {
                "services" => b.service = m.service(name),
                "resources" => {
                    b.resource = m.resource(name);
                    b.overlay = b.resource.is_some_and(|r| m.overlay_vars(r).next().is_some());
                }
                "timers" => {
                    b.timer = m.timer(name);
                    b.service = b.timer.and_then(|t| t.service.as_ref()).and_then(|s| m.service(&s.value));
                }
                "balancers" => {
                    b.balancer = m.balancer(name);
                    b.service = b.balancer.and_then(|t| t.service.as_ref()).and_then(|s| m.service(&s.value));
                }
                _ => b.name = None,
            }
        }
        b
    }

    pub(super) fn service_name(&self) -> Option<String> {
        if let Some(s) = self.service {
            return Some(s.name.value.clone());
        }
        if let Some(t) = self.timer {
            return t.service.as_ref().map(|s| s.value.clone());
        }
        if let Some(b) = self.balancer {
            return b.service.as_ref().map(|s| s.value.clone());
        }
        None
    }

    /// Replaces the placeholders of `FORMAT.md`. One that has no value here stays as `<name>`.
    pub(in crate::ide) fn fill(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let Some(j) = after.find('}') else {
                out.push_str(&rest[i..]);
                return out;
            };
            let key = &after[..j];
            let value = match key {
                "ns" => Some(self.ctx.namespace()),
                "rack" => Some(self.ctx.rack_or_placeholder().to_string()),
                "app" => Some(self.ctx.app_or_placeholder().to_string()),
                "service" => self.service_name(),
                "name" => self.name.clone(),
                "timer" => self.timer.map(|t| t.name.value.clone()),
                "resource" => self.resource.map(|r| r.name.value.clone()),
                "balancer" => self.balancer.map(|b| b.name.value.clone()),
                "k8sname" => self.resource.map(Resource::k8s_name),
                "RESOURCE" => self.resource.map(|r| model::env_prefix(&r.name.value)),
                "value" => self.value.clone(),
                "id" => self.id.clone(),
                // `{.spec...}` in a jsonpath and anything unknown: literal text.
                _ => {
                    out.push('{');
                    rest = after;
                    continue;
                }
            };
            out.push_str(&value.unwrap_or_else(|| format!("<{key}>")));
            rest = &after[j + 1..];
        }
        out.push_str(rest);
        out
    }

    /// A piece of the knowledge base's prose, filled in and made safe Markdown.
    pub(super) fn prose(&self, template: &str) -> String {
        crate::ide::markdown::prose(&self.fill(template))
    }

    /// Whether a condition holds here: `None` when there is nothing to decide it on.
    pub(in crate::ide) fn holds(&self, when: When) -> Option<bool> {
        let svc = || self.service;
        Some(match when {
            When::Port => svc()?.port.is_some(),
            When::PortOrPorts => svc().map(|s| s.port.is_some() || !s.ports.is_empty())?,
            When::Ingress => svc().map(|s| s.port.is_some() && !s.is_internal() && !s.is_internal_router())?,
            When::InternalRouter => svc().map(|s| s.port.is_some() && s.is_internal_router())?,
            When::Agent => svc()?.is_agent(),
            When::NotAgent => !svc()?.is_agent(),
            When::CountRange => svc().map(|s| {
                let c = s.count();
                c.min != c.max && !s.is_agent() && !s.autoscales()
            })?,
            When::Autoscale => svc()?.autoscales(),
            When::Containerized | When::Persistent | When::Managed => {
                let r = self.resource?;
                let t = schema::schema().resource_type(r.type_name()?)?;
                // With `<NAME>_URL` set, Convox runs no container: only a ConfigMap with that URL.
                let runs = t.category == ResourceCategory::Containerized && !self.overlay;
                match when {
                    When::Containerized => runs,
                    When::Managed => t.category == ResourceCategory::Managed,
                    _ => runs && t.persistent,
                }
            }
            When::Parallel => self.timer?.parallel_count.as_ref().is_some_and(|p| p.value > 1),
            When::AccessControl => svc()?.access_control,
            When::NoLimitMemory => !svc()?.limit_memory,
            When::Efs => svc()?.efs,
        })
    }
}

/// The commands that apply here, filled in, without repeats.
pub(in crate::ide) fn filled(b: &Bind, commands: &[schema::Command]) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for t in commands {
        if t.when().is_some_and(|w| b.holds(w) == Some(false)) {
            continue;
        }
        let mut c = b.fill(t.text());
        if b.service.is_some_and(Service::is_agent) && b.timer.is_none() && b.balancer.is_none() {
            // An agent is a DaemonSet: the same commands, on `ds`.
            c = c
                .replace("get deploy ", "get ds ")
                .replace("describe deploy ", "describe ds ")
                .replace(" deploy/", " ds/");
        }
        if !v.contains(&c) {
            v.push(c);
        }
    }
    v
}

/// The objects a declared name becomes here, as `Kind name` (the knowledge base's list for the
/// section, with conditions decided): for symbols, inlay hints and code lenses.
pub(in crate::ide) fn entity_objects(a: &Analysis, ctx: &Context, section: &str, name: &str) -> Vec<(String, String)> {
    let path = KeyPath(vec![Segment::Key(section.to_string()), Segment::Key(name.to_string())]);
    let b = Bind::new(a, ctx, &path);
    let Some(doc) = schema::schema().get(&format!("{section}.*")) else { return Vec::new() };
    doc.k8s
        .iter()
        .filter(|r| r.when.is_some_and(|w| b.holds(w) == Some(true)) || r.when.is_none())
        .map(|r| (r.kind.clone(), b.fill(&r.name)))
        .collect()
}
