//! Names declared elsewhere in the file: resources, services, config ids, environment names (in
//! `${...}` and in a service's `environment`), the variables a linked resource injects.

use super::item::{current_value, value_item};
use super::{CompletionItem, CompletionKind};
use crate::ide::analysis::Analysis;
use crate::model::{self, Manifest, Service};
use crate::text::TextRange;

/// The key patterns whose values are names declared elsewhere in the file.
pub(super) const REFERENCES: [&str; 6] = [
    "services.*.resources[]",
    "services.*.environment[]",
    "timers.*.service",
    "balancers.*.service",
    "budget.neverAutoShutdown[]",
    "services.*.configMounts[].id",
];

/// The names a reference key at `pattern` takes (`keys`: the concrete path's keys).
pub(super) fn references(a: &Analysis, pattern: &str, keys: &[&str], replace: TextRange) -> Vec<CompletionItem> {
    let model = a.model();
    let service = keys.get(1).and_then(|s| model.service(s));
    match pattern {
        "services.*.resources[]" => resources(a, service, replace),
        "services.*.environment[]" => service_environment(model, service, replace),
        "services.*.configMounts[].id" => model
            .configs
            .iter()
            .filter_map(|c| c.id.as_ref())
            .enumerate()
            .map(|(i, id)| value_item(&id.value, Some("config".to_string()), CompletionKind::Reference, replace, i))
            .collect(),
        _ => services(model, replace),
    }
}

/// The declared resources a service does not link yet (the one under the cursor included).
fn resources(a: &Analysis, service: Option<&Service>, replace: TextRange) -> Vec<CompletionItem> {
    let listed: Vec<&str> =
        service.map(|s| s.resources.iter().map(|r| r.name.value.as_str()).collect()).unwrap_or_default();
    let current = current_value(a, replace);
    let mut items = Vec::new();
    for (i, r) in a.model().resources.iter().enumerate() {
        if !listed.contains(&r.name.value.as_str()) || current == Some(r.name.value.as_str()) {
            let detail = r.type_name().map(|t| format!("resource ({t})"));
            items.push(value_item(&r.name.value, detail, CompletionKind::Reference, replace, i));
        }
    }
    items
}

fn services(model: &Manifest, replace: TextRange) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    for (i, s) in model.services.iter().enumerate() {
        let what = if s.is_agent() { "DaemonSet" } else { "Deployment" };
        items.push(value_item(&s.name.value, Some(format!("service ({what})")), CompletionKind::Reference, replace, i));
    }
    items
}

/// In a service's `environment`: the names of the top-level `environment` (a service repeats one
/// to override its default), then the variables its linked resources inject
/// (`pkg/manifest/service.go:1014` `ResourceMap`: `<NAME>_URL`, `_USER`, `_PASS`, `_HOST`, `_PORT`,
/// `_NAME` from `pkg/manifest/resource.go:14` `AdditionalEnvNames`, or the alias of `name:ALIAS`).
fn service_environment(model: &Manifest, service: Option<&Service>, replace: TextRange) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = Vec::new();
    let push = |name: &str, detail: String, items: &mut Vec<CompletionItem>| {
        if !name.is_empty() && name != "*" && !items.iter().any(|i| i.label == name) {
            let rank = items.len();
            items.push(value_item(name, Some(detail), CompletionKind::Variable, replace, rank));
        }
    };
    for e in &model.environment {
        let detail = match &e.default {
            Some(d) => format!("app environment, default {}", d.value),
            None => "app environment (required)".to_string(),
        };
        push(&e.name.value, detail, &mut items);
    }
    for r in service.map(|s| s.resources.as_slice()).unwrap_or_default() {
        let from = format!("from resource {}", r.name.value);
        match &r.alias {
            Some(alias) => push(&alias.value, from, &mut items),
            None => {
                for v in model::resource_vars(&r.name.value) {
                    push(&v, from.clone(), &mut items);
                }
            }
        }
    }
    items
}

/// Inside `${...`: the declared environment names.
pub(super) fn interpolation(a: &Analysis, offset: usize) -> Option<Vec<CompletionItem>> {
    let text = a.text();
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let open = before.rfind("${")?;
    if before[open..].contains('}') {
        return None;
    }
    let start = line_start + open + 2;
    let rest = &text[offset..];
    let end = rest.find(['}', '\n']).filter(|i| rest.as_bytes().get(*i) == Some(&b'}')).map_or(offset, |i| offset + i);
    let replace = TextRange::new(start, end);
    let m = a.model();
    let mut seen: Vec<&str> = Vec::new();
    let mut items = Vec::new();
    for e in m.environment.iter().chain(m.services.iter().flat_map(|s| s.environment.iter())) {
        let name = e.name.value.as_str();
        if name.is_empty() || name == "*" || seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let detail = match &e.default {
            Some(d) => format!("environment, default {}", d.value),
            None => "environment (required)".to_string(),
        };
        items.push(value_item(name, Some(detail), CompletionKind::Variable, replace, items.len()));
    }
    Some(items)
}
