//! `fmt [--check] PATH...|-`: formats manifests in place (standard input to standard output for
//! `-`); with `--check`, writes nothing and lists the files that would change. Directories are
//! searched for manifests as `check` does.

use std::io::Write;
use std::path::Path;

use super::{find_manifests, line_col, read_named};
use crate::ide::format::{FormatOptions, format};

/// What `fmt` found: files changed (or that would change), and inputs it could not format.
#[derive(Debug, Default)]
pub struct FmtOutcome {
    pub changed: usize,
    pub failed: usize,
    pub check: bool,
}

impl FmtOutcome {
    /// 2 when an input could not be read, parsed or written; 1 with `--check` when a file would
    /// change; else 0.
    pub fn exit_code(&self) -> i32 {
        if self.failed > 0 {
            2
        } else if self.check && self.changed > 0 {
            1
        } else {
            0
        }
    }
}

/// Formats every input; `out` receives standard input's result and the `--check` list, `err`
/// one line per input that could not be formatted.
pub fn fmt(paths: &[String], check: bool, out: &mut impl Write, err: &mut impl Write) -> FmtOutcome {
    let mut outcome = FmtOutcome { check, ..FmtOutcome::default() };
    for (path, name) in inputs(paths, &mut outcome, err) {
        match one(&path, &name, check, out) {
            Ok(changed) => outcome.changed += usize::from(changed),
            Err(msg) => {
                let _ = writeln!(err, "error: {msg}");
                outcome.failed += 1;
            }
        }
    }
    let _ = out.flush();
    outcome
}

/// (path to read, name to show) for each argument; directories expanded.
fn inputs(paths: &[String], outcome: &mut FmtOutcome, err: &mut impl Write) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for arg in paths {
        if arg == "-" {
            all.push((arg.clone(), "<stdin>".to_string()));
        } else if Path::new(arg).is_dir() {
            let mut errors = Vec::new();
            let found = find_manifests(Path::new(arg), &mut errors);
            if found.is_empty() && errors.is_empty() {
                errors.push(format!("{arg}: no manifest in this directory"));
            }
            for e in errors {
                let _ = writeln!(err, "error: {e}");
                outcome.failed += 1;
            }
            all.extend(found.iter().map(|p| (p.display().to_string(), p.display().to_string())));
        } else {
            all.push((arg.clone(), arg.clone()));
        }
    }
    all
}

/// Formats one input; true when it changed (or would change).
fn one(path: &str, name: &str, check: bool, out: &mut impl Write) -> Result<bool, String> {
    let text = read_named(path, name)?;
    let formatted = format(&text, &FormatOptions::default()).map_err(|e| {
        let (line, col) = line_col(&text, e.offset);
        format!("{name}:{line}:{col}: {}", e.message)
    })?;
    let changed = formatted != text;
    if check {
        if changed {
            let _ = writeln!(out, "{name}");
        }
    } else if path == "-" {
        let _ = out.write_all(formatted.as_bytes());
    } else if changed {
        std::fs::write(path, &formatted).map_err(|e| format!("{name}: cannot write: {e}"))?;
    }
    Ok(changed)
}
