//! What the knowledge base knows of each key: unknown keys (with "did you mean"), the YAML shape
//! Convox's decoders accept, allowed values, keys with no effect, duplicates.

use std::collections::HashMap;

use super::{Sink, UnknownKey, code, decoders};
use crate::ide::codes::Code;
use crate::ide::diagnostic::Fix;
use crate::schema::{self, KeyDoc, Shape, Status};
use crate::syntax::yaml::{Kind, Node, ScalarType, Style};
use crate::syntax::{KeyPath, Segment};
use crate::text::TextRange;

/// The YAML shape of a value as Convox's YAML library types it; `None` for what is not checked
/// (empty values, which Convox accepts anywhere, aliases, broken regions).
fn shape(node: &Node) -> Option<Shape> {
    match &node.kind {
        Kind::Map(_) => Some(Shape::Map),
        Kind::Seq(_) => Some(Shape::List),
        Kind::Scalar(s) => Some(match s.yaml11_type() {
            ScalarType::Null => return None,
            ScalarType::Bool => Shape::Boolean,
            ScalarType::Int => Shape::Integer,
            ScalarType::Float => Shape::Number,
            ScalarType::String => Shape::String,
        }),
        Kind::Alias(_) | Kind::Empty | Kind::Error => None,
    }
}

/// Whether Convox accepts a shape where the doc says `accepts`. yaml.v2 fills a string field from
/// any scalar, a float field from an integer and an integer field from a float (truncated); the
/// parts Convox decodes through JSON (`remarshalUsingKyaml`: `scale.autoscale`, `scale.keda`)
/// take no float for an integer.
fn accepted(doc: &KeyDoc, got: Shape, pattern: &str) -> bool {
    let a = &doc.accepts;
    let json = || pattern.contains(".scale.autoscale") || pattern.contains(".scale.keda");
    a.contains(&got)
        || (a.contains(&Shape::String) && matches!(got, Shape::Integer | Shape::Number | Shape::Boolean))
        || (a.contains(&Shape::Number) && got == Shape::Integer)
        || (a.contains(&Shape::Integer) && got == Shape::Number && !json())
}

fn shape_name(s: Shape) -> &'static str {
    match s {
        Shape::String => "a string",
        Shape::Integer => "an integer",
        Shape::Number => "a number",
        Shape::Boolean => "a boolean",
        Shape::Map => "a map",
        Shape::List => "a list",
        Shape::Null => "empty",
    }
}

/// Where the walk is: the keys and indices from the root, borrowed from the tree (a [`KeyPath`]
/// is built only for a message that names the path).
#[derive(Clone, Copy)]
pub(super) enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn last_key<'a>(path: &[Step<'a>]) -> &'a str {
    path.iter()
        .rev()
        .find_map(|s| match s {
            Step::Key(k) => Some(*k),
            Step::Index(_) => None,
        })
        .unwrap_or_default()
}

fn key_path(path: &[Step]) -> KeyPath {
    KeyPath(
        path.iter()
            .map(|s| match s {
                Step::Key(k) => Segment::Key((*k).to_string()),
                Step::Index(i) => Segment::Index(*i),
            })
            .collect(),
    )
}

/// Maps with more entries than this find their duplicates with a hash map; smaller ones (nearly
/// all of them) compare with the entries before.
const SMALL_MAP: usize = 16;

/// The nearest entry before `entries[i]` with the same key, if any (what a hash map of the
/// entries so far answers).
fn earlier<'a>(
    entries: &'a [crate::syntax::yaml::Entry],
    i: usize,
    key: &str,
) -> Option<&'a crate::syntax::yaml::Entry> {
    entries[..i].iter().rev().find(|e| e.key.as_str() == Some(key))
}

/// Checks `node` at `path`, whose schema pattern is `pattern` (a buffer the walk extends and cuts
/// back, so that stepping down allocates nothing).
pub(super) fn walk<'a>(node: &'a Node, path: &mut Vec<Step<'a>>, pattern: &mut String, sink: &mut Sink) {
    let sch = schema::schema();
    match &node.kind {
        Kind::Map(entries) => {
            let mut seen: HashMap<&str, (TextRange, &Node), schema::FxBuild> = HashMap::default();
            let small = entries.len() <= SMALL_MAP;
            for (i, e) in entries.iter().enumerate() {
                // Here `pattern` is the map's own pattern.
                let Some(key) = e.key.as_str() else {
                    if !e.key.is_empty() {
                        sink.add(
                            e.key.range,
                            Code::WrongType,
                            format!("keys must be strings, not {}", e.key.kind_name()),
                        );
                    }
                    continue;
                };
                if key == "<<" {
                    merge_key(node, e, pattern, sink);
                    continue;
                }
                let first = if small {
                    earlier(entries, i, key).map(|f| (f.key.range, &f.value))
                } else {
                    seen.insert(key, (e.key.range, &e.value))
                };
                if let Some((first, earlier)) = first {
                    let maps = earlier.as_map().is_some() && e.value.as_map().is_some();
                    duplicate(key, first, e.key.range, pattern, maps, sink);
                }
                // Said on the key; the body is still checked as the service Convox decodes it
                // (a wrong value in it fails the deploy), its section-like entries excepted.
                if pattern == "services" && super::services::misplaced_section(key, &e.value) {
                    misplaced(key, e.key.range, sink);
                }
                let len = pattern.len();
                sch.step_key(pattern, key);
                path.push(Step::Key(key));
                match sch.get(pattern) {
                    Some(doc) => {
                        // A service's walk may be the previous version's (`memo.rs`).
                        let service = path.len() == 2 && &pattern[..len] == "services";
                        let body = sink.memo.as_ref().filter(|_| service).and_then(|m| m.key(e.range));
                        let kept = body.is_some_and(|b| {
                            sink.memo.as_mut().is_some_and(|m| m.take(sink.text, b, e.range.start, &mut sink.out))
                        });
                        if !kept {
                            let before = sink.out.len();
                            check_value(&e.value, doc, key, pattern, e.key.range, sink);
                            walk(&e.value, path, pattern, sink);
                            if let (Some(b), Some(m)) = (body, sink.memo.as_mut()) {
                                m.keep(sink.text, b, e.range.start, &sink.out[before..]);
                            }
                        }
                        pattern.truncate(len);
                    }
                    None => {
                        pattern.truncate(len);
                        unknown_key(key, e, node, pattern, path, sink);
                    }
                }
                path.pop();
            }
        }
        Kind::Seq(items) => {
            let len = pattern.len();
            pattern.push_str("[]");
            let doc = sch.get(pattern);
            let key = last_key(path);
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                if let Some(doc) = doc {
                    check_value(item, doc, key, pattern, item.range, sink);
                }
                walk(item, path, pattern, sink);
                path.pop();
            }
            pattern.truncate(len);
        }
        _ => {}
    }
}

/// A merge key: its contents are checked where the anchor is; yaml.v2 takes only a map (or an
/// alias to one) or a list of them.
fn merge_key(map: &Node, e: &crate::syntax::yaml::Entry, parent_pattern: &str, sink: &mut Sink) {
    let mergeable = |n: &Node| matches!(n.kind, Kind::Map(_) | Kind::Alias(_));
    let ok = match &e.value.kind {
        Kind::Seq(items) => items.iter().all(mergeable),
        _ => mergeable(&e.value) || e.value.is_empty(),
    };
    if !ok {
        let message = decoders::go_words(
            "`<<` merges a map (an alias to one) or a list of them",
            "yaml: map merge requires map or sequence of maps as the value",
        );
        sink.add(e.value.range, Code::WrongType, message);
    } else if !crate::model::decode::merges_apply(parent_pattern)
        && e.key.as_scalar().is_some_and(|s| s.style == crate::syntax::yaml::Style::Plain)
    {
        let message = crate::model::decode::merge_note(parent_pattern);
        let fix = super::merge_fix::inline(sink.text, sink.root, map, e);
        sink.add_maybe_fix(e.key.range, Code::DroppedMerge, message, fix);
    }
}

fn duplicate(key: &str, first: TextRange, at: TextRange, parent_pattern: &str, maps: bool, sink: &mut Sink) {
    let line = sink.line_of(first.start);
    let what = crate::model::decode::explain(parent_pattern, key, maps);
    let message = if schema::NAMED_SECTIONS.contains(&parent_pattern) {
        format!("{} is declared twice (first on line {line}): {what}", code(key))
    } else {
        format!("duplicate key {} (first on line {line}): {what}", code(key))
    };
    sink.add(at, Code::DuplicateKey, message);
}

fn misplaced(key: &str, at: TextRange, sink: &mut Sink) {
    let message = format!(
        "{} is indented under `services:`: Convox reads it as a service named {}, which deploys; move it to the top level (no indentation)",
        code(key),
        code(key)
    );
    sink.add(at, Code::MisplacedSection, message);
}

fn unknown_key(
    key: &str,
    e: &crate::syntax::yaml::Entry,
    map: &Node,
    parent_pattern: &str,
    path: &[Step],
    sink: &mut Sink,
) {
    let boolean = e.value.as_scalar().is_some_and(|s| s.yaml11_type() == ScalarType::Bool);
    // The entries of a section indented under `services:` (`misplaced-section` says so).
    if parent_pattern == "services.*"
        && path.get(1).is_some_and(|s| matches!(s, Step::Key(n) if super::services::misplaced_section(n, map)))
    {
        return;
    }
    let found = sink
        .unknown
        .entry((parent_pattern.to_string(), key.to_string(), boolean))
        .or_insert_with(|| {
            let sch = schema::schema();
            let siblings: Vec<&'static str> =
                sch.children(parent_pattern).map(|(k, _, _)| k).filter(|k| *k != "*").collect();
            // Free-form maps (labels, nodeSelectorLabels, options of an unknown type ...) take any key.
            let free_form = siblings.is_empty() || (!parent_pattern.is_empty() && sch.get(parent_pattern).is_none());
            let best = if free_form { None } else { schema::suggest(key, &siblings, boolean) };
            // Keys that exist elsewhere: say where they belong.
            let hint = if free_form { None } else { known_elsewhere(key, parent_pattern) };
            UnknownKey { free_form, best, hint }
        })
        .clone();
    if found.free_form {
        return;
    }
    let mut parent = key_path(path);
    parent.0.pop();
    let where_ =
        if parent.is_empty() { "at the top level".to_string() } else { format!("under {}", code(&parent.to_string())) };
    let mut message = format!("unknown key {} {where_}: Convox ignores it", code(key));
    // A one-letter typo of a sibling (`internal` under `health` → `interval`) is the likelier
    // mistake than a key of another map.
    let typo = found.best.filter(|b| strsim::levenshtein(key, b) <= 1);
    let hint = found.hint.as_ref().filter(|_| typo.is_none());
    if let Some(h) = hint {
        message.push_str(&format!(" ({h})"));
    }
    match found.best {
        Some(s) if hint.is_none() => {
            message.push_str(&format!("; did you mean {}?", code(s)));
            let fix = typo_fix(key, s, e, map, sink.text);
            sink.add_maybe_fix(e.key.range, Code::UnknownKey, message, fix);
        }
        _ => sink.add(e.key.range, Code::UnknownKey, message),
    }
}

/// Renaming a misspelt key to the key meant, unless that key is already in the map: renaming
/// would then write it twice (and Convox would read the last one). The misspelt line is then
/// removed instead, which Convox reads as before (it ignores the unknown key), when it is alone on
/// its line; otherwise there is no fix.
fn typo_fix(key: &str, meant: &str, e: &crate::syntax::yaml::Entry, map: &Node, text: &str) -> Option<Fix> {
    if map.get(meant).is_none() {
        return Some(Fix { title: format!("Rename to `{meant}`"), edits: vec![(e.key.range, meant.to_string())] });
    }
    let edit = super::fixes::remove_line(text, map, e)?;
    Some(Fix { title: format!("Remove the misspelt `{key}` line (`{meant}` is already set)"), edits: vec![edit] })
}

/// Where a misplaced key belongs, for the keys users put in the wrong place most.
fn known_elsewhere(key: &str, parent: &str) -> Option<String> {
    let sch = schema::schema();
    let candidates: Vec<String> = sch
        .keys()
        .filter_map(|(p, _)| {
            let (par, last) = p.rsplit_once('.')?;
            (last == key && par != parent && par.starts_with(parent.split('.').next().unwrap_or("")))
                .then(|| p.to_string())
        })
        .collect();
    match (parent, key) {
        ("services.*", "memory" | "cpu") => Some(format!("it belongs under `scale`: `scale.{key}`")),
        ("services.*.build", "context") => Some("Convox's build has `path`, not `context`".to_string()),
        _ if candidates.len() == 1 => {
            Some(format!("it is a key of `{}`", candidates[0].rsplit_once('.').map_or("", |x| x.0)))
        }
        _ => None,
    }
}

fn check_value(value: &Node, doc: &KeyDoc, key: &str, pattern: &str, key_range: TextRange, sink: &mut Sink) {
    match doc.status {
        Some(Status::Removed) => {
            if !sink.legacy {
                sink.add(key_range, Code::NoEffect, format!("{} is not a Convox v3 key: it is ignored", code(key)));
            }
            return;
        }
        Some(Status::NoEffect) => {
            // Said once, on the outermost key (`params`, not each of its entries).
            let parent = pattern.rsplit_once(['.', '[']).map_or("", |(p, _)| p);
            let parent_said = schema::schema().get(parent).is_some_and(|d| d.status.is_some());
            if !parent_said {
                sink.add(key_range, Code::NoEffect, format!("{} has no effect in Convox v3", code(key)));
            }
        }
        _ => {}
    }
    // `${VAR}` is replaced before Convox reads the YAML: the value's type is not known here.
    if sink.interpolated && sink.text[value.range.start..value.range.end].contains("${") {
        return;
    }
    let got = shape(value);
    if decoded(value, got, None, pattern, key_range, sink) {
        return;
    }
    string_members(value, doc, pattern, sink);
    let Some(got) = got else { return };
    // Convox flattens nested lists of environment entries and drops, without a word, an entry
    // that is not a string (a map, a number, a boolean).
    if pattern.ends_with("environment[]") && got != Shape::String {
        if got != Shape::List {
            sink.add(
                value.range,
                Code::NoEffect,
                format!(
                    "an environment entry must be `KEY` or `KEY=value`, not {}: Convox drops it silently (quote it)",
                    shape_name(got)
                ),
            );
        }
        return;
    }
    if !accepted(doc, got, pattern) {
        let (message, fix) = wrong_type_message(key, pattern, value, doc, got);
        sink.add_maybe_fix(value.range, Code::WrongType, message, fix);
        return;
    }
    if let (false, Some(s)) = (doc.values.is_empty(), value.as_scalar()) {
        super::values::check(key, pattern, value, s.value.as_str(), doc, sink);
    }
    if pattern == "resources.*.options.version" && value.as_scalar().is_some_and(|s| s.style == Style::Plain) {
        let raw = &sink.text[value.range.start..value.range.end];
        if matches!(crate::syntax::yaml::yaml11_type(raw), ScalarType::Float) {
            let normalised = raw.parse::<f64>().map(|f| f.to_string()).unwrap_or_default();
            let fix = Fix { title: format!("Quote as \"{raw}\""), edits: vec![(value.range, format!("\"{raw}\""))] };
            sink.add_fix(
                value.range,
                Code::UnquotedVersion,
                format!("unquoted decimal version {raw}: Convox reads it as a number and passes \"{normalised}\"; quote it: \"{raw}\""),
                fix,
            );
        }
    }
}

/// A `[]string` or `map[string]string` field (`type: list of strings`, `map of strings`) whose
/// members the knowledge base does not describe: yaml.v2 fails on a list or a map among them.
fn string_members(value: &Node, doc: &KeyDoc, pattern: &str, sink: &mut Sink) {
    let sch = schema::schema();
    let members: Vec<&Node> = match &value.kind {
        // A service's annotations take maps too (`invalid-annotation`, yaml.go:163).
        _ if pattern.ends_with("nnotations") && pattern.starts_with("services.") => return,
        Kind::Seq(items) if string_list(&doc.ty) && !sch.has_items(pattern) => items.iter().collect(),
        Kind::Map(entries) if doc.ty.starts_with("map of string") => entries.iter().map(|e| &e.value).collect(),
        _ => return,
    };
    for m in members {
        let tag = match m.kind {
            Kind::Seq(_) => "!!seq",
            Kind::Map(_) => "!!map",
            _ => continue,
        };
        sink.add(
            m.range,
            Code::WrongType,
            decoders::go_words(
                "each item must be a string",
                format!("yaml: unmarshal errors: cannot unmarshal {tag} into string"),
            ),
        );
    }
}

/// A `type` that is a list of plain strings: `list of strings`, `list of "key=value" strings`,
/// `list of service names`.
fn string_list(ty: &str) -> bool {
    ty.starts_with("list of") && (ty.contains("string") || ty.ends_with("names"))
}

/// Convox's own decoders (`decoders.rs`): `true` when they decided (an error, a warning, or the
/// value is fine and the schema's shapes must not be asked).
fn decoded(
    value: &Node,
    got: Option<Shape>,
    parent: Option<&Node>,
    pattern: &str,
    key_range: TextRange,
    sink: &mut Sink,
) -> bool {
    if let Some(sw) = decoders::switch(pattern) {
        // A null value is never decoded, except as an item of a list whose decoder reads the
        // items itself (`domain`, `whitelist`: yaml.go:276, 93); a `ports` item's own decoder is
        // not called for null.
        let null_item = got.is_none() && parent.is_some() && pattern.ends_with("[]") && value.is_empty();
        if got.is_none() && !null_item {
            return true;
        }
        if got.is_some_and(|g| sw.accepts.contains(&g)) {
            inner_switches(value, pattern, key_range, sink);
            return false; // the schema's own checks go on (values, sub-keys)
        }
        if pattern == "services.*.agent" && got == Some(Shape::Map) {
            let (message, fix) = agent_map(value, key_range, sink);
            sink.add_maybe_fix(value.range, Code::AgentPorts, message, fix);
            return true;
        }
        sink.add(value.range, Code::WrongType, decoders::message(sw, pattern, got, value, parent));
        return true;
    }
    let (Some((kept, line)), Some(g)) = (decoders::assertion(pattern), got) else { return false };
    let whole = pattern.ends_with(".min") || pattern.ends_with(".max");
    let kept_float = whole && g == Shape::Number && decoders::whole_float(value);
    if !kept.contains(&g) && !kept_float {
        let key = sink.text[key_range.start..key_range.end].to_string();
        sink.add(
            value.range,
            Code::IgnoredValue,
            format!(
                "Convox ignores this value: {} must be {}, not {} (pkg/manifest/{line}); the default is used",
                code(&key),
                kept.iter().map(|k| shape_name(*k)).collect::<Vec<_>>().join(" or "),
                shape_name(g)
            ),
        );
    }
    true
}

/// The items and entries a decoder switches on that the knowledge base has no key for
/// (`domain` items, `whitelist` items, `scale.count.min`).
fn inner_switches(value: &Node, pattern: &str, key_range: TextRange, sink: &mut Sink) {
    let sch = schema::schema();
    let mut child = String::with_capacity(pattern.len() + 16);
    child.push_str(pattern);
    match &value.kind {
        Kind::Seq(items) => {
            child.push_str("[]");
            if sch.get(&child).is_none() && decoders::switch(&child).is_some() {
                for item in items {
                    decoded(item, shape(item), Some(value), &child, key_range, sink);
                }
            }
        }
        Kind::Map(entries) => {
            child.push('.');
            let base = child.len();
            for e in entries {
                let Some(k) = e.key.as_str() else { continue };
                child.truncate(base);
                child.push_str(k);
                if sch.get(&child).is_none() && decoders::switch(&child).is_some() {
                    decoded(&e.value, shape(&e.value), Some(value), &child, e.key.range, sink);
                }
            }
        }
        _ => {}
    }
}

/// `agent` as a map (Convox v2): Convox's message, and `agent: true` as the fix.
fn agent_map(value: &Node, key_range: TextRange, sink: &Sink) -> (String, Option<Fix>) {
    let enabled = value.get("enabled").and_then(|e| e.value.as_str()).unwrap_or("true");
    // Only a boolean becomes `agent: <it>` (anything else would not read back as one).
    let boolean = crate::syntax::yaml::yaml11_type(enabled) == ScalarType::Bool;
    // From the key's end: `agent:\n  enabled: true` becomes `agent: true`; the v2 agent's ports
    // move to the service's `ports:` (v3's place for them), unless the service has some.
    let end = sink.trim(value.range).end;
    let mut text = format!(": {enabled}");
    let ports = value.get("ports").and_then(|p| p.value.as_seq()).unwrap_or_default();
    let service = sink
        .root
        .get("services")
        .and_then(|s| s.value.as_map())
        .and_then(|svcs| svcs.iter().find(|s| s.value.range.contains_inclusive(key_range.start)));
    let service_has_ports = service.is_some_and(|s| s.value.get("ports").is_some());
    // Lines added inside a flow map (`web: {agent: {...}}`) would break it.
    let in_flow = service.is_none_or(|s| s.value.flow);
    if !ports.is_empty() && !service_has_ports {
        let line_start = sink.text[..key_range.start].rfind('\n').map_or(0, |i| i + 1);
        let indent = " ".repeat(key_range.start - line_start);
        text.push_str(&format!("\n{indent}ports:"));
        for p in ports {
            text.push_str(&format!("\n{indent}  - {}", &sink.text[p.range.start..p.range.end]));
        }
    }
    let moves_ports = !ports.is_empty() && !service_has_ports;
    let fix = (boolean && !(moves_ports && in_flow)).then(|| Fix {
        title: format!("Write `agent: {enabled}`"),
        edits: vec![(TextRange::new(key_range.end, end), text)],
    });
    let message = format!(
        "agent ports are now specified at the service level (the map form is Convox v2): write `agent: {enabled}`"
    );
    (message, fix)
}

/// yaml.v2's words for a value its plain struct field cannot take
/// (`yaml: unmarshal errors: cannot unmarshal !!str `abc` into int`).
fn yaml_v2_error(value: &Node, doc: &KeyDoc, got: Shape) -> String {
    let into = match doc.accepts.first() {
        Some(Shape::Integer) => "int",
        Some(Shape::Number) => "float64",
        Some(Shape::Boolean) => "bool",
        Some(Shape::List) => "[]string",
        Some(Shape::Map) => "map[string]string",
        _ => "string",
    };
    format!("yaml: unmarshal errors: cannot unmarshal {} into {into}", decoders::yaml_tag(got, value))
}

fn wrong_type_message(key: &str, pattern: &str, value: &Node, doc: &KeyDoc, got: Shape) -> (String, Option<Fix>) {
    let base = format!("{} must be {}, not {}", code(key), doc.ty, shape_name(got));
    match (pattern, &value.kind) {
        ("services.*.command" | "timers.*.command" | "services.*.initContainer.command", Kind::Seq(items)) => {
            let words: Vec<String> =
                items.iter().filter_map(|i| i.as_str()).map(|w| shell_words::quote(w).into_owned()).collect();
            // Every item a string, or the joined command would silently drop one.
            let fix = (words.len() == items.len()).then(|| Fix {
                title: "Write the command as one string".to_string(),
                edits: vec![(value.range, super::fixes::scalar(&words.join(" "), true))],
            });
            (
                decoders::go_words(
                    format!("{base}: write the command as one string"),
                    "yaml: unmarshal errors: cannot unmarshal !!seq into string",
                ),
                fix,
            )
        }
        ("services.*.ports", _) | ("services.*.ports[]", Kind::Map(_)) => {
            (format!("{base}: the map form `{{port, protocol}}` is rejected (invalid port); write `- 8125/udp`"), None)
        }
        ("environment" | "services.*.environment", Kind::Map(_)) => (
            decoders::go_words(
                format!("{base}: write a list of `KEY=value`"),
                "unknown type for service environment: map[interface {}]interface {}",
            ),
            None,
        ),
        ("labels" | "services.*.labels", Kind::Seq(_)) => (format!("{base}: write labels as a map `key: value`"), None),
        _ => (decoders::go_words(base, yaml_v2_error(value, doc, got)), None),
    }
}
