//! Names and where they are used: every declaration (services, resources, timers, balancers,
//! configs, environment variables) and every reference to one, found once here for definition,
//! references, highlights and rename (`navigation.rs`), semantic tokens (`structure.rs`), the
//! names read through aliases (`aliases.rs`) and the fixes that write a name (`validate`).

use super::analysis::Analysis;
use crate::model::{Manifest, Name};
use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    Service,
    Resource,
    Timer,
    Balancer,
    Config,
    EnvVar,
}

impl NameKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Service => "service",
            NameKind::Resource => "resource",
            NameKind::Timer => "timer",
            NameKind::Balancer => "balancer",
            NameKind::Config => "config",
            NameKind::EnvVar => "environment variable",
        }
    }
}

/// One occurrence of a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub kind: NameKind,
    pub name: String,
    pub range: TextRange,
    pub declaration: bool,
}

fn push(out: &mut Vec<Occurrence>, kind: NameKind, n: &Name, declaration: bool) {
    if !n.value.is_empty() {
        out.push(Occurrence { kind, name: n.value.clone(), range: n.range, declaration });
    }
}

/// Every declaration and reference in the file, in no particular order.
pub fn occurrences(a: &Analysis) -> Vec<Occurrence> {
    let m: &Manifest = a.model();
    let mut out = Vec::new();
    for s in &m.services {
        push(&mut out, NameKind::Service, &s.name, true);
        for r in &s.resources {
            push(&mut out, NameKind::Resource, &r.name, false);
        }
        for c in &s.config_mounts {
            push(&mut out, NameKind::Config, c, false);
        }
        for e in &s.environment {
            push(&mut out, NameKind::EnvVar, &e.name, true);
        }
    }
    for r in &m.resources {
        push(&mut out, NameKind::Resource, &r.name, true);
    }
    for t in &m.timers {
        push(&mut out, NameKind::Timer, &t.name, true);
        if let Some(s) = &t.service {
            push(&mut out, NameKind::Service, s, false);
        }
    }
    for b in &m.balancers {
        push(&mut out, NameKind::Balancer, &b.name, true);
        if let Some(s) = &b.service {
            push(&mut out, NameKind::Service, s, false);
        }
    }
    for c in &m.configs {
        if let Some(id) = &c.id {
            push(&mut out, NameKind::Config, id, true);
        }
    }
    if let Some(b) = &m.budget {
        for n in &b.never_auto_shutdown {
            push(&mut out, NameKind::Service, n, false);
        }
    }
    for e in &m.environment {
        push(&mut out, NameKind::EnvVar, &e.name, true);
    }
    // `${VAR}` anywhere in the text.
    let text = a.text();
    for i in a.interpolations() {
        let var = &text[i.name.start..i.name.end];
        if !var.is_empty() && !var.contains(":-") && !var.contains('\n') {
            out.push(Occurrence { kind: NameKind::EnvVar, name: var.to_string(), range: i.name, declaration: false });
        }
    }
    out
}

/// The occurrence under the cursor.
pub fn at(a: &Analysis, offset: usize) -> Option<Occurrence> {
    occurrences(a).into_iter().filter(|o| o.range.contains_inclusive(offset)).min_by_key(|o| o.range.len())
}

/// Every occurrence of the same name (the declarations first).
pub fn related(a: &Analysis, o: &Occurrence) -> Vec<Occurrence> {
    let mut v: Vec<Occurrence> = occurrences(a).into_iter().filter(|x| x.kind == o.kind && x.name == o.name).collect();
    v.sort_by_key(|x| (!x.declaration, x.range.start));
    v
}

/// A name written as a whole plain scalar: quoted when YAML 1.1 would read it as something else
/// than a string (`yes`, `no`, `on`, `null`, `y` ...).
pub(crate) fn plain_name(name: &str) -> String {
    use crate::syntax::yaml::{ScalarType, yaml11_type};
    if yaml11_type(name) == ScalarType::String { name.to_string() } else { format!("\"{name}\"") }
}
