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
    quantities(kind, body, sink);
    if kind == "azureFiles"
        && let Some(id) = body.get("id").filter(|x| x.value.as_str().is_some_and(|id| !valid_name(id)))
    {
        sink.add(id.value.range, Code::InvalidVolume, "azureFiles.id must match ^[a-z][a-z0-9-]*$".to_string());
    }
}

/// `emptyDir.sizeLimit` and `azureFiles.shareSize`: Kubernetes quantities (service.go:168-171,
/// 244-251), a share at least 100Gi.
fn quantities(kind: &str, body: &Node, sink: &mut Sink) {
    let value = |k: &str| body.get(k).and_then(|e| Some((e.value.as_str()?.to_string(), e.value.range)));
    if kind == "emptyDir"
        && let Some((v, r)) = value("sizeLimit").filter(|(v, _)| !v.is_empty() && quantity(v).is_none())
    {
        sink.add(r, Code::InvalidVolume, format!("emptyDir.sizeLimit is not a valid quantity: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got {v:?})"));
    }
    if kind == "azureFiles"
        && let Some((v, r)) = value("shareSize").filter(|(v, _)| !v.is_empty())
    {
        match quantity(&v) {
            None => sink.add(r, Code::InvalidVolume, format!("azureFiles.shareSize is invalid: {v}")),
            Some(q) if q < 100.0 * 1024f64.powi(3) => sink.add(
                r,
                Code::InvalidVolume,
                "azureFiles.shareSize must be at least 100Gi (Azure Premium NFS minimum)".to_string(),
            ),
            _ => {}
        }
    }
}

/// A Kubernetes quantity (`resource.ParseQuantity`: a signed decimal number, then a binary
/// suffix `Ki`..`Ei`, a decimal one `n u m k M G T P E`, or an exponent `e3`), as a number.
fn quantity(s: &str) -> Option<f64> {
    let num_end = s.find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '+' | '-'))).unwrap_or(s.len());
    let (num, suffix) = s.split_at(num_end);
    let n: f64 = num.parse().ok().filter(|_| num.bytes().any(|b| b.is_ascii_digit()))?;
    let mult = match suffix {
        "" => 1.0,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        e if e.starts_with(['e', 'E']) => 10f64.powi(e[1..].parse().ok()?),
        _ => return None,
    };
    Some(n * mult)
}
