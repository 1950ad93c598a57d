//! Which steps of the troubleshooting ladder (`schema/data/troubleshoot.yml`) apply to a service,
//! timer or resource, and the values they are filled with: `facts.rs` reads them from the objects
//! Convox renders (`ide::objects`). The ladder itself (`troubleshoot`) and the service hover's
//! "if it does not run" part ([`short`]) both read it from here.

pub mod facts;

use std::fmt::Write as _;

use super::analysis::Analysis;
use super::objects::{AppObjects, fill_with};
use crate::context::Context;
use crate::schema::ladder::{self, Need, Subject};
use facts::Facts;

/// The "if it does not run" part of a service hover: the first command of each `short` step,
/// from the objects the hover already computed.
pub fn short(a: &Analysis, ctx: &Context, app: &AppObjects, service: &str) -> Option<String> {
    let f = facts::facts(a, app, ctx, Subject::Service, service)?;
    let lines: Vec<String> = ladder::ladder()
        .steps
        .iter()
        .filter(|s| s.short && applies(&s.subjects, &s.needs, Subject::Service, &f))
        .filter_map(|s| s.run.first().map(|c| fill(c, &f)))
        .collect();
    if lines.is_empty() {
        return None;
    }
    // A list of commands, not a second fenced block: the hover's one kubectl block stays at its top.
    let mut out = format!("{}\n\n", ladder::ladder().short);
    for l in lines {
        let _ = writeln!(out, "- `{l}`");
    }
    Some(out)
}

/// The app's and the rack's namespaces, and the command that lists both (`explain`'s header).
pub fn namespaces(ctx: &Context) -> String {
    fill(&ladder::ladder().namespaces, &facts::Facts::context(ctx))
}

pub(in crate::ide) fn applies(subjects: &[Subject], needs: &[Need], subject: Subject, f: &Facts) -> bool {
    subjects.contains(&subject) && needs.iter().all(|n| f.needs.contains(n))
}

/// Replaces `{placeholder}` (lower case and `_`) with the fact's value; anything else in braces
/// (a jsonpath) stays.
pub(in crate::ide) fn fill(template: &str, f: &Facts) -> String {
    fill_with(template, |key| {
        let placeholder = !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        placeholder.then(|| f.value(key).map(str::to_string))
    })
}
