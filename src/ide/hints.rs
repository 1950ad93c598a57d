//! Inlay hints (what each declared name becomes, and resolved defaults) and code lenses (the main
//! kubectl command of each service, timer and resource).

use super::analysis::Analysis;
use super::objects::{self, AppObjects, Owner, RenderContext};
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
        defaults(a, &a.objects(&RenderContext::new(ctx)), &mut out);
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
            let c = app.scale(name)?;
            let parts: Vec<String> = app
                .service_objects(owner)
                .into_iter()
                .map(|o| match o.kind.as_str() {
                    "HorizontalPodAutoscaler" => format!("HPA {}", range(c.min, c.max)),
                    k => format!("{} {}", objects::abbreviation(k), o.name),
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

/// The values Convox fills in for a `health:` or `scale:` map that leaves some out, read from the
/// objects the model renders (the readiness probe, the container's requests, the replica range):
/// a key not written shows the value the render has for it.
fn defaults(a: &Analysis, app: &AppObjects, out: &mut Vec<InlayHint>) {
    let Some(services) = a.parse().root().get("services").and_then(|e| e.value.as_map()) else { return };
    let root = a.parse().root();
    for svc in services {
        let Some(name) = svc.key.as_str() else { continue };
        let owner = Owner::Service(name.to_string());
        let Some(work) = app.owned_by(&owner).find(|o| matches!(o.kind.as_str(), "Deployment" | "DaemonSet")) else {
            continue;
        };
        let fields = work.fields();
        let field = |suffix: &str| {
            let path = format!("spec.template.spec.containers[].{suffix}");
            fields.iter().find(|(p, _)| *p == path).and_then(|(_, f)| scalar(&f.value))
        };
        let written = |k: &str| objects::written(root, &format!("services.{name}.{k}"));
        for (section, keys) in DEFAULTS {
            let Some(entry) = svc.value.get(section) else { continue };
            // `scale: 2` writes the count, `health: /check` the path.
            let scalar_written = entry.value.as_str().is_some();
            let mut parts = Vec::new();
            for (key, suffix, unit) in *keys {
                if written(&format!("{section}.{key}")) || (scalar_written && matches!(*key, "count" | "path")) {
                    continue;
                }
                let value = match *key {
                    "count" if ["min", "max"].iter().any(|b| written(&format!("scale.{b}"))) => None,
                    "count" => app.scale(name).map(|c| range(c.min, c.max)),
                    _ => field(suffix),
                };
                parts.extend(value.map(|v| format!("{key} {v}{unit}")));
            }
            if !parts.is_empty() {
                out.push(InlayHint {
                    offset: line_end(a, entry.key.range.end),
                    label: format!("→ {}", parts.join(", ")),
                    tooltip: Some("defaults Convox applies".to_string()),
                });
            }
        }
    }
}

/// A key a defaults hint names: (key, container field, unit).
type DefaultKey = (&'static str, &'static str, &'static str);

/// The keys of `health` and `scale` a defaults hint names.
const DEFAULTS: &[(&str, &[DefaultKey])] = &[
    (
        "health",
        &[
            ("path", "readinessProbe.httpGet.path", ""),
            ("interval", "readinessProbe.periodSeconds", "s"),
            ("grace", "readinessProbe.initialDelaySeconds", "s"),
            ("timeout", "readinessProbe.timeoutSeconds", "s"),
        ],
    ),
    ("scale", &[("count", "", ""), ("cpu", "resources.requests.cpu", ""), ("memory", "resources.requests.memory", "")]),
];

/// `2` or `2-6`.
pub(super) fn range(min: i64, max: i64) -> String {
    if min == max { min.to_string() } else { format!("{min}-{max}") }
}

fn scalar(v: &objects::Value) -> Option<String> {
    match v {
        objects::Value::Str(s) => Some(s.to_string()),
        objects::Value::Int(n) => Some(n.to_string()),
        _ => None,
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
            let command = app.commands(&owner).into_iter().next()?;
            Some(CodeLens { range: name.range, command })
        })
        .collect()
}
