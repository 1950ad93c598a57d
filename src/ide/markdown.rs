//! Markdown that every client renders the same: VS Code (markdown-it), Helix (pulldown-cmark) and
//! Neovim (the raw text, highlighted by tree-sitter). Placeholders and names go in code spans, so a
//! `<rack>` is never read as raw HTML and `A_URL/_USER` never turns into italics; lines are wrapped
//! to fit an 80-column float. Every hover passes through here: the knowledge base's prose through
//! [`prose`], names through [`code`], the finished text through [`wrap`].

/// The width hovers are wrapped to: an 80-column Neovim float, less its border.
pub const WIDTH: usize = 78;

/// `s` as a code span (with a double fence when it holds a backtick).
pub fn code(s: &str) -> String {
    // Concatenated, not formatted: a hover makes dozens.
    if s.contains('`') { ["`` ", s, " ``"].concat() } else { ["`", s, "`"].concat() }
}

/// Characters that make a word Markdown rather than text: HTML, emphasis, links, escapes. (A `|`
/// makes a table only above a delimiter row, which hovers never write.)
fn is_markup(c: char) -> bool {
    matches!(c, '<' | '>' | '_' | '*' | '\\' | '[' | ']' | '~')
}

/// Prose made safe: every word (outside the code spans already there) that holds a character
/// Markdown reads as markup becomes a code span, its surrounding punctuation kept outside:
/// `Secret env-<service>,` becomes ``Secret `env-<service>`,``.
pub fn prose(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while let Some(i) = rest.find('`') {
        let run = rest[i..].len() - rest[i..].trim_start_matches('`').len();
        let fence = &rest[i..i + run];
        // A code span runs to the next backtick run of the same length; an unmatched run is text.
        let close = rest[i + run..].match_indices(fence).find(|(j, _)| {
            let after = &rest[i + run + j + run..];
            !after.starts_with('`') && !rest[..i + run + j].ends_with('`')
        });
        match close {
            Some((j, _)) => {
                words(&mut out, &rest[..i]);
                let end = i + run + j + run;
                out.push_str(&rest[i..end]);
                rest = &rest[end..];
            }
            None => {
                // An unmatched run is text: escaped, so no later backtick pairs with it.
                words(&mut out, &rest[..i]);
                out.push_str(&"\\`".repeat(run));
                rest = &rest[i + run..];
            }
        }
    }
    words(&mut out, rest);
    out
}

/// Plain text: each whitespace-separated word checked on its own.
fn words(out: &mut String, text: &str) {
    // Most of the knowledge base's prose has no markup at all: copied whole.
    if !text.contains(is_markup) {
        out.push_str(text);
        return;
    }
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            word(out, &text[start..i]);
            out.push(c);
            start = i + c.len_utf8();
        }
    }
    word(out, &text[start..]);
}

fn word(out: &mut String, w: &str) {
    if !w.contains(is_markup) || w.contains('`') {
        out.push_str(w);
        return;
    }
    let core = w.trim_start_matches(['(', '"', '\'']);
    let lead = &w[..w.len() - core.len()];
    let core_end = core.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'']);
    let trail = &core[core_end.len()..];
    out.push_str(lead);
    out.push_str(&code(core_end));
    out.push_str(trail);
}

/// Lines longer than `width`, outside fenced code blocks, broken at spaces outside code spans;
/// a list item's continuation lines are indented under its text. A word that would start a new
/// block at the start of a line (`- `, `# `, `1.` ...) stays on the line before, and a list item
/// is never broken right after its marker (a lone `-` gains no room: its text is indented as far).
/// One pass over each line: every hover goes through here.
pub fn wrap(md: &str, width: usize) -> String {
    let mut out = String::with_capacity(md.len() + md.len() / 40);
    let mut fenced = false;
    let mut breaks = Vec::new();
    for line in md.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        if body.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        // A line of no more bytes than the width has no more characters either: not counted.
        if fenced || body.starts_with("```") || body.len() <= width || body.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let indent = if body.starts_with("- ") { "  " } else { "" };
        breaks.clear();
        find_breaks(body, &mut breaks);
        if !indent.is_empty() {
            breaks.retain(|b| b.0 > 1);
        }
        wrap_line(&mut out, body, &breaks, width, indent);
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The places a line may break: spaces outside code spans, each as its byte offset and the
/// number of characters before it.
fn find_breaks(line: &str, out: &mut Vec<(usize, usize)>) {
    let bytes = line.as_bytes();
    let mut in_code: Option<usize> = None;
    // Characters before `i`: bytes that do not continue a UTF-8 sequence.
    let (mut i, mut chars) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'`' {
            let run = bytes[i..].iter().take_while(|b| **b == b'`').count();
            in_code = match in_code {
                Some(r) if r == run => None,
                None => Some(run),
                keep => keep,
            };
            i += run;
            chars += run;
            continue;
        }
        if b == b' ' && in_code.is_none() && i > 0 && !starts_block(&bytes[i + 1..]) {
            out.push((i, chars));
        }
        chars += usize::from(b & 0xC0 != 0x80);
        i += 1;
    }
}

/// Whether text at the start of a line would open a block instead of continuing a paragraph.
fn starts_block(s: &[u8]) -> bool {
    match s.first() {
        None | Some(b' ') => true,
        Some(b'-' | b'+' | b'*' | b'#' | b'>' | b'=' | b'|' | b'~') => true,
        Some(b'0'..=b'9') => {
            // An ordered list's marker: digits, then `.` or `)`, then a space or the end.
            let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
            matches!(s.get(digits), Some(b'.' | b')')) && matches!(s.get(digits + 1), None | Some(b' '))
        }
        _ => false,
    }
}

/// `line` broken at `breaks` ([`find_breaks`]): each piece the longest that fits, else up to the
/// first break (a long code span stays whole). The breaks are read once, front to back.
fn wrap_line(out: &mut String, line: &str, breaks: &[(usize, usize)], width: usize, indent: &str) {
    let total = line.chars().count();
    let (mut start, mut start_chars) = (0, 0);
    let mut next = 0;
    let mut first = true;
    loop {
        let room = if first { width } else { width - indent.len() };
        if total - start_chars <= room {
            out.push_str(&line[start..]);
            return;
        }
        while next < breaks.len() && breaks[next].0 <= start {
            next += 1;
        }
        // The last break that fits, else the first one after.
        let mut at = None;
        while next < breaks.len() && breaks[next].1 - start_chars <= room {
            at = Some(breaks[next]);
            next += 1;
        }
        let Some((at, at_chars)) = at.or_else(|| breaks.get(next).copied()) else {
            out.push_str(&line[start..]);
            return;
        };
        out.push_str(&line[start..at]);
        out.push('\n');
        out.push_str(indent);
        start = at + 1;
        start_chars = at_chars + 1;
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_puts_markup_words_in_code_spans() {
        assert_eq!(
            prose("Secret env-<service>, read through envFrom."),
            "Secret `env-<service>`, read through envFrom."
        );
        assert_eq!(prose("(DATABASE_URL/_USER/_PASS)"), "(`DATABASE_URL/_USER/_PASS`)");
        assert_eq!(prose("keep `a_b <c>` and *x*"), "keep `a_b <c>` and `*x*`");
        assert_eq!(prose("an odd ` backtick_here"), "an odd \\` `backtick_here`");
    }

    /// The same places a byte-by-byte read finds: spaces outside code spans, with the characters
    /// before each.
    fn byte_by_byte(line: &str) -> Vec<(usize, usize)> {
        let bytes = line.as_bytes();
        let mut inside = vec![false; bytes.len()];
        let (mut open, mut i) = (None::<usize>, 0);
        while i < bytes.len() {
            match bytes[i..].iter().take_while(|b| **b == b'`').count() {
                0 => {
                    inside[i] = open.is_some();
                    i += 1;
                }
                run => {
                    open = if open.is_none() {
                        Some(run)
                    } else if open == Some(run) {
                        None
                    } else {
                        open
                    };
                    i += run;
                }
            }
        }
        let block = |s: &str| {
            let first = s.split(' ').next().unwrap_or("");
            let ordered =
                first.strip_suffix(['.', ')']).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            ordered || first.is_empty() || first.starts_with(['-', '+', '*', '#', '>', '=', '|', '~'])
        };
        (1..bytes.len())
            .filter(|&i| bytes[i] == b' ' && !inside[i] && !block(&line[i + 1..]))
            .map(|i| (i, line[..i].chars().count()))
            .collect()
    }

    /// The wrap as first written (every fitting break searched from the line's start), with the
    /// list marker rule: what the one-pass [`wrap`] must give.
    fn reference_wrap(md: &str, width: usize) -> String {
        let mut out = String::new();
        let mut fenced = false;
        for line in md.split_inclusive('\n') {
            let body = line.trim_end_matches('\n');
            if body.trim_start().starts_with("```") {
                fenced = !fenced;
            }
            if fenced || body.starts_with("```") || body.chars().count() <= width {
                out.push_str(line);
                continue;
            }
            let indent = if body.starts_with("- ") { "  " } else { "" };
            let candidates: Vec<usize> =
                byte_by_byte(body).into_iter().map(|b| b.0).filter(|b| indent.is_empty() || *b > 1).collect();
            let chars = |s: &str| s.chars().count();
            let (mut start, mut first) = (0, true);
            loop {
                let room = if first { width } else { width - indent.len() };
                let rest = &body[start..];
                if chars(rest) <= room {
                    out.push_str(rest);
                    break;
                }
                let fits = candidates.iter().filter(|&&b| b > start).take_while(|&&b| chars(&body[start..b]) <= room);
                let Some(&at) = fits.last().or_else(|| candidates.iter().find(|&&b| b > start)) else {
                    out.push_str(rest);
                    break;
                };
                out.push_str(&body[start..at]);
                out.push('\n');
                out.push_str(indent);
                start = at + 1;
                first = false;
            }
            if line.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }

    fn random_line(rng: &mut crate::seeded::Seeded, tokens: &[&str], max: usize) -> String {
        let mut line = String::new();
        for _ in 0..rng.below(max) {
            line.push_str(rng.pick(tokens));
        }
        line
    }

    #[test]
    fn breaks_are_those_of_a_byte_by_byte_read() {
        let tokens =
            [" ", "  ", "`", "``", "word", "- x", "1.", "2)", "#", "é", "a_b", "> q", "``a b``", "1.5", "12) "];
        let mut rng = crate::seeded::Seeded::new(7);
        for _ in 0..3000 {
            let line = random_line(&mut rng, &tokens, 13);
            let mut found = Vec::new();
            find_breaks(&line, &mut found);
            assert_eq!(found, byte_by_byte(&line), "{line:?}");
        }
    }

    #[test]
    fn one_pass_wrap_is_the_reference_wrap() {
        let tokens =
            [" ", "word ", "longer-word ", "`code span` ", "`a much longer code span with spaces` ", "é ", "- ", "1. "];
        let mut rng = crate::seeded::Seeded::new(11);
        for _ in 0..3000 {
            let md = format!(
                "{}\n{}\n- {}",
                random_line(&mut rng, &tokens, 40),
                random_line(&mut rng, &tokens, 40),
                random_line(&mut rng, &tokens, 40)
            );
            for width in [20, 40, 78] {
                assert_eq!(wrap(&md, width), reference_wrap(&md, width), "{md:?} at {width}");
            }
        }
    }

    #[test]
    fn a_list_item_is_not_broken_after_its_marker() {
        let line = format!("- `kubectl describe pods -n {} -l service=svc0010,type=service`", "r".repeat(30));
        assert_eq!(wrap(&line, 78), line);
        let two = format!("- `{}` and then some words", "x".repeat(90));
        assert_eq!(wrap(&two, 78), format!("- `{}`\n  and then some words", "x".repeat(90)));
    }

    #[test]
    fn wrap_keeps_code_spans_and_blocks_whole() {
        let line = format!("- {} `a b c d` - end", "word ".repeat(14).trim_end());
        let out = wrap(&line, 78);
        assert!(out.lines().all(|l| l.chars().count() <= 78), "{out}");
        assert!(out.contains("`a b c d`"), "{out}");
        assert!(!out.lines().skip(1).any(|l| l.trim_start().starts_with('-')), "{out}");
        assert!(out.lines().skip(1).all(|l| l.starts_with("  ")), "{out}");
    }
}
