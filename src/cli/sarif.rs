//! SARIF 2.1.0.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::Report;
use super::github::slash_path;
use super::positions::Positions;
use crate::ide::{Code, Severity};

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
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    original_uri_base_ids: BTreeMap<&'static str, SarifBase>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

/// Where `%SRCROOT%` points: the working directory, as an absolute `file` URI ending in `/`.
#[derive(Serialize)]
struct SarifBase {
    uri: String,
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
    full_description: SarifText,
    help: SarifHelp,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
}

#[derive(Serialize)]
struct SarifText {
    text: String,
}

#[derive(Serialize)]
struct SarifHelp {
    text: String,
    markdown: String,
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
#[serde(rename_all = "camelCase")]
struct SarifArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

/// The base GitHub code scanning resolves relative paths against (the checkout).
const SRCROOT: &str = "%SRCROOT%";

/// The location of `path`: relative to `%SRCROOT%` (the working directory `cwd`) when it is under
/// it, else an absolute `file` URI.
fn artifact_location(path: &str, cwd: Option<&Path>) -> SarifArtifactLocation {
    let p = Path::new(path);
    // Standard input without `--stdin-filename` is no file: its name stays as it is.
    let Some(cwd) = cwd.filter(|_| path != "<stdin>") else {
        return SarifArtifactLocation { uri: sarif_uri(path), uri_base_id: None };
    };
    let absolute = normalize(&cwd.join(p));
    match absolute.strip_prefix(normalize(cwd)) {
        Ok(rel) if !rel.as_os_str().is_empty() => {
            SarifArtifactLocation { uri: sarif_uri(&rel.to_string_lossy()), uri_base_id: Some(SRCROOT) }
        }
        _ => SarifArtifactLocation { uri: sarif_uri(&absolute.to_string_lossy()), uri_base_id: None },
    }
}

/// `a/./b/../c` as `a/c`, without touching the file system (a symbolic link is not followed).
fn normalize(p: &Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(c);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The working directory as the `%SRCROOT%` base URI: absolute, ending in `/`.
fn base_uri(cwd: &Path) -> String {
    let mut uri = sarif_uri(&normalize(cwd).to_string_lossy());
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The section of `docs/diagnostics.md` about `code` (below its `### \`code\`` heading, without
/// the severity line): the rule's full description and help.
fn doc_section(code: &str) -> Option<&'static str> {
    const DOCS: &str = include_str!("../../docs/diagnostics.md");
    let heading = format!("\n### `{code}`\n");
    let start = DOCS.find(&heading)? + heading.len();
    let body = &DOCS[start..];
    let end = body.find("\n#").unwrap_or(body.len());
    let body = body[..end].trim();
    // The first line is `*Default severity ...; fails at ...*`.
    let body = match body.split_once('\n') {
        Some((first, rest)) if first.starts_with('*') => rest.trim(),
        _ => body,
    };
    (!body.is_empty()).then_some(body)
}

/// A Markdown paragraph as one line of plain text (line breaks inside paragraphs joined).
fn plain(markdown: &str) -> String {
    markdown.split("\n\n").map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\n\n")
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
/// per diagnostic. Columns are Unicode code points (`columnKind`), 1-based, end exclusive. Each
/// rule's `fullDescription` and `help` are its section of `docs/diagnostics.md`. A path under `cwd`
/// (the working directory) is relative to `%SRCROOT%`, which points at `cwd`.
/// `informationUri` and each rule's `helpUri` need `repository` in Cargo.toml; without it they are
/// left out (both are optional in the schema).
pub fn render_sarif(report: &Report, cwd: Option<&Path>) -> String {
    let mut codes: BTreeMap<&str, usize> =
        report.files.iter().flat_map(|f| &f.diagnostics).map(|d| (d.code.as_str(), 0)).collect();
    for (i, v) in codes.values_mut().enumerate() {
        *v = i;
    }
    let repository = REPOSITORY.trim_end_matches('/');
    let rules = codes.keys().map(|code| rule(code, repository)).collect();
    let mut results = Vec::new();
    for f in &report.files {
        let p = Positions::new(&f.text);
        let location = artifact_location(&f.path, cwd);
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
                        artifact_location: SarifArtifactLocation {
                            uri: location.uri.clone(),
                            uri_base_id: location.uri_base_id,
                        },
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
    let mut bases = BTreeMap::new();
    if let Some(cwd) =
        cwd.filter(|_| results.iter().any(|r| r.locations[0].physical_location.artifact_location.uri_base_id.is_some()))
    {
        bases.insert(SRCROOT, SarifBase { uri: base_uri(cwd) });
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
            original_uri_base_ids: bases,
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).expect("the log serializes");
    s.push('\n');
    s
}

/// The rule of `code`: its summary, its docs section, its docs link.
fn rule(code: &str, repository: &str) -> SarifRule {
    let parsed = Code::parse(code);
    let summary = parsed.map_or_else(String::new, |c| c.summary().to_string());
    let markdown = doc_section(code).map_or_else(|| summary.clone(), str::to_string);
    SarifRule {
        id: code.to_string(),
        short_description: SarifText { text: plain(&summary) },
        full_description: SarifText { text: plain(&markdown) },
        help: SarifHelp { text: plain(&markdown), markdown },
        help_uri: (!repository.is_empty()).then(|| {
            format!(
                "{repository}/blob/HEAD/docs/diagnostics.md#{}",
                parsed.map_or(code.to_string(), |c| c.anchor().to_string())
            )
        }),
    }
}
