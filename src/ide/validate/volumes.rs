//! `volumeOptions`: the required keys of each volume kind, `azureFiles.id`
//! (`pkg/manifest/validate.go`).

use super::Sink;
use super::names::valid_name;
use crate::ide::codes::Code;
use crate::syntax::yaml::{Entry, Node};

pub(super) fn volumes(root: &Node, sink: &mut Sink) {
    let Some(services) = root.get("services").and_then(|e| e.value.as_map()) else { return };
    for svc in services {
        let Some(vo) = svc.value.get("volumeOptions").and_then(|v| v.value.as_seq()) else { continue };
        for item in vo {
            for e in item.as_map().unwrap_or_default() {
                if let Some(kind) = e.key.as_str() {
                    volume(kind, e, sink);
                }
            }
        }
    }
}

fn volume(kind: &str, e: &Entry, sink: &mut Sink) {
    let body = &e.value;
    let has = |k: &str| body.get(k).is_some_and(|x| !x.value.is_empty());
    if matches!(kind, "emptyDir" | "awsEfs" | "azureFiles") {
        for req in ["id", "mountPath"].into_iter().filter(|r| !has(r)) {
            sink.add(e.key.range, Code::MissingKey, format!("{kind}.{req} is required"));
        }
    }
    if matches!(kind, "awsEfs" | "azureFiles") && !has("accessMode") {
        sink.add(
            e.key.range,
            Code::MissingKey,
            format!("{kind}.accessMode must be one of these values: ReadOnlyMany, ReadWriteMany, ReadWriteOnce"),
        );
    }
    if kind == "azureFiles"
        && let Some(id) = body.get("id").filter(|x| x.value.as_str().is_some_and(|id| !valid_name(id)))
    {
        sink.add(id.value.range, Code::InvalidVolume, "azureFiles.id must match ^[a-z][a-z0-9-]*$".to_string());
    }
}
