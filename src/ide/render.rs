//! `convox-lsp render`: the objects of the model ([`super::objects`]) as YAML documents, each
//! field set from the manifest followed by a comment naming its key, then the list of what the
//! model leaves out and why.

use super::analysis::Analysis;
use super::objects::{AppObjects, LEFT_OUT, Object, Owner, RenderContext};

pub(super) fn render(a: &Analysis, ctx: &RenderContext, only_service: Option<&str>) -> Result<String, String> {
    if let Some(name) = only_service
        && a.model().service(name).is_none()
    {
        return Err(format!("no service {name} in this manifest"));
    }
    let app = a.objects(ctx);
    let mut out = format!("# Kubernetes objects Convox renders for this manifest, namespace {}.\n", app.namespace);
    out.push_str("# `<...>` values are known only on the rack or at deploy time.\n");
    out.push_str(&placeholders(a));
    for o in selected(a, &app, only_service) {
        out.push_str("---\n");
        out.push_str(&document(o)?);
    }
    out.push_str(&left_out());
    Ok(out)
}

/// Without an environment, the `${VAR}`s are shown as written: say which.
fn placeholders(a: &Analysis) -> String {
    let mut names: Vec<&str> = Vec::new();
    for i in crate::model::interpolations(a.text()) {
        let n = &a.text()[i.range.start..i.range.end];
        if !names.contains(&n) {
            names.push(n);
        }
    }
    if names.is_empty() {
        return String::new();
    }
    format!(
        "# Shown as written, no environment given (--env-file, -e): {}. Convox substitutes the app's values, an empty string for an unset name.\n",
        names.join(", ")
    )
}

/// The objects to print: all, or those of one service and of the timers that run it.
fn selected<'a>(a: &Analysis, app: &'a AppObjects, only: Option<&str>) -> Vec<&'a Object> {
    let Some(name) = only else { return app.objects.iter().collect() };
    let runs = |t: &str| a.model().timer(t).and_then(|t| t.service.as_ref()).is_some_and(|s| s.value == name);
    app.objects
        .iter()
        .filter(|o| match &o.owner {
            Owner::Service(s) => s == name,
            Owner::Timer(t) => runs(t),
            _ => false,
        })
        .collect()
}

/// The trailing comment block: what Convox renders that the preview does not, and why.
fn left_out() -> String {
    let mut out = String::from("#\n# Left out of this preview (docs/render.md):\n");
    for l in LEFT_OUT {
        out.push_str(&format!("# - {}: {}\n", l.what, l.reason));
    }
    out
}

/// One object as YAML, a `# from <key>` comment after each field set from the manifest.
fn document(o: &Object) -> Result<String, String> {
    let value = o.value();
    let yaml = yaml_serde::to_string(&value.to_yaml()).map_err(|e| e.to_string())?;
    let mut fields = Vec::new();
    value.walk("", &mut fields);
    let notes: Vec<(String, String)> = fields.into_iter().map(|(p, x)| (p, x.from.join(", "))).collect();
    Ok(annotate(&yaml, &notes))
}

/// Appends the note of each field to its line. `notes` are in the order the fields are
/// serialised; a line's path (dotted keys, list items as `[]`) is matched to the next note with
/// that path, so two list items with the same path keep their own notes.
fn annotate(yaml: &str, notes: &[(String, String)]) -> String {
    let mut out = String::with_capacity(yaml.len() + notes.len() * 16);
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut cursor = 0;
    for line in yaml.lines() {
        out.push_str(line);
        if let Some(path) = line_path(line, &mut stack)
            && let Some(i) = notes[cursor..].iter().position(|(p, _)| *p == path)
        {
            cursor += i + 1;
            let note = &notes[cursor - 1].1;
            if !note.is_empty() {
                out.push_str("  # from ");
                out.push_str(note);
            }
        }
        out.push('\n');
    }
    out
}

/// The dotted path of the key on a line, tracking the enclosing keys in `stack`; `None` for a
/// line without a key (a scalar list item, a block scalar's text).
fn line_path(line: &str, stack: &mut Vec<(usize, String)>) -> Option<String> {
    let indent = line.len() - line.trim_start().len();
    let mut content = line.trim_start();
    let mut col = indent;
    let mut segments: Vec<(usize, String)> = Vec::new();
    while let Some(rest) = content.strip_prefix("- ") {
        segments.push((col, "[]".to_string()));
        col += 2;
        content = rest;
    }
    let key = content.split_once(": ").map(|(k, _)| k).or_else(|| content.strip_suffix(':'));
    let has_key = key.is_some_and(|k| !k.is_empty() && !k.starts_with(['"', '\'', '-', ' ']) && !k.contains(' '));
    let quoted_key = key.filter(|k| k.starts_with('\'') || k.starts_with('"')).map(|k| k.trim_matches(['\'', '"']));
    if has_key {
        segments.push((col, key.unwrap_or_default().to_string()));
    } else if let Some(k) = quoted_key {
        segments.push((col, k.to_string()));
    } else if segments.is_empty() {
        return None;
    }
    for (c, seg) in &segments {
        let item = seg == "[]";
        while stack.last().is_some_and(|(i, top)| *i > *c || (*i == *c && (!item || top == "[]"))) {
            stack.pop();
        }
        stack.push((*c, seg.clone()));
    }
    if !has_key && quoted_key.is_none() {
        return None;
    }
    Some(stack.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join(".").replace(".[]", "[]"))
}
