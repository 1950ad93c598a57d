//! The command line as a user runs it: `convox-lsp check`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_convox-lsp"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn convox-lsp");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            input.write_all(bytes).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn the_example_is_clean() {
    let out = run(&["check", "examples/convox.yml"], None);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn a_broken_file_reports_line_and_column() {
    let out = run(&["check", "tests/fixtures/broken.yml"], None);
    assert_eq!(out.status.code(), Some(1));
    expect_test::expect![[r#"
        tests/fixtures/broken.yml:4:5: error[yaml-syntax]: found unexpected end of stream at line 6 column 1, while scanning a quoted scalar at line 4 column 14 (unclosed double-quoted string)
          |
        4 |     command: "bin/web
          |     ^^^^^^^^^^^^^^^^^
    "#]]
    .assert_eq(&text(&out.stdout));
}

#[test]
fn stdin_is_read_for_a_dash() {
    let out = run(&["check", "-"], Some(b"services:\n  web:\n    sca\n    port: 3000\n"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).starts_with("<stdin>:3:5: error[yaml-syntax]: "), "{}", text(&out.stdout));
    let out = run(&["check", "-"], Some(b"services:\n  web:\n    port: 3000\n"));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn unreadable_inputs_exit_2_with_one_line_each() {
    let dir = std::env::temp_dir().join(format!("convox-lsp-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let binary = dir.join("binary.yml");
    std::fs::write(&binary, b"services:\n  web: \xff\xfe\n").unwrap();
    let out = run(&["check", "no/such/convox.yml", dir.to_str().unwrap(), binary.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert_eq!(lines[0], "error: no/such/convox.yml: cannot read: no such file");
    assert!(lines[1].ends_with("is a directory, not a convox.yml file"), "{err}");
    assert!(lines[2].ends_with("not UTF-8 text (invalid byte at offset 17)"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn version_and_help() {
    let out = run(&["--version"], None);
    assert_eq!(text(&out.stdout).trim(), format!("convox-lsp {}", env!("CARGO_PKG_VERSION")));
    let out = run(&["--help"], None);
    let help = text(&out.stdout);
    assert!(help.contains("check") && help.contains("serve") && help.contains("--log-level"), "{help}");
    let out = run(&["check"], None);
    assert_eq!(out.status.code(), Some(2), "a missing PATH is a usage error");
}

#[test]
fn explain_the_whole_file_and_one_key() {
    let out = run(&["explain", "examples/convox.yml", "--rack", "acme", "--app", "shop"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.starts_with("# examples/convox.yml (namespace acme-shop)\n"), "{table}");
    assert!(table.contains("\ntimers.cleanup\n  -> CronJob timer-cleanup; ServiceAccount timer-cleanup"), "{table}");
    assert!(table.contains("\nservices.web.scale.count\n"), "{table}");

    let out = run(
        &["explain", "examples/convox.yml", "services.web.termination.grace", "--rack", "acme", "--app", "shop"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let one = text(&out.stdout);
    assert!(one.contains("`Deployment web` → `spec.template.spec.terminationGracePeriodSeconds`"), "{one}");

    let out = run(&["explain", "examples/convox.yml", "services.web.nope"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("error: examples/convox.yml: no key services.web.nope"),
        "{}",
        text(&out.stderr)
    );
}
