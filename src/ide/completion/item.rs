//! The completion item of a plain value, shared by the values and the names declared elsewhere.

use super::{CompletionItem, CompletionKind};
use crate::ide::analysis::Analysis;
use crate::text::TextRange;

/// An item that inserts its label, ranked `rank` in its list.
pub(super) fn value_item(
    label: &str,
    detail: Option<String>,
    kind: CompletionKind,
    replace: TextRange,
    rank: usize,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind,
        detail,
        doc_pattern: None,
        insert: label.to_string(),
        snippet: false,
        replace,
        sort: format!("{rank:04}"),
    }
}

/// The value already written in `range`, if any.
pub(super) fn current_value(a: &Analysis, range: TextRange) -> Option<&str> {
    (!range.is_empty()).then(|| a.text()[range.start..range.end].trim())
}
