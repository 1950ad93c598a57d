//! Aliases (`*name`) and merge keys (`<<: *base`), read as Convox's YAML library (yaml.v2) reads
//! them: the one reader of both, for the model and for the objects Convox renders.

use crate::syntax::yaml::{Kind, Node};

/// Aliases are followed at most this deep (a cycle is not followed forever).
const MAX_ALIAS_DEPTH: usize = 16;

/// The node an alias stands for (the last anchor of that name before it, or any), else itself.
pub(crate) fn resolve<'a>(doc: &'a Node, n: &'a Node, depth: usize) -> &'a Node {
    match &n.kind {
        Kind::Alias(name) if depth < MAX_ALIAS_DEPTH => {
            let before = n.range.start;
            let target = anchored(doc, name, before).or_else(|| anchored(doc, name, usize::MAX));
            target.map_or(n, |t| resolve(doc, t, depth + 1))
        }
        _ => n,
    }
}

/// The last node anchored `&name` that starts before `before`.
fn anchored<'a>(n: &'a Node, name: &str, before: usize) -> Option<&'a Node> {
    let mut best: Option<&'a Node> = None;
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if x.range.start < before
            && x.anchor.as_ref().is_some_and(|a| a.0 == name)
            && best.is_none_or(|b| b.range.start < x.range.start)
        {
            best = Some(x);
        }
        match &x.kind {
            Kind::Map(entries) => stack.extend(entries.iter().map(|e| &e.value)),
            Kind::Seq(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    best
}

/// A map's entries with those merged in by `<<: *alias` (or a list of aliases) after them,
/// as yaml.v2 reads them: keys written in the map win.
pub(crate) fn merged_entries<'a>(doc: &'a Node, n: &'a Node, depth: usize) -> Vec<(String, &'a Node)> {
    let n = resolve(doc, n, 0);
    let Some(entries) = n.as_map() else { return Vec::new() };
    let mut out: Vec<(String, &'a Node)> = Vec::new();
    let mut merges = Vec::new();
    for e in entries {
        match e.key.as_str() {
            Some("<<") => merges.push(&e.value),
            Some(k) => out.push((k.to_string(), &e.value)),
            None => {}
        }
    }
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    if !merges.is_empty() {
        seen.extend(out.iter().map(|(k, _)| k.clone()));
    }
    if depth < MAX_ALIAS_DEPTH {
        for m in merges {
            let m = resolve(doc, m, 0);
            let sources: Vec<&Node> = match &m.kind {
                Kind::Seq(items) => items.iter().collect(),
                _ => vec![m],
            };
            for src in sources {
                for (k, v) in merged_entries(doc, src, depth + 1) {
                    if seen.insert(k.clone()) {
                        out.push((k, v));
                    }
                }
            }
        }
    }
    out
}

pub(crate) fn lookup<'a>(doc: &'a Node, n: &'a Node, key: &str, depth: usize) -> Option<&'a Node> {
    // What `merged_entries` would find first, without building the entries: the keys written in
    // the map, then each merge source in order (this runs once per service and key, on every
    // keystroke).
    let entries = resolve(doc, n, 0).as_map()?;
    if key == "<<" {
        return None;
    }
    if let Some(e) = entries.iter().find(|e| e.key.as_str() == Some(key)) {
        return Some(&e.value);
    }
    if depth >= MAX_ALIAS_DEPTH {
        return None;
    }
    entries.iter().filter(|e| e.key.as_str() == Some("<<")).find_map(|e| {
        let m = resolve(doc, &e.value, 0);
        match &m.kind {
            Kind::Seq(items) => items.iter().find_map(|src| lookup(doc, src, key, depth + 1)),
            _ => lookup(doc, m, key, depth + 1),
        }
    })
}
