//! The JSON Schemas generated from the knowledge base: committed and current, valid as schemas, and
//! compared with Convox's own verdicts on the corpus (`../shared/corpus`, judged by
//! `../shared/tools/convox-oracle/convox-check`; a visible SKIPPED line without them, a failure
//! where every suite must run, `tests/skip`, Convox's `manifest.Load` and `Validate`) with two
//! real validators: the `jsonschema` crate and PyPI's check-jsonschema. The lenient schema must
//! accept every file Convox accepts and reject every rejected file whose fault a schema can see.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use convox_lsp::schema::json_schema::{self, Draft, Variant};
use convox_lsp::schema::schema;
use expect_test::expect_file;
use serde_json::Value;

mod render_support;
mod skip;

const FILES: [(&str, Draft, Variant); 3] = [
    ("convox.schema.json", Draft::Draft202012, Variant::Lenient),
    ("convox.draft-07.schema.json", Draft::Draft07, Variant::Lenient),
    ("convox.strict.schema.json", Draft::Draft202012, Variant::Strict),
];

#[test]
fn the_committed_schemas_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    for (file, draft, variant) in FILES {
        expect_file![dir.join(file)].assert_eq(&json_schema::to_string(&json_schema::generate(
            schema(),
            draft,
            variant,
        )));
    }
}

fn yaml_to_json(text: &str) -> Option<Value> {
    yaml_serde::from_str::<Value>(text).ok()
}

fn validator(draft: Draft, variant: Variant) -> jsonschema::Validator {
    let s = json_schema::generate(schema(), draft, variant);
    match draft {
        Draft::Draft202012 => jsonschema::draft202012::new(&s),
        Draft::Draft07 => jsonschema::draft7::new(&s),
    }
    .expect("the generated schema is a valid schema")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).take(3).map(|e| format!("{e} at {}", e.instance_path())).collect()
}

/// Manifests Convox accepts, that the lenient schemas must accept too; the strict one rejects the
/// first group (keys Convox ignores, values the deploy rejects later).
const IGNORED_OR_LATE: &[&str] = &[
    "services:\n  web:\n    resorces: [db]\n",
    "services:\n  web:\n    memory: 512\n",
    "services:\n  web:\n    health:\n      internal: 5\n",
    "timers:\n  t:\n    schedule: \"0 * * * *\"\n    service: web\n    concurrency: FORBID\n",
    "resources:\n  db:\n    type: postgress\n",
    "balancers:\n  b:\n    service: web\n    ports:\n      5000: {port: 3000, protocol: udp}\n",
];
const VALID: &[&str] = &[
    "services:\n  web:\n",
    "services:\n  web:\n    port: \"https:3000\"\n    scale: 2-10\n    health: /h\n",
    "timers:\n  t:\n    schedule: \"0 * * * *\"\n    service: web\n    concurrency: forbid\n",
    // `${VAR}` anywhere: Convox substitutes it before decoding, possibly with nothing.
    "appSettings:\n  awsLogs:\n    cwRetention: ${LOG_RETENTION_DAYS}\n",
    "services:\n  web:\n    certificate: ${HOST}\n    scale:\n      count: ${COUNT}\n",
    // YAML 1.1 booleans, as Convox's yaml.v2 reads them (a YAML 1.2 loader sees strings).
    "services:\n  web:\n    internal: yes\n    agent: off\n",
    "services:\n  web:\n    ports: [3001, 8125/udp]\n",
];
/// Manifests Convox rejects (`Load` or `Validate`), for a reason a schema can see.
const REJECTED: &[&str] = &[
    "services:\n  web:\n    command: [a, b]\n",
    "services:\n  web:\n    agent:\n      enabled: true\n",
    "environment:\n  FOO: bar\n",
    "services:\n  web_app:\n    image: x\n",
    "resources:\n  db_main:\n    type: postgres\n",
    "timers:\n  updateStats:\n    schedule: \"0 * * * *\"\n    service: web\n",
    "resources:\n  db:\n    type:\n",
    "resources:\n  db:\n    options: {}\n",
    "balancers:\n  b:\n    service: web\n",
    "balancers:\n  b:\n    ports:\n      5000: 3000\n",
    "services:\n  web:\n    domain: [~]\n",
    "services:\n  web:\n    ports: [\"3000:3000\"]\n",
    "budget:\n  notifyBeforeMinutes: 2000\n",
    "budget:\n  shutdownGracePeriod: garbage\n",
    "budget:\n  atCapAction: auto-shutdown\n  monthlyCapUsd: 100\n",
    "budget:\n  recoveryMode: random\n",
];

#[test]
fn each_variant_accepts_and_rejects_what_it_says() {
    let example = yaml_to_json(include_str!("../examples/convox.yml")).unwrap();
    for (file, draft, variant) in FILES {
        let v = validator(draft, variant);
        assert!(errors(&v, &example).is_empty(), "{file}: {:#?}", errors(&v, &example));
        for good in VALID {
            let d = yaml_to_json(good).unwrap();
            assert!(errors(&v, &d).is_empty(), "{file}: {good}: {:?}", errors(&v, &d));
        }
        for bad in REJECTED {
            assert!(!v.is_valid(&yaml_to_json(bad).unwrap()), "{file} accepted: {bad}");
        }
        for m in IGNORED_OR_LATE {
            let valid = v.is_valid(&yaml_to_json(m).unwrap());
            assert_eq!(valid, variant == Variant::Lenient, "{file}: {m}");
        }
    }
}

#[test]
fn defaults_are_values_and_every_key_has_a_title() {
    fn walk(v: &Value, path: &str, out: &mut Vec<String>) {
        let Value::Object(m) = v else { return };
        if m.contains_key("description") && !m.contains_key("title") {
            out.push(format!("{path}: no title"));
        }
        if let Some(Value::String(d)) = m.get("default")
            && (d.contains(' ') || d.starts_with('='))
        {
            out.push(format!("{path}: prose default {d:?}"));
        }
        for (k, child) in m {
            match child {
                Value::Array(items) => items.iter().for_each(|i| walk(i, &format!("{path}/{k}"), out)),
                _ => walk(child, &format!("{path}/{k}"), out),
            }
        }
    }
    let s = json_schema::generate(schema(), Draft::Draft202012, Variant::Lenient);
    let mut problems = Vec::new();
    walk(&s, "", &mut problems);
    assert!(problems.is_empty(), "{problems:#?}");
    let text = s.to_string();
    assert!(text.matches("\"examples\"").count() >= 30, "examples on the main keys");
    // The prose moved to the description: `grace` says what its default is.
    assert!(text.contains("Default: = health.interval"), "prose defaults in descriptions");
}

fn shared(suite: &str) -> Option<PathBuf> {
    skip::shared(suite, &["corpus", "tools/convox-oracle/convox-check"])
}

/// Convox's verdict on every corpus file: `file name -> accepted`.
fn verdicts(shared: &Path) -> BTreeMap<String, bool> {
    render_support::verdicts(shared)
        .into_iter()
        .map(|(path, ok)| (path.file_name().unwrap().to_string_lossy().into_owned(), ok))
        .collect()
}

/// Rejected corpus files no JSON Schema can catch: references between sections, the YAML itself,
/// and combinations a schema cannot read (each with Convox's reason).
const BEYOND_A_SCHEMA: &[&str] = &[
    "CapXTech__peatio__convox@160e0cd.yml", // references a resource that does not exist
    "DocSpring__rack-gateway__convox@af615ec.yml", // timer references a service that does not exist
    "bitzesty__notifications-api__convox@d13156d.yml", // YAML syntax
    "chuspace__chuspace__convox@e430202.yml", // YAML syntax
    "codelittinc__notifications__convox@3cfec5e.yml", // references a resource that does not exist
    "convox__httpd__convox@c98b65d.yml",    // YAML syntax
    "DocSpring__rack-gateway__convox@772b797.yml", // an annotation `${VAR}` that is unset
    "copotrzebne-pl__copotrzebne-frontend__convox.yml", // `domain` items `${VAR}` that are unset
    "convox__convox__pkg__manifest__testdata__auto-shutdown-invalid-rule5.yml", // every service in neverAutoShutdown
    "convox__convox__pkg__manifest__testdata__auto-shutdown-invalid-rule10.yml", // auto-shutdown without services
    "convox__convox__pkg__manifest__testdata__sample-anchor-alias-invalid-1.yml", // anchors
    "convox__convox__pkg__manifest__testdata__sample-anchor-alias-invalid-2.yml", // anchors
];

#[test]
fn the_lenient_schema_agrees_with_convox_on_the_corpus() {
    let Some(shared) = shared("json_schema: the jsonschema crate against convox-check") else { return };
    let verdicts = verdicts(&shared);
    assert!(verdicts.len() >= 200, "{} verdicts", verdicts.len());
    let corpus = shared.join("corpus");
    for (draft, variant) in [(Draft::Draft202012, Variant::Lenient), (Draft::Draft07, Variant::Lenient)] {
        let v = validator(draft, variant);
        let (mut false_errors, mut misses) = (Vec::new(), Vec::new());
        for (name, accepted) in &verdicts {
            let text = std::fs::read_to_string(corpus.join(name)).unwrap();
            let valid = yaml_to_json(&text).is_some_and(|d| v.is_valid(&d));
            if *accepted && !valid {
                let d = yaml_to_json(&text).unwrap_or(Value::Null);
                false_errors.push(format!("{name}: {:?}", errors(&v, &d)));
            }
            if !accepted && valid && !BEYOND_A_SCHEMA.iter().any(|b| name.starts_with(b.trim_end_matches(".yml"))) {
                misses.push(name.clone());
            }
        }
        assert!(false_errors.is_empty(), "{draft:?}: Convox accepts, the schema rejects:\n{}", false_errors.join("\n"));
        assert!(misses.is_empty(), "{draft:?}: Convox rejects, the schema accepts:\n{}", misses.join("\n"));
    }
}

/// The same comparison with check-jsonschema, which loads YAML as YAML 1.2 (ruamel.yaml): `yes` is a
/// string there, and the schema takes YAML 1.1's boolean words for that reason.
#[test]
fn check_jsonschema_agrees_with_convox_on_the_corpus() {
    let suite = "json_schema: check-jsonschema against convox-check";
    let Some(shared) = shared(suite) else { return };
    let verdicts = verdicts(&shared);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let all: Vec<PathBuf> = verdicts.keys().map(|n| shared.join("corpus").join(n)).collect();
    let out = Command::new("bash")
        .arg(root.join("tests/json_schema/check-jsonschema.sh"))
        .arg(target.join("check-jsonschema-venv"))
        .arg(root.join("schemas/convox.schema.json"))
        .args(&all)
        .output()
        .expect("run bash");
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr).into_owned();
        skip::skipped(suite, &format!("check-jsonschema could not be installed or run: {why}"));
        return;
    }
    let report: Value = serde_json::from_slice(&out.stdout).expect("check-jsonschema's JSON report");
    // Every file it fails (a schema error or a YAML it cannot load), with the first reason.
    let mut failed: BTreeMap<String, String> = BTreeMap::new();
    for e in report["errors"].as_array().into_iter().chain(report["parse_errors"].as_array()).flatten() {
        let name =
            Path::new(e["filename"].as_str().unwrap_or_default()).file_name().unwrap().to_string_lossy().into_owned();
        failed.entry(name).or_insert_with(|| format!("{}: {}", e["path"], e["message"]));
    }
    let mut false_errors = Vec::new();
    let mut misses = Vec::new();
    for (name, accepted) in &verdicts {
        match (accepted, failed.get(name)) {
            (true, Some(why)) => false_errors.push(format!("{name}: {why}")),
            (false, None) if !BEYOND_A_SCHEMA.iter().any(|b| name.starts_with(b.trim_end_matches(".yml"))) => {
                misses.push(name.clone())
            }
            _ => {}
        }
    }
    assert!(false_errors.is_empty(), "Convox accepts, check-jsonschema rejects:\n{}", false_errors.join("\n"));
    assert!(misses.is_empty(), "Convox rejects, check-jsonschema accepts:\n{}", misses.join("\n"));
}

/// One list of manifest names everywhere: the catalog entry and `yaml.schemas` in the docs, the
/// README, and the VS Code extension's file patterns.
#[test]
fn one_file_match_everywhere() {
    if skip::packaged_crate("json_schema: one fileMatch everywhere") {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let json_list = serde_json::to_string(json_schema::FILE_MATCH).unwrap().replace(",", ", ");
    let docs = read("docs/json-schema.md");
    assert_eq!(docs.matches(&json_list).count(), 2, "yaml.schemas and the catalog entry: {json_list}");
    let prose = format!(
        "`{}`, `{}` or `{}`",
        json_schema::FILE_MATCH[0],
        json_schema::FILE_MATCH[1],
        json_schema::FILE_MATCH[2]
    );
    assert!(read("README.md").contains(&prose), "README: {prose}");
    let package: Value = serde_json::from_str(&read("editors/vscode/package.json")).unwrap();
    let patterns: Vec<String> = package["contributes"]["languages"][0]["filenamePatterns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().trim_start_matches("**/").to_string())
        .collect();
    assert_eq!(patterns, json_schema::FILE_MATCH);
}
