//! The JSON format (`version` 1).

use serde::Serialize;

use super::positions::{Position, Positions};
use super::{Report, Summary};
use crate::text::TextRange;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    files: Vec<JsonFile<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    range: JsonRange,
    offset: JsonOffsets,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonRange {
    start: Position,
    end: Position,
}

/// UTF-8 byte offsets, end exclusive.
#[derive(Serialize)]
struct JsonOffsets {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    range: JsonRange,
    offset: JsonOffsets,
    #[serde(rename = "newText")]
    new_text: &'a str,
}

fn json_range(p: &Positions, r: TextRange) -> (JsonRange, JsonOffsets) {
    let (start, end) = p.range(r);
    (JsonRange { start, end }, JsonOffsets { start: r.start, end: r.end })
}

/// The report as one JSON document (format version 1), with a trailing newline.
pub fn render_json(report: &Report) -> String {
    let files = report
        .files
        .iter()
        .map(|f| {
            let p = Positions::new(&f.text);
            // Only the fixes that leave the file better, as the server offers them.
            let safe = crate::ide::safe_fixes(&f.text, &f.diagnostics);
            let diagnostics = f
                .diagnostics
                .iter()
                .map(|d| {
                    let (range, offset) = json_range(&p, d.range);
                    JsonDiagnostic {
                        code: d.code.as_str(),
                        severity: d.severity.as_str(),
                        message: &d.message,
                        range,
                        offset,
                        fix: d.fix.as_ref().filter(|x| safe.iter().any(|(_, s)| std::ptr::eq(*s, *x))).map(|fix| {
                            JsonFix {
                                title: &fix.title,
                                edits: fix
                                    .edits
                                    .iter()
                                    .map(|(r, new_text)| {
                                        let (range, offset) = json_range(&p, *r);
                                        JsonEdit { range, offset, new_text }
                                    })
                                    .collect(),
                            }
                        }),
                    }
                })
                .collect();
            JsonFile { path: &f.path, diagnostics }
        })
        .collect();
    let doc = JsonReport { version: 1, files, summary: report.summary() };
    let mut s = serde_json::to_string_pretty(&doc).expect("the report serializes");
    s.push('\n');
    s
}
