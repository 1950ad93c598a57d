//! Convox Generation 2 (ECS) and Praxis manifests: one warning at the top naming the evidence,
//! instead of one "not a Convox v3 key" per key. The errors Convox v3 would raise stay.

use super::Sink;
use crate::ide::codes::Code;
use crate::syntax::yaml::{Kind, Node};

/// What gives a manifest away, in the order found: `(generation, evidence)`.
fn evidence(root: &Node) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for key in ["workflows", "keys", "queues", "tables"] {
        if root.get(key).is_some() {
            out.push(("Praxis", format!("`{key}:`")));
        }
    }
    for b in root.get("balancers").and_then(|b| b.value.as_map()).unwrap_or_default() {
        let ports = b.value.as_map().unwrap_or_default();
        if let Some(k) = ports.iter().filter_map(|e| e.key.as_str()).find(|k| k.contains('/')) {
            out.push(("Praxis", format!("balancer port `{k}`")));
        }
    }
    if root.get("version").is_some() {
        out.push(("Generation 2", "top-level `version`".to_string()));
    }
    for svc in root.get("services").and_then(|s| s.value.as_map()).unwrap_or_default() {
        let b = &svc.value;
        for key in ["links", "nlb", "policies", "tags", "internalAndExternal"] {
            if b.get(key).is_some() {
                out.push(("Generation 2", format!("`{key}`")));
            }
        }
        if b.get("agent").is_some_and(|a| matches!(a.value.kind, Kind::Map(_))) {
            out.push(("Generation 2", "`agent` as a map".to_string()));
        }
        if b.get("command").is_some_and(|c| matches!(c.value.kind, Kind::Seq(_))) {
            out.push(("Generation 2", "`command` as a list".to_string()));
        }
        if b.get("scale").and_then(|s| s.value.get("cooldown")).is_some() {
            out.push(("Generation 2", "`scale.cooldown`".to_string()));
        }
    }
    out.dedup();
    out
}

/// The warning, on the first key of the file; `true` when the file is a legacy manifest (the
/// per-key "not a Convox v3 key" warnings are then left out).
pub(super) fn legacy(root: &Node, sink: &mut Sink) -> bool {
    let found = evidence(root);
    let Some(first) = root.as_map().and_then(|m| m.first()) else { return false };
    let Some((generation, _)) = found.first() else { return false };
    let list: Vec<&str> = found.iter().filter(|(g, _)| g == generation).map(|(_, e)| e.as_str()).take(5).collect();
    let what = if *generation == "Praxis" { "Convox Praxis" } else { "Convox Generation 2 (ECS)" };
    sink.add(
        first.key.range,
        Code::LegacyManifest,
        format!(
            "this looks like a {what} manifest ({}): a Convox v3 (Kubernetes) rack ignores those keys, and rejects what is marked as an error",
            list.join(", ")
        ),
    );
    true
}
