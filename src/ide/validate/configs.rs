//! `configs` and `configMounts` (`pkg/manifest/config.go`, `validate.go:26,171-179`).

use super::Sink;
use crate::ide::codes::Code;
use crate::syntax::yaml::Node;

pub(super) fn configs(root: &Node, sink: &mut Sink) {
    for item in root.get("configs").and_then(|c| c.value.as_seq()).unwrap_or_default() {
        // config.go:15
        if !has(item, "id") {
            sink.add(item.range, Code::MissingKey, "configs[*].id is required".to_string());
        }
    }
    let Some(services) = root.get("services").and_then(|e| e.value.as_map()) else { return };
    for svc in services {
        for item in svc.value.get("configMounts").and_then(|c| c.value.as_seq()).unwrap_or_default() {
            // config.go:30-36: the first missing one.
            if let Some(k) = ["id", "dir", "filename"].into_iter().find(|k| !has(item, k)) {
                sink.add(item.range, Code::MissingKey, format!("configMounts[*].{k} is required"));
            }
        }
    }
}

fn has(item: &Node, key: &str) -> bool {
    item.get(key).is_some_and(|e| e.value.as_str().is_some_and(|s| !s.is_empty()))
}
