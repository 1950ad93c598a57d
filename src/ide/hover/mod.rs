//! Hover: what a key, name or value is, the Kubernetes objects it becomes in the app's namespace,
//! and the kubectl commands that show them. Every fact comes from the knowledge base (`schema`)
//! and the model; this module only picks, fills in and lays out.

mod entity;
mod env;
mod key;

use super::analysis::Analysis;
use super::markdown;
use super::objects::RenderContext;
use super::place::{Bind, filled};
use crate::context::Context;
use crate::schema;
use crate::syntax::{KeyPath, Segment, Target};
use crate::text::TextRange;
use entity::{entity_hover, resource_type_hover, undeclared};
use env::{env_hover, interpolation_hover};
use key::{description, k8s_block, key_block, unknown_key_hover, value_note};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
}

/// A fenced block of shell commands (nothing when there are none).
fn kubectl_block(out: &mut String, commands: &[String]) {
    if commands.is_empty() {
        return;
    }
    out.push_str("```sh\n");
    for c in commands {
        out.push_str(c);
        out.push('\n');
    }
    out.push_str("```\n\n");
}

/// Every hover's last step: one note naming what is unknown of rack and app, and lines that fit a
/// float.
fn finish(range: TextRange, out: &str, ctx: &Context) -> Hover {
    let mut md = out.trim_end().to_string();
    if let Some(note) = unknown_note(ctx).filter(|_| md.contains("<rack>") || md.contains("<app>")) {
        md.push_str("\n\n");
        md.push_str(&note);
    }
    md.push('\n');
    Hover { range, markdown: markdown::wrap(&md, markdown::WIDTH) }
}

/// Which of rack and app is unknown, and where to write it.
fn unknown_note(ctx: &Context) -> Option<String> {
    let ns = ctx.namespace();
    let (what, file, setting, flag) = match (&ctx.rack, &ctx.app) {
        (None, None) => (
            "Rack and app unknown",
            "`.convox/rack` and `.convox/app`",
            "`convox.rack` and `convox.app`",
            "`--rack` and `--app`",
        ),
        (None, Some(_)) => ("Rack unknown", "`.convox/rack`", "`convox.rack`", "`--rack`"),
        (Some(_), None) => ("App unknown", "`.convox/app`", "`convox.app`", "`--app`"),
        (Some(_), Some(_)) => return None,
    };
    Some(format!(
        "{what}, so the namespace shows as `{ns}`: write {} in {file} beside `convox.yml`, or set {setting} \
         ({flag} on the command line).",
        if what.contains(" and ") { "them" } else { "it" }
    ))
}

pub(super) fn hover(a: &Analysis, offset: usize, ctx: &Context) -> Option<Hover> {
    if let Some(h) = interpolation_hover(a, offset, ctx) {
        return Some(h);
    }
    let at = a.key_path_at(offset);
    let (range, on_key) = match at.target {
        Target::Key(r) => (r, true),
        Target::Value(r) if !r.is_empty() => (r, false),
        _ => return None,
    };
    let keys: Vec<&str> = at.path.keys().collect();
    if on_key && keys.last() == Some(&"<<") {
        let parent = schema::schema().lookup(&KeyPath(at.path.0[..at.path.len() - 1].to_vec())).pattern;
        let note = crate::model::decode::merge_note(&parent);
        return Some(finish(range, &format!("**`<<`** (merge key)\n\n{note}."), ctx));
    }
    let app = a.objects(&RenderContext::new(ctx));
    // Declared names: a whole service, resource, timer or balancer.
    if on_key && keys.len() == 2 && schema::NAMED_SECTIONS.contains(&keys[0]) && at.path.len() == 2 {
        return entity_hover(a, ctx, &app, keys[0], keys[1], range);
    }
    let text = &a.text()[range.start..range.end];
    let mut b = Bind::new(a, ctx, &app, &at.path);
    let value = if on_key {
        node_at_path(a, &at.path).and_then(|n| n.as_str()).map(str::to_string)
    } else {
        Some(text.trim_matches(['"', '\'']).to_string())
    };
    b.set_value(value, id_next_to(a, &at.path));
    let m = schema::schema().lookup(&at.path);
    if !on_key && let Some(h) = reference_hover(a, &b, &at.path, &m.pattern, range, text) {
        return Some(h);
    }
    key_hover(a, &b, &at.path, &m, range, on_key)
}

/// A value that names something declared elsewhere, an environment entry or a resource type.
fn reference_hover(
    a: &Analysis,
    b: &Bind,
    path: &KeyPath,
    pattern: &str,
    range: TextRange,
    text: &str,
) -> Option<Hover> {
    let ctx = b.ctx;
    match pattern {
        "services.*.resources[]" => {
            let (name, _) = crate::model::resource_ref_parts(text);
            let r = TextRange::new(range.start, range.start + name.len());
            let name = name.trim_matches(['"', '\'']);
            entity_hover(a, ctx, b.app, "resources", name, r).or_else(|| undeclared(ctx, range, "resource", name))
        }
        "timers.*.service" | "balancers.*.service" | "budget.neverAutoShutdown[]" => {
            let name = b.value.clone().unwrap_or_default();
            entity_hover(a, ctx, b.app, "services", &name, range).or_else(|| undeclared(ctx, range, "service", &name))
        }
        "environment[]" | "services.*.environment[]" => env_hover(a, ctx, path, range, text),
        "resources.*.type" => resource_type_hover(text.trim_matches(['"', '\'']), range, b),
        _ => None,
    }
}

/// A key (or its value): what it is, what it sets in Kubernetes, the commands that show it.
fn key_hover(
    a: &Analysis,
    b: &Bind,
    path: &KeyPath,
    m: &schema::Match,
    range: TextRange,
    on_key: bool,
) -> Option<Hover> {
    let sch = schema::schema();
    let text = &a.text()[range.start..range.end];
    let doc = match m.doc {
        Some(doc) => doc,
        None => {
            let boolean = node_at_path(a, path)
                .and_then(|n| n.as_scalar())
                .is_some_and(|s| s.yaml11_type() == crate::syntax::yaml::ScalarType::Bool);
            if on_key && let Some(h) = unknown_key_hover(b.ctx, path, &m.pattern, range, text, boolean) {
                return Some(h);
            }
            // A key of a free-form map (`labels`, `nodeSelectorLabels` ...): the map's doc.
            let parent = m.pattern.rsplit_once('.').map(|(p, _)| p)?;
            sch.get(parent).filter(|_| sch.children(parent).next().is_none())?
        }
    };
    let mut out = String::new();
    let title = path.keys().last().unwrap_or(m.pattern.as_str());
    key_block(&mut out, title, &path.to_string(), doc, b);
    if !on_key {
        value_note(&mut out, &m.pattern, text, b);
    }
    description(&mut out, doc, b);
    kubectl_block(&mut out, &filled(b, &doc.kubectl));
    k8s_block(&mut out, &path.to_string(), doc, b);
    Some(finish(range, &out, b.ctx))
}

/// The value node at a key path of the first document.
fn node_at_path<'a>(a: &'a Analysis, path: &KeyPath) -> Option<&'a crate::syntax::yaml::Node> {
    let mut node = a.parse().root();
    for seg in &path.0 {
        node = match seg {
            Segment::Key(k) => &node.get(k)?.value,
            Segment::Index(i) => node.as_seq()?.get(*i)?,
        };
    }
    Some(node)
}

/// The `id` beside a volume or configMount key, for `{id}`.
fn id_next_to(a: &Analysis, path: &KeyPath) -> Option<String> {
    let mut node = a.parse().root();
    let mut found = None;
    for seg in &path.0 {
        node = match seg {
            Segment::Key(k) => &node.get(k)?.value,
            Segment::Index(i) => node.as_seq()?.get(*i)?,
        };
        if let Some(id) = node.get("id").and_then(|e| e.value.as_str()) {
            found = Some(id.to_string());
        }
        // `- awsEfs: {id: x}`: the id sits one level below the list item.
        if let Some(entries) = node.as_map()
            && entries.len() == 1
            && let Some(id) = entries[0].value.get("id").and_then(|e| e.value.as_str())
        {
            found = Some(id.to_string());
        }
    }
    found
}
