//! Names that must be declared elsewhere: a service's resources and config mounts, a timer's and
//! a balancer's service, `budget.neverAutoShutdown` (`pkg/manifest/validate.go`).

use super::Sink;
use crate::ide::codes::{Code, Severity};
use crate::ide::diagnostic::Fix;
use crate::model::{Manifest, Spanned};
use crate::syntax::yaml::Node;
use crate::text::TextRange;

pub(super) fn references(m: &Manifest, root: &Node, sink: &mut Sink) {
    for s in &m.services {
        for r in s.resources.iter().filter(|r| m.resource(&r.name.value).is_none()) {
            let fix = (!r.name.value.is_empty()).then(|| add_resource_stub(root, &r.name.value, sink.text)).flatten();
            let message =
                format!("service {} references a resource that does not exist: {}", s.name.value, r.name.value);
            sink.add_maybe_fix(r.name.range, Code::UndefinedResource, message, fix);
        }
        for c in &s.config_mounts {
            if !m.configs.iter().any(|x| x.id.as_ref().is_some_and(|id| id.value == c.value)) {
                sink.add(c.range, Code::UndefinedConfig, format!("config id: '{}' not found", c.value));
            }
        }
    }
    for t in &m.timers {
        timer_service(m, &t.name, t.service.as_ref(), sink);
    }
    for b in &m.balancers {
        balancer_service(m, &b.name, b.service.as_ref(), sink);
    }
    for n in m.budget.iter().flat_map(|b| &b.never_auto_shutdown) {
        if m.service(&n.value).is_none() {
            sink.push(n.range, Severity::Warning, Code::UndefinedService, format!("budget.neverAutoShutdown contains \"{}\" which is not a service in this manifest; ignoring at runtime", n.value));
        }
    }
}

/// validate.go `validateTimers`: `m.Service(t.Service)` fails for a blank or unknown name, so a
/// timer without `service` fails the build's validation, not the promote.
fn timer_service(m: &Manifest, name: &Spanned<String>, svc: Option<&Spanned<String>>, sink: &mut Sink) {
    let (range, value) = match svc {
        Some(s) if m.service(&s.value).is_some() => return,
        Some(s) => (s.range, s.value.as_str()),
        None => (name.range, ""),
    };
    let message = format!("timer {} references a service that does not exist: {value}", name.value);
    let code = if svc.is_none() { Code::MissingKey } else { Code::UndefinedService };
    sink.add(range, code, message);
}

fn balancer_service(m: &Manifest, name: &Spanned<String>, svc: Option<&Spanned<String>>, sink: &mut Sink) {
    match svc {
        Some(s) if s.value.is_empty() => {
            sink.add(s.range, Code::UndefinedService, format!("balancer {} has blank service", name.value))
        }
        Some(s) if m.service(&s.value).is_none() => sink.add(
            s.range,
            Code::UndefinedService,
            format!("balancer {} refers to unknown service {}", name.value, s.value),
        ),
        None => sink.add(name.range, Code::MissingKey, format!("balancer {} has blank service", name.value)),
        _ => {}
    }
}

/// Where a `resources:` entry for a new resource goes: the end of the `resources` section, at the
/// indentation its entries already use, or a new section after the document's last entry. None
/// where an insertion would not read back as one more resource (a flow map, an empty section).
fn add_resource_stub(root: &Node, name: &str, text: &str) -> Option<Fix> {
    use super::fixes::column;
    // The key as YAML reads it back: a valid name plain (quoted if YAML 1.1 reads it as a
    // boolean or null), anything else double-quoted.
    let key = if super::names::valid_name(name) {
        crate::ide::names::plain_name(name)
    } else {
        serde_json::to_string(name).unwrap_or_default()
    };
    let ty = resource_type_for(name);
    if root.flow || root.as_map().is_none() {
        return None;
    }
    match root.get("resources") {
        Some(e) if e.value.as_map().is_some() && !e.value.flow => {
            let first = e.value.as_map()?.first()?;
            let indent = column(text, first.key.range.start);
            // One level deeper than the entries: the unit the document uses under them, else theirs.
            let inner = first.value.as_map().and_then(|m| m.first()).map(|c| column(text, c.key.range.start));
            let inner = inner.filter(|&c| c > indent).unwrap_or(indent * 2);
            let at = e.value.range.end;
            let prefix = if text[..at].ends_with('\n') { "" } else { "\n" };
            let stub = format!("{prefix}{}{key}:\n{}type: {ty}\n", " ".repeat(indent), " ".repeat(inner));
            Some(stub_fix(name, ty, at, stub))
        }
        Some(_) => None,
        None => {
            let unit =
                root.as_map()?.iter().find_map(|e| e.value.as_map()?.first().map(|c| column(text, c.key.range.start)));
            let unit = unit.filter(|&u| u > 0).unwrap_or(2);
            let at = root.range.end;
            let prefix = if text[..at].ends_with('\n') { "" } else { "\n" };
            let (i1, i2) = (" ".repeat(unit), " ".repeat(unit * 2));
            Some(stub_fix(name, ty, at, format!("{prefix}resources:\n{i1}{key}:\n{i2}type: {ty}\n")))
        }
    }
}

fn stub_fix(name: &str, ty: &str, at: usize, text: String) -> Fix {
    Fix { title: format!("Declare resource `{name}` (type {ty})"), edits: vec![(TextRange::empty(at), text)] }
}

/// The resource type a name suggests (`cache` → redis, `mysql-db` → mysql), postgres otherwise.
fn resource_type_for(name: &str) -> &'static str {
    let n = name.to_ascii_lowercase();
    [("redis", "redis"), ("cache", "redis"), ("memcache", "memcached"), ("mariadb", "mariadb"), ("mysql", "mysql")]
        .into_iter()
        .find(|(word, _)| n.contains(word))
        .map_or("postgres", |(_, ty)| ty)
}
