//! One rule for a suite that needs something beside the project (`../shared`'s corpus and Convox
//! oracle, Convox's source, a Python tool): a contributor without it sees one visible line per
//! skipped suite, and a run that requires everything (`.ci/run` sets `CONVOX_LSP_NO_SKIP=1`) fails.
//!
//! The line is written to the process's standard error directly, not through `eprintln!`, which
//! the test harness captures and shows only for failing tests.

#![allow(dead_code)] // Each test crate uses its own part.

use std::io::Write;
use std::path::PathBuf;

/// Whether this run must not skip (`CONVOX_LSP_NO_SKIP` set to anything but `0` or empty).
pub fn required() -> bool {
    std::env::var("CONVOX_LSP_NO_SKIP").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Says that `suite` is skipped and why; panics instead when the run requires every suite.
pub fn skipped(suite: &str, why: &str) {
    if required() {
        panic!("{suite}: {why}, and CONVOX_LSP_NO_SKIP is set: this suite must run here");
    }
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED {suite}: {why}");
}

/// `../shared` beside the project when it holds `needs` (paths inside it), else the skip above.
pub fn shared(suite: &str, needs: &[&str]) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    match needs.iter().find(|n| !dir.join(n).exists()) {
        None => Some(dir),
        Some(missing) => {
            skipped(suite, &format!("no ../shared/{missing} beside the project"));
            None
        }
    }
}

/// Says that `suite` is skipped for want of something no run is required to have (Convox's source
/// mirror on this machine): visible, never fatal.
pub fn note(suite: &str, why: &str) {
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED {suite}: {why}");
}

/// Whether the tests run in the packaged crate (`cargo package` writes `Cargo.toml.orig`), which
/// carries the sources and their test data but not the repository around them (`editors/`,
/// `.github/`, `docs/`): a suite about those files says so and returns.
pub fn packaged_crate(suite: &str) -> bool {
    let packaged = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml.orig").is_file();
    if packaged {
        note(suite, "the packaged crate does not carry the repository files this suite checks");
    }
    packaged
}
