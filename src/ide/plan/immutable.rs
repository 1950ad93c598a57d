//! The fields Kubernetes does not let an update change, per kind of the objects Convox renders.
//! Kubernetes rejects such an update with "... is immutable", and Convox's promote then retries
//! the whole apply with `--force`, which deletes and recreates the object
//! (`pkg/atom/atom.go:494-500`, `isRecoverableApplyError` at `atom.go:511-518`).
//!
//! Sources: the Kubernetes API's update validation (`kubernetes/kubernetes`: the apps/v1 selector
//! in `pkg/registry/apps/deployment/strategy.go` and `daemonset/strategy.go` `ValidateUpdate`,
//! "disallow mutation of selector", `ValidateImmutableField`; `pkg/apis/core/validation/validation.go` `ValidateServiceUpdate`,
//! `ValidatePersistentVolumeClaimUpdate`, `ValidatePersistentVolumeUpdate`, `ValidateSecretUpdate`)
//! and the field documentation of `k8s.io/api` (`core/v1/types.go`). `docs/plan.md` quotes them.

use super::{Change, Scalar};

/// One immutable field (or subtree) of a kind.
pub struct Rule {
    pub kind: &'static str,
    /// A leaf path prefix (`spec.selector`, `spec` for the whole spec).
    pub path: &'static str,
    /// Prefixes under `path` an update may change.
    pub except: &'static [&'static str],
    /// What Kubernetes says, for the plan's note.
    pub why: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule {
        kind: "Deployment",
        path: "spec.selector",
        except: &[],
        why: "a Deployment's spec.selector is immutable in apps/v1 (the registry's ValidateUpdate)",
    },
    Rule {
        kind: "DaemonSet",
        path: "spec.selector",
        except: &[],
        why: "a DaemonSet's spec.selector is immutable in apps/v1 (the registry's ValidateUpdate)",
    },
    Rule {
        kind: "Service",
        path: "spec.clusterIP",
        except: &[],
        why: "a Service's spec.clusterIP may not be changed through updates (ValidateServiceUpdate)",
    },
    Rule {
        kind: "PersistentVolumeClaim",
        path: "spec",
        except: &["spec.resources.requests"],
        why: "a bound claim's spec is immutable after creation except resources.requests (ValidatePersistentVolumeClaimUpdate)",
    },
    Rule {
        kind: "PersistentVolume",
        path: "spec.csi",
        except: &[],
        why: "a PersistentVolume's volume source is immutable after creation (ValidatePersistentVolumeUpdate)",
    },
    Rule { kind: "Secret", path: "type", except: &[], why: "a Secret's type is immutable (ValidateSecretUpdate)" },
];

fn under(path: &str, prefix: &str) -> bool {
    path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// The rules a change to `kind` breaks.
pub fn broken<'a>(kind: &str, changes: &'a [Change]) -> Vec<(&'static Rule, &'a Change)> {
    let mut out = Vec::new();
    for r in RULES.iter().filter(|r| r.kind == kind) {
        let hit = changes.iter().find(|c| under(&c.path, r.path) && !r.except.iter().any(|e| under(&c.path, e)));
        if let Some(c) = hit {
            out.push((r, c));
        }
    }
    out
}

pub fn forces_recreate(kind: &str, changes: &[Change]) -> bool {
    !broken(kind, changes).is_empty()
}

/// A claim's storage request made smaller: Kubernetes refuses it (a `Forbidden` error that does not
/// say "is immutable", so Convox does not retry and the deploy fails).
pub fn shrinks_claim(kind: &str, changes: &[Change]) -> Option<(String, String)> {
    if kind != "PersistentVolumeClaim" {
        return None;
    }
    let c = changes.iter().find(|c| c.path == "spec.resources.requests.storage")?;
    let (Some(Scalar::Str(a)), Some(Scalar::Str(b))) = (&c.old, &c.new) else { return None };
    (gibibytes(b)? < gibibytes(a)?).then(|| (a.clone(), b.clone()))
}

/// `10Gi` -> 10 (the only unit Convox writes in a claim).
fn gibibytes(q: &str) -> Option<f64> {
    q.strip_suffix("Gi")?.parse().ok()
}
