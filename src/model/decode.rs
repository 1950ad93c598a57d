//! A key written twice, read as Convox reads it. Convox decodes the manifest with yaml.v2 into its
//! structs (`pkg/manifest/manifest.go:57`); yaml.v2 never rejects a duplicate key outside strict
//! mode, it decodes each occurrence into the same place, so what a second one does depends on the
//! Go type of that place (`vendor/gopkg.in/yaml.v2/decode.go`):
//!
//! - a struct field is decoded again (`mappingStruct`, decode.go:744-767): a plain field takes the
//!   later value, a struct is filled field by field, a Go map gets the later entries added
//!   (`mapping` reuses the map, decode.go:657), a slice is replaced (`sequence`, decode.go:591);
//! - a type with its own `UnmarshalYAML` decides: `services`, `resources`, `timers`, `balancers`
//!   and a balancer's `ports` append (`unmarshalMapSlice`, `pkg/manifest/yaml.go:698-740`), so both
//!   sections are read; `environment` and `domain` append (yaml.go:109-135, 264-294); `scale`,
//!   `health` and a map `port` set only the keys written (yaml.go:296-332, 362-422, 432-518);
//! - a null occurrence resets the field (`prepare` returns before any `UnmarshalYAML` for null,
//!   then `scalar` sets the zero value, decode.go:297-300, 427-433): an empty second `services:`
//!   drops the first's services;
//! - inside a generic map (what `scale`, `health` and `port` decode their value into) the later
//!   key wins (`setMapIndex`, decode.go:685-691);
//! - which keys are *set* is read once more into a generic map (`yamlAttributes`,
//!   `pkg/manifest/yaml.go:742-786`), where the later occurrence wins; the defaults that ask it
//!   (`manifest.go:136-358`: `scale` count, `deployment`, `init`, `termination.grace`,
//!   `tls.redirect`) see only the last `services:` section and the last occurrence of a key.
//!
//! [`document`] builds the document with every such key combined as Convox combines it; the
//! model and the objects Convox renders read that, and [`rule`] is the one table both it and the
//! duplicate-key diagnostic follow.

use std::collections::HashMap;

use super::merge::resolve;
use crate::schema::NAMED_SECTIONS;
use crate::syntax::yaml::{Entry, Kind, Node, Scalar, Style};
use crate::text::TextRange;

/// What Convox does with a key written twice in one map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// The later value replaces the earlier one.
    Last,
    /// Both are read: list items (or named entries) appended.
    Append,
    /// Two maps combined key by key, the later value winning (a struct or a Go map).
    Merge,
    /// A service's `scale`: key by key, but `count` only from the last (yaml.go:432-518 and the
    /// attribute defaults, manifest.go:298-307).
    Scale,
    /// Two entries of `services:` (or `resources:` ...) with one name: both kept, as two.
    Both,
}

/// Service keys Convox decodes into a Go map or with a decoder that sets only the keys written.
const SERVICE_MERGED: [&str; 4] = ["health", "port", "labels", "nodeSelectorLabels"];

/// Service keys whose struct fields Convox decodes field by field (`mappingStruct`), below
/// which a map written twice merges too.
const SERVICE_STRUCTS: [&str; 8] = [
    "liveness",
    "startupProbe",
    "lifecycle",
    "dnsConfig",
    "securityContext",
    "certificate",
    "accessControl",
    "initContainer",
];

/// The rule for `key` written twice in the map at schema pattern `parent` (`""` for the top
/// level, `services` for the map of services, `services.*` for a service's body).
pub fn rule(parent: &str, key: &str) -> Rule {
    match (parent, key) {
        ("", k) if NAMED_SECTIONS.contains(&k) => Rule::Append,
        ("", "environment") => Rule::Append,
        ("", "labels" | "params" | "appSettings" | "budget") => Rule::Merge,
        (p, _) if NAMED_SECTIONS.contains(&p) => Rule::Both,
        ("services.*", "environment" | "domain") => Rule::Append,
        ("services.*", "scale") => Rule::Scale,
        ("services.*", k) if SERVICE_MERGED.contains(&k) || SERVICE_STRUCTS.contains(&k) => Rule::Merge,
        ("resources.*", "options") => Rule::Merge,
        ("balancers.*", "ports") => Rule::Append,
        (p, _) if in_struct(p) => Rule::Merge,
        _ => Rule::Last,
    }
}

/// Whether the map at `pattern` is a Go struct decoded field by field (so a map value written
/// twice in it merges).
fn in_struct(pattern: &str) -> bool {
    let mut parts = pattern.split('.');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("appSettings" | "budget"), _, _) => true,
        (Some("services"), Some("*"), Some(k)) => SERVICE_STRUCTS.contains(&k.trim_end_matches("[]")),
        _ => false,
    }
}

/// The pattern of `key`'s value below `parent`.
fn child(parent: &str, key: &str) -> String {
    match parent {
        "" => key.to_string(),
        p if NAMED_SECTIONS.contains(&p) => format!("{p}.*"),
        p => format!("{p}.{key}"),
    }
}

/// What the duplicate-key diagnostic says Convox does, for `key` written twice at `parent`
/// (`maps`: both values are maps, which only then merge).
pub fn explain(parent: &str, key: &str, maps: bool) -> &'static str {
    match rule(parent, key) {
        Rule::Merge if !maps => "Convox uses the last one",
        Rule::Scale if !maps => {
            "Convox reads both: a count replaces only the `count` of a map before it, a map sets only its own keys"
        }
        Rule::Append if parent.is_empty() && NAMED_SECTIONS.contains(&key) => {
            "Convox reads both sections (an empty one drops what the sections above it declared)"
        }
        Rule::Append => "Convox reads both (the later items are appended; an empty one drops the earlier)",
        Rule::Merge => "Convox reads both, key by key: a key written in both takes the later value",
        Rule::Scale => "Convox reads both, key by key (the later value wins), but `count` only from the last one",
        Rule::Both => "Convox keeps both entries, which then collide",
        Rule::Last => "Convox uses the last one",
    }
}

/// The document as Convox reads it, when a key is written twice somewhere or a merge key is
/// applied (else `None`: the document is read as written). Runs on every version: one walk that
/// allocates nothing decides whether anything needs decoding.
pub fn document(root: &Node) -> Option<Node> {
    let mut seen = Seen::default();
    seen.walk(root, 0);
    if !(seen.twice || seen.merge && has_applied_merge(root, "", 0)) {
        return None;
    }
    let mut doc = normalize(root, root, "");
    forget_earlier_sections(root, &mut doc);
    Some(doc)
}

/// Whether yaml.v2 applies a merge key (`<<`) in the map at key path or schema pattern `path`.
/// Not below `services`, `resources`, `timers` and `balancers`: Convox decodes them into a
/// `yaml.MapSlice` (`unmarshalMapSlice`, `pkg/manifest/yaml.go:698-740`), and yaml.v2's
/// `mappingSlice` decodes a merge into its output and then replaces that output with the slice it
/// built (`vendor/gopkg.in/yaml.v2/decode.go:706-709, 719`), the merge lost; every map below is
/// decoded as a `MapSlice` too (`d.mapType`, decode.go:701), losing its merges the same way. Each
/// entry is then re-marshalled from that slice into Convox's struct (`remarshal`, yaml.go:657-664).
pub(crate) fn merges_apply(path: &str) -> bool {
    let first = path.split(['.', '[']).next().unwrap_or_default();
    !NAMED_SECTIONS.contains(&first)
}

/// What Convox does with a merge key in the map at schema pattern `pattern`: the words of the
/// dropped-merge diagnostic and of the hover on `<<`.
pub fn merge_note(pattern: &str) -> String {
    let first = pattern.split(['.', '[']).next().unwrap_or_default();
    if merges_apply(pattern) {
        "yaml.v2 merges the anchored map's keys into this map where `<<` stands (a key written after it wins)"
            .to_string()
    } else {
        format!(
            "Convox drops this merge key: {first} are decoded through yaml.v2's MapSlice, which loses `<<` \
             (write the keys here instead)"
        )
    }
}

/// The value of `key` as written in map `n` (an alias resolved), merge keys not read: how Convox
/// reads a map where [`merges_apply`] is false.
pub(crate) fn written<'a>(doc: &'a Node, n: &'a Node, key: &str) -> Option<&'a Node> {
    let entries = resolve(doc, n, 0).as_map()?;
    (key != "<<").then(|| entries.iter().find(|e| e.key.as_str() == Some(key)).map(|e| &e.value))?
}

/// A map's entries, each `<<` replaced by its sources' entries where it stands: yaml.v2 decodes a
/// merge source into the map or struct being filled at the place of the `<<` (`mapping`,
/// decode.go:662-664; `mappingStruct`, decode.go:746-749; `merge`, decode.go:786-810, a list of
/// sources from the last to the first), so a key merged in combines with one written beside it by
/// that key's [`rule`]: written after the `<<`, it wins; before it, the merged value replaces it
/// (the top level's `labels: {team: mine, <<: *l}` takes `l`'s `team`). A source merged twice is
/// read once (linear in the sources).
fn merged_in_place(doc: &Node, n: &Node, pattern: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut read = std::collections::HashSet::new();
    expand(doc, n, pattern, &mut read, &mut out, 0);
    out
}

/// Whether some map holds a merge key yaml.v2 applies ([`applied_merge`]).
fn has_applied_merge(n: &Node, pattern: &str, depth: usize) -> bool {
    if depth > 128 {
        return false;
    }
    match &n.kind {
        Kind::Map(entries) => entries.iter().any(|e| {
            applied_merge(&e.key, pattern)
                || e.key.as_str().is_some_and(|k| has_applied_merge(&e.value, &child(pattern, k), depth + 1))
        }),
        Kind::Seq(items) => items.iter().any(|i| has_applied_merge(i, &format!("{pattern}[]"), depth + 1)),
        _ => false,
    }
}

/// Whether `key` is a merge key yaml.v2 applies in the map at schema pattern `pattern`: a plain
/// `<<` where [`merges_apply`]; in the sections, a quoted `"<<"` inside an entry (the `MapSlice`
/// keeps it as a key, `remarshal` writes it out plain, yaml.go:657-664, and it merges when the
/// entry is decoded into Convox's struct; `isMerge` takes only an implicit `<<`, decode.go:813-815).
/// In the section map itself a quoted `"<<"` is an entry of that name.
pub(crate) fn applied_merge(key: &Node, pattern: &str) -> bool {
    let Some(s) = key.as_scalar().filter(|s| s.value == "<<") else { return false };
    let plain = s.style == Style::Plain;
    if merges_apply(pattern) { plain } else { !plain && !NAMED_SECTIONS.contains(&pattern) }
}

fn expand(
    doc: &Node,
    n: &Node,
    pattern: &str,
    read: &mut std::collections::HashSet<*const Node>,
    out: &mut Vec<Entry>,
    depth: usize,
) {
    let n = resolve(doc, n, 0);
    if depth > 16 || !read.insert(std::ptr::from_ref(n)) {
        return;
    }
    for e in n.as_map().unwrap_or_default() {
        if !applied_merge(&e.key, pattern) {
            out.push(e.clone());
            continue;
        }
        let source = resolve(doc, &e.value, 0);
        match &source.kind {
            Kind::Seq(items) => items.iter().rev().for_each(|i| expand(doc, i, pattern, read, out, depth + 1)),
            _ => expand(doc, source, pattern, read, out, depth + 1),
        }
    }
}

/// What [`document`] looks for in one walk: a key written twice in some map, a `<<` key.
#[derive(Default)]
struct Seen {
    twice: bool,
    merge: bool,
}

impl Seen {
    fn walk(&mut self, n: &Node, depth: usize) {
        if depth > 128 || self.twice {
            return;
        }
        match &n.kind {
            Kind::Map(entries) => {
                self.merge |= entries.iter().any(|e| e.key.as_str() == Some("<<"));
                self.twice |= written_twice(entries);
                entries.iter().for_each(|e| self.walk(&e.value, depth + 1));
            }
            Kind::Seq(items) => items.iter().for_each(|i| self.walk(i, depth + 1)),
            _ => {}
        }
    }
}

/// Whether a map holds a key (other than `<<`) twice: small maps (most) compared pairwise in
/// place, larger ones through a set.
fn written_twice(entries: &[Entry]) -> bool {
    let keys = || entries.iter().filter_map(|e| e.key.as_str()).filter(|k| *k != "<<");
    if entries.len() <= 16 {
        keys().enumerate().any(|(i, k)| keys().take(i).any(|p| p == k))
    } else {
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        keys().any(|k| !seen.insert(k))
    }
}

fn normalize(doc: &Node, n: &Node, pattern: &str) -> Node {
    match &n.kind {
        Kind::Map(entries) => {
            let merges = entries.iter().any(|e| applied_merge(&e.key, pattern));
            let entries = if merges { merged_in_place(doc, n, pattern) } else { entries.clone() };
            Node { kind: Kind::Map(fold(doc, entries.into_iter(), pattern)), ..n.clone() }
        }
        Kind::Seq(items) => {
            let p = format!("{pattern}[]");
            Node { kind: Kind::Seq(items.iter().map(|i| normalize(doc, i, &p)).collect()), ..n.clone() }
        }
        _ => n.clone(),
    }
}

/// A map's entries with each key written twice combined by its [`rule`], in the order of each
/// key's first occurrence.
fn fold(doc: &Node, entries: impl Iterator<Item = Entry>, pattern: &str) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for e in entries {
        let Some(key) = e.key.as_str().filter(|k| *k != "<<").map(str::to_string) else {
            out.push(e);
            continue;
        };
        let rule = rule(pattern, &key);
        let value = normalize(doc, &e.value, &child(pattern, &key));
        let entry = Entry { value, ..e };
        match at.get(&key) {
            Some(&i) if rule != Rule::Both => {
                let earlier = std::mem::replace(&mut out[i].value, Node::empty(0));
                let value = combine(doc, rule, earlier, entry.value, &child(pattern, &key));
                out[i] = Entry { value, ..entry };
            }
            _ => {
                at.insert(key, out.len());
                out.push(entry);
            }
        }
    }
    out
}

fn combine(doc: &Node, rule: Rule, a: Node, b: Node, pattern: &str) -> Node {
    let a = resolve(doc, &a, 0).clone();
    let b_resolved = resolve(doc, &b, 0).clone();
    if b_resolved.is_empty() || a.is_empty() || rule == Rule::Last {
        return b;
    }
    let range = TextRange::new(a.range.start.min(b.range.start), a.range.end.max(b.range.end));
    let kind = match (rule, a.kind, b_resolved.kind) {
        (Rule::Append, Kind::Seq(mut x), Kind::Seq(y)) => {
            x.extend(y);
            Kind::Seq(x)
        }
        (Rule::Append, Kind::Map(mut x), Kind::Map(y)) => {
            x.extend(y);
            Kind::Map(x)
        }
        (Rule::Merge, Kind::Map(x), Kind::Map(y)) => Kind::Map(fold(doc, x.into_iter().chain(y), pattern)),
        (Rule::Scale, Kind::Map(x), Kind::Map(y)) => {
            let last_counts = y.iter().any(|e| matches!(e.key.as_str(), Some("count" | "min" | "max" | "autoscale")));
            let earlier = x.into_iter().filter(|e| last_counts || e.key.as_str() != Some("count"));
            Kind::Map(fold(doc, earlier.chain(y), pattern))
        }
        // `scale: 3` after a map sets only the count (yaml.go:440-441).
        (Rule::Scale, Kind::Map(mut x), Kind::Scalar(s)) => {
            x.retain(|e| e.key.as_str() != Some("count"));
            let key = Node { kind: Kind::Scalar(Scalar { value: "count".into(), style: Style::Plain }), ..b.clone() };
            x.push(Entry { key, value: Node { kind: Kind::Scalar(s), ..b.clone() }, range: b.range });
            Kind::Map(x)
        }
        _ => return b,
    };
    Node { kind, range, anchor: None, tag: None, flow: false }
}

/// A service declared only in an earlier `services:` section: the attribute defaults
/// (`manifest.go:136-150, 239-241, 298-307, 348-358`) ask the generic reading, where the last
/// section replaced the earlier, so they find nothing written and apply their defaults over
/// what the service says: one replica, the default deployment limits, `init`,
/// `termination.grace` and `tls.redirect`.
fn forget_earlier_sections(raw: &Node, doc: &mut Node) {
    let sections: Vec<&Entry> =
        raw.as_map().unwrap_or_default().iter().filter(|e| e.key.as_str() == Some("services")).collect();
    let Some(last) = sections.last().filter(|_| sections.len() > 1) else { return };
    let last = resolve(raw, &last.value, 0);
    let kept: Vec<&str> = last.as_map().unwrap_or_default().iter().filter_map(|e| e.key.as_str()).collect();
    let Kind::Map(top) = &mut doc.kind else { return };
    let Some(services) = top.iter_mut().find(|e| e.key.as_str() == Some("services")) else { return };
    let Kind::Map(services) = &mut services.value.kind else { return };
    for svc in services.iter_mut().filter(|s| s.key.as_str().is_some_and(|k| !kept.contains(&k))) {
        let body = resolve(raw, &svc.value, 0).clone();
        let Kind::Map(mut keys) = body.kind else { continue };
        keys.retain(|e| !matches!(e.key.as_str(), Some("init" | "deployment" | "termination" | "tls")));
        keys.retain(|e| e.key.as_str() != Some("scale") || e.value.as_map().is_some());
        for e in keys.iter_mut().filter(|e| e.key.as_str() == Some("scale")) {
            if let Kind::Map(scale) = &mut e.value.kind {
                scale.retain(|s| !matches!(s.key.as_str(), Some("count" | "min" | "max")));
            }
        }
        svc.value = Node { kind: Kind::Map(keys), ..body };
    }
}
