//! `convox-lsp check --format sarif` as GitHub code scanning reads it: the log validates against
//! the SARIF 2.1.0 schema (OASIS, `tests/data/sarif-schema-2.1.0.json`, see `tests/data/README.md`),
//! every rule has a `fullDescription` (GitHub's GH2012 otherwise) and `help`, and a file under the
//! working directory is a relative `uri` with the `%SRCROOT%` base (GitHub resolves it against the
//! checkout), while one outside is an absolute `file` URI.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn sarif(args: &[&str], cwd: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_convox-lsp"))
        .args(["check", "--format", "sarif"])
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run convox-lsp");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn schema_validator() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"))
            .expect("the SARIF schema is test data");
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

fn assert_valid(log: &Value) {
    let v = schema_validator();
    let errors: Vec<String> = v.iter_errors(log).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{log:#}");
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("convox-lsp-sarif-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Many codes at once: an unknown key, a wrong type, a bad schedule, a bad port, a YAML error in
/// a second file.
const MANY: &str = "services:\n  web:\n    image: nginx\n    port: web\n    bogus: 1\n    scale: abc\ntimers:\n  t:\n    schedule: \"0 0 * * 7\"\n    service: web\n";

#[test]
fn every_rule_has_a_full_description_and_help_and_the_log_is_valid_sarif() {
    let dir = temp_dir("rules");
    std::fs::create_dir_all(dir.join("app")).unwrap();
    std::fs::write(dir.join("app/convox.yml"), MANY).unwrap();
    std::fs::write(dir.join("broken.yml"), "services:\n  web:\n    command: \"x\n").unwrap();
    let log = sarif(&["app/convox.yml", "broken.yml"], &dir);
    assert_valid(&log);
    // The schema does reject: no `version`, a result without `message`.
    assert!(!schema_validator().is_valid(&serde_json::json!({"runs": []})));
    let mut broken = log.clone();
    broken["runs"][0]["results"][0].as_object_mut().unwrap().remove("message");
    assert!(!schema_validator().is_valid(&broken));
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 5, "{rules:#?}");
    for r in rules {
        let id = r["id"].as_str().unwrap();
        let full = r["fullDescription"]["text"].as_str().unwrap_or_default();
        let short = r["shortDescription"]["text"].as_str().unwrap_or_default();
        // The docs section, longer than the one-line summary; plain text on one line per paragraph.
        assert!(full.len() > short.len() && !short.is_empty(), "{id}: {r:#}");
        assert!(!full.contains("\n\n\n") && !full.starts_with('*'), "{id}: {full}");
        assert!(r["help"]["markdown"].as_str().is_some_and(|m| !m.is_empty()), "{id}");
        assert!(r["help"]["text"].as_str().is_some_and(|m| !m.is_empty()), "{id}");
    }
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for want in ["unknown-key", "invalid-port", "invalid-scale", "invalid-schedule", "yaml-syntax"] {
        assert!(ids.contains(&want), "{want} in {ids:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn paths_under_the_working_directory_are_relative_to_srcroot() {
    let dir = temp_dir("paths");
    let outside = temp_dir("outside");
    std::fs::create_dir_all(dir.join("deploy")).unwrap();
    std::fs::write(dir.join("deploy/convox.yml"), MANY).unwrap();
    std::fs::write(outside.join("convox.yml"), MANY).unwrap();
    let absolute_inside = dir.join("deploy/convox.yml");
    let absolute_outside = outside.join("convox.yml");
    let log =
        sarif(&["./deploy/convox.yml", absolute_inside.to_str().unwrap(), absolute_outside.to_str().unwrap()], &dir);
    assert_valid(&log);
    let run = &log["runs"][0];
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap();
    assert!(base.starts_with("file:///") && base.ends_with('/'), "{base}");
    assert!(base.trim_end_matches('/').ends_with(dir.file_name().unwrap().to_str().unwrap()), "{base}");
    let mut seen = Vec::new();
    for r in run["results"].as_array().unwrap() {
        let loc = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        let entry = (loc["uri"].as_str().unwrap().to_string(), loc["uriBaseId"].as_str().map(str::to_string));
        if !seen.contains(&entry) {
            seen.push(entry);
        }
    }
    let outside_uri = format!("file://{}", absolute_outside.to_str().unwrap());
    assert_eq!(
        seen,
        vec![("deploy/convox.yml".to_string(), Some("%SRCROOT%".to_string())), (outside_uri, None),],
        "./deploy and the absolute path inside are one relative uri; the file outside is absolute"
    );
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_dir_all(&outside).ok();
}

#[test]
fn a_parent_relative_path_is_absolute_and_standard_input_keeps_its_name() {
    let dir = temp_dir("parent");
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(dir.join("convox.yml"), MANY).unwrap();
    let log = sarif(&["../convox.yml"], &dir.join("a"));
    assert_valid(&log);
    let loc = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], format!("file://{}", dir.join("convox.yml").to_str().unwrap()));
    assert!(loc.get("uriBaseId").is_none(), "{loc}");
    assert!(log["runs"][0].get("originalUriBaseIds").is_none(), "no base when nothing uses it");

    let out = Command::new(env!("CARGO_BIN_EXE_convox-lsp"))
        .args(["check", "--format", "sarif", "-"])
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(MANY.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid(&log);
    let loc = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "%3Cstdin%3E");
    assert!(loc.get("uriBaseId").is_none(), "{loc}");
    std::fs::remove_dir_all(&dir).ok();
}
