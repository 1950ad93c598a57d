//! A soak: the built server over stdio takes many random edits and requests on a mid-size
//! manifest. Every request is answered, memory stays flat, and the server's text ends identical
//! to the client's (its diagnostics and symbols equal those of the final text opened fresh).
//! `SOAK_EDITS` sets the number of edits (default 500 here; the figures in docs/reliability.md
//! come from `SOAK_EDITS=100000 cargo test --release --test soak -- --nocapture`).

mod common;

use common::*;
use serde_json::json;

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
}

/// Applies one protocol edit to the client's copy (UTF-16 positions; the text is ASCII here).
fn apply(text: &mut String, line: usize, col: usize, end_line: usize, end_col: usize, insert: &str) {
    let offset = |l: usize, c: usize| -> usize {
        let mut start = 0;
        for (i, ln) in text.split_inclusive('\n').enumerate() {
            if i == l {
                let content = ln.trim_end_matches('\n');
                return start + c.min(content.len());
            }
            start += ln.len();
        }
        text.len()
    };
    let a = offset(line, col);
    let b = offset(end_line, end_col).max(a);
    text.replace_range(a..b, insert);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_random_edits_and_requests() {
    let edits: usize = std::env::var("SOAK_EDITS").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    let (mut child, stdin, stdout) = spawn_piped(env!("CARGO_BIN_EXE_convox-lsp"));
    let pid = child.id().unwrap();
    let mut client = TestClient::new(stdin, stdout);
    client.initialize(json!({})).await;
    let mut text = String::from(include_str!("../examples/convox.yml"));
    // ~900 lines, ASCII so that the client's UTF-16 columns are byte columns.
    text = text.repeat(3).replace("\nenvironment:", "\n#environment:").chars().filter(char::is_ascii).collect();
    let uri = "file:///tmp/convox-lsp-soak/convox.yml";
    client.did_open(uri, 1, &text).await;
    let _ = client.diagnostics(uri, Some(1)).await;
    let first_len = text.len();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let pieces = ["x", " ", "\n", ":", "- ", "\"", "#", "  port: 1\n", "{", "}", ""];
    let mut rss = Vec::new();
    let mut version = 1;
    for i in 0..edits {
        let lines = text.lines().count().max(1);
        let line = rng.below(lines);
        let col = rng.below(40);
        let del = rng.below(3);
        // While the text is over 1.5 times its first size, edits also delete up to three whole
        // lines: the text stays near its size, so that memory measures the server, not the document.
        let end_line = if text.len() * 2 > first_len * 3 { line + 1 + rng.below(3) } else { line };
        let insert = pieces[rng.below(pieces.len())];
        version += 1;
        let end_col = if end_line == line { col + del } else { 0 };
        apply(&mut text, line, col, end_line, end_col, insert);
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [edit(line as u32, col as u32, end_line as u32, end_col as u32, insert)]}),
            )
            .await;
        if i % 10 == 0 {
            let method = [
                "textDocument/hover",
                "textDocument/completion",
                "textDocument/documentSymbol",
                "textDocument/inlayHint",
            ][i / 10 % 4];
            let params = match method {
                "textDocument/documentSymbol" => json!({"textDocument": {"uri": uri}}),
                "textDocument/inlayHint" => {
                    json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 200, "character": 0}}})
                }
                _ => json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col}}),
            };
            let answer = client.request(method, params).await;
            assert!(answer.get("error").is_none(), "{method}: {answer}");
        }
        if i % (edits / 10).max(1) == 0 {
            client.drain();
            if let Some(kb) = rss_kb(pid) {
                rss.push(kb);
            }
        }
    }
    // The server's text equals the client's: same diagnostics and symbols as the text opened fresh.
    let fresh = "file:///tmp/convox-lsp-soak/fresh.yml";
    client.did_open(fresh, 1, &text).await;
    let a = client.request_ok("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}})).await;
    let b = client.request_ok("textDocument/documentSymbol", json!({"textDocument": {"uri": fresh}})).await;
    assert_eq!(a, b);
    let da = client.diagnostics(uri, Some(version)).await;
    let db = client.diagnostics(fresh, Some(1)).await;
    assert_eq!(da["diagnostics"], db["diagnostics"]);
    if let (Some(first), Some(last)) = (rss.get(1).copied(), rss.last().copied()) {
        eprintln!(
            "soak: {edits} edits, text {first_len} -> {} bytes, RSS {first} kB after 10%, {last} kB at the end, samples {rss:?}",
            text.len()
        );
        assert!(last < first * 2 + 8_192, "memory grew: {rss:?}");
    }
    client.shutdown_and_exit().await;
    assert_eq!(child.wait().await.unwrap().code(), Some(0));
}
