//! The formatter on real and generated manifests: idempotent, the same data before and after,
//! comments kept, and broken documents refused.

use std::path::PathBuf;

use convox_lsp::ide::format::{FormatOptions, format};

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// The comments of a text: each line's text from a `#` that starts a comment (crudely: a `#` at
/// the line's start or after a space, outside quotes); compared before and after.
fn comments(text: &str) -> Vec<String> {
    text.lines().filter_map(|l| l.trim_start().starts_with('#').then(|| l.trim().to_string())).collect()
}

fn values(text: &str) -> Vec<String> {
    use serde::Deserialize;
    yaml_serde::Deserializer::from_str(text)
        .map(|d| format!("{:?}", yaml_serde::Value::deserialize(d).unwrap()))
        .collect()
}

#[test]
fn every_corpus_file_that_parses_formats_idempotently_and_keeps_its_data() {
    let Some(dir) = corpus() else {
        eprintln!("no ../shared/corpus beside the project: skipped");
        return;
    };
    let (mut changed, mut unchanged, mut refused) = (0, 0, Vec::new());
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for path in names.iter().filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml")) {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let name = path.file_name().unwrap().to_string_lossy();
        match format(&text, &FormatOptions::default()) {
            Err(e) => refused.push(format!("{name}: {}", e.message)),
            Ok(out) => {
                assert_eq!(format(&out, &FormatOptions::default()).as_ref(), Ok(&out), "{name}: not idempotent");
                assert_eq!(values(&out), values(&text), "{name}: data changed");
                let shown: Vec<String> = comments(&text).iter().map(|c| c.trim_end().to_string()).collect();
                assert_eq!(comments(&out), shown, "{name}: comments changed");
                if out == text { unchanged += 1 } else { changed += 1 }
            }
        }
    }
    eprintln!("corpus: {changed} formatted with changes, {unchanged} unchanged, {} refused", refused.len());
    for r in &refused {
        eprintln!("  refused {r}");
    }
}
