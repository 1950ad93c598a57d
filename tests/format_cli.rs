//! `convox-lsp fmt` as a user runs it: in place, standard input, `--check`, refusals.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8], cwd: &std::path::Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_convox-lsp"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn convox-lsp");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("convox-lsp-fmt-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const MESSY: &str = "services:\n    web:\n        port :  3000   # the app\n        environment:\n        - A=1\n";
const TIDY: &str = "services:\n  web:\n    port: 3000   # the app\n    environment:\n      - A=1\n";

#[test]
fn standard_input_is_formatted_to_standard_output() {
    let out = run(&["fmt", "-"], MESSY.as_bytes(), &std::env::temp_dir());
    assert_eq!((out.status.code(), text(&out.stdout), text(&out.stderr)), (Some(0), TIDY.to_string(), String::new()));
}

#[test]
fn files_are_rewritten_in_place_and_check_lists_what_would_change() {
    let dir = scratch("inplace");
    std::fs::write(dir.join("convox.yml"), MESSY).unwrap();
    std::fs::write(dir.join("convox.staging.yml"), TIDY).unwrap();
    let check = run(&["fmt", "--check", "."], b"", &dir);
    assert_eq!((check.status.code(), text(&check.stdout)), (Some(1), "./convox.yml\n".to_string()));
    assert_eq!(std::fs::read_to_string(dir.join("convox.yml")).unwrap(), MESSY, "--check writes nothing");
    let write = run(&["fmt", "convox.yml", "convox.staging.yml"], b"", &dir);
    assert_eq!((write.status.code(), text(&write.stdout)), (Some(0), String::new()));
    assert_eq!(std::fs::read_to_string(dir.join("convox.yml")).unwrap(), TIDY);
    let again = run(&["fmt", "--check", "convox.yml"], b"", &dir);
    assert_eq!((again.status.code(), text(&again.stdout)), (Some(0), String::new()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_broken_or_missing_file_exits_2_and_is_left_alone() {
    let dir = scratch("broken");
    let broken = "services:\n  web:\n    port: 3000\n   image: x\n";
    std::fs::write(dir.join("convox.yml"), broken).unwrap();
    let out = run(&["fmt", "convox.yml", "missing.yml"], b"", &dir);
    assert_eq!(out.status.code(), Some(2));
    expect_test::expect![[r#"
        error: convox.yml:3:5: not formatted: yaml: line 3: did not find expected key
        error: missing.yml: cannot read: no such file
    "#]]
    .assert_eq(&text(&out.stderr));
    assert_eq!(std::fs::read_to_string(dir.join("convox.yml")).unwrap(), broken);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_bundled_example_is_already_formatted() {
    let out = run(&["fmt", "--check", "examples/convox.yml"], b"", std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!((out.status.code(), text(&out.stdout), text(&out.stderr)), (Some(0), String::new(), String::new()));
}
