//! Keys of the map at the cursor, from the knowledge base; skeletons for a new named entry.

use super::{CompletionItem, CompletionKind};
use crate::ide::analysis::Analysis;
use crate::model::Manifest;
use crate::schema::{self, KeyDoc, Shape};
use crate::syntax::{KeyPath, Segment};
use crate::text::TextRange;

/// The key patterns the map at `parent` may have, in data order.
pub(super) fn keys(
    a: &Analysis,
    parent: &KeyPath,
    replace: TextRange,
    line_start: usize,
    offset: usize,
) -> Vec<CompletionItem> {
    let sch = schema::schema();
    let m = sch.lookup(parent);
    let text = a.text();
    // The column the key starts at: its children go two further.
    let line = &text[line_start..offset];
    let indent = replace.start.saturating_sub(line_start).min(line.len());
    let child_indent = " ".repeat(indent + 2);
    // A line break and the children's indentation, made once for every item's insert text.
    let nl = ["\n", &child_indent].concat();
    let present = present_keys(a, parent);
    let keys: Vec<&str> = parent.keys().collect();

    // A new name in a section of names: a skeleton.
    if parent.len() == 1 && schema::NAMED_SECTIONS.contains(&keys.first().copied().unwrap_or("")) {
        return skeleton(keys[0], a.model(), replace, &child_indent);
    }
    // Resource options depend on the resource's type (when it is one the knowledge base knows).
    let resource_type = match keys.as_slice() {
        ["resources", name, "options"] => a.model().resource(name).and_then(|r| r.type_name()).map(str::to_string),
        _ => None,
    }
    .filter(|t| sch.resource_type(t).is_some());
    let mut items = Vec::new();
    for (i, (key, pattern, doc)) in sch.children(&m.pattern).enumerate() {
        if key == "*" || present.contains(&key) || doc.status.is_some() {
            continue;
        }
        if let Some(t) = &resource_type
            && !doc.types.iter().any(|x| x == t)
        {
            continue;
        }
        let (insert, snippet) = key_insert(key, doc, &nl);
        let rank = if doc.required { 0 } else { 1 };
        items.push(CompletionItem {
            label: key.to_string(),
            kind: CompletionKind::Key,
            detail: Some(doc.summary.trim_end_matches('.').to_string()),
            doc_pattern: Some(pattern),
            insert,
            snippet,
            replace,
            sort: sort_text(rank, i),
        });
    }
    items
}

/// `{rank}{i:04}`, made without the formatting machinery (one per item of every list).
fn sort_text(rank: u8, i: usize) -> String {
    if i >= 10_000 {
        return format!("{rank}{i:04}");
    }
    let mut s = String::with_capacity(5);
    s.push(char::from(b'0' + rank));
    for place in [1000, 100, 10, 1] {
        s.push(char::from(b'0' + (i / place % 10) as u8));
    }
    s
}

pub(super) fn doc_markdown(doc: &KeyDoc) -> String {
    let mut s = format!("`{}`", doc.ty);
    if let Some(d) = &doc.default {
        s.push_str(&format!(" · default `{d}`"));
    }
    s.push_str("\n\n");
    s.push_str(doc.description.trim());
    s
}

/// The keys already written in the map at `path`.
fn present_keys<'a>(a: &'a Analysis, path: &KeyPath) -> Vec<&'a str> {
    let mut node = a.parse().root();
    for seg in &path.0 {
        let next = match seg {
            Segment::Key(k) => node.get(k).map(|e| &e.value),
            Segment::Index(i) => node.as_seq().and_then(|s| s.get(*i)),
        };
        match next {
            Some(n) => node = n,
            None => return Vec::new(),
        }
    }
    node.as_map().unwrap_or_default().iter().filter_map(|e| e.key.as_str()).collect()
}

/// What choosing a key inserts: `key: ` for a scalar, `key:` and the child indentation for a map,
/// `key:` and `- ` for a list; the common shapes as snippets. `nl` is a line break and the
/// children's indentation.
fn key_insert(key: &str, doc: &KeyDoc, nl: &str) -> (String, bool) {
    let snippet = match key {
        "health" if doc.accepts.contains(&Shape::Map) => {
            Some(format!("health:{nl}path: ${{1:/health}}{nl}interval: ${{2:5}}{nl}timeout: ${{3:4}}"))
        }
        "scale" if doc.accepts.contains(&Shape::Map) => {
            Some(format!("scale:{nl}count: ${{1:1}}{nl}cpu: ${{2:250}}{nl}memory: ${{3:512}}"))
        }
        "liveness" => Some(format!("liveness:{nl}path: ${{1:/health}}{nl}interval: ${{2:5}}")),
        "build" if doc.accepts.contains(&Shape::Map) => Some("build: ${1:.}".to_string()),
        "port" => Some("port: ${1:3000}".to_string()),
        "schedule" => Some("schedule: \"${1:0 * * * *}\"".to_string()),
        _ => None,
    };
    if let Some(s) = snippet {
        return (s, true);
    }
    let scalar =
        doc.accepts.iter().any(|s| matches!(s, Shape::String | Shape::Integer | Shape::Number | Shape::Boolean));
    // Concatenated, not formatted: one per key of a list, on every completion request.
    if scalar {
        ([key, ": "].concat(), false)
    } else if doc.accepts.contains(&Shape::List) {
        ([key, ":", nl, "- "].concat(), false)
    } else {
        ([key, ":", nl].concat(), false)
    }
}

/// Skeletons for a new service, resource, timer or balancer.
fn skeleton(section: &str, m: &Manifest, replace: TextRange, indent: &str) -> Vec<CompletionItem> {
    let nl = format!("\n{indent}");
    let services: Vec<&str> = m.services.iter().map(|s| s.name.value.as_str()).collect();
    let service_choice =
        if services.is_empty() { "${3:web}".to_string() } else { format!("${{3|{}|}}", services.join(",")) };
    let types = schema::schema().resource_types().map(|(t, _)| t).collect::<Vec<_>>().join(",");
    let (label, detail, body) = match section {
        "services" => (
            "new service",
            "A service: build, port, scale",
            format!("${{1:web}}:{nl}build: ${{2:.}}{nl}port: ${{3:3000}}{nl}scale:{nl}  count: ${{4:1}}"),
        ),
        "resources" => ("new resource", "A resource: its type", format!("${{1:database}}:{nl}type: ${{2|{types}|}}")),
        "timers" => (
            "new timer",
            "A timer: schedule, command, service",
            format!(
                "${{1:cleanup}}:{nl}schedule: \"${{2:0 3 * * *}}\"{nl}command: ${{3:bin/cleanup}}{nl}service: {}",
                service_choice.replace("${3", "${4")
            ),
        ),
        "balancers" => (
            "new balancer",
            "A balancer: service and ports",
            format!(
                "${{1:tcp}}:{nl}service: {}{nl}ports:{nl}  ${{3:5000}}: ${{4:3000}}",
                service_choice.replace("${3", "${2")
            ),
        ),
        _ => return Vec::new(),
    };
    vec![CompletionItem {
        label: label.to_string(),
        kind: CompletionKind::Snippet,
        detail: Some(detail.to_string()),
        doc_pattern: None,
        insert: body,
        snippet: true,
        replace,
        sort: "0".to_string(),
    }]
}
