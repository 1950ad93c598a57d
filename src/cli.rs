//! The terminal edge: `check` prints diagnostics as `path:line:col: severity[code]: message`, with
//! the source line and a caret under the range.

use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

use crate::ide::{Analysis, Diagnostic, Severity};
use crate::text::{PositionEncoding, Text};

/// What `check` found in all its inputs.
#[derive(Debug, Default)]
pub struct CheckOutcome {
    pub errors: usize,
    pub warnings: usize,
    /// Inputs that could not be read (each already reported on stderr).
    pub unreadable: usize,
}

impl CheckOutcome {
    /// 2 when an input could not be read, 1 when there are errors, else 0.
    pub fn exit_code(&self) -> i32 {
        if self.unreadable > 0 {
            2
        } else if self.errors > 0 {
            1
        } else {
            0
        }
    }
}

/// Reads a manifest: a path, or standard input for `-`. Errors are one line each.
pub fn read_input(path: &str) -> Result<String, String> {
    let bytes = if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| format!("<stdin>: cannot read: {e}"))?;
        buf
    } else {
        let p = Path::new(path);
        if p.is_dir() {
            return Err(format!("{path}: is a directory, not a convox.yml file"));
        }
        std::fs::read(p).map_err(|e| format!("{path}: cannot read: {}", io_reason(&e)))?
    };
    String::from_utf8(bytes).map_err(|e| {
        format!("{}: not UTF-8 text (invalid byte at offset {})", display_name(path), e.utf8_error().valid_up_to())
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

fn display_name(path: &str) -> &str {
    if path == "-" { "<stdin>" } else { path }
}

/// Checks each input and writes the report to `out`; unreadable inputs go to `err`.
pub fn check(paths: &[String], out: &mut impl std::io::Write, err: &mut impl std::io::Write) -> CheckOutcome {
    let mut outcome = CheckOutcome::default();
    for path in paths {
        let text = match read_input(path) {
            Ok(t) => t,
            Err(msg) => {
                let _ = writeln!(err, "error: {msg}");
                outcome.unreadable += 1;
                continue;
            }
        };
        let analysis = Analysis::from_text(&text);
        let diags = analysis.diagnostics();
        let _ = out.write_all(render(display_name(path), &text, &diags).as_bytes());
        outcome.errors += diags.iter().filter(|d| d.severity == Severity::Error).count();
        outcome.warnings += diags.iter().filter(|d| d.severity == Severity::Warning).count();
    }
    outcome
}

/// One diagnostic per block: the location line, the source line, a caret line.
pub fn render(path: &str, text: &str, diags: &[Diagnostic]) -> String {
    let t = Text::new(text);
    let mut s = String::new();
    for d in diags {
        let line = t.line_of(d.range.start);
        let line_start = t.line_start(line);
        let line_end = t.line_end(line);
        let source = &text[line_start..line_end];
        // Columns count characters, 1-based, as terminals and most editors show them.
        let col = text[line_start..d.range.start.min(line_end).max(line_start)].chars().count() + 1;
        let _ = writeln!(s, "{path}:{}:{col}: {}[{}]: {}", line + 1, d.severity.as_str(), d.code, d.message);
        let gutter = (line + 1).to_string();
        let pad = " ".repeat(gutter.len());
        let caret_end = d.range.end.min(line_end).max(d.range.start.min(line_end));
        let width = text[d.range.start.min(line_end)..caret_end].chars().count().max(1);
        // Tabs keep their width in the caret line so the caret stays under its text.
        let lead: String = text[line_start..d.range.start.min(line_end).max(line_start)]
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(s, "{pad} |");
        let _ = writeln!(s, "{gutter} | {source}");
        let _ = writeln!(s, "{pad} | {lead}{}", "^".repeat(width));
    }
    s
}

/// 1-based line and character column of an offset (used by the summary and tests).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let t = Text::new(text);
    let lc = t.position(offset, PositionEncoding::Utf8);
    let line_start = t.line_start(lc.line as usize);
    (lc.line as usize + 1, text[line_start..offset].chars().count() + 1)
}

/// `explain PATH [KEY.PATH]`: the whole file as key -> objects -> kubectl, or one key's hover.
pub fn explain(path: &str, key: Option<&str>, ctx: &crate::context::Context) -> Result<String, String> {
    let text = read_input(path)?;
    let analysis = Analysis::from_text(&text);
    let rows = analysis.explain(ctx);
    let mut out = String::new();
    match key {
        Some(k) => {
            let want = k.trim();
            let row = rows.iter().find(|r| r.path == want).ok_or_else(|| {
                let near: Vec<&str> = rows
                    .iter()
                    .map(|r| r.path.as_str())
                    .filter(|p| p.starts_with(want.split('.').next().unwrap_or("")))
                    .take(5)
                    .collect();
                format!(
                    "{}: no key {want}{}",
                    display_name(path),
                    if near.is_empty() { String::new() } else { format!(" (keys there: {})", near.join(", ")) }
                )
            })?;
            let hover = analysis
                .hover(row.offset, ctx)
                .ok_or_else(|| format!("{}: nothing known about {want}", display_name(path)))?;
            out.push_str(&hover.markdown);
        }
        None => {
            let _ = writeln!(out, "# {} (namespace {})", display_name(path), ctx.namespace());
            for r in rows {
                let _ = writeln!(out, "{}", r.path);
                if r.objects.is_empty() {
                    let _ = writeln!(out, "  -> (no Kubernetes object)");
                } else {
                    let _ = writeln!(out, "  -> {}", r.objects.join("; "));
                }
                if let Some(c) = r.kubectl {
                    let _ = writeln!(out, "  $ {c}");
                }
            }
        }
    }
    Ok(out)
}
