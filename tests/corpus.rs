//! Every manifest of `../shared/corpus` (real files from public repositories) goes through the
//! whole analysis without a panic, and gives YAML syntax errors exactly where `INDEX.tsv` says the
//! file is not parseable YAML.

mod skip;
use std::path::PathBuf;

use convox_lsp::ide::Analysis;

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

#[test]
fn every_corpus_file_is_answered() {
    let Some(dir) = corpus() else {
        skip::skipped("corpus", "no ../shared/corpus beside the project");
        return;
    };
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).unwrap();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, version) = (cols[0], cols[5]);
        let Ok(text) = std::fs::read_to_string(dir.join(file)) else { continue };
        let analysis = Analysis::from_text(&text);
        let diags = analysis.diagnostics();
        let _ = analysis.document_symbols();
        for offset in (0..=text.len()).step_by(7).filter(|o| text.is_char_boundary(*o)) {
            let _ = analysis.key_path_at(offset);
        }
        let syntax_errors = diags.iter().filter(|d| d.code == "yaml-syntax").count();
        let unparseable = version.starts_with("unparseable YAML");
        if (syntax_errors > 0) != unparseable {
            mismatches.push(format!("{file}: {syntax_errors} syntax errors, index says {version:?}"));
        }
        checked += 1;
    }
    assert!(checked > 200, "only {checked} corpus files read");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// Convox's own v3 test fixtures that Convox accepts give no errors (the invalid ones are
/// named so: `invalid*`, `validate`, `auto-shutdown-invalid-*`, and the anchor samples whose
/// `services` is not a map).
#[test]
fn convox_valid_fixtures_have_no_errors() {
    let Some(dir) = corpus() else { return };
    let mut checked = 0;
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let invalid = ["invalid", "validate", "sample-anchor-alias"].iter().any(|w| name.contains(w));
        if !name.starts_with("convox__convox__") || !name.ends_with(".yml") || invalid {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        for d in Analysis::from_text(&text).diagnostics() {
            if d.severity == convox_lsp::ide::Severity::Error {
                problems.push(format!("{name}: {} {}", d.code, d.message));
            }
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} fixtures");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
