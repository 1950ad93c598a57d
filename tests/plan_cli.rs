//! `convox-lsp plan` as a user runs it: two files, `--base REF` in a git repository, the three
//! formats (snapshots, also quoted in docs/plan.md) and `--deny-destructive`.

mod common;
mod skip;

use std::path::Path;
use std::process::{Command, Output};

use common::git;

use expect_test::expect_file;

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_convox-lsp"))
        .args(args)
        .current_dir(cwd)
        .env_remove("CONVOX_RACK")
        .output()
        .expect("run convox-lsp")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn plan(old: &str, new: &str, extra: &[&str]) -> Output {
    let (old, new) = (format!("tests/fixtures/plan/{old}"), format!("tests/fixtures/plan/{new}"));
    let mut args = vec!["plan", old.as_str(), new.as_str(), "--rack", "acme", "--app", "shop"];
    args.extend(extra);
    run(&args, root())
}

#[test]
fn human_output_of_a_routine_change() {
    let out = plan("shop-before.yml", "shop-after.yml", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    expect_file!["snapshots/plan/routine.txt"].assert_eq(&stdout(&out));
}

#[test]
fn markdown_output_of_a_routine_change() {
    let out = plan("shop-before.yml", "shop-after.yml", &["--format", "markdown"]);
    expect_file!["snapshots/plan/routine.md"].assert_eq(&stdout(&out));
}

#[test]
fn json_output_of_a_routine_change() {
    let out = plan("shop-before.yml", "shop-after.yml", &["--format", "json"]);
    let text = stdout(&out);
    let v: serde_json::Value = serde_json::from_str(&text).expect("one JSON document");
    assert_eq!(v["summary"]["deleted"], 3, "{text}");
    expect_file!["snapshots/plan/routine.json"].assert_eq(&text);
}

#[test]
fn a_renamed_database_is_destructive() {
    let out = plan("shop-before.yml", "shop-renamed.yml", &[]);
    expect_file!["snapshots/plan/renamed.txt"].assert_eq(&stdout(&out));
    let md = plan("shop-before.yml", "shop-renamed.yml", &["--format", "markdown"]);
    expect_file!["snapshots/plan/renamed.md"].assert_eq(&stdout(&md));
    assert_eq!(out.status.code(), Some(0));
    let denied = plan("shop-before.yml", "shop-renamed.yml", &["--deny-destructive"]);
    assert_eq!(denied.status.code(), Some(1));
}

#[test]
fn deny_destructive_passes_a_routine_change_with_deletions_of_stateless_objects() {
    // Removing redis deletes its Deployment and Service (traffic): destructive too.
    let out = plan("shop-before.yml", "shop-after.yml", &["--deny-destructive"]);
    assert_eq!(out.status.code(), Some(1));
    let same = plan("shop-after.yml", "shop-after.yml", &["--deny-destructive"]);
    assert_eq!(same.status.code(), Some(0));
    assert!(stdout(&same).contains("no change"), "{}", stdout(&same));
}

#[test]
fn bad_usage_and_unreadable_inputs_exit_2() {
    for args in [
        &["plan", "tests/fixtures/plan/shop-before.yml"][..],
        &["plan", "--base", "HEAD", "a.yml", "b.yml"],
        &["plan", "tests/fixtures/plan/missing.yml", "tests/fixtures/plan/shop-after.yml"],
        &["plan", "-", "-"],
    ] {
        let out = run(args, root());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn base_reads_the_committed_manifest() {
    let dir = std::env::temp_dir().join(format!("convox-lsp-plan-base-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("app")).unwrap();
    let fixtures = root().join("tests/fixtures/plan");
    std::fs::copy(fixtures.join("shop-before.yml"), dir.join("app/convox.yml")).unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    std::fs::copy(fixtures.join("shop-after.yml"), dir.join("app/convox.yml")).unwrap();

    let with_base = run(&["plan", "--base", "HEAD", "app/convox.yml", "--rack", "acme", "--app", "shop"], &dir);
    assert_eq!(with_base.status.code(), Some(0), "{}", String::from_utf8_lossy(&with_base.stderr));
    let two_files = plan("shop-before.yml", "shop-after.yml", &[]);
    assert_eq!(stdout(&with_base), stdout(&two_files));

    // A revision that does not exist, a file new since the commit, a file outside any repository.
    let bad = run(&["plan", "--base", "nope", "app/convox.yml"], &dir);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nope"));
    std::fs::copy(fixtures.join("shop-after.yml"), dir.join("app/convox.new.yml")).unwrap();
    let new_file = run(&["plan", "--base", "HEAD", "app/convox.new.yml"], &dir);
    assert_eq!(new_file.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&new_file.stderr).contains("first deploy"));
    assert!(stdout(&new_file).contains("created"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The Markdown as GitHub and VS Code's preview read it (CommonMark with tables): one table row
/// per object, the object names as code.
#[test]
fn markdown_is_one_table_row_per_object() {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let md = stdout(&plan("shop-before.yml", "shop-renamed.yml", &["--format", "markdown"]));
    let json = stdout(&plan("shop-before.yml", "shop-renamed.yml", &["--format", "json"]));
    let objects = serde_json::from_str::<serde_json::Value>(&json).unwrap()["objects"].as_array().unwrap().len();
    let (mut rows, mut in_body, mut first_cells) = (0, false, Vec::new());
    let mut cell = 0;
    for event in Parser::new_ext(&md, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::TableRow) if in_body => {
                rows += 1;
                cell = 0;
            }
            Event::End(TagEnd::TableHead) => in_body = true,
            Event::End(TagEnd::TableCell) => cell += 1,
            Event::Code(c) if in_body && cell == 1 => first_cells.push(c.to_string()),
            Event::End(TagEnd::Table) => in_body = false,
            _ => {}
        }
    }
    assert_eq!(rows, objects, "{md}");
    assert!(first_cells.contains(&"PersistentVolumeClaim resource-database".to_string()), "{first_cells:?}");
}

/// docs/plan.md quotes the snapshots as they are.
#[test]
fn the_docs_quote_the_snapshots() {
    if skip::packaged_crate("plan_cli (docs/plan.md)") {
        return;
    }
    let docs = std::fs::read_to_string(root().join("docs/plan.md")).unwrap();
    for name in ["routine.txt", "renamed.md"] {
        let snapshot = std::fs::read_to_string(root().join("tests/snapshots/plan").join(name)).unwrap();
        assert!(docs.contains(&snapshot), "docs/plan.md does not quote tests/snapshots/plan/{name}");
    }
}

/// `plan` takes the release environment as `render` does: both versions are evaluated with it, so
/// a change of `${HOST}`'s place shows the real host, and an unset one is the empty string.
#[test]
fn plan_evaluates_both_versions_with_the_release_environment() {
    let dir = std::env::temp_dir().join(format!("convox-lsp-plan-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let old = "services:\n  web:\n    image: nginx\n    port: 80\n    domain: ${HOST}\n";
    let new = "services:\n  web:\n    image: nginx\n    port: 80\n    domain: www.${HOST}\n";
    std::fs::write(dir.join("old.yml"), old).unwrap();
    std::fs::write(dir.join("new.yml"), new).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_convox-lsp"))
        .args(["plan", "old.yml", "new.yml", "--format", "json", "-e", "HOST=shop.example.com"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(json.contains("www.shop.example.com"), "the evaluated host: {json}");
    assert!(!json.contains("${HOST}"), "{json}");
    std::fs::remove_dir_all(&dir).unwrap();
}
