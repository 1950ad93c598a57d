//! `# convox-lsp: ignore[code, ...]` comments: which diagnostics they silence, and a warning for
//! each code in them that is not a diagnostic code (it would silence nothing), naming the valid
//! ones, as ruff does for an unknown `# noqa` code.

use super::codes::Code;
use super::diagnostics::{Diagnostic, Fix};
use crate::text::TextRange;

const MARKER: &str = "convox-lsp: ignore";

/// `# convox-lsp: ignore[code, ...]` (or `# convox-lsp: ignore` for every code) at the end of the
/// diagnostic's line, or alone on the line above it, silences it.
pub(super) fn suppressed(text: &str, d: &Diagnostic) -> bool {
    let start = d.range.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    if ignores(line, d.code.as_str()) {
        return true;
    }
    if line_start == 0 {
        return false;
    }
    let prev_end = line_start - 1;
    let prev_start = text[..prev_end].rfind('\n').map_or(0, |i| i + 1);
    let prev = &text[prev_start..prev_end];
    prev.trim_start().starts_with('#') && ignores(prev, d.code.as_str())
}

fn ignores(line: &str, code: &str) -> bool {
    match codes(line) {
        Some(Some((_, list))) => list.split(',').any(|c| c.trim() == code),
        Some(None) => true,
        None => false,
    }
}

/// The comment's code list and its offset in the line: `None` without a marker in a comment,
/// `Some(None)` for a bare `ignore` (every code).
fn codes(line: &str) -> Option<Option<(usize, &str)>> {
    let i = line.find(MARKER)?;
    // Only inside a comment.
    if !line[..i].contains('#') {
        return None;
    }
    let after = i + MARKER.len();
    let rest = &line[after..];
    let open = rest.len() - rest.trim_start().len();
    let Some(list) = rest[open..].strip_prefix('[') else { return Some(None) };
    let list = list.split(']').next().unwrap_or("");
    Some(Some((after + open + 1, list)))
}

/// A warning for every code of an ignore comment that is not a diagnostic code.
pub(super) fn unknown_codes(text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !text.contains(MARKER) {
        return out;
    }
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if let Some(Some((at, list))) = codes(line) {
            let mut offset = line_start + at;
            for item in list.split(',') {
                let code = item.trim();
                let start = offset + (item.len() - item.trim_start().len());
                if !code.is_empty() && Code::parse(code).is_none() {
                    out.push(unknown(TextRange::new(start, start + code.len()), code));
                }
                offset += item.len() + 1;
            }
        }
        line_start += line.len();
    }
    out
}

fn unknown(range: TextRange, code: &str) -> Diagnostic {
    let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let best = crate::schema::suggest(code, &names, false);
    let hint = best.map(|b| format!(" Did you mean `{b}`?")).unwrap_or_default();
    Diagnostic {
        range,
        severity: Code::UnknownCode.default_severity(),
        code: Code::UnknownCode,
        message: format!(
            "`{code}` is not a convox-lsp diagnostic code, so this comment silences nothing.{hint} Valid codes: {}.",
            names.join(", ")
        ),
        fix: best.map(|b| Fix { title: format!("Replace with `{b}`"), edits: vec![(range, b.to_string())] }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_are_found_at_their_place() {
        let text = "services: # convox-lsp: ignore[unknown-key, typo]\n  web: {} # convox-lsp: ignore\n";
        let found = unknown_codes(text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].range.start..found[0].range.end], "typo");
        assert!(found[0].message.contains("Valid codes: yaml-syntax, "), "{}", found[0].message);
        let typo = "a: 1 # convox-lsp: ignore[unknown-kye]\n";
        let d = &unknown_codes(typo)[0];
        assert_eq!(d.fix.as_ref().map(|f| f.edits[0].1.as_str()), Some("unknown-key"));
    }
}
