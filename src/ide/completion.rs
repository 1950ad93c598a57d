//! Completion: keys valid at the cursor from the knowledge base, values (closed sets, booleans,
//! resource types, cron presets), names declared elsewhere in the file, environment names in
//! `${...}`; on half-typed YAML too (the key path comes from the indentation scan there).

use super::Analysis;
use crate::model::Manifest;
use crate::schema::{self, KeyDoc, Shape};
use crate::syntax::{KeyPath, Segment, Target};
use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Key,
    Value,
    /// A name declared elsewhere in the file (a service, a resource, a config).
    Reference,
    Variable,
    /// A skeleton of several keys.
    Snippet,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// One line: the summary, or what the value means.
    pub detail: Option<String>,
    /// Markdown shown beside the list.
    pub documentation: Option<String>,
    /// The text that replaces `replace`; a snippet (`$1`, `${1:default}`) when `snippet` is set.
    /// Lines after the first carry their full indentation.
    pub insert: String,
    pub snippet: bool,
    pub replace: TextRange,
    /// Sorts the list: likely choices first.
    pub sort: String,
}

pub(super) fn completions(a: &Analysis, offset: usize) -> Vec<CompletionItem> {
    let text = a.text();
    let offset = offset.min(text.len());
    if let Some(items) = interpolation(a, offset) {
        return items;
    }
    // In a comment: nothing.
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    if before.contains(" #") || before.trim_start().starts_with('#') {
        return Vec::new();
    }
    let at = a.key_path_at(offset);
    match at.target {
        Target::NewKey(word) => keys(a, &at.path, word, line_start, offset),
        Target::Key(range) => {
            let mut parent = at.path.clone();
            parent.0.pop();
            keys(a, &parent, TextRange::new(range.start, offset.max(range.start)), line_start, offset)
        }
        // A lone word on its own line under `key:` parses as key's value, but it is a key being
        // typed (`worker:\n    sc`): complete the keys of `key`.
        Target::Value(range)
            if range.start == line_start + (before.len() - before.trim_start().len()) && !before.contains(':') =>
        {
            keys(a, &at.path, TextRange::new(range.start, offset), line_start, offset)
        }
        Target::Value(range) => values(a, &at.path, if range.is_empty() { TextRange::empty(offset) } else { range }),
        Target::NewItem(word) => {
            // `- ` in a list: the list's item values; in a list of maps, the item's keys.
            let mut item = at.path.clone();
            if !matches!(item.0.last(), Some(Segment::Index(_))) {
                item.0.push(Segment::Index(0));
            }
            let v = values(a, &item, word);
            if v.is_empty() { keys(a, &item, word, line_start, offset) } else { v }
        }
    }
}

/// The key patterns the map at `parent` may have, in data order.
fn keys(a: &Analysis, parent: &KeyPath, replace: TextRange, line_start: usize, offset: usize) -> Vec<CompletionItem> {
    let sch = schema::schema();
    let m = sch.lookup(parent);
    let text = a.text();
    // The column the key starts at: its children go two further.
    let line = &text[line_start..offset];
    let indent = replace.start.saturating_sub(line_start).min(line.len());
    let child_indent = " ".repeat(indent + 2);
    let present = present_keys(a, parent);
    let keys: Vec<&str> = parent.keys().collect();

    // A new name in a section of names: a skeleton.
    if parent.len() == 1 && schema::NAMED_SECTIONS.contains(&keys.first().copied().unwrap_or("")) {
        return skeleton(keys[0], a.model(), replace, &child_indent);
    }
    // Resource options depend on the resource's type.
    let resource_type = match keys.as_slice() {
        ["resources", name, "options"] => a.model().resource(name).and_then(|r| r.type_name()).map(str::to_string),
        _ => None,
    };
    let mut items = Vec::new();
    for (i, (key, _pattern, doc)) in sch.children(&m.pattern).enumerate() {
        if key == "*" || present.iter().any(|p| p == key) || doc.status.is_some() {
            continue;
        }
        if let Some(t) = &resource_type
            && !doc.types.iter().any(|x| x == t)
        {
            continue;
        }
        let (insert, snippet) = key_insert(key, doc, &child_indent);
        let rank = if doc.required { 0 } else { 1 };
        items.push(CompletionItem {
            label: key.to_string(),
            kind: CompletionKind::Key,
            detail: Some(doc.summary.trim_end_matches('.').to_string()),
            documentation: Some(doc_markdown(doc)),
            insert,
            snippet,
            replace,
            sort: format!("{rank}{i:04}"),
        });
    }
    items
}

fn doc_markdown(doc: &KeyDoc) -> String {
    let mut s = format!("`{}`", doc.ty);
    if let Some(d) = &doc.default {
        s.push_str(&format!(" · default `{d}`"));
    }
    s.push_str("\n\n");
    s.push_str(doc.description.trim());
    s
}

/// The keys already written in the map at `path`.
fn present_keys(a: &Analysis, path: &KeyPath) -> Vec<String> {
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
    node.as_map().unwrap_or_default().iter().filter_map(|e| e.key.as_str().map(str::to_string)).collect()
}

/// What choosing a key inserts: `key: ` for a scalar, `key:` and the child indentation for a map,
/// `key:` and `- ` for a list; the common shapes as snippets.
fn key_insert(key: &str, doc: &KeyDoc, indent: &str) -> (String, bool) {
    let nl = format!("\n{indent}");
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
    if scalar {
        (format!("{key}: "), false)
    } else if doc.accepts.contains(&Shape::List) {
        (format!("{key}:{nl}- "), false)
    } else {
        (format!("{key}:{nl}"), false)
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
        documentation: None,
        insert: body,
        snippet: true,
        replace,
        sort: "0".to_string(),
    }]
}

fn value_item(
    label: &str,
    detail: Option<String>,
    kind: CompletionKind,
    replace: TextRange,
    rank: usize,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind,
        detail,
        documentation: None,
        insert: label.to_string(),
        snippet: false,
        replace,
        sort: format!("{rank:04}"),
    }
}

fn values(a: &Analysis, path: &KeyPath, replace: TextRange) -> Vec<CompletionItem> {
    let sch = schema::schema();
    let m = sch.lookup(path);
    let model = a.model();
    let keys: Vec<&str> = path.keys().collect();
    let mut items = Vec::new();
    match m.pattern.as_str() {
        "services.*.resources[]" => {
            let listed: Vec<&str> = keys
                .get(1)
                .and_then(|s| model.service(s))
                .map(|s| s.resources.iter().map(|r| r.name.value.as_str()).collect())
                .unwrap_or_default();
            for (i, r) in model.resources.iter().enumerate() {
                if !listed.contains(&r.name.value.as_str()) || current_value(a, replace) == Some(r.name.value.as_str())
                {
                    items.push(value_item(
                        &r.name.value,
                        r.type_name().map(|t| format!("resource ({t})")),
                        CompletionKind::Reference,
                        replace,
                        i,
                    ));
                }
            }
        }
        "timers.*.service" | "balancers.*.service" | "budget.neverAutoShutdown[]" => {
            for (i, s) in model.services.iter().enumerate() {
                let what = if s.is_agent() { "DaemonSet" } else { "Deployment" };
                items.push(value_item(
                    &s.name.value,
                    Some(format!("service ({what})")),
                    CompletionKind::Reference,
                    replace,
                    i,
                ));
            }
        }
        "services.*.configMounts[].id" => {
            for (i, c) in model.configs.iter().enumerate() {
                if let Some(id) = &c.id {
                    items.push(value_item(
                        &id.value,
                        Some("config".to_string()),
                        CompletionKind::Reference,
                        replace,
                        i,
                    ));
                }
            }
        }
        "resources.*.type" => {
            for (i, (t, rt)) in sch.resource_types().enumerate() {
                items.push(value_item(
                    t,
                    Some(rt.summary.trim_end_matches('.').to_string()),
                    CompletionKind::Value,
                    replace,
                    i,
                ));
            }
        }
        "timers.*.schedule" => {
            for (i, (cron, meaning)) in [
                ("0 * * * *", "every hour, on the hour"),
                ("*/15 * * * *", "every 15 minutes"),
                ("*/5 * * * *", "every 5 minutes"),
                ("0 0 * * *", "every day at midnight UTC"),
                ("0 3 * * *", "every day at 03:00 UTC"),
                ("0 9 * * 1-5", "weekdays at 09:00 UTC"),
                ("0 0 * * 0", "every Sunday at midnight UTC"),
                ("0 0 1 * *", "the first of every month at midnight UTC"),
            ]
            .iter()
            .enumerate()
            {
                let mut item = value_item(cron, Some((*meaning).to_string()), CompletionKind::Value, replace, i);
                item.insert = format!("\"{cron}\"");
                items.push(item);
            }
        }
        "services.*.scale.count" | "services.*.scale" => {
            for (i, (v, meaning)) in [
                ("1", "one replica"),
                ("2", "two replicas, no autoscaling"),
                ("2-10", "2 to 10 replicas, autoscaled by an HPA"),
                ("0", "no pods: a template for timers"),
            ]
            .iter()
            .enumerate()
            {
                items.push(value_item(v, Some((*meaning).to_string()), CompletionKind::Value, replace, i));
            }
        }
        "services.*.port" | "services.*.health.port" | "services.*.liveness.port" => {
            for (i, (v, meaning)) in
                [("3000", "HTTP on 3000"), ("\"https:443\"", "HTTPS to the container"), ("\"grpc:50051\"", "gRPC")]
                    .iter()
                    .enumerate()
            {
                items.push(value_item(v, Some((*meaning).to_string()), CompletionKind::Value, replace, i));
            }
        }
        _ => {
            if let Some(doc) = m.doc {
                if doc.status.is_some() {
                    return items;
                }
                for (i, v) in doc.values.iter().enumerate() {
                    items.push(value_item(v, None, CompletionKind::Value, replace, i));
                }
                if doc.values.is_empty() && doc.accepts.contains(&Shape::Boolean) {
                    for (i, v) in ["true", "false"].iter().enumerate() {
                        let detail = doc.default.as_deref().filter(|d| d == v).map(|_| "the default".to_string());
                        items.push(value_item(v, detail, CompletionKind::Value, replace, i));
                    }
                }
            }
        }
    }
    items
}

fn current_value(a: &Analysis, range: TextRange) -> Option<&str> {
    (!range.is_empty()).then(|| a.text()[range.start..range.end].trim())
}

/// Inside `${...`: the declared environment names.
fn interpolation(a: &Analysis, offset: usize) -> Option<Vec<CompletionItem>> {
    let text = a.text();
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let open = before.rfind("${")?;
    if before[open..].contains('}') {
        return None;
    }
    let start = line_start + open + 2;
    let rest = &text[offset..];
    let end = rest.find(['}', '\n']).filter(|i| rest.as_bytes().get(*i) == Some(&b'}')).map_or(offset, |i| offset + i);
    let replace = TextRange::new(start, end);
    let m = a.model();
    let mut seen: Vec<&str> = Vec::new();
    let mut items = Vec::new();
    for e in m.environment.iter().chain(m.services.iter().flat_map(|s| s.environment.iter())) {
        let name = e.name.value.as_str();
        if name.is_empty() || name == "*" || seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let detail = match &e.default {
            Some(d) => format!("environment, default {}", d.value),
            None => "environment (required)".to_string(),
        };
        items.push(value_item(name, Some(detail), CompletionKind::Variable, replace, items.len()));
    }
    Some(items)
}
