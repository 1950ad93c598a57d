//! What each planned action means for pods, traffic and data, in flags and sentences.

use super::{Action, Change, Entry, immutable};
use crate::ide::objects::{Object, Value};

/// Kinds whose objects keep data: deleting or recreating them loses it.
const HOLDS_DATA: &[&str] = &["PersistentVolumeClaim", "PersistentVolume"];
/// Kinds that run the app's pods or route traffic to them.
const SERVES_TRAFFIC: &[&str] = &["Deployment", "DaemonSet", "Service", "Ingress", "HTTPProxy"];
const WORKLOADS: &[&str] = &["Deployment", "DaemonSet"];
/// Cluster-scoped kinds: never pruned, since the promote's allowlist is
/// `kubectl api-resources --namespaced` (`pkg/atom/atom.go:614`).
const CLUSTER_SCOPED: &[&str] = &["PersistentVolume"];

/// An object that keeps data (a claim, a volume).
pub fn holds_data(o: &Object) -> bool {
    HOLDS_DATA.contains(&o.kind.as_str())
}

/// The entry of object `o` (the new version, or the old one when deleted).
pub fn entry(o: &Object, action: Action, changes: Vec<Change>) -> Entry {
    let kind = o.kind.as_str();
    let mut action = action;
    let mut notes = Vec::new();
    if action == Action::Deleted && CLUSTER_SCOPED.contains(&kind) {
        action = Action::Orphaned;
        notes.push(format!(
            "no longer rendered, but {kind} is cluster-scoped and the promote prunes only namespaced kinds: it stays until deleted by hand"
        ));
    }
    let removed = matches!(action, Action::Deleted | Action::Recreated);
    let loses_data = removed && HOLDS_DATA.contains(&kind);
    let destructive = removed && (loses_data || SERVES_TRAFFIC.contains(&kind));
    let rolls = WORKLOADS.contains(&kind)
        && (action == Action::Recreated || changes.iter().any(|c| c.path.starts_with("spec.template.")));
    notes.extend(action_notes(o, action, &changes, rolls));
    let mut keys: Vec<String> = Vec::new();
    for k in
        changes.iter().flat_map(|c| c.keys.iter()).chain(if changes.is_empty() { o.from.iter() } else { [].iter() })
    {
        if !k.is_empty() && !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    Entry {
        kind: o.kind.clone(),
        api_version: o.api_version.clone(),
        name: o.name.clone(),
        owner: o.owner.clone(),
        action,
        changes,
        rolls,
        loses_data,
        destructive,
        keys,
        notes,
    }
}

fn action_notes(o: &Object, action: Action, changes: &[Change], rolls: bool) -> Vec<String> {
    let kind = o.kind.as_str();
    let mut notes = Vec::new();
    for (rule, c) in immutable::broken(kind, changes) {
        notes.push(format!(
            "{}: {} changes, so Kubernetes answers \"is immutable\" and Convox retries the apply with --force: the object is deleted and created again",
            rule.why, c.path
        ));
    }
    if let Some((from, to)) = immutable::shrinks_claim(kind, changes) {
        notes.push(format!(
            "the storage request shrinks from {from} to {to}: Kubernetes refuses a smaller claim (not an \"is immutable\" error, so no retry) and the deploy fails"
        ));
    }
    if action == Action::Recreated && WORKLOADS.contains(&kind) {
        notes.push("every pod is deleted with it before the new ones start: expect downtime".into());
    } else if rolls {
        notes.push(format!("pods roll: {}", strategy(o)));
    } else if WORKLOADS.contains(&kind)
        && action == Action::Changed
        && changes.iter().all(|c| c.path == "spec.replicas")
    {
        notes.push("scale only: the replica count changes, no pod is restarted".into());
    }
    if kind == "CronJob" && changes.iter().any(|c| c.path.starts_with("spec.jobTemplate.")) {
        notes.push("the next runs use the new job template; a job already running keeps the old one".into());
    }
    match (action, kind) {
        (Action::Deleted | Action::Recreated, "PersistentVolumeClaim") => notes.push(
            "the claim is deleted: with the usual reclaim policy (Delete) its volume and the data on it are deleted too".into(),
        ),
        (Action::Deleted, "Service") => notes.push(format!(
            "the DNS name {}.{}.svc.cluster.local stops resolving",
            o.name,
            o.namespace.as_deref().unwrap_or_default()
        )),
        (Action::Deleted, "Deployment" | "DaemonSet") => notes.push("its pods are stopped".into()),
        _ => {}
    }
    notes
}

/// How a workload replaces its pods, from its strategy (`deployment.minimum`/`maximum` become
/// maxUnavailable/maxSurge, `service.yml.tmpl:58-63`).
fn strategy(o: &Object) -> String {
    let v = o.value();
    let s = v.get("spec").and_then(|s| s.get("strategy").or_else(|| s.get("updateStrategy")));
    let ty = s.and_then(|s| s.get("type")).and_then(Value::as_str).unwrap_or("RollingUpdate");
    if ty == "Recreate" {
        return "strategy Recreate: every pod stops before the new ones start".into();
    }
    let ru = s.and_then(|s| s.get("rollingUpdate"));
    let get = |k: &str| ru.and_then(|r| r.get(k)).and_then(Value::as_str).map(str::to_string);
    match (get("maxSurge"), get("maxUnavailable")) {
        (Some(up), Some(down)) => format!("new pods start before old ones stop (maxSurge {up}, maxUnavailable {down})"),
        _ => "a rolling update".into(),
    }
}

/// Notes that need other entries: a changed Secret or ConfigMap restarts no pod by itself.
pub fn notes_across(entries: &mut [Entry]) {
    let rolling: Vec<_> =
        entries.iter().filter(|e| e.rolls || e.action == Action::Created).map(|e| e.owner.clone()).collect();
    for e in entries.iter_mut() {
        if e.action != Action::Changed || !matches!(e.kind.as_str(), "Secret" | "ConfigMap") {
            continue;
        }
        let note = if rolling.contains(&e.owner) {
            "the pods that roll in this deploy read the new values".to_string()
        } else {
            format!(
                "no pod restarts for this change alone: pods read a {} when they start and keep the old values until they are replaced",
                e.kind
            )
        };
        e.notes.push(note);
    }
}
