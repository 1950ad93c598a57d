//! Diagnostics: what would make `convox deploy` fail, and what Convox silently ignores.

use super::Analysis;
use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    /// Stable identifier, documented in `docs/diagnostics.md`.
    pub code: &'static str,
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
            code: "yaml-syntax",
            message: e.message.clone(),
            fix: None,
        })
        .collect();
    // Validation reads the parts the parser could read; a broken line is reported once.
    out.extend(super::validate::validate(a));
    out.sort_by_key(|d| (d.range.start, d.range.end, d.severity));
    out
}
