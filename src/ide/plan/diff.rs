//! The leaf fields of an object and the difference of two versions of it.

use std::collections::BTreeMap;

use super::Change;
use crate::ide::objects::{Object, Part, Value};

/// A leaf value as the preview prints it (placeholders as `<release>` ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    Str(String),
    Int(i64),
    Bool(bool),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Str(s) => write!(f, "{s:?}"),
            Scalar::Int(n) => write!(f, "{n}"),
            Scalar::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// Every leaf of an object (`metadata.labels.app`, `spec.ports[0].port`) with its value and the
/// manifest keys of the nearest field that names them. Empty maps and lists have no leaf, as in
/// the YAML Convox's templates write (`key:` with nothing under it).
pub fn leaves(o: &Object) -> BTreeMap<String, (Scalar, Vec<String>)> {
    let mut out = BTreeMap::new();
    walk(&o.value(), "", &[], &mut out);
    out
}

fn walk(v: &Value, path: &str, from: &[String], out: &mut BTreeMap<String, (Scalar, Vec<String>)>) {
    let leaf = |s: Scalar, out: &mut BTreeMap<_, _>| {
        out.insert(path.to_string(), (s, from.to_vec()));
    };
    match v {
        Value::Map(fields) => {
            for x in fields {
                let p = if path.is_empty() { x.key.to_string() } else { format!("{path}.{}", x.key) };
                let from = if x.from.is_empty() { from } else { &x.from };
                walk(&x.value, &p, from, out);
            }
        }
        Value::List(items) => {
            for (i, x) in items.iter().enumerate() {
                walk(x, &format!("{path}[{i}]"), from, out);
            }
        }
        Value::Str(s) => leaf(Scalar::Str(s.to_string()), out),
        Value::Int(n) => leaf(Scalar::Int(*n), out),
        Value::Bool(b) => leaf(Scalar::Bool(*b), out),
        Value::Placeholder(p) => leaf(Scalar::Str(p.text().to_string()), out),
        Value::Text(parts) => {
            let text = parts.iter().map(|p| match p {
                Part::Lit(v) => v.as_str(),
                Part::Hole(h) => h.text(),
            });
            leaf(Scalar::Str(text.collect()), out)
        }
    }
}

/// The leaves that differ between two versions of an object, in path order. One pass over both
/// sorted leaf lists.
pub fn changes(old: &Object, new: &Object) -> Vec<Change> {
    let (a, b) = (leaves(old), leaves(new));
    let mut out = Vec::new();
    let (mut i, mut j) = (a.iter().peekable(), b.iter().peekable());
    loop {
        let change = match (i.peek(), j.peek()) {
            (None, None) => break,
            (Some((pa, _)), Some((pb, _))) if pa == pb => {
                let ((p, (va, fa)), (_, (vb, fb))) = (i.next().unwrap(), j.next().unwrap());
                if va == vb {
                    continue;
                }
                Change { path: p.clone(), old: Some(va.clone()), new: Some(vb.clone()), keys: union(fa, fb) }
            }
            (Some((pa, _)), Some((pb, _))) if pa > pb => added(j.next().unwrap()),
            (Some(_), _) => {
                let (p, (va, fa)) = i.next().unwrap();
                Change { path: p.clone(), old: Some(va.clone()), new: None, keys: fa.clone() }
            }
            (None, Some(_)) => added(j.next().unwrap()),
        };
        out.push(change);
    }
    out.sort_by_cached_key(|c| natural(&c.path));
    out
}

/// A path's sort key with its list indices as numbers (`env[7]` before `env[10]`).
fn natural(path: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut digits = String::new();
    for ch in path.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        if !digits.is_empty() {
            out.push((std::mem::take(&mut text), digits.parse().unwrap_or(u64::MAX)));
            digits.clear();
        }
        text.push(ch);
    }
    out.push((text, digits.parse().unwrap_or(0)));
    out
}

fn added((p, (v, from)): (&String, &(Scalar, Vec<String>))) -> Change {
    Change { path: p.clone(), old: None, new: Some(v.clone()), keys: from.clone() }
}

fn union(a: &[String], b: &[String]) -> Vec<String> {
    let mut out = a.to_vec();
    for k in b {
        if !out.contains(k) {
            out.push(k.clone());
        }
    }
    out
}
