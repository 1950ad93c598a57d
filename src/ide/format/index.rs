//! Where each line of the text starts and ends: what the layout and the rewriting both read.

use super::FormatError;

#[derive(Clone, Copy, Debug)]
pub(super) struct Line {
    /// After a byte order mark on the first line.
    pub start: usize,
    /// Before the line break.
    pub end: usize,
    /// After the line break.
    pub next: usize,
}

pub(super) struct Lines(Vec<Line>);

/// Splits on `\n` and `\r\n`; a lone `\r` (a line break to YAML, not to every editor) is refused.
pub(super) fn split(text: &str) -> Result<Lines, FormatError> {
    let mut lines = Vec::new();
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    loop {
        let next = text[start..].find('\n').map_or(text.len(), |i| start + i + 1);
        let end = if next > start && text.as_bytes()[next - 1] == b'\n' { next - 1 } else { next };
        let end = if end > start && text.as_bytes()[end - 1] == b'\r' { end - 1 } else { end };
        if let Some(cr) = text[start..end].find('\r') {
            let message = "not formatted: a line ends with a lone carriage return; use LF or CRLF line breaks";
            return Err(FormatError { offset: start + cr, message: message.to_string() });
        }
        lines.push(Line { start, end, next });
        if next >= text.len() {
            return Ok(Lines(lines));
        }
        start = next;
    }
}

impl Lines {
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    pub(super) fn get(&self, i: usize) -> Line {
        self.0[i.min(self.0.len() - 1)]
    }

    pub(super) fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|l| l.next <= offset).min(self.0.len() - 1)
    }

    pub(super) fn content<'t>(&self, text: &'t str, i: usize) -> &'t str {
        let l = self.get(i);
        &text[l.start..l.end]
    }

    /// Leading spaces (tabs are not indentation in YAML).
    pub(super) fn indent(&self, text: &str, i: usize) -> usize {
        let c = self.content(text, i);
        c.len() - c.trim_start_matches(' ').len()
    }

    /// The offset of the line's first character after its indentation.
    pub(super) fn first(&self, text: &str, i: usize) -> usize {
        self.get(i).start + self.indent(text, i)
    }

    pub(super) fn break_of(&self, text: &str, i: usize) -> &'static str {
        let l = self.get(i);
        match &text[l.end..l.next] {
            "\r\n" => "\r\n",
            "\n" => "\n",
            _ => "",
        }
    }
}
