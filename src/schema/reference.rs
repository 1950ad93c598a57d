//! `docs/reference.md`, generated from the knowledge base (a test fails when the file is stale).

use std::fmt::Write as _;

use super::{KeyDoc, Schema, Status};

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn code(s: &str) -> String {
    if s.contains('`') { format!("`` {} ``", cell(s)) } else { format!("`{}`", cell(s)) }
}

/// The whole reference page.
pub fn markdown(schema: &Schema) -> String {
    let mut out = String::new();
    out.push_str(
        "# convox.yml reference\n\n\
         Generated from the knowledge base (`src/schema/data/*.yml`) by `cargo test` \
         (`UPDATE_EXPECT=1 cargo test --lib schema` rewrites it). Do not edit by hand.\n\n\
         Placeholders: `{ns}` is the app's namespace `<rack>-<app>`, `{service}` / `{name}` / `{timer}` / \
         `{resource}` / `{balancer}` the names you choose, `{k8sname}` a resource name without the characters \
         Kubernetes names drop (everything but a-z, `-`, `.`).\n\n",
    );
    let mut section = String::new();
    for (pattern, doc) in schema.keys() {
        let top = pattern.split(['.', '[']).next().unwrap_or(pattern);
        if top != section {
            section = top.to_string();
            let _ = writeln!(out, "## `{section}`\n");
        }
        let _ = writeln!(out, "### `{pattern}`\n");
        let _ = writeln!(out, "{}\n", doc.summary.trim_end_matches('.'));
        let _ = writeln!(out, "{}\n", doc.description.trim());
        facts_table(&mut out, doc);
        out.push('\n');
        objects_and_commands(&mut out, doc);
        if !doc.errors.is_empty() {
            out.push_str("Convox's messages:\n");
            for e in &doc.errors {
                let _ = writeln!(out, "- {}", code(e));
            }
            out.push('\n');
        }
    }
    resource_types(&mut out, schema);
    out
}

/// A key's type, forms, default, values, required, resource types and status, as a table.
fn facts_table(out: &mut String, doc: &KeyDoc) {
    let _ = writeln!(out, "| | |\n| --- | --- |");
    let _ = writeln!(out, "| type | {} |", cell(&doc.ty));
    if !doc.forms.is_empty() {
        let forms: Vec<String> = doc.forms.iter().map(|f| code(f)).collect();
        let _ = writeln!(out, "| forms | {} |", forms.join(", "));
    }
    if let Some(d) = &doc.default {
        let _ = writeln!(out, "| default | {} |", code(d));
    }
    if !doc.values.is_empty() {
        let vals: Vec<String> = doc.values.iter().map(|v| code(v)).collect();
        let _ = writeln!(out, "| values | {} |", vals.join(", "));
    }
    if doc.required {
        let _ = writeln!(out, "| required | yes |");
    }
    if !doc.types.is_empty() {
        let _ = writeln!(out, "| resource types | {} |", doc.types.join(", "));
    }
    if let Some(s) = doc.status {
        let _ = writeln!(
            out,
            "| status | {} |",
            match s {
                Status::NoEffect => "no effect in Convox v3",
                Status::Removed => "not in Convox v3 (ignored)",
                Status::Reserved => "reserved",
            }
        );
    }
}

/// The Kubernetes objects a key makes or sets (or why none), then its kubectl commands.
fn objects_and_commands(out: &mut String, doc: &KeyDoc) {
    if !doc.k8s.is_empty() {
        out.push_str("| Kubernetes object | field | when | note |\n| --- | --- | --- | --- |\n");
        for r in &doc.k8s {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                code(&format!("{} {}", r.kind, r.name)),
                r.field.as_deref().map(code).unwrap_or_default(),
                r.when.map(|w| cell(w.describe())).unwrap_or_default(),
                r.note.as_deref().map(cell).unwrap_or_default()
            );
        }
        out.push('\n');
    } else if let Some(no) = &doc.no_k8s {
        let _ = writeln!(out, "No Kubernetes object: {}\n", no.trim());
    }
    if !doc.kubectl.is_empty() {
        out.push_str("```sh\n");
        for c in &doc.kubectl {
            match c.when() {
                Some(w) => {
                    let _ = writeln!(out, "{}  # {}", c.text(), w.describe());
                }
                None => {
                    let _ = writeln!(out, "{}", c.text());
                }
            }
        }
        out.push_str("```\n\n");
    }
}

/// The table of resource types.
fn resource_types(out: &mut String, schema: &Schema) {
    out.push_str("## Resource types\n\n| type | what | port | objects in the cluster | default image |\n| --- | --- | --- | --- | --- |\n");
    for (name, t) in schema.resource_types() {
        let image = match t.default_image() {
            Some(i) => code(&i),
            None => t.aws.as_deref().map(cell).unwrap_or_default(),
        };
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} | {} | {image} |",
            cell(t.summary.trim_end_matches('.')),
            t.port,
            t.objects.join(", ")
        );
    }
}
