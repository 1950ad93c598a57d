//! `textDocument/formatting` and `textDocument/rangeFormatting`, in memory and over the built
//! binary's standard input and output: the edits the server returns, applied as a client applies
//! them (UTF-16 positions), give the formatted text; a broken document is refused.

mod common;

use std::process::Stdio;

use common::TestClient;
use serde_json::{Value, json};
use tokio::io::AsyncWrite;

const URI: &str = "file:///work/convox.yml";
/// A multi-byte comment before the changed lines: positions are counted in UTF-16.
const MESSY: &str =
    "# café ☕\nservices:\n    web:\n        port :  3000   \n        environment:\n        - A=1\n\n\n";
const TIDY: &str = "# café ☕\nservices:\n  web:\n    port: 3000\n    environment:\n      - A=1\n";

fn apply(text: &str, edits: &Value) -> String {
    common::apply_edits(text, edits)
}

async fn session<W: AsyncWrite + Unpin + Send + 'static>(client: &mut TestClient<W>) {
    let caps = client.initialize(json!({})).await;
    assert_eq!(caps["capabilities"]["documentFormattingProvider"], true);
    assert_eq!(caps["capabilities"]["documentRangeFormattingProvider"], true);
    client.did_open(URI, 1, MESSY).await;
    let options = json!({"tabSize": 2, "insertSpaces": true});
    let edits =
        client.request_ok("textDocument/formatting", json!({"textDocument": {"uri": URI}, "options": options})).await;
    assert_eq!(apply(MESSY, &edits), TIDY);
    // Minimal edits: one per changed line, none on the unchanged first two lines.
    assert!(edits.as_array().unwrap().iter().all(|e| e["range"]["start"]["line"].as_u64() >= Some(2)), "{edits}");

    let four = json!({"tabSize": 4, "insertSpaces": true, "insertFinalNewline": true, "trimFinalNewlines": true});
    let edits =
        client.request_ok("textDocument/formatting", json!({"textDocument": {"uri": URI}, "options": four})).await;
    assert_eq!(
        apply(MESSY, &edits),
        "# café ☕\nservices:\n    web:\n        port: 3000\n        environment:\n            - A=1\n"
    );

    // Only the selected line changes (the space before its colon, its trailing spaces)...
    let range = json!({"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 5}});
    let params = json!({"textDocument": {"uri": URI}, "range": range, "options": {"tabSize": 4, "insertSpaces": true}});
    let edits = client.request_ok("textDocument/rangeFormatting", params).await;
    assert_eq!(apply(MESSY, &edits), MESSY.replace("port :  3000   ", "port: 3000"));
    // ...unless re-indenting it alone would break the document: then its whole top-level entry.
    let params = json!({"textDocument": {"uri": URI}, "range": range, "options": {"tabSize": 6, "insertSpaces": true}});
    let edits = client.request_ok("textDocument/rangeFormatting", params).await;
    let six = "services:\n      web:\n            port: 3000\n            environment:\n                  - A=1\n";
    assert_eq!(apply(MESSY, &edits), format!("# café ☕\n{six}"));

    // `tabSize` 8 is what Emacs (`tab-width`) and Vim (`tabstop`) send when nobody set one: the
    // document keeps its own unit (four spaces here) rather than going to eight.
    let eight = json!({"tabSize": 8, "insertSpaces": true});
    let edits =
        client.request_ok("textDocument/formatting", json!({"textDocument": {"uri": URI}, "options": eight})).await;
    assert_eq!(
        apply(MESSY, &edits),
        "# café ☕\nservices:\n    web:\n        port: 3000\n        environment:\n            - A=1\n"
    );

    client.did_change(URI, 2, vec![json!({"text": "services:\n  web:\n    port: 3000\n   image: x\n"})]).await;
    let refused =
        client.request("textDocument/formatting", json!({"textDocument": {"uri": URI}, "options": options})).await;
    assert_eq!(refused["error"]["code"], -32803, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("line 3: not formatted: yaml: line 3: did not find expected key"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatting_in_memory() {
    let (client_out, server_in) = tokio::io::duplex(64 * 1024);
    let (server_out, client_in) = tokio::io::duplex(64 * 1024);
    let server = tokio::spawn(convox_lsp::lsp::serve(server_in, server_out));
    let mut client = TestClient::new(client_out, client_in);
    session(&mut client).await;
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatting_over_stdio() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_convox-lsp"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("cannot start convox-lsp");
    let (stdin, stdout) = (child.stdin.take().unwrap(), child.stdout.take().unwrap());
    let mut client = TestClient::new(stdin, stdout);
    session(&mut client).await;
    client.shutdown_and_exit().await;
    assert_eq!(child.wait().await.unwrap().code(), Some(0));
}
