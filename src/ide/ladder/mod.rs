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
/// from the objects the hover already computed. When the short steps read only the facts of the
/// service's workload ([`facts::SHORT_VALUES`], [`facts::SHORT_NEEDS`]), only those are read (the
/// rest, its Service, env Secret, probes and limits, was most of a hover on a service's name).
pub fn short(a: &Analysis, ctx: &Context, app: &AppObjects, service: &str) -> Option<String> {
    let f = if short_reads_the_workload_only() {
        facts::short_service_facts(a, app, ctx, service)?
    } else {
        facts::facts(a, app, ctx, Subject::Service, service)?
    };
    short_with(&f)
}

/// Whether every `short` step for a service needs and fills in only what
/// [`facts::short_service_facts`] reads (decided once: the ladder is data).
fn short_reads_the_workload_only() -> bool {
    static ONLY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ONLY.get_or_init(|| {
        ladder::ladder().steps.iter().filter(|s| s.short && s.subjects.contains(&Subject::Service)).all(|s| {
            s.needs.iter().all(|n| facts::SHORT_NEEDS.contains(n))
                && s.run
                    .first()
                    .is_none_or(|c| placeholders(c).iter().all(|p| facts::SHORT_VALUES.contains(&p.as_str())))
        })
    })
}

/// The placeholders [`fill`] fills in a template.
fn placeholders(template: &str) -> Vec<String> {
    let seen = std::cell::RefCell::new(Vec::new());
    fill_with(template, |key| {
        if is_placeholder(key) {
            seen.borrow_mut().push(key.to_string());
        }
        None
    });
    seen.into_inner()
}

fn short_with(f: &Facts) -> Option<String> {
    let lines: Vec<String> = ladder::ladder()
        .steps
        .iter()
        .filter(|s| s.short && applies(&s.subjects, &s.needs, Subject::Service, f))
        .filter_map(|s| s.run.first().map(|c| fill(c, f)))
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
    fill_with(template, |key| is_placeholder(key).then(|| f.value(key).map(str::to_string)))
}

/// A fact's name in braces (lower case and `_`), not a jsonpath.
fn is_placeholder(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hover's short ladder read from the workload alone says what it says from every fact:
    /// on services with and without a port, an agent, a count of 0, an init container, an image.
    #[test]
    fn the_short_ladder_reads_the_same_from_the_workload_alone() {
        assert!(
            short_reads_the_workload_only(),
            "the short steps now read more than the workload: see facts::SHORT_VALUES"
        );
        let manifests =
            [include_str!("../../../examples/convox.yml"), include_str!("../../../tests/fixtures/troubleshoot.yml")];
        let mut compared = 0;
        for text in manifests {
            let a = Analysis::from_text(text);
            for ctx in [
                Context::default(),
                Context {
                    rack: Some("r".into()),
                    app: Some("a".into()),
                    router: Some("contour".into()),
                    ..Context::default()
                },
            ] {
                let app = facts::app_objects(&a, &ctx);
                for s in &a.model().services {
                    let name = &s.name.value;
                    let full = facts::facts(&a, &app, &ctx, Subject::Service, name).and_then(|f| short_with(&f));
                    assert_eq!(short(&a, &ctx, &app, name), full, "{name}");
                    compared += usize::from(full.is_some());
                }
            }
        }
        assert!(compared >= 8, "{compared}");
    }
}
