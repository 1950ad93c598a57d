//! What every quick fix builds on, so that none makes the file worse: a value written so YAML
//! reads back the same string, the indentation the document already uses, and the removal of a
//! whole line only when nothing else is on it.

use crate::syntax::yaml::{Entry, Node, ScalarType, yaml11_type};
use crate::text::TextRange;

/// `s` as a YAML scalar that reads back as the string `s` (YAML 1.1, as Convox's yaml.v2 reads
/// it): plain when that is safe, else double-quoted (a JSON string is a valid YAML one). `flow`:
/// the scalar sits inside `[...]` or `{...}`, where `,[]{}` end a plain scalar.
pub(crate) fn scalar(s: &str, flow: bool) -> String {
    if plain_is_safe(s, flow) { s.to_string() } else { serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()) }
}

fn plain_is_safe(s: &str, flow: bool) -> bool {
    let Some(first) = s.chars().next() else { return false };
    let indicator =
        "?:,[]{}#&*!|>'\"%@`".contains(first) || (first == '-' && s[1..].chars().next().is_none_or(|c| c == ' '));
    !indicator
        && yaml11_type(s) == ScalarType::String
        && s.trim() == s
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.chars().any(|c| c.is_control())
        && !(flow && s.contains([',', '[', ']', '{', '}']))
}

/// The byte offset where the line holding `at` starts.
pub(crate) fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The column (in bytes) of `at` on its line.
pub(crate) fn column(text: &str, at: usize) -> usize {
    at - line_start(text, at)
}

/// The edit that removes `e` with its whole line, when `e` is alone on one line of a block map:
/// nothing but indentation before its key, nothing but spaces or a comment after its value. None
/// otherwise (a `- key: value` item, a flow map, a value over several lines), since removing it
/// there would change or break what is around it.
pub(crate) fn remove_line(text: &str, map: &Node, e: &Entry) -> Option<(TextRange, String)> {
    if map.flow || map.as_map().is_none_or(|m| m.len() < 2) {
        return None;
    }
    let start = line_start(text, e.key.range.start);
    let end_of_value = e.value.range.end.max(e.key.range.end);
    let line_end = text[end_of_value..].find('\n').map_or(text.len(), |i| end_of_value + i);
    let before = &text[start..e.key.range.start];
    let after = text[end_of_value..line_end].trim_start();
    let one_line = !text[e.key.range.start..end_of_value].contains('\n');
    let ok = one_line && before.trim().is_empty() && (after.is_empty() || after.starts_with('#'));
    // The line with its newline; the last line of a file without one takes the newline before it.
    let range = if line_end < text.len() {
        TextRange::new(start, line_end + 1)
    } else {
        TextRange::new(start.saturating_sub(1), line_end)
    };
    ok.then(|| (range, String::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_back_as_the_same_string() {
        assert_eq!(scalar("bin/web --port 3000", false), "bin/web --port 3000");
        assert_eq!(scalar("--flag", false), "--flag");
        for s in ["yes", "on", "null", "~", "8.0", "12", ">x", "*x", "&x", "!x", "a: b", "a #b", "- x", "", " x", "a:"]
        {
            assert!(scalar(s, false).starts_with('"'), "{s} must be quoted");
        }
        assert_eq!(scalar("a,b", false), "a,b");
        assert_eq!(scalar("a,b", true), "\"a,b\"");
        assert_eq!(scalar("say \"hi\"", false), "say \"hi\"");
        assert_eq!(scalar("'x'", false), "\"'x'\"");
    }
}
