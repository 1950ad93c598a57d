//! The human format: `path:line:col: severity[code]: message`, the source line and a caret.

use std::fmt::Write as _;

use super::positions::Positions;
use super::{Report, Summary};
use crate::ide::{Diagnostic, Severity};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => "\x1b[31m",
        Severity::Warning => "\x1b[33m",
        Severity::Information | Severity::Hint => "\x1b[36m",
    }
}

/// Every file's diagnostics as blocks (see [`render`]).
pub fn render_human(report: &Report, color: bool) -> String {
    let mut s = String::new();
    for f in &report.files {
        s.push_str(&render_colored(&f.path, &f.text, &f.diagnostics, color));
    }
    s
}

/// One diagnostic per block: the location line, the source line, a caret line. No colours.
pub fn render(path: &str, text: &str, diags: &[Diagnostic]) -> String {
    render_colored(path, text, diags, false)
}

fn render_colored(path: &str, text: &str, diags: &[Diagnostic], color: bool) -> String {
    let (bold, reset) = if color { (BOLD, RESET) } else { ("", "") };
    let positions = Positions::new(text);
    let t = &positions.t;
    let mut s = String::new();
    for d in diags {
        let sev = if color { severity_color(d.severity) } else { "" };
        let start = positions.clamp(d.range.start);
        let end = positions.clamp(d.range.end).max(start);
        let line = t.line_of(start);
        let line_start = t.line_start(line);
        let line_end = t.line_end(line);
        let col = positions.position(start).column;
        let _ = writeln!(
            s,
            "{bold}{path}:{}:{col}:{reset} {bold}{sev}{}[{}]{reset}: {}",
            line + 1,
            d.severity.as_str(),
            d.code.as_str(),
            d.message
        );
        let gutter = (line + 1).to_string();
        let pad = " ".repeat(gutter.len());
        let caret_start = start.min(line_end);
        // A long line is shown around the caret (thousands of diagnostics on one long line
        // printed it whole under each: quadratic output).
        let (from, to) = window(text, line_start, line_end, caret_start);
        let caret_end = end.min(to).max(caret_start);
        let width = text[caret_start..caret_end].chars().count().max(1);
        let (before, after) = (if from > line_start { "…" } else { "" }, if to < line_end { "…" } else { "" });
        // Tabs keep their width in the caret line so the caret stays under its text.
        let lead: String =
            before.chars().chain(text[from..caret_start].chars()).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        let _ = writeln!(s, "{pad} |");
        let _ = writeln!(s, "{gutter} | {before}{}{after}", &text[from..to]);
        let _ = writeln!(s, "{pad} | {lead}{sev}{}{reset}", "^".repeat(width));
    }
    s
}

/// Lines longer than this many bytes are shown in part: from up to 80 bytes before the caret.
const SHOWN: usize = 240;

/// The part of the line `line_start..line_end` shown above a caret at `at`: all of it when short.
fn window(text: &str, line_start: usize, line_end: usize, at: usize) -> (usize, usize) {
    if line_end - line_start <= SHOWN {
        return (line_start, line_end);
    }
    let mut from = at.saturating_sub(80).max(line_start);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (from + SHOWN).min(line_end);
    while !text.is_char_boundary(to) {
        to += 1;
    }
    (from, to)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `2 errors, 1 warning in 3 files`, `no problems in 1 file`, with the unreadable inputs after a
/// semicolon.
pub fn summary_line(s: &Summary, unreadable: usize) -> String {
    let mut parts = Vec::new();
    for (n, one, many) in [
        (s.errors, "error", "errors"),
        (s.warnings, "warning", "warnings"),
        (s.infos, "info", "infos"),
        (s.hints, "hint", "hints"),
    ] {
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    }
    let found = if parts.is_empty() { "no problems".to_string() } else { parts.join(", ") };
    let mut line = format!("{found} in {}", plural(s.files, "file", "files"));
    if unreadable > 0 {
        line.push_str(&format!("; {} could not be read", plural(unreadable, "input", "inputs")));
    }
    line
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_line_is_shown_around_the_caret() {
        let line = format!("    command: {}", "${X}".repeat(2_000));
        let text = format!("services:\n  web:\n    image: nginx\n{line}\n");
        let diags = crate::ide::Analysis::from_text(&text).diagnostics();
        assert!(!diags.is_empty());
        let out = super::render("convox.yml", &text, &diags);
        // Each block shows at most 240 bytes of the line (and the ellipses), not the 8,000.
        assert!(out.len() < diags.len() * 1_000, "{} bytes for {} diagnostics", out.len(), diags.len());
        let shown = out.lines().find(|l| l.starts_with("4 | ")).unwrap();
        assert!(shown.ends_with('…') && shown.len() < 260, "{shown}");
        // The caret is under the text it marks.
        let lines: Vec<&str> = out.lines().collect();
        let at = lines.iter().position(|l| l.starts_with("4 | ")).unwrap();
        let caret = lines[at + 1].find('^').unwrap();
        assert_eq!(&shown[caret..caret + 4], "${X}", "{shown}\n{}", lines[at + 1]);
        // A short line is shown whole.
        let text = "services:\n  web:\n    image: nginx\n    bogus: 1\n";
        let out = super::render("convox.yml", text, &crate::ide::Analysis::from_text(text).diagnostics());
        assert!(out.contains("4 |     bogus: 1\n"), "{out}");
    }
}
