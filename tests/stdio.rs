//! The built binary over standard input and output, as an editor runs it.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{EXAMPLE, EXAMPLE_URI, TestClient};
use serde_json::{Value, json};
use tokio::process::{Child, ChildStdin};

const BIN: &str = env!("CARGO_BIN_EXE_convox-lsp");

/// How long the process may take to exit once it has been told to (or lost its input).
const EXIT_TIMEOUT: Duration = Duration::from_secs(5);

fn spawn() -> (Child, TestClient<ChildStdin>) {
    common::spawn_binary(BIN)
}

/// The binary with `args`, in the directory of the example manifest (a workspace folder).
fn spawn_with(args: &[&str]) -> (Child, TestClient<ChildStdin>) {
    common::spawn_binary_with(BIN, args, Some(concat!(env!("CARGO_MANIFEST_DIR"), "/examples")))
}

/// The exit code, failing (and killing the process) if it does not exit in time.
async fn wait_exit(child: &mut Child) -> i32 {
    match tokio::time::timeout(EXIT_TIMEOUT, child.wait()).await {
        Ok(status) => status.expect("wait for convox-lsp").code().expect("convox-lsp was killed by a signal"),
        Err(_) => {
            let _ = child.start_kill();
            panic!("convox-lsp did not exit within {EXIT_TIMEOUT:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_session_exits_0() {
    let (mut child, mut client) = spawn();
    let result = client.initialize(json!({})).await;
    assert_eq!(result["serverInfo"]["name"], "convox-lsp");
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");

    client.did_open(EXAMPLE_URI, 1, EXAMPLE).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(1)).await;
    let errors: Vec<_> = params["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == 1).collect();
    assert!(errors.is_empty(), "{params}");

    let symbols = client.document_symbols(EXAMPLE_URI).await;
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["environment", "resources", "services", "timers", "balancers"]);
    let services: Vec<&str> =
        symbols[2]["children"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(services, ["web", "worker", "agent", "jobs"]);

    // Standard input stays open after `exit`, as many editors leave it: the process must still go.
    client.shutdown_and_exit().await;
    assert_eq!(wait_exit(&mut child).await, 0);
    client.expect_eof().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_without_shutdown_exits_1() {
    let (mut child, mut client) = spawn();
    client.initialize(json!({})).await;
    client.notify("exit", Value::Null).await;
    assert_eq!(wait_exit(&mut child).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_stdin_exits_1() {
    let (mut child, mut client) = spawn();
    client.initialize(json!({})).await;
    client.did_open(EXAMPLE_URI, 1, EXAMPLE).await;
    client.diagnostics(EXAMPLE_URI, Some(1)).await;
    client.close_input();
    assert_eq!(wait_exit(&mut child).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_stdin_after_shutdown_exits_0() {
    let (mut child, mut client) = spawn();
    client.initialize(json!({})).await;
    assert_eq!(client.request_ok("shutdown", Value::Null).await, Value::Null);
    client.close_input();
    assert_eq!(wait_exit(&mut child).await, 0);
}

/// Starts the binary as vscode-languageclient 9.0.1 starts an `Executable` with
/// `transport: TransportKind.stdio` (editors/vscode/node_modules/vscode-languageclient/lib/node/main.js:405-425:
/// `args = json.args ?? []`, `args.push('--stdio')`, `cp.spawn(command, args, options)` with
/// `options.cwd` the workspace folder, main.js:510-516), then a whole session.
async fn session_with(args: &[&str]) {
    let (mut child, mut client) = spawn_with(args);
    let result = client.initialize(json!({})).await;
    assert_eq!(result["serverInfo"]["name"], "convox-lsp", "{args:?}");
    client.did_open(EXAMPLE_URI, 1, EXAMPLE).await;
    client.diagnostics(EXAMPLE_URI, Some(1)).await;
    client.shutdown_and_exit().await;
    assert_eq!(wait_exit(&mut child).await, 0, "{args:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_as_vscode_languageclient_starts_it() {
    session_with(&["--stdio"]).await;
}

/// A Node module server gets `--stdio` then `--clientProcessId=<pid>` (main.js:287-297); other
/// launchers write `serve` first or pass the id as a separate word.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepts_the_conventional_launcher_arguments() {
    for args in [
        &["--stdio", "--clientProcessId=4242"][..],
        &["serve", "--stdio"],
        &["--stdio", "serve"],
        &["serve", "--clientProcessId", "4242", "--stdio"],
    ] {
        session_with(args).await;
    }
}

/// `TransportKind.ipc`, `pipe` and `socket` ask for a transport the server does not have: exit 2
/// with a message that says stdio, rather than a crash loop on a usage error.
#[test]
fn other_transports_are_refused_with_a_clear_error() {
    let cases = [
        ("--node-ipc", &["--node-ipc", "--clientProcessId=4242"][..]),
        ("--pipe", &["--pipe=/tmp/x.sock"]),
        ("--socket", &["serve", "--socket=5000"]),
    ];
    for (flag, args) in cases {
        let out = std::process::Command::new(BIN).args(args).stdin(Stdio::null()).output().expect("run convox-lsp");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        let expected = format!(
            "error: {flag}: convox-lsp speaks the Language Server Protocol over standard input and output only; \
             start it with --stdio (TransportKind.stdio in vscode-languageclient)\n"
        );
        assert_eq!(err, expected);
    }
}

#[test]
fn launcher_arguments_are_refused_on_other_commands() {
    let out = std::process::Command::new(BIN).args(["--stdio", "schema"]).output().expect("run convox-lsp");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --stdio, --clientProcessId and other launcher arguments go with `serve` only\n"
    );
}

#[test]
fn version_flag_prints_the_version() {
    let out = std::process::Command::new(BIN).arg("--version").output().expect("run convox-lsp --version");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), format!("convox-lsp {}", env!("CARGO_PKG_VERSION")));
    assert_eq!(env!("CARGO_PKG_VERSION"), "0.1.0");
}
