//! A broken line without tree-sitter. Typing passes through broken states (a key without its
//! colon yet, an unclosed quote or bracket, a half-indented line, a lone `-`), and giving each of
//! them to tree-sitter-yaml costs ten times a valid edit. When the fast path cannot read a text,
//! this does what the repair pass does with tree-sitter's tree, without the tree: the first lines
//! the repair pass tries are the lines the fast path stops at (the line it blames, then the line
//! it reached; both paths share that choice); when blanking one leaves text the fast path reads,
//! tree-sitter would read it too and the repair pass would stop there, so the parse is that
//! text's, with libyaml's message for the line. Anything
//! else (a second error, text the fast path does not read, a line tree-sitter-yaml and libyaml
//! disagree on) is left to the tolerant path. `tests/fast_path.rs` checks that both give the
//! same parse.

use super::{Parse, StrictError, SyntaxError, fast, line_range, strict_error, trim_range, with_hint};
use crate::text::TextRange;

/// The parse of `text` with one broken line blanked, or `None` for the tolerant path. `stop` is
/// where the fast path gave up on `text` (the caller has just read it).
pub(super) fn one_line(text: &str, stop: fast::Stop) -> Option<Parse> {
    let lines = lines_of_stop(text, stop);
    for (i, &line) in lines.iter().enumerate() {
        if !common(&text[line.start..line.end]) || near_block_scalar(text, line.start) {
            return None;
        }
        let blanked = blank(text, line.start, line.end);
        if let Some(documents) = fast::parse(&blanked) {
            let strict = strict_error(&context_emptied(text, line.start))?;
            return Some(parse(text, &strict, line, documents));
        }
        // The repair pass tries the next line only when tree-sitter still finds an error once
        // this one is blanked; libyaml says so (the fast path may just not read what is left).
        let next = lines.get(i + 1)?;
        strict_error(&context_emptied(&blanked, next.start))?;
    }
    None
}

/// The lines the fast path stops at, when it reads the text's lines at all, with content: the
/// first lines the repair pass tries to blank, in the same order (the line it blames, then the
/// line it reached).
pub(super) fn stop_lines(text: &str) -> Vec<TextRange> {
    match fast::parse_or_stop(text) {
        Err(Some(stop)) => lines_of_stop(text, stop),
        _ => Vec::new(),
    }
}

fn lines_of_stop(text: &str, stop: fast::Stop) -> Vec<TextRange> {
    std::iter::once(stop.line)
        .chain(stop.reached)
        .map(|at| line_range(text, at))
        .filter(|line| !text[line.start..line.end].trim().is_empty())
        .collect()
}

fn parse(text: &str, strict: &StrictError, line: TextRange, documents: Vec<super::yaml::Node>) -> Parse {
    let range = trim_range(text, line);
    let message = with_hint(strict.verdict(), &text[range.start..range.end]);
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

/// `text` as libyaml needs it to word the error at the line starting at `at`: the lines before
/// that line's context emptied (their line breaks kept). libyaml, which gives the message, then
/// reads only the part of the document the error is in, and sees the same lines and columns and
/// the same enclosing collections starting at the same places: kept are the document's first
/// line (where the root mapping starts), each ancestor's line of the line above `at` with its
/// first child's line (where the collection it holds starts), and everything from the line above
/// `at` on (the line at `at` may be a key still being typed: the entry before it is part of the
/// error's context). The text is one the fast path read up to `at`: block collections of
/// one-line entries, no flow or quoted scalar over several lines, no anchor, so a line kept
/// without the lines below it still reads as an entry (an empty value, a block scalar's header
/// without its body, the first line of a plain scalar), and nothing emptied matters below.
fn context_emptied(text: &str, at: usize) -> String {
    let b = text.as_bytes();
    let line_start = |end: usize| text[..end].rfind('\n').map_or(0, |i| i + 1);
    let indent = |start: usize| b[start..].iter().take_while(|&&c| c == b' ').count();
    let content = |start: usize| matches!(b.get(start + indent(start)), Some(c) if !matches!(c, b'\n' | b'\r' | b'#'));
    // The document's first line (two when it starts with `---`).
    let mut first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text.starts_with("---") {
        first_end = text[first_end..].find('\n').map_or(text.len(), |i| first_end + i + 1);
    }
    // The content line above `at`: everything from it on is kept.
    let mut from = line_start(at);
    while from > first_end {
        let prev = line_start(from - 1);
        from = prev;
        if content(prev) {
            break;
        }
    }
    if from <= first_end {
        return text.to_string();
    }
    // Its ancestors (outermost last), each with the line of its first child.
    // A list item's parent may be a key at its own column (`key:` then `- item` below it).
    let dash = |start: usize| {
        let t = &b[start + indent(start)..];
        t.first() == Some(&b'-') && matches!(t.get(1), None | Some(b' ' | b'\r' | b'\n'))
    };
    let mut kept: Vec<usize> = Vec::new();
    let (mut level, mut in_list, mut next_content, mut l) = (indent(from), dash(from), from, from);
    while (level > 0 || in_list) && l > 0 {
        l = line_start(l - 1);
        if !content(l) {
            continue;
        }
        if indent(l) < level || (indent(l) == level && in_list && !dash(l)) {
            (level, in_list) = (indent(l), dash(l));
            kept.extend([next_content, l]);
        }
        next_content = l;
    }
    kept.retain(|&k| k >= first_end && k < from);
    kept.sort_unstable();
    kept.dedup();
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first_end]);
    let mut pos = first_end;
    let empty = |out: &mut String, from: usize, upto: usize| {
        out.extend(b[from..upto].iter().filter(|&&c| c == b'\n').map(|_| '\n'));
    };
    for k in kept {
        empty(&mut out, pos, k);
        let end = text[k..].find('\n').map_or(text.len(), |i| k + i + 1);
        out.push_str(&text[k..end]);
        pos = end;
    }
    empty(&mut out, pos, from);
    out.push_str(&text[from..]);
    out
}

/// `text` with the bytes `start..end` replaced by spaces (offsets unchanged).
fn blank(text: &str, start: usize, end: usize) -> String {
    let mut bytes = text.as_bytes().to_vec();
    bytes[start..end].fill(b' ');
    String::from_utf8(bytes).expect("ASCII spaces in place of whole lines keep UTF-8 valid")
}
