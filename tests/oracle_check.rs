//! Differential test against Convox itself: `../shared/tools/convox-oracle/convox-check` runs
//! Convox's own `manifest.Load` + `Validate` (`pkg/manifest/manifest.go`, `validate.go`) on the
//! corpus and on generated one-line variations of the files Convox accepts (a value replaced by
//! a number, a string, a boolean, a list, a map, null; a line dropped). Measured per file:
//!
//! - a **missed rejection**: Convox rejects (stage `load`, `validate`, or `panic`: a decoder
//!   crash fails the build too) and `check` gives no error;
//! - a **false error**: Convox accepts and `check` gives an error whose code fails earlier than the
//!   promote (`Code::stage`: only the promote's and Kubernetes' own failures are allowed, since
//!   the oracle does not run them).
//!
//! Skipped with a notice when `../shared` is not beside the project. `ORACLE_VARIATIONS=N` sets
//! the number of variations (default 600).

mod common;
mod skip;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::Rng;
use convox_lsp::ide::{Analysis, Severity};

fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let ok = dir.join("corpus").is_dir() && dir.join("tools/convox-oracle/convox-check").is_file();
    ok.then_some(dir)
}

/// Convox's verdict per file: `None` when accepted, else `stage: error`.
fn oracle(shared: &Path, files: &[PathBuf]) -> BTreeMap<PathBuf, Option<String>> {
    let mut out = BTreeMap::new();
    for v in common::convox_check_json(shared, files) {
        let error = v["error"].as_str().unwrap_or("");
        // The oracle sets the names a manifest requires only when written `- NAME` in block
        // style; a generated `environment: [a, b]` leaves them unset, which is the app's
        // environment (`convox env set`), not the manifest.
        let env_only = error.starts_with("required env:");
        // Those names set, the rest of Load and Validate runs: that verdict is the manifest's.
        if let Some(names) = error.strip_prefix("required env:").filter(|_| !v["ok"].as_bool().unwrap_or(false)) {
            let file = PathBuf::from(v["file"].as_str().unwrap());
            let mut cmd = Command::new(shared.join("tools/convox-oracle/convox-check"));
            for n in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                cmd.arg("-e").arg(format!("{n}=x"));
            }
            let again = cmd.arg("--json").arg(&file).output().unwrap();
            let w: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap_or_default();
            let ok =
                w["ok"].as_bool().unwrap_or(true) || w["error"].as_str().unwrap_or("").starts_with("required env:");
            let verdict =
                (!ok).then(|| format!("{}: {}", w["stage"].as_str().unwrap_or(""), w["error"].as_str().unwrap_or("")));
            out.insert(file, verdict);
            continue;
        }
        let verdict = (!v["ok"].as_bool().unwrap_or(false) && !env_only)
            .then(|| format!("{}: {error}", v["stage"].as_str().unwrap_or("")));
        out.insert(PathBuf::from(v["file"].as_str().unwrap()), verdict);
    }
    out
}

fn any_error(text: &str) -> bool {
    Analysis::from_text(text).diagnostics().iter().any(|d| d.severity == Severity::Error)
}

const VALUES: &[&str] = &["5", "-1", "0", "abc", "\"10\"", "true", "[a, b]", "{a: 1}", "", "2.5", "\"\""];

/// One variation of `text`: a line's value (with its block) replaced, or a leaf line dropped;
/// with what changed, for the report.
fn vary(text: &str, rng: &mut Rng) -> Option<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let candidates: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let t = lines[i].trim_start();
            !t.starts_with('#') && (t.contains(": ") || t.ends_with(':') || t.starts_with("- "))
        })
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let i = candidates[rng.below(candidates.len())];
    let line = lines[i];
    let indent = line.len() - line.trim_start().len();
    // The block under the line: the following lines indented deeper (or blank).
    let mut end = i + 1;
    while end < lines.len()
        && (lines[end].trim().is_empty() || lines[end].len() - lines[end].trim_start().len() > indent)
    {
        end += 1;
    }
    let body = line.trim_start();
    let head = match body.find(": ") {
        Some(c) if !body.starts_with("- ") || body[..c].find(' ') == Some(1) => &line[..indent + c + 1],
        _ if body.ends_with(':') => line,
        _ => &line[..indent + 1], // `- item`
    };
    let replaced = if rng.below(8) == 0 && end == i + 1 {
        None
    } else {
        let v = VALUES[rng.below(VALUES.len())];
        Some(if v.is_empty() { head.to_string() } else { format!("{head} {v}") })
    };
    let what = format!("line {}: {:?} -> {:?}", i + 1, line.trim(), replaced.as_deref().unwrap_or("(dropped)").trim());
    let mut out: Vec<String> = lines[..i].iter().map(|s| s.to_string()).collect();
    out.extend(replaced);
    out.extend(lines[end..].iter().map(|s| s.to_string()));
    let varied = out.join("\n") + "\n";
    (varied != text).then_some((varied, what))
}

/// Names that are also the names of sections or keys, which a reader could mistake for them.
const KEY_NAMES: &[&str] = &["timers", "services", "resources", "environment", "port", "scale", "build"];

/// A service, resource or timer renamed (its key line only) to one of [`KEY_NAMES`].
fn rename(text: &str, rng: &mut Rng) -> Option<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut section = "";
    let mut names = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if !l.starts_with([' ', '#']) && l.ends_with(':') {
            section = l.trim_end_matches(':');
        } else if matches!(section, "services" | "resources" | "timers")
            && l.starts_with("  ")
            && !l[2..].starts_with([' ', '#', '-'])
            && l.trim_end().ends_with(':')
        {
            names.push(i);
        }
    }
    if names.is_empty() {
        return None;
    }
    let i = names[rng.below(names.len())];
    let to = KEY_NAMES[rng.below(KEY_NAMES.len())];
    let what = format!("line {}: {:?} renamed {to}", i + 1, lines[i].trim());
    let mut out: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    out[i] = format!("  {to}:");
    Some((out.join("\n") + "\n", what))
}

#[test]
fn check_agrees_with_convox() {
    let Some(shared) = shared() else {
        skip::skipped("oracle_check", "no ../shared/corpus or convox-oracle beside the project");
        return;
    };
    let corpus: Vec<PathBuf> = std::fs::read_dir(shared.join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    let corpus_verdicts = oracle(&shared, &corpus);
    let mut missed = Vec::new();
    let mut false_errors = Vec::new();
    compare(&corpus_verdicts, &BTreeMap::new(), &mut missed, &mut false_errors);
    eprintln!("corpus: {} files, {} rejected by Convox", corpus_verdicts.len(), rejected(&corpus_verdicts));
    let (corpus_missed, corpus_false) = (missed.len(), false_errors.len());

    // Variations of the files Convox accepts.
    let accepted: Vec<String> = corpus_verdicts
        .iter()
        .filter(|(_, v)| v.is_none())
        .filter_map(|(p, _)| std::fs::read_to_string(p).ok())
        .filter(|t| !any_error(t))
        .collect();
    let n: usize = std::env::var("ORACLE_VARIATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(600);
    let dir = std::env::temp_dir().join(format!("convox-lsp-oracle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Rng(0x5eed_c0c0);
    let mut files = Vec::new();
    let mut changes = BTreeMap::new();
    while files.len() < n {
        let text = &accepted[rng.below(accepted.len())];
        // One in three first takes a declared name that is also a section's or a key's name.
        let renamed = if rng.below(3) == 0 { rename(text, &mut rng) } else { None };
        let (text, renamed) = renamed.map_or((text.clone(), String::new()), |(t, w)| (t, format!("{w}; ")));
        if let Some((v, what)) = vary(&text, &mut rng).map(|(v, w)| (v, format!("{renamed}{w}"))) {
            let p = dir.join(format!("v{:05}.yml", files.len()));
            std::fs::write(&p, v).unwrap();
            changes.insert(p.clone(), what);
            files.push(p);
        }
    }
    let verdicts = oracle(&shared, &files);
    compare(&verdicts, &changes, &mut missed, &mut false_errors);
    eprintln!(
        "variations: {n}, rejected by Convox {}; missed rejections {} (corpus {corpus_missed}), false errors {} (corpus {corpus_false})",
        rejected(&verdicts),
        missed.len(),
        false_errors.len()
    );
    for m in missed.iter().chain(&false_errors) {
        eprintln!("{m}");
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(missed.is_empty(), "{} rejections missed", missed.len());
    assert!(false_errors.is_empty(), "{} false errors", false_errors.len());
}

fn rejected(v: &BTreeMap<PathBuf, Option<String>>) -> usize {
    v.values().filter(|x| x.is_some()).count()
}

fn compare(
    verdicts: &BTreeMap<PathBuf, Option<String>>,
    changes: &BTreeMap<PathBuf, String>,
    missed: &mut Vec<String>,
    false_errors: &mut Vec<String>,
) {
    for (path, verdict) in verdicts {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let name = path.file_name().unwrap().to_string_lossy();
        let what = changes.get(path).map_or(String::new(), |w| format!(" [{w}]"));
        match verdict {
            Some(why) if !any_error(&text) => {
                let vars = interpolated(&text);
                if !vars.is_empty() && accepted_with(path, &vars) {
                    // Convox's `${VAR}` takes the app's environment, which the oracle does not
                    // know: with the variables set, Convox accepts the file.
                    eprintln!("ENV {name}: Convox accepts it once {} are set ({why})", vars.join(", "));
                } else {
                    missed.push(format!("MISSED {name}{what}: Convox says {why}"));
                }
            }
            None => {
                let errs = common::early_errors(&text);
                if !errs.is_empty() {
                    false_errors.push(format!("FALSE {name}{what}: {}", errs.join("; ")));
                }
            }
            _ => {}
        }
    }
}

/// The `${VAR}` names of a file: Convox takes them from the app's environment.
fn interpolated(text: &str) -> Vec<String> {
    text.split("${").skip(1).filter_map(|rest| Some(rest[..rest.find('}')?].to_string())).collect()
}

/// Whether Convox accepts the file with these variables set in the app's environment, each to
/// a word (`x`) or a number (`1`): every combination for up to 4 variables, else all words or all
/// numbers.
fn accepted_with(path: &Path, vars: &[String]) -> bool {
    let shared = shared().expect("the oracle");
    let combos: u32 = if vars.len() <= 4 { 1 << vars.len() } else { 2 };
    (0..combos).any(|bits| {
        let mut cmd = Command::new(shared.join("tools/convox-oracle/convox-check"));
        for (i, v) in vars.iter().enumerate() {
            let number = if vars.len() <= 4 { bits >> i & 1 == 1 } else { bits == 1 };
            cmd.arg("-e").arg(format!("{v}={}", if number { "1" } else { "x" }));
        }
        cmd.arg(path).stdout(std::process::Stdio::null()).status().is_ok_and(|s| s.success())
    })
}

/// A service named like a section (`timers`), with a key only a timer has: `misplaced-section`
/// says so on the name, and its body is still checked as the service Convox decodes. Convox:
/// `LOAD: yaml: unmarshal errors: line 1: cannot unmarshal !!str `abc` into int` (the `targets`
/// remarshal, `pkg/manifest/yaml.go:469-474`); the one mutation in 609 that went unreported.
#[test]
fn a_service_named_like_a_section_is_checked() {
    let text = "services:\n  timers:\n    image: nginx\n    schedule: \"0 * * * *\"\n    scale:\n      targets:\n        cpu: abc\n";
    let diags = Analysis::from_text(text).diagnostics();
    let got: Vec<String> = diags.iter().map(|d| format!("{} {}", d.code.as_str(), d.range.start)).collect();
    assert!(got.contains(&"misplaced-section 12".to_string()), "{got:?}");
    assert!(got.contains(&format!("wrong-type {}", text.find("abc").unwrap())), "{got:?}");
    // The section's own entries (`schedule`) are not unknown keys of a service: the name says it.
    assert!(!got.iter().any(|g| g.starts_with("unknown-key")), "{got:?}");
    if let Some(shared) = shared() {
        let dir = std::env::temp_dir().join(format!("convox-lsp-named-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("convox.yml");
        std::fs::write(&p, text).unwrap();
        let v = oracle(&shared, std::slice::from_ref(&p));
        assert!(v[&p].as_deref().is_some_and(|e| e.contains("cannot unmarshal !!str `abc` into int")), "{v:?}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
