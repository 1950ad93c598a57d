//! Inlay hints (what each declared name becomes, and resolved defaults) and code lenses (the main
//! kubectl command of each service, timer and resource).

use super::Analysis;
use super::hover::entity_commands;
use super::objects::{AppObjects, Owner, RenderContext};
use crate::context::Context;
use crate::model::Name;
use crate::schema::{self, ResourceCategory};
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint goes: the end of the line of the name (or key) it explains, after its colon.
    pub offset: usize,
    pub label: String,
    pub tooltip: Option<String>,
}

/// Which hints to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HintConfig {
    /// `web: → Deployment web, Service web, Ingress web, HPA 2-10`.
    pub objects: bool,
    /// `health: → interval 5s, grace 5s, timeout 4s` (the defaults Convox fills in).
    pub defaults: bool,
}

impl Default for HintConfig {
    fn default() -> Self {
        Self { objects: true, defaults: false }
    }
}

/// How hints and symbols name a kind: the long ones shortened.
pub(super) fn short(kind: &str) -> &str {
    match kind {
        "HorizontalPodAutoscaler" => "HPA",
        "PersistentVolumeClaim" => "PVC",
        k => k,
    }
}

/// The kinds a service's hint and outline detail name.
pub(super) const SERVICE_KINDS: [&str; 6] =
    ["Deployment", "DaemonSet", "Service", "Ingress", "HorizontalPodAutoscaler", "ScaledObject"];

/// A service's workload, Service, Ingress and autoscaler, in the order of [`SERVICE_KINDS`].
pub(super) fn service_objects<'a>(app: &'a AppObjects, owner: &'a Owner) -> Vec<&'a crate::ide::objects::Object> {
    let rank = |k: &str| SERVICE_KINDS.iter().position(|x| *x == k);
    let mut v: Vec<_> = app.owned_by(owner).filter(|o| rank(&o.kind).is_some()).collect();
    v.sort_by_key(|o| rank(&o.kind));
    v
}

/// The end of the line a name sits on (before a `\r\n`): hints go after the key's colon.
fn line_end(a: &Analysis, offset: usize) -> usize {
    let text = a.text();
    text[offset..].find(['\n', '\r']).map_or(text.len(), |i| offset + i)
}

pub(super) fn inlay_hints(a: &Analysis, ctx: &Context, range: TextRange, config: HintConfig) -> Vec<InlayHint> {
    let mut out = Vec::new();
    if config.objects {
        let app = a.objects(&RenderContext::new(ctx));
        for (owner, name) in owners(a) {
            if let Some(label) = objects_label(a, &app, &owner) {
                out.push(InlayHint { offset: line_end(a, name.range.end), label, tooltip: None });
            }
        }
    }
    if config.defaults {
        defaults(a, &mut out);
    }
    out.retain(|h| range.contains_inclusive(h.offset));
    out.sort_by_key(|h| h.offset);
    out
}

/// Every declared service, resource, timer and balancer, with its name.
fn owners(a: &Analysis) -> impl Iterator<Item = (Owner, &Name)> {
    let m = a.model();
    let services = m.services.iter().map(|s| (Owner::Service(s.name.value.clone()), &s.name));
    let resources = m.resources.iter().map(|r| (Owner::Resource(r.name.value.clone()), &r.name));
    let timers = m.timers.iter().map(|t| (Owner::Timer(t.name.value.clone()), &t.name));
    let balancers = m.balancers.iter().map(|b| (Owner::Balancer(b.name.value.clone()), &b.name));
    services.chain(resources).chain(timers).chain(balancers)
}

/// `→ Deployment web, Service web, HPA 2-10`: what the model renders for an owner.
fn objects_label(a: &Analysis, app: &AppObjects, owner: &Owner) -> Option<String> {
    let m = a.model();
    let label = match owner {
        Owner::Service(name) => {
            let c = m.service(name)?.count();
            let parts: Vec<String> = service_objects(app, owner)
                .into_iter()
                .map(|o| match o.kind.as_str() {
                    "HorizontalPodAutoscaler" => format!("HPA {}-{}", c.min, c.max),
                    k => format!("{} {}", short(k), o.name),
                })
                .collect();
            parts.join(", ")
        }
        Owner::Resource(name) => {
            let r = m.resource(name)?;
            let t = r.type_name()?;
            let rt = schema::schema().resource_type(t);
            let has = |kind: &str| app.owned_by(owner).any(|o| o.kind == kind);
            let extra = match rt.map(|rt| rt.category) {
                None => "unknown type",
                Some(ResourceCategory::Managed) => "AWS",
                Some(_) if !has("Deployment") => "overlay: no container",
                Some(_) if has("PersistentVolumeClaim") => "PVC",
                Some(_) => "no PVC",
            };
            format!("resource-{} ({t}, {extra})", r.k8s_name())
        }
        Owner::Balancer(_) => app.owned_by(owner).map(|o| format!("{} (LoadBalancer)", o.title())).next()?,
        _ => app.owned_by(owner).find(|o| o.kind == "CronJob")?.title(),
    };
    Some(format!("→ {label}"))
}

/// The values Convox fills in for a `health:` or `scale:` map that leaves some out.
fn defaults(a: &Analysis, out: &mut Vec<InlayHint>) {
    let Some(services) = a.parse().root().get("services").and_then(|e| e.value.as_map()) else { return };
    for svc in services {
        if let Some(h) = svc.value.get("health") {
            let int = |k: &str| h.value.get(k).and_then(|e| e.value.as_str()).and_then(|v| v.parse::<i64>().ok());
            let interval = int("interval").unwrap_or(5);
            let mut parts = Vec::new();
            if h.value.as_map().is_some() || h.value.as_str().is_some() {
                if h.value.get("path").is_none() && h.value.as_str().is_none() {
                    parts.push("path /".to_string());
                }
                if int("interval").is_none() {
                    parts.push(format!("interval {interval}s"));
                }
                if int("grace").is_none() {
                    parts.push(format!("grace {interval}s"));
                }
                if int("timeout").is_none() {
                    parts.push(format!("timeout {}s", (interval - 1).max(1)));
                }
            }
            if !parts.is_empty() {
                out.push(InlayHint {
                    offset: line_end(a, h.key.range.end),
                    label: format!("→ {}", parts.join(", ")),
                    tooltip: Some("defaults Convox applies".to_string()),
                });
            }
        }
        if let Some(s) = svc.value.get("scale").filter(|s| s.value.as_map().is_some()) {
            let mut parts = Vec::new();
            for (k, d) in [("count", "count 1"), ("cpu", "cpu 250m"), ("memory", "memory 512Mi")] {
                if s.value.get(k).is_none() {
                    parts.push(d.to_string());
                }
            }
            if !parts.is_empty() {
                out.push(InlayHint {
                    offset: line_end(a, s.key.range.end),
                    label: format!("→ {}", parts.join(", ")),
                    tooltip: Some("defaults Convox applies".to_string()),
                });
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    /// The declared name the lens sits above.
    pub range: TextRange,
    /// The kubectl command.
    pub command: String,
}

pub(super) fn code_lenses(a: &Analysis, ctx: &Context) -> Vec<CodeLens> {
    let app = a.objects(&RenderContext::new(ctx));
    owners(a)
        .filter(|(owner, _)| !matches!(owner, Owner::Balancer(_)))
        .filter_map(|(owner, name)| {
            let command = entity_commands(a, ctx, &app, &owner).into_iter().next()?;
            Some(CodeLens { range: name.range, command })
        })
        .collect()
}
