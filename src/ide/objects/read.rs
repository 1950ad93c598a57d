//! Reading a manifest part with its key path, so every value a builder takes carries the key it
//! was read from (`services.web.health.grace`).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::syntax::yaml::{Kind, Node, ScalarType};

/// A place in the manifest: the node there (if written), its key path, and the document (to
/// resolve aliases `*name` and merge keys `<<`, as Convox's YAML library does).
#[derive(Clone)]
pub struct Key<'a> {
    pub node: Option<&'a Node>,
    pub path: String,
    doc: Doc<'a>,
}

/// The document, and where each anchor is (found on the first alias followed: one walk of the
/// document, not one per alias).
#[derive(Clone)]
struct Doc<'a> {
    root: &'a Node,
    anchors: Arc<OnceLock<Anchors>>,
}

/// Each anchor's nodes in the order they start, as child positions from the root (map value
/// `i` or list item `i` at each level).
type Anchors = HashMap<String, Vec<(usize, Vec<usize>)>>;

impl<'a> Key<'a> {
    /// The document's root.
    pub fn document(doc: &'a Node) -> Key<'a> {
        Key { node: Some(doc), path: String::new(), doc: Doc { root: doc, anchors: Arc::default() } }
    }

    fn at(&self, node: Option<&'a Node>, path: String) -> Key<'a> {
        let node = node.map(|n| resolve(&self.doc, n, 0)).filter(|n| !n.is_null());
        Key { node, path, doc: self.doc.clone() }
    }

    /// The child `key` (written or not), through merge keys.
    pub fn get(&self, key: &str) -> Key<'a> {
        let path = if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) };
        let found = self.node.and_then(|n| lookup(&self.doc, n, key, 0));
        self.at(found, path)
    }

    /// Whether the child `key` is written, even with no value or `null` (which [`Key::get`] reads
    /// as absent).
    pub fn has(&self, key: &str) -> bool {
        self.node.and_then(|n| lookup(&self.doc, n, key, 0)).is_some()
    }

    pub fn exists(&self) -> bool {
        self.node.is_some()
    }

    /// A scalar as a string (any scalar type, as yaml.v2 decodes into a Go string).
    pub fn str(&self) -> Option<String> {
        self.node.and_then(Node::as_str).map(str::to_string).filter(|v| !v.is_empty())
    }

    /// An integer (yaml.v2 into a Go int); 0 and absent both read as `None`, as Go's zero value.
    pub fn int(&self) -> Option<i64> {
        let s = self.node?.as_scalar()?;
        let v: i64 = match s.yaml11_type() {
            ScalarType::Int => s.value.replace('_', "").parse().ok()?,
            _ => return None,
        };
        (v != 0).then_some(v)
    }

    /// An integer, 0 included (a `*int` in Go: written or not).
    pub fn int_or_zero(&self) -> Option<i64> {
        let s = self.node?.as_scalar()?;
        (s.yaml11_type() == ScalarType::Int).then(|| s.value.replace('_', "").parse().ok())?
    }

    /// A boolean (YAML 1.1); absent is `None`.
    pub fn bool(&self) -> Option<bool> {
        let s = self.node?.as_scalar()?;
        (s.yaml11_type() == ScalarType::Bool)
            .then(|| matches!(s.value.to_ascii_lowercase().as_str(), "y" | "yes" | "true" | "on"))
    }

    pub fn is_true(&self) -> bool {
        self.bool() == Some(true)
    }

    /// The items of a list.
    pub fn items(&self) -> Vec<Key<'a>> {
        match self.node.map(|n| &n.kind) {
            Some(Kind::Seq(items)) => items.iter().map(|n| self.at(Some(n), format!("{}[]", self.path))).collect(),
            _ => Vec::new(),
        }
    }

    /// The string items of a list.
    pub fn strings(&self) -> Vec<String> {
        self.items().iter().filter_map(Key::str).collect()
    }

    /// The entries of a map, in the order written.
    pub fn entries(&self) -> Vec<(String, Key<'a>)> {
        let Some(node) = self.node else { return Vec::new() };
        let mut out: Vec<(String, Key<'a>)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (k, v) in merged_entries(&self.doc, node, 0) {
            if seen.insert(k.clone()) {
                let path = if self.path.is_empty() { k.clone() } else { format!("{}.{k}", self.path) };
                out.push((k, self.at(Some(v), path)));
            }
        }
        out
    }

    /// Annotations as Convox reads them (`pkg/manifest/yaml.go:163`): a list of `key=value`
    /// strings (split at the first `=`, nothing trimmed) or of `{key: value}` maps.
    pub fn annotations(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for item in self.items() {
            if let Some(kv) = item.node.and_then(Node::as_str) {
                if let Some((k, v)) = kv.split_once('=') {
                    out.push((k.to_string(), v.to_string()));
                }
            } else {
                out.extend(item.entries().into_iter().map(|(k, v)| (k, v.str().unwrap_or_default())));
            }
        }
        out
    }
}

/// Aliases are followed at most this deep (a cycle is not followed forever).
const MAX_ALIAS_DEPTH: usize = 16;

/// The node an alias stands for (the last anchor of that name before it, or any), else itself.
fn resolve<'a>(doc: &Doc<'a>, n: &'a Node, depth: usize) -> &'a Node {
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
fn anchored<'a>(doc: &Doc<'a>, name: &str, before: usize) -> Option<&'a Node> {
    let nodes = doc.anchors.get_or_init(|| anchors(doc.root)).get(name)?;
    let i = nodes.partition_point(|(start, _)| *start < before).checked_sub(1)?;
    let mut n = doc.root;
    for &c in &nodes[i].1 {
        n = match &n.kind {
            Kind::Map(entries) => &entries[c].value,
            Kind::Seq(items) => &items[c],
            _ => return None,
        };
    }
    Some(n)
}

/// Where every anchored node is (map values and list items, as aliases may name them).
fn anchors(root: &Node) -> Anchors {
    let mut out: Anchors = HashMap::new();
    let mut stack = vec![(root, Vec::new())];
    while let Some((x, at)) = stack.pop() {
        if let Some(a) = &x.anchor {
            out.entry(a.0.clone()).or_default().push((x.range.start, at.clone()));
        }
        let child = |i: usize| {
            let mut p = at.clone();
            p.push(i);
            p
        };
        match &x.kind {
            Kind::Map(entries) => stack.extend(entries.iter().enumerate().map(|(i, e)| (&e.value, child(i)))),
            Kind::Seq(items) => stack.extend(items.iter().enumerate().map(|(i, n)| (n, child(i)))),
            _ => {}
        }
    }
    for nodes in out.values_mut() {
        nodes.sort_by_key(|(start, _)| *start);
    }
    out
}

/// A map's entries with those merged in by `<<: *alias` (or a list of aliases) after them,
/// as yaml.v2 reads them: keys written in the map win.
fn merged_entries<'a>(doc: &Doc<'a>, n: &'a Node, depth: usize) -> Vec<(String, &'a Node)> {
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

fn lookup<'a>(doc: &Doc<'a>, n: &'a Node, key: &str, depth: usize) -> Option<&'a Node> {
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
