//! `convox-lsp check` reads the repository beside the manifest: a missing Dockerfile is an error.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn check_reports_a_missing_dockerfile() {
    let dir: PathBuf = std::env::temp_dir().join(format!("convox-lsp-cli-build-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("api")).unwrap();
    std::fs::write(dir.join("convox.yml"), "services:\n  api:\n    build: ./api\n    port: 3000\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_convox-lsp"))
        .args(["check", "--color", "never", "convox.yml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    expect_test::expect![[r#"
        convox.yml:3:12: error[dockerfile-missing]: Dockerfile `api/Dockerfile`: no such file
          |
        3 |     build: ./api
          |            ^^^^^
    "#]]
    .assert_eq(&stdout);
    // The Dockerfile written, the same check passes.
    std::fs::write(dir.join("api/Dockerfile"), "FROM alpine\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_convox-lsp"))
        .args(["check", "convox.yml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn standard_input_is_not_checked_against_the_working_directory() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_convox-lsp"))
        .args(["check", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"services:\n  api:\n    build: ./nowhere\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}
