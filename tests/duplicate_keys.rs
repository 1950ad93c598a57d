//! A key written twice, at every level, read as Convox's decoder reads it (`src/model/decode.rs`,
//! which cites `vendor/gopkg.in/yaml.v2/decode.go` and `pkg/manifest/yaml.go`).
//!
//! - Each case of `tests/data/duplicate_keys/` (a manifest whose header cites the decoder lines it
//!   exercises) with Convox's verdict (`NAME.check.json`, from `convox-check --json`) and its
//!   render (`NAME.render.yaml`, from `convox-render NAME.yml shop`) committed beside it: `check`
//!   gives no error where Convox accepts, the duplicate-key warning says what Convox does (the
//!   `# expect:` lines), and our render has every object and field of Convox's. With
//!   `../shared` the committed verdicts and renders are checked to be what the oracle says now.
//! - A differential run over the corpus: each manifest Convox accepts with a top-level section
//!   split in two, and with a service key's block split in two occurrences of the key; Convox's
//!   verdict and render against ours.

mod common;
mod render_support;
mod skip;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use convox_lsp::env::{Environment, Source};
use convox_lsp::ide::Analysis;
use render_support::compare::{Tally, documents, ours_with, required_names};
use yaml_serde::Value;

/// The cases of a key written twice, and of merge keys (`<<`) at every level: applied where yaml.v2
/// applies them, lost where Convox decodes through a `MapSlice` (`src/model/decode.rs`
/// `merges_apply`), each with the diagnostic its `# expect:` lines name.
/// `merge_fix` holds the merge cases with the dropped-merge quick fix applied.
const CASES: [(&str, &str); 3] =
    [("duplicate_keys", "duplicate-key"), ("merge_keys", "dropped-merge"), ("merge_fix", "dropped-merge")];

fn cases_dir(set: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(set)
}

fn ours(text: &str) -> Vec<Value> {
    let mut env = Environment::new();
    for name in required_names(text) {
        env.set(&name, "x", Source::Flag);
    }
    ours_with(text, env)
}

fn clean(tally: &Tally) -> bool {
    tally.missing_objects.is_empty() && tally.wrong.is_empty() && tally.extra_fields.is_empty()
}

fn cases(set: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(cases_dir(set))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn every_level_reads_as_convox_decodes() {
    let mut failures = Vec::new();
    for (set, code) in CASES {
        let cases = cases(set);
        assert!(cases.len() >= 3, "{set}: {} cases", cases.len());
        for (name, text) in &cases {
            failures.extend(disagreements(set, code, name, text));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Where `check` and `render` of case `name` differ from Convox's committed verdict and render.
fn disagreements(set: &str, code: &str, name: &str, text: &str) -> Vec<String> {
    let mut failures = Vec::new();
    {
        let dir = cases_dir(set);
        let verdict: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.check.json"))).unwrap()).unwrap();
        let diags = Analysis::from_text(text).diagnostics();
        let errors = common::early_errors(text);
        if verdict["ok"] == true && !errors.is_empty() {
            failures.push(format!("{name}: Convox accepts it, check says {errors:?}"));
        }
        let said: Vec<&str> = diags.iter().filter(|d| d.code.as_str() == code).map(|d| d.message.as_str()).collect();
        let wants: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("# expect: ")).collect();
        for want in &wants {
            if !said.iter().any(|m| m.starts_with(want)) {
                failures.push(format!("{name}: no {code} warning `{want}...`; got {said:?}"));
            }
        }
        // Every dropped merge key is named; a duplicate key's lines name only what they assert.
        if code == "dropped-merge" && said.len() != wants.len() {
            failures.push(format!("{name}: {} {code} warnings, {} expected: {said:?}", said.len(), wants.len()));
        }
        let oracle = documents(&std::fs::read_to_string(dir.join(format!("{name}.render.yaml"))).unwrap());
        let mut tally = Tally::default();
        tally.compare_file(&oracle, &ours(text), name);
        if !clean(&tally) || !tally.extra_objects.is_empty() {
            failures.push(format!("{name}: {}", tally.report()));
        }
    }
    failures
}

/// The dropped-merge quick fix, applied to each merge case until none is left, gives the text of
/// `tests/data/merge_fix/NAME.yml` (its `# expect:` lines aside): a case of its own, which Convox
/// accepts and renders with the keys the merge meant (its committed render, checked above, and
/// current with the oracle below), and which has no lost merge key left.
#[test]
fn dropped_merge_fix_writes_what_was_meant() {
    for (name, text) in cases("merge_keys") {
        let mut text = text.lines().filter(|l| !l.starts_with("# expect: ")).collect::<Vec<_>>().join("\n") + "\n";
        let mut fixed = 0;
        while let Some(fix) = Analysis::from_text(&text)
            .diagnostics()
            .into_iter()
            .find(|d| d.code.as_str() == "dropped-merge")
            .and_then(|d| d.fix)
        {
            text = fix.apply(&text);
            fixed += 1;
            assert!(fixed < 10, "{name}: the fix does not remove the warning:\n{text}");
        }
        let path = cases_dir("merge_fix").join(format!("{name}.yml"));
        let text = format!(
            "# merge_keys/{name}.yml with the dropped-merge quick fix applied (below: the original's words).\n{text}"
        );
        if fixed == 0 {
            assert!(!path.exists(), "{name}: no fix, yet {path:?} exists");
        } else if std::env::var("UPDATE_EXPECT").is_ok() {
            std::fs::write(&path, &text).unwrap();
        } else {
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "{name}");
        }
    }
}

/// The committed verdicts and renders are what Convox says now.
#[test]
fn committed_oracle_data_is_current() {
    let Some(shared) = render_support::shared() else {
        assert!(!skip::required(), "every suite is required (CONVOX_LSP_NO_SKIP) and ../shared is missing");
        skip::skipped("duplicate_keys", "no ../shared/tools/convox-oracle beside the project");
        return;
    };
    for (set, _) in CASES {
        current(&shared, set);
    }
}

fn current(shared: &std::path::Path, set: &str) {
    let dir = cases_dir(set);
    for (name, _) in cases(set) {
        let file = dir.join(format!("{name}.yml"));
        let check = Command::new(shared.join("tools/convox-oracle/convox-check"))
            .current_dir(&dir)
            .args(["--json", &format!("{name}.yml")])
            .output()
            .unwrap();
        let now: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
        let committed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.check.json"))).unwrap()).unwrap();
        assert_eq!(now, committed, "{name}: convox-check");
        let render =
            Command::new(shared.join("tools/convox-oracle/convox-render")).arg(&file).arg("shop").output().unwrap();
        let now = documents(&String::from_utf8_lossy(&render.stdout));
        let committed = documents(&std::fs::read_to_string(dir.join(format!("{name}.render.yaml"))).unwrap());
        // The oracle's passwords are random: compare the objects' shapes and every other field.
        let mut tally = Tally::default();
        tally.compare_file(&committed, &now, &name);
        assert!(clean(&tally) && tally.extra_objects.is_empty(), "{name}: {}", tally.report());
    }
}

/// The top-level lines of `text` (index, key) for block sections.
fn sections(lines: &[&str]) -> Vec<(usize, String)> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.starts_with([' ', '#', '-']) && l.ends_with(':'))
        .map(|(i, l)| (i, l.trim_end_matches(':').to_string()))
        .collect()
}

/// The end of the block that starts at line `i` (the lines after it indented deeper, or blank).
fn block_end(lines: &[&str], i: usize) -> usize {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut end = i + 1;
    while end < lines.len() && (lines[end].trim().is_empty() || indent(lines[end]) > indent(lines[i])) {
        end += 1;
    }
    // Trailing blank lines belong to what follows.
    while end > i + 1 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    end
}

/// The children of the block at line `i`: (start, end) of each line at the first child's
/// indentation, with its own block.
fn children(lines: &[&str], i: usize) -> Vec<(usize, usize)> {
    let end = block_end(lines, i);
    let Some(first) = (i + 1..end).find(|&j| !lines[j].trim().is_empty() && !lines[j].trim_start().starts_with('#'))
    else {
        return Vec::new();
    };
    let indent = lines[first].len() - lines[first].trim_start().len();
    let mut out = Vec::new();
    let mut j = first;
    while j < end {
        let l = lines[j];
        if !l.trim().is_empty() && l.len() - l.trim_start().len() == indent && !l.trim_start().starts_with('#') {
            let e = if l.trim_start().starts_with("- ") && !l.contains(": ") { j + 1 } else { block_end(lines, j) };
            out.push((j, e.max(j + 1)));
            j = e.max(j + 1);
        } else {
            j += 1;
        }
    }
    out
}

/// `section` split in two: its second half of entries moved to a second `section:` at the end.
fn split_section(text: &str, section: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let (i, _) = sections(&lines).into_iter().find(|(_, k)| k == section)?;
    let kids = children(&lines, i);
    if kids.len() < 2 {
        return None;
    }
    let cut = kids[kids.len() / 2].0;
    let end = kids.last().unwrap().1;
    let mut out: Vec<String> = lines[..cut].iter().chain(&lines[end..]).map(|s| s.to_string()).collect();
    out.push(format!("{section}:"));
    out.extend(lines[cut..end].iter().map(|s| s.to_string()));
    Some(out.join("\n") + "\n")
}

/// A service key whose block has two children or more, split into two occurrences of the key:
/// the second half of its children under a repeated key line at the end of the service.
fn split_key(text: &str, rng: &mut common::Rng) -> Option<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let (s, _) = sections(&lines).into_iter().find(|(_, k)| k == "services")?;
    let mut candidates = Vec::new();
    for (svc, svc_end) in children(&lines, s) {
        for (key, _) in children(&lines, svc) {
            let body = lines[key].trim();
            if body.ends_with(':') && !body.starts_with('-') && children(&lines, key).len() >= 2 {
                candidates.push((svc_end, key));
            }
        }
    }
    if candidates.is_empty() {
        return None;
    }
    let (svc_end, key) = candidates[rng.below(candidates.len())];
    let kids = children(&lines, key);
    let cut = kids[kids.len() / 2].0;
    let end = kids.last().unwrap().1;
    let mut out: Vec<String> = Vec::new();
    out.extend(lines[..cut].iter().map(|s| s.to_string()));
    out.extend(lines[end..svc_end].iter().map(|s| s.to_string()));
    out.push(lines[key].to_string());
    out.extend(lines[cut..end].iter().map(|s| s.to_string()));
    out.extend(lines[svc_end..].iter().map(|s| s.to_string()));
    Some((out.join("\n") + "\n", lines[key].trim().to_string()))
}

#[test]
fn duplicated_corpus_manifests_agree_with_convox() {
    let Some(shared) = render_support::shared() else {
        assert!(!skip::required(), "every suite is required (CONVOX_LSP_NO_SKIP) and ../shared is missing");
        skip::skipped("duplicate_keys", "no ../shared/tools/convox-oracle beside the project");
        return;
    };
    let dir = std::env::temp_dir().join(format!("convox-lsp-dup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = common::Rng(0xd0b1e);
    let mut made: Vec<(PathBuf, String, String)> = Vec::new();
    for file in render_support::accepted(&shared) {
        let text = std::fs::read_to_string(&file).unwrap();
        if text.contains('\t') || text.contains("\r") || !common::early_errors(&text).is_empty() {
            continue;
        }
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let mut variants: Vec<(String, String)> = Vec::new();
        for section in ["services", "resources", "timers", "environment"] {
            if let Some(v) = split_section(&text, section) {
                variants.push((v, format!("{section}: split in two sections")));
            }
        }
        if let Some((v, key)) = split_key(&text, &mut rng) {
            variants.push((v, format!("`{key}` split in two")));
        }
        for (n, (v, what)) in variants.into_iter().enumerate() {
            let p = dir.join(format!("{stem}.dup{n}.yml"));
            std::fs::write(&p, &v).unwrap();
            made.push((p, what, file.file_name().unwrap().to_string_lossy().into_owned()));
        }
    }
    let files: Vec<PathBuf> = made.iter().map(|m| m.0.clone()).collect();
    let verdicts: BTreeMap<String, serde_json::Value> = common::convox_check_json(&shared, &files)
        .into_iter()
        .map(|v| (v["file"].as_str().unwrap_or_default().to_string(), v))
        .collect();
    let mut disagree = Vec::new();
    let mut tally = Tally::default();
    let (mut accepted, mut compared) = (0, 0);
    for (path, what, original) in &made {
        let text = std::fs::read_to_string(path).unwrap();
        let v = &verdicts[&path.to_string_lossy().into_owned()];
        let errors = common::early_errors(&text);
        let env_only = v["error"].as_str().unwrap_or("").starts_with("required env:");
        match v["ok"] == true || env_only {
            true if !errors.is_empty() => disagree.push(format!("FALSE {original} [{what}]: {errors:?}")),
            false if errors.is_empty() => {
                disagree.push(format!("MISSED {original} [{what}]: Convox says {}", v["error"]))
            }
            _ => {}
        }
        if v["ok"] != true {
            continue;
        }
        accepted += 1;
        let out =
            Command::new(shared.join("tools/convox-oracle/convox-render")).arg(path).arg("shop").output().unwrap();
        if !out.status.success() {
            continue;
        }
        compared += 1;
        let (theirs, mine) = (documents(&String::from_utf8_lossy(&out.stdout)), ours(&text));
        let mut one = Tally::default();
        one.compare_file(&theirs, &mine, original);
        if !clean(&one) {
            disagree.push(format!("RENDER {original} [{what}]: {}", one.report()));
        }
        tally.compare_file(&theirs, &mine, original);
    }
    eprintln!("{} duplications, {accepted} accepted by Convox, {compared} renders compared", made.len());
    eprintln!("{}", tally.report());
    std::fs::remove_dir_all(&dir).ok();
    assert!(made.len() > 150, "only {} duplications", made.len());
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}
