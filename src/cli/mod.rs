//! The terminal edge. `check` reads every input once, analyses it and collects the results in a
//! [`Report`]; one renderer per [`Format`] then turns that report into text: `human`
//! (`path:line:col: severity[code]: message`, the source line and a caret under the range), `json`,
//! GitHub Actions workflow commands, or SARIF 2.1.0. `docs/cli.md` documents the formats.
//!
//! Lines and columns shown or written by every format are 1-based; columns count characters
//! (Unicode scalar values) from the start of the line.

mod check;
mod env;
mod explain;
mod fmt;
mod github;
mod human;
mod json;
mod plan;
mod positions;
mod sarif;
mod troubleshoot;

use std::io::Read;
use std::path::{Path, PathBuf};

pub use check::{CheckOptions, CheckOutcome, CheckedFile, ColorChoice, Format, Report, Summary, check, collect};
pub use env::{EnvArgs, TargetArgs};
pub use explain::explain;
pub use fmt::{FmtOutcome, fmt};
pub use github::{github_escape_data, github_escape_property, render_github};
pub use human::{render, render_human, summary_line};
pub use json::render_json;
pub use plan::{Base as PlanBase, PlanFormat, PlanOutcome, plan, render as render_plan};
pub use positions::{Position, line_col};
pub use sarif::{render_sarif, sarif_uri};
pub use troubleshoot::{Failure as TroubleshootFailure, troubleshoot};

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
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    walk(dir, &root, &mut found, errors);
    found.sort();
    found
}

/// A link to a file outside `root` (the directory argument, resolved) is skipped and reported:
/// `check` would print its lines and `fmt` would rewrite it. A file of 1 MiB or more is reported,
/// not read (a manifest is far smaller; a named file is read whatever its size).
fn walk(dir: &Path, root: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
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
                walk(&path, root, found, errors);
            }
        } else if is_manifest_name(name) && (kind.is_file() || (kind.is_symlink() && path.is_file())) {
            if kind.is_symlink()
                && let Err(why) = crate::files::within(&path, std::slice::from_ref(&root.to_path_buf()))
            {
                errors.push(format!("{}: not read: a link to {why}", path.display()));
                continue;
            }
            if let Ok(Err(why)) = std::fs::metadata(&path).map(|m| crate::files::too_large(m.len())) {
                errors.push(format!("{}: not read: {why}", path.display()));
                continue;
            }
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
