//! The fast path's scalars: the value after `key:` or `- `, quoted, plain and block scalars.

use super::{Bail, Ctx, LineKind, MAX_DEPTH, R, Reader, scalar};
use crate::syntax::block::block_scalar;
use crate::syntax::lower::{double_quoted, fold_plain, single_quoted};
use crate::syntax::yaml::{Node, Style};
use crate::text::TextRange;

impl Reader<'_> {
    /// The value after `key:` or `- ` at `at` on line `i` (or at the start of the line for a
    /// bare value); `col` is the column of the map or list it belongs to.
    pub(super) fn inline(&mut self, i: usize, at: usize, col: usize, depth: usize, ctx: Ctx) -> R<(Node, usize)> {
        self.reach(i);
        if depth > MAX_DEPTH {
            return Err(Bail);
        }
        let (p, blank) = self.skip_spaces(i, at);
        if blank {
            if p < self.lines[i].end && p == at {
                return Err(Bail);
            }
            // The value, if any, is on the lines below.
            let j = self.next_content(i + 1);
            if j < self.lines.len() {
                let lj = self.lines[j];
                if lj.col() > col || (ctx == Ctx::MapValue && lj.col() == col && self.is_dash(lj.first)) {
                    if self.lines[i + 1..j].iter().any(|l| l.kind == LineKind::Comment) && ctx == Ctx::Bare {
                        return Err(Bail);
                    }
                    return self.block_node(j, depth, Some(col));
                }
            }
            if ctx == Ctx::Bare {
                return Err(Bail);
            }
            return Ok((Node::empty(at), i + 1));
        }
        if p == at && ctx != Ctx::Bare {
            // `key:value` is a plain scalar, not a pair; `-x` neither: the caller checked.
            return Err(Bail);
        }
        let c = self.b[p];
        if ctx == Ctx::SeqItem {
            if self.is_dash(p) {
                return Err(Bail);
            }
            if self.key_end(i, p)?.is_some() {
                return self.block_map(i, p, depth);
            }
        } else if ctx == Ctx::MapValue && self.key_end(i, p)?.is_some() {
            // `a: b: c`: mapping values are not allowed here.
            return Err(Bail);
        }
        match c {
            b'"' | b'\'' => {
                let end = self.lines[i].end;
                let Some(close) = self.quoted_end(p, end) else { return Err(Bail) };
                self.rest_is_blank(i, close)?;
                Ok((self.quoted(p, close), i + 1))
            }
            b'[' | b'{' => {
                let (n, close) = self.flow(i, p, depth + 1)?;
                self.rest_is_blank(i, close)?;
                Ok((n, i + 1))
            }
            b'|' | b'>' => self.block_scalar(i, p, col),
            b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b',' | b']' | b'}' | b'#' => Err(Bail),
            b'-' | b'?' | b':'
                if matches!(
                    self.byte(p + 1),
                    b' ' | b'\n' | b'\r' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#'
                ) =>
            {
                Err(Bail)
            }
            _ => {
                // A word alone on its line (a key without its colon), or the first key of a map:
                // when a more indented `key:` follows, this line is the broken one.
                let suspect = ctx == Ctx::Bare || (ctx == Ctx::MapValue && self.first_entry.get());
                self.plain(i, p, col, suspect)
            }
        }
    }

    /// The offset just after the closing quote of a one-line quoted scalar starting at `at`.
    pub(super) fn quoted_end(&self, at: usize, end: usize) -> Option<usize> {
        let q = self.b[at];
        let mut p = at + 1;
        while p < end {
            let c = self.b[p];
            if q == b'"' && c == b'\\' {
                // Only the escapes libyaml knows, with all their hex digits.
                let hex = match self.byte(p + 1) {
                    b'0' | b'a' | b'b' | b't' | b'n' | b'v' | b'f' | b'r' | b'e' | b' ' | b'"' | b'/' | b'\\'
                    | b'N' | b'_' | b'L' | b'P' => 0,
                    b'x' => 2,
                    b'u' => 4,
                    b'U' => 8,
                    _ => return None,
                };
                let digits = self.b.get(p + 2..p + 2 + hex)?;
                if !digits.iter().all(u8::is_ascii_hexdigit) || p + 2 + hex > end {
                    return None;
                }
                if hex > 0 {
                    let v = u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()?;
                    char::from_u32(v)?;
                }
                p += 2 + hex;
                continue;
            }
            if c == q {
                if q == b'\'' && self.byte(p + 1) == b'\'' && p + 1 < end {
                    p += 2;
                    continue;
                }
                return Some(p + 1);
            }
            p += 1;
        }
        None
    }

    pub(super) fn quoted(&self, at: usize, close: usize) -> Node {
        let raw = &self.text[at..close];
        let range = TextRange::new(at, close);
        if self.b[at] == b'"' {
            scalar(Style::DoubleQuoted, double_quoted(raw), range)
        } else {
            scalar(Style::SingleQuoted, single_quoted(raw), range)
        }
    }

    /// A plain scalar from `at` on line `i`, with its continuation lines (indented past `col`).
    /// A continuation line holding a key stops the reader: at that line, or at line `i` when
    /// `suspect` (its siblings, if any, do not fix the column, so line `i` may be the one
    /// indented wrong, or a key still without its colon).
    fn plain(&mut self, i: usize, at: usize, col: usize, suspect: bool) -> R<(Node, usize)> {
        let mut end = self.plain_line_end(i, at)?;
        let (_, commented) = self.skip_spaces(i, end);
        let mut next = i + 1;
        if !(commented && end < self.lines[i].end) {
            // Continuation lines: more indented, no comment line between.
            let mut j = i + 1;
            while j < self.lines.len() {
                let l = self.lines[j];
                match l.kind {
                    LineKind::Blank => j += 1,
                    LineKind::Comment => break,
                    LineKind::Content => {
                        if l.col() <= col {
                            break;
                        }
                        if self.is_dash(l.first)
                            || matches!(self.b[l.first], b'#' | b'-' | b'?' | b':' | b'[' | b']' | b'{' | b'}' | b',')
                        {
                            return Err(Bail);
                        }
                        if self.key_end(j, l.first).map_or(true, |k| k.is_some()) {
                            if suspect {
                                self.blamed.set(Some(i));
                            }
                            return Err(Bail);
                        }
                        let e = self.plain_line_end(j, l.first)?;
                        if e < l.end {
                            // A comment ends the scalar; the tree-sitter path has the details.
                            return Err(Bail);
                        }
                        end = e;
                        j += 1;
                        next = j;
                    }
                }
            }
        }
        let raw = &self.text[at..end];
        Ok((scalar(Style::Plain, fold_plain(raw), TextRange::new(at, end)), next))
    }

    /// Where a plain scalar's text on line `i` ends: before ` #` or the end of the line,
    /// trailing spaces excluded. A `: ` inside is an error here.
    fn plain_line_end(&self, i: usize, at: usize) -> R<usize> {
        self.reach(i);
        let end = self.lines[i].end;
        let mut p = at;
        while p < end {
            let c = self.b[p];
            if c == b'#' && p > at && self.b[p - 1] == b' ' {
                break;
            }
            if c == b':' && matches!(self.byte(p + 1), b' ' | b'\n' | b'\r') {
                return Err(Bail);
            }
            p += 1;
        }
        Ok(self.trim_end(at, p))
    }

    /// `|` or `>` with its header at `at` on line `i`; the body is the lines indented past `col`.
    fn block_scalar(&mut self, i: usize, at: usize, col: usize) -> R<(Node, usize)> {
        let line_end = self.lines[i].end;
        let mut p = at + 1;
        while p < line_end && matches!(self.b[p], b'+' | b'-') {
            p += 1;
        }
        if p - at > 2 {
            return Err(Bail);
        }
        self.rest_is_blank(i, p)?;
        // The body: blank lines, and lines indented as much as its first non-blank line.
        let mut j = i + 1;
        let mut indent = None;
        let mut end = p;
        let mut next = i + 1;
        let mut leading_blank_max = 0;
        while j < self.lines.len() {
            let l = self.lines[j];
            if l.kind == LineKind::Blank {
                if indent.is_none() {
                    leading_blank_max = leading_blank_max.max(l.end - l.start);
                }
                j += 1;
                continue;
            }
            let ind = *indent.get_or_insert(l.col());
            if l.col() < ind || ind <= col {
                if l.col() > col {
                    // Less indented than the body but more than the key: left to tree-sitter.
                    return Err(Bail);
                }
                break;
            }
            end = self.trim_end(l.start, l.end);
            // `# text` in the body is text, not a comment.
            self.lines[j].kind = LineKind::Content;
            j += 1;
            next = j;
        }
        match indent {
            Some(ind) if ind > col && leading_blank_max <= ind => {}
            _ => return Err(Bail),
        }
        if j == self.lines.len() {
            // Nothing after the body: tree-sitter-yaml's node runs to the end of the file.
            end = self.text.len();
        }
        let raw_style = if self.b[at] == b'>' { Style::Folded } else { Style::Literal };
        let value = block_scalar(self.text, at, end);
        Ok((scalar(raw_style, value, TextRange::new(at, end)), next))
    }
}
