//! Document text: a rope that takes edits in protocol coordinates, and exact conversions between
//! byte offsets (used everywhere inside the server) and line/column positions in UTF-8 or UTF-16.
//!
//! Line breaks are `\n`, `\r\n` and a lone `\r`, as in the Language Server Protocol (ropey is built
//! without `unicode_lines`, so U+2028 and U+0085 are ordinary characters here too).

use ropey::Rope;

/// A half-open byte range `[start, end)` into a document's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }
    pub const fn len(self) -> usize {
        self.end - self.start
    }
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }
    /// True when `offset` lies inside the range or on its end (a cursor just after a word counts).
    pub const fn contains_inclusive(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }
    pub const fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// How a client counts columns. UTF-16 is the protocol default; UTF-8 when the client offers it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
}

/// A zero-based line and a column counted in the units of a [`PositionEncoding`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

impl LineCol {
    pub const fn new(line: u32, col: u32) -> Self {
        Self { line, col }
    }
}

/// One applied edit in the coordinates tree-sitter wants: bytes, and (row, byte column) points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppliedEdit {
    pub start_byte: usize,
    pub old_end_byte: usize,
    pub new_end_byte: usize,
    pub start_point: (usize, usize),
    pub old_end_point: (usize, usize),
    pub new_end_point: (usize, usize),
}

/// The text of one open document.
#[derive(Clone, Debug, Default)]
pub struct Text {
    rope: Rope,
}

impl Text {
    pub fn new(text: &str) -> Self {
        Self { rope: Rope::from_str(text) }
    }

    pub fn len(&self) -> usize {
        self.rope.len_bytes()
    }

    pub fn is_empty(&self) -> bool {
        self.rope.len_bytes() == 0
    }

    pub fn line_count(&self) -> usize {
        self.rope.len_lines()
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// Byte offset of the start of `line` (clamped to the end of the text).
    pub fn line_start(&self, line: usize) -> usize {
        if line >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        self.rope.line_to_byte(line)
    }

    /// Byte offset of the end of `line`'s content, before its line break.
    pub fn line_end(&self, line: usize) -> usize {
        if line >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        let start = self.rope.line_to_byte(line);
        let slice = self.rope.line(line);
        let mut len = slice.len_bytes();
        // Strip the line break: "\r\n", "\n" or a lone "\r".
        if len > 0 && slice.byte(len - 1) == b'\n' {
            len -= 1;
        }
        if len > 0 && slice.byte(len - 1) == b'\r' {
            len -= 1;
        }
        start + len
    }

    /// The zero-based line holding `offset` (clamped).
    pub fn line_of(&self, offset: usize) -> usize {
        self.rope.byte_to_line(offset.min(self.rope.len_bytes()))
    }

    /// The characters between two byte offsets (character boundaries, `start <= end`), counted in
    /// the rope's index: a column of a 180 KB line costs no walk over the line.
    pub fn chars_between(&self, start: usize, end: usize) -> usize {
        self.rope.byte_to_char(end) - self.rope.byte_to_char(start)
    }

    /// Converts a byte offset to a line and column in `enc` units. Offsets past the end clamp
    /// to the end; an offset inside a multi-byte character counts from that character's start.
    pub fn position(&self, offset: usize, enc: PositionEncoding) -> LineCol {
        let offset = offset.min(self.rope.len_bytes());
        self.position_in_chunk(offset, enc).unwrap_or_else(|| self.position_walked(offset, enc))
    }

    /// [`Text::position`] through the rope's line index (any text).
    fn position_walked(&self, offset: usize, enc: PositionEncoding) -> LineCol {
        let offset = self.floor_char_boundary(offset.min(self.rope.len_bytes()));
        let line = self.rope.byte_to_line(offset);
        let line_start = self.rope.line_to_byte(line);
        let col = match enc {
            PositionEncoding::Utf8 => offset - line_start,
            // ASCII before the offset (almost every line of a manifest): a byte is a unit.
            PositionEncoding::Utf16 if self.is_ascii(line_start, offset) => offset - line_start,
            PositionEncoding::Utf16 => {
                let c0 = self.rope.byte_to_char(line_start);
                let c1 = self.rope.byte_to_char(offset);
                self.rope.char_to_utf16_cu(c1) - self.rope.char_to_utf16_cu(c0)
            }
        };
        LineCol::new(line as u32, col as u32)
    }

    /// Converts a line and column to a byte offset. A line past the end gives the end of the text;
    /// a column past the end of its line gives the end of the line (before the break); a column
    /// in the middle of a character (half a surrogate pair, a UTF-8 continuation byte) gives
    /// that character's start. Never fails: clients do send such positions.
    pub fn offset(&self, pos: LineCol, enc: PositionEncoding) -> usize {
        let line = pos.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        let start = self.rope.line_to_byte(line);
        self.offset_in_chunk(start, pos.col as usize, enc).unwrap_or_else(|| self.offset_walked(pos, enc))
    }

    /// [`Text::offset`] through the rope's line index (any text).
    fn offset_walked(&self, pos: LineCol, enc: PositionEncoding) -> usize {
        let line = pos.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        let start = self.rope.line_to_byte(line);
        let end = self.line_end(line);
        let col = pos.col as usize;
        match enc {
            PositionEncoding::Utf8 => self.floor_char_boundary((start + col).min(end)),
            PositionEncoding::Utf16 if self.is_ascii(start, end) => (start + col).min(end),
            PositionEncoding::Utf16 => {
                let c0 = self.rope.byte_to_char(start);
                let u0 = self.rope.char_to_utf16_cu(c0);
                let u_end = self.rope.char_to_utf16_cu(self.rope.byte_to_char(end));
                let target = (u0 + col).min(u_end);
                // utf16_cu_to_char rounds down inside a surrogate pair.
                let ch = self.rope.utf16_cu_to_char(target);
                self.rope.char_to_byte(ch)
            }
        }
    }

    /// [`Text::position`] read from the one chunk of the rope that holds `offset` and the start
    /// of its line (one walk down the rope, where the general path takes four): `None` when the
    /// line starts in an earlier chunk, when a `\r` comes before `offset` in the chunk, or when
    /// `offset` is inside a character; the general path answers those.
    fn position_in_chunk(&self, offset: usize, enc: PositionEncoding) -> Option<LineCol> {
        let (chunk, chunk_start, _, chunk_line) = self.rope.chunk_at_byte(offset);
        let bytes = chunk.as_bytes();
        let at = offset - chunk_start;
        if bytes.get(at).is_some_and(|b| b & 0xC0 == 0x80) {
            return None;
        }
        let before = &bytes[..at];
        if memchr::memchr(b'\r', before).is_some() {
            return None;
        }
        let line_start = memchr::memrchr(b'\n', before)? + 1;
        let line = chunk_line + memchr::memchr_iter(b'\n', before).count();
        let col_bytes = &chunk[line_start..at];
        let col = match enc {
            PositionEncoding::Utf16 if !col_bytes.is_ascii() => col_bytes.encode_utf16().count(),
            _ => col_bytes.len(),
        };
        Some(LineCol::new(line as u32, col as u32))
    }

    /// [`Text::offset`] for the line starting at `start`, read from the one chunk that holds the
    /// whole line (its break included, or the end of the text): `None` otherwise.
    fn offset_in_chunk(&self, start: usize, col: usize, enc: PositionEncoding) -> Option<usize> {
        let (chunk, chunk_start, _, _) = self.rope.chunk_at_byte(start);
        let rest = &chunk[start - chunk_start..];
        let len = match memchr::memchr2(b'\n', b'\r', rest.as_bytes()) {
            Some(i) => i,
            // The line runs to the end of the chunk: only the text's last chunk holds it whole.
            None if chunk_start + chunk.len() == self.rope.len_bytes() => rest.len(),
            None => return None,
        };
        let line = &rest[..len];
        let within = match enc {
            PositionEncoding::Utf16 if !line.is_ascii() => {
                // The first character that would pass `col` units starts where the column falls
                // (in the middle of a surrogate pair, the pair's start).
                let mut units = 0;
                line.char_indices()
                    .find(|(_, c)| {
                        units += c.len_utf16();
                        units > col
                    })
                    .map_or(len, |(i, _)| i)
            }
            PositionEncoding::Utf16 => col.min(len),
            PositionEncoding::Utf8 => {
                let mut i = col.min(len);
                while !line.is_char_boundary(i) {
                    i -= 1;
                }
                i
            }
        };
        Some(start + within)
    }

    fn floor_char_boundary(&self, offset: usize) -> usize {
        // A byte that does not continue a character starts one (or is the end of the text).
        if offset >= self.rope.len_bytes() || self.rope.byte(offset) & 0xC0 != 0x80 {
            return offset;
        }
        let ch = self.rope.byte_to_char(offset);
        self.rope.char_to_byte(ch)
    }

    /// Whether the text between two byte offsets is all ASCII (read in place, chunk by chunk).
    fn is_ascii(&self, start: usize, end: usize) -> bool {
        start >= end || self.rope.byte_slice(start..end).chunks().all(|c| c.is_ascii())
    }

    /// Replaces the text between two positions (or the whole text when `range` is `None`) and
    /// returns the edit in byte coordinates. Positions are clamped as in [`Text::offset`]; a
    /// reversed range is treated as empty at its start.
    pub fn apply_change(
        &mut self,
        range: Option<(LineCol, LineCol)>,
        new_text: &str,
        enc: PositionEncoding,
    ) -> AppliedEdit {
        let (start, end) = match range {
            None => (0, self.rope.len_bytes()),
            Some((a, b)) => {
                let s = self.offset(a, enc);
                let e = self.offset(b, enc);
                (s, e.max(s))
            }
        };
        self.replace(start, end, new_text)
    }

    /// Replaces the bytes `start..end` (char boundaries) with `new_text`.
    pub fn replace(&mut self, start: usize, end: usize, new_text: &str) -> AppliedEdit {
        let start_point = self.point(start);
        let old_end_point = self.point(end);
        let c_start = self.rope.byte_to_char(start);
        let c_end = self.rope.byte_to_char(end);
        if c_end > c_start {
            self.rope.remove(c_start..c_end);
        }
        if !new_text.is_empty() {
            self.rope.insert(c_start, new_text);
        }
        let new_end = start + new_text.len();
        AppliedEdit {
            start_byte: start,
            old_end_byte: end,
            new_end_byte: new_end,
            start_point,
            old_end_point,
            new_end_point: self.point(new_end),
        }
    }

    /// (row, byte column) of an offset, as tree-sitter counts them.
    fn point(&self, offset: usize) -> (usize, usize) {
        let line = self.rope.byte_to_line(offset);
        (line, offset - self.rope.line_to_byte(line))
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for chunk in self.rope.chunks() {
            f.write_str(chunk)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
