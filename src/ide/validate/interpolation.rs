//! `${VAR}`: Convox replaces it in the raw text before reading the YAML
//! (`pkg/manifest/helpers.go:7-15`, `manifest.go:52`), with the empty string when the app's
//! environment does not set it.

use super::{Sink, code};
use crate::env::{Expansion, expand};
use crate::ide::analysis::Analysis;
use crate::ide::codes::Code;
use crate::ide::codes::Severity;
use crate::ide::diagnostic::Diagnostic;
use crate::model::Interpolation;
use crate::text::TextRange;

/// `${VAR}` that no `environment` declares, `${VAR:-default}` (unsupported), and the constructs
/// that fail when a variable is empty or not a number.
pub(super) fn interpolation(a: &Analysis, sink: &mut Sink) {
    let text = a.text();
    // Every `${...}` of the version, found once (Analysis::interpolations), outside comments.
    let mut comments = Comments::default();
    let used: Vec<Interpolation> =
        a.interpolations().iter().filter(|i| !comments.holds(text, i.range.start)).copied().collect();
    if used.is_empty() {
        // Most manifests: nothing to look up (the names were gathered on every keystroke).
        return;
    }
    let m = a.model();
    // Every declared name once (not a scan of them per `${...}`).
    let names: std::collections::HashSet<&str> = m
        .environment
        .iter()
        .chain(m.services.iter().flat_map(|s| s.environment.iter()))
        .map(|e| e.name.value.as_str())
        .collect();
    let declared = |v: &str| names.contains(v) || names.contains("*");
    let failing = if a.is_evaluated() { Vec::new() } else { failing(a, &used) };
    for i in &used {
        let var = &text[i.name.start..i.name.end];
        if var.contains('\n') || failing.iter().any(|(r, _)| r.contains_range(i.range)) {
            continue;
        }
        if var.contains(":-") || var.contains(":=") {
            sink.add(i.range, Code::UnsupportedInterpolation, unsupported(var));
        } else if !declared(var) {
            sink.add(i.range, Code::UndeclaredVariable, format!("{} is not declared in any `environment`: unless the app sets {var}, Convox substitutes an empty string", code(&format!("${{{var}}}"))));
        }
    }
    for (range, d) in failing {
        sink.push(range, d.severity, d.code, d.message);
    }
}

/// The message for `${VAR:-default}`.
pub(crate) fn unsupported(var: &str) -> String {
    format!(
        "Convox has no `${{VAR:-default}}`: it looks up a variable named {} and substitutes an empty string",
        code(var)
    )
}

/// Comments are interpolated too, but nobody reads them. Where the comment of a line starts,
/// found once per line (thousands of `${...}` on one line cost one scan of it, not one each).
#[derive(Default)]
struct Comments {
    /// The line last asked about: its start, its end, and where its comment starts (`text.len()`
    /// for none).
    line: Option<(usize, usize, usize)>,
}

impl Comments {
    /// Whether `start` is inside a comment: after ` #` on its line, or on a line whose first
    /// non-blank character is `#`.
    fn holds(&mut self, text: &str, start: usize) -> bool {
        let (line_start, _, comment) = match self.line {
            Some(l @ (s, e, _)) if s <= start && start < e => l,
            _ => {
                let s = text[..start].rfind('\n').map_or(0, |i| i + 1);
                let e = text[start..].find('\n').map_or(text.len(), |i| start + i);
                let line = &text[s..e];
                let hash = line.find(" #").map_or(text.len(), |i| s + i + 2);
                let first = line.len() - line.trim_start().len();
                let comment = if line[first..].starts_with('#') { hash.min(s + first + 1) } else { hash };
                self.line = Some((s, e.max(start + 1), comment));
                (s, e, comment)
            }
        };
        line_start <= start && comment <= start
    }
}

/// The names a release must set (`- NAME` without a default): the release refuses without them
/// (`pkg/manifest/manifest.go:522-543`), so they are never unset.
fn required(a: &Analysis) -> Vec<&str> {
    let m = a.model();
    let all = m.environment.iter().chain(m.services.iter().flat_map(|s| s.environment.iter()));
    all.filter(|e| e.default.is_none() && e.name.value != "*").map(|e| e.name.value.as_str()).collect()
}

/// What fails because of a value: the text read with every variable empty (what Convox reads when
/// the app does not set them) and with every variable `x` (a word where a number may be wanted),
/// each compared with the other. An error only one reading has is the value's doing; it is
/// reported on the `${VAR}`s it comes from.
fn failing(a: &Analysis, used: &[Interpolation]) -> Vec<(TextRange, Diagnostic)> {
    let text = a.text();
    let required = required(a);
    let empty = expand(text, |n| required.contains(&n).then_some("x"));
    let word = expand(text, |_| Some("x"));
    let (de, dw) = (errors(&empty), errors(&word));
    let mut out = Vec::new();
    for (d, other, exp, emptiness) in [(&de, &dw, &empty, true), (&dw, &de, &word, false)] {
        for (r, e) in d {
            if other.iter().any(|(o, oe)| o == r && oe.code == e.code) {
                continue;
            }
            let vars = blamed(text, *r, used, exp, emptiness);
            let Some(first) = vars.first() else { continue };
            let names: Vec<String> = vars.iter().map(|i| code(&text[i.range.start..i.range.end])).collect();
            let range = if vars.len() == 1 { first.range } else { *r };
            let (code, severity, message) = if emptiness {
                let which = names.join(", ");
                (
                    Code::EmptyVariable,
                    Severity::Error,
                    format!(
                        "Convox fails when {which} is empty (the app's environment does not set it; Convox substitutes an empty string): {}",
                        e.message
                    ),
                )
            } else {
                (
                    Code::VariableForm,
                    Severity::Warning,
                    format!(
                        "{} must be set to a value of the right form: with a word such as `x`, Convox fails: {}",
                        names.join(", "),
                        e.message
                    ),
                )
            };
            out.push((range, Diagnostic { range, severity, code, message, fix: None }));
        }
    }
    out.sort_by_key(|(r, _)| (r.start, r.end));
    out.dedup_by(|x, y| x.0 == y.0 && x.1.code == y.1.code);
    out
}

/// The errors of an expanded text, at the ranges of the original.
fn errors(e: &Expansion) -> Vec<(TextRange, Diagnostic)> {
    let a = Analysis::evaluated(&e.text);
    a.diagnostics().into_iter().filter(|d| d.severity == Severity::Error).map(|d| (e.to_original(d.range), d)).collect()
}

/// The `${VAR}`s an error at `r` (of the original) comes from: those it covers, else those in the
/// block the error's line starts (its more indented lines below), that the reading substituted.
fn blamed(text: &str, r: TextRange, used: &[Interpolation], e: &Expansion, emptiness: bool) -> Vec<Interpolation> {
    let substituted = |i: &Interpolation| {
        e.at_original(i.range.start).is_some_and(|s| s.original == i.range && (!emptiness || s.expanded.is_empty()))
    };
    // `used` is in order: only the ones between two offsets are looked at.
    let between = |from: usize, to: usize| {
        let lo = used.partition_point(|i| i.range.start < from);
        let hi = used.partition_point(|i| i.range.start < to);
        used[lo..hi.max(lo)].iter().filter(move |i| i.range.end <= to && substituted(i)).copied()
    };
    let covered: Vec<Interpolation> = between(r.start, r.end).collect();
    if !covered.is_empty() {
        return covered;
    }
    let line_start = text[..r.start.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let first = &text[line_start..];
    let base = indent(first.split('\n').next().unwrap_or(""));
    let mut end = line_start + first.find('\n').map_or(first.len(), |i| i + 1);
    for line in text[end..].split_inclusive('\n') {
        if !line.trim().is_empty() && indent(line) <= base {
            break;
        }
        end += line.len();
    }
    between(line_start, end).collect()
}

#[cfg(test)]
mod tests {
    use super::Comments;

    /// The reading the line's scan replaces: the text from the line's start to `start`.
    fn in_comment(text: &str, start: usize) -> bool {
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        text[line_start..start].contains(" #") || text[line_start..start].trim_start().starts_with('#')
    }

    #[test]
    fn comments_are_found_once_per_line_as_the_prefix_reads_them() {
        let parts = ["${A}", " ", "#", " #", "x", "\t", "  ", "\n", "- ", "k: ", "${B}#"];
        let mut rng = crate::seeded::Seeded::new(7);
        for _ in 0..3_000 {
            let mut text = String::new();
            for _ in 0..12 {
                text.push_str(rng.pick(&parts));
            }
            let mut comments = Comments::default();
            for (start, _) in text.match_indices("${") {
                assert_eq!(comments.holds(&text, start), in_comment(&text, start), "{text:?} at {start}");
            }
        }
    }
}
