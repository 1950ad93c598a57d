//! A diagnostic and its quick fix: plain data every check produces (validation, the ignore
//! comments, the build checks, the rack version, the deploy plan's data-loss warnings) and
//! `diagnostics.rs` collects.

use super::codes::{Code, Severity};
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

impl Fix {
    /// `text` with the fix's edits applied.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        let mut edits = self.edits.clone();
        edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        for (r, new) in edits {
            if r.start <= r.end && r.end <= out.len() && out.is_char_boundary(r.start) && out.is_char_boundary(r.end) {
                out.replace_range(r.start..r.end, &new);
            }
        }
        out
    }
}
