//! `yaml-syntax` against gopkg.in/yaml.v2, the library Convox's `manifest.Load` reads convox.yml
//! with (`pkg/manifest/manifest.go:57`, `yaml.go:747` at Convox 9e024526): on the 402 inputs of the
//! official YAML test suite (`tests/yaml_v2/suite`, MIT licence in `suite/LICENSE`), `check`
//! must report a syntax error exactly where yaml.v2 fails, on its line, with its words.
//!
//! yaml.v2's verdicts are recorded in `tests/yaml_v2/verdicts.tsv` by `tests/yaml_v2/main.go`
//! (`sh tests/yaml_v2/build.sh`, then run it on `suite/*.yaml`; `YAML_V2=path/to/reader` makes
//! this test run the reader itself and compare it with the recording). Decoding errors (`invalid
//! map key`: a sequence or map as a key, which yaml.v2 parses but cannot put in a Go map) are not
//! syntax and are set aside.
//!
//! The verdict, the line and the words are yaml.v2's on every input (a plain-words hint may
//! follow in parentheses); any difference fails. The formatter's results on the suite are checked too:
//! data unchanged, idempotent, and its refusals listed in `tests/yaml_v2/fmt-refusals.txt`.

mod skip;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use convox_lsp::ide::format::{FormatOptions, format};
use convox_lsp::ide::{Analysis, Code};
use serde::Deserialize;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/yaml_v2")
}

/// yaml.v2's verdict: `None` when it reads the input, else its message.
fn verdicts() -> BTreeMap<String, Option<String>> {
    let tsv = std::fs::read_to_string(dir().join("verdicts.tsv")).unwrap();
    tsv.lines()
        .map(|l| {
            let mut f = l.splitn(3, '\t');
            let (id, kind, msg) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
            let msg: String = serde_json::from_str(msg).expect("a Go-quoted message is a JSON string here");
            (id.to_string(), (kind != "ok").then_some(msg))
        })
        .collect()
}

fn input(id: &str) -> String {
    let bytes = std::fs::read(dir().join("suite").join(format!("{id}.yaml"))).unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Our verdict: the message of the first `yaml-syntax` error.
fn ours(text: &str) -> Option<String> {
    let a = Analysis::from_text(text);
    let d = a.diagnostics().into_iter().find(|d| d.code == Code::YamlSyntax)?;
    Some(d.message)
}

/// Our message is yaml.v2's, line included, with at most a hint in parentheses after it.
fn same_message(v2: &str, ours: &str) -> bool {
    ours == v2 || ours.strip_prefix(v2).is_some_and(|rest| rest.starts_with(" ("))
}

/// The same verdict: both read the text, or both fail with the same message.
fn same(v2: Option<&str>, ours: Option<&str>) -> bool {
    match (v2, ours) {
        (None, None) => true,
        (Some(a), Some(b)) => same_message(a, b),
        _ => false,
    }
}

fn listed(file: &str) -> Vec<String> {
    std::fs::read_to_string(dir().join(file))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// One line per input whose verdict differs: `ID miss|extra|message  yaml.v2 | ours`.
fn differences() -> Vec<String> {
    let mut out = Vec::new();
    for (id, v2) in verdicts() {
        if v2.as_deref().is_some_and(|m| m.contains("invalid map key")) {
            continue;
        }
        let text = input(&id);
        let ours = ours(&text);
        let kind = match (&v2, &ours) {
            (None, None) => continue,
            (Some(_), None) => "miss",
            (None, Some(_)) => "extra",
            (Some(a), Some(b)) if same_message(a, b) => continue,
            (Some(_), Some(_)) => "message",
        };
        out.push(format!("{id} {kind}  {} | {}", v2.unwrap_or_default(), ours.unwrap_or_default()));
    }
    out
}

#[test]
fn yaml_syntax_fires_exactly_where_yaml_v2_fails() {
    let found = differences();
    let (misses, extras) =
        (found.iter().filter(|l| l.contains(" miss ")).count(), found.iter().filter(|l| l.contains(" extra ")).count());
    eprintln!(
        "against yaml.v2 on the suite: {misses} misses, {extras} extra errors, {} other messages",
        found.len() - misses - extras
    );
    assert!(found.is_empty(), "where `yaml-syntax` and yaml.v2 disagree:\n{}", found.join("\n"));
}

/// The recorded verdicts are what the reader prints (when it is built: `YAML_V2`).
#[test]
fn the_recorded_verdicts_are_yaml_v2s() {
    let Some(reader) = std::env::var_os("YAML_V2") else {
        // `.ci/run` builds the reader and sets it: a run that requires every suite fails here.
        skip::skipped("yaml_v2 (a fresh run of the reader)", "YAML_V2 is not set to the built reader");
        return;
    };
    let suite = dir().join("suite");
    let mut files: Vec<String> =
        std::fs::read_dir(&suite).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    files.retain(|f| f.ends_with(".yaml"));
    files.sort();
    let out = std::process::Command::new(reader).args(&files).current_dir(&suite).output().unwrap();
    let fresh = String::from_utf8(out.stdout).unwrap().replace(".yaml\t", "\t");
    assert_eq!(fresh, std::fs::read_to_string(dir().join("verdicts.tsv")).unwrap());
}

fn data(text: &str) -> Option<Vec<yaml_serde::Value>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    yaml_serde::Deserializer::from_str(text).map(|d| yaml_serde::Value::deserialize(d).ok()).collect()
}

#[test]
fn the_formatter_on_the_suite_keeps_data_and_is_idempotent() {
    let mut problems = Vec::new();
    let mut refused = Vec::new();
    let mut formatted = 0;
    for (id, v2) in verdicts() {
        let text = input(&id);
        match format(&text, &FormatOptions::default()) {
            Ok(out) => {
                formatted += 1;
                if data(&out) != data(&text) {
                    problems.push(format!("{id}: the data changed"));
                }
                match format(&out, &FormatOptions::default()) {
                    Ok(again) if again == out => {}
                    _ => problems.push(format!("{id}: not idempotent")),
                }
            }
            // A file yaml.v2 reads and the formatter refuses.
            Err(e) if v2.is_none() => {
                let line = text[..e.offset.min(text.len())].matches('\n').count() + 1;
                refused.push(format!("{id} line {line}: {}", e.message));
            }
            Err(_) => {}
        }
    }
    eprintln!("formatted {formatted}, refused {} that yaml.v2 reads", refused.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let head = "# Inputs of the YAML test suite that yaml.v2 reads and the formatter refuses (tests/yaml_v2.rs).\n";
        std::fs::write(dir().join("fmt-refusals.txt"), head.to_string() + &refused.join("\n") + "\n").unwrap();
        return;
    }
    assert_eq!(refused, listed("fmt-refusals.txt"));
}

/// Manifests where yaml.v2 and libyaml disagree, each with yaml.v2's exact message (`None`: it
/// reads the file): `check` says the same, and Convox's own `manifest.Load` (`convox-check`)
/// agrees where it is beside the project. The lines cited are yaml.v2 v2.4.0's.
#[test]
fn manifests_where_yaml_v2_and_libyaml_disagree() {
    let cases: [(&str, Option<&str>); 14] = [
        // An empty key: a parser error, reported on the line above the `:` (decode.go:114-124).
        ("services:\n  web:\n    port: 3000\n    : 1\n", Some("yaml: line 3: did not find expected key")),
        // `?` ends a plain scalar in a flow collection (scannerc.go:2605-2611).
        (
            "services:\n  web:\n    environment: [URL=http://x/?a=1]\n",
            Some("yaml: line 2: did not find expected ',' or ']'"),
        ),
        // No `\/` escape (scannerc.go:2377-2427), a scanner error on its own line (decode.go:117).
        ("services:\n  web:\n    command: \"a\\/b\"\n", Some("yaml: line 3: found unknown escape character")),
        // A `\'` escape, which libyaml 0.2.5 rejects (scannerc.go:2401).
        ("services:\n  web:\n    command: \"it\\'s\"\n", None),
        // Version 1.1 only (parserc.go:1031-1034); on the first line, no line at all.
        ("%YAML 1.2\n---\nservices:\n  web: {}\n", Some("yaml: found incompatible YAML document")),
        ("# nothing\n...\n", Some("yaml: line 1: did not find expected node content")),
        // `:` is a value indicator anywhere in a flow collection (scannerc.go:739).
        ("services:\n  web:\n    environment: [:x]\n", Some("yaml: line 2: did not find expected node content")),
        // A flow key on another line than its `:` is no simple key (scannerc.go:835).
        ("services:\n  web:\n    labels: {\"a\"\n      : b}\n", Some("yaml: line 3: did not find expected ',' or '}'")),
        // A comma belongs to a tag (scannerc.go:1985-2000).
        ("services:\n  web:\n    command: !!str, x\n", None),
        (
            "services:\n  web:\n    labels: {a: !!str,\n      !!str : b}\n",
            Some("yaml: line 3: did not find expected ',' or '}'"),
        ),
        // An empty flow collection loses its simple key (scannerc.go:918-923, 632).
        ("services:\n  web:\n    []: x\n", Some("yaml: line 2: did not find expected key")),
        ("services:\n  - []: x\n", Some("yaml: line 1: did not find expected '-' indicator")),
        // Only the first document is read (decode.go:170-178).
        ("services:\n  web: {}\n---\n\"unclosed\n", None),
        // A libyaml message, in yaml.v2's form (no column, no context).
        (
            "services:\n  web:\n    command: \"bin/web\n    port: 3000\n",
            Some("yaml: line 5: found unexpected end of stream"),
        ),
    ];
    let check = "tools/convox-oracle/convox-check";
    let oracle = skip::shared("yaml_v2 (Convox's verdicts)", &[check]).map(|dir| dir.join(check));
    let tmp = std::env::temp_dir().join(format!("convox-lsp-yaml-v2-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    for (text, v2) in cases {
        let ours = ours(text);
        assert!(same(v2, ours.as_deref()), "{text:?}: yaml.v2 {v2:?}, ours {ours:?}");
        if let Some(oracle) = &oracle {
            let path = tmp.join("convox.yml");
            std::fs::write(&path, text).unwrap();
            let out = std::process::Command::new(oracle).arg("--json").arg(&path).output().unwrap();
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            match v2 {
                // Convox's words, exactly.
                Some(m) => assert_eq!(v["error"].as_str(), Some(m), "{text:?}"),
                // Read: whatever Convox says next is not about YAML.
                None => assert!(!v["error"].as_str().unwrap_or("").starts_with("yaml: "), "{text:?}: {}", v["error"]),
            }
        }
    }
    std::fs::remove_dir_all(&tmp).ok();
}
