//! Definition, references, highlights and rename, over the declarations and references of
//! `names.rs` (and, for rename, the names read through aliases, `aliases.rs`).

use super::analysis::Analysis;
use super::names::{NameKind, at, occurrences, plain_name, related};
use crate::text::TextRange;

/// Go to definition: the declarations of the name under the cursor.
pub fn definition(a: &Analysis, offset: usize) -> Vec<TextRange> {
    let Some(o) = at(a, offset) else { return Vec::new() };
    related(a, &o).into_iter().filter(|x| x.declaration).map(|x| x.range).collect()
}

/// Find references: every use, with or without the declarations.
pub fn references(a: &Analysis, offset: usize, include_declaration: bool) -> Vec<TextRange> {
    let Some(o) = at(a, offset) else { return Vec::new() };
    related(a, &o).into_iter().filter(|x| include_declaration || !x.declaration).map(|x| x.range).collect()
}

/// Document highlight: `(range, is the declaration)`.
pub fn highlights(a: &Analysis, offset: usize) -> Vec<(TextRange, bool)> {
    let Some(o) = at(a, offset) else { return Vec::new() };
    related(a, &o).into_iter().map(|x| (x.range, x.declaration)).collect()
}

/// What a rename would do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rename {
    pub edits: Vec<(TextRange, String)>,
    /// The Kubernetes names (and variables) that change with it, for the user to confirm.
    pub consequences: Vec<String>,
}

/// The name that can be renamed at the cursor, with its range.
pub fn prepare_rename(a: &Analysis, offset: usize) -> Result<(TextRange, String), String> {
    let o = at(a, offset).ok_or_else(|| "no service, resource, timer or balancer name here".to_string())?;
    match o.kind {
        NameKind::Service | NameKind::Resource | NameKind::Timer | NameKind::Balancer => Ok((o.range, o.name)),
        k => Err(format!("renaming a {} is not supported", k.as_str())),
    }
}

/// Renames the name at the cursor everywhere, refusing names Convox rejects.
pub fn rename(a: &Analysis, offset: usize, new_name: &str) -> Result<Rename, String> {
    prepare_rename(a, offset)?;
    let o = at(a, offset).expect("prepare_rename found it");
    let valid = {
        let mut c = new_name.chars();
        c.next().is_some_and(|f| f.is_ascii_lowercase())
            && c.all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || x == '-')
    };
    if !valid {
        return Err(format!(
            "{} name {new_name} invalid, must contain only lowercase alphanumeric and dashes (starting with a letter)",
            o.kind.as_str()
        ));
    }
    let related = related(a, &o);
    if occurrences(a).iter().any(|x| x.kind == o.kind && x.declaration && x.name == new_name) {
        return Err(format!("a {} named {new_name} already exists", o.kind.as_str()));
    }
    let old = o.name.as_str();
    // One edit per place: the model reads an aliased list once per alias (`resources: *res` in two
    // services), so the same anchored scalar can be related twice; sorted, an overlap is dropped.
    let (aliased, as_names) = through_aliases(a, o.kind, old)?;
    let mut ranges: Vec<TextRange> = related.iter().map(|x| x.range).chain(aliased).collect();
    anchors_read_otherwise(a, o.kind, old, &ranges, &as_names)?;
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut edits: Vec<(TextRange, String)> = Vec::new();
    for range in ranges {
        if edits.last().is_none_or(|(r, _)| r.end <= range.start) {
            edits.push(rename_edit(a, range, old, new_name));
        }
    }
    let mut consequences = renamed_objects(a, o.kind, old, new_name, &edits);
    match o.kind {
        NameKind::Resource => consequences.extend([
            format!(
                "{}_URL… → {}_URL… in the services that link it",
                crate::model::env_prefix(old),
                crate::model::env_prefix(new_name)
            ),
            "a containerized resource starts empty under its new name".to_string(),
        ]),
        NameKind::Balancer => consequences.push("a new load balancer address".to_string()),
        _ => {}
    }
    Ok(Rename { edits, consequences })
}

/// The ranges of the name `old` of `kind` that Convox reads only through an alias (`x-res: &res
/// [db]` with `resources: *res`): the anchored scalars, renamed with the rest. With them, the
/// ranges of the aliases they are read through.
fn through_aliases(a: &Analysis, kind: NameKind, old: &str) -> Result<(Vec<TextRange>, Vec<TextRange>), String> {
    let walk = super::aliases::reached(a.parse().root(), kind)
        .ok_or_else(|| "the aliases of this file expand to too much to follow: rename by hand".to_string())?;
    let text = a.text();
    let mut out = (Vec::new(), Vec::new());
    for r in &walk.reached {
        out.1.push(r.alias.1);
        let Some(value) = r.node.as_str() else { continue };
        let name = match kind {
            NameKind::Resource => crate::model::resource_ref_parts(value).0,
            _ => value,
        };
        if name == old {
            out.0.push(crate::model::value_range(text, r.node, 0, name.len()));
        }
    }
    Ok(out)
}

/// Refuses a rename that would change more than the name: an anchored node holding a renamed
/// place that is also read as something else, where it is written (`command: &w web` with a
/// timer's `service: *w`) or through another alias (`service: &s web` with `command: *s`). A place
/// Convox does not read (an `x-` key) does not count; nor does an alias the walk reads as a name.
fn anchors_read_otherwise(
    a: &Analysis,
    kind: NameKind,
    old: &str,
    renamed: &[TextRange],
    as_names: &[TextRange],
) -> Result<(), String> {
    use crate::syntax::yaml::Kind;
    let text = a.text();
    // Where Convox reads the node at `at` as something other than a name of the kind.
    let otherwise = |at: usize| {
        let m = crate::schema::schema().lookup(&a.key_path_at(at).path);
        let names: &[&str] = match kind {
            NameKind::Service => {
                &["services.*", "timers.*.service", "balancers.*.service", "budget.neverAutoShutdown[]"]
            }
            NameKind::Resource => &["resources.*", "services.*.resources[]"],
            NameKind::Timer => &["timers.*"],
            NameKind::Balancer => &["balancers.*"],
            _ => &[],
        };
        m.doc.is_some() && !names.contains(&m.pattern.as_str())
    };
    let line = |at: usize| text[..at].matches('\n').count() + 1;
    let mut stack = vec![a.parse().root()];
    while let Some(n) = stack.pop() {
        if let Some(anchor) = &n.anchor
            && renamed.iter().any(|r| n.range.start <= r.start && r.end <= n.range.end)
        {
            if n.as_str().is_some() && otherwise(n.range.start) {
                return Err(format!(
                    "`{old}` on line {} is also {}, anchored `&{}` and read through `*{}` as a {} name: renaming it would change {} too; rename by hand",
                    line(n.range.start),
                    a.key_path_at(n.range.start).path,
                    anchor.0,
                    anchor.0,
                    kind.as_str(),
                    a.key_path_at(n.range.start).path,
                ));
            }
            if let Some(other) = aliases_named(a.parse().root(), &anchor.0)
                .into_iter()
                .find(|x| !as_names.contains(x) && otherwise(x.start))
            {
                return Err(format!(
                    "`*{}` on line {} reads `{old}` as {}: renaming it would change that too; rename by hand",
                    anchor.0,
                    line(other.start),
                    a.key_path_at(other.start).path
                ));
            }
        }
        match &n.kind {
            Kind::Map(entries) => stack.extend(entries.iter().flat_map(|e| [&e.key, &e.value])),
            Kind::Seq(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    Ok(())
}

/// The ranges of every alias `*name` of the document.
fn aliases_named(root: &crate::syntax::yaml::Node, name: &str) -> Vec<TextRange> {
    use crate::syntax::yaml::Kind;
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match &n.kind {
            Kind::Alias(x) if x == name => out.push(n.range),
            Kind::Map(entries) => stack.extend(entries.iter().flat_map(|e| [&e.key, &e.value])),
            Kind::Seq(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    out
}

/// The objects that get new names, from the model of what Convox renders before and after the
/// edits: `Deployment web → api`, one line per object of the renamed owner.
fn renamed_objects(a: &Analysis, kind: NameKind, old: &str, new: &str, edits: &[(TextRange, String)]) -> Vec<String> {
    use super::objects::{Owner, RenderContext, objects};
    let owner = |n: &str| match kind {
        NameKind::Service => Some(Owner::Service(n.to_string())),
        NameKind::Resource => Some(Owner::Resource(n.to_string())),
        NameKind::Timer => Some(Owner::Timer(n.to_string())),
        NameKind::Balancer => Some(Owner::Balancer(n.to_string())),
        _ => None,
    };
    let (Some(before_owner), Some(after_owner)) = (owner(old), owner(new)) else { return Vec::new() };
    let mut text = a.text().to_string();
    let mut sorted: Vec<&(TextRange, String)> = edits.iter().collect();
    sorted.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    for (r, s) in sorted {
        text.replace_range(r.start..r.end, s);
    }
    let after = Analysis::from_text(&text);
    let ctx = RenderContext::new(&crate::context::Context::default());
    let render = |a: &Analysis| objects(a.parse().root(), a.model(), &ctx);
    let (before, after) = (render(a), render(&after));
    before
        .owned_by(&before_owner)
        .zip(after.owned_by(&after_owner))
        .filter(|(b, n)| b.kind == n.kind && b.name != n.name)
        .map(|(b, n)| format!("{} {} → {}", b.kind, b.name, n.name))
        .collect()
}

/// The edit that renames `old` to `new` at `range`. Where the source spells the name as is, the
/// name alone is replaced (a valid name needs no quoting, so the quoting around it is kept);
/// otherwise `range` is a whole scalar whose source differs from its value (escapes, a quoted
/// `name:ENV` with escapes): the scalar is rewritten, double-quoted, with the name replaced.
///
/// Only the scalar itself changes: an anchor or tag written before it (`&svc web`, `!!str web`)
/// stays, so the aliases of it still resolve.
fn rename_edit(a: &Analysis, range: TextRange, old: &str, new: &str) -> (TextRange, String) {
    let text = a.text();
    if crate::model::is_verbatim(text, range, old) {
        // The whole of a plain scalar: `yes`, `no`, `null` ... would no longer be strings.
        let whole = scalar_node(a.parse().root(), range).is_some();
        return (range, if whole { plain_name(new) } else { new.to_string() });
    }
    let node = scalar_node(a.parse().root(), range);
    let content = node.map_or(range, |n| content_range(text, n));
    if content != range {
        // The scalar after its properties: renamed as if it were written alone.
        let value = node.and_then(|n| n.as_str()).unwrap_or_default();
        let quote = usize::from(text[content.start..].starts_with(['"', '\'']));
        let name = TextRange::new(content.start + quote, content.start + quote + old.len());
        if text.get(content.start + quote..content.end - quote) == Some(value)
            && text.get(name.start..name.end) == Some(old)
        {
            let whole = value == old && quote == 0;
            return (name, if whole { plain_name(new) } else { new.to_string() });
        }
    }
    let value = node.and_then(|n| n.as_str()).unwrap_or_default();
    let renamed = match value.strip_prefix(old) {
        Some(rest) => format!("{new}{rest}"),
        None => new.to_string(),
    };
    (content, serde_json::to_string(&renamed).unwrap_or_else(|_| new.to_string()))
}

/// The range of a scalar without the anchor, tag and blanks written before it.
fn content_range(text: &str, node: &crate::syntax::yaml::Node) -> TextRange {
    let mut start = node.after_properties();
    // Blanks, line breaks and comments between the properties and the scalar.
    loop {
        let rest = &text[start..node.range.end];
        let trimmed = rest.trim_start();
        match trimmed.strip_prefix('#') {
            Some(c) => start = node.range.end - c.len() + c.find('\n').unwrap_or(c.len()),
            None => {
                start = node.range.end - trimmed.len();
                break;
            }
        }
    }
    TextRange::new(start, node.range.end)
}

/// The scalar whose range is `range`.
fn scalar_node(node: &crate::syntax::yaml::Node, range: TextRange) -> Option<&crate::syntax::yaml::Node> {
    use crate::syntax::yaml::Kind;
    if node.range == range {
        return node.as_scalar().map(|_| node);
    }
    if !node.range.contains_inclusive(range.start) {
        return None;
    }
    match &node.kind {
        Kind::Map(entries) => {
            entries.iter().find_map(|e| scalar_node(&e.key, range).or_else(|| scalar_node(&e.value, range)))
        }
        Kind::Seq(items) => items.iter().find_map(|i| scalar_node(i, range)),
        _ => None,
    }
}
