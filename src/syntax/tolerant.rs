//! The tolerant path's result: tree-sitter's tree, repaired, lowered (or read by the fast path
//! once the broken lines are blanked), with libyaml's messages for the errors.

use tree_sitter::Tree;

use super::repair::repair;
use super::strict::{hint, needs_strict_check, strict_error, token_at, trim_range, with_hint};
use super::{Parse, Parser, SyntaxError, fast, lower};
use crate::text::TextRange;

/// The parse of a text from tree-sitter's `tree` of it: repaired, then lowered (`guarded`: what
/// `guard` blanked, with its message).
pub(super) fn build(parser: &mut Parser, original: &str, tree: &Tree, guarded: Vec<(TextRange, String)>) -> Parse {
    // With lines blanked by the guard, `original` is the guarded text: messages quote it.
    let text = original;
    let mut errors: Vec<SyntaxError> = guarded
        .iter()
        .filter(|(_, m)| !m.is_empty())
        .map(|(r, m)| SyntaxError { range: *r, message: m.clone() })
        .collect();
    let mut broken: Vec<TextRange> = guarded.into_iter().map(|(r, _)| r).collect();
    let has_error = tree.root_node().has_error();
    let strict = if has_error { strict_error(text) } else { None };

    let (repaired_text, repaired_tree);
    let (lower_text, lower_tree) = if has_error {
        let (t, tr, blanked) = repair(parser, text, tree.clone());
        repaired_text = t;
        repaired_tree = tr;
        for (i, r) in blanked.iter().enumerate() {
            let line = &text[r.start..r.end];
            let message = match (&strict, i) {
                (Some(s), 0) => with_hint(s.verdict(), line),
                _ => hint(line).unwrap_or("invalid YAML").to_string(),
            };
            errors.push(SyntaxError { range: *r, message });
        }
        broken.extend(blanked);
        if repaired_tree.root_node().has_error() {
            // What the repair could not fix: report tree-sitter's own error nodes.
            for r in error_nodes(&repaired_tree) {
                if !errors.iter().any(|e| e.range.start <= r.end && r.start <= e.range.end) {
                    let message = match (&strict, errors.is_empty()) {
                        (Some(s), true) => s.verdict().to_string(),
                        _ => "invalid YAML".to_string(),
                    };
                    errors.push(SyntaxError { range: trim_range(text, r), message });
                }
            }
        }
        (repaired_text.as_str(), &repaired_tree)
    } else {
        (text, tree)
    };

    // Once the broken lines are blanked, the rest is usually block YAML the fast path reads: it
    // gives the same nodes as lowering the repaired tree (tests/fast_path.rs), in a tenth of the
    // time. (It never applies to a text without errors, which is the fast path's already.)
    let repaired = (parser.shortcut && !errors.is_empty() && !lower_tree.root_node().has_error())
        .then(|| fast::parse(lower_text))
        .flatten();
    let documents = match repaired {
        Some(documents) => documents,
        None => {
            let mut lowerer = lower::Lowerer::new(lower_text, lower_tree.root_node());
            let documents = lowerer.documents(lower_tree.root_node());
            if let Some(r) = lowerer.too_deep {
                errors.push(SyntaxError {
                    range: TextRange::empty(r.start),
                    message: format!("YAML nested deeper than {} levels is not read any further", lower::MAX_DEPTH),
                });
            }
            if errors.is_empty() {
                // What tree-sitter accepts but libyaml may not (an unknown alias, a tab ...).
                let strict = match strict {
                    Some(s) => Some(s),
                    None if lowerer.saw_properties || needs_strict_check(text) => strict_error(text),
                    None => None,
                };
                if let Some(s) = strict {
                    errors.push(SyntaxError { range: token_at(text, s.offset), message: s.verdict().to_string() });
                }
            }
            documents
        }
    };
    errors.sort_by_key(|e| (e.range.start, e.range.end));
    errors.dedup();
    Parse { documents, errors, broken }
}

/// The ranges of tree-sitter's ERROR and MISSING nodes, outermost first, without recursion.
pub(super) fn error_nodes(tree: &Tree) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    'outer: loop {
        let n = cursor.node();
        let mut descend = n.has_error();
        if n.is_error() || n.is_missing() {
            out.push(TextRange::new(n.start_byte(), n.end_byte()));
            descend = false;
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'outer;
            }
            if !cursor.goto_parent() {
                break 'outer;
            }
        }
    }
    out
}
