//! Resources: a type, names that collide in Kubernetes, the provisioners' rules for `rds-*` and
//! `elasticache-*`, resources no service links, overlay mode.

use std::collections::HashMap;

use super::{Sink, code};
use crate::ide::codes::Code;
use crate::model::{Manifest, Resource, Spanned};
use crate::schema;
use crate::syntax::yaml::Node;

pub(super) fn resources(m: &Manifest, _root: &Node, sink: &mut Sink) {
    let mut by_k8s: HashMap<String, &Spanned<String>> = HashMap::new();
    for r in &m.resources {
        match &r.kind {
            None => sink.add(r.name.range, Code::MissingType, format!("resource \"{}\" has blank type", r.name.value)),
            Some(k) if k.value.is_empty() => {
                sink.add(k.range, Code::MissingType, format!("resource \"{}\" has blank type", r.name.value))
            }
            _ => {}
        }
        let k8s = r.k8s_name();
        match by_k8s.get(&k8s) {
            Some(first) if first.value != r.name.value => sink.add(
                r.name.range,
                Code::ResourceNameCollision,
                format!(
                    "resources {} and {} both become `resource-{k8s}` in Kubernetes (Convox drops digits): their objects collide",
                    code(&first.value),
                    code(&r.name.value)
                ),
            ),
            _ => {
                by_k8s.insert(k8s, &r.name);
            }
        }
        provisioned(r, sink);
        if !m.services.iter().any(|s| s.resources.iter().any(|x| x.name.value == r.name.value)) {
            sink.add(
                r.name.range,
                Code::UnusedResource,
                format!("no service links resource {}: nothing reads it", code(&r.name.value)),
            );
        }
    }
    overlay_warnings(m, sink);
}

/// `rds-*` and `elasticache-*`: the provisioner's name limit and required options.
fn provisioned(r: &Resource, sink: &mut Sink) {
    let Some(t) = r.type_name().filter(|t| t.starts_with("rds-") || t.starts_with("elasticache-")) else { return };
    // resource.go:23,64-84: `^[a-z]([a-z0-9-]*[a-z0-9])?$`, checked at promote (release.go:1346,1411).
    let n = &r.name.value;
    let kind = if t.starts_with("rds-") { "rds" } else { "elasticache" };
    let ok = n.starts_with(|c: char| c.is_ascii_lowercase())
        && !n.ends_with('-')
        && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        let message =
            format!("invalid {kind} resource name: only alphanumeric letter and hypen allowed (and no `-` at the end)");
        sink.add(r.name.range, Code::ProvisionedName, message);
    }
    // resource.go:64-84 (the elasticache message says 40, the check is 20).
    if r.name.value.len() > 20 {
        let (kind, limit) = if t.starts_with("rds-") { ("rds", 20) } else { ("elasticache", 40) };
        let message = format!(
            "{kind} resource name must not excced {limit} char limit ({} has {} characters; the limit is 20)",
            r.name.value,
            r.name.value.len()
        );
        sink.add(r.name.range, Code::NameTooLong, message);
    }
    let Some(rt) = schema::schema().resource_type(t) else { return };
    // A read replica, a snapshot restore or an import takes version and class from its source
    // (provider/k8s/aws_resources.go:233 maps readSourceDB; the rest by name, EqualFold).
    let has = |k: &str| r.options.iter().any(|o| o.key.value.eq_ignore_ascii_case(k));
    if ["readSourceDB", "sourceDBInstanceIdentifier", "dbSnapshotIdentifier", "import"].iter().any(|k| has(k)) {
        return;
    }
    for req in &rt.required_options {
        if !(has(req) || (req == "class" && has("instance"))) {
            sink.add(
                r.name.range,
                Code::MissingOption,
                format!("{t} resource {} needs `options.{req}`: the promote fails without it", r.name.value),
            );
        }
    }
}
fn overlay_warnings(m: &Manifest, sink: &mut Sink) {
    for r in &m.resources {
        let containerized = r
            .type_name()
            .and_then(|t| schema::schema().resource_type(t))
            .is_some_and(|t| t.category == schema::ResourceCategory::Containerized);
        if !containerized {
            continue;
        }
        for e in m.overlay_vars(r) {
            sink.add(
                e.name.range,
                Code::ResourceOverlay,
                format!(
                    "{} is required, so the release environment sets it, which switches resource {} off: Convox runs no {} container and points {} at that URL",
                    code(&e.name.value),
                    code(&r.name.value),
                    r.type_name().unwrap_or("resource"),
                    code(&e.name.value)
                ),
            );
        }
    }
}
