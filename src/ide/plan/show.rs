//! The plan as text: `human` for a terminal, `markdown` for a pull request comment,
//! `$GITHUB_STEP_SUMMARY` or the editor's preview, `json` for programs (one entry per object).

use serde_json::{Value as Json, json};

use super::{Action, Change, Entry, Plan, Scalar};

/// Said under every plan: what a deploy does whatever the manifest change.
pub const EVERY_DEPLOY: &str = "Every deploy is a new release: the `release` label of each service's pod template \
(service.yml.tmpl:82) and its image tag `<service>.<build>` (template.go:94) change, so the pods of every service \
roll at each deploy. \"Pods roll\" above means the manifest change itself changes the pod template.";

const ORDER: [Action; 5] = [Action::Deleted, Action::Recreated, Action::Orphaned, Action::Changed, Action::Created];

fn summary(p: &Plan) -> String {
    if p.is_empty() {
        return format!("no change to the objects of namespace {} ({} unchanged)", p.namespace, p.unchanged);
    }
    let counts: Vec<String> =
        ORDER.iter().filter(|a| p.count(**a) > 0).map(|a| format!("{} {}", p.count(*a), a.as_str())).collect();
    format!("{} in namespace {} ({} unchanged)", counts.join(", "), p.namespace, p.unchanged)
}

fn sign(a: Action) -> &'static str {
    match a {
        Action::Created => "+",
        Action::Changed => "~",
        Action::Deleted => "-",
        Action::Recreated => "-/+",
        Action::Orphaned => "?",
    }
}

fn value(v: &Option<Scalar>) -> String {
    v.as_ref().map_or_else(|| "(none)".to_string(), Scalar::to_string)
}

fn flags(e: &Entry) -> Vec<&'static str> {
    let mut f = Vec::new();
    if e.loses_data {
        f.push("DATA LOST");
    } else if e.destructive {
        f.push("serves traffic");
    }
    if e.rolls {
        f.push("pods roll");
    }
    f
}

fn renames_line(p: &Plan) -> Option<String> {
    if p.renames.is_empty() {
        return None;
    }
    let names: Vec<String> = p.renames.iter().map(|r| r.title()).collect();
    Some(format!(
        "Renamed (same body, new name): {}. Convox creates the new name's objects and prunes the old ones: DNS names, volumes and data do not follow.",
        names.join(", ")
    ))
}

/// For a terminal.
pub fn human(p: &Plan) -> String {
    let mut out = format!("Deploy plan: {}\n", summary(p));
    if let Some(r) = renames_line(p) {
        out.push_str(&format!("\n{r}\n"));
    }
    for e in &p.entries {
        let f = flags(e);
        let f = if f.is_empty() { String::new() } else { format!("  [{}]", f.join(", ")) };
        out.push_str(&format!("\n{} {} {}: {}{f}\n", sign(e.action), e.kind, e.name, e.action.as_str()));
        for c in &e.changes {
            out.push_str(&format!("    {}: {} -> {}", c.path, value(&c.old), value(&c.new)));
            out.push_str(&keys_suffix(c));
            out.push('\n');
        }
        if e.changes.is_empty() && !e.keys.is_empty() {
            out.push_str(&format!("    from {}\n", e.keys.join(", ")));
        }
        for n in &e.notes {
            out.push_str(&format!("    note: {n}\n"));
        }
    }
    if p.destructive() {
        out.push_str("\nDestructive: objects that hold data or serve traffic are deleted or recreated.\n");
    }
    if !p.is_empty() {
        out.push_str(&format!("\n{}\n", EVERY_DEPLOY.replace('`', "")));
    }
    out
}

fn keys_suffix(c: &Change) -> String {
    if c.keys.is_empty() { String::new() } else { format!("  ({})", c.keys.join(", ")) }
}

/// Inline code that survives any content (a backtick inside gets a longer fence).
fn code(s: &str) -> String {
    let fence = if s.contains('`') { "``" } else { "`" };
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// For a pull request comment, `$GITHUB_STEP_SUMMARY` or the editor's preview.
pub fn markdown(p: &Plan) -> String {
    let mut out = format!("## Deploy plan\n\n{}\n", cell(&summary(p)));
    if let Some(r) = renames_line(p) {
        out.push_str(&format!("\n> **{}**\n", r.replace("*", "\\*")));
    }
    if p.destructive() {
        out.push_str("\n> **Destructive:** objects that hold data or serve traffic are deleted or recreated.\n");
    }
    if p.is_empty() {
        return out;
    }
    out.push_str("\n| | Object | Action | Pods roll | At stake | Keys |\n| --- | --- | --- | --- | --- | --- |\n");
    for e in &p.entries {
        let keys: Vec<String> = e.keys.iter().map(|k| code(&cell(k))).collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            cell(sign(e.action)),
            code(&cell(&format!("{} {}", e.kind, e.name))),
            e.action.as_str(),
            if e.rolls { "yes" } else { "" },
            if e.loses_data {
                "**data lost**"
            } else if e.destructive {
                "traffic"
            } else {
                ""
            },
            keys.join(", ")
        ));
    }
    for e in p.entries.iter().filter(|e| !e.changes.is_empty() || !e.notes.is_empty()) {
        out.push_str(&format!("\n### {} {} {}\n\n", sign(e.action), e.kind, e.name));
        for c in &e.changes {
            let keys = c.keys.iter().map(|k| code(k)).collect::<Vec<_>>().join(", ");
            let from = if keys.is_empty() { String::new() } else { format!(" (from {keys})") };
            out.push_str(&format!("- {}: {} → {}{from}\n", code(&c.path), code(&value(&c.old)), code(&value(&c.new))));
        }
        for n in &e.notes {
            out.push_str(&format!("- *{}*\n", n.replace('*', "\\*").replace('_', "\\_")));
        }
    }
    out.push_str(&format!("\n<sub>{EVERY_DEPLOY}</sub>\n"));
    out
}

fn scalar(v: &Option<Scalar>) -> Json {
    match v {
        None => Json::Null,
        Some(Scalar::Str(s)) => json!(s),
        Some(Scalar::Int(n)) => json!(n),
        Some(Scalar::Bool(b)) => json!(b),
    }
}

/// One document: the summary, the renames and one entry per object.
pub fn json(p: &Plan) -> Json {
    let objects: Vec<Json> = p
        .entries
        .iter()
        .map(|e| {
            let changes: Vec<Json> = e
                .changes
                .iter()
                .map(|c| json!({"path": c.path, "old": scalar(&c.old), "new": scalar(&c.new), "keys": c.keys}))
                .collect();
            json!({
                "kind": e.kind, "apiVersion": e.api_version, "name": e.name, "action": e.action.as_str(),
                "changes": changes, "podsRoll": e.rolls, "dataLost": e.loses_data,
                "destructive": e.destructive, "keys": e.keys, "notes": e.notes,
            })
        })
        .collect();
    let mut summary = serde_json::Map::new();
    for a in ORDER {
        summary.insert(a.as_str().into(), json!(p.count(a)));
    }
    summary.insert("unchanged".into(), json!(p.unchanged));
    let renames: Vec<Json> =
        p.renames.iter().map(|r| json!({"section": r.section, "old": r.old, "new": r.new})).collect();
    json!({
        "version": 1, "namespace": p.namespace, "summary": summary, "destructive": p.destructive(),
        "dataLost": p.loses_data(), "renames": renames, "objects": objects,
    })
}
