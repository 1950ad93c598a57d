//! A bad frame is answered, not fatal: the built binary over standard input and output gets frames
//! whose `Content-Length` is right but whose body is not JSON, not UTF-8, nested deeper than the
//! JSON parser allows, or not a JSON-RPC message. Each gets an error response with `id: null`
//! (-32700 parse error, -32600 invalid request), and the session goes on to a hover and a clean
//! exit.

mod common;

use common::{EXAMPLE, EXAMPLE_URI, TestClient};
use serde_json::{Value, json};
use tokio::process::ChildStdin;

const BIN: &str = env!("CARGO_BIN_EXE_convox-lsp");

fn raw_frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Sends `body` in a well-framed message and returns the error of the answer (`id: null`).
async fn answer(client: &mut TestClient<ChildStdin>, body: &[u8]) -> Value {
    client.send_raw(&raw_frame(body)).await;
    let response =
        client.wait_for("the answer to a bad frame", |m| m.get("method").is_none() && m["id"].is_null()).await;
    assert!(response.get("result").is_none(), "{response}");
    response["error"].clone()
}

fn deep(depth: usize) -> Vec<u8> {
    let params = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    format!(r#"{{"jsonrpc":"2.0","id":9,"method":"textDocument/hover","params":{params}}}"#).into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_bad_frame_is_answered_and_the_session_goes_on() {
    let (mut child, mut client) = common::spawn_binary(BIN);
    // Even before `initialize`.
    assert_eq!(answer(&mut client, b"{oops").await["code"], -32700);
    client.initialize(json!({})).await;
    client.did_open(EXAMPLE_URI, 1, EXAMPLE).await;

    let cases: [(&str, Vec<u8>, i64); 10] = [
        ("invalid JSON", br#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"#.to_vec(), -32700),
        ("not UTF-8", b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}".to_vec(), -32700),
        ("nested 10,000 deep", deep(10_000), -32700),
        ("nested 200 deep", deep(200), -32700),
        ("an empty body", Vec::new(), -32700),
        ("JSON that is not a message", b"[1, 2, 3]".to_vec(), -32600),
        // Numbers and strings serde_json cannot build a value of, anywhere in the message (a lone
        // surrogate is what JavaScript's JSON.stringify writes for half an emoji).
        ("a number out of range", br#"{"jsonrpc":"2.0","id":5,"method":"foo/bar","params":[1e400]}"#.to_vec(), -32700),
        ("a lone surrogate", br#"{"jsonrpc":"2.0","method":"foo/bar","params":{"a":"\ud800"}}"#.to_vec(), -32700),
        (
            "a lone surrogate in the text of a change",
            format!(
                r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{EXAMPLE_URI}","version":2}},"contentChanges":[{{"text":"a: \ud83d"}}]}}}}"#
            )
            .into_bytes(),
            -32700,
        ),
        (
            "a request id that is not an integer or a string",
            br#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#.to_vec(),
            -32600,
        ),
    ];
    for (what, body, code) in cases {
        let error = answer(&mut client, &body).await;
        assert_eq!(error["code"], code, "{what}: {error}");
        assert!(error["message"].as_str().unwrap().contains("dropped"), "{what}: {error}");
    }

    // Shallow nesting is still a request like any other.
    let ok = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": EXAMPLE_URI}, "position": {"line": 0, "character": 0}, "x": [[[[1]]]]}),
        )
        .await;
    assert!(ok.get("error").is_none(), "{ok}");
    let hover = client
        .request_ok(
            "textDocument/hover",
            json!({"textDocument": {"uri": EXAMPLE_URI}, "position": {"line": 83, "character": 3}}),
        )
        .await;
    assert!(!hover.is_null(), "the hover after the bad frames was not answered");

    client.shutdown_and_exit().await;
    assert_eq!(child.wait().await.unwrap().code(), Some(0));
}
