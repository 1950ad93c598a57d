//! Diagnostics: what would make `convox deploy` fail, and what Convox silently ignores.

use super::Analysis;
use super::codes::Code;
pub use super::codes::Severity;
use super::ignore::suppressed;
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    /// Stable identifier, documented in `docs/diagnostics.md`.
    pub code: Code,
    pub message: String,
    /// A quick fix, when there is an obvious one.
    pub fix: Option<Fix>,
}

/// A set of text edits that fixes a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// Non-overlapping replacements, in any order.
    pub edits: Vec<(TextRange, String)>,
}

pub(super) fn diagnostics(a: &Analysis) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = a
        .parse()
        .errors
        .iter()
        .map(|e| Diagnostic {
            range: e.range,
            severity: Severity::Error,
            code: Code::YamlSyntax,
            message: e.message.clone(),
            fix: None,
        })
        .collect();
    // Validation reads the parts the parser could read; a broken line is reported once.
    out.extend(super::validate::validate(a));
    out.extend(super::ignore::unknown_codes(a.text()));
    out.retain(|d| !suppressed(a.text(), d));
    out.sort_by_key(|d| (d.range.start, d.range.end, d.severity));
    out
}

/// Adds diagnostics computed outside this module (the build checks), silenced and sorted alike.
pub(super) fn merge(a: &Analysis, out: &mut Vec<Diagnostic>, more: Vec<Diagnostic>) {
    if more.is_empty() {
        return;
    }
    out.extend(more.into_iter().filter(|d| !suppressed(a.text(), d)));
    out.sort_by_key(|d| (d.range.start, d.range.end, d.severity));
}

/// Applies per-code severities from the settings: a level, or `None` to switch the code off.
pub fn apply_severities(diags: &mut Vec<Diagnostic>, overrides: &[(Code, Option<Severity>)]) {
    if overrides.is_empty() {
        return;
    }
    diags.retain_mut(|d| match overrides.iter().find(|(c, _)| *c == d.code) {
        Some((_, Some(level))) => {
            d.severity = *level;
            true
        }
        Some((_, None)) => false,
        None => true,
    });
}
