//! The troubleshooting ladder of a service, timer or resource: the steps of
//! `schema/data/troubleshoot.yml` that apply to it (decided from the objects Convox renders, see
//! `facts`), in order, with every name filled in, each bad answer pointing at the manifest keys to
//! look at; then the "works locally but not in Kubernetes" checklist. `convox-lsp troubleshoot`,
//! the `convox.troubleshoot` command and the code lens read it from here; which steps apply to a
//! subject, and the values they are filled with, are `ladder`'s (the service hover reads its
//! short form from there).

use std::fmt::Write as _;

use super::ladder::facts::{self, Facts};
use super::ladder::{applies, fill};
use crate::context::Context;
use crate::ide::analysis::Analysis;
use crate::schema::ladder::{self, Check, Sign, Step, Subject};
use crate::schema::{self};
use crate::syntax::yaml::Node;
use crate::text::TextRange;

pub use super::ladder::facts::app_objects;
pub use super::ladder::{namespaces, short};

/// A service, timer or resource the ladder can be asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub subject: Subject,
    pub name: String,
    /// The declared name in the file (where a code lens goes).
    pub range: TextRange,
}

impl Target {
    /// `services.web`: the name that is never ambiguous.
    pub fn qualified(&self) -> String {
        format!("{}.{}", section(self.subject), self.name)
    }
}

fn section(s: Subject) -> &'static str {
    match s {
        Subject::Service => "services",
        Subject::Timer => "timers",
        Subject::Resource => "resources",
    }
}

/// Every service, timer and resource of the file, in that order.
pub fn targets(a: &Analysis) -> Vec<Target> {
    let m = a.model();
    let services = m.services.iter().map(|s| (Subject::Service, &s.name));
    let timers = m.timers.iter().map(|t| (Subject::Timer, &t.name));
    let resources = m.resources.iter().map(|r| (Subject::Resource, &r.name));
    services
        .chain(timers)
        .chain(resources)
        .map(|(subject, n)| Target { subject, name: n.value.clone(), range: n.range })
        .collect()
}

/// The target a name stands for: `web`, or `services.web` when a timer or resource has the same
/// name (services first, then timers, then resources). `Err` lists the names there are.
pub fn resolve(a: &Analysis, name: &str) -> Result<Target, Vec<String>> {
    let all = targets(a);
    let want = name.trim();
    let found = all.iter().find(|t| t.qualified() == want).or_else(|| all.iter().find(|t| t.name == want));
    found.cloned().ok_or_else(|| lenses(a).into_iter().map(|l| l.name).collect())
}

/// The whole ladder for a name, as Markdown.
pub fn ladder(a: &Analysis, ctx: &Context, name: &str) -> Result<String, Vec<String>> {
    let target = resolve(a, name)?;
    let app = facts::app_objects(a, ctx);
    let f = facts::facts(a, &app, ctx, target.subject, &target.name).ok_or_else(Vec::new)?;
    let data = ladder::ladder();
    let mut out = String::new();
    header(&mut out, &target, &f);
    let steps: Vec<&Step> = data.steps.iter().filter(|s| applies(&s.subjects, &s.needs, target.subject, &f)).collect();
    for (i, step) in steps.iter().enumerate() {
        write_step(&mut out, a, &target, &f, i + 1, step);
    }
    let checks: Vec<&Check> =
        data.checklist.iter().filter(|c| applies(&c.subjects, &c.needs, target.subject, &f)).collect();
    if !checks.is_empty() {
        out.push_str("## Works locally, not in Kubernetes?\n\n");
        for c in checks {
            let _ = write!(out, "- **{}**: {}.", c.title, fill(&c.text, &f));
            write_look(&mut out, a, &target, &f, &c.look);
            out.push('\n');
        }
    }
    Ok(out.trim_end().to_string() + "\n")
}

fn header(out: &mut String, t: &Target, f: &Facts) {
    let what = match t.subject {
        Subject::Service => "service",
        Subject::Timer => "timer",
        Subject::Resource => "resource",
    };
    let _ = writeln!(out, "# Troubleshooting {what} `{}`\n", t.name);
    let mut facts = Vec::new();
    if let (Some(k), Some(w)) = (f.value("workload_kind"), f.value("workload")) {
        facts.push(format!("{k} `{}`", w.split_once('/').map_or(w, |(_, n)| n)));
    }
    facts.push(fill(&ladder::ladder().namespaces, f));
    let _ = writeln!(out, "{}\n", facts.join(" · "));
}

fn write_step(out: &mut String, a: &Analysis, t: &Target, f: &Facts, n: usize, step: &Step) {
    let _ = writeln!(out, "## {n}. {}\n", step.title);
    let _ = writeln!(out, "{}\n", fill(&step.why, f));
    out.push_str("```sh\n");
    for c in &step.run {
        let _ = writeln!(out, "{}", fill(c, f));
    }
    out.push_str("```\n\n");
    let shown =
        |s: &&Sign| (s.only.is_empty() || s.only.contains(&t.subject)) && s.needs.iter().all(|n| f.needs.contains(n));
    for sign in step.bad.iter().filter(shown) {
        write_sign(out, a, t, f, sign);
    }
    out.push('\n');
}

fn write_sign(out: &mut String, a: &Analysis, t: &Target, f: &Facts, sign: &Sign) {
    let _ = write!(out, "- {} → {}.", fill(&sign.sign, f), fill(&sign.means, f));
    write_look(out, a, t, f, &sign.look);
    out.push('\n');
}

/// " Look at `services.web.command`, `services.web.health` (not set)." — the keys that exist for
/// this subject, those the file does not set marked.
fn write_look(out: &mut String, a: &Analysis, t: &Target, f: &Facts, look: &[String]) {
    let keys: Vec<String> = look
        .iter()
        .filter_map(|k| manifest_key(k, t, f))
        .map(|k| if is_set(a.parse().root(), &k) { format!("`{k}`") } else { format!("`{k}` (not set)") })
        .collect();
    let mut seen: Vec<String> = Vec::new();
    for k in keys {
        if !seen.contains(&k) {
            seen.push(k);
        }
    }
    if !seen.is_empty() {
        let _ = write!(out, " Look at {}.", seen.join(", "));
    }
}

/// The concrete key a ladder key stands for here: `/environment` is top-level; `command` is the
/// subject's own key when the knowledge base has it, else (for a timer) its service's; keys the
/// knowledge base does not have for this subject (or, for a resource option, for its type) are
/// dropped.
fn manifest_key(key: &str, t: &Target, f: &Facts) -> Option<String> {
    let sch = schema::schema();
    if let Some(top) = key.strip_prefix('/') {
        return sch.get(top).map(|_| top.to_string());
    }
    let own = sch.get(&format!("{}.*.{key}", section(t.subject)));
    if let Some(doc) = own {
        let fits = doc.types.is_empty() || f.resource_type.as_ref().is_some_and(|ty| doc.types.contains(ty));
        return fits.then(|| format!("{}.{key}", f.base));
    }
    let base = f.service_base.as_ref()?;
    sch.get(&format!("services.*.{key}")).map(|_| format!("{base}.{key}"))
}

/// Whether the file writes this key (`services.web.scale.cpu`).
fn is_set(root: &Node, key: &str) -> bool {
    let mut node = root;
    let mut rest = key;
    // Names may contain dots only in theory; the first two segments are section and name.
    while !rest.is_empty() {
        let (head, tail) = rest.split_once('.').unwrap_or((rest, ""));
        match node.get(head) {
            Some(e) => node = &e.value,
            None => return false,
        }
        rest = tail;
    }
    true
}

/// A code lens "troubleshoot" above each service, timer and resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TroubleshootLens {
    pub range: TextRange,
    /// The argument of `convox.troubleshoot`: the name, qualified when another section uses it.
    pub name: String,
}

pub fn lenses(a: &Analysis) -> Vec<TroubleshootLens> {
    let all = targets(a);
    // The first target of each name (a name used by two sections is qualified on the others).
    let mut firsts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, t) in all.iter().enumerate() {
        firsts.entry(t.name.as_str()).or_insert(i);
    }
    all.iter()
        .map(|t| {
            let first = all[firsts[t.name.as_str()]] == *t;
            TroubleshootLens { range: t.range, name: if first { t.name.clone() } else { t.qualified() } }
        })
        .collect()
}
