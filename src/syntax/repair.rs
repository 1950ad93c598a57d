//! The repair pass: blanks broken lines until tree-sitter reads the rest of the document.

use tree_sitter::{InputEdit, Point, Tree};

use super::strict::{StrictError, floor_boundary, strict_error, trim_range};
use super::tolerant::error_nodes;
use super::{Parser, mend};
use crate::text::TextRange;

/// How many lines the repair pass may blank before it gives up and reports what is left.
const MAX_REPAIRS: usize = 8;

/// Blanks broken lines (replacing their bytes with spaces, so every offset stays the same) until
/// tree-sitter reads the rest of the document, or the repair budget runs out. Returns the text and
/// tree to lower, and the blanked line ranges (their content, without indentation).
pub(super) fn repair(parser: &mut Parser, text: &str, mut tree: Tree) -> (String, Tree, Vec<TextRange>) {
    let mut work = text.to_string();
    let mut blanked: Vec<TextRange> = Vec::new();
    for _ in 0..MAX_REPAIRS {
        if !tree.root_node().has_error() {
            break;
        }
        let candidates = repair_candidates(&work, &tree);
        if candidates.is_empty() {
            break;
        }
        let mut chosen = None;
        for (i, lines) in candidates.iter().enumerate() {
            let (t, tr) = blank_and_parse(parser, &work, &tree, lines);
            let last = i + 1 == candidates.len();
            if !tr.root_node().has_error() || last {
                chosen = Some((t, tr, lines.clone()));
                break;
            }
        }
        let Some((t, tr, lines)) = chosen else { break };
        work = t;
        tree = tr;
        blanked.extend(lines.into_iter().map(|r| trim_range(text, r)));
    }
    blanked.sort();
    blanked.dedup();
    (work, tree, blanked)
}

/// Which lines to try blanking, in order: for a local error node, its own lines; otherwise the
/// line libyaml stops at and the content line before it (a missing colon or a bad indent is
/// usually noticed one line late).
pub(super) fn repair_candidates(work: &str, tree: &Tree) -> Vec<Vec<TextRange>> {
    // The lines the fast path stops at come first: usually the line being typed, and the lines
    // the broken-line shortcut (`mend.rs`) tries, so both paths pick the same line.
    let mut out: Vec<Vec<TextRange>> = mend::stop_lines(work).into_iter().map(|l| vec![l]).collect();
    out.extend(other_candidates(work, tree));
    out
}

pub(super) fn other_candidates(work: &str, tree: &Tree) -> Vec<Vec<TextRange>> {
    let root = tree.root_node();
    let truncated = root.is_error() || root.end_byte() < work.trim_end().len();
    if !truncated && let Some(r) = error_nodes(tree).into_iter().find(|r| !r.is_empty() || r.start < work.len()) {
        let lines = lines_of(work, r);
        if lines.len() == 1 {
            return vec![lines];
        }
    }
    let strict = strict_error(work);
    let offset = match &strict {
        Some(e) => e.offset,
        None if truncated => root.end_byte(),
        None => match error_nodes(tree).first() {
            Some(r) => r.start,
            None => return Vec::new(),
        },
    };
    line_candidates(work, strict.as_ref(), offset).into_iter().map(|l| vec![l]).collect()
}

/// The lines to try blanking for an error libyaml (`strict`) or tree-sitter reports at `offset`,
/// in order: the key's own line when libyaml names it ("could not find expected ':' ... while
/// scanning a simple key at line 4"), the content line before the error's line (a missing colon or
/// a bad indent is usually noticed one line late), the error's line.
pub(super) fn line_candidates(work: &str, strict: Option<&StrictError>, offset: usize) -> Vec<TextRange> {
    let key_line = strict.and_then(|e| {
        let (_, rest) = e.message.split_once("while scanning a simple key at line ")?;
        let line: usize = rest.split(' ').next()?.parse().ok()?;
        let start = work.split_inclusive('\n').take(line.checked_sub(1)?).map(str::len).sum::<usize>();
        Some(line_range(work, start))
    });
    let line = line_range(work, offset);
    let mut out = Vec::new();
    out.extend(key_line);
    out.extend(prev_content_line(work, line.start));
    if !work[line.start..line.end].trim().is_empty() {
        out.push(line);
    }
    out
}

pub(super) fn line_range(text: &str, offset: usize) -> TextRange {
    let offset = floor_boundary(text, offset.min(text.len()));
    let start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let end = text[offset..].find(['\n', '\r']).map_or(text.len(), |i| offset + i);
    TextRange::new(start, end)
}

/// The lines a range touches that have content (as whole-line ranges without the break).
pub(super) fn lines_of(text: &str, r: TextRange) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut at = r.start.min(text.len());
    loop {
        let line = line_range(text, at);
        if !text[line.start..line.end].trim().is_empty() {
            out.push(line);
        }
        let next = line.end + usize::from(text[line.end..].starts_with("\r\n")) + 1;
        if line.end >= r.end.max(r.start + 1) || next > text.len() || out.len() > 5 {
            break;
        }
        at = next;
    }
    out
}

/// The nearest line before `line_start` with content other than a comment.
pub(super) fn prev_content_line(text: &str, line_start: usize) -> Option<TextRange> {
    let mut end = line_start;
    while end > 0 {
        let before = &text[..end];
        let trimmed = before.strip_suffix('\n').unwrap_or(before);
        let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
        let start = trimmed.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let content = trimmed[start..].trim();
        if !content.is_empty() && !content.starts_with('#') && content != "---" {
            return Some(TextRange::new(start, trimmed.len()));
        }
        if start == 0 {
            return None;
        }
        end = start;
    }
    None
}

pub(super) fn blank_and_parse(parser: &mut Parser, work: &str, tree: &Tree, lines: &[TextRange]) -> (String, Tree) {
    let mut t = work.to_string();
    let mut tr = tree.clone();
    for r in lines {
        // Spaces for every byte keep offsets and (row, column) points unchanged.
        let spaces = " ".repeat(r.len());
        let row = work[..r.start].matches('\n').count();
        let col = r.start - work[..r.start].rfind('\n').map_or(0, |i| i + 1);
        t.replace_range(r.start..r.end, &spaces);
        tr.edit(&InputEdit {
            start_byte: r.start,
            old_end_byte: r.end,
            new_end_byte: r.end,
            start_position: Point { row, column: col },
            old_end_position: Point { row, column: col + r.len() },
            new_end_position: Point { row, column: col + r.len() },
        });
    }
    let new_tree = parser.ts_parse(&t, Some(&tr));
    (t, new_tree)
}
