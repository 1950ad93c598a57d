//! A JSON Schema of `convox.yml`, generated from the knowledge base, for yaml-language-server,
//! IntelliJ and any other YAML tool. Draft 2020-12 by default; draft-07 on request.
//!
//! Two variants (`docs/json-schema.md`): the **lenient** one never fails a file `convox build`
//! accepts (Convox's `manifest.Load` and `Validate`): keys Convox ignores are allowed, `${VAR}` is
//! allowed anywhere (Convox substitutes it before decoding, and it may be empty), values checked
//! only at promote or by Kubernetes are not constrained. The **strict** one, for editors, also fails
//! on unknown keys (typos Convox silently ignores) and on values the deploy rejects later.

use serde_json::{Map, Value, json};

use super::{KeyDoc, Schema, Shape};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Draft {
    Draft202012,
    Draft07,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Lenient,
    Strict,
}

/// The id the lenient schema announces: the address SchemaStore serves it from once registered
/// (`docs/json-schema.md` has the catalog entry).
pub const SCHEMA_ID: &str = "https://json.schemastore.org/convox.json";

/// The file names a manifest has, for the schema catalog and `yaml.schemas` (the names the server
/// and the VS Code extension take).
pub const FILE_MATCH: &[&str] = &["convox.yml", "convox.*.yml", "convox*.yaml"];

/// What Convox's `Validate` itself requires (pkg/manifest/validate.go: `has blank type`,
/// `has blank service`, `has no ports`, `references a service that does not exist`); the other
/// `required` keys fail later (Kubernetes, the promote) and are required by the strict variant only.
const VALIDATE_REQUIRED: &[&str] =
    &["resources.*.type", "balancers.*.service", "balancers.*.ports", "timers.*.service"];

/// Closed sets checked only at promote or by Kubernetes (`Validate` takes any value): enums of the
/// strict variant only.
const LATE_ENUMS: &[&str] = &[
    "resources.*.type",
    "timers.*.concurrency",
    "balancers.*.ports.*.protocol",
    "services.*.scale.gpu.vendor",
    "services.*.scale.autoscale.custom[].metricType",
    "services.*.scale.keda.triggers[].metricType",
];

/// Maps whose keys are names Convox validates with `NameValidator` (pkg/manifest/validate.go:19).
const NAMED: &[&str] = &["services", "resources", "timers", "balancers"];

/// A string holding a `${VAR}`: Convox replaces it before decoding (pkg/manifest/helpers.go:7), so
/// it may stand for any value, an empty one included.
fn interpolated() -> Value {
    json!({"type": "string", "pattern": "\\$\\{[^}]*\\}"})
}

/// The booleans of YAML 1.1, which Convox's yaml.v2 reads and a YAML 1.2 loader (check-jsonschema,
/// yaml-language-server) leaves as strings (yaml.v2 resolve.go).
const YAML11_BOOL: &str = "^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$";

/// Whether a key pattern is required in the variant.
fn required(pattern: &str, doc: &KeyDoc, variant: Variant) -> bool {
    doc.required && (variant == Variant::Strict || VALIDATE_REQUIRED.contains(&pattern))
}

fn json_type(s: Shape) -> &'static str {
    match s {
        Shape::String => "string",
        Shape::Integer => "integer",
        Shape::Number => "number",
        Shape::Boolean => "boolean",
        Shape::Map => "object",
        Shape::List => "array",
        Shape::Null => "null",
    }
}

/// The Markdown shown by editors: the description and the Kubernetes mapping.
fn markdown(pattern: &str, doc: &KeyDoc) -> String {
    let mut s = format!("**{}** — {}\n\n{}", pattern, doc.summary.trim_end_matches('.'), doc.description.trim());
    if !doc.k8s.is_empty() {
        s.push_str("\n\n**Kubernetes**:");
        for r in &doc.k8s {
            s.push_str(&format!("\n- `{} {}`", r.kind, r.name));
            if let Some(f) = &r.field {
                s.push_str(&format!(" → `{f}`"));
            }
            if let Some(w) = r.when {
                s.push_str(&format!(" ({})", w.describe()));
            }
        }
    } else if let Some(no) = &doc.no_k8s {
        s.push_str(&format!("\n\n**Kubernetes**: no object. {}", no.trim()));
    }
    if let Some(c) = doc.kubectl.first() {
        s.push_str(&format!("\n\n```sh\n{}\n```", c.text()));
    }
    s
}

/// Where a node is generated: the dialect and the variant.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    schema: &'a Schema,
    draft: Draft,
    variant: Variant,
}

/// The annotations of a key: title, descriptions, default, examples, deprecation.
fn annotate(obj: &mut Map<String, Value>, pattern: &str, doc: &KeyDoc) {
    let summary = doc.summary.trim_end_matches('.');
    obj.insert("title".into(), json!(summary));
    let mut description = format!("{summary} ({})", doc.ty);
    let mut markdown = markdown(pattern, doc);
    if let Some(d) = &doc.default {
        match default_value(d, doc) {
            Some(v) => {
                obj.insert("default".into(), v);
            }
            // Prose ("= health.interval", "cert-manager default (2160h)") is no value to insert.
            None => {
                description.push_str(&format!(". Default: {d}"));
                markdown.push_str(&format!("\n\n**Default**: {d}"));
            }
        }
    }
    obj.insert("description".into(), json!(description));
    obj.insert("markdownDescription".into(), json!(markdown));
    let examples: Vec<Value> = doc.forms.iter().filter_map(|f| yaml_serde::from_str::<Value>(f).ok()).collect();
    if !examples.is_empty() {
        obj.insert("examples".into(), Value::Array(examples));
    }
    if matches!(doc.status, Some(super::Status::Removed) | Some(super::Status::NoEffect)) {
        obj.insert("deprecated".into(), json!(true));
    }
}

/// The object form of a key: named children, `*` entries, a merge key, names and required keys.
fn object_form(cx: Ctx, pattern: &str, children: &[(&str, &str, &KeyDoc)]) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("type".into(), json!("object"));
    let mut props = Map::new();
    let mut star = None;
    let mut needed = Vec::new();
    for (key, child_pattern, child_doc) in children {
        let child = node(cx, child_pattern, Some(child_doc));
        if *key == "*" {
            star = Some(child);
        } else {
            if required(child_pattern, child_doc, cx.variant) {
                needed.push(json!(key));
            }
            props.insert((*key).to_string(), child);
        }
    }
    if !props.is_empty() {
        object.insert("properties".into(), Value::Object(props));
    }
    if !needed.is_empty() {
        object.insert("required".into(), Value::Array(needed));
    }
    if pattern == "budget" {
        object.insert("allOf".into(), budget_rules());
    }
    if NAMED.contains(&pattern) {
        // validate.go:19, `NameValidator`.
        object.insert("propertyNames".into(), json!({"pattern": "^[a-z][a-z0-9-]*$"}));
    }
    match star {
        Some(s) => {
            object.insert("additionalProperties".into(), s);
        }
        // Resource options are a string map: Convox passes on (or drops) keys it does not know.
        None if pattern == "resources.*.options" => {
            object.insert("additionalProperties".into(), json!({"type": ["string", "number", "boolean", "null"]}));
        }
        // Closed maps, in the strict variant: unknown keys are what Convox silently ignores. `<<`
        // merges an anchor.
        None if !children.is_empty() && cx.variant == Variant::Strict => {
            object.insert("patternProperties".into(), json!({"^<<$": {}}));
            object.insert("additionalProperties".into(), json!(false));
        }
        None => {}
    }
    object
}

/// The string form of a key: any scalar (yaml.v2 reads numbers and booleans into a string field),
/// or its closed set.
fn string_form(cx: Ctx, pattern: &str, doc: Option<&KeyDoc>) -> Value {
    let mut s = Map::new();
    s.insert("type".into(), json!(["string", "number", "boolean"]));
    let closed = doc.filter(|d| !d.values.is_empty());
    if let Some(d) = closed.filter(|_| cx.variant == Variant::Strict || !LATE_ENUMS.contains(&pattern)) {
        s.insert("enum".into(), json!(enum_values(pattern, &d.values)));
        s.insert("type".into(), json!("string"));
    }
    // A key Convox's `Validate` requires is blank when empty (`has blank service`).
    if doc.is_some_and(|d| required(pattern, d, cx.variant)) && !s.contains_key("enum") {
        s.insert("minLength".into(), json!(1));
    }
    if let Some(p) = value_pattern(pattern) {
        s.insert("type".into(), json!("string"));
        s.insert("pattern".into(), json!(p));
        // A `ports` item may be a plain number too.
        if pattern == "services.*.ports[]" {
            return json!({"anyOf": [Value::Object(s), {"type": "integer"}]});
        }
    }
    Value::Object(s)
}

/// The bounds `Validate` puts on a number (pkg/manifest/validate.go).
fn range(pattern: &str) -> Option<Value> {
    Some(match pattern {
        // :419-423, 0 meaning unset.
        "budget.notifyBeforeMinutes" => json!({"anyOf": [{"const": 0}, {"minimum": 5, "maximum": 1440}]}),
        // :234-239, `invalidPercent`: 0 < v <= 100.
        "services.*.scale.autoscale.cpu.threshold" | "services.*.scale.autoscale.memory.threshold" => {
            json!({"exclusiveMinimum": 0, "maximum": 100})
        }
        // :119-130.
        "services.*.deployment.minimum" => json!({"minimum": 0, "maximum": 100}),
        "services.*.deployment.maximum" => json!({"minimum": 100, "maximum": 200}),
        _ => return None,
    })
}

/// `budget.atCapAction: auto-shutdown` needs a webhook and a cap above 0 (validate.go:390-401).
fn budget_rules() -> Value {
    json!([{
        "if": {"properties": {"atCapAction": {"const": "auto-shutdown"}}, "required": ["atCapAction"]},
        "then": {"required": ["atCapWebhookUrl", "monthlyCapUsd"], "properties": {"monthlyCapUsd": {"exclusiveMinimum": 0}}}
    }])
}

/// Strings Convox parses further, whose form `Load` or `Validate` checks.
fn value_pattern(pattern: &str) -> Option<&'static str> {
    match pattern {
        // yaml.go: a `ports` item is `PORT` or `PORT/protocol`, read by `strconv.Atoi`.
        "services.*.ports[]" => Some("^[+-]?[0-9]+(/.*)?$"),
        // validate.go: `time.ParseDuration`.
        "budget.shutdownGracePeriod" => Some("^[+-]?(0|([0-9]*(\\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+)$"),
        _ => None,
    }
}

/// The schema node for one key pattern and its children.
fn node(cx: Ctx, pattern: &str, doc: Option<&KeyDoc>) -> Value {
    let mut obj = Map::new();
    let children: Vec<(&str, &str, &KeyDoc)> = cx.schema.children(pattern).collect();
    let item_pattern = format!("{pattern}[]");
    let item = cx.schema.get(&item_pattern);
    if let Some(doc) = doc {
        annotate(&mut obj, pattern, doc);
    }
    let has_object = doc.is_none_or(|d| d.accepts.contains(&Shape::Map)) && (!children.is_empty() || doc.is_some());
    let mut alternatives: Vec<Value> = Vec::new();
    let mut accepts: Vec<Shape> = doc.map(|d| d.accepts.clone()).unwrap_or_else(|| vec![Shape::Map]);
    // Alternatives must not overlap (`oneOf`): a string field already takes numbers and booleans,
    // a number field integers.
    if accepts.contains(&Shape::String) {
        accepts.retain(|s| !matches!(s, Shape::Integer | Shape::Number | Shape::Boolean));
    }
    if accepts.contains(&Shape::Number) {
        accepts.retain(|s| *s != Shape::Integer);
    }
    for shape in &accepts {
        match shape {
            Shape::Map if has_object => alternatives.push(Value::Object(object_form(cx, pattern, &children))),
            Shape::List => {
                let mut arr = Map::new();
                arr.insert("type".into(), json!("array"));
                if let Some(item_doc) = item {
                    arr.insert("items".into(), node(cx, &item_pattern, Some(item_doc)));
                } else if pattern == "services.*.domain" {
                    // yaml.go:276-290: each item must be a string (`unknown type for service domain: <nil>`).
                    arr.insert("items".into(), json!({"type": "string"}));
                }
                alternatives.push(Value::Object(arr));
            }
            Shape::String => alternatives.push(string_form(cx, pattern, doc)),
            Shape::Boolean => {
                alternatives.push(json!({"anyOf": [{"type": "boolean"}, {"type": "string", "pattern": YAML11_BOOL}]}))
            }
            other => {
                let mut number = json!({"type": json_type(*other)});
                if let (Value::Object(n), Some(Value::Object(r))) = (&mut number, range(pattern)) {
                    n.extend(r);
                }
                alternatives.push(number);
            }
        }
    }
    extra_alternatives(cx, pattern, doc, &accepts, &mut alternatives);
    alternatives.dedup();
    if alternatives.len() == 1 {
        if let Value::Object(m) = alternatives.remove(0) {
            obj.extend(m);
        }
    } else {
        obj.insert("anyOf".into(), Value::Array(alternatives));
    }
    let _ = cx.draft;
    Value::Object(obj)
}

/// What a key takes besides its own shapes: empty (unless Convox requires it, or decodes a null
/// item with an error), `${VAR}`, and in the lenient variant the items Convox drops.
fn extra_alternatives(cx: Ctx, pattern: &str, doc: Option<&KeyDoc>, accepts: &[Shape], out: &mut Vec<Value>) {
    let Some(doc) = doc else { return };
    // `domain: [~]` fails (`unknown type for service domain: <nil>`, yaml.go:276), as do the
    // keys `Validate` requires (`has blank type`).
    // An entry whose required keys are missing when it is empty (`database:` has blank type).
    let null_refused = required(pattern, doc, cx.variant)
        || pattern == "services.*.domain[]"
        || cx.schema.children(pattern).any(|(_, p, d)| required(p, d, cx.variant));
    if !accepts.contains(&Shape::Null) && !null_refused {
        out.push(json!({"type": "null"}));
    }
    if !accepts.contains(&Shape::String) || value_pattern(pattern).is_some() {
        out.push(interpolated());
    }
    // An `environment` item that is not a string is dropped (manifest.go), not refused.
    if cx.variant == Variant::Lenient && pattern.ends_with("environment[]") {
        out.push(json!({"type": ["object", "array", "number", "boolean", "null"]}));
    }
}

/// The values Convox takes for a closed set: some it reads more loosely than it documents.
fn enum_values(pattern: &str, values: &[String]) -> Vec<String> {
    let mut out = values.to_vec();
    match pattern {
        // Convox upper-cases the first letter: `forbid` works too.
        "timers.*.concurrency" => out.extend(values.iter().map(|v| v.to_lowercase())),
        // Case-insensitive, and `false` means Off.
        "services.*.scale.vpa.updateMode" => {
            out.extend(values.iter().map(|v| v.to_lowercase()));
            out.push("false".to_string());
        }
        "services.*.scale.gpu.vendor" => out.extend(["nvidia.com".to_string(), "amd.com".to_string()]),
        _ => {}
    }
    out
}

/// The default as a value a tool may insert: a number, a boolean, or a string that is itself a valid
/// value (one of the closed set, or one word). `None` for prose.
fn default_value(d: &str, doc: &KeyDoc) -> Option<Value> {
    if doc.accepts.contains(&Shape::Integer)
        && let Ok(n) = d.parse::<i64>()
    {
        return Some(json!(n));
    }
    if doc.accepts.contains(&Shape::Number)
        && let Ok(n) = d.parse::<f64>()
    {
        return Some(json!(n));
    }
    if doc.accepts.contains(&Shape::Boolean)
        && let Ok(b) = d.parse::<bool>()
    {
        return Some(json!(b));
    }
    let word = !d.is_empty() && !d.contains(char::is_whitespace) && !d.starts_with(['=', '<', '{']);
    let valid =
        if doc.values.is_empty() { word && !PROSE_WORDS.contains(&d) } else { doc.values.iter().any(|v| v == d) };
    (doc.accepts.contains(&Shape::String) && valid).then(|| json!(d))
}

/// One-word defaults that describe rather than give a value.
const PROSE_WORDS: &[&str] = &["generated", "disabled"];

/// The whole schema.
pub fn generate(schema: &Schema, draft: Draft, variant: Variant) -> Value {
    let cx = Ctx { schema, draft, variant };
    let mut root = match node(cx, "", None) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let dialect = match draft {
        Draft::Draft202012 => "https://json-schema.org/draft/2020-12/schema",
        Draft::Draft07 => "http://json-schema.org/draft-07/schema#",
    };
    let mut out = Map::new();
    out.insert("$schema".into(), json!(dialect));
    out.insert("$id".into(), json!(schema_id(draft, variant)));
    let (title, what) = match variant {
        Variant::Lenient => ("convox.yml", "Fails only what `convox build` rejects."),
        Variant::Strict => (
            "convox.yml (strict)",
            "Also fails on keys Convox silently ignores (typos) and on values the deploy rejects later.",
        ),
    };
    out.insert("title".into(), json!(title));
    out.insert(
        "description".into(),
        json!(format!(
            "A Convox v3 app manifest. Generated by convox-lsp from its knowledge base (read from Convox's source). {what}"
        )),
    );
    out.append(&mut root);
    Value::Object(out)
}

/// The `$id` of each schema: the lenient draft 2020-12 one is the one to register; the others are
/// named after it.
pub fn schema_id(draft: Draft, variant: Variant) -> String {
    let base = SCHEMA_ID.trim_end_matches(".json");
    let strict = if variant == Variant::Strict { "-strict" } else { "" };
    let dialect = if draft == Draft::Draft07 { "-draft-07" } else { "" };
    format!("{base}{strict}{dialect}.json")
}

/// Pretty JSON with a final newline.
pub fn to_string(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("a JSON value serialises");
    s.push('\n');
    s
}
