//! Validation: the knowledge base checks every key and value it knows (unknown keys, shapes,
//! allowed values, keys with no effect), then Convox's own rules that span keys (names, references,
//! ranges, schedules ...). Messages are Convox's own where Convox prints one.

use std::collections::HashMap;

use super::Analysis;
use super::diagnostics::{Diagnostic, Fix, Severity};
use crate::model::{self, Manifest, Spanned};
use crate::schema::{self, KeyDoc, Shape, Status};
use crate::syntax::yaml::{Kind, Node, ScalarType, Style};
use crate::syntax::{KeyPath, Segment};
use crate::text::TextRange;

struct Sink<'a> {
    text: &'a str,
    out: Vec<Diagnostic>,
    /// What `unknown_key` found for a (parent pattern, key, boolean value): the same typo in 500
    /// services is looked up once.
    unknown: HashMap<(String, String, bool), UnknownKey, schema::FxBuild>,
}

/// The words for an unknown key: none when its map takes any key, else a close sibling and where
/// the key belongs instead.
#[derive(Clone)]
struct UnknownKey {
    free_form: bool,
    best: Option<&'static str>,
    hint: Option<String>,
}

impl Sink<'_> {
    fn push(&mut self, range: TextRange, severity: Severity, code: &'static str, message: String) {
        let range = self.trim(range);
        self.out.push(Diagnostic { range, severity, code, message, fix: None });
    }

    fn push_fix(&mut self, range: TextRange, severity: Severity, code: &'static str, message: String, fix: Fix) {
        let range = self.trim(range);
        self.out.push(Diagnostic { range, severity, code, message, fix: Some(fix) });
    }

    /// A block node's range runs to the next line: point at its text only.
    fn trim(&self, r: TextRange) -> TextRange {
        let s = &self.text[r.start..r.end];
        let t = s.trim_end();
        if t.is_empty() { r } else { TextRange::new(r.start, r.start + t.len()) }
    }

    fn error(&mut self, range: TextRange, code: &'static str, message: String) {
        self.push(range, Severity::Error, code, message);
    }

    fn warn(&mut self, range: TextRange, code: &'static str, message: String) {
        self.push(range, Severity::Warning, code, message);
    }
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

pub(super) fn validate(a: &Analysis) -> Vec<Diagnostic> {
    let mut sink = Sink { text: a.text(), out: Vec::new(), unknown: HashMap::default() };
    let root = a.parse().root();
    match &root.kind {
        Kind::Map(_) => walk(root, &mut KeyPath::default(), "", &mut sink),
        Kind::Empty | Kind::Error | Kind::Alias(_) => {}
        _ if root.is_null() => {}
        _ => sink.error(
            root.range,
            "wrong-type",
            format!("convox.yml must be a map of sections (`services:`, `resources:` ...), not {}", root.kind_name()),
        ),
    }
    if a.parse().documents.len() > 1 {
        for doc in &a.parse().documents[1..] {
            if !doc.is_empty() {
                sink.warn(
                    doc.range,
                    "extra-document",
                    "Convox reads only the first YAML document of convox.yml: this one is ignored".to_string(),
                );
            }
        }
    }
    rules(a.model(), root, &mut sink);
    interpolation(a, &mut sink);
    sink.out
}

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
/// any scalar, and a float field from an integer.
fn accepted(doc: &KeyDoc, got: Shape) -> bool {
    let a = &doc.accepts;
    a.contains(&got)
        || (a.contains(&Shape::String) && matches!(got, Shape::Integer | Shape::Number | Shape::Boolean))
        || (a.contains(&Shape::Number) && got == Shape::Integer)
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

fn last_key(path: &KeyPath) -> String {
    path.keys().last().unwrap_or_default().to_string()
}

/// Checks `node` at `path`, whose schema pattern is `pattern`.
fn walk(node: &Node, path: &mut KeyPath, pattern: &str, sink: &mut Sink) {
    let sch = schema::schema();
    match &node.kind {
        Kind::Map(entries) => {
            let mut seen: HashMap<&str, TextRange, schema::FxBuild> = HashMap::default();
            let parent_pattern = pattern;
            for e in entries {
                let Some(key) = e.key.as_str() else {
                    if !e.key.is_empty() {
                        sink.error(
                            e.key.range,
                            "wrong-type",
                            format!("keys must be strings, not {}", e.key.kind_name()),
                        );
                    }
                    continue;
                };
                if key == "<<" {
                    continue; // a merge key: its contents are checked where the anchor is
                }
                if let Some(first) = seen.insert(key, e.key.range) {
                    let named = schema::NAMED_SECTIONS.contains(&parent_pattern);
                    let line = sink.text[..first.start].matches('\n').count() + 1;
                    let message = if named {
                        format!(
                            "{} is declared twice (first on line {line}): Convox keeps both entries, which then collide",
                            code(key)
                        )
                    } else {
                        format!("duplicate key {} (first on line {line}): Convox uses the last one", code(key))
                    };
                    sink.warn(e.key.range, "duplicate-key", message);
                }
                let seg = Segment::Key(key.to_string());
                let child = sch.step(parent_pattern, &seg);
                path.0.push(seg);
                match sch.get(&child) {
                    Some(doc) => {
                        check_value(&e.value, doc, path, &child, e.key.range, sink);
                        walk(&e.value, path, &child, sink);
                    }
                    None => unknown_key(key, e, parent_pattern, path, sink),
                }
                path.0.pop();
            }
        }
        Kind::Seq(items) => {
            let child = sch.step(pattern, &Segment::Index(0));
            let doc = sch.get(&child);
            for (i, item) in items.iter().enumerate() {
                path.0.push(Segment::Index(i));
                if let Some(doc) = doc {
                    check_value(item, doc, path, &child, item.range, sink);
                }
                walk(item, path, &child, sink);
                path.0.pop();
            }
        }
        _ => {}
    }
}

fn unknown_key(key: &str, e: &crate::syntax::yaml::Entry, parent_pattern: &str, path: &KeyPath, sink: &mut Sink) {
    let boolean = e.value.as_scalar().is_some_and(|s| s.yaml11_type() == ScalarType::Bool);
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
    let mut parent = path.clone();
    parent.0.pop();
    let where_ =
        if parent.is_empty() { "at the top level".to_string() } else { format!("under {}", code(&parent.to_string())) };
    let mut message = format!("unknown key {} {where_}: Convox ignores it", code(key));
    if let Some(h) = &found.hint {
        message.push_str(&format!(" ({h})"));
    }
    match found.best {
        Some(s) if found.hint.is_none() => {
            message.push_str(&format!("; did you mean {}?", code(s)));
            let fix = Fix { title: format!("Rename to `{s}`"), edits: vec![(e.key.range, s.to_string())] };
            sink.push_fix(e.key.range, Severity::Warning, "unknown-key", message, fix);
        }
        _ => sink.warn(e.key.range, "unknown-key", message),
    }
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
        ("services.*.health", "internal") => Some("`internal` is a service key, not a health key".to_string()),
        _ if candidates.len() == 1 => {
            Some(format!("it is a key of `{}`", candidates[0].rsplit_once('.').map_or("", |x| x.0)))
        }
        _ => None,
    }
}

fn check_value(value: &Node, doc: &KeyDoc, path: &KeyPath, pattern: &str, key_range: TextRange, sink: &mut Sink) {
    let key = last_key(path);
    match doc.status {
        Some(Status::Removed) => {
            sink.warn(key_range, "no-effect", format!("{} is not a Convox v3 key: it is ignored", code(&key)));
            return;
        }
        Some(Status::NoEffect) => {
            // Said once, on the outermost key (`params`, not each of its entries).
            let parent = pattern.rsplit_once(['.', '[']).map_or("", |(p, _)| p);
            let parent_said = schema::schema().get(parent).is_some_and(|d| d.status.is_some());
            if !parent_said {
                sink.warn(key_range, "no-effect", format!("{} has no effect in Convox v3", code(&key)));
            }
        }
        _ => {}
    }
    let Some(got) = shape(value) else { return };
    // `${VAR}` is replaced before Convox reads the YAML: the value's type is not known here.
    if sink.text[value.range.start..value.range.end].contains("${") {
        return;
    }
    // Convox flattens nested lists of environment entries and drops, without a word, an entry
    // that is not a string (a map, a number, a boolean).
    if pattern.ends_with("environment[]") && got != Shape::String {
        if got != Shape::List {
            sink.warn(
                value.range,
                "no-effect",
                format!(
                    "an environment entry must be `KEY` or `KEY=value`, not {}: Convox drops it silently (quote it)",
                    shape_name(got)
                ),
            );
        }
        return;
    }
    if !accepted(doc, got) {
        let (message, fix) = wrong_type_message(&key, pattern, value, doc, got, key_range, sink);
        match fix {
            Some(f) => sink.push_fix(value.range, Severity::Error, "wrong-type", message, f),
            None => sink.error(value.range, "wrong-type", message),
        }
        return;
    }
    if let (false, Some(s)) = (doc.values.is_empty(), value.as_scalar()) {
        check_enum(&key, pattern, value, s.value.as_str(), doc, sink);
    }
    if pattern == "resources.*.options.version" && value.as_scalar().is_some_and(|s| s.style == Style::Plain) {
        let raw = &sink.text[value.range.start..value.range.end];
        if matches!(crate::syntax::yaml::yaml11_type(raw), ScalarType::Float) {
            let normalised = raw.parse::<f64>().map(|f| f.to_string()).unwrap_or_default();
            let fix = Fix { title: format!("Quote as \"{raw}\""), edits: vec![(value.range, format!("\"{raw}\""))] };
            sink.push_fix(
                value.range,
                Severity::Warning,
                "unquoted-version",
                format!("unquoted decimal version {raw}: Convox reads it as a number and passes \"{normalised}\"; quote it: \"{raw}\""),
                fix,
            );
        }
    }
}

fn wrong_type_message(
    key: &str,
    pattern: &str,
    value: &Node,
    doc: &KeyDoc,
    got: Shape,
    key_range: TextRange,
    sink: &Sink,
) -> (String, Option<Fix>) {
    let base = format!("{} must be {}, not {}", code(key), doc.ty, shape_name(got));
    match (pattern, &value.kind) {
        ("services.*.agent", Kind::Map(_)) => {
            let enabled = value.get("enabled").and_then(|e| e.value.as_str()).unwrap_or("true");
            // From the key's end: `agent:\n  enabled: true` becomes `agent: true`.
            let end = sink.trim(value.range).end;
            let fix = Fix {
                title: format!("Write `agent: {enabled}`"),
                edits: vec![(TextRange::new(key_range.end, end), format!(": {enabled}"))],
            };
            (format!("could not parse agent: write `agent: {enabled}` (the map form is Convox v2)"), Some(fix))
        }
        ("services.*.command" | "timers.*.command" | "services.*.initContainer.command", Kind::Seq(items)) => {
            let words: Vec<String> =
                items.iter().filter_map(|i| i.as_str()).map(|w| shell_words::quote(w).into_owned()).collect();
            let joined = words.join(" ");
            let quoted = if joined.contains(['"', ':', '#', '\'']) {
                format!("'{}'", joined.replace('\'', "''"))
            } else {
                joined
            };
            let fix = Fix { title: "Write the command as one string".to_string(), edits: vec![(value.range, quoted)] };
            (
                format!(
                    "{base}: Convox rejects a list here (cannot unmarshal !!seq into string); write the command as one string"
                ),
                Some(fix),
            )
        }
        ("services.*.ports", _) | ("services.*.ports[]", Kind::Map(_)) => {
            (format!("{base}: the map form `{{port, protocol}}` is rejected (invalid port); write `- 8125/udp`"), None)
        }
        ("environment" | "services.*.environment", Kind::Map(_)) => (
            format!(
                "{base}: unknown type for service environment: map[interface {{}}]interface {{}}; write a list of `KEY=value`"
            ),
            None,
        ),
        ("labels" | "services.*.labels", Kind::Seq(_)) => (format!("{base}: write labels as a map `key: value`"), None),
        _ => (format!("{base}: Convox rejects the manifest"), None),
    }
}

fn check_enum(key: &str, pattern: &str, value: &Node, v: &str, doc: &KeyDoc, sink: &mut Sink) {
    let allowed = |x: &str| doc.values.iter().any(|a| a == x);
    let list = doc.values.iter().map(|x| code(x)).collect::<Vec<_>>().join(", ");
    match pattern {
        "timers.*.concurrency" => {
            // Convox capitalises the first letter and leaves the rest.
            let rendered = model::concurrency_policy(v);
            if !allowed(&rendered) {
                let fixed = doc.values.iter().find(|a| a.eq_ignore_ascii_case(v));
                let message = format!(
                    "concurrency {} becomes `concurrencyPolicy: {rendered}`, which Kubernetes rejects at promote: use one of {list}",
                    code(v)
                );
                match fixed {
                    Some(f) => {
                        let fix = Fix { title: format!("Write `{f}`"), edits: vec![(value.range, f.clone())] };
                        sink.push_fix(value.range, Severity::Error, "invalid-value", message, fix);
                    }
                    None => sink.error(value.range, "invalid-value", message),
                }
            }
        }
        "services.*.scale.vpa.updateMode" => {
            let ok = doc.values.iter().any(|a| a.eq_ignore_ascii_case(v)) || v.eq_ignore_ascii_case("false");
            if !ok {
                sink.error(
                    value.range,
                    "invalid-value",
                    format!("vpa.updateMode must be one of these values: Off, Initial, Recreate (got {})", code(v)),
                );
            }
        }
        "services.*.scale.gpu.vendor" => {
            if !matches!(v, "nvidia" | "nvidia.com" | "amd" | "amd.com") {
                sink.warn(
                    value.range,
                    "invalid-value",
                    format!("gpu vendor {} is not nvidia or amd: Convox uses nvidia", code(v)),
                );
            }
        }
        "resources.*.type" => {
            if !allowed(v) {
                let best = doc
                    .values
                    .iter()
                    .map(|a| (strsim::jaro_winkler(v, a), a))
                    .filter(|(s, _)| *s > 0.75)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, a)| a.clone());
                let mut message = format!(
                    "unknown resource type {}: the promote fails (open resource/{v}.yml.tmpl: file does not exist)",
                    code(v)
                );
                match best {
                    Some(b) => {
                        message.push_str(&format!("; did you mean {}?", code(&b)));
                        let fix = Fix { title: format!("Write `{b}`"), edits: vec![(value.range, b)] };
                        sink.push_fix(value.range, Severity::Error, "unknown-resource-type", message, fix);
                    }
                    None => {
                        message.push_str(&format!("; one of {list}"));
                        sink.error(value.range, "unknown-resource-type", message);
                    }
                }
            }
        }
        "budget.shutdownOrder" | "budget.recoveryMode" if matches!(v, "priority-annotation" | "scheduled") => {}
        // Convox's own message for it comes from the securityContext rules.
        "services.*.securityContext.seccompProfile" if v == "Localhost" => {}
        "budget.atCapAction" | "budget.shutdownOrder" | "budget.recoveryMode" => {
            if !allowed(v) {
                let quoted = doc.values.iter().map(|x| format!("\"{x}\"")).collect::<Vec<_>>().join(", ");
                sink.error(value.range, "invalid-value", format!("{} must be one of {quoted}; got \"{v}\"", pattern));
            }
        }
        _ => {
            if !allowed(v) {
                let fixed = doc.values.iter().find(|a| a.eq_ignore_ascii_case(v)).cloned();
                let message = format!("{} must be one of {list}, not {}", code(key), code(v));
                match fixed {
                    Some(f) => {
                        let fix = Fix { title: format!("Write `{f}`"), edits: vec![(value.range, f)] };
                        sink.push_fix(value.range, Severity::Error, "invalid-value", message, fix);
                    }
                    None => sink.error(value.range, "invalid-value", message),
                }
            }
        }
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A name fixed to Convox's rule: lower case, `_` and other characters as `-`.
fn fixed_name(name: &str) -> String {
    let mut s: String =
        name.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    while s.starts_with(|c: char| !c.is_ascii_lowercase()) && !s.is_empty() {
        s.remove(0);
    }
    s
}

/// The rules that span keys, on the typed model.
fn rules(m: &Manifest, root: &Node, sink: &mut Sink) {
    // Names.
    for (what, names) in [
        ("service", m.services.iter().map(|s| &s.name).collect::<Vec<_>>()),
        ("resource", m.resources.iter().map(|r| &r.name).collect()),
        ("timer", m.timers.iter().map(|t| &t.name).collect()),
    ] {
        for n in names {
            if !valid_name(&n.value) {
                let message =
                    format!("{what} name {} invalid, must contain only lowercase alphanumeric and dashes", n.value);
                let fixed = fixed_name(&n.value);
                if what == "service" && !fixed.is_empty() && fixed != n.value {
                    let mut edits = vec![(n.range, fixed.clone())];
                    edits.extend(service_references(m, &n.value).into_iter().map(|r| (r, fixed.clone())));
                    let fix = Fix { title: format!("Rename service to `{fixed}` (and its references)"), edits };
                    sink.push_fix(n.range, Severity::Error, "invalid-name", message, fix);
                } else {
                    sink.error(n.range, "invalid-name", message);
                }
            }
        }
    }

    // Resources.
    let mut by_k8s: HashMap<String, &Spanned<String>> = HashMap::new();
    for r in &m.resources {
        match &r.kind {
            None => sink.error(r.name.range, "missing-type", format!("resource \"{}\" has blank type", r.name.value)),
            Some(k) if k.value.is_empty() => {
                sink.error(k.range, "missing-type", format!("resource \"{}\" has blank type", r.name.value))
            }
            _ => {}
        }
        let k8s = r.k8s_name();
        if let Some(first) = by_k8s.get(&k8s)
            && first.value != r.name.value
        {
            sink.warn(
                r.name.range,
                "resource-name-collision",
                format!(
                    "resources {} and {} both become `resource-{k8s}` in Kubernetes (Convox drops digits): their objects collide",
                    code(&first.value),
                    code(&r.name.value)
                ),
            );
        } else {
            by_k8s.insert(k8s, &r.name);
        }
        if let Some(t) = r.type_name()
            && (t.starts_with("rds-") || t.starts_with("elasticache-"))
        {
            if r.name.value.len() > 20 {
                sink.error(
                    r.name.range,
                    "name-too-long",
                    format!(
                        "{} resource name must not excced 20 char limit ({} has {})",
                        if t.starts_with("rds-") { "rds" } else { "elasticache" },
                        r.name.value,
                        r.name.value.len()
                    ),
                );
            }
            if let Some(rt) = schema::schema().resource_type(t) {
                for req in &rt.required_options {
                    let has = r.options.iter().any(|o| {
                        o.key.value.eq_ignore_ascii_case(req)
                            || (req == "class" && o.key.value.eq_ignore_ascii_case("instance"))
                    });
                    if !has {
                        sink.error(
                            r.name.range,
                            "missing-option",
                            format!(
                                "{t} resource {} needs `options.{req}`: the promote fails without it",
                                r.name.value
                            ),
                        );
                    }
                }
            }
        }
        if !m.services.iter().any(|s| s.resources.iter().any(|x| x.name.value == r.name.value)) {
            sink.push(
                r.name.range,
                Severity::Hint,
                "unused-resource",
                format!("no service links resource {}: nothing reads it", code(&r.name.value)),
            );
        }
    }

    // Services.
    for s in &m.services {
        for r in &s.resources {
            if m.resource(&r.name.value).is_none() && !r.name.value.is_empty() {
                let fix = add_resource_stub(root, &r.name.value, sink.text)
                    .map(|edits| Fix { title: format!("Declare resource `{}`", r.name.value), edits });
                let message =
                    format!("service {} references a resource that does not exist: {}", s.name.value, r.name.value);
                match fix {
                    Some(f) => sink.push_fix(r.name.range, Severity::Error, "undefined-resource", message, f),
                    None => sink.error(r.name.range, "undefined-resource", message),
                }
            }
        }
        if let (Some(i), Some(ir)) = (&s.internal, &s.internal_router)
            && i.value
            && ir.value
        {
            sink.error(
                ir.range,
                "internal-conflict",
                format!("service {} can not have both internal and internalRouter set as true", s.name.value),
            );
        }
        if s.is_internal() && !s.domains.is_empty() {
            sink.warn(
                s.domains[0].range,
                "no-effect",
                format!("`domain` has no effect on an internal service: {} gets no Ingress", s.name.value),
            );
        }
        if s.port.is_none() {
            for key in &s.keys {
                if matches!(
                    key.value.as_str(),
                    "health"
                        | "liveness"
                        | "domain"
                        | "sticky"
                        | "timeout"
                        | "tls"
                        | "whitelist"
                        | "certificate"
                        | "startupProbe"
                        | "grpcHealthEnabled"
                        | "ingressAnnotations"
                        | "internalRouter"
                ) {
                    sink.warn(
                        key.range,
                        "needs-port",
                        format!("{} has no effect: service {} has no `port`", code(&key.value), s.name.value),
                    );
                }
            }
        }
        for c in &s.config_mounts {
            if !m.configs.iter().any(|x| x.id.as_ref().is_some_and(|id| id.value == c.value)) {
                sink.error(c.range, "undefined-config", format!("config id: '{}' not found", c.value));
            }
        }
        for l in &s.labels {
            reserved_label(&l.key, sink);
        }
    }
    for l in &m.labels {
        reserved_label(&l.key, sink);
    }
    overlay_warnings(m, sink);
    service_scalars(root, sink);

    // Timers.
    for t in &m.timers {
        match &t.service {
            Some(svc) if svc.value.is_empty() => {
                sink.error(
                    svc.range,
                    "undefined-service",
                    format!("timer {} has a blank service: the promote fails (no such service)", t.name.value),
                );
            }
            Some(svc) if m.service(&svc.value).is_none() => {
                sink.error(
                    svc.range,
                    "undefined-service",
                    format!("timer {} references a service that does not exist: {}", t.name.value, svc.value),
                );
            }
            None => sink.error(
                t.name.range,
                "missing-key",
                format!("timer {} has no `service`: the promote fails (no such service)", t.name.value),
            ),
            _ => {}
        }
        match &t.schedule {
            Some(sc) => check_schedule(&t.name.value, sc, sink),
            None => sink.error(
                t.name.range,
                "missing-key",
                format!("timer {} has no `schedule`: Kubernetes rejects the CronJob", t.name.value),
            ),
        }
    }

    // Balancers.
    for b in &m.balancers {
        match &b.service {
            Some(svc) if svc.value.is_empty() => {
                sink.error(svc.range, "undefined-service", format!("balancer {} has blank service", b.name.value))
            }
            Some(svc) if m.service(&svc.value).is_none() => {
                sink.error(
                    svc.range,
                    "undefined-service",
                    format!("balancer {} refers to unknown service {}", b.name.value, svc.value),
                );
            }
            None => {
                sink.error(b.name.range, "undefined-service", format!("balancer {} has blank service", b.name.value))
            }
            _ => {}
        }
        if b.ports.is_empty() {
            sink.error(b.name.range, "missing-key", format!("balancer {} has no ports", b.name.value));
        }
        for p in &b.ports {
            if p.listen.value.parse::<u16>().is_err() {
                sink.error(
                    p.listen.range,
                    "invalid-value",
                    format!(
                        "balancer port {}: strconv.Atoi: parsing \"{}\": invalid syntax",
                        code(&p.listen.value),
                        p.listen.value
                    ),
                );
            }
        }
        for w in &b.whitelist {
            if w.value.parse::<ipnet::IpNet>().is_err() {
                sink.error(
                    w.range,
                    "invalid-value",
                    format!("balancer {} whitelist {} is not a valid cidr range", b.name.value, w.value),
                );
            }
        }
    }

    // Budget.
    if let Some(budget) = &m.budget {
        for n in &budget.never_auto_shutdown {
            if m.service(&n.value).is_none() {
                sink.warn(n.range, "undefined-service", format!("budget.neverAutoShutdown contains \"{}\" which is not a service in this manifest; ignoring at runtime", n.value));
            }
        }
        if let Some(b) = root.get("budget") {
            budget_rules(m, b, sink);
        }
    }
    annotations(root, sink);
}

/// Convox's budget validation (`pkg/manifest/validate.go`), with its messages.
fn budget_rules(m: &Manifest, budget: &crate::syntax::yaml::Entry, sink: &mut Sink) {
    let b = &budget.value;
    let get = |k: &str| b.get(k);
    let text = |k: &str| get(k).and_then(|e| e.value.as_str()).map(str::to_string);
    if let Some(e) = get("shutdownOrder")
        && e.value.as_str() == Some("priority-annotation")
    {
        sink.error(e.value.range, "invalid-value", "budget.shutdownOrder \"priority-annotation\" reserved for a future release; use \"largest-cost\" or \"newest\"".to_string());
    }
    if let Some(e) = get("recoveryMode")
        && e.value.as_str() == Some("scheduled")
    {
        sink.error(
            e.value.range,
            "invalid-value",
            "budget.recoveryMode \"scheduled\" reserved for 3.25.0; use \"auto-on-reset\" or \"manual\"".to_string(),
        );
    }
    if let Some(e) = get("notifyBeforeMinutes")
        && let Some(n) = e.value.as_str().and_then(|v| v.parse::<i64>().ok())
        && !(5..=1440).contains(&n)
    {
        sink.error(
            e.value.range,
            "invalid-value",
            format!("budget.notifyBeforeMinutes must be between 5 and 1440; got {n}"),
        );
    }
    if let Some(e) = get("shutdownGracePeriod")
        && let Some(v) = e.value.as_str()
    {
        match go_duration_secs(v) {
            None => sink.error(
                e.value.range,
                "invalid-value",
                format!("budget.shutdownGracePeriod must be a Go duration string (e.g. \"5m\", \"30s\"); got \"{v}\""),
            ),
            Some(secs) if !(0.0..=3600.0).contains(&secs) => {
                sink.error(
                    e.value.range,
                    "invalid-value",
                    format!("budget.shutdownGracePeriod must be between 0s and 1h; got {v}"),
                );
            }
            _ => {}
        }
    }
    if text("atCapAction").as_deref() == Some("auto-shutdown") {
        let range = get("atCapAction").map_or(budget.key.range, |e| e.value.range);
        if text("atCapWebhookUrl").is_none_or(|u| u.is_empty()) {
            sink.error(
                range,
                "budget",
                "budget.atCapAction \"auto-shutdown\" requires budget.atCapWebhookUrl to be set".to_string(),
            );
        }
        let cap = text("monthlyCapUsd").and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        if cap <= 0.0 {
            sink.error(
                range,
                "budget",
                "budget.atCapAction \"auto-shutdown\" requires budget.monthlyCapUsd > 0".to_string(),
            );
        }
        if m.services.is_empty() {
            sink.error(
                range,
                "budget",
                "budget.atCapAction \"auto-shutdown\" requires at least one service in the services block".to_string(),
            );
        } else if m
            .services
            .iter()
            .all(|s| m.budget.as_ref().is_some_and(|b| b.never_auto_shutdown.iter().any(|n| n.value == s.name.value)))
        {
            sink.error(range, "budget", "budget.atCapAction \"auto-shutdown\" with all services listed in neverAutoShutdown leaves no services eligible".to_string());
        }
    }
}

/// Seconds in a Go duration string (`1h30m`, `90s`, `500ms`); `None` when it is not one.
fn go_duration_secs(s: &str) -> Option<f64> {
    if s == "0" {
        return Some(0.0);
    }
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        if num_len == 0 {
            return None;
        }
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let mult = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += n * mult;
        rest = &rest[unit_len..];
    }
    Some(if neg { -total } else { total })
}

fn reserved_label(key: &Spanned<String>, sink: &mut Sink) {
    if matches!(key.value.as_str(), "system" | "rack" | "app" | "name" | "service" | "release" | "type") {
        sink.error(key.range, "reserved-label", format!("reserved label key '{}' is not allowed", key.value));
    }
}

fn overlay_warnings(m: &Manifest, sink: &mut Sink) {
    for r in &m.resources {
        let containerized = r
            .type_name()
            .and_then(|t| schema::schema().resource_type(t))
            .is_some_and(|t| t.category == schema::ResourceCategory::Containerized);
        if !containerized {
            continue;
        }
        for e in m.overlay_vars(r) {
            sink.warn(
                e.name.range,
                "resource-overlay",
                format!(
                    "{} switches resource {} off: with it set, Convox runs no {} container and points {} at this URL",
                    code(&e.name.value),
                    code(&r.name.value),
                    r.type_name().unwrap_or("resource"),
                    code(&e.name.value)
                ),
            );
        }
    }
}

/// Where a `resources:` entry for a new resource goes: the end of the `resources` section, or a
/// new section at the end of the file.
fn add_resource_stub(root: &Node, name: &str, text: &str) -> Option<Vec<(TextRange, String)>> {
    let stub_body = format!("  {name}:\n    type: postgres\n");
    match root.get("resources") {
        Some(e) if e.value.as_map().is_some() && !e.value.flow => {
            let at = e.value.range.end;
            let prefix = if text[..at].ends_with('\n') { "" } else { "\n" };
            Some(vec![(TextRange::empty(at), format!("{prefix}{stub_body}"))])
        }
        Some(_) => None,
        None => {
            let at = text.len();
            let prefix = if text.ends_with('\n') || text.is_empty() { "" } else { "\n" };
            Some(vec![(TextRange::empty(at), format!("{prefix}resources:\n{stub_body}"))])
        }
    }
}

/// The places that name a service: timers' and balancers' `service`, `budget.neverAutoShutdown`.
fn service_references(m: &Manifest, name: &str) -> Vec<TextRange> {
    let mut out = Vec::new();
    for t in &m.timers {
        if let Some(s) = t.service.as_ref().filter(|s| s.value == name) {
            out.push(s.range);
        }
    }
    for b in &m.balancers {
        if let Some(s) = b.service.as_ref().filter(|s| s.value == name) {
            out.push(s.range);
        }
    }
    if let Some(b) = &m.budget {
        out.extend(b.never_auto_shutdown.iter().filter(|n| n.value == name).map(|n| n.range));
    }
    out
}

/// Checks of single service values the model reads leniently: `port`, `ports`, `scale`,
/// `deployment`, limits against requests.
fn service_scalars(root: &Node, sink: &mut Sink) {
    let Some(services) = root.get("services").and_then(|e| e.value.as_map()) else { return };
    for svc in services {
        let name = svc.key.as_str().unwrap_or_default();
        let b = &svc.value;
        if let Some(p) = b.get("port")
            && let Some(s) = p.value.as_str().filter(|s| !p.value.is_empty() && !s.contains("${"))
        {
            let num = s.rsplit_once(':').map_or(s, |(_, n)| n);
            if num.trim().parse::<u32>().is_err() {
                sink.error(
                    p.value.range,
                    "invalid-value",
                    format!("could not parse port: {s} (strconv.Atoi: parsing \"{num}\": invalid syntax)"),
                );
            }
        }
        if let Some(ports) = b.get("ports").and_then(|p| p.value.as_seq()) {
            for item in ports {
                if let Some(s) = item.as_str() {
                    let (num, proto) = s.split_once('/').unwrap_or((s, "tcp"));
                    if num.trim().parse::<u32>().is_err()
                        || !matches!(proto.to_ascii_lowercase().as_str(), "tcp" | "udp")
                    {
                        sink.error(
                            item.range,
                            "invalid-value",
                            format!("invalid port: {s} (write `3001` or `8125/udp`)"),
                        );
                    }
                }
            }
        }
        if let Some(scale) = b.get("scale") {
            let count = match &scale.value.kind {
                Kind::Map(_) => scale.value.get("count").map(|c| &c.value),
                Kind::Scalar(_) => Some(&scale.value),
                _ => None,
            };
            if let Some(c) = count.filter(|c| c.as_scalar().is_some() && !c.is_null()) {
                if model::count(c).is_none() {
                    let v = c.as_str().unwrap_or_default();
                    let hint =
                        if v.ends_with('+') { "; \"N+\" is not supported, write a range like \"2-10\"" } else { "" };
                    sink.error(c.range, "invalid-value", format!("invalid scale: {v}{hint}"));
                } else if let Some(cv) = model::count(c)
                    && cv.min > cv.max
                {
                    sink.error(
                        c.range,
                        "invalid-value",
                        format!("invalid scale: {}: the minimum is above the maximum", c.as_str().unwrap_or_default()),
                    );
                }
            }
            let int = |n: Option<&Node>| n.and_then(|n| n.as_str()).and_then(|s| s.parse::<i64>().ok());
            let get = |path: &[&str]| -> Option<&Node> {
                let mut n = &scale.value;
                for k in path {
                    n = &n.get(k)?.value;
                }
                Some(n)
            };
            for (req, lim, what) in [(["cpu"], ["limit", "cpu"], "cpu"), (["memory"], ["limit", "memory"], "memory")] {
                if let (Some(r), Some(l)) = (int(get(&req)), int(get(&lim)))
                    && l < r
                {
                    let range = get(&lim).map_or(scale.key.range, |n| n.range);
                    sink.error(range, "invalid-value", format!("{what} limit can not be less {what} request"));
                }
            }
        }
        if let Some(d) = b.get("deployment") {
            let bound =
                |k: &str| d.value.get(k).and_then(|e| Some((e.value.as_str()?.parse::<i64>().ok()?, e.value.range)));
            if let Some((v, r)) = bound("minimum") {
                if v < 0 {
                    sink.error(r, "invalid-value", format!("service {name} deployment minimum can not be less than 0"));
                } else if v > 100 {
                    sink.error(
                        r,
                        "invalid-value",
                        format!("service {name} deployment minimum can not be greater than 100"),
                    );
                }
            }
            if let Some((v, r)) = bound("maximum") {
                if v < 100 {
                    sink.error(
                        r,
                        "invalid-value",
                        format!("service {name} deployment maximum can not be less than 100"),
                    );
                } else if v > 200 {
                    sink.error(
                        r,
                        "invalid-value",
                        format!("service {name} deployment maximum can not be greater than 200"),
                    );
                }
            }
        }
        if let Some(vo) = b.get("volumeOptions").and_then(|v| v.value.as_seq()) {
            for item in vo {
                for (kind, e) in item.as_map().unwrap_or_default().iter().filter_map(|e| Some((e.key.as_str()?, e))) {
                    let body = &e.value;
                    let has = |k: &str| body.get(k).is_some_and(|x| !x.value.is_empty());
                    if matches!(kind, "emptyDir" | "awsEfs" | "azureFiles") {
                        for req in ["id", "mountPath"] {
                            if !has(req) {
                                sink.error(e.key.range, "missing-key", format!("{kind}.{req} is required"));
                            }
                        }
                    }
                    if matches!(kind, "awsEfs" | "azureFiles") && !has("accessMode") {
                        sink.error(e.key.range, "missing-key", format!("{kind}.accessMode must be one of these values: ReadOnlyMany, ReadWriteMany, ReadWriteOnce"));
                    }
                    if kind == "azureFiles"
                        && let Some(id) = body.get("id").and_then(|x| x.value.as_str())
                        && !valid_name(id)
                    {
                        sink.error(
                            body.get("id").map_or(e.key.range, |x| x.value.range),
                            "invalid-value",
                            "azureFiles.id must match ^[a-z][a-z0-9-]*$".to_string(),
                        );
                    }
                }
            }
        }
        if let Some(sc) = b.get("securityContext") {
            let v = &sc.value;
            let get = |k: &str| v.get(k).map(|e| &e.value);
            if let Some(p) = get("seccompProfile").and_then(|p| p.as_str())
                && p == "Localhost"
            {
                sink.error(get("seccompProfile").unwrap().range, "invalid-value", format!("service {name}: securityContext.seccompProfile: Localhost is not supported (no localhostProfile field); use RuntimeDefault or Unconfined"));
            }
            if get("runAsNonRoot").and_then(|n| n.as_str()) == Some("true")
                && get("runAsUser").and_then(|n| n.as_str()) == Some("0")
            {
                sink.error(
                    get("runAsUser").unwrap().range,
                    "invalid-value",
                    format!("service {name}: securityContext: runAsNonRoot=true is incompatible with runAsUser=0"),
                );
            }
            if let Some(caps) = get("capabilities") {
                for list in ["add", "drop"] {
                    for c in caps.get(list).and_then(|l| l.value.as_seq()).unwrap_or_default() {
                        let Some(cs) = c.as_str() else { continue };
                        if list == "add" && cs.starts_with("CAP_") {
                            sink.error(c.range, "invalid-value", format!("service {name}: securityContext.capabilities.add: \"{cs}\" must not include CAP_ prefix (use \"{}\")", &cs[4..]));
                        } else if !cs.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_') {
                            sink.error(c.range, "invalid-value", format!("service {name}: securityContext.capabilities.{list}: \"{cs}\" is not a valid capability name (expected uppercase letters, digits, underscores)"));
                        }
                    }
                }
            }
        }
    }
}

/// `annotations` items must be `key=value`: Convox panics on one without `=` for timers and
/// balancers, and rejects it for services.
fn annotations(root: &Node, sink: &mut Sink) {
    for section in ["services", "timers", "balancers"] {
        let Some(entries) = root.get(section).and_then(|e| e.value.as_map()) else { continue };
        for e in entries {
            for key in ["annotations", "ingressAnnotations"] {
                let Some(items) = e.value.get(key).and_then(|a| a.value.as_seq()) else { continue };
                for item in items {
                    if let Some(s) = item.as_str()
                        && !s.contains('=')
                    {
                        sink.error(
                            item.range,
                            "invalid-value",
                            format!("invalid annotation format: {s} (write `key=value`)"),
                        );
                    }
                }
            }
        }
    }
}

/// A timer's schedule after Convox's rewrite (first five fields, a bare `?` as `*`), as Kubernetes
/// will parse it.
fn check_schedule(timer: &str, sc: &Spanned<String>, sink: &mut Sink) {
    let raw = sc.value.trim();
    if raw.starts_with('@') {
        if !matches!(raw, "@yearly" | "@annually" | "@monthly" | "@weekly" | "@daily" | "@midnight" | "@hourly")
            && !raw.starts_with("@every ")
        {
            sink.error(sc.range, "invalid-schedule", format!("timer {timer}: unknown schedule {}", code(raw)));
        }
        return;
    }
    let fields: Vec<&str> = raw.split_whitespace().collect();
    if fields.len() < 5 {
        sink.error(sc.range, "invalid-schedule", format!("timer {timer}: schedule {} has {} fields; a cron schedule has 5 (minute hour day-of-month month day-of-week)", code(raw), fields.len()));
        return;
    }
    let expr = model::convox_schedule(raw);
    let rewritten: Vec<&str> = expr.split(' ').collect();
    if rewritten.iter().any(|f| f.contains('?')) {
        sink.error(sc.range, "invalid-schedule", format!("timer {timer} invalid, schedule cannot contain ?"));
        return;
    }
    if rewritten.iter().any(|f| f.contains(['L', 'W', '#'])) {
        sink.error(
            sc.range,
            "invalid-schedule",
            format!("timer {timer}: schedule {} uses L, W or # which Kubernetes cron does not support", code(&expr)),
        );
        return;
    }
    let parser = croner::parser::CronParser::builder()
        .seconds(croner::parser::Seconds::Disallowed)
        .year(croner::parser::Year::Disallowed)
        .build();
    if let Err(e) = parser.parse(&expr) {
        sink.error(
            sc.range,
            "invalid-schedule",
            format!("timer {timer}: schedule {} is not a valid cron expression ({e})", code(&expr)),
        );
        return;
    }
    if fields.len() > 5 {
        sink.warn(
            sc.range,
            "schedule-rewritten",
            format!(
                "schedule has {} fields: Convox keeps the first five, {} (v2 AWS cron syntax)",
                fields.len(),
                code(&expr)
            ),
        );
    }
}

/// `${VAR}` that no `environment` declares, and `${VAR:-default}` (unsupported).
fn interpolation(a: &Analysis, sink: &mut Sink) {
    let text = a.text();
    let m = a.model();
    let declared = |v: &str| {
        m.environment
            .iter()
            .chain(m.services.iter().flat_map(|s| s.environment.iter()))
            .any(|e| e.name.value == v || e.name.value == "*")
    };
    let mut at = 0;
    while let Some(i) = text[at..].find("${") {
        let start = at + i;
        let Some(len) = text[start..].find('}') else { break };
        let end = start + len + 1;
        let var = &text[start + 2..end - 1];
        // Comments are interpolated too, but nobody reads them.
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let in_comment =
            text[line_start..start].contains(" #") || text[line_start..start].trim_start().starts_with('#');
        let range = TextRange::new(start, end);
        if !in_comment && !var.contains('\n') {
            if var.contains(":-") || var.contains(":=") {
                sink.warn(range, "unsupported-interpolation", format!("Convox has no `${{VAR:-default}}`: it looks up a variable named {} and substitutes an empty string", code(var)));
            } else if !declared(var) {
                sink.warn(range, "undeclared-variable", format!("{} is not declared in any `environment`: unless the app sets {var}, Convox substitutes an empty string", code(&format!("${{{var}}}"))));
            }
        }
        at = end;
    }
}
