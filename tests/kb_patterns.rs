//! Every knowledge-base key pattern the code names (`"services.*.port"`, `"environment[]"` ...) is
//! a pattern of the data, so renaming or removing a key in `src/schema/data` cannot leave a
//! feature matching a pattern that no longer exists.

use std::path::{Path, PathBuf};

use convox_lsp::schema::schema;

/// The sections a pattern starts with.
const SECTIONS: [&str; 10] = [
    "services",
    "resources",
    "timers",
    "balancers",
    "environment",
    "appSettings",
    "budget",
    "labels",
    "configs",
    "params",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// String literals of the code that are patterns: a section, then `.*`, `[]` or `.key` steps,
/// with at least one wildcard (`*` or `[]`), so concrete paths of examples are left aside.
fn patterns(source: &str) -> Vec<String> {
    source
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| SECTIONS.iter().any(|sec| s.starts_with(sec)) && (s.contains(".*") || s.contains("[]")))
        .filter(|s| s.chars().all(|c| c.is_ascii_alphanumeric() || ".*[]_-".contains(c)))
        .map(str::to_string)
        .collect()
}

/// Whether the data has the pattern (or, for a prefix ending in `.`, a pattern below it).
fn known(p: &str) -> bool {
    if p.ends_with('.') {
        return schema().keys().any(|(k, _)| k.starts_with(p));
    }
    schema().get(p).is_some() || schema().get(p.trim_end_matches("[]")).is_some()
}

#[test]
fn every_pattern_in_the_code_is_in_the_data() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut checked = 0;
    let mut unknown = Vec::new();
    for f in files {
        let source = std::fs::read_to_string(&f).expect("a source file");
        for p in patterns(&source) {
            checked += 1;
            if !known(&p) {
                unknown.push(format!("{}: {p}", f.display()));
            }
        }
    }
    assert!(checked > 30, "only {checked} patterns found");
    assert!(unknown.is_empty(), "patterns the knowledge base does not have:\n{}", unknown.join("\n"));
}

#[test]
fn the_check_catches_a_pattern_that_is_gone() {
    assert_eq!(patterns(r#"match p { "services.*.porty" => 1, "services.web" => 2 }"#), ["services.*.porty"]);
    assert!(!known("services.*.porty"));
    assert!(known("services.*.port"));
}
