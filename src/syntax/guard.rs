//! What tree-sitter-yaml cannot take is blanked before it reads the text.

use crate::text::TextRange;

/// Lines whose indentation (spaces and block indicators) reaches this column are not given to
/// tree-sitter: its YAML scanner keeps one entry per indentation level in a 1 KiB buffer and aborts
/// the process past about 250 levels. Real manifests stay under 40 columns.
pub(super) const MAX_INDENT: usize = 200;

/// tree-sitter-yaml's scanner counts rows in 16 bits: past line 32,767 its notion of "the same
/// line" wraps and the parse goes wrong. Lines from here on are not given to it.
pub(super) const MAX_LINES: usize = 32_000;

/// Blanks what tree-sitter-yaml cannot take (offsets stay the same): lines indented [`MAX_INDENT`]
/// columns or more, and everything after line [`MAX_LINES`]. Returns the guarded text and the
/// blanked ranges with what to tell the user.
pub(super) fn guard(text: &str) -> Option<(String, Vec<(TextRange, String)>)> {
    let mut blanked = Vec::new();
    let mut start = 0;
    let mut tail = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i == MAX_LINES {
            tail = Some(start);
            break;
        }
        let prefix = line.bytes().take_while(|b| matches!(b, b' ' | b'-' | b'?' | b':' | b'\t')).count();
        // A line of indicators alone (`-` deep in a list of lists) opens a level too.
        if prefix >= MAX_INDENT && line.bytes().any(|b| !b.is_ascii_whitespace()) {
            let content = line.trim_end_matches(['\n', '\r']);
            blanked.push((
                TextRange::new(start, start + content.len()),
                format!("indentation of {MAX_INDENT} columns or more is not read"),
            ));
        }
        start += line.len();
    }
    if blanked.is_empty() && tail.is_none() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for (r, _) in &blanked {
        bytes[r.start..r.end].fill(b' ');
    }
    if let Some(t) = tail {
        for b in &mut bytes[t..] {
            if !matches!(*b, b'\n' | b'\r') {
                *b = b' ';
            }
        }
        let first_line_end = text[t..].find(['\n', '\r']).map_or(text.len(), |i| t + i);
        blanked.push((
            TextRange::new(t, first_line_end),
            format!("convox-lsp reads the first {MAX_LINES} lines of a file (its YAML parser counts lines in 16 bits): the rest is not checked"),
        ));
        // The whole tail counts as unread, for the indentation fallback of the key path.
        blanked.push((TextRange::new(t, text.len()), String::new()));
    }
    // Spaces in place of bytes (even inside a multi-byte character) keep the text valid UTF-8.
    let guarded = String::from_utf8(bytes).expect("ASCII spaces in place of bytes keep UTF-8 valid");
    Some((guarded, blanked))
}
