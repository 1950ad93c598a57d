//! The release environment, differential against Convox itself: `convox-check --strict-env -e
//! NAME=VALUE` runs `manifest.Load` + `Validate` with exactly that environment (`${VAR}`
//! substituted by `interpolate`, `pkg/manifest/helpers.go:7-15`; `required env` from
//! `manifest.go:522-543`), `convox-render MANIFEST shop NAME=VALUE...` the promote's templates with
//! it (`provider/k8s/helpers.go:53-96` merges it into every env Secret). On every corpus manifest
//! that uses `${...}` and on generated ones, with values given, with the variables unset, and with
//! no environment at all, `check`'s verdict must be Convox's and, where Convox accepts, `render`
//! must match field for field (the oracle's stubs aside, `render_support::compare`).
//!
//! Skipped with a notice when `../shared` is not beside the project, except under `CI` or
//! `CONVOX_LSP_NO_SKIP`, where that fails.

mod render_support;
mod skip;

use std::path::{Path, PathBuf};
use std::process::Command;

use convox_lsp::env::{Environment, Source};
use convox_lsp::ide::{Analysis, Evaluated, Severity, Stage};
use render_support::compare::{Tally, documents, ours_with, required_names};

fn oracle_dir() -> Option<PathBuf> {
    let found = render_support::shared();
    if found.is_none() {
        assert!(
            !skip::required(),
            "every suite is required (CONVOX_LSP_NO_SKIP) and ../shared/tools/convox-oracle is missing"
        );
        skip::skipped("environment_oracle", "no ../shared/tools/convox-oracle beside the project");
    }
    found
}

/// A value of the kind the name suggests, so that most manifests stay valid with it.
fn value_for(name: &str) -> String {
    let n = name.to_ascii_uppercase();
    let has = |w: &[&str]| w.iter().any(|x| n.contains(x));
    if has(&["DAYS", "RETENTION"]) {
        "30".into()
    } else if has(&["STORAGE", "SIZE", "PORT", "COUNT"]) {
        "20".into()
    } else if has(&["VERSION"]) {
        "13".into()
    } else if has(&["ENCRYPTED", "MULTI_AZ"]) {
        "true".into()
    } else if has(&["CLASS", "INSTANCE_TYPE"]) {
        "db.t3.micro".into()
    } else {
        format!("shop-{}", n.to_ascii_lowercase().replace('_', "-"))
    }
}

/// The names a manifest uses in `${...}` (once each) and the names it requires (`- NAME`).
fn names(text: &str) -> (Vec<String>, Vec<String>) {
    let mut used: Vec<String> = Vec::new();
    for i in convox_lsp::model::interpolations(text) {
        let n = text[i.name.start..i.name.end].to_string();
        if !used.contains(&n) && !n.contains('\n') {
            used.push(n);
        }
    }
    let required = required_names(text);
    (used, required)
}

/// Convox's verdict with exactly `env`: `None` when accepted, else `stage: error`.
fn convox_check(dir: &Path, file: &Path, env: &[(String, String)]) -> Option<String> {
    let mut cmd = Command::new(dir.join("tools/convox-oracle/convox-check"));
    cmd.arg("--json").arg("--strict-env");
    for (k, v) in env {
        cmd.arg("-e").arg(format!("{k}={v}"));
    }
    let out = cmd.arg(file).output().expect("run convox-check");
    let line = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(line.trim()).expect("convox-check --json line");
    (!v["ok"].as_bool().unwrap_or(false)).then(|| format!("{}: {}", v["stage"].as_str().unwrap_or(""), v["error"]))
}

/// Our errors that fail before the promote, the manifest evaluated with `env`.
fn our_errors(text: &str, env: &Environment) -> Vec<String> {
    Evaluated::new(text, env)
        .diagnostics(&Analysis::from_text(text), env, None)
        .into_iter()
        .filter(|d| d.severity == Severity::Error && d.code.stage() <= Stage::Validate)
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect()
}

fn environment(pairs: &[(String, String)]) -> Environment {
    let mut env = Environment::new();
    for (k, v) in pairs {
        env.set(k, v, Source::Flag);
    }
    env
}

fn convox_render(dir: &Path, file: &Path, env: &[(String, String)]) -> Option<Vec<yaml_serde::Value>> {
    let mut cmd = Command::new(dir.join("tools/convox-oracle/convox-render"));
    cmd.arg(file).arg("shop").args(env.iter().map(|(k, v)| format!("{k}={v}")));
    let out = cmd.output().expect("run convox-render");
    out.status.success().then(|| documents(&String::from_utf8_lossy(&out.stdout)))
}

/// What one environment gave over the files: verdicts compared, renders compared.
#[derive(Default)]
struct Run {
    files: usize,
    rejected: usize,
    disagreements: Vec<String>,
    tally: Tally,
}

impl Run {
    fn file(&mut self, dir: &Path, file: &Path, text: &str, env: &[(String, String)], render: bool) {
        self.files += 1;
        let theirs = convox_check(dir, file, env);
        let ours = our_errors(text, &environment(env));
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let rejected = theirs.is_some();
        if rejected == ours.is_empty() {
            self.disagreements.push(format!("{name} with {env:?}: Convox {theirs:?}, check {ours:?}"));
        }
        if rejected {
            self.rejected += 1;
        } else if render && let Some(oracle) = convox_render(dir, file, env) {
            self.tally.compare_file(&oracle, &ours_with(text, environment(env)), &name);
        }
    }

    fn assert_clean(&self, what: &str) {
        let report = self.tally.report();
        eprintln!("{what}: {} files, {} rejected by Convox; render: {report}", self.files, self.rejected);
        assert!(
            self.disagreements.is_empty(),
            "{what}: check disagrees with Convox:\n{}",
            self.disagreements.join("\n")
        );
        let t = &self.tally;
        assert!(t.missing_objects.is_empty() && t.wrong.is_empty() && t.extra_fields.is_empty(), "{what}: {report}");
    }
}

fn corpus_with_variables(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
        .filter(|(_, t)| !convox_lsp::model::interpolations(t).is_empty())
        .collect()
}

#[test]
fn corpus_with_values_given() {
    let Some(dir) = oracle_dir() else { return };
    let files = corpus_with_variables(&dir);
    assert!(files.len() >= 55, "only {} corpus files use ${{...}}", files.len());
    let mut run = Run::default();
    for (file, text) in &files {
        let (used, required) = names(text);
        let mut env: Vec<(String, String)> = used.iter().map(|n| (n.clone(), value_for(n))).collect();
        env.extend(required.iter().filter(|r| !used.contains(r)).map(|r| (r.clone(), "x".to_string())));
        run.file(&dir, file, text, &env, true);
    }
    run.assert_clean("values given");
    assert!(run.tally.files > 40, "only {} renders compared", run.tally.files);
}

#[test]
fn corpus_with_variables_unset() {
    let Some(dir) = oracle_dir() else { return };
    let (mut unset, mut strict) = (Run::default(), Run::default());
    for (file, text) in &corpus_with_variables(&dir) {
        let (used, required) = names(text);
        // The release sets what the manifest requires (`x`); every other `${VAR}` is empty.
        let env: Vec<(String, String)> =
            required.iter().filter(|r| !used.contains(r)).map(|r| (r.clone(), "x".to_string())).collect();
        unset.file(&dir, file, text, &env, true);
        // Nothing set at all: `required env` where the manifest requires a name.
        strict.file(&dir, file, text, &[], false);
    }
    unset.assert_clean("variables unset");
    strict.assert_clean("empty environment");
    assert!(strict.rejected > 0 && unset.tally.files > 30);
}

/// `${V}` in every kind of place a manifest uses one, each with every kind of value.
#[test]
fn generated_manifests_with_every_kind_of_value() {
    let Some(dir) = oracle_dir() else { return };
    let web = "services:\n  web:\n    image: nginx\n    port: 3000\n";
    let places = [
        format!("{web}    domain:\n      - ${{V}}\n"),
        format!("{web}    domain:\n      - \"${{V}}\"\n"),
        format!("{web}    domain: ${{V}}\n"),
        format!("{web}    domain: [a.example.com, ${{V}}]\n"),
        format!("{web}    annotations:\n      - a.example/role: ${{V}}\n"),
        format!("{web}    annotations:\n      - a.example/role=${{V}}\n"),
        format!("{web}    scale: ${{V}}\n"),
        format!("{web}    scale:\n      count: ${{V}}\n"),
        format!("{web}    scale:\n      count: 1-${{V}}\n"),
        format!("{web}    health: ${{V}}\n"),
        format!("{web}    environment:\n      - A=${{V}}\n"),
        format!("{web}    internal: ${{V}}\n"),
        "services:\n  web:\n    image: nginx:${V}\n    port: ${V}\n".to_string(),
        "resources:\n  db:\n    type: ${V}\nservices:\n  web:\n    image: nginx\n    resources: [db]\n".to_string(),
        "resources:\n  db:\n    type: postgres\n    options:\n      storage: ${V}\nservices:\n  web:\n    image: nginx\n    resources: [db]\n".to_string(),
        "environment:\n  - V\nservices:\n  web:\n    image: nginx\n    domain:\n      - ${V}\n".to_string(),
        "timers:\n  t:\n    schedule: \"${V} * * * *\"\n    command: x\n    service: web\nservices:\n  web:\n    image: nginx\n".to_string(),
    ];
    let tmp = std::env::temp_dir().join(format!("convox-lsp-env-oracle-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut run = Run::default();
    for (i, text) in places.iter().enumerate() {
        let file = tmp.join(format!("place{i}.yml"));
        std::fs::write(&file, text).unwrap();
        for value in [
            None,
            Some(""),
            Some("x"),
            Some("3"),
            Some("2-4"),
            Some("a.example.com"),
            Some("postgres"),
            Some("null"),
            Some("\"q\""),
        ] {
            let env: Vec<(String, String)> = value.map(|v| vec![("V".to_string(), v.to_string())]).unwrap_or_default();
            run.file(&dir, &file, text, &env, true);
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    run.assert_clean("generated");
    assert!(run.rejected > 20 && run.tally.files > 40, "{} rejected, {} rendered", run.rejected, run.tally.files);
}
