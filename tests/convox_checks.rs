//! The inventory of Convox's checks (`tests/checks/inventory.yml`): each fixture gives its code at
//! its line, with Convox's words; with `../shared/tools/convox-oracle` beside the project, Convox
//! itself rejects each build-time fixture with those words and accepts each promote-time one (its
//! build does not run the promote). `docs/diagnostics.md`'s inventory table is generated from the
//! file (`UPDATE_EXPECT=1` rewrites it).

mod skip;
use std::path::PathBuf;
use std::process::Command;

use convox_lsp::ide::{Analysis, Code};
use serde::Deserialize;

#[derive(Deserialize)]
struct Check {
    source: String,
    convox: String,
    code: String,
    #[serde(default)]
    stage: Option<String>,
    line: usize,
    fixture: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn inventory() -> Vec<Check> {
    let text = std::fs::read_to_string(root().join("tests/checks/inventory.yml")).unwrap();
    yaml_serde::from_str(&text).unwrap()
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

#[test]
fn every_check_is_caught_at_its_line() {
    let mut problems = Vec::new();
    for c in inventory() {
        let code = Code::parse(&c.code).unwrap_or_else(|| panic!("{}: no code {}", c.source, c.code));
        let diags = Analysis::from_text(&c.fixture).diagnostics();
        let at_line: Vec<_> =
            diags.iter().filter(|d| d.code == code && line_of(&c.fixture, d.range.start) == c.line).collect();
        if at_line.is_empty() {
            let got: Vec<String> = diags
                .iter()
                .map(|d| format!("{}:{} {}", line_of(&c.fixture, d.range.start), d.code, d.message))
                .collect();
            problems.push(format!("{}: no {} on line {}; got {got:?}", c.source, c.code, c.line));
        } else if c.stage.is_none() && !at_line.iter().any(|d| words_match(&d.message, &c.convox)) {
            problems.push(format!("{}: {:?} does not say Convox's {:?}", c.source, at_line[0].message, c.convox));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Our message carries Convox's words, except Go's formatting artifacts (`%!s(int=5)`).
fn words_match(ours: &str, convox: &str) -> bool {
    let convox = convox.split("%!").next().unwrap_or(convox).trim_end();
    ours.contains(convox)
}

#[test]
fn convox_agrees_with_the_inventory() {
    let oracle = root().join("../shared/tools/convox-oracle/convox-check");
    if !oracle.is_file() {
        skip::skipped("convox_checks", "no ../shared/tools/convox-oracle beside the project");
        return;
    }
    let dir = std::env::temp_dir().join(format!("convox-lsp-checks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut problems = Vec::new();
    for (i, c) in inventory().iter().enumerate() {
        let path = dir.join(format!("c{i}.yml"));
        std::fs::write(&path, &c.fixture).unwrap();
        let out = Command::new(&oracle).arg("--json").arg(&path).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let (ok, error) = (v["ok"].as_bool().unwrap(), v["error"].as_str().unwrap_or(""));
        match c.stage.as_deref() {
            Some(_) if !ok => problems.push(format!("{}: Convox's build rejects it already: {error}", c.source)),
            None if ok => problems.push(format!("{}: Convox accepts the fixture", c.source)),
            None if !error.contains(&c.convox) => {
                problems.push(format!("{}: Convox says {error:?}, not {:?}", c.source, c.convox))
            }
            _ => {}
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The inventory table in docs/diagnostics.md.
fn table() -> String {
    let mut out = String::from("| Convox | Convox's words | code | fails at |\n| --- | --- | --- | --- |\n");
    for c in inventory() {
        let stage = c.stage.clone().unwrap_or_else(|| Code::parse(&c.code).unwrap().stage().as_str().to_string());
        let words = c.convox.replace('|', "\\|");
        out.push_str(&format!("| `{}` | `{words}` | `{}` | {stage} |\n", c.source, c.code));
    }
    out
}

#[test]
fn docs_inventory_is_generated() {
    let path = root().join("docs/diagnostics.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (start_mark, end_mark) = ("<!-- inventory:start -->\n", "<!-- inventory:end -->");
    let start = doc.find(start_mark).expect("inventory markers in docs/diagnostics.md") + start_mark.len();
    let end = doc.find(end_mark).unwrap();
    let want = table();
    if doc[start..end] != want && std::env::var("UPDATE_EXPECT").is_ok() {
        std::fs::write(&path, format!("{}{want}{}", &doc[..start], &doc[end..])).unwrap();
        return;
    }
    assert_eq!(doc[start..end], want, "docs/diagnostics.md's inventory is stale: run with UPDATE_EXPECT=1");
}
