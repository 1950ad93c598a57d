//! Reading a manifest part with its key path, so every value a builder takes carries the key it
//! was read from (`services.web.health.grace`).

use crate::model::decode::{merges_apply, written};
use crate::model::merge::{lookup, merged_entries, resolve};
use crate::syntax::yaml::{Kind, Node, ScalarType};

/// A place in the manifest: the node there (if written), its key path, and the document (to
/// resolve aliases `*name` and merge keys `<<`, as Convox's YAML library does).
#[derive(Clone)]
pub struct Key<'a> {
    pub node: Option<&'a Node>,
    pub path: String,
    doc: &'a Node,
}

impl<'a> Key<'a> {
    /// The document's root.
    pub fn document(doc: &'a Node) -> Key<'a> {
        Key { node: Some(doc), path: String::new(), doc }
    }

    fn at(&self, node: Option<&'a Node>, path: String) -> Key<'a> {
        let node = node.map(|n| resolve(self.doc, n, 0)).filter(|n| !n.is_null());
        Key { node, path, doc: self.doc }
    }

    /// The path of a child: `parent.key` (built without the formatting machinery: every service
    /// reads some twenty keys on every keystroke).
    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            return key.to_string();
        }
        let mut path = String::with_capacity(self.path.len() + 1 + key.len());
        path.push_str(&self.path);
        path.push('.');
        path.push_str(key);
        path
    }

    /// The child `key` (written or not), through merge keys where Convox reads them.
    pub fn get(&self, key: &str) -> Key<'a> {
        let path = self.child_path(key);
        self.at(self.child(key), path)
    }

    /// Whether the child `key` is written, even with no value or `null` (which [`Key::get`] reads
    /// as absent).
    pub fn has(&self, key: &str) -> bool {
        self.child(key).is_some()
    }

    /// The node of child `key`: through merge keys where yaml.v2 applies them, as written in the
    /// sections where Convox loses them ([`merges_apply`]).
    fn child(&self, key: &str) -> Option<&'a Node> {
        let n = self.node?;
        if merges_apply(&self.path) { lookup(self.doc, n, key, 0) } else { written(self.doc, n, key) }
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
            Some(Kind::Seq(items)) => {
                let path = [self.path.as_str(), "[]"].concat();
                items.iter().map(|n| self.at(Some(n), path.clone())).collect()
            }
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
        let entries = if merges_apply(&self.path) {
            merged_entries(self.doc, node, 0)
        } else {
            let written = resolve(self.doc, node, 0).as_map().unwrap_or_default().iter();
            written.filter_map(|e| Some((e.key.as_str().filter(|k| *k != "<<")?.to_string(), &e.value))).collect()
        };
        // A key written twice: the first is read.
        let mut seen: std::collections::HashSet<&str, crate::schema::FxBuild> = Default::default();
        let first: Vec<bool> = entries.iter().map(|(k, _)| seen.insert(k.as_str())).collect();
        drop(seen);
        for ((k, v), first) in entries.into_iter().zip(first) {
            if first {
                let path = self.child_path(&k);
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
