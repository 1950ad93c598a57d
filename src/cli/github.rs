//! GitHub Actions workflow commands.

use std::fmt::Write as _;

use super::Report;
use super::positions::Positions;
use crate::ide::Severity;

/// Escapes workflow command data (the message): `%`, `\r`, `\n`.
pub fn github_escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command property value: as data, plus `:` and `,`.
pub fn github_escape_property(s: &str) -> String {
    github_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A path with forward slashes (only `\` on Windows is a separator to convert).
pub(super) fn slash_path(path: &str) -> String {
    if std::path::MAIN_SEPARATOR == '\\' { path.replace('\\', "/") } else { path.to_string() }
}

/// One `::error`/`::warning`/`::notice` workflow command per diagnostic. `col` and `endColumn`
/// are given only when the range is on one line, as GitHub requires for annotations.
pub fn render_github(report: &Report) -> String {
    let mut s = String::new();
    for f in &report.files {
        let p = Positions::new(&f.text);
        let file = github_escape_property(&slash_path(&f.path));
        for d in &f.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Information | Severity::Hint => "notice",
            };
            let (start, end) = p.range(d.range);
            let _ = write!(s, "::{command} file={file},line={},endLine={}", start.line, end.line);
            if start.line == end.line {
                let _ = write!(s, ",col={},endColumn={}", start.column, end.column);
            }
            let title = github_escape_property(&format!("convox-lsp [{}]", d.code));
            let _ = writeln!(s, ",title={title}::{}", github_escape_data(&d.message));
        }
    }
    s
}
