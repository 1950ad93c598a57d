//! Where each line goes: a walk over the parse that gives every line starting a block node
//! (a map entry, a `- ` item, a value on its own line) its target column, the whitespace to
//! normalise after `:` and `- `, and which lines belong to a scalar or a flow collection.

use super::index::Lines;
use crate::syntax::yaml::{Kind, Node, Style};
use crate::text::TextRange;

/// What a line that does not start a block node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LineKind {
    /// A blank line, a comment, a document marker: placed by `lines`.
    Free,
    /// Inside a multi-line flow collection or scalar: moves with the line that starts it.
    Continuation,
    /// A block scalar's content: moved as one piece, its first line to `to` (else with its
    /// owner), whitespace kept. `min` is the content's indentation.
    Block { to: Option<usize>, min: usize },
}

pub(super) struct Plan {
    /// Per line: the column of a line that starts a block node.
    pub starts: Vec<Option<usize>>,
    pub kinds: Vec<LineKind>,
    /// Per line: its end is inside quotes or a block scalar, so its trailing whitespace is data.
    pub keep_trailing: Vec<bool>,
    /// Whitespace to replace inside lines (after `:` and `-`, before `:`), in order.
    pub spacing: Vec<(TextRange, &'static str)>,
}

struct Walk<'a> {
    text: &'a str,
    lines: &'a Lines,
    indent: usize,
    plan: Plan,
}

pub(super) fn plan(text: &str, lines: &Lines, documents: &[Node], indent: usize) -> Plan {
    let n = lines.len();
    let plan = Plan {
        starts: vec![None; n],
        kinds: vec![LineKind::Free; n],
        keep_trailing: vec![false; n],
        spacing: Vec::new(),
    };
    let mut w = Walk { text, lines, indent, plan };
    for doc in documents {
        w.node(doc, 0, indent);
    }
    w.plan.spacing.sort_by_key(|(r, _)| r.start);
    w.plan
}

impl Walk<'_> {
    /// `col`: where `node` goes when it starts a line; `block_to`: where a block scalar's content goes.
    fn node(&mut self, node: &Node, col: usize, block_to: usize) {
        self.start(node.range.start, col);
        match &node.kind {
            _ if node.flow => self.continuation(node.range, false),
            Kind::Map(entries) => entries.iter().for_each(|e| self.entry(e, col)),
            Kind::Seq(items) => self.items(node, items, col),
            Kind::Scalar(s) => match s.style {
                Style::Literal | Style::Folded => {
                    // The header `|` or `>` comes after the scalar's tag or anchor, maybe on the
                    // next line (`key: !foo` then `  >1`).
                    let rest = &self.text[node.after_properties()..node.range.end];
                    let header = node.range.end - rest.trim_start().len();
                    self.block_scalar(TextRange::new(header, node.range.end), block_to)
                }
                Style::Plain => self.continuation(node.range, false),
                Style::SingleQuoted | Style::DoubleQuoted => self.continuation(node.range, true),
            },
            Kind::Alias(_) | Kind::Empty | Kind::Error => {}
        }
    }

    fn entry(&mut self, e: &crate::syntax::yaml::Entry, col: usize) {
        self.start(e.range.start, col);
        if !e.key.range.is_empty() {
            self.node(&e.key, col, col + self.indent);
            self.colon(&e.key);
        }
        self.node(&e.value, col + self.indent, col + self.indent);
    }

    fn items(&mut self, seq: &Node, items: &[Node], col: usize) {
        // The first `-` comes after the sequence's anchor or tag (`&a` then `- x`).
        let mut from = seq.after_properties();
        for item in items {
            if let Some(dash) = self.dash(from) {
                self.start(dash, col);
                self.one_space(dash + 1, !item.range.is_empty());
            }
            self.node(item, col + 2, col + 2);
            from = item.range.end.max(from + 1);
        }
    }

    /// Marks the line of `offset` as starting at `col` when `offset` is the line's first character.
    fn start(&mut self, offset: usize, col: usize) {
        let i = self.lines.line_of(offset);
        if self.lines.first(self.text, i) == offset && self.plan.starts[i].is_none() {
            self.plan.starts[i] = Some(col);
        }
    }

    /// The `-` of the next item at or after `from`: whitespace and comments skipped.
    fn dash(&self, from: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut i = from;
        while i < bytes.len() {
            match bytes[i] {
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                b'#' => i = self.lines.get(self.lines.line_of(i)).end,
                b'-' => return Some(i),
                _ => return None,
            }
        }
        None
    }

    /// `key : value` -> `key: value`; `key:   value` -> `key: value`. Alias keys keep their space
    /// (`*a:` would name the alias `a:`).
    fn colon(&mut self, key: &Node) {
        let rest = &self.text[key.range.end..];
        let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if !rest[gap..].starts_with(':') {
            return;
        }
        if gap > 0 && !matches!(key.kind, Kind::Alias(_)) {
            self.plan.spacing.push((TextRange::new(key.range.end, key.range.end + gap), ""));
        }
        self.one_space(key.range.end + gap + 1, true);
    }

    /// The spaces and tabs at `at` become one space, unless the line ends there.
    fn one_space(&mut self, at: usize, wanted: bool) {
        let rest = &self.text[at..];
        let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let ends = rest[gap..].is_empty() || rest[gap..].starts_with(['\n', '\r']);
        if wanted && gap > 0 && !ends && &rest[..gap] != " " {
            self.plan.spacing.push((TextRange::new(at, at + gap), " "));
        }
    }

    /// The lines after the first of a multi-line scalar or flow collection; with `quoted`, the
    /// lines whose end is inside the quotes keep their trailing whitespace.
    fn continuation(&mut self, range: TextRange, quoted: bool) {
        let (first, last) = (self.lines.line_of(range.start), self.lines.line_of(range.end));
        for i in first..=last.min(self.lines.len().saturating_sub(1)) {
            let line = self.lines.get(i);
            if i > first && line.start < range.end {
                self.plan.kinds[i] = LineKind::Continuation;
            }
            if quoted && line.end < range.end {
                self.plan.keep_trailing[i] = true;
            }
        }
    }

    /// A `|` or `>` scalar's content lines, moved so that their indentation becomes `to` (kept
    /// relative to the owner when the header gives an explicit indentation). The content's
    /// indentation is libyaml's: the widest of the blank lines before the first non-blank line and
    /// that line's indentation (the widest blank line when there is none); a less indented line
    /// ends it. With keep chomping (`+`), the blank lines after it are its content too; otherwise
    /// the blank lines after it up to the last one wider than the indentation (its spaces beyond
    /// the indentation are content).
    fn block_scalar(&mut self, range: TextRange, to: usize) {
        let first = self.lines.line_of(range.start);
        let header = &self.text[range.start..self.lines.get(first).end];
        let header = header.split('#').next().unwrap_or("");
        let explicit = header.chars().any(|c| c.is_ascii_digit());
        let blank = |i: usize| self.lines.content(self.text, i).trim().is_empty();
        let width = |i: usize| self.lines.content(self.text, i).len();
        let mut last = self.lines.line_of(range.end.saturating_sub(1).max(range.start));
        while last > first && blank(last) {
            last -= 1;
        }
        let body = (first + 1..=last).find(|&i| !blank(i));
        let mut after = last;
        while after + 1 < self.lines.len() && blank(after + 1) {
            after += 1;
        }
        let leading = body.unwrap_or(after + 1);
        let widest_blank = (first + 1..leading.min(after + 1)).map(width).max().unwrap_or(0);
        let min = body.map_or(widest_blank, |i| self.lines.indent(self.text, i).max(widest_blank));
        if header.contains('+') {
            last = after;
        } else if let Some(wide) = (last + 1..=after).rev().find(|&i| width(i) > min) {
            last = wide;
        } else if body.is_none() {
            // No content and nothing kept: the blank lines are the document's, not the scalar's.
            return;
        }
        for i in first + 1..=last {
            if !blank(i) && self.lines.indent(self.text, i) < min {
                break;
            }
            self.plan.kinds[i] = LineKind::Block { to: (!explicit).then_some(to), min };
            self.plan.keep_trailing[i] = true;
        }
    }
}

/// The ranges a range formatting may change, smallest first: the lines `range` touches, then the
/// top-level entries or items it touches.
pub(super) fn widen(lines: &Lines, documents: &[Node], range: TextRange) -> Vec<TextRange> {
    let (a, b) = (lines.line_of(range.start), lines.line_of(range.end));
    let whole_lines = TextRange::new(lines.get(a).start, lines.get(b).end);
    let mut top = whole_lines;
    for doc in documents {
        let children: Vec<TextRange> = match &doc.kind {
            Kind::Map(entries) => entries.iter().map(|e| e.range).collect(),
            Kind::Seq(items) => items.iter().map(|i| i.range).collect(),
            _ => vec![doc.range],
        };
        for c in children.into_iter().filter(|c| c.end >= whole_lines.start && c.start <= whole_lines.end) {
            top =
                top.cover(TextRange::new(lines.get(lines.line_of(c.start)).start, lines.get(lines.line_of(c.end)).end));
        }
    }
    vec![whole_lines, top]
}

/// The first explicit key (`? key`), which the formatter does not lay out.
pub(super) fn explicit_key(text: &str, nodes: &[Node]) -> Option<usize> {
    nodes.iter().find_map(|n| match &n.kind {
        Kind::Map(entries) => entries.iter().find_map(|e| {
            let explicit = text[e.range.start..].starts_with('?') && e.key.range.start != e.range.start;
            if explicit { Some(e.range.start) } else { explicit_key(text, std::slice::from_ref(&e.value)) }
        }),
        Kind::Seq(items) => explicit_key(text, items),
        _ => None,
    })
}
