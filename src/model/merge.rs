//! Aliases (`*name`) and merge keys (`<<: *base`), read as Convox's YAML library (yaml.v2) reads
//! them: the one reader of both, for the model and for the objects Convox renders.

use std::collections::{HashMap, HashSet};

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
    if let Some(found) =
        INDEX.with(|i| i.borrow().as_ref().filter(|x| std::ptr::eq(x.root, n)).map(|x| x.find(n, name, before)))
    {
        return found;
    }
    anchored_by_walking(n, name, before)
}

/// [`anchored`] without an index: a walk of the whole document.
fn anchored_by_walking<'a>(n: &'a Node, name: &str, before: usize) -> Option<&'a Node> {
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

/// Where each anchor of one document is, by name, in text order: the nodes [`anchored`] walks
/// (the root, map values, list items), each as the path of child positions from the root.
struct Anchors {
    /// The document's root: compared by address only, while [`with_anchors`] borrows it.
    root: *const Node,
    by_name: HashMap<String, Vec<(usize, Vec<u32>)>, crate::schema::FxBuild>,
}

impl Anchors {
    fn new(root: &Node) -> Anchors {
        /// One path, extended and cut back as the walk goes down and up: a path is copied only
        /// for an anchor (a manifest without anchors, most, allocates nothing here).
        fn walk(
            x: &Node,
            path: &mut Vec<u32>,
            by_name: &mut HashMap<String, Vec<(usize, Vec<u32>)>, crate::schema::FxBuild>,
        ) {
            if let Some(a) = &x.anchor {
                by_name.entry(a.0.clone()).or_default().push((x.range.start, path.clone()));
            }
            let mut down = |i: usize, c: &Node| {
                path.push(i as u32);
                walk(c, path, by_name);
                path.pop();
            };
            match &x.kind {
                Kind::Map(entries) => entries.iter().enumerate().for_each(|(i, e)| down(i, &e.value)),
                Kind::Seq(items) => items.iter().enumerate().for_each(|(i, n)| down(i, n)),
                _ => {}
            }
        }
        let mut by_name = HashMap::default();
        walk(root, &mut Vec::new(), &mut by_name);
        for v in by_name.values_mut() {
            v.sort_by_key(|(start, _)| *start);
        }
        Anchors { root: std::ptr::from_ref(root), by_name }
    }

    /// What [`anchored_by_walking`] finds: the anchor of that name starting last before `before`.
    fn find<'a>(&self, root: &'a Node, name: &str, before: usize) -> Option<&'a Node> {
        let list = self.by_name.get(name)?;
        let i = list.partition_point(|(start, _)| *start < before).checked_sub(1)?;
        let mut n = root;
        for &step in &list[i].1 {
            n = match &n.kind {
                Kind::Map(entries) => &entries.get(step as usize)?.value,
                Kind::Seq(items) => items.get(step as usize)?,
                _ => return None,
            };
        }
        Some(n)
    }
}

thread_local! {
    /// The anchors of the document a whole-document reader is reading ([`with_anchors`]).
    static INDEX: std::cell::RefCell<Option<std::rc::Rc<Anchors>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `read` with the anchors of `root` indexed: every alias [`resolve`]s by a lookup instead
/// of a walk of the document (thousands of aliases each walked it: quadratic). The index lives
/// only while `root` is borrowed, so its address names this document alone; a document without
/// anchors is not indexed, nor one whose `text` (when given) has no `&` (most manifests, read on
/// every keystroke: not even walked).
pub(crate) fn with_anchors<R>(root: &Node, text: Option<&str>, read: impl FnOnce() -> R) -> R {
    if text.is_some_and(|t| memchr::memchr(b'&', t.as_bytes()).is_none()) {
        return read();
    }
    let current = INDEX.with(|i| i.borrow().as_ref().is_some_and(|x| std::ptr::eq(x.root, root)));
    if current {
        return read();
    }
    let index = std::rc::Rc::new(Anchors::new(root));
    if index.by_name.is_empty() {
        return read();
    }
    struct Restore(Option<std::rc::Rc<Anchors>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            INDEX.with(|i| *i.borrow_mut() = previous);
        }
    }
    let _restore = Restore(INDEX.with(|i| i.borrow_mut().replace(index)));
    read()
}

/// The merge sources already read by one `merged_entries` or `lookup`, with the depth each was
/// read at. A source merged again (`<<: [*a, *a]`, or two anchors merging the same one, level
/// after level) can add nothing that its first reading did not, when that reading was at the same
/// depth or shallower (so it was cut at [`MAX_ALIAS_DEPTH`] no sooner): it is skipped, which keeps
/// nested merges linear instead of exponential in their depth.
#[derive(Default)]
struct Visited(HashMap<*const Node, usize, crate::schema::FxBuild>);

impl Visited {
    /// Whether `n` is to be read at `depth` (and, if so, notes it).
    fn first(&mut self, n: &Node, depth: usize) -> bool {
        match self.0.get(&std::ptr::from_ref(n)) {
            Some(&at) if at <= depth => false,
            _ => {
                self.0.insert(std::ptr::from_ref(n), depth);
                true
            }
        }
    }
}

/// A map's entries with those merged in by `<<: *alias` (or a list of aliases) after them,
/// as yaml.v2 reads them: keys written in the map win.
pub(crate) fn merged_entries<'a>(doc: &'a Node, n: &'a Node, depth: usize) -> Vec<(String, &'a Node)> {
    let mut out = Vec::new();
    let mut seen = HashSet::default();
    entries_into(doc, n, depth, true, &mut Visited::default(), &mut seen, &mut out);
    out
}

/// `merged_entries`, adding to `out` the keys not in `seen`: all the keys the map at the top
/// writes (twice written ones too: the callers decide which counts), then from each merge source
/// only the first of each key.
fn entries_into<'a>(
    doc: &'a Node,
    n: &'a Node,
    depth: usize,
    top: bool,
    visited: &mut Visited,
    seen: &mut HashSet<String, crate::schema::FxBuild>,
    out: &mut Vec<(String, &'a Node)>,
) {
    let n = resolve(doc, n, 0);
    let Some(entries) = n.as_map() else { return };
    if !visited.first(n, depth) {
        return;
    }
    let mut merges = Vec::new();
    let written = out.len();
    for e in entries {
        match e.key.as_str() {
            Some("<<") => merges.push(&e.value),
            Some(k) if top => out.push((k.to_string(), &e.value)),
            Some(k) if seen.insert(k.to_string()) => out.push((k.to_string(), &e.value)),
            Some(_) | None => {}
        }
    }
    if top {
        seen.extend(out[written..].iter().map(|(k, _)| k.clone()));
    }
    if depth < MAX_ALIAS_DEPTH {
        for m in merges {
            let m = resolve(doc, m, 0);
            match &m.kind {
                Kind::Seq(items) => {
                    items.iter().for_each(|src| entries_into(doc, src, depth + 1, false, visited, seen, out))
                }
                _ => entries_into(doc, m, depth + 1, false, visited, seen, out),
            }
        }
    }
}

pub(crate) fn lookup<'a>(doc: &'a Node, n: &'a Node, key: &str, depth: usize) -> Option<&'a Node> {
    // What `merged_entries` would find first, without building the entries: the keys written in
    // the map, then each merge source in order (this runs once per service and key, on every
    // keystroke).
    if key == "<<" {
        return None;
    }
    lookup_in(doc, n, key, depth, &mut Visited::default())
}

fn lookup_in<'a>(doc: &'a Node, n: &'a Node, key: &str, depth: usize, visited: &mut Visited) -> Option<&'a Node> {
    let n = resolve(doc, n, 0);
    let entries = n.as_map()?;
    if let Some(e) = entries.iter().find(|e| e.key.as_str() == Some(key)) {
        return Some(&e.value);
    }
    if depth >= MAX_ALIAS_DEPTH || !entries.iter().any(|e| e.key.as_str() == Some("<<")) || !visited.first(n, depth) {
        return None;
    }
    entries.iter().filter(|e| e.key.as_str() == Some("<<")).find_map(|e| {
        let m = resolve(doc, &e.value, 0);
        match &m.kind {
            Kind::Seq(items) => items.iter().find_map(|src| lookup_in(doc, src, key, depth + 1, visited)),
            _ => lookup_in(doc, m, key, depth + 1, visited),
        }
    })
}

#[cfg(test)]
mod index_tests {
    use super::{Anchors, anchored_by_walking};

    #[test]
    fn the_index_finds_what_the_walk_finds() {
        let names = ["a", "b", "c"];
        let mut rng = crate::seeded::Seeded::new(5);
        let mut next = |n: usize| rng.below(n);
        for _ in 0..300 {
            // Anchors on maps, lists and scalars at several depths, names reused (a later anchor
            // of a name hides the earlier from the aliases after it).
            let mut text = String::new();
            for i in 0..12 {
                let name = names[next(3)];
                match next(4) {
                    0 => text.push_str(&format!("k{i}: &{name} v{i}\n")),
                    1 => text.push_str(&format!(
                        "k{i}: &{name}\n  x: &{} 1\n  y: [&{} z]\n",
                        names[next(3)],
                        names[next(3)]
                    )),
                    2 => text.push_str(&format!("k{i}:\n  - &{name} {{p: 1}}\n  - q\n")),
                    _ => text.push_str(&format!("k{i}: *{name}\n")),
                }
            }
            let parse = crate::syntax::parse(&text);
            let root = parse.root();
            let index = Anchors::new(root);
            for before in (0..=text.len()).step_by(7).chain([usize::MAX]) {
                for name in names {
                    let walked = anchored_by_walking(root, name, before).map(std::ptr::from_ref);
                    let found = index.find(root, name, before).map(std::ptr::from_ref);
                    assert_eq!(found, walked, "{text}\n{name} before {before}");
                }
            }
        }
    }
}
