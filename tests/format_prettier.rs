//! convox-lsp's formatting against Prettier's on the corpus, for `docs/formatting.md`. Needs `npx`
//! and the network (Prettier 3 is fetched), so it is ignored by default:
//! `cargo test --test format_prettier -- --ignored --nocapture`.

use std::path::PathBuf;
use std::process::Command;

use convox_lsp::ide::format::{FormatOptions, format};

#[test]
#[ignore = "runs npx prettier@3 (network); figures for docs/formatting.md"]
fn compare_with_prettier_on_the_corpus() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() || Command::new("npx").arg("--version").output().is_err() {
        eprintln!("no corpus or no npx: skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("convox-lsp-prettier-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut ours = Vec::new();
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        if !(name.ends_with(".yml") || name.ends_with(".yaml")) {
            continue;
        }
        if let Ok(out) = format(&text, &FormatOptions::default()) {
            std::fs::write(dir.join(&name), &text).unwrap();
            ours.push((name, out));
        }
    }
    let status = Command::new("npx").args(["--yes", "prettier@3", "--parser", "yaml", "--write"]).arg(&dir).output();
    assert!(status.is_ok_and(|s| s.status.success()), "prettier failed");
    let mut different: Vec<&str> = Vec::new();
    for (name, out) in &ours {
        if std::fs::read_to_string(dir.join(name)).unwrap() != *out {
            different.push(name);
        }
    }
    different.sort();
    let identical = ours.len() - different.len();
    // docs/formatting.md explains every difference; most files must be formatted alike.
    assert!(identical * 10 >= ours.len() * 8, "only {identical} of {} identical", ours.len());
    eprintln!("{} files: {identical} identical to Prettier, {} different", ours.len(), different.len());
    for name in different {
        eprintln!("  {name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
