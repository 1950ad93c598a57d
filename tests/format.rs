//! The formatter on real and generated manifests: idempotent, the same data before and after,
//! comments kept, and broken documents refused.

mod skip;
use std::path::PathBuf;

mod common;

use common::{Rng, generate};

use convox_lsp::ide::format::{FormatOptions, format};

const FOUR: FormatOptions = FormatOptions { indent: 4, ..TWO };
/// An editor that asks to keep trailing whitespace and final blank lines.
const KEEP: FormatOptions = FormatOptions {
    indent: 2,
    trim_trailing_whitespace: false,
    insert_final_newline: false,
    trim_final_newlines: false,
};
const TWO: FormatOptions =
    FormatOptions { indent: 2, trim_trailing_whitespace: true, insert_final_newline: true, trim_final_newlines: true };

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// The comments of a text: each line's text from a `#` that starts a comment (crudely: a `#` at
/// the line's start or after a space, outside quotes); compared before and after.
fn comments(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| l.starts_with('#')).map(str::to_string).collect()
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
        skip::skipped("format (corpus)", "no ../shared/corpus beside the project");
        return;
    };
    let (mut changed, mut unchanged, mut refused) = (0, 0, Vec::new());
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for path in names.iter().filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml")) {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let name = path.file_name().unwrap().to_string_lossy();
        match format(&text, &TWO) {
            Err(e) => refused.push(format!("{name}: {}", e.message)),
            Ok(out) => {
                assert!(formats_well(&text, &TWO, &name));
                if out == text { unchanged += 1 } else { changed += 1 }
            }
        }
    }
    eprintln!("corpus: {changed} formatted with changes, {unchanged} unchanged, {} refused", refused.len());
    for r in &refused {
        eprintln!("  refused {r}");
    }
    // Refused: exactly the files `INDEX.tsv` says are not parseable YAML.
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).unwrap();
    let mut unparseable: Vec<&str> = index
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|c| c[5].starts_with("unparseable YAML"))
        .map(|c| c[0])
        .collect();
    unparseable.sort();
    let refused_names: Vec<&str> = refused.iter().map(|r| r.split(':').next().unwrap()).collect();
    assert_eq!(refused_names, unparseable);
    assert!(changed + unchanged > 200, "only {} formatted", changed + unchanged);
}

/// Formats `text` with `options` and checks what every result must be; false when refused.
fn formats_well(text: &str, options: &FormatOptions, what: &str) -> bool {
    let out = match format(text, options) {
        Ok(out) => out,
        Err(e) => {
            if std::env::var_os("FORMAT_SHOW").is_some() {
                eprintln!("{what}: refused: {} at {}: {text:?}", e.message, e.offset);
            }
            return false;
        }
    };
    assert_eq!(format(&out, options).as_ref(), Ok(&out), "{what}: not idempotent: {text:?}");
    assert_eq!(values(&out), values(text), "{what}: data changed: {text:?}");
    assert_eq!(comments(&out), comments(text), "{what}: comments changed: {text:?}");
    // One final line break, unless a `|+` or `>+` scalar keeps its blank lines.
    let keeps = text.contains("|+") || text.contains(">+");
    let one_break = out.ends_with('\n') && !out.ends_with("\n\n") && !out.ends_with("\n\r\n");
    assert!(out.is_empty() || one_break || keeps, "{what}: final newline: {out:?}");
    true
}

/// Generated manifests (every scalar style, comments at odd places, lists at their key's
/// indentation or deeper, block scalars with every chomping, CRLF) and their one-character
/// mutations: every one that parses formats well, with two and four spaces (and keeps its data
/// with the trimming options off); none panics.
#[test]
fn generated_manifests_and_their_mutations_format_well() {
    let mut rng = Rng(0xf0_4a7e);
    let docs: usize = std::env::var("FORMAT_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let (mut formatted, mut refused, mut mutated) = (0, 0, 0);
    for n in 0..docs {
        let text = generate(&mut rng);
        assert!(
            format(&text, &KEEP)
                .is_ok_and(|out| format(&out, &KEEP) == Ok(out.clone()) && values(&out) == values(&text))
        );
        for options in [TWO, FOUR] {
            if formats_well(&text, &options, &format!("generated #{n}")) {
                formatted += 1;
            } else {
                refused += 1;
            }
        }
        for _ in 0..10 {
            let mut t = text.clone();
            let mut at = rng.below(t.len() + 1);
            while !t.is_char_boundary(at) {
                at -= 1;
            }
            t.insert_str(at, rng.pick(&[" ", "  ", "\n", "#", "- ", ": ", "\t", "\r", "'", "&a ", "*a", "? "]));
            mutated += usize::from(formats_well(&t, &TWO, &format!("mutation of #{n}")));
        }
    }
    eprintln!("generated: {formatted} formatted, {refused} refused; {mutated} mutations formatted");
    assert!(formatted > docs, "only {formatted} of {} formatted", 2 * docs);
}

#[test]
fn a_file_ending_inside_a_block_scalar_without_a_line_break_is_refused_and_says_why() {
    // Clip (`|`) and keep (`|+`) chomping: the final line break the formatter adds would become
    // part of the value (`x` would read `x\n`).
    for text in ["a: |\n  x", "a: >\n  x", "k:\n  - |+\n    x", "a: | # a-b\n  x"] {
        let e = format(text, &FormatOptions::default()).expect_err(text);
        assert!(e.message.contains("ends inside a block scalar"), "{text:?}: {}", e.message);
        assert!(!e.message.contains("bug"), "{}", e.message);
    }
    // Strip chomping keeps the value; a line break or a comment after the scalar changes nothing.
    for (text, want) in
        [("a: |-\n  x", "a: |-\n  x\n"), ("a: |2-\n    x", "a: |2-\n    x\n"), ("a: |\n  x\n", "a: |\n  x\n")]
    {
        assert_eq!(format(text, &FormatOptions::default()).unwrap(), want, "{text:?}");
    }
}
