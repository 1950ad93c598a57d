//! The JSON Schema generated from the knowledge base: committed, current, valid as a schema, and
//! it accepts Convox's valid manifests and rejects the invalid ones.

use convox_lsp::schema::json_schema::{self, Draft};
use convox_lsp::schema::schema;
use expect_test::expect_file;
use serde_json::Value;

#[test]
fn the_committed_schemas_are_current() {
    expect_file!["../schemas/convox.schema.json"]
        .assert_eq(&json_schema::to_string(&json_schema::generate(schema(), Draft::Draft202012)));
    expect_file!["../schemas/convox.draft-07.schema.json"]
        .assert_eq(&json_schema::to_string(&json_schema::generate(schema(), Draft::Draft07)));
}

fn yaml_to_json(text: &str) -> Option<Value> {
    yaml_serde::from_str::<Value>(text).ok()
}

fn validator(draft: Draft) -> jsonschema::Validator {
    let s = json_schema::generate(schema(), draft);
    match draft {
        Draft::Draft202012 => jsonschema::draft202012::new(&s),
        Draft::Draft07 => jsonschema::draft7::new(&s),
    }
    .expect("the generated schema is a valid schema")
}

#[test]
fn the_example_validates_and_mistakes_do_not() {
    for draft in [Draft::Draft202012, Draft::Draft07] {
        let v = validator(draft);
        let doc = yaml_to_json(include_str!("../examples/convox.yml")).unwrap();
        let errors: Vec<String> = v.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        for bad in [
            "services:\n  web:\n    resorces: [db]\n",
            "services:\n  web:\n    command: [a, b]\n",
            "services:\n  web:\n    agent:\n      enabled: true\n",
            "environment:\n  FOO: bar\n",
            "timers:\n  t:\n    concurrency: FORBID\n",
            "resources:\n  db:\n    type: postgress\n",
        ] {
            assert!(!v.is_valid(&yaml_to_json(bad).unwrap()), "accepted: {bad}");
        }
        for good in [
            "services:\n  web:\n",
            "services:\n  web:\n    port: \"https:3000\"\n    scale: 2-10\n    health: /h\n",
            "timers:\n  t:\n    concurrency: forbid\n",
        ] {
            let d = yaml_to_json(good).unwrap();
            let errors: Vec<String> = v.iter_errors(&d).map(|e| format!("{} at {}", e, e.instance_path())).collect();
            assert!(errors.is_empty(), "{good}: {errors:?}");
        }
    }
}

#[test]
fn corpus_valid_fixtures_pass_and_invalid_ones_fail() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !dir.is_dir() {
        return;
    }
    let v = validator(Draft::Draft202012);
    let mut problems = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !name.starts_with("convox__convox__pkg__manifest__testdata__") {
            continue;
        }
        let Some(doc) = yaml_to_json(&std::fs::read_to_string(dir.join(&name)).unwrap()) else { continue };
        // Only what a schema can see: shapes and keys (not references or Convox's cross-key rules).
        let expect_invalid = [
            "invalid.1",
            "invalid.2",
            "sample-anchor-alias",
            "auto-shutdown-invalid-rule7.",
            "auto-shutdown-invalid-rule9",
        ]
        .iter()
        .any(|w| name.contains(w));
        let ok = v.is_valid(&doc);
        if expect_invalid {
            invalid += 1;
            if ok {
                problems.push(format!("{name}: accepted, but Convox rejects it"));
            }
        } else if !name.contains("invalid") && !name.contains("validate") {
            valid += 1;
            if !ok {
                let errors: Vec<String> =
                    v.iter_errors(&doc).take(3).map(|e| format!("{e} at {}", e.instance_path())).collect();
                problems.push(format!("{name}: rejected: {errors:?}"));
            }
        }
    }
    assert!(valid >= 10 && invalid >= 4, "{valid} valid, {invalid} invalid fixtures");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
