//! `# convox-lsp: ignore[code, ...]` comments: which diagnostics they silence, and a warning for
//! each code in them that is not a diagnostic code (it would silence nothing), naming the valid
//! ones, as ruff does for an unknown `# noqa` code.

use super::codes::Code;
use super::diagnostic::{Diagnostic, Fix};
use crate::text::TextRange;

const MARKER: &str = "convox-lsp: ignore";

/// Removes the diagnostics an ignore comment silences: `# convox-lsp: ignore[code, ...]` (or
/// `# convox-lsp: ignore` for every code) at the end of the diagnostic's line, or alone on the
/// line above it. The lines are found once (not by a scan back from each diagnostic: thousands on
/// one long line would cost quadratic time), and only when the text has such a comment at all.
pub(super) fn silence(text: &str, diags: &mut Vec<Diagnostic>) {
    if !text.contains(MARKER) {
        return;
    }
    let starts: Vec<usize> =
        std::iter::once(0).chain(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1)).collect();
    let line = |i: usize| &text[starts[i]..starts.get(i + 1).map_or(text.len(), |e| e - 1)];
    diags.retain(|d| {
        let at = starts.partition_point(|&s| s <= d.range.start.min(text.len())) - 1;
        let code = d.code.as_str();
        let silenced = ignores(line(at), code)
            || (at > 0 && line(at - 1).trim_start().starts_with('#') && ignores(line(at - 1), code));
        !silenced
    });
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
