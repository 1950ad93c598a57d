//! Protocol abuse: each gets a defined answer and the server goes on.

mod common;

use common::*;
use serde_json::{Value, json};
use tokio::io::{AsyncWriteExt, DuplexStream};
use tokio::task::JoinHandle;

fn start() -> (TestClient<DuplexStream>, JoinHandle<i32>) {
    let (client_out, server_in) = tokio::io::duplex(64 * 1024);
    let (server_out, client_in) = tokio::io::duplex(64 * 1024);
    let server = tokio::spawn(convox_lsp::lsp::serve(server_in, server_out));
    (TestClient::new(client_out, client_in), server)
}

const URI: &str = "untitled:convox.yml";

async fn symbols_of(client: &mut TestClient<DuplexStream>) -> Value {
    client.request_ok("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}})).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_going_backwards_are_applied_and_logged() {
    let (mut client, server) = start();
    client.initialize(json!({})).await;
    client.did_open(URI, 5, "services:\n  web: {}\n").await;
    client.did_change(URI, 3, vec![insert(1, 2, "api: {}\n  ")]).await;
    let d = client.diagnostics(URI, Some(3)).await;
    assert_eq!(d["version"], 3);
    let s = symbols_of(&mut client).await;
    assert_eq!(s[0]["children"].as_array().unwrap().len(), 2, "{s}");
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_notifications_and_cancellations_are_ignored() {
    let (mut client, server) = start();
    client.initialize(json!({})).await;
    client.did_open(URI, 1, "services:\n  web: {}\n").await;
    client.notify("custom/somethingElse", json!({"x": 1})).await;
    client.notify("$/cancelRequest", json!({"id": 12345})).await;
    client.notify("$/cancelRequest", json!({"id": "not-a-number"})).await;
    client.notify("$/setTrace", json!({"value": "verbose"})).await;
    let s = symbols_of(&mut client).await;
    assert_eq!(s[0]["name"], "services");
    // A request with malformed params: an error, then the server goes on.
    let bad = client.request("textDocument/hover", json!({"nonsense": true})).await;
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let s = symbols_of(&mut client).await;
    assert_eq!(s[0]["name"], "services");
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_after_shutdown_are_refused() {
    let (mut client, server) = start();
    client.initialize(json!({})).await;
    client.did_open(URI, 1, "services:\n  web: {}\n").await;
    client.request_ok("shutdown", Value::Null).await;
    let after = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}})).await;
    assert_eq!(after["error"]["code"], -32600, "{after}");
    client.notify("exit", Value::Null).await;
    assert_eq!(server.await.unwrap(), 0);
}

/// A client that sends and never reads: the server stops reading when its queue is full (memory
/// stays bounded), and everything is answered once the client reads again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_does_not_read_gets_backpressure_not_growth() {
    let (client_out, server_in) = tokio::io::duplex(4 * 1024);
    let (server_out, client_in) = tokio::io::duplex(4 * 1024);
    let server = tokio::spawn(convox_lsp::lsp::serve(server_in, server_out));
    let mut reader = tokio::io::BufReader::new(client_in);
    pushed_back_then_answered(client_out, &mut reader, 400).await;
    tokio::spawn(async move { while read_message(&mut reader).await.ok().flatten().is_some() {} });
    assert_eq!(tokio::time::timeout(TIMEOUT, server).await.unwrap().unwrap(), 0);
}

/// Initializes, reads that answer only, then sends `n` hovers (from a task) while nobody reads:
/// the writer must still be writing half a second later (the server pushes back). Then reads
/// every answer, and ends the session as a client must (`exit` once `shutdown` is answered).
async fn pushed_back_then_answered<W, R>(mut client_out: W, reader: &mut R, n: i64)
where
    W: tokio::io::AsyncWrite + Unpin + Send + 'static,
    R: tokio::io::AsyncBufRead + Unpin,
{
    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}}});
    client_out.write_all(&frame(&init)).await.unwrap();
    assert_eq!(read_message(reader).await.unwrap().unwrap()["id"], 0);
    let writer = tokio::spawn(async move {
        client_out.write_all(&frame(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}))).await.unwrap();
        let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": URI, "languageId": "yaml", "version": 1, "text": "services:\n  web:\n    port: 3000\n"}}});
        client_out.write_all(&frame(&open)).await.unwrap();
        for id in 1..=n {
            let req = json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {"textDocument": {"uri": URI}, "position": {"line": 1, "character": 3}}});
            client_out.write_all(&frame(&req)).await.unwrap();
        }
        client_out
    });
    // The writer cannot finish while nobody reads: the server pushes back.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!writer.is_finished(), "the server read everything without being read: unbounded buffering");
    // Now read: every request is answered.
    let mut answered = 0;
    while answered < n {
        let msg =
            tokio::time::timeout(TIMEOUT, read_message(reader)).await.expect("an answer in time").unwrap().unwrap();
        if msg.get("id").is_some_and(|id| id.as_i64().is_some_and(|i| i >= 1)) {
            assert!(msg["result"]["contents"]["value"].as_str().unwrap().contains("Deployment web"));
            answered += 1;
        }
    }
    let mut client_out = writer.await.unwrap();
    client_out.write_all(&frame(&json!({"jsonrpc": "2.0", "id": 9999, "method": "shutdown"}))).await.unwrap();
    loop {
        let msg =
            tokio::time::timeout(TIMEOUT, read_message(reader)).await.expect("shutdown answered").unwrap().unwrap();
        if msg["id"] == 9999 {
            break;
        }
    }
    client_out.write_all(&frame(&json!({"jsonrpc": "2.0", "method": "exit"}))).await.unwrap();
}

/// Hover and completion are answered beside tower-lsp-server's dispatch (`src/lsp/direct.rs`,
/// their results written straight to JSON): the lifecycle still decides, as for any request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_and_completion_follow_the_lifecycle() {
    let (mut client, server) = start();
    let at = json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 3}});
    for method in ["textDocument/hover", "textDocument/completion"] {
        let early = client.request(method, at.clone()).await;
        assert_eq!(early["error"]["code"], -32002, "before initialize: {early}");
    }
    client.initialize(json!({})).await;
    client.did_open(URI, 1, "services:\n  web: {}\n").await;
    let hover = client.request_ok("textDocument/hover", at.clone()).await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Deployment web"), "{hover}");
    let blank = json!({"textDocument": {"uri": URI}, "position": {"line": 2, "character": 0}});
    let list = client.request_ok("textDocument/completion", blank).await;
    assert!(list["items"].as_array().unwrap().iter().any(|i| i["label"] == "timers"), "{list}");
    let missing = client.request("textDocument/completion", json!({"textDocument": {"uri": URI}})).await;
    assert_eq!(missing["error"]["code"], -32602, "{missing}");
    client.request_ok("shutdown", Value::Null).await;
    for method in ["textDocument/hover", "textDocument/completion"] {
        let after = client.request(method, at.clone()).await;
        assert_eq!(after["error"]["code"], -32600, "after shutdown: {after}");
    }
    client.notify("exit", Value::Null).await;
    assert_eq!(server.await.unwrap(), 0);
}

/// The binary writes its standard output in place (`lsp::Stdout`): a client that stops reading
/// makes the server wait in its write (and so stop reading); once the client reads again every
/// request is answered, and the process exits cleanly. 2,000 hovers of about 2 KB each: far more
/// than the pipes hold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_waits_for_a_client_that_does_not_read_then_answers_everything() {
    let (mut child, stdin, stdout) = spawn_piped(env!("CARGO_BIN_EXE_convox-lsp"));
    let mut reader = tokio::io::BufReader::new(stdout);
    pushed_back_then_answered(stdin, &mut reader, 2000).await;
    let status = tokio::time::timeout(TIMEOUT, child.wait()).await.unwrap().unwrap();
    assert_eq!(status.code(), Some(0));
}
