//! The diagnostic codes are one Rust enum (`src/ide/codes.rs`); the table in
//! `docs/diagnostics.md` and the `convox.diagnostics` setting in `editors/vscode/package.json` are
//! generated from it. These tests fail when either is stale; `UPDATE_EXPECT=1` rewrites them (only
//! the table, only that setting's `properties`).

mod skip;

use std::path::PathBuf;

use convox_lsp::ide::{Code, Severity, Stage};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn update() -> bool {
    std::env::var("UPDATE_EXPECT").is_ok()
}

/// The byte range of the codes table in `docs/diagnostics.md`.
fn table_range(doc: &str) -> (usize, usize) {
    let start = doc.find("| code | severity | what it means |").expect("the codes table in docs/diagnostics.md");
    let mut end = start;
    for line in doc[start..].split_inclusive('\n') {
        if !line.starts_with('|') {
            break;
        }
        end += line.len();
    }
    (start, end)
}

#[test]
fn docs_table_is_generated_from_the_codes() {
    let path = root().join("docs/diagnostics.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (start, end) = table_range(&doc);
    let want = Code::docs_table();
    if doc[start..end] != want && update() {
        std::fs::write(&path, format!("{}{want}{}", &doc[..start], &doc[end..])).unwrap();
        return;
    }
    assert_eq!(doc[start..end], want, "docs/diagnostics.md's table is stale: run with UPDATE_EXPECT=1");
}

/// The line under a code's heading: its facts, generated.
fn meta(c: Code) -> String {
    let stage = match c.stage() {
        Stage::Never => "does not fail a deploy".to_string(),
        s => format!("fails at {}", s.as_str()),
    };
    format!("*Default severity `{}`; {stage}.*", c.default_severity().as_str())
}

/// Every code has its own section (`### \`code\``, the anchor editors and SARIF link to), whose
/// first line is generated from the enum.
#[test]
fn every_code_has_a_section() {
    let path = root().join("docs/diagnostics.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = doc.lines().map(str::to_string).collect();
    let mut problems = Vec::new();
    for c in Code::ALL {
        let heading = format!("### `{}`", c.anchor());
        let Some(i) = lines.iter().position(|l| *l == heading) else {
            problems.push(format!("no section {heading}"));
            continue;
        };
        let want = meta(*c);
        match lines.get(i + 1) {
            Some(l) if *l == want => {}
            Some(l) if l.starts_with("*Default severity") => lines[i + 1] = want,
            _ => lines.insert(i + 1, want),
        }
    }
    let regenerated = lines.join("\n") + "\n";
    if regenerated != doc && update() {
        std::fs::write(&path, &regenerated).unwrap();
    } else {
        assert_eq!(doc, regenerated, "docs/diagnostics.md's code sections are stale: run with UPDATE_EXPECT=1");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The byte range of the `properties` object of `convox.diagnostics` in package.json.
fn properties_range(text: &str) -> (usize, usize) {
    let setting = text.find("\"convox.diagnostics\": {").expect("convox.diagnostics in package.json");
    let start = setting + text[setting..].find("\"properties\": {").unwrap() + "\"properties\": ".len();
    let mut depth = 0;
    for (i, c) in text[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return (start, start + i + 1);
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced package.json")
}

#[test]
fn vscode_settings_list_every_code() {
    if skip::packaged_crate("diagnostic_codes (VS Code settings)") {
        return;
    }
    let path = root().join("editors/vscode/package.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let pkg: serde_json::Value = serde_json::from_str(&text).unwrap();
    let got = &pkg["contributes"]["configuration"]["properties"]["convox.diagnostics"]["properties"];
    let want = Code::vscode_properties();
    if *got != want && update() {
        let (start, end) = properties_range(&text);
        // The layout of `JSON.stringify(pkg, null, 2)` (scripts/sync-diagnostics.mjs), codes in the
        // docs' order.
        let pretty = vscode_properties_text();
        std::fs::write(&path, format!("{}{pretty}{}", &text[..start], &text[end..])).unwrap();
        return;
    }
    assert_eq!(*got, want, "editors/vscode/package.json's convox.diagnostics is stale: run with UPDATE_EXPECT=1");
}

#[test]
fn codes_are_unique_and_consistent() {
    let mut seen = std::collections::HashSet::new();
    for c in Code::ALL {
        assert!(seen.insert(c.as_str()), "{c} twice");
        assert_eq!(Code::parse(c.as_str()), Some(*c));
        assert!(c.summary().ends_with('.'), "{c}: a summary is a sentence");
        // What fails a deploy is an error; what does not is never one.
        assert_eq!(c.stage() == Stage::Never, c.default_severity() != Severity::Error, "{c}");
    }
}

fn vscode_properties_text() -> String {
    let props = Code::vscode_properties();
    let entries: Vec<String> = Code::ALL
        .iter()
        .map(|c| {
            let p = &props[c.as_str()];
            format!(
                "            {}: {{\n              \"type\": \"string\",\n              \"enum\": [\n{}\n              ],\n              \"markdownDescription\": {}\n            }}",
                serde_json::to_string(c.as_str()).unwrap(),
                ["error", "warning", "info", "hint", "off"].map(|l| format!("                \"{l}\"")).join(",\n"),
                serde_json::to_string(&p["markdownDescription"]).unwrap()
            )
        })
        .collect();
    format!("{{\n{}\n          }}", entries.join(",\n"))
}
