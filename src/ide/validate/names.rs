//! Convox's `NameValidator` (`pkg/manifest/validate.go`) on services, resources and timers.

use super::{Sink, code};
use crate::ide::codes::Code;
use crate::ide::diagnostic::Fix;
use crate::model::Manifest;
use crate::text::TextRange;

pub(crate) fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A name fixed to Convox's rule: lower case, `_` and other characters as `-`.
fn fixed_name(name: &str) -> String {
    let mut s: String =
        name.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    while s.starts_with(|c: char| !c.is_ascii_lowercase()) && !s.is_empty() {
        s.remove(0);
    }
    s
}

/// The places that name a service: timers' and balancers' `service`, `budget.neverAutoShutdown`.
pub(super) fn service_references(m: &Manifest, name: &str) -> Vec<TextRange> {
    let mut out = Vec::new();
    for t in &m.timers {
        if let Some(s) = t.service.as_ref().filter(|s| s.value == name) {
            out.push(s.range);
        }
    }
    for b in &m.balancers {
        if let Some(s) = b.service.as_ref().filter(|s| s.value == name) {
            out.push(s.range);
        }
    }
    if let Some(b) = &m.budget {
        out.extend(b.never_auto_shutdown.iter().filter(|n| n.value == name).map(|n| n.range));
    }
    out
}

/// Every service, resource and timer name.
pub(super) fn names(m: &Manifest, sink: &mut Sink) {
    let services = m.services.iter().map(|s| ("service", &s.name));
    let resources = m.resources.iter().map(|r| ("resource", &r.name));
    let timers = m.timers.iter().map(|t| ("timer", &t.name));
    for (what, n) in services.chain(resources).chain(timers) {
        if valid_name(&n.value) {
            continue;
        }
        // validate.go: "%s name %s invalid, %s" with ValidNameDescription.
        let message = format!("{what} name {} invalid, must contain only lowercase alphanumeric and dashes", n.value);
        let fixed = fixed_name(&n.value);
        let written = crate::ide::names::plain_name(&fixed);
        // Never onto a name a service already has: both would then collide.
        let free = m.service(&fixed).is_none();
        let fix = (what == "service" && !fixed.is_empty() && fixed != n.value && free).then(|| {
            let mut edits = vec![(n.range, written.clone())];
            edits.extend(service_references(m, &n.value).into_iter().map(|r| (r, written.clone())));
            Fix { title: format!("Rename service to {} (and its references)", code(&fixed)), edits }
        });
        sink.add_maybe_fix(n.range, Code::InvalidName, message, fix);
    }
}
