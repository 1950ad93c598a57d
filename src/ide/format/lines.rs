//! The text line by line: rewriting each line from the plan (indentation, comments, block scalar
//! content, trailing whitespace, final line breaks) and diffing old and new lines into minimal
//! edits. Lines are never joined or split, so line `i` of the result is line `i` of the text.

use super::FormatOptions;
use super::index::Lines;
use super::layout::{LineKind, Plan};
use crate::text::TextRange;

/// Where comments go: the block levels open at this point (old column, new column).
#[derive(Default)]
struct Levels {
    open: Vec<(usize, usize)>,
    delta: isize,
    /// The new indentation of the block scalar just above: a comment must stay left of it.
    block: Option<usize>,
}

impl Levels {
    fn start(&mut self, old: usize, new: usize) {
        self.open.retain(|(o, _)| *o < old);
        self.open.push((old, new));
        self.delta = new as isize - old as isize;
        self.block = None;
    }

    /// A comment keeps its place relative to the nearest level at or left of it (the next line
    /// that starts a block node wins a tie), so that a comment above an entry moves with it.
    fn comment(&self, old: usize, next: Option<(usize, usize)>) -> usize {
        let all: Vec<(usize, usize)> = self.open.iter().copied().chain(next).collect();
        let best = all.iter().filter(|(o, _)| *o <= old).max_by_key(|(o, _)| *o);
        let best = best.or_else(|| all.iter().min_by_key(|(o, _)| *o));
        let col = best.map_or(old, |&(o, n)| shift(old, n as isize - o as isize));
        self.block.map_or(col, |b| col.min(b.saturating_sub(1)))
    }
}

fn shift(col: usize, delta: isize) -> usize {
    (col as isize + delta).max(0) as usize
}

/// Each line's new text, line break included (the same count as `lines`).
pub(super) fn rewrite(text: &str, lines: &Lines, plan: &Plan, options: &FormatOptions) -> Vec<String> {
    let next_start = next_starts(text, lines, plan);
    let mut levels = Levels::default();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for (i, next) in next_start.iter().enumerate() {
        let old = lines.indent(text, i);
        let rest = spaced(text, lines, i, plan);
        let col = match (plan.starts[i], plan.kinds[i]) {
            (Some(col), _) => {
                levels.start(old, col);
                Some(col)
            }
            (None, LineKind::Continuation) => Some(shift(old, levels.delta)),
            (None, LineKind::Block { to, min }) => {
                let delta = to.map_or(levels.delta, |t| t as isize - min as isize);
                levels.block = Some(shift(min, delta));
                block_line(old, min, &rest, delta)
            }
            (None, LineKind::Free) if rest.trim().is_empty() => None,
            (None, LineKind::Free) if rest.starts_with('#') => Some(levels.comment(old, *next)),
            (None, LineKind::Free) if old == 0 && is_marker(&rest) => {
                levels = Levels::default();
                Some(0)
            }
            (None, LineKind::Free) => Some(shift(old, levels.delta)),
        };
        let mut line = match col {
            Some(c) => format!("{}{rest}", " ".repeat(c)),
            // An empty line of a block scalar stays empty: its spaces could be read as content.
            None if options.trim_trailing_whitespace || matches!(plan.kinds[i], LineKind::Block { .. }) => {
                String::new()
            }
            None => lines.content(text, i).to_string(),
        };
        if options.trim_trailing_whitespace && !plan.keep_trailing[i] {
            line.truncate(line.trim_end_matches([' ', '\t']).len());
        }
        line.push_str(lines.break_of(text, i));
        out.push(line);
    }
    finish(text, lines, plan, &mut out, options);
    out
}

/// A block scalar's line: moved with its content (whitespace-only lines no deeper than the
/// content are empty lines of the scalar, and become empty).
fn block_line(old: usize, min: usize, rest: &str, delta: isize) -> Option<usize> {
    (!rest.is_empty() || old > min).then(|| shift(old, delta))
}

/// `---` and `...` (document markers) and `%` directives.
fn is_marker(rest: &str) -> bool {
    let marker = |m: &str| rest.strip_prefix(m).is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']));
    marker("---") || marker("...") || rest.starts_with('%')
}

/// The line's text after its indentation, with the plan's spacing applied.
fn spaced(text: &str, lines: &Lines, i: usize, plan: &Plan) -> String {
    let (from, end) = (lines.first(text, i), lines.get(i).end);
    let at = plan.spacing.partition_point(|(r, _)| r.start < from);
    let mut out = String::new();
    let mut pos = from;
    for (r, new) in plan.spacing[at..].iter().take_while(|(r, _)| r.end <= end) {
        out.push_str(&text[pos..r.start]);
        out.push_str(new);
        pos = r.end;
    }
    out.push_str(&text[pos..end]);
    out
}

/// For each line, the next line below it that starts a block node (old and new column).
fn next_starts(text: &str, lines: &Lines, plan: &Plan) -> Vec<Option<(usize, usize)>> {
    let mut out = vec![None; lines.len()];
    let mut next = None;
    for i in (0..lines.len()).rev() {
        out[i] = next;
        if let Some(col) = plan.starts[i] {
            next = Some((lines.indent(text, i), col));
        }
    }
    out
}

/// Blank lines at the start removed, two or more in a row made one, and those at the end removed
/// (blank lines inside a scalar are its data and stay); the last line ends with a line break.
fn finish(text: &str, lines: &Lines, plan: &Plan, out: &mut [String], options: &FormatOptions) {
    let blank = |s: &str| s.trim_end_matches(['\r', '\n']).is_empty();
    let leading = out.iter().zip(&plan.kinds).take_while(|(s, k)| blank(s) && **k == LineKind::Free).count();
    out[..leading].iter_mut().for_each(String::clear);
    for i in leading + 1..out.len() {
        if plan.kinds[i] == LineKind::Free
            && blank(&out[i])
            && plan.kinds[i - 1] == LineKind::Free
            && blank(&out[i - 1])
        {
            out[i - 1].clear();
        }
    }
    let mut last = out.len();
    if options.trim_final_newlines {
        while last > 0 && blank(&out[last - 1]) && !matches!(plan.kinds[last - 1], LineKind::Block { .. }) {
            last -= 1;
        }
        out[last..].iter_mut().for_each(String::clear);
    }
    // A line break after a block scalar's last line of spaces would be data (`foo: |` then
    // `  x` and `   ` without a final line break).
    let spaces_of_block =
        last > 0 && matches!(plan.kinds[last - 1], LineKind::Block { .. }) && out[last - 1].trim().is_empty();
    if options.insert_final_newline && last > 0 && !out[last - 1].ends_with('\n') && !spaces_of_block {
        let line_break = (0..lines.len()).map(|i| lines.break_of(text, i)).find(|b| !b.is_empty()).unwrap_or("\n");
        out[last - 1].push_str(line_break);
    }
}

/// The smallest edit for each changed line.
pub(super) fn edits(text: &str, lines: &Lines, new: &[String]) -> Vec<(TextRange, String)> {
    let mut edits = Vec::new();
    for (i, line) in new.iter().enumerate() {
        let l = lines.get(i);
        let old = &text[l.start..l.next];
        if old == line {
            continue;
        }
        let (a, b) = (old.as_bytes(), line.as_bytes());
        let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        while !old.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let room = a.len().min(b.len()) - prefix;
        let mut suffix = a.iter().rev().zip(b.iter().rev()).take(room).take_while(|(x, y)| x == y).count();
        while !old.is_char_boundary(old.len() - suffix) {
            suffix -= 1;
        }
        edits.push((TextRange::new(l.start + prefix, l.next - suffix), line[prefix..line.len() - suffix].to_string()));
    }
    edits
}
