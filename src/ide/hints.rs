//! Inlay hints (what each declared name becomes, and resolved defaults) and code lenses (the main
//! kubectl command of each service, timer and resource).

use super::Analysis;
use super::hover::{entity_objects, main_command};
use crate::context::Context;
use crate::schema::{self, ResourceCategory};
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint goes: the end of the name (or key) it explains.
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

fn short(kind: &str) -> &str {
    match kind {
        "HorizontalPodAutoscaler" => "HPA",
        "PersistentVolumeClaim" => "PVC",
        k => k,
    }
}

pub(super) fn inlay_hints(a: &Analysis, ctx: &Context, range: TextRange, config: HintConfig) -> Vec<InlayHint> {
    let m = a.model();
    let mut out = Vec::new();
    if config.objects {
        for s in &m.services {
            let c = s.count();
            let parts: Vec<String> = entity_objects(a, ctx, "services", &s.name.value)
                .into_iter()
                .filter(|(k, _)| {
                    matches!(
                        k.as_str(),
                        "Deployment" | "DaemonSet" | "Service" | "Ingress" | "HorizontalPodAutoscaler" | "ScaledObject"
                    )
                })
                .map(|(k, n)| match k.as_str() {
                    "HorizontalPodAutoscaler" => format!("HPA {}-{}", c.min, c.max),
                    _ => format!("{} {n}", short(&k)),
                })
                .collect();
            out.push(InlayHint { offset: s.name.range.end, label: format!("→ {}", parts.join(", ")), tooltip: None });
        }
        for r in &m.resources {
            let Some(t) = r.type_name() else { continue };
            let extra = match schema::schema().resource_type(t) {
                Some(rt) if rt.category == ResourceCategory::Managed => "AWS".to_string(),
                Some(rt) => {
                    let objects = entity_objects(a, ctx, "resources", &r.name.value);
                    if !objects.iter().any(|(k, n)| k == "Deployment" && n.starts_with("resource-")) {
                        "overlay: no container".to_string()
                    } else if rt.persistent {
                        "PVC".to_string()
                    } else {
                        "no PVC".to_string()
                    }
                }
                None => "unknown type".to_string(),
            };
            out.push(InlayHint {
                offset: r.name.range.end,
                label: format!("→ resource-{} ({t}, {extra})", r.k8s_name()),
                tooltip: None,
            });
        }
        for t in &m.timers {
            out.push(InlayHint {
                offset: t.name.range.end,
                label: format!("→ CronJob timer-{}", t.name.value),
                tooltip: None,
            });
        }
        for b in &m.balancers {
            out.push(InlayHint {
                offset: b.name.range.end,
                label: format!("→ Service balancer-{} (LoadBalancer)", b.name.value),
                tooltip: None,
            });
        }
    }
    if config.defaults {
        defaults(a, &mut out);
    }
    out.retain(|h| range.contains_inclusive(h.offset));
    out.sort_by_key(|h| h.offset);
    out
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
                    offset: h.key.range.end,
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
                    offset: s.key.range.end,
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
    let m = a.model();
    let mut out = Vec::new();
    let named = m
        .services
        .iter()
        .map(|s| ("services", &s.name))
        .chain(m.resources.iter().map(|r| ("resources", &r.name)))
        .chain(m.timers.iter().map(|t| ("timers", &t.name)));
    for (section, name) in named {
        if let Some(command) = main_command(a, ctx, section, &name.value) {
            out.push(CodeLens { range: name.range, command });
        }
    }
    out
}
