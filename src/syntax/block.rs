//! A `|` or `>` block scalar's value, decoded as libyaml decodes it: header indicators,
//! indentation (an indicator's counted from the enclosing block; otherwise the first non-blank
//! line's or a wider blank line's before it), folding and chomping, the spaces past the
//! indentation on blank lines. Shared by the fast path and the lowering, so both give the same value.

/// The indentation of the block a block scalar's header stands in, as libyaml counts it for an
/// indentation indicator: the column of the key on the header's line (`  key: |2`: 2), else of the
/// innermost `- ` (`- |2`: 0).
fn parent_indent(text: &str, start: usize) -> usize {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..start].trim();
    if before.is_empty() || before.starts_with(['!', '&']) {
        // The header starts its line (its properties on the line above, `key: !tag`): the
        // block it is in is the line above's.
        let above = text[..line_start].trim_end();
        let above_start = above.rfind('\n').map_or(0, |i| i + 1);
        let line = &above[above_start..];
        if line_start > 0 && !line.trim_start().starts_with('#') && !line.starts_with("---") {
            return own_line_indent(text, above.len());
        }
    }
    own_line_indent(text, start)
}

/// The indentation of the block the text at `start` is in, from its own line.
fn own_line_indent(text: &str, start: usize) -> usize {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..start];
    let mut col = prefix.len() - prefix.trim_start_matches(' ').len();
    let mut dash = None;
    while let Some(rest) = prefix[col..].strip_prefix('-').filter(|r| r.starts_with(' ')) {
        dash = Some(col);
        col = prefix.len() - rest.trim_start_matches(' ').len();
    }
    if prefix[col..].contains(':') { col } else { dash.unwrap_or(col) }
}

/// A `|` or `>` block scalar: header indicators, indentation, folding and chomping.
pub(super) fn block_scalar(text: &str, start: usize, end: usize) -> String {
    // The node ends at its last non-space; the spaces after it on that line are content too.
    let end = end + text[end..].bytes().take_while(|b| *b == b' ').count();
    let raw = &text[start..end];
    let (header, body) = raw.split_once('\n').unwrap_or((raw, ""));
    let header = header.split('#').next().unwrap_or("").trim();
    let folded = header.starts_with('>');
    let chomp = if header.contains('-') {
        '-'
    } else if header.contains('+') {
        '+'
    } else {
        ' '
    };
    // An indentation indicator counts from the indentation of the block the scalar is in.
    let explicit_indent = header.chars().find_map(|c| c.to_digit(10)).map(|d| parent_indent(text, start) + d as usize);
    let mut lines: Vec<&str> = body.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    // The node may end before the final newline: count what it holds.
    // Otherwise libyaml's: the first non-blank line's, or the widest blank line before it when
    // that is wider (the widest blank line when there is no other).
    let indent = explicit_indent.unwrap_or_else(|| {
        let body = lines.iter().position(|l| !l.trim().is_empty());
        let widest = lines[..body.unwrap_or(lines.len())].iter().map(|l| l.len()).max().unwrap_or(0);
        body.map_or(widest, |i| widest.max(lines[i].len() - lines[i].trim_start_matches(' ').len()))
    });
    // Blank lines after the node wider than the indentation: their spaces past it are content
    // (libyaml reads them; tree-sitter-yaml and the fast path end the node before them).
    if indent > 0 {
        lines.extend(wide_blank_lines(&text[end..], indent));
    }
    // Up to `indent` leading spaces go; a line indented less (tree-sitter-yaml can include one in
    // the node) keeps its text. Never a slice inside a character.
    let content: Vec<&str> =
        lines.iter().map(|l| &l[l.bytes().take(indent).take_while(|b| *b == b' ').count()..]).collect();
    let mut out = String::new();
    if folded {
        let mut prev_more_indented = false;
        for (i, line) in content.iter().enumerate() {
            let more = line.starts_with([' ', '\t']);
            if i > 0 {
                // A break before empty lines folds away; each empty line is one "\n".
                let prev_empty = content[i - 1].is_empty();
                if line.is_empty() || more || prev_more_indented {
                    out.push('\n');
                } else if !prev_empty {
                    out.push(' ');
                }
            }
            out.push_str(line);
            prev_more_indented = more;
        }
    } else {
        out = content.join("\n");
    }
    let trimmed_len = out.trim_end_matches('\n').len();
    let trailing = out.len() - trimmed_len;
    out.truncate(trimmed_len);
    match chomp {
        '-' => {}
        '+' => out.extend(std::iter::repeat_n('\n', trailing.max(1))),
        _ => {
            if !out.is_empty() {
                out.push('\n');
            }
        }
    }
    out
}

/// The lines of `rest` (which starts at the end of a block scalar's last line) up to the last
/// line of spaces wider than `indent` before a line with other text: none when there is none.
fn wide_blank_lines(rest: &str, indent: usize) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut keep = 0;
    let mut tail = rest;
    while let Some(after) = tail.strip_prefix("\r\n").or_else(|| tail.strip_prefix('\n')) {
        let line_end = after.find('\n').unwrap_or(after.len());
        let line = after[..line_end].strip_suffix('\r').unwrap_or(&after[..line_end]);
        if !line.bytes().all(|b| b == b' ') {
            break;
        }
        lines.push(line);
        if line.len() > indent {
            keep = lines.len();
        }
        tail = &after[line.len()..];
    }
    lines.truncate(keep);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        let t = "k: |\n  line 1\n  line 2\n";
        assert_eq!(block_scalar(t, 3, t.len()), "line 1\nline 2\n");
        let t = "k: >-\n  a\n  b\n\n  c\n";
        assert_eq!(block_scalar(t, 3, t.len()), "a b\nc");
    }

    /// Trailing spaces on the last line are content (`|` keeps them), though the node ends before them.
    #[test]
    fn block_scalar_keeps_trailing_spaces_of_its_last_line() {
        let t = "k: |\n  last   \nnext: 1\n";
        let end = t.find("last").unwrap() + 4;
        assert_eq!(block_scalar(t, 3, end), "last   \n");
        let want: yaml_serde::Value = yaml_serde::from_str(t).unwrap();
        assert_eq!(want["k"].as_str(), Some("last   \n"));
    }

    /// An indentation indicator counts from the enclosing block's indentation, as libyaml reads it
    /// (checked against yaml_serde, which is libyaml).
    #[test]
    fn block_scalar_indentation_indicator() {
        for (t, start) in [
            ("k: |2\n    four\n", 3),
            ("a:\n  k: |2\n      six\n", 9),
            ("- |2\n    four\n", 2),
            ("- k: |1\n     x\n", 5),
        ] {
            let want: yaml_serde::Value = yaml_serde::from_str(t).unwrap();
            let want = match &want {
                yaml_serde::Value::Mapping(m) if t.starts_with('a') => m["a"]["k"].as_str().unwrap().to_string(),
                yaml_serde::Value::Mapping(m) => m["k"].as_str().unwrap().to_string(),
                yaml_serde::Value::Sequence(s) if t.starts_with("- k") => s[0]["k"].as_str().unwrap().to_string(),
                yaml_serde::Value::Sequence(s) => s[0].as_str().unwrap().to_string(),
                v => panic!("{v:?}"),
            };
            assert_eq!(block_scalar(t, start, t.len()), want, "{t:?}");
        }
    }
}
