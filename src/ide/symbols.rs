//! The outline: top-level sections, and under each the names it declares.

use super::analysis::Analysis;
use super::objects::{Owner, RenderContext};
use crate::model::{EnvVar, KeyValue, Name};
use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A top-level key (`services`, `resources` ...).
    Section,
    Service,
    Resource,
    Timer,
    Balancer,
    /// An environment variable.
    Variable,
    /// A label, param or other key/value pair.
    Property,
    /// A config of `configs`.
    Config,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole entry.
    pub range: TextRange,
    /// The name itself.
    pub selection_range: TextRange,
    pub children: Vec<Symbol>,
}

fn leaf(name: &Name, detail: Option<String>, kind: SymbolKind, range: TextRange) -> Symbol {
    Symbol {
        name: name.value.clone(),
        detail,
        kind,
        range: range.cover(name.range),
        selection_range: name.range,
        children: Vec::new(),
    }
}

fn env(vars: &[EnvVar]) -> Vec<Symbol> {
    vars.iter()
        .filter(|v| !v.name.value.is_empty())
        .map(|v| leaf(&v.name, v.default.as_ref().map(|d| format!("= {}", d.value)), SymbolKind::Variable, v.range))
        .collect()
}

fn pairs(kvs: &[KeyValue]) -> Vec<Symbol> {
    kvs.iter()
        .map(|kv| leaf(&kv.key, kv.value.as_ref().map(|v| v.value.clone()), SymbolKind::Property, kv.range))
        .collect()
}

pub(super) fn document_symbols(a: &Analysis) -> Vec<Symbol> {
    let m = a.model();
    // The outline names kinds and object names, which rack and app do not change; the router
    // would (HTTPProxy for Ingress), but the outline has no settings: nginx's are shown.
    let app = a.objects(&RenderContext::new(&crate::context::Context::default()));
    m.sections
        .iter()
        .map(|section| {
            let children = match section.key.value.as_str() {
                "services" => m
                    .services
                    .iter()
                    .map(|s| {
                        // The kinds it becomes: `Deployment, Service, Ingress, HPA`.
                        let mut kinds: Vec<&str> = Vec::new();
                        let owner = Owner::Service(s.name.value.clone());
                        for o in app.service_objects(&owner) {
                            let k = super::objects::abbreviation(&o.kind);
                            if !kinds.contains(&k) {
                                kinds.push(k);
                            }
                        }
                        let detail = kinds.join(", ");
                        let mut sym = leaf(&s.name, Some(detail), SymbolKind::Service, s.range);
                        sym.children = env(&s.environment);
                        sym
                    })
                    .collect(),
                "resources" => m
                    .resources
                    .iter()
                    .map(|r| leaf(&r.name, r.kind.as_ref().map(|k| k.value.clone()), SymbolKind::Resource, r.range))
                    .collect(),
                "timers" => m
                    .timers
                    .iter()
                    .map(|t| leaf(&t.name, t.schedule.as_ref().map(|s| s.value.clone()), SymbolKind::Timer, t.range))
                    .collect(),
                "balancers" => m
                    .balancers
                    .iter()
                    .map(|b| {
                        leaf(
                            &b.name,
                            b.service.as_ref().map(|s| format!("-> {}", s.value)),
                            SymbolKind::Balancer,
                            b.range,
                        )
                    })
                    .collect(),
                "environment" => env(&m.environment),
                "labels" => pairs(&m.labels),
                "params" => pairs(&m.params),
                "configs" => m
                    .configs
                    .iter()
                    .filter_map(|c| {
                        Some(leaf(
                            c.id.as_ref()?,
                            c.name.as_ref().map(|n| n.value.clone()),
                            SymbolKind::Config,
                            c.range,
                        ))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Symbol {
                name: section.key.value.clone(),
                detail: None,
                kind: SymbolKind::Section,
                range: section.range,
                selection_range: section.key.range,
                children,
            }
        })
        .collect()
}
