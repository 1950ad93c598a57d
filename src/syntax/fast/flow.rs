//! The fast path's one-line flow collections (`[a, b]`, `{k: v}`).

use super::{Bail, MAX_DEPTH, R, Reader, node, scalar};
use crate::syntax::yaml::{Entry, Kind, Node, Style};
use crate::text::TextRange;

impl Reader<'_> {
    /// A one-line flow collection starting at `at` (`[` or `{`); returns it and the offset after
    /// its closing bracket.
    pub(super) fn flow(&self, i: usize, at: usize, depth: usize) -> R<(Node, usize)> {
        if depth > MAX_DEPTH {
            return Err(Bail);
        }
        let end = self.lines[i].end;
        let is_map = self.b[at] == b'{';
        let close = if is_map { b'}' } else { b']' };
        let mut p = at + 1;
        let mut items = Vec::new();
        let mut entries = Vec::new();
        let skip = |mut p: usize| {
            while p < end && self.b[p] == b' ' {
                p += 1;
            }
            p
        };
        p = skip(p);
        if p < end && self.b[p] == close {
            let kind = if is_map { Kind::Map(entries) } else { Kind::Seq(items) };
            return Ok((Node { flow: true, ..node(kind, TextRange::new(at, p + 1)) }, p + 1));
        }
        loop {
            let (first, after) = self.flow_item(i, p, depth)?;
            let q = skip(after);
            if is_map {
                if q >= end || self.b[q] != b':' || !matches!(self.byte(q + 1), b' ') {
                    return Err(Bail);
                }
                let v = skip(q + 1);
                if v >= end || matches!(self.b[v], b',' | b'}') {
                    return Err(Bail);
                }
                let (value, after_v) = self.flow_item(i, v, depth)?;
                let range = TextRange::new(first.range.start, value.range.end);
                entries.push(Entry { key: first, value, range });
                p = skip(after_v);
            } else {
                if q < end && self.b[q] == b':' {
                    return Err(Bail);
                }
                items.push(first);
                p = q;
            }
            if p >= end {
                return Err(Bail);
            }
            match self.b[p] {
                b',' => {
                    p = skip(p + 1);
                    if p >= end || self.b[p] == close || self.b[p] == b',' {
                        return Err(Bail);
                    }
                }
                c if c == close => {
                    let kind = if is_map { Kind::Map(entries) } else { Kind::Seq(items) };
                    return Ok((Node { flow: true, ..node(kind, TextRange::new(at, p + 1)) }, p + 1));
                }
                _ => return Err(Bail),
            }
        }
    }

    /// One scalar or nested collection inside a flow collection.
    fn flow_item(&self, i: usize, at: usize, depth: usize) -> R<(Node, usize)> {
        let end = self.lines[i].end;
        if at >= end {
            return Err(Bail);
        }
        match self.b[at] {
            b'"' | b'\'' => {
                let close = self.quoted_end(at, end).ok_or(Bail)?;
                Ok((self.quoted(at, close), close))
            }
            b'[' | b'{' => self.flow(i, at, depth + 1),
            b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b',' | b']' | b'}' | b'#' | b'|' | b'>' | b':' | b'?' | b'-' => {
                // `-1` is fine, but keep the rule simple: the tree-sitter path reads the rest.
                if self.b[at] == b'-' && self.byte(at + 1).is_ascii_digit() {
                    self.flow_plain(at, end)
                } else {
                    Err(Bail)
                }
            }
            _ => self.flow_plain(at, end),
        }
    }

    fn flow_plain(&self, at: usize, end: usize) -> R<(Node, usize)> {
        let mut p = at;
        while p < end {
            match self.b[p] {
                b',' | b']' | b'}' => break,
                b'[' | b'{' => return Err(Bail),
                b':' if matches!(self.byte(p + 1), b' ' | b',' | b']' | b'}') => break,
                b'#' if self.b[p - 1] == b' ' => return Err(Bail),
                _ => p += 1,
            }
        }
        let e = self.trim_end(at, p);
        if e == at {
            return Err(Bail);
        }
        Ok((scalar(Style::Plain, &self.text[at..e], TextRange::new(at, e)), e))
    }
}
