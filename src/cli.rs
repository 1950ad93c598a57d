//! The terminal edge. `check` reads every input once, analyses it and collects the results in a
//! [`Report`]; one renderer per [`Format`] then turns that report into text: `human`
//! (`path:line:col: severity[code]: message`, the source line and a caret under the range), `json`,
//! GitHub Actions workflow commands, or SARIF 2.1.0. `docs/cli.md` documents the formats.
//!
//! Lines and columns shown or written by every format are 1-based; columns count characters
//! (Unicode scalar values) from the start of the line.

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::ide::{Analysis, Code, Diagnostic, Severity};
use crate::text::{PositionEncoding, Text, TextRange};

/// How `check` writes its report on standard output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: severity[code]: message`, the source line and a caret; a summary on stderr.
    #[default]
    Human,
    /// One JSON document (`version` 1) with every file, diagnostic and a summary.
    Json,
    /// GitHub Actions workflow commands (`::error file=...::message`), one line per diagnostic.
    Github,
    /// A SARIF 2.1.0 log, for code-scanning tools.
    Sarif,
}

/// When the human format uses colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// When standard output is a terminal and `NO_COLOR` is not set (or empty).
    #[default]
    Auto,
    /// Always, even in a pipe or with `NO_COLOR`.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour, given whether stdout is a terminal and the value of `NO_COLOR`
    /// (<https://no-color.org>: set and not empty disables colours; `--color always` overrides it).
    pub fn enabled(self, stdout_is_terminal: bool, no_color: Option<&OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stdout_is_terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }
}

/// What `check` was asked to do, beyond the paths.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub format: Format,
    /// Colours in the human format (already resolved from `--color`, the terminal and `NO_COLOR`).
    pub color: bool,
    /// Warnings fail the check (exit code 1) like errors.
    pub deny_warnings: bool,
    /// The name standard input (`-`) goes by in the output; `<stdin>` when not given.
    pub stdin_filename: Option<String>,
}

/// What `check` found in all its inputs.
#[derive(Debug, Default)]
pub struct CheckOutcome {
    pub errors: usize,
    pub warnings: usize,
    /// Inputs that could not be read (each already reported on stderr), directories without a
    /// manifest included.
    pub unreadable: usize,
    /// Warnings count as failures (`--deny-warnings`).
    pub deny_warnings: bool,
}

impl CheckOutcome {
    /// 2 when an input could not be read; 1 when there are errors (or warnings with
    /// `--deny-warnings`); else 0.
    pub fn exit_code(&self) -> i32 {
        if self.unreadable > 0 {
            2
        } else if self.errors > 0 || (self.deny_warnings && self.warnings > 0) {
            1
        } else {
            0
        }
    }
}

/// One input that was read and analysed.
#[derive(Debug)]
pub struct CheckedFile {
    /// The path as given (or as found under a directory argument), or the name of standard input.
    pub path: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything `check` found, before rendering.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<CheckedFile>,
    /// One line per input that could not be read (without the `error: ` prefix).
    pub input_errors: Vec<String>,
}

/// Counts per severity, and how many files were checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
    pub files: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let mut s = Summary { files: self.files.len(), ..Summary::default() };
        for d in self.files.iter().flat_map(|f| &f.diagnostics) {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Information => s.infos += 1,
                Severity::Hint => s.hints += 1,
            }
        }
        s
    }
}

/// Reads a manifest: a path, or standard input for `-`. Errors are one line each.
pub fn read_input(path: &str) -> Result<String, String> {
    read_named(path, display_name(path))
}

fn read_named(path: &str, name: &str) -> Result<String, String> {
    let bytes = if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| format!("{name}: cannot read: {e}"))?;
        buf
    } else {
        let p = Path::new(path);
        if p.is_dir() {
            return Err(format!("{path}: is a directory, not a convox.yml file"));
        }
        std::fs::read(p).map_err(|e| format!("{path}: cannot read: {}", io_reason(&e)))?
    };
    String::from_utf8(bytes)
        .map_err(|e| format!("{name}: not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
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

/// Directories never searched under a directory argument (besides hidden ones).
const SKIPPED_DIRS: &[&str] = &["node_modules", "target", "vendor"];

/// Whether a file found under a directory argument is a manifest: `convox.yml`, `convox.*.yml`,
/// `convox.yaml` or `convox*.yaml`.
pub fn is_manifest_name(name: &str) -> bool {
    name == "convox.yml"
        || name.strip_prefix("convox.").and_then(|rest| rest.strip_suffix(".yml")).is_some()
        || name.strip_prefix("convox").and_then(|rest| rest.strip_suffix(".yaml")).is_some()
}

/// The manifests under `dir`, recursively, sorted. Hidden directories, `node_modules`, `target`
/// and `vendor` are skipped; symbolic links to directories are not followed (no cycles), symbolic
/// links to files are. Directories that cannot be listed are reported in `errors`.
pub fn find_manifests(dir: &Path, errors: &mut Vec<String>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    walk(dir, &mut found, errors);
    found.sort();
    found
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(format!("{}: cannot read directory: {}", dir.display(), io_reason(&e)));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(format!("{}: cannot read directory: {}", dir.display(), io_reason(&e)));
                continue;
            }
        };
        let Ok(kind) = entry.file_type() else { continue };
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let path = entry.path();
        if kind.is_dir() {
            if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name) {
                walk(&path, found, errors);
            }
        } else if is_manifest_name(name) && (kind.is_file() || (kind.is_symlink() && path.is_file())) {
            found.push(path);
        }
    }
}

/// `dir` joined with a path found under it, without a leading `./` when `dir` is `.`.
fn shown_path(dir: &str, found: &Path) -> String {
    match found.strip_prefix(".") {
        Ok(rel) if dir == "." => rel.display().to_string(),
        _ => found.display().to_string(),
    }
}

/// Reads and analyses every input once: files as given, standard input for `-`, the manifests
/// found under directories. A path is checked once even when named twice.
pub fn collect(paths: &[String], stdin_filename: Option<&str>) -> Report {
    let mut report = Report::default();
    let mut seen: HashSet<String> = HashSet::new();
    let stdin_name = stdin_filename.unwrap_or("<stdin>");
    for arg in paths {
        let mut inputs: Vec<(String, String)> = Vec::new(); // (path to read, name to show)
        if arg == "-" {
            inputs.push((arg.clone(), stdin_name.to_string()));
        } else if Path::new(arg).is_dir() {
            let mut errors = Vec::new();
            let found = find_manifests(Path::new(arg), &mut errors);
            let none = found.is_empty() && errors.is_empty();
            report.input_errors.extend(errors);
            if none {
                report.input_errors.push(format!(
                    "{arg}: no manifest in this directory (looked for convox.yml, convox.*.yml, convox*.yaml)"
                ));
            }
            inputs.extend(found.iter().map(|p| (p.display().to_string(), shown_path(arg, p))));
        } else {
            inputs.push((arg.clone(), arg.clone()));
        }
        for (path, name) in inputs {
            if !seen.insert(path.clone()) {
                continue;
            }
            match read_named(&path, &name) {
                Ok(text) => {
                    let diagnostics = Analysis::from_text(&text).diagnostics();
                    report.files.push(CheckedFile { path: name, text, diagnostics });
                }
                Err(msg) => report.input_errors.push(msg),
            }
        }
    }
    report
}

/// Checks each input and writes the report to `out` in `options.format`; unreadable inputs (and,
/// in the human format, the summary) go to `err`.
pub fn check(
    paths: &[String],
    options: &CheckOptions,
    out: &mut impl std::io::Write,
    err: &mut impl std::io::Write,
) -> CheckOutcome {
    let report = collect(paths, options.stdin_filename.as_deref());
    for msg in &report.input_errors {
        let _ = writeln!(err, "error: {msg}");
    }
    let rendered = match options.format {
        Format::Human => render_human(&report, options.color),
        Format::Json => render_json(&report),
        Format::Github => render_github(&report),
        Format::Sarif => render_sarif(&report),
    };
    let _ = out.write_all(rendered.as_bytes());
    let _ = out.flush();
    let summary = report.summary();
    if options.format == Format::Human {
        let _ = writeln!(err, "{}", summary_line(&summary, report.input_errors.len()));
    }
    CheckOutcome {
        errors: summary.errors,
        warnings: summary.warnings,
        unreadable: report.input_errors.len(),
        deny_warnings: options.deny_warnings,
    }
}

// ---------------------------------------------------------------------------------------------
// Positions

/// A 1-based line and a 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Converts byte offsets of one text to [`Position`]s.
struct Positions<'a> {
    text: &'a str,
    t: Text,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, t: Text::new(text) }
    }

    /// `offset` clamped to the text and moved back to a character boundary.
    fn clamp(&self, offset: usize) -> usize {
        let mut o = offset.min(self.text.len());
        while !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    fn position(&self, offset: usize) -> Position {
        let offset = self.clamp(offset);
        let lc = self.t.position(offset, PositionEncoding::Utf8);
        let line_start = self.t.line_start(lc.line as usize);
        Position { line: lc.line as usize + 1, column: self.text[line_start..offset].chars().count() + 1 }
    }

    fn range(&self, r: TextRange) -> (Position, Position) {
        (self.position(r.start), self.position(r.end.max(r.start)))
    }
}

/// 1-based line and character column of an offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let p = Positions::new(text).position(offset);
    (p.line, p.column)
}

// ---------------------------------------------------------------------------------------------
// human

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
        let source = &text[line_start..line_end];
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
        let caret_end = end.min(line_end).max(caret_start);
        let width = text[caret_start..caret_end].chars().count().max(1);
        // Tabs keep their width in the caret line so the caret stays under its text.
        let lead: String = text[line_start..caret_start].chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        let _ = writeln!(s, "{pad} |");
        let _ = writeln!(s, "{gutter} | {source}");
        let _ = writeln!(s, "{pad} | {lead}{sev}{}{reset}", "^".repeat(width));
    }
    s
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

// ---------------------------------------------------------------------------------------------
// json

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
                        fix: d.fix.as_ref().map(|fix| JsonFix {
                            title: &fix.title,
                            edits: fix
                                .edits
                                .iter()
                                .map(|(r, new_text)| {
                                    let (range, offset) = json_range(&p, *r);
                                    JsonEdit { range, offset, new_text }
                                })
                                .collect(),
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

// ---------------------------------------------------------------------------------------------
// github

/// Escapes workflow command data (the message): `%`, `\r`, `\n`.
pub fn github_escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command property value: as data, plus `:` and `,`.
pub fn github_escape_property(s: &str) -> String {
    github_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A path with forward slashes (only `\` on Windows is a separator to convert).
fn slash_path(path: &str) -> String {
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

// ---------------------------------------------------------------------------------------------
// sarif

/// The project's repository (`repository` in Cargo.toml); empty when not set.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// A path as a SARIF `uri`: forward slashes, characters outside a URI reference percent-encoded;
/// an absolute path becomes a `file://` URI.
pub fn sarif_uri(path: &str) -> String {
    let path = slash_path(path);
    let absolute = Path::new(&path).is_absolute() || path.starts_with('/');
    let mut s = String::new();
    if absolute {
        s.push_str(if path.starts_with('/') { "file://" } else { "file:///" });
    }
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&b)
            // A relative reference cannot hold `:` (it would read as a scheme); a file URI can.
            || (absolute && b == b':');
        if keep {
            s.push(b as char);
        } else {
            let _ = write!(s, "%{b:02X}");
        }
    }
    s
}

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    tool: SarifTool,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct SarifTool {
    driver: SarifDriver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifDriver {
    name: &'static str,
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<SarifRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule {
    id: String,
    short_description: SarifText,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
}

#[derive(Serialize)]
struct SarifText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: SarifText,
    locations: [SarifLocation; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: SarifPhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysicalLocation {
    artifact_location: SarifArtifactLocation,
    region: SarifRegion,
}

#[derive(Serialize)]
struct SarifArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// The report as a SARIF 2.1.0 log: one run, one rule per code that occurs (sorted), one result
/// per diagnostic. Columns are Unicode code points (`columnKind`), 1-based, end exclusive.
/// `informationUri` and each rule's `helpUri` need `repository` in Cargo.toml; without it they are
/// left out (both are optional in the schema).
pub fn render_sarif(report: &Report) -> String {
    let mut codes: BTreeMap<&str, usize> =
        report.files.iter().flat_map(|f| &f.diagnostics).map(|d| (d.code.as_str(), 0)).collect();
    for (i, v) in codes.values_mut().enumerate() {
        *v = i;
    }
    let repository = REPOSITORY.trim_end_matches('/');
    let rules = codes
        .keys()
        .map(|code| SarifRule {
            id: code.to_string(),
            short_description: SarifText {
                text: Code::parse(code).map_or_else(String::new, |c| c.summary().to_string()),
            },
            help_uri: (!repository.is_empty()).then(|| {
                format!("{repository}/blob/HEAD/docs/diagnostics.md#{}", Code::parse(code).map_or(*code, Code::anchor))
            }),
        })
        .collect();
    let mut results = Vec::new();
    for f in &report.files {
        let p = Positions::new(&f.text);
        let uri = sarif_uri(&f.path);
        for d in &f.diagnostics {
            let (start, end) = p.range(d.range);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Information | Severity::Hint => "note",
            };
            results.push(SarifResult {
                rule_id: d.code.as_str(),
                rule_index: codes[d.code.as_str()],
                level,
                message: SarifText { text: d.message.clone() },
                locations: [SarifLocation {
                    physical_location: SarifPhysicalLocation {
                        artifact_location: SarifArtifactLocation { uri: uri.clone() },
                        region: SarifRegion {
                            start_line: start.line,
                            start_column: start.column,
                            end_line: end.line,
                            end_column: end.column,
                        },
                    },
                }],
            });
        }
    }
    let log = SarifLog {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "convox-lsp",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: (!REPOSITORY.is_empty()).then_some(REPOSITORY),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).expect("the log serializes");
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------------------------
// explain

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
