//! A key of the manifest: what it is, the Kubernetes objects and fields it sets, what a value
//! means.

use std::fmt::Write as _;

use super::{Hover, finish};
use crate::context::Context;
use crate::ide::markdown::{code, prose};
use crate::ide::place::{Bind, Standing, fields_set, standing};
use crate::model;
use crate::schema::{self, KeyDoc, Status, When};
use crate::syntax::KeyPath;
use crate::text::TextRange;

/// The header and type line of a key doc, and its status.
pub(super) fn key_block(out: &mut String, title: &str, path: &str, doc: &KeyDoc, b: &Bind) {
    let _ = writeln!(out, "**{}** — {}\n", prose(title), b.prose(doc.summary.trim_end_matches('.')));
    let mut facts = vec![code(path), prose(&doc.ty)];
    // A resource option's default depends on the resource's type.
    let type_default = (path.starts_with("resources.") && path.ends_with(".options.version"))
        .then(|| b.resource.and_then(|r| schema::schema().resource_type(r.type_name()?)))
        .flatten()
        .map(|t| match t.default_image() {
            Some(image) => format!("default {}", code(&image)),
            None => "no default: required for a new instance".to_string(),
        });
    if let Some(d) = type_default {
        facts.push(d);
    } else if let Some(d) = &doc.default {
        facts.push(format!("default {}", code(d)));
    }
    if doc.required {
        facts.push("required".to_string());
    }
    let _ = writeln!(out, "{}\n", facts.join(" · "));
    if !doc.values.is_empty() {
        let vals: Vec<String> = doc.values.iter().map(|v| code(v)).collect();
        let _ = writeln!(out, "One of {}.\n", vals.join(", "));
    }
    match doc.status {
        Some(Status::NoEffect) => out.push_str("**No effect in Convox v3.**\n\n"),
        Some(Status::Removed) => out.push_str("**Not in Convox v3**: silently ignored.\n\n"),
        Some(Status::Reserved) => out.push_str("**Reserved** for a future Convox release.\n\n"),
        None => {}
    }
}

/// What the key does, in the knowledge base's words.
pub(super) fn description(out: &mut String, doc: &KeyDoc, b: &Bind) {
    let _ = writeln!(out, "{}\n", b.prose(doc.description.trim()));
}

/// The Kubernetes section: the objects the release creates here, with the fields this key sets
/// (the model's field paths where it has them), then those it would create under another
/// condition. Entries for the same object are merged; the Deployment/DaemonSet alternative is not
/// listed as missing.
pub(super) fn k8s_block(out: &mut String, key: &str, doc: &KeyDoc, b: &Bind) {
    let ns = b.ctx.namespace();
    if doc.k8s.is_empty() {
        if let Some(no) = &doc.no_k8s {
            let _ = writeln!(out, "**Kubernetes**: no object. {}\n", b.prose(no.trim()));
        }
        return;
    }
    // In first-seen order.
    let mut here: Vec<Line> = Vec::new();
    let mut not_here: Vec<String> = Vec::new();
    // The fields each object has from the key, read once an object (several entries of the
    // knowledge base name one object: walking it again was most of a hover on `port`).
    let mut read: Vec<(&str, String, Vec<String>)> = Vec::new();
    for r in &doc.k8s {
        let (name, standing) = standing(b, r);
        let object = code(&format!("{} {name}", r.kind));
        let tag = match standing {
            Standing::NotHere(_) if matches!(r.when, Some(When::Agent | When::NotAgent)) => continue,
            Standing::NotHere(why) => {
                let what = match &r.field {
                    Some(f) => format!("{object} → {}", code(&b.fill(f))),
                    None => object,
                };
                let item = format!("{what} ({})", prose(&why));
                if !not_here.contains(&item) {
                    not_here.push(item);
                }
                continue;
            }
            Standing::Created => None,
            Standing::Outside => Some("made outside the release".to_string()),
            Standing::Unknown => r.when.map(|w| prose(w.describe())),
        };
        let i = match here.iter().position(|(o, ..)| *o == object) {
            Some(i) => i,
            None => {
                here.push((object, Vec::new(), Vec::new(), tag));
                here.len() - 1
            }
        };
        let set = match read.iter().find(|(k, n, _)| *k == r.kind && *n == name) {
            Some((.., set)) => set.clone(),
            None => {
                let set = fields_set(b, key, &r.kind, &name);
                read.push((&r.kind, name.clone(), set.clone()));
                set
            }
        };
        let fields = if set.is_empty() { r.field.iter().map(|f| b.fill(f)).collect() } else { set };
        for f in fields.iter().map(|f| code(f)) {
            if !here[i].1.contains(&f) {
                here[i].1.push(f);
            }
        }
        if let Some(n) = &r.note {
            here[i].2.push(b.prose(n.trim()));
        }
    }
    lay_out(out, &ns, &here, &not_here);
}

/// One object of the Kubernetes part: title, fields set, where it stands, notes.
type Line = (String, Vec<String>, Vec<String>, Option<String>);

fn lay_out(out: &mut String, ns: &str, here: &[Line], not_here: &[String]) {
    if here.is_empty() {
        let _ = writeln!(out, "**Kubernetes** · namespace {}: nothing here.", code(ns));
    } else {
        let _ = writeln!(out, "**Kubernetes** · namespace {}", code(ns));
    }
    for (object, fields, notes, tag) in here {
        let mut line = format!("- {object}");
        if !fields.is_empty() {
            let _ = write!(line, " → {}", fields.join(", "));
        }
        if let Some(t) = tag {
            let _ = write!(line, " ({t})");
        }
        if !notes.is_empty() {
            let _ = write!(line, " — {}", notes.join("; "));
        }
        out.push_str(&line);
        out.push('\n');
    }
    if !not_here.is_empty() {
        let _ = writeln!(out, "\nNot here: {}.", not_here.join("; "));
    }
    out.push('\n');
}

/// A key Convox does not read where it is written: it is silently ignored.
pub(super) fn unknown_key_hover(
    ctx: &Context,
    path: &KeyPath,
    pattern: &str,
    range: TextRange,
    key: &str,
    value_is_boolean: bool,
) -> Option<Hover> {
    let sch = schema::schema();
    let parent = pattern.rsplit_once('.').map_or("", |(p, _)| p);
    let siblings: Vec<&str> = sch.children(parent).map(|(k, _, _)| k).filter(|k| *k != "*").collect();
    // Under a map of free-form keys (labels, nodeSelectorLabels ...) every key is the user's.
    if siblings.is_empty() || (!parent.is_empty() && sch.get(parent).is_none()) {
        return None;
    }
    let mut out = String::new();
    let where_ =
        if parent.is_empty() { "at the top level".to_string() } else { format!("under {}", code(&path_parent(path))) };
    let _ = writeln!(out, "**{}** — not a key Convox reads {where_}\n", code(key));
    out.push_str("Convox ignores unknown keys without a word: this setting has no effect.\n");
    if let Some(s) = schema::suggest(key, &siblings, value_is_boolean) {
        let _ = write!(out, "\nDid you mean {}?\n", code(s));
    }
    Some(finish(range, &out, ctx))
}

fn path_parent(path: &KeyPath) -> String {
    let mut p = path.clone();
    p.0.pop();
    p.to_string()
}

/// What a value means, for the values that have one.
pub(super) fn value_note(out: &mut String, pattern: &str, text: &str, b: &Bind) {
    let v = text.trim_matches(['"', '\'']);
    match pattern {
        "services.*.scale.count" | "services.*.scale" => {
            if let Some(c) = b.service.and_then(|s| b.app.scale(&s.name.value)) {
                if c.min != c.max {
                    let _ = writeln!(
                        out,
                        "{}: between {} and {} replicas; {}.\n",
                        code(v),
                        c.min,
                        c.max,
                        if b.holds(When::Autoscale) == Some(true) {
                            "KEDA scales them"
                        } else {
                            "the HorizontalPodAutoscaler scales them"
                        }
                    );
                } else if c.min == 0 {
                    let _ = writeln!(
                        out,
                        "{}: no pods run; the Deployment stays as a template (timers can still use the service).\n",
                        code(v)
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "{}: {} replica{}, no autoscaling.\n",
                        code(v),
                        c.min,
                        if c.min == 1 { "" } else { "s" }
                    );
                }
            }
        }
        "timers.*.concurrency" => {
            let rendered = model::concurrency_policy(v);
            if ["Allow", "Forbid", "Replace"].contains(&rendered.as_str()) {
                let _ = writeln!(out, "{} renders as {}.\n", code(v), code(&format!("concurrencyPolicy: {rendered}")));
            } else {
                let _ = writeln!(
                    out,
                    "{} renders as {}, which Kubernetes rejects at promote: use Allow, Forbid or Replace.\n",
                    code(v),
                    code(&format!("concurrencyPolicy: {rendered}"))
                );
            }
        }
        _ => {}
    }
}
