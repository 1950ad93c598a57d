//! A JSON Schema of `convox.yml`, generated from the knowledge base, for yaml-language-server,
//! IntelliJ and any other YAML tool. Draft 2020-12 by default; draft-07 on request.

use serde_json::{Map, Value, json};

use super::{KeyDoc, Schema, Shape};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Draft {
    Draft202012,
    Draft07,
}

/// The id the schema announces (and the file name it is committed as).
pub const SCHEMA_ID: &str = "https://raw.githubusercontent.com/convox-lsp/convox-lsp/main/schemas/convox.schema.json";

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

/// The schema node for one key pattern and its children.
fn node(schema: &Schema, pattern: &str, doc: Option<&KeyDoc>, draft: Draft) -> Value {
    let mut obj = Map::new();
    let children: Vec<(&str, &str, &KeyDoc)> = schema.children(pattern).collect();
    let item_pattern = format!("{pattern}[]");
    let item = schema.get(&item_pattern);
    if let Some(doc) = doc {
        obj.insert("description".into(), json!(format!("{} ({})", doc.summary.trim_end_matches('.'), doc.ty)));
        obj.insert("markdownDescription".into(), json!(markdown(pattern, doc)));
        if let Some(d) = &doc.default {
            obj.insert("default".into(), default_value(d, doc));
        }
        if matches!(doc.status, Some(super::Status::Removed) | Some(super::Status::NoEffect)) {
            obj.insert("deprecated".into(), json!(true));
        }
    }
    // The object form: named children, `*` entries, a merge key.
    let mut object = Map::new();
    object.insert("type".into(), json!("object"));
    let mut props = Map::new();
    let mut star = None;
    for (key, child_pattern, child_doc) in &children {
        if *key == "*" {
            star = Some(node(schema, child_pattern, Some(child_doc), draft));
        } else {
            props.insert((*key).to_string(), node(schema, child_pattern, Some(child_doc), draft));
        }
    }
    let has_object =
        doc.is_none_or(|d| d.accepts.contains(&Shape::Map)) && (!props.is_empty() || star.is_some() || doc.is_some());
    if !props.is_empty() {
        object.insert("properties".into(), Value::Object(props));
    }
    match star {
        Some(s) => {
            object.insert("additionalProperties".into(), s);
        }
        // Resource options are a string map: Convox passes on (or drops) keys it does not know.
        None if pattern == "resources.*.options" => {
            object.insert("additionalProperties".into(), json!({"type": ["string", "number", "boolean", "null"]}));
        }
        None if !children.is_empty() => {
            // Closed maps: unknown keys are what Convox silently ignores. `<<` merges an anchor.
            object.insert("patternProperties".into(), json!({"^<<$": {}}));
            object.insert("additionalProperties".into(), json!(false));
        }
        None => {}
    }
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
            Shape::Map if has_object => alternatives.push(Value::Object(object.clone())),
            Shape::List => {
                let mut arr = Map::new();
                arr.insert("type".into(), json!("array"));
                if let Some(item_doc) = item {
                    arr.insert("items".into(), node(schema, &item_pattern, Some(item_doc), draft));
                }
                alternatives.push(Value::Object(arr));
            }
            Shape::String => {
                let mut s = Map::new();
                // Convox's YAML library reads numbers and booleans into string fields too.
                s.insert("type".into(), json!(["string", "number", "boolean"]));
                if let Some(d) = doc.filter(|d| !d.values.is_empty()) {
                    s.insert("enum".into(), json!(enum_values(pattern, &d.values)));
                    s.insert("type".into(), json!("string"));
                }
                alternatives.push(Value::Object(s));
            }
            other => alternatives.push(json!({"type": json_type(*other)})),
        }
    }
    // An empty value is accepted anywhere by Convox (but the file itself is a map).
    if doc.is_some() && !accepts.contains(&Shape::Null) {
        alternatives.push(json!({"type": "null"}));
    }
    alternatives.dedup();
    if alternatives.len() == 1 {
        if let Value::Object(m) = alternatives.remove(0) {
            obj.extend(m);
        }
    } else {
        obj.insert("oneOf".into(), Value::Array(alternatives));
    }
    let _ = draft;
    Value::Object(obj)
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

fn default_value(d: &str, doc: &KeyDoc) -> Value {
    if doc.accepts.contains(&Shape::Integer)
        && let Ok(n) = d.parse::<i64>()
    {
        return json!(n);
    }
    if doc.accepts.contains(&Shape::Boolean)
        && let Ok(b) = d.parse::<bool>()
    {
        return json!(b);
    }
    json!(d)
}

/// The whole schema.
pub fn generate(schema: &Schema, draft: Draft) -> Value {
    let mut root = match node(schema, "", None, draft) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let (dialect, id) = match draft {
        Draft::Draft202012 => ("https://json-schema.org/draft/2020-12/schema", SCHEMA_ID.to_string()),
        Draft::Draft07 => {
            ("http://json-schema.org/draft-07/schema#", SCHEMA_ID.replace(".schema.json", ".draft-07.schema.json"))
        }
    };
    let mut out = Map::new();
    out.insert("$schema".into(), json!(dialect));
    out.insert("$id".into(), json!(id));
    out.insert("title".into(), json!("convox.yml"));
    out.insert(
        "description".into(),
        json!("A Convox v3 app manifest. Generated by convox-lsp from its knowledge base (read from Convox's source)."),
    );
    out.append(&mut root);
    Value::Object(out)
}

/// Pretty JSON with a final newline.
pub fn to_string(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("a JSON value serialises");
    s.push('\n');
    s
}
