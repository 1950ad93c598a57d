//! A broken line without tree-sitter. Typing passes through broken states (a key without its
//! colon yet, an unclosed quote or bracket, a half-indented line, a lone `-`), and giving each of
//! them to tree-sitter-yaml costs ten times a valid edit. When the fast path cannot read a text,
//! this does what the repair pass does with tree-sitter's tree, without the tree: the first line
//! the repair pass tries is the line the fast path stops at (both paths share that choice); when
//! blanking it leaves text the fast path reads, tree-sitter would read it too and the repair pass
//! would stop there, so the parse is that text's, with libyaml's message for the line. Anything
//! else (a second error, text the fast path does not read, a line tree-sitter-yaml and libyaml
//! disagree on) is left to the tolerant path. `tests/fast_path.rs` checks that both give the
//! same parse.

use super::{Parse, StrictError, SyntaxError, fast, line_range, strict_error, trim_range, with_hint};
use crate::text::TextRange;

/// The parse of `text` with one broken line blanked, or `None` for the tolerant path.
pub(super) fn one_line(text: &str) -> Option<Parse> {
    let line = stop_line(text)?;
    if !common(&text[line.start..line.end]) || near_block_scalar(text, line.start) {
        return None;
    }
    let strict = strict_error(&before_section_emptied(text, line.start))?;
    let documents = fast::parse(&blank(text, line.start, line.end))?;
    Some(parse(text, &strict, line, documents))
}

/// The line the fast path stops at, when it reads the text's lines at all and the line has
/// content: the first line the repair pass tries to blank.
pub(super) fn stop_line(text: &str) -> Option<TextRange> {
    let stop = fast::parse_or_stop(text).err()??;
    let line = line_range(text, stop);
    (!text[line.start..line.end].trim().is_empty()).then_some(line)
}

fn parse(text: &str, strict: &StrictError, line: TextRange, documents: Vec<super::yaml::Node>) -> Parse {
    let range = trim_range(text, line);
    let message = with_hint(&strict.message, &text[range.start..range.end]);
    Parse { documents, errors: vec![SyntaxError { range, message }], broken: vec![range] }
}

/// A line in one of the broken states typing passes through: it starts (after its indentation
/// and a `- `) with a letter, a digit, a quote or a flow bracket, or is a lone `-`; it has no
/// anchor, alias or tag, and a flow collection on it is unclosed (the state typing passes
/// through), not wrong inside. On other lines tree-sitter-yaml and libyaml disagree (an indicator
/// such as `:` or `]` starting the line, `{a: 1, : b}`): the tolerant path decides.
fn common(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    let t = t.strip_prefix("- ").map_or(t, |r| r.trim_start_matches(' '));
    let first_ok = match t.bytes().next() {
        None => true,
        Some(c) => {
            c.is_ascii_alphanumeric() || matches!(c, b'"' | b'\'' | b'[' | b'{' | b'_' | b'$' | b'/' | b'.') || t == "-"
        }
    };
    let b = t.as_bytes();
    let property = (0..b.len())
        .any(|i| matches!(b[i], b'&' | b'*' | b'!') && (i == 0 || matches!(b[i - 1], b' ' | b'[' | b'{' | b',')));
    let t = &t.replace("${", "");
    let opened = t.matches(['[', '{']).count();
    let flow_ok = opened == 0 || opened > t.matches([']', '}']).count();
    first_ok && !property && flow_ok
}

/// True when the line at `start` is a block scalar's header, or less indented than the block
/// scalar above it but more than its key: tree-sitter-yaml reads such lines differently from
/// libyaml (or without an error).
fn near_block_scalar(text: &str, start: usize) -> bool {
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let header = |l: &str| {
        let v = l.split(" #").next().unwrap_or(l).trim_end();
        ["|", ">", "|-", "|+", ">-", ">+"].iter().any(|h| v.ends_with(h))
    };
    let own_line = text[start..].lines().next().unwrap_or("");
    if header(own_line) {
        return true;
    }
    let own = indent(own_line);
    text[..start].lines().rev().find(|l| !l.trim().is_empty() && indent(l) <= own).is_some_and(header)
}

/// `text` with the lines between the first top-level key and the top-level entry holding
/// `at` emptied (their line breaks kept): libyaml, which gives the message, then reads only the
/// part of the document the error is in, and sees the same lines, columns and enclosing
/// collections (the root mapping still starts where it did). The text is one the fast path read
/// up to `at`, so nothing in the emptied lines (no anchor, no second document) matters below.
fn before_section_emptied(text: &str, at: usize) -> String {
    let top = |l: &str| l.bytes().next().is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'"' | b'\'' | b'_'));
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first_end = if text.starts_with("---") {
        text[first_end..].find('\n').map_or(text.len(), |i| first_end + i + 1)
    } else {
        first_end
    };
    // The start of the top-level entry holding the line above `at` (the line at `at` may be a
    // top-level key still being typed: the entry before it is part of the error's context).
    let mut start = text[..at.saturating_sub(1)].rfind('\n').map_or(0, |i| i + 1);
    while start > first_end && !top(&text[start..]) {
        start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    if start <= first_end {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first_end]);
    out.extend(text[first_end..start].bytes().filter(|&b| b == b'\n').map(|_| '\n'));
    out.push_str(&text[start..]);
    out
}

/// `text` with the bytes `start..end` replaced by spaces (offsets unchanged).
fn blank(text: &str, start: usize, end: usize) -> String {
    let mut bytes = text.as_bytes().to_vec();
    bytes[start..end].fill(b' ');
    String::from_utf8(bytes).expect("ASCII spaces in place of whole lines keep UTF-8 valid")
}
