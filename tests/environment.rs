//! The release environment as users give it: `--env-file`/`-e` on the command line, the
//! `convox.envFile` and `convox.environment` settings in the server (started over stdio, as
//! editors start it). Convox substitutes `${VAR}` before parsing (`pkg/manifest/helpers.go:7-15`,
//! `manifest.go:52`) with the release's `KEY=VALUE` lines (`pkg/structs/environment.go:24-38`).

mod common;

use std::process::{Command, Stdio};

use common::TestClient;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_convox-lsp");

/// copotrzebne-frontend's manifest (the corpus), which Convox rejects without its domains.
const DOMAINS: &str =
    "services:\n  web:\n    image: nginx\n    port: 3000\n    domain:\n      - ${DOMAIN}\n      - ${DOMAIN_PL}\n";

fn dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("convox-lsp-env-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u8(0);
    h.finish()
}

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn check_without_an_environment_names_the_empty_variables() {
    let d = dir();
    std::fs::write(d.join("convox.yml"), DOMAINS).unwrap();
    let (code, out, _) = run(&["check", "--color", "never", d.join("convox.yml").to_str().unwrap()], "");
    assert_eq!(code, 1, "{out}");
    // pkg/manifest/yaml.go: a null domain item, "unknown type for service domain: <nil>".
    assert!(out.contains(":6:9: error[empty-variable]: Convox fails when `${DOMAIN}` is empty"), "{out}");
    assert!(out.contains(":7:9: error[empty-variable]"), "{out}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn check_with_env_file_and_flags() {
    let d = dir();
    std::fs::write(d.join("convox.yml"), DOMAINS).unwrap();
    std::fs::write(d.join("prod.env"), "# convox env -a shop\nDOMAIN=shop.example.com\n").unwrap();
    let manifest = d.join("convox.yml");
    let env_file = d.join("prod.env");
    let (m, e) = (manifest.to_str().unwrap(), env_file.to_str().unwrap());
    // DOMAIN_PL unset: the evaluated manifest has a null item, blamed where it is written.
    let (code, out, _) = run(&["check", "--color", "never", "--env-file", e, m], "");
    assert_eq!(code, 1);
    assert!(out.contains(":7:9: warning[unset-variable]: `${DOMAIN_PL}` is not set"), "{out}");
    assert!(out.contains("error[wrong-type]: "), "{out}");
    assert!(out.contains("Convox fails with: unknown type for service domain: <nil>"), "{out}");
    let (code, out, err) =
        run(&["check", "--color", "never", "--env-file", e, "-e", "DOMAIN_PL=pl.example.com", m], "");
    assert_eq!(code, 0, "{out}{err}");
    // `-` reads the env file from standard input.
    let (code, _, _) = run(&["check", "--env-file", "-", m], "DOMAIN=a.example\nDOMAIN_PL=b.example\n");
    assert_eq!(code, 0);
    // Required names (pkg/manifest/manifest.go:522-543).
    std::fs::write(&manifest, "environment:\n  - SECRET\nservices:\n  web:\n    image: nginx\n").unwrap();
    let (code, out, _) = run(&["check", "--color", "never", "-e", "OTHER=1", m], "");
    assert_eq!(code, 1);
    assert!(out.contains(":2:5: error[required-env]: required env: SECRET"), "{out}");
    // A bad environment is a usage error.
    let (code, _, err) = run(&["check", "-e", "NOEQUALS", m], "");
    assert_eq!((code, err.trim()), (2, "error: -e \"NOEQUALS\": expected NAME=VALUE"));
    let (code, _, err) = run(&["render", "--env-file", "-", "-"], "");
    assert_eq!(code, 2, "{err}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn render_and_explain_with_the_environment() {
    let d = dir();
    let m = d.join("convox.yml");
    std::fs::write(&m, DOMAINS).unwrap();
    let m = m.to_str().unwrap();
    let (code, out, _) = run(&["render", "--app", "shop", "--rack", "acme", "-e", "DOMAIN=shop.example.com", m], "");
    assert_eq!(code, 0);
    assert!(out.contains("- host: shop.example.com  # from services.web.domain"), "{out}");
    assert!(out.contains("not set there, so empty as in Convox: ${DOMAIN_PL}."), "{out}");
    let (_, out, _) = run(&["render", m], "");
    assert!(out.contains("- host: ${DOMAIN}"), "{out}");
    assert!(
        out.contains("# Shown as written, no environment given (--env-file, -e): ${DOMAIN}, ${DOMAIN_PL}."),
        "{out}"
    );
    let (code, out, err) =
        run(&["explain", "-e", "DOMAIN=a.example", "-e", "DOMAIN_PL=b.example", m, "services.web.domain"], "");
    assert_eq!(code, 0, "{err}");
    assert!(!out.is_empty());
    let (code, _, err) = run(&["troubleshoot", "-e", "DOMAIN=a.example", m, "web"], "");
    assert_eq!(code, 0, "{err}");
    std::fs::remove_dir_all(&d).unwrap();
}

/// The settings, sent as VS Code sends them (`initializationOptions`), over stdio: diagnostics of
/// the evaluated manifest at the written positions, hover with the value and where it came from.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_settings_give_the_environment() {
    let d = dir();
    std::fs::write(d.join("convox.yml"), DOMAINS).unwrap();
    std::fs::write(d.join(".env"), "DOMAIN=shop.example.com\n").unwrap();
    let uri = format!("file://{}", d.join("convox.yml").display());
    let (mut child, mut client): (_, TestClient<_>) = common::spawn_binary_with(BIN, &[], Some(d.to_str().unwrap()));
    let folder = format!("file://{}", d.display());
    client
        .request_ok(
            "initialize",
            json!({"processId": null, "rootUri": folder, "capabilities": {},
                   "workspaceFolders": [{"uri": folder, "name": "app"}],
                   "initializationOptions": {"convox": {"envFile": ".env", "environment": {"DOMAIN_PL": "pl.example.com"}}}}),
        )
        .await;
    client.notify("initialized", json!({})).await;
    client.did_open(&uri, 1, DOMAINS).await;
    let params = client.diagnostics(&uri, Some(1)).await;
    let codes: Vec<&str> =
        params["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(!codes.iter().any(|c| ["empty-variable", "undeclared-variable", "unset-variable"].contains(c)), "{params}");
    let hover = client
        .request_ok(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 10}}),
        )
        .await;
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("Value: `shop.example.com`, from line 1 of .env."), "{md}");
    assert_eq!(hover["range"], json!({"start": {"line": 5, "character": 8}, "end": {"line": 5, "character": 17}}));
    let hover = client
        .request_ok(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 6, "character": 10}}),
        )
        .await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("from the `convox.environment` setting"), "{hover}");
    client.shutdown_and_exit().await;
    let _ = child.wait().await;
    std::fs::remove_dir_all(&d).unwrap();
}
