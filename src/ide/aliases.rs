//! Names reached through YAML aliases, for rename. The model never expands aliases, so a
//! reference written once under an anchor (`x-res: &res [db]`) and used through an alias
//! (`resources: *res`) is not one of its occurrences; Convox's yaml.v2 expands it, so a rename
//! that missed it would leave a reference to a name that no longer exists.
//!
//! This walks the document once, following each alias into the node its anchor marks as if that
//! node were written where the alias is (merge keys `<<` included), and collects the scalars
//! that then sit where Convox reads a name of the kind being renamed.

use super::names::NameKind;
use crate::syntax::yaml::{Kind, Node};
use crate::text::TextRange;

/// One step of the path at which a node is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seg<'a> {
    Key(&'a str),
    /// A sequence item.
    Item,
    /// The key of an entry (where names are declared).
    KeyOf,
}

/// A scalar that Convox reads as a name of the kind, reached through an alias.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reached<'a> {
    /// The scalar (inside the anchored node).
    pub node: &'a Node,
    /// The alias through which it is read: its name and range.
    pub alias: (String, TextRange),
}

/// What the walk found: the scalars, and the aliases it could not follow (undefined, or too many
/// to follow).
#[derive(Debug, Default)]
pub struct Walk<'a> {
    pub reached: Vec<Reached<'a>>,
    pub unresolved: Vec<(String, TextRange)>,
}

/// Steps of expansion followed at most: aliases of aliases can grow exponentially (a "billion
/// laughs" document); past this the rename is refused rather than computed.
const BUDGET: usize = 100_000;

/// The name positions of a kind: `*` matches any key.
fn patterns(kind: NameKind) -> &'static [&'static [&'static str]] {
    match kind {
        NameKind::Service => &[
            &["services", "#key"],
            &["timers", "*", "service"],
            &["balancers", "*", "service"],
            &["budget", "neverAutoShutdown", "#item"],
        ],
        NameKind::Resource => &[&["resources", "#key"], &["services", "*", "resources", "#item"]],
        NameKind::Timer => &[&["timers", "#key"]],
        NameKind::Balancer => &[&["balancers", "#key"]],
        NameKind::Config | NameKind::EnvVar => &[],
    }
}

fn seg_matches(p: &str, s: Seg) -> bool {
    match s {
        Seg::Key(k) => p == "*" || p == k,
        Seg::Item => p == "#item",
        Seg::KeyOf => p == "#key",
    }
}

/// Whether `path` is a prefix of (or equal to) a name position of the kind.
fn may_hold(kind: NameKind, path: &[Seg]) -> bool {
    patterns(kind).iter().any(|p| p.len() >= path.len() && p.iter().zip(path).all(|(p, s)| seg_matches(p, *s)))
}

fn is_name_position(kind: NameKind, path: &[Seg]) -> bool {
    patterns(kind).iter().any(|p| p.len() == path.len() && p.iter().zip(path).all(|(p, s)| seg_matches(p, *s)))
}

/// Every anchor of the document in text order: its name, where it is and the node it marks.
fn anchors(root: &Node) -> Vec<(&str, usize, &Node)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if let Some(a) = &n.anchor {
            out.push((a.0.as_str(), a.1.start, n));
        }
        match &n.kind {
            Kind::Map(entries) => stack.extend(entries.iter().flat_map(|e| [&e.key, &e.value])),
            Kind::Seq(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    out.sort_by_key(|(_, at, _)| *at);
    out
}

struct Walker<'a> {
    kind: NameKind,
    anchors: Vec<(&'a str, usize, &'a Node)>,
    budget: usize,
    out: Walk<'a>,
}

impl<'a> Walker<'a> {
    /// The node an alias at `at` stands for: the last anchor of that name before it.
    fn resolve(&self, name: &str, at: usize) -> Option<&'a Node> {
        self.anchors.iter().rev().find(|(n, start, _)| *n == name && *start < at).map(|(_, _, node)| *node)
    }

    /// Walks `node`, read at `path`; `via` is the outermost alias followed to get here.
    fn walk(&mut self, node: &'a Node, path: &mut Vec<Seg<'a>>, via: Option<&(String, TextRange)>) {
        if self.budget == 0 || !may_hold(self.kind, path) {
            return;
        }
        self.budget -= 1;
        match &node.kind {
            Kind::Alias(name) => {
                let alias = via.cloned().unwrap_or_else(|| (name.clone(), node.range));
                match self.resolve(name, node.range.start) {
                    Some(target) => self.walk(target, path, Some(&alias)),
                    None => self.out.unresolved.push((name.clone(), node.range)),
                }
            }
            Kind::Scalar(_) => {
                if let Some(alias) = via
                    && is_name_position(self.kind, path)
                {
                    self.out.reached.push(Reached { node, alias: alias.clone() });
                }
            }
            Kind::Map(entries) => {
                for e in entries {
                    if e.key.as_str() == Some("<<") {
                        // A merge key: its maps are read as part of this one at the top level;
                        // the names live in the sections, where Convox loses a merge key
                        // (`model::decode::merges_apply`).
                        if path.is_empty() {
                            self.walk_merge(&e.value, path, via);
                        }
                        continue;
                    }
                    path.push(Seg::KeyOf);
                    self.walk(&e.key, path, via);
                    path.pop();
                    let key = match &e.key.kind {
                        Kind::Scalar(s) => s.value.as_str(),
                        Kind::Alias(a) => self.resolve(a, e.key.range.start).and_then(Node::as_str).unwrap_or(""),
                        _ => "",
                    };
                    path.push(Seg::Key(key));
                    self.walk(&e.value, path, via);
                    path.pop();
                }
            }
            Kind::Seq(items) => {
                for i in items {
                    path.push(Seg::Item);
                    self.walk(i, path, via);
                    path.pop();
                }
            }
            Kind::Empty | Kind::Error => {}
        }
    }

    fn walk_merge(&mut self, value: &'a Node, path: &mut Vec<Seg<'a>>, via: Option<&(String, TextRange)>) {
        match &value.kind {
            Kind::Seq(items) => items.iter().for_each(|i| self.walk(i, path, via)),
            _ => self.walk(value, path, via),
        }
    }
}

/// The scalars read as names of `kind` only through an alias, and the aliases that could not be
/// followed. `None` when the aliases expand to more than can be followed.
pub fn reached(root: &Node, kind: NameKind) -> Option<Walk<'_>> {
    let mut w = Walker { kind, anchors: anchors(root), budget: BUDGET, out: Walk::default() };
    if w.anchors.is_empty() {
        return Some(w.out);
    }
    w.walk(root, &mut Vec::new(), None);
    (w.budget > 0).then_some(w.out)
}
