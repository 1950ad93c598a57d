//! Nothing waits behind one lock: the built binary over standard input and output, a large
//! document being analysed (and edited in a burst) while a small one is asked about. The tests
//! assert orders of messages, never times.

mod common;

use common::{PUBLISH_DIAGNOSTICS, TestClient, insert};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_convox-lsp");
const SMALL: &str = "file:///tmp/convox-lsp-concurrency/small/convox.yml";
const BIG: &str = "file:///tmp/convox-lsp-concurrency/big/convox.yml";

/// A manifest of `services` services, eight lines each.
fn big_manifest(services: usize) -> String {
    let mut out = String::from("services:\n");
    for i in 0..services {
        out.push_str(&format!(
            "  svc{i}:\n    image: nginx\n    port: 80\n    scale:\n      count: 2\n    environment:\n      - A{i}=1\n      - B{i}\n"
        ));
    }
    out
}

/// The position in `messages` of the first one matching `pred`.
fn position(messages: &[Value], pred: impl Fn(&Value) -> bool) -> Option<usize> {
    messages.iter().position(pred)
}

fn is_big_diagnostics(m: &Value) -> bool {
    m["method"] == PUBLISH_DIAGNOSTICS && m["params"]["uri"] == BIG
}

/// Reads messages until the big document's diagnostics of `version` arrive; returns them all.
async fn until_big_published(client: &mut TestClient<tokio::process::ChildStdin>, version: i64) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let m = client.recv().await.expect("the server closed its output");
        let done = is_big_diagnostics(&m) && m["params"]["version"] == version;
        seen.push(m);
        if done {
            return seen;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_document_is_answered_while_a_big_one_is_analysed() {
    let (mut child, mut client) = common::spawn_binary(BIN);
    client.initialize(json!({})).await;
    client.did_open(SMALL, 1, "services:\n  web:\n    port: 3000\n").await;
    client.diagnostics(SMALL, Some(1)).await;

    // 25,000 lines, then a burst of edits to it, then a hover on the small document.
    client.did_open(BIG, 1, &big_manifest(3_125)).await;
    for v in 2..=21 {
        client.did_change(BIG, v, vec![insert(1, 5, "x")]).await;
    }
    let hover = client
        .send_request(
            "textDocument/hover",
            json!({"textDocument": {"uri": SMALL}, "position": {"line": 1, "character": 3}}),
        )
        .await;
    let messages = until_big_published(&mut client, 21).await;

    let answered = position(&messages, |m| m["id"] == hover && m.get("method").is_none())
        .unwrap_or_else(|| panic!("no hover answer before the big document's diagnostics: {messages:?}"));
    assert!(messages[answered]["result"]["contents"]["value"].as_str().unwrap().contains("web"));
    let big = position(&messages, is_big_diagnostics).unwrap();
    assert!(answered < big, "the hover on the small document waited for the big one's analysis");
    // Superseded versions are dropped, and nothing older is published after a newer version.
    let versions: Vec<i64> =
        messages.iter().filter(|m| is_big_diagnostics(m)).map(|m| m["params"]["version"].as_i64().unwrap()).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");

    client.shutdown_and_exit().await;
    assert_eq!(child.wait().await.unwrap().code(), Some(0));
}
