//! Byte offsets to the 1-based lines and character columns every format shows.

use serde::Serialize;

use crate::text::{PositionEncoding, Text, TextRange};

/// A 1-based line and a 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Converts byte offsets of one text to [`Position`]s.
pub(super) struct Positions<'a> {
    text: &'a str,
    pub(super) t: Text,
}

impl<'a> Positions<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self { text, t: Text::new(text) }
    }

    /// `offset` clamped to the text and moved back to a character boundary.
    pub(super) fn clamp(&self, offset: usize) -> usize {
        let mut o = offset.min(self.text.len());
        while !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    pub(super) fn position(&self, offset: usize) -> Position {
        let offset = self.clamp(offset);
        let lc = self.t.position(offset, PositionEncoding::Utf8);
        let line_start = self.t.line_start(lc.line as usize);
        Position { line: lc.line as usize + 1, column: self.t.chars_between(line_start, offset) + 1 }
    }

    pub(super) fn range(&self, r: TextRange) -> (Position, Position) {
        (self.position(r.start), self.position(r.end.max(r.start)))
    }
}

/// 1-based line and character column of an offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let p = Positions::new(text).position(offset);
    (p.line, p.column)
}
