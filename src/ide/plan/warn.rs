//! The `data-loss` warning: a key whose change, compared with a base version of the manifest (the
//! server uses the committed one), deletes or recreates a volume claim at the next deploy.

use super::{Action, Entry, effects, plan_of};
use crate::ide::analysis::Analysis;
use crate::ide::codes::{Code, Severity};
use crate::ide::diagnostic::Diagnostic;
use crate::ide::objects::RenderContext;
use crate::syntax::yaml::Node;
use crate::text::TextRange;

/// One warning per object whose data is lost, on the deepest key of the responsible path that the
/// new text still has (the section a removed resource was in, the renamed name, the changed key).
///
/// Only volume claims are compared, and nothing is rendered for the new text when the base has
/// none (the base's objects are cached with it): a keystroke in a manifest without a database pays
/// for the base's cached render only.
pub fn data_loss(base: &Analysis, new: &Analysis, ctx: &RenderContext, base_name: &str) -> Vec<Diagnostic> {
    if claims_key(base).is_some_and(|k| Some(k) == claims_key(new)) {
        return Vec::new();
    }
    if !base.objects(ctx).objects.iter().any(effects::holds_data) {
        return Vec::new();
    }
    let p = plan_of(base, new, ctx, effects::holds_data);
    let mut out: Vec<Diagnostic> = Vec::new();
    for e in p.entries.iter().filter(|e| e.loses_data) {
        // A renamed owner's warning goes on its new name.
        let renamed = p.renames.iter().find(|r| e.keys.iter().any(|k| *k == format!("{}.{}", r.section, r.old)));
        let key = renamed.map(|r| format!("{}.{}", r.section, r.new)).or_else(|| e.keys.first().cloned());
        let range = key.map_or_else(|| first_line(new.text()), |k| key_range(new, &k));
        let message = message(e, &p.renames, base_name);
        if let Some(d) = out.iter_mut().find(|d| d.range == range) {
            d.message.push_str(&format!("; {message}"));
            continue;
        }
        out.push(Diagnostic { range, severity: Severity::Warning, code: Code::DataLoss, message, fix: None });
    }
    // `# convox-lsp: ignore[data-loss]` silences it as it does every other code.
    crate::ide::ignore::silence(new.text(), &mut out);
    out
}

/// The text every volume claim is rendered from: the `resources` section and each service's name
/// with its `volumeOptions`. Equal on both sides, no claim can differ, and a keystroke elsewhere
/// renders nothing. `None` (always compare) when anchors or merge keys could bring text from
/// elsewhere.
fn claims_key(a: &Analysis) -> Option<String> {
    let text = a.text();
    if text.contains('&') || text.contains("<<") {
        return None;
    }
    let root = a.model().document(a.parse().root());
    let slice = |r: TextRange| text.get(r.start..r.end).unwrap_or_default();
    let mut key = root.get("resources").map(|e| slice(e.value.range).to_string()).unwrap_or_default();
    for e in root.get("services").and_then(|s| s.value.as_map()).unwrap_or_default() {
        key.push('\0');
        key.push_str(e.key.as_str().unwrap_or_default());
        if let Some(v) = e.value.get("volumeOptions") {
            key.push_str(slice(v.value.range));
        }
    }
    Some(key)
}

fn message(e: &Entry, renames: &[super::Rename], base_name: &str) -> String {
    let keys = e.keys.join(", ");
    let why = match e.action {
        Action::Recreated => "recreates",
        _ => "deletes",
    };
    let renamed = renames.iter().find(|r| e.keys.iter().any(|k| k == &format!("{}.{}", r.section, r.old)));
    let cause = match renamed {
        Some(r) => format!("renaming {} (Convox prunes the old name's objects)", r.title()),
        None if e.action == Action::Deleted => format!("removing {keys}"),
        None => format!("changing {keys}"),
    };
    format!(
        "compared with {base_name}, {cause} {why} {} {} at the next deploy, and the data on its volume with it",
        e.kind, e.name
    )
}

fn first_line(text: &str) -> TextRange {
    TextRange { start: 0, end: text.find('\n').unwrap_or(text.len()) }
}

/// The key range of the deepest part of `path` (`services.web.volumeOptions[0].awsEfs.id`) the
/// document has.
fn key_range(a: &Analysis, path: &str) -> TextRange {
    let mut node: &Node = a.parse().root();
    let mut best = first_line(a.text());
    for seg in path.split('.') {
        let (key, index) = match seg.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (seg, None),
        };
        let Some(entry) = node.get(key) else { break };
        best = entry.key.range;
        node = &entry.value;
        if let Some(i) = index {
            match node.as_seq().and_then(|items| items.get(i)) {
                Some(item) => node = item,
                None => break,
            }
        }
    }
    best
}
