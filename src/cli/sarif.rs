//! SARIF 2.1.0.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::Report;
use super::github::slash_path;
use super::positions::Positions;
use crate::ide::Severity;

/// The project's repository (`repository` in Cargo.toml); empty when not set.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The short description of each code: the "what it means" column of the table in
/// `docs/diagnostics.md` (`| \`code\` | severity | what it means |`).
fn rule_description(code: &str) -> String {
    const DOC: &str = include_str!("../../docs/diagnostics.md");
    let wanted = format!("`{code}`");
    DOC.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
            (cells.len() >= 3 && cells[0] == wanted).then(|| cells[2..].join("|").trim().to_string())
        })
        .find(|d| !d.is_empty())
        .unwrap_or_else(|| format!("convox.yml diagnostic {code}; see docs/diagnostics.md"))
}

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
        report.files.iter().flat_map(|f| &f.diagnostics).map(|d| (d.code, 0)).collect();
    for (i, v) in codes.values_mut().enumerate() {
        *v = i;
    }
    let repository = REPOSITORY.trim_end_matches('/');
    let rules = codes
        .keys()
        .map(|code| SarifRule {
            id: code.to_string(),
            short_description: SarifText { text: rule_description(code) },
            help_uri: (!repository.is_empty()).then(|| format!("{repository}/blob/HEAD/docs/diagnostics.md#{code}")),
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
                rule_id: d.code,
                rule_index: codes[d.code],
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
