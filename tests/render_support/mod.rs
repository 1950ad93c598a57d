//! What the render tests share: where `../shared` is, and which corpus manifests Convox accepts.

#![allow(dead_code)] // Each test crate uses its own part.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let ok = dir.join("tools/convox-oracle/convox-render").is_file() && dir.join("corpus").is_dir();
    ok.then_some(dir)
}

/// Convox's verdict (`convox-check --json`) on every corpus file, in name order: path -> accepted.
pub fn verdicts(shared: &Path) -> std::collections::BTreeMap<PathBuf, bool> {
    let corpus = shared.join("corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    let out =
        Command::new(shared.join("tools/convox-oracle/convox-check")).arg("--json").args(&files).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| Some((PathBuf::from(v["file"].as_str()?), v["ok"] == true)))
        .collect()
}

/// The corpus files Convox accepts (`convox-check --json`).
pub fn accepted(shared: &Path) -> Vec<PathBuf> {
    verdicts(shared).into_iter().filter(|(_, ok)| *ok).map(|(f, _)| f).collect()
}
