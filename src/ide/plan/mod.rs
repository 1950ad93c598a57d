//! **The deploy plan**: what a change to `convox.yml` does to the cluster, as the difference of two
//! renders of the one objects model ([`super::objects`], what `render` prints), read the way
//! Convox's promote applies them.
//!
//! - The promote stamps every object with the app's `atom=<hash>` label and runs `kubectl apply
//!   --prune -l atom=<hash> --prune-allowlist <kinds>` (`pkg/atom/atom.go:262`, `:485-489`): an
//!   object no longer rendered is **deleted**, except cluster-scoped ones (PersistentVolume), since
//!   the allowlist comes from `kubectl api-resources --namespaced` (`atom.go:614`).
//! - An apply that fails with "is immutable" is retried with `--force`, delete and recreate
//!   (`atom.go:494-500`, `isRecoverableApplyError` `atom.go:511-518`): [`immutable`] says which
//!   fields of which kinds.
//! - A change under a workload's pod template rolls its pods; a change to `spec.replicas` alone
//!   does not; a changed Secret or ConfigMap does not restart the pods that read it.
//!
//! No protocol types here: `cli::plan` prints it, the server's `convox/plan` sends it.

mod diff;
mod effects;
mod immutable;
mod rename;
pub mod show;
mod warn;

use std::collections::HashMap;

use super::objects::{Object, Owner, RenderContext};
use crate::ide::analysis::Analysis;

pub use diff::{Scalar, leaves};
pub use rename::Rename;
pub use warn::data_loss;

/// What the deploy does to one object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Deleted by the prune (or left behind, for a cluster-scoped object: see [`Entry::notes`]).
    Deleted,
    /// Deleted and created again: a field Kubernetes does not let an update change.
    Recreated,
    /// No longer rendered, but cluster-scoped (a PersistentVolume): the prune leaves it.
    Orphaned,
    Changed,
    Created,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Changed => "changed",
            Action::Deleted => "deleted",
            Action::Recreated => "recreated",
            Action::Orphaned => "orphaned",
        }
    }
}

/// One changed leaf field: its path with list indices (`spec.template.spec.containers[0].image`),
/// the old and new values (`None`: absent) and the manifest keys it is set from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub old: Option<Scalar>,
    pub new: Option<Scalar>,
    pub keys: Vec<String>,
}

/// One object the deploy creates, changes, deletes or recreates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub kind: String,
    pub api_version: String,
    pub name: String,
    pub owner: Owner,
    pub action: Action,
    /// The changed leaf fields (for a changed or recreated object).
    pub changes: Vec<Change>,
    /// Its pods are replaced (a workload whose pod template changes, or one created or recreated).
    pub rolls: bool,
    /// Data is lost: a volume claim (or the volume) is deleted or recreated.
    pub loses_data: bool,
    /// It holds data or serves traffic, and is deleted or recreated (`--deny-destructive`).
    pub destructive: bool,
    /// The manifest keys responsible (the changed fields' keys, or the keys the object exists for).
    pub keys: Vec<String>,
    /// What a reader must know, in sentences (why recreated, how pods roll, what does not follow).
    pub notes: Vec<String>,
}

/// The whole plan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub namespace: String,
    /// Deleted and recreated first, then changed, then created; in render order within each.
    pub entries: Vec<Entry>,
    /// Services, resources, timers and balancers renamed (same body, new name).
    pub renames: Vec<Rename>,
    /// Objects rendered the same on both sides.
    pub unchanged: usize,
}

impl Plan {
    /// Something that holds data or serves traffic is deleted or recreated.
    pub fn destructive(&self) -> bool {
        self.entries.iter().any(|e| e.destructive)
    }

    pub fn loses_data(&self) -> bool {
        self.entries.iter().any(|e| e.loses_data)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn count(&self, action: Action) -> usize {
        self.entries.iter().filter(|e| e.action == action).count()
    }
}

/// The plan of deploying `new` over an app deployed from `old`.
pub fn plan(old: &Analysis, new: &Analysis, ctx: &RenderContext) -> Plan {
    plan_of(old, new, ctx, |_| true)
}

/// The plan restricted to the objects `keep` selects (the `data-loss` warning looks at volume
/// claims only).
fn plan_of(old: &Analysis, new: &Analysis, ctx: &RenderContext, keep: impl Fn(&Object) -> bool) -> Plan {
    let (before, after) = (old.objects(ctx), new.objects(ctx));
    let id = |o: &Object| (o.kind.clone(), o.name.clone());
    let after_by_id: HashMap<(String, String), &Object> =
        after.objects.iter().filter(|o| keep(o)).map(|o| (id(o), o)).collect();
    let before_by_id: HashMap<(String, String), &Object> =
        before.objects.iter().filter(|o| keep(o)).map(|o| (id(o), o)).collect();
    let mut entries = Vec::new();
    let mut unchanged = 0;
    for o in before.objects.iter().filter(|o| keep(o)) {
        match after_by_id.get(&id(o)) {
            None => entries.push(effects::entry(o, Action::Deleted, Vec::new())),
            Some(n) => {
                let changes = diff::changes(o, n);
                if changes.is_empty() {
                    unchanged += 1;
                    continue;
                }
                let action =
                    if immutable::forces_recreate(&o.kind, &changes) { Action::Recreated } else { Action::Changed };
                entries.push(effects::entry(n, action, changes));
            }
        }
    }
    for o in after.objects.iter().filter(|o| keep(o) && !before_by_id.contains_key(&id(o))) {
        entries.push(effects::entry(o, Action::Created, Vec::new()));
    }
    effects::notes_across(&mut entries);
    entries.sort_by_key(|e| e.action);
    let renames = rename::renames(old, new);
    rename::annotate(&renames, &mut entries);
    Plan { namespace: after.namespace.clone(), entries, renames, unchanged }
}

#[cfg(test)]
mod tests;
