//! The fast path: a hand-written reader for the block YAML that manifests are written in.
//!
//! tree-sitter-yaml's external scanner makes its parses slow (about 29 ms for a 5,000-line file,
//! 11 ms to reparse it after a one-character edit), while a manifest is a few levels of block
//! maps and lists of one-line scalars. This reader takes that subset in one pass over the lines
//! and builds the same [`Node`]s the lowering of tree-sitter's tree would (same values, same
//! ranges). It accepts only text it is sure is valid YAML with no anchors, aliases, tags,
//! multi-line quoted or flow scalars: on anything else it gives up (`None`) and the tolerant
//! tree-sitter path reads the text, reports the errors and repairs what it can. It never
//! reports an error itself, so a text it accepts has no syntax error.
//!
//! `tests/fast_path.rs` checks it against the tree-sitter path on the corpus and on generated
//! manifests: whenever it accepts a text, both give the same parse.

use super::yaml::{Entry, Kind, Node, Scalar, Style};
use std::cell::Cell;

use crate::text::TextRange;

mod flow;
mod scalar;

/// Deeper than this, the tree-sitter path (which reports nesting past its own limit) reads it.
const MAX_DEPTH: usize = 64;
/// libyaml refuses implicit keys longer than 1,024 characters.
const MAX_KEY: usize = 1000;

/// Gives up: the tree-sitter path reads the text.
struct Bail;

type R<T> = Result<T, Bail>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    Comment,
    Content,
}

#[derive(Clone, Copy)]
struct Line {
    start: usize,
    /// End of the line's text, before `\r\n` or `\n`.
    end: usize,
    /// Offset of the first character that is not a space.
    first: usize,
    kind: LineKind,
}

impl Line {
    fn col(&self) -> usize {
        self.first - self.start
    }
}

/// Where a value sits: after `key:`, after `- `, or alone on its line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    MapValue,
    SeqItem,
    Bare,
}

/// Reads `text` as one YAML document, or gives up.
pub(super) fn parse(text: &str) -> Option<Vec<Node>> {
    parse_or_stop(text).ok()
}

/// Reads `text` as [`parse`] does; when it gives up, where (if it read the text's lines at all).
pub(super) fn parse_or_stop(text: &str) -> Result<Vec<Node>, Option<Stop>> {
    if !may_read(text) {
        return Err(None);
    }
    let lines = lines(text).ok_or(None)?;
    let commented = vec![Cell::new(false); lines.len()];
    let mut p = Reader {
        text,
        b: text.as_bytes(),
        lines,
        commented,
        reached: Cell::new(0),
        blamed: Cell::new(None),
        first_entry: Cell::new(false),
    };
    p.document().map_err(|_| {
        let start = |i: usize| p.lines.get(i).map(|l| l.start);
        let reached = start(p.reached.get())?;
        Some(match p.blamed.get().and_then(start) {
            Some(blamed) if blamed != reached => Stop { line: blamed, reached: Some(reached) },
            _ => Stop { line: reached, reached: None },
        })
    })
}

/// Where the fast path gave up.
#[derive(Clone, Copy, Debug)]
pub(super) struct Stop {
    /// The start of the line it stopped at: the furthest line it looked at, or the line above it
    /// when that one is more likely the broken one (a key without its colon is read as a scalar
    /// until the next key; a line dedented to a column no open map has is noticed after the line
    /// above it).
    pub line: usize,
    /// The start of the furthest line it looked at, when that is not `line`.
    pub reached: Option<usize>,
}

/// False when `text` holds what the fast path never reads: control characters, tabs, a BOM (lone
/// CRs and directives are noticed line by line).
pub(super) fn may_read(text: &str) -> bool {
    // By chunks without an early exit inside one, which the compiler vectorises: this reads
    // every byte of the text on every keystroke.
    let bad = |c: u8| (c == 0x7f) | ((c < 0x20) & (c != b'\n') & (c != b'\r'));
    let b = text.as_bytes();
    !(b.chunks(64).any(|chunk| chunk.iter().fold(false, |acc, &c| acc | bad(c))) || text.starts_with('\u{feff}'))
}

fn lines(text: &str) -> Option<Vec<Line>> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 16 + 1);
    let mut start = 0;
    while start < b.len() {
        let nl = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |i| start + i);
        let mut end = nl;
        if end > start && b[end - 1] == b'\r' {
            end -= 1;
        }
        if memchr::memchr(b'\r', &b[start..end]).is_some() {
            return None;
        }
        let first = start + b[start..end].iter().take_while(|&&c| c == b' ').count();
        let kind = if first == end {
            LineKind::Blank
        } else if b[first] == b'#' {
            LineKind::Comment
        } else {
            LineKind::Content
        };
        // What `guard` blanks for tree-sitter-yaml is the tree-sitter path's, so both paths read
        // the same text. The guard counts a line's `- ` too: the fast path reads one at most.
        if first - start + 2 >= super::MAX_INDENT || out.len() >= super::MAX_LINES {
            return None;
        }
        out.push(Line { start, end, first, kind });
        start = nl + 1;
    }
    Some(out)
}

struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    lines: Vec<Line>,
    /// Lines that end with a comment (found while reading them).
    commented: Vec<Cell<bool>>,
    /// The furthest line looked at: where the reader stopped when it gives up.
    reached: Cell<usize>,
    /// A line blamed for the stop instead of `reached` (see [`Reader::plain`]).
    blamed: Cell<Option<usize>>,
    /// True while the first entry of a block map is read.
    first_entry: Cell<bool>,
}

fn node(kind: Kind, range: TextRange) -> Node {
    Node { kind, range, anchor: None, tag: None, flow: false }
}

fn scalar(style: Style, value: impl Into<compact_str::CompactString>, range: TextRange) -> Node {
    node(Kind::Scalar(Scalar { value: value.into(), style }), range)
}

impl Reader<'_> {
    /// Notes that line `i` is being read.
    fn reach(&self, i: usize) {
        if i > self.reached.get() {
            self.reached.set(i);
        }
    }

    fn next_content(&self, mut i: usize) -> usize {
        while i < self.lines.len() && self.lines[i].kind != LineKind::Content {
            i += 1;
        }
        i
    }

    /// `end`, moved back over the spaces before it (not past `start`).
    fn trim_end(&self, start: usize, end: usize) -> usize {
        start + self.text[start..end].trim_end_matches(' ').len()
    }

    fn byte(&self, at: usize) -> u8 {
        self.b.get(at).copied().unwrap_or(b'\n')
    }

    /// Skips spaces from `at` on line `i`; true when what is left of the line is nothing or a
    /// comment.
    fn skip_spaces(&self, i: usize, mut at: usize) -> (usize, bool) {
        let end = self.lines[i].end;
        while at < end && self.b[at] == b' ' {
            at += 1;
        }
        if at < end && self.b[at] == b'#' {
            self.commented[i].set(true);
        }
        (at, at >= end || self.b[at] == b'#')
    }

    /// Where a block map or list closed by line `j` ends, as tree-sitter-yaml counts it: at the
    /// end of the file when nothing closes it, else at the last token before line `j` (comments
    /// included, with their trailing spaces; blank lines not).
    fn closed_end(&self, j: usize) -> usize {
        if j >= self.lines.len() {
            return self.text.len();
        }
        let mut k = j;
        while k > 0 {
            k -= 1;
            let l = self.lines[k];
            match l.kind {
                LineKind::Blank => continue,
                LineKind::Comment => return l.end,
                LineKind::Content if self.commented[k].get() => return l.end,
                LineKind::Content => return self.trim_end(l.start, l.end),
            }
        }
        self.text.len()
    }

    /// What follows a complete value on its line must be nothing or a comment.
    fn rest_is_blank(&self, i: usize, at: usize) -> R<()> {
        let (p, blank) = self.skip_spaces(i, at);
        // `a: "x"#c` is an error: a comment needs a space before it.
        if !blank || (p < self.lines[i].end && p == at) {
            return Err(Bail);
        }
        Ok(())
    }

    fn document(&mut self) -> R<Vec<Node>> {
        let mut i = self.next_content(0);
        if i == self.lines.len() {
            return Err(Bail);
        }
        let l = self.lines[i];
        if self.text[l.start..l.end].starts_with("---") || self.text[l.start..l.end].starts_with("...") {
            if &self.text[l.start..l.end] != "---" {
                return Err(Bail);
            }
            i = self.next_content(i + 1);
            if i == self.lines.len() {
                return Err(Bail);
            }
        }
        let (root, next) = self.block_node(i, 0, None)?;
        let rest = self.next_content(next);
        if rest != self.lines.len() {
            self.reach(rest);
            return Err(Bail);
        }
        Ok(vec![root])
    }

    /// The node that starts at the first character of line `i` (a value on its own line, or the
    /// document). `parent_col` is the column of the map or list that holds it.
    fn block_node(&mut self, i: usize, depth: usize, parent_col: Option<usize>) -> R<(Node, usize)> {
        self.reach(i);
        if depth > MAX_DEPTH {
            return Err(Bail);
        }
        let l = self.lines[i];
        if l.col() > 0 && parent_col.is_none() && depth == 0 {
            // An indented document: rare, and left to tree-sitter.
            return Err(Bail);
        }
        if self.is_dash(l.first) {
            return self.block_seq(i, depth);
        }
        if self.key_end(i, l.first)?.is_some() {
            return self.block_map(i, l.first, depth);
        }
        let col = parent_col.ok_or(Bail)?;
        self.inline(i, l.first, col, depth, Ctx::Bare)
    }

    /// `-` followed by a space or the end of the line.
    fn is_dash(&self, at: usize) -> bool {
        self.byte(at) == b'-' && matches!(self.byte(at + 1), b' ' | b'\n' | b'\r')
    }

    fn block_seq(&mut self, mut i: usize, depth: usize) -> R<(Node, usize)> {
        let col = self.lines[i].col();
        let start = self.lines[i].first;
        let mut items = Vec::new();
        let mut end;
        loop {
            let dash = self.lines[i].first;
            let (item, next) = self.inline(i, dash + 1, col, depth + 1, Ctx::SeqItem)?;
            end = if matches!(item.kind, Kind::Empty) { dash + 1 } else { item.range.end };
            items.push(item);
            let j = self.next_content(next);
            if j < self.lines.len() {
                self.reach(j);
                let lj = self.lines[j];
                if lj.col() == col && self.is_dash(lj.first) {
                    i = j;
                    continue;
                }
                if lj.col() > col {
                    return Err(Bail);
                }
            }
            let end = self.closed_end(j).max(end);
            return Ok((node(Kind::Seq(items), TextRange::new(start, end)), j));
        }
    }

    /// A block map whose first key starts at `at` on line `i`.
    fn block_map(&mut self, mut i: usize, mut at: usize, depth: usize) -> R<(Node, usize)> {
        let col = at - self.lines[i].start;
        let start = at;
        let mut entries = Vec::new();
        loop {
            self.first_entry.set(entries.is_empty());
            let (entry, next) = self.entry(i, at, col, depth + 1)?;
            let end = entry.range.end;
            entries.push(entry);
            let j = self.next_content(next);
            if j < self.lines.len() {
                self.reach(j);
                let lj = self.lines[j];
                if lj.col() == col && !self.is_dash(lj.first) {
                    i = j;
                    at = lj.first;
                    continue;
                }
                if lj.col() > col {
                    // A line dedented to a column no open map has: the line above is blamed
                    // first (what the repair pass did, after libyaml, before the stop line).
                    self.blamed.set((0..j).rev().find(|&k| self.lines[k].kind == LineKind::Content));
                    return Err(Bail);
                }
                if lj.col() == col {
                    return Err(Bail);
                }
            }
            let end = self.closed_end(j).max(end);
            return Ok((node(Kind::Map(entries), TextRange::new(start, end)), j));
        }
    }

    /// Where the `:` of an implicit key starting at `at` is, if the text there is a key.
    fn key_end(&self, i: usize, at: usize) -> R<Option<(Node, usize)>> {
        self.reach(i);
        let end = self.lines[i].end;
        match self.byte(at) {
            b'"' | b'\'' => {
                let Some(close) = self.quoted_end(at, end) else { return Err(Bail) };
                let (p, _) = self.skip_spaces(i, close);
                if p < end && self.b[p] == b':' {
                    if !matches!(self.byte(p + 1), b' ' | b'\n' | b'\r') || p != close {
                        return Err(Bail);
                    }
                    return Ok(Some((self.quoted(at, close), p + 1)));
                }
                Ok(None)
            }
            b'[' | b'{' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b'#' | b',' | b']' | b'}' => Ok(None),
            b'?' | b':' | b'-' if matches!(self.byte(at + 1), b' ' | b'\n' | b'\r') => Ok(None),
            first => {
                // A plain key: up to `: ` or a `:` that ends the line.
                let mut p = at;
                while let Some(i) = memchr::memchr2(b':', b'#', &self.b[p..end]) {
                    p += i;
                    let c = self.b[p];
                    if c == b':' && matches!(self.byte(p + 1), b' ' | b'\n' | b'\r') {
                        let raw_end = self.trim_end(at, p);
                        if p - at > MAX_KEY || raw_end == at {
                            return Err(Bail);
                        }
                        if matches!(first, b'?' | b':' | b'-') {
                            // A key starting with an indicator character: left to tree-sitter.
                            return Err(Bail);
                        }
                        let raw = &self.text[at..raw_end];
                        let key = scalar(Style::Plain, raw, TextRange::new(at, raw_end));
                        return Ok(Some((key, p + 1)));
                    }
                    if c == b'#' && self.b[p - 1] == b' ' {
                        return Ok(None);
                    }
                    p += 1;
                }
                Ok(None)
            }
        }
    }

    fn entry(&mut self, i: usize, at: usize, col: usize, depth: usize) -> R<(Entry, usize)> {
        let Some((key, colon_end)) = self.key_end(i, at)? else { return Err(Bail) };
        let (value, next) = self.inline(i, colon_end, col, depth, Ctx::MapValue)?;
        let end = if matches!(value.kind, Kind::Empty) { colon_end } else { value.range.end };
        let range = TextRange::new(key.range.start, end);
        Ok((Entry { key, value, range }, next))
    }
}
