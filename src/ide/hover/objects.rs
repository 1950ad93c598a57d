//! The Kubernetes part of a hover, read from the model (`ide::objects`): which of the knowledge
//! base's objects the release creates here, which it would create under another condition, and
//! which the rack makes outside the release. Nothing here decides a condition.

use crate::ide::objects::Owner;
use crate::schema::K8sRef;

use super::Bind;

/// Where a knowledge-base object stands at one place of the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::ide) enum Standing {
    /// The release creates it (the model has it).
    Created,
    /// The release would create it under another condition: why not here.
    NotHere(String),
    /// Not part of the release: the rack, a provisioner or AWS makes it (state Secret, PDB, RDS).
    Outside,
    /// Nothing to decide it on (a key above any service): the condition, if any, in words.
    Unknown,
}

/// The object `r` names here, and where it stands.
pub(in crate::ide) fn standing(b: &Bind, r: &K8sRef) -> (String, Standing) {
    let name = b.fill(&r.name);
    let Some(owner) = &b.owner else { return (name, Standing::Unknown) };
    if name.contains('<') {
        // `Deployment {service}` under a resource: every service that lists it.
        return (name, Standing::Unknown);
    }
    if b.app.find(&r.kind, &name).is_some() {
        return (name, Standing::Created);
    }
    if let Some(n) = b.app.not_created(&r.kind, &name) {
        return (name, Standing::NotHere(n.reason.clone()));
    }
    match r.when.map(|w| (w, b.holds(w))) {
        Some((w, Some(false))) => (name, Standing::NotHere(w.describe().to_string())),
        _ if is_kubernetes(&r.kind) && created_elsewhere(b, owner, &r.kind) => (name, Standing::Created),
        _ => (name, Standing::Outside),
    }
}

/// A kind the release could render (the knowledge base also names AWS objects and log groups).
fn is_kubernetes(kind: &str) -> bool {
    !kind.contains(' ')
}

/// A timer or balancer key that names its service's objects: the model has them under the service.
fn created_elsewhere(b: &Bind, owner: &Owner, kind: &str) -> bool {
    let service = match owner {
        Owner::Timer(_) | Owner::Balancer(_) => b.service_name(),
        _ => None,
    };
    service.is_some_and(|s| b.app.owned_by(&Owner::Service(s)).any(|o| o.kind == kind))
}

/// The fields of object `kind name` the model sets from `key` (or a key below it).
pub(super) fn fields_set(b: &Bind, key: &str, kind: &str, name: &str) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for (path, _) in b.app.find(kind, name).map(|o| o.set_by(key)).unwrap_or_default() {
        if !v.contains(&path) {
            v.push(path);
        }
    }
    v
}
