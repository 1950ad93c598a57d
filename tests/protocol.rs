//! The language server over in-memory pipes: a test client drives `convox_lsp::lsp::serve`
//! through `tokio::io::duplex` streams with real JSON-RPC framing.

mod common;

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{EXAMPLE, EXAMPLE_URI, PUBLISH_DIAGNOSTICS, TIMEOUT, TestClient, edit, fmt_range, insert};
use expect_test::expect;
use serde_json::{Value, json};
use tokio::io::DuplexStream;
use tokio::task::JoinHandle;
use tower::{Service, ServiceExt};
use tower_lsp_server::jsonrpc::{ErrorCode, Id, Request, Response};
use tower_lsp_server::ls_types::DocumentSymbol;

/// Zero-based line of `  web:` in the example.
const WEB_LINE: u32 = 83;
/// Zero-based line of `    command: bin/web` in the example.
const COMMAND_LINE: u32 = 87;

/// A server on in-memory pipes, and a client connected to it.
fn start() -> (TestClient<DuplexStream>, JoinHandle<i32>) {
    let (client_out, server_in) = tokio::io::duplex(64 * 1024);
    let (server_out, client_in) = tokio::io::duplex(64 * 1024);
    let server = tokio::spawn(convox_lsp::lsp::serve(server_in, server_out));
    (TestClient::new(client_out, client_in), server)
}

/// A started and initialized server (UTF-16 unless `utf8`).
async fn start_initialized(utf8: bool) -> (TestClient<DuplexStream>, JoinHandle<i32>) {
    let (mut client, server) = start();
    let caps = if utf8 { json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}) } else { json!({}) };
    client.initialize(caps).await;
    (client, server)
}

/// A server with the example open at version 1 and its (empty) diagnostics received.
async fn start_with_example(utf8: bool) -> (TestClient<DuplexStream>, JoinHandle<i32>) {
    let (mut client, server) = start_initialized(utf8).await;
    client.did_open(EXAMPLE_URI, 1, EXAMPLE).await;
    let diags = client.diagnostics(EXAMPLE_URI, Some(1)).await;
    assert_eq!(errors(&diags), json!([]), "the example has no errors");
    (client, server)
}

/// The YAML syntax errors of a publishDiagnostics notification: what these tests are about (the
/// example also has two warnings, and the edits below make Convox-level mistakes on purpose,
/// such as a `command` list, which `tests/diagnostics.rs` covers).
fn errors(params: &Value) -> Value {
    Value::Array(
        params["diagnostics"]
            .as_array()
            .expect("diagnostics array")
            .iter()
            .filter(|d| d["code"] == "yaml-syntax")
            .cloned()
            .collect(),
    )
}

/// Waits for `serve` to return and gives its exit code.
async fn exit_code(server: JoinHandle<i32>) -> i32 {
    tokio::time::timeout(TIMEOUT, server).await.expect("serve did not return in time").expect("serve panicked")
}

/// Ends a test cleanly: shutdown, exit, and `serve` returns 0.
async fn finish(mut client: TestClient<DuplexStream>, server: JoinHandle<i32>) {
    client.shutdown_and_exit().await;
    assert_eq!(exit_code(server).await, 0);
}

/// One line per diagnostic: range, severity, source, code.
fn render_diagnostics(params: &Value) -> Vec<String> {
    errors(params)
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()), "a diagnostic without a message: {d}");
            format!(
                "{} severity={} {}/{}",
                fmt_range(&d["range"]),
                d["severity"],
                d["source"].as_str().unwrap_or("-"),
                d["code"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// (a) initialize

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_reports_capabilities_and_defaults_to_utf16() {
    let (mut client, server) = start();
    let result = client.initialize(json!({})).await;
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16", "{result}");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync: {result}");
    assert_eq!(caps["textDocumentSync"]["openClose"], true, "{result}");
    assert_eq!(caps["documentSymbolProvider"], true, "{result}");
    assert_eq!(result["serverInfo"]["name"], "convox-lsp");
    assert_eq!(result["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));
    finish(client, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_negotiates_utf8_when_offered() {
    let (mut client, server) = start();
    let result = client.initialize(json!({"general": {"positionEncodings": ["utf-16", "utf-8"]}})).await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8", "{result}");
    finish(client, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_keeps_utf16_when_utf8_is_not_offered() {
    let (mut client, server) = start();
    let result = client.initialize(json!({"general": {"positionEncodings": ["utf-32", "utf-16"]}})).await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16", "{result}");
    finish(client, server).await;
}

// ---------------------------------------------------------------------------------------------
// (b) didOpen

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn did_open_of_the_example_publishes_no_diagnostics_for_version_1() {
    let (mut client, server) = start_initialized(false).await;
    client.did_open(EXAMPLE_URI, 1, EXAMPLE).await;
    let params = client.notification(PUBLISH_DIAGNOSTICS).await;
    assert_eq!(params["uri"], EXAMPLE_URI);
    assert_eq!(params["version"], 1);
    assert_eq!(errors(&params), json!([]));
    finish(client, server).await;
}

// ---------------------------------------------------------------------------------------------
// (c) incremental didChange: a syntax error on the exact line, then fixed

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_a_colon_reports_the_line_and_restoring_it_clears() {
    let (mut client, server) = start_with_example(false).await;

    // `    command: bin/web` -> `    command bin/web` (the colon is at column 11).
    client.did_change(EXAMPLE_URI, 2, vec![edit(COMMAND_LINE, 11, COMMAND_LINE, 12, "")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(2)).await;
    assert_eq!(render_diagnostics(&params), ["87:4-87:19 severity=1 convox-lsp/yaml-syntax"], "{params}");
    // The outline survives the broken line.
    let symbols = parse_symbols(client.document_symbols(EXAMPLE_URI).await);
    let sections: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(sections, ["environment", "resources", "services", "timers", "balancers"]);

    client.did_change(EXAMPLE_URI, 3, vec![insert(COMMAND_LINE, 11, ":")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(3)).await;
    assert_eq!(errors(&params), json!([]), "{params}");
    finish(client, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unclosed_quote_reports_the_line_and_closing_it_clears() {
    let (mut client, server) = start_with_example(false).await;

    // `    command: bin/web` -> `    command: "bin/web`.
    client.did_change(EXAMPLE_URI, 2, vec![insert(COMMAND_LINE, 13, "\"")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(2)).await;
    assert_eq!(render_diagnostics(&params), ["87:4-87:21 severity=1 convox-lsp/yaml-syntax"], "{params}");
    let errs = errors(&params);
    let message = errs[0]["message"].as_str().unwrap();
    assert!(message.contains("unclosed double-quoted string"), "{message}");

    // -> `    command: "bin/web"`.
    client.did_change(EXAMPLE_URI, 3, vec![insert(COMMAND_LINE, 21, "\"")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(3)).await;
    assert_eq!(errors(&params), json!([]), "{params}");
    finish(client, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_changes_in_one_notification_apply_in_order() {
    let (mut client, server) = start_with_example(false).await;
    // `bin/web` becomes `[a, b]`, then (in coordinates of the text after the first change) the
    // `]` at column 18 goes: `    command: [a, b`, an unclosed flow sequence. Applied in another
    // order, or in the coordinates of the original text, the result would be valid YAML.
    let changes =
        vec![edit(COMMAND_LINE, 13, COMMAND_LINE, 20, "[a, b]"), edit(COMMAND_LINE, 18, COMMAND_LINE, 19, "")];
    client.did_change(EXAMPLE_URI, 2, changes).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(2)).await;
    assert_eq!(render_diagnostics(&params), ["87:4-87:18 severity=1 convox-lsp/yaml-syntax"], "{params}");

    // Close it, then turn it back into `bin/web`, in one notification.
    let changes = vec![insert(COMMAND_LINE, 18, "]"), edit(COMMAND_LINE, 13, COMMAND_LINE, 19, "bin/web")];
    client.did_change(EXAMPLE_URI, 3, changes).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(3)).await;
    assert_eq!(errors(&params), json!([]), "{params}");
    let after_edits = client.document_symbols(EXAMPLE_URI).await;
    let fresh_uri = "file:///tmp/convox-lsp-tests/fresh.yml";
    client.did_open(fresh_uri, 1, EXAMPLE).await;
    assert_eq!(after_edits, client.document_symbols(fresh_uri).await);
    finish(client, server).await;
}

// ---------------------------------------------------------------------------------------------
// (d) columns after an emoji, in UTF-16 and in UTF-8

/// Edits around emojis on `    command: bin/web`, in the columns of the negotiated encoding.
/// The syntax errors are unknown aliases, reported on the alias token: their ranges show where
/// the server believes each edit landed.
async fn edits_after_an_emoji(utf8: bool) {
    let (mut client, server) = start_with_example(utf8).await;
    // An emoji is 2 UTF-16 code units and 4 UTF-8 bytes; everything else here is ASCII.
    let e = if utf8 { 4 } else { 2 };
    let l = COMMAND_LINE;
    let error_at = |start: u32, end: u32| vec![format!("{l}:{start}-{l}:{end} severity=1 convox-lsp/yaml-syntax")];

    // v2: `    command: [🚀, web] # 🚀 rocket` (replacing the ASCII `bin/web` at 13..20).
    client.did_change(EXAMPLE_URI, 2, vec![edit(l, 13, l, 20, "[🚀, web] # 🚀 rocket")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(2)).await;
    assert_eq!(errors(&params), json!([]), "{params}");
    let web = 14 + e + 2; // `web`, after `[🚀, `
    let line_end = web + 3 + 4 + e + 7; // `web] # 🚀 rocket`

    // v3: `*` after the emoji: `[🚀, *web]`, an unknown alias on the token `*web]`.
    client.did_change(EXAMPLE_URI, 3, vec![insert(l, web, "*")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(3)).await;
    assert_eq!(render_diagnostics(&params), error_at(web, web + 5), "{params}");
    assert!(errors(&params)[0]["message"].as_str().unwrap().contains("unknown anchor"), "{params}");

    // v4: delete that `*` again.
    client.did_change(EXAMPLE_URI, 4, vec![edit(l, web, l, web + 1, "")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(4)).await;
    assert_eq!(errors(&params), json!([]), "{params}");

    // v5: replace the emoji itself (a range ending after it) with `*x`: `[*x, web]`.
    client.did_change(EXAMPLE_URI, 5, vec![edit(l, 14, l, 14 + e, "*x")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(5)).await;
    assert_eq!(render_diagnostics(&params), error_at(14, 17), "{params}");

    // v6: and back.
    client.did_change(EXAMPLE_URI, 6, vec![edit(l, 14, l, 16, "🚀")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(6)).await;
    assert_eq!(errors(&params), json!([]), "{params}");

    // v7: from `]` to the end of the line, past the second emoji, becomes `, 🚀, *rocket]`:
    // `[🚀, web, 🚀, *rocket]`, an unknown alias after two emojis.
    client.did_change(EXAMPLE_URI, 7, vec![edit(l, web + 3, l, line_end, ", 🚀, *rocket]")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(7)).await;
    let rocket = web + 3 + 2 + e + 2;
    assert_eq!(render_diagnostics(&params), error_at(rocket, rocket + 8), "{params}");

    // v8: the whole value, up to the end of the line, back to `bin/web`.
    client.did_change(EXAMPLE_URI, 8, vec![edit(l, 13, l, rocket + 8, "bin/web")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(8)).await;
    assert_eq!(errors(&params), json!([]), "{params}");

    // The text is the example again: the same outline as a freshly opened copy.
    let after_edits = client.document_symbols(EXAMPLE_URI).await;
    let fresh_uri = "file:///tmp/convox-lsp-tests/fresh.yml";
    client.did_open(fresh_uri, 1, EXAMPLE).await;
    let fresh = client.document_symbols(fresh_uri).await;
    assert_eq!(after_edits, fresh);
    finish(client, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf16_columns_after_an_emoji() {
    edits_after_an_emoji(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_columns_after_an_emoji() {
    edits_after_an_emoji(true).await;
}

// ---------------------------------------------------------------------------------------------
// (e) documentSymbol

/// Column `col` of `line` as a byte offset, in the given encoding.
fn offset(text: &str, line: u32, col: u32, utf8: bool) -> usize {
    let start: usize = text.split_inclusive('\n').take(line as usize).map(str::len).sum();
    let mut units = 0;
    for (i, ch) in text[start..].char_indices() {
        if units >= col as usize || ch == '\n' {
            return start + i;
        }
        units += if utf8 { ch.len_utf8() } else { ch.len_utf16() };
    }
    text.len()
}

/// The text a protocol range covers.
fn slice<'t>(text: &'t str, r: &tower_lsp_server::ls_types::Range, utf8: bool) -> &'t str {
    &text[offset(text, r.start.line, r.start.character, utf8)..offset(text, r.end.line, r.end.character, utf8)]
}

fn parse_symbols(result: Value) -> Vec<DocumentSymbol> {
    serde_json::from_value(result).expect("a nested DocumentSymbol response")
}

/// One line per symbol: name, detail, kind, selection range; children indented.
fn render_symbols(symbols: &[DocumentSymbol]) -> String {
    fn go(out: &mut String, symbols: &[DocumentSymbol], depth: usize) {
        for s in symbols {
            let r = s.selection_range;
            out.push_str(&format!(
                "{}{}{} {:?} {}:{}-{}:{}\n",
                "  ".repeat(depth),
                s.name,
                s.detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default(),
                s.kind,
                r.start.line,
                r.start.character,
                r.end.line,
                r.end.character
            ));
            go(out, s.children.as_deref().unwrap_or_default(), depth + 1);
        }
    }
    let mut out = String::new();
    go(&mut out, symbols, 0);
    out
}

/// Every selection range lies inside its range, and every child's range inside its parent's.
fn check_nesting(symbols: &[DocumentSymbol], parent: Option<&DocumentSymbol>) {
    let inside = |inner: &tower_lsp_server::ls_types::Range, outer: &tower_lsp_server::ls_types::Range| {
        (outer.start.line, outer.start.character) <= (inner.start.line, inner.start.character)
            && (inner.end.line, inner.end.character) <= (outer.end.line, outer.end.character)
    };
    for s in symbols {
        assert!(inside(&s.selection_range, &s.range), "selection range outside the range: {s:?}");
        if let Some(p) = parent {
            assert!(inside(&s.range, &p.range), "{} lies outside its parent {}", s.name, p.name);
        }
        check_nesting(s.children.as_deref().unwrap_or_default(), Some(s));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_symbols_of_the_example() {
    let (mut client, server) = start_with_example(false).await;
    let symbols = parse_symbols(client.document_symbols(EXAMPLE_URI).await);

    expect![[r#"
        environment Namespace 10:0-10:11
          PORT (= 3000) Variable 11:4-11:8
          RAILS_ENV (= production) Variable 12:4-12:13
          DATABASE_URL Variable 13:4-13:16
        resources Namespace 27:0-27:9
          database (postgres) Struct 31:2-31:10
          cache (redis) Struct 39:2-39:7
          analytics-db (rds-postgres) Struct 44:2-44:14
          sessions (elasticache-redis) Struct 58:2-58:10
        services Namespace 71:0-71:8
          web (Deployment, Service, Ingress, HPA) Class 83:2-83:5
            PORT (= 3000) Variable 106:8-106:12
            WEB_HOST Variable 107:8-107:16
          worker (Deployment) Class 210:2-210:8
            QUEUE_NAME (= default) Variable 214:8-214:18
          agent (DaemonSet, Service) Class 237:2-237:7
          jobs (Deployment) Class 251:2-251:6
        timers Namespace 267:0-267:6
          cleanup (0 3 * * *) Event 269:2-269:9
          data-import (0 * * * *) Event 277:2-277:13
        balancers Namespace 294:0-294:9
          tcp-lb (-> worker) Interface 296:2-296:8
    "#]]
    .assert_eq(&render_symbols(&symbols));

    check_nesting(&symbols, None);
    // Every selection range is exactly the name it shows.
    fn names(text: &str, symbols: &[DocumentSymbol]) {
        for s in symbols {
            assert_eq!(slice(text, &s.selection_range, false), s.name, "selection range of {s:?}");
            names(text, s.children.as_deref().unwrap_or_default());
        }
    }
    names(EXAMPLE, &symbols);

    let services = symbols.iter().find(|s| s.name == "services").expect("a services section");
    let web = services.children.as_ref().unwrap().iter().find(|s| s.name == "web").expect("the web service");
    assert_eq!(fmt_range(&serde_json::to_value(web.selection_range).unwrap()), format!("{WEB_LINE}:2-{WEB_LINE}:5"));
    assert_eq!(web.range.start.line, WEB_LINE);
    // web's entry ends before the worker service starts.
    let worker = services.children.as_ref().unwrap().iter().find(|s| s.name == "worker").unwrap();
    assert!(web.range.end.line < worker.selection_range.start.line, "{web:?}");
    finish(client, server).await;
}

/// A key after an emoji on the same line: the selection range follows the negotiated encoding.
async fn symbol_columns(utf8: bool) -> String {
    let text = "services: {🚀: {build: .}, web: {build: .}}\n";
    let (mut client, server) = start_initialized(utf8).await;
    client.did_open("file:///tmp/convox-lsp-tests/flow.yml", 1, text).await;
    let params = client.diagnostics("file:///tmp/convox-lsp-tests/flow.yml", Some(1)).await;
    assert_eq!(errors(&params), json!([]), "{params}");
    let symbols = parse_symbols(client.document_symbols("file:///tmp/convox-lsp-tests/flow.yml").await);
    check_nesting(&symbols, None);
    for s in &symbols[0].children.clone().unwrap_or_default() {
        assert_eq!(slice(text, &s.selection_range, utf8), s.name);
    }
    finish(client, server).await;
    render_symbols(&symbols)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_symbol_columns_follow_the_encoding() {
    expect![[r#"
        services Namespace 0:0-0:8
          🚀 (Deployment) Class 0:11-0:13
          web (Deployment) Class 0:27-0:30
    "#]]
    .assert_eq(&symbol_columns(false).await);
    expect![[r#"
        services Namespace 0:0-0:8
          🚀 (Deployment) Class 0:11-0:15
          web (Deployment) Class 0:29-0:32
    "#]]
    .assert_eq(&symbol_columns(true).await);
}

// ---------------------------------------------------------------------------------------------
// (f) a burst of changes

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_changes_ends_with_the_final_version() {
    let (mut client, server) = start_with_example(false).await;
    // Typed one character per notification on the empty last line, without waiting. The texts
    // from `labels: {` to just before the closing `}` are broken YAML; the last one is valid.
    let typed = "labels: {team: \"abcdefghijklmnopqrstuvwxyz012345\"}";
    assert_eq!(typed.chars().count(), 50);
    let last_line = EXAMPLE.lines().count() as u32;
    for (i, ch) in typed.chars().enumerate() {
        client.did_change(EXAMPLE_URI, 2 + i as i64, vec![insert(last_line, i as u32, &ch.to_string())]).await;
    }
    let final_version = 51;

    // Collect diagnostics until the final version's arrive.
    let mut versions = Vec::new();
    loop {
        let params = client.notification(PUBLISH_DIAGNOSTICS).await;
        let version = params["version"].as_i64().expect("a version");
        versions.push(version);
        if version == final_version {
            assert_eq!(errors(&params), json!([]), "the final text is valid: {params}");
            break;
        }
        if version >= 10 {
            // From `labels: {` on, every intermediate text is broken.
            assert!(!errors(&params).as_array().unwrap().is_empty(), "version {version} is broken: {params}");
        }
    }
    // Nothing older may follow: a round trip, then a grace period for stragglers.
    let symbols = parse_symbols(client.document_symbols(EXAMPLE_URI).await);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    for msg in client.drain() {
        if msg["method"] == PUBLISH_DIAGNOSTICS {
            versions.push(msg["params"]["version"].as_i64().unwrap_or(-1));
        }
    }
    // The same version may be published twice (a change that arrives while the publisher is
    // busy is seen by its snapshot and again by its own message), but never an older one.
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "published versions must never go back: {versions:?}");
    assert_eq!(versions.last(), Some(&final_version), "{versions:?}");

    // The text is right: the typed section is in the outline.
    let labels = symbols.iter().find(|s| s.name == "labels").expect("a labels section");
    let team = &labels.children.as_ref().unwrap()[0];
    assert_eq!((team.name.as_str(), team.detail.as_deref()), ("team", Some("abcdefghijklmnopqrstuvwxyz012345")));
    assert_eq!(
        fmt_range(&serde_json::to_value(team.selection_range).unwrap()),
        format!("{last_line}:9-{last_line}:13")
    );
    finish(client, server).await;
}

// ---------------------------------------------------------------------------------------------
// (g) didClose

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn did_close_publishes_empty_diagnostics() {
    let (mut client, server) = start_with_example(false).await;
    // Break the document first so that clearing is visible.
    client.did_change(EXAMPLE_URI, 2, vec![edit(COMMAND_LINE, 11, COMMAND_LINE, 12, "")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(2)).await;
    assert_eq!(errors(&params).as_array().unwrap().len(), 1);

    client.did_close(EXAMPLE_URI).await;
    let params = client.notification(PUBLISH_DIAGNOSTICS).await;
    assert_eq!(params["uri"], EXAMPLE_URI);
    assert_eq!(errors(&params), json!([]));
    assert!(params.get("version").is_none_or(Value::is_null), "{params}");

    // A closed document has no symbols.
    assert_eq!(client.document_symbols(EXAMPLE_URI).await, Value::Null);
    finish(client, server).await;
}

// ---------------------------------------------------------------------------------------------
// (h) lifecycle and exit codes

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_then_exit_returns_0() {
    let (mut client, server) = start_with_example(false).await;
    client.shutdown_and_exit().await;
    assert_eq!(exit_code(server).await, 0);
    client.expect_eof().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_without_shutdown_returns_1() {
    let (mut client, server) = start_with_example(false).await;
    client.notify("exit", Value::Null).await;
    assert_eq!(exit_code(server).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_input_ends_the_server() {
    let (mut client, server) = start_with_example(false).await;
    client.close_input();
    assert_eq!(exit_code(server).await, 1);
    client.expect_eof().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_input_after_shutdown_returns_0() {
    let (mut client, server) = start_initialized(false).await;
    let result = client.request_ok("shutdown", Value::Null).await;
    assert_eq!(result, Value::Null);
    client.close_input();
    assert_eq!(exit_code(server).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_input_before_initialize_ends_the_server() {
    let (mut client, server) = start();
    client.close_input();
    assert_eq!(exit_code(server).await, 1);
}

// ---------------------------------------------------------------------------------------------
// (i) panics become error responses

/// A service that panics in `call` for method `sync`, inside its future for `async`, and answers
/// `"ok"` otherwise.
fn panicky() -> impl Service<Request, Response = Option<Response>, Error = Infallible, Future: Send + 'static> {
    tower::service_fn(|req: Request| {
        if req.method() == "sync" {
            panic!("boom in call");
        }
        let method = req.method().to_string();
        let id = req.id().cloned();
        async move {
            if method == "async" {
                panic!("boom in the future");
            }
            Ok::<_, Infallible>(id.map(|id| Response::from_ok(id, json!("ok"))))
        }
    })
}

async fn call<S>(svc: &mut S, req: Request) -> Option<Response>
where
    S: Service<Request, Response = Option<Response>, Error = Infallible>,
{
    let fut = svc.ready().await.unwrap().call(req);
    tokio::time::timeout(TIMEOUT, fut).await.expect("the call hung").unwrap()
}

fn assert_internal_error(response: Option<Response>, id: i64, fragment: &str) {
    let response = response.expect("a response to a request");
    assert_eq!(response.id(), &Id::Number(id));
    let error = response.error().unwrap_or_else(|| panic!("an error response: {response:?}"));
    assert_eq!(error.code, ErrorCode::InternalError);
    assert!(error.message.contains(fragment), "{:?} should mention {fragment:?}", error.message);
}

#[tokio::test]
async fn a_panic_in_a_handler_becomes_an_internal_error() {
    let mut svc = convox_lsp::lsp::CatchPanic(panicky());

    let response = call(&mut svc, Request::build("sync").id(1).finish()).await;
    assert_internal_error(response, 1, "boom in call");
    // The service goes on.
    let response = call(&mut svc, Request::build("fine").id(2).finish()).await.expect("a response");
    assert_eq!((response.id(), response.result()), (&Id::Number(2), Some(&json!("ok"))));

    let response = call(&mut svc, Request::build("async").id(1).finish()).await;
    assert_internal_error(response, 1, "boom in the future");
    let response = call(&mut svc, Request::build("fine").id(3).finish()).await.expect("a response");
    assert_eq!((response.id(), response.result()), (&Id::Number(3), Some(&json!("ok"))));
}

#[tokio::test]
async fn a_panic_in_a_notification_handler_yields_no_response() {
    let mut svc = convox_lsp::lsp::CatchPanic(panicky());
    assert!(call(&mut svc, Request::build("sync").finish()).await.is_none());
    assert!(call(&mut svc, Request::build("async").finish()).await.is_none());
    assert!(call(&mut svc, Request::build("fine").finish()).await.is_none());
    let response = call(&mut svc, Request::build("fine").id(4).finish()).await.expect("a response");
    assert!(response.is_ok());
}

#[tokio::test]
async fn catch_panic_passes_normal_responses_through() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let inner = tower::service_fn(move |req: Request| {
        counter.fetch_add(1, Ordering::SeqCst);
        let id = req.id().cloned();
        async move {
            Ok::<_, Infallible>(
                id.map(|id| Response::from_error(id, tower_lsp_server::jsonrpc::Error::method_not_found())),
            )
        }
    });
    let mut svc = convox_lsp::lsp::CatchPanic(inner);
    let response = call(&mut svc, Request::build("x").id(7).finish()).await.expect("a response");
    assert_eq!(response.error().unwrap().code, ErrorCode::MethodNotFound);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn panic_message_reads_str_and_string_payloads() {
    use convox_lsp::lsp::panic_message;
    assert_eq!(panic_message(&"static"), "static");
    assert_eq!(panic_message(&String::from("owned")), "owned");
    assert_eq!(panic_message(&42_u8), "unknown panic");
}

// ---------------------------------------------------------------------------------------------
// (j) robustness

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_request_is_method_not_found_and_the_server_goes_on() {
    let (mut client, server) = start_with_example(false).await;
    let response = client.request("convox/noSuchMethod", json!({})).await;
    assert_eq!(response["error"]["code"], -32601, "{response}");
    // An unknown notification is ignored.
    client.notify("convox/noSuchNotification", json!({})).await;
    let symbols = client.document_symbols(EXAMPLE_URI).await;
    assert!(!symbols.as_array().unwrap().is_empty());
    finish(client, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_to_a_document_that_is_not_open_is_ignored() {
    let (mut client, server) = start_with_example(false).await;
    let other = "file:///tmp/convox-lsp-tests/never-opened.yml";
    client.did_change(other, 2, vec![insert(0, 0, "x")]).await;
    assert_eq!(client.document_symbols(other).await, Value::Null);
    let symbols = client.document_symbols(EXAMPLE_URI).await;
    assert!(!symbols.as_array().unwrap().is_empty());
    // Nothing was published for it.
    for msg in client.drain() {
        assert_ne!(msg["params"]["uri"], other, "{msg}");
    }
    finish(client, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_past_the_end_do_not_crash() {
    let (mut client, server) = start_with_example(false).await;
    let lines = EXAMPLE.lines().count() as u32;
    // A column past the end of a line: clamped to the end of the line (`# ...====x`).
    client.did_change(EXAMPLE_URI, 2, vec![insert(0, 500, "x")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(2)).await;
    assert_eq!(errors(&params), json!([]), "{params}");
    // A line past the end: clamped to the end of the text.
    client.did_change(EXAMPLE_URI, 3, vec![edit(lines + 10, 3, lines + 20, 1, "# tail\n")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(3)).await;
    assert_eq!(errors(&params), json!([]), "{params}");
    // A reversed range, and a range from inside the text to far past its end.
    client.did_change(EXAMPLE_URI, 4, vec![edit(5, 3, 2, 0, "")]).await;
    client.did_change(EXAMPLE_URI, 5, vec![edit(lines, 0, u32::MAX, u32::MAX, "")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(5)).await;
    assert!(params["diagnostics"].is_array(), "{params}");
    let symbols = client.document_symbols(EXAMPLE_URI).await;
    assert!(!symbols.as_array().unwrap().is_empty());
    finish(client, server).await;
}

/// A column inside a character (half a surrogate pair, a UTF-8 continuation byte) lands at the
/// start of that character.
async fn column_inside_an_emoji(utf8: bool) {
    let uri = "file:///tmp/convox-lsp-tests/inside.yml";
    let (mut client, server) = start_initialized(utf8).await;
    client.did_open(uri, 1, "x: [🚀]\n").await;
    assert_eq!(errors(&client.diagnostics(uri, Some(1)).await), json!([]));
    // Column 5 is inside the emoji in both encodings (it starts at 4).
    client.did_change(uri, 2, vec![insert(0, 5, "*a, ")]).await;
    // `x: [*a, 🚀]`: an unknown alias on `*a,`.
    let params = client.diagnostics(uri, Some(2)).await;
    assert_eq!(render_diagnostics(&params), ["0:4-0:7 severity=1 convox-lsp/yaml-syntax"], "{params}");
    finish(client, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_utf16_column_inside_a_surrogate_pair_snaps_to_the_character_start() {
    column_inside_an_emoji(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_utf8_column_inside_a_character_snaps_to_its_start() {
    column_inside_an_emoji(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_without_a_range_replaces_the_whole_text() {
    let (mut client, server) = start_with_example(false).await;
    client
        .did_change(EXAMPLE_URI, 2, vec![json!({"text": "services:\n  web:\n    build: .\n    command bin/web\n"})])
        .await;
    let params = client.diagnostics(EXAMPLE_URI, Some(2)).await;
    assert_eq!(render_diagnostics(&params), ["3:4-3:19 severity=1 convox-lsp/yaml-syntax"], "{params}");
    // Incremental changes go on from the new text (and its fresh parse).
    client.did_change(EXAMPLE_URI, 3, vec![insert(3, 11, ":")]).await;
    let params = client.diagnostics(EXAMPLE_URI, Some(3)).await;
    assert_eq!(errors(&params), json!([]), "{params}");
    let symbols = parse_symbols(client.document_symbols(EXAMPLE_URI).await);
    expect![[r#"
        services Namespace 0:0-0:8
          web (Deployment) Class 1:2-1:5
    "#]]
    .assert_eq(&render_symbols(&symbols));
    finish(client, server).await;
}

// ---------------------------------------------------------------------------------------------
// hover and settings

async fn hover(client: &mut TestClient<tokio::io::DuplexStream>, uri: &str, line: u32, character: u32) -> Value {
    client
        .request_ok(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_uses_the_rack_and_app_settings() {
    let (mut client, server) = start();
    let result = client
        .request_ok(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {},
                   "initializationOptions": {"convox": {"rack": "acme", "app": "shop"}}}),
        )
        .await;
    assert_eq!(result["capabilities"]["hoverProvider"], true, "{result}");
    client.notify("initialized", json!({})).await;
    let uri = "untitled:convox.yml";
    client.did_open(uri, 1, "services:\n  web:\n    port: 3000\n").await;
    let h = hover(&mut client, uri, 1, 3).await;
    assert_eq!(h["contents"]["kind"], "markdown");
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(md.contains("kubectl get deploy,svc,ing -n acme-shop -l service=web"), "{md}");
    assert_eq!(fmt_range(&h["range"]), "1:2-1:5");

    // New settings apply to open documents at once.
    client
        .notify("workspace/didChangeConfiguration", json!({"settings": {"convox": {"rack": "prod", "app": "api"}}}))
        .await;
    let h = hover(&mut client, uri, 1, 3).await;
    assert!(h["contents"]["value"].as_str().unwrap().contains("-n prod-api "), "{h}");
    // Nothing under the cursor: null.
    assert_eq!(hover(&mut client, uri, 0, 99).await, Value::Null);
    finish(client, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_range_after_an_emoji_is_in_utf16() {
    let (mut client, server) = start();
    client.initialize(json!({})).await;
    let uri = "untitled:convox.yml";
    client.did_open(uri, 1, "services:\n  web: {command: \"🚀\", port: 3000}\n").await;
    // `port` starts at UTF-16 column 23 (the rocket is two units; in bytes it would be 25).
    let h = hover(&mut client, uri, 1, 24).await;
    assert_eq!(fmt_range(&h["range"]), "1:23-1:27", "{h}");
    assert!(h["contents"]["value"].as_str().unwrap().starts_with("**port**"), "{h}");
    // On the value `3000`.
    let h = hover(&mut client, uri, 1, 30).await;
    assert_eq!(fmt_range(&h["range"]), "1:29-1:33", "{h}");
    finish(client, server).await;
}

// ---------------------------------------------------------------------------------------------
// diagnostics with codes, links and quick fixes

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_fix_code_action_and_severity_settings() {
    let (mut client, server) = start();
    client
        .request_ok(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {},
                   "initializationOptions": {"convox": {"diagnostics": {"needs-port": "off", "unused-resource": "off", "unknown-key": "error"}}}}),
        )
        .await;
    client.notify("initialized", json!({})).await;
    let uri = "untitled:convox.yml";
    // `db` declared: renamed, `resources: [db]` names a resource that exists (a fix that made
    // `db` an undefined resource would not be offered: it would add an error).
    client
        .did_open(
            uri,
            1,
            "services:\n  web:\n    resorces: [db]\n    health: /h\nresources:\n  db:\n    type: postgres\n",
        )
        .await;
    let params = client.diagnostics(uri, Some(1)).await;
    let diags = params["diagnostics"].as_array().unwrap();
    // `needs-port` is off; `unknown-key` raised to an error.
    assert_eq!(diags.len(), 1, "{params}");
    let d = &diags[0];
    assert_eq!(d["code"], "unknown-key");
    assert_eq!(d["severity"], 1);
    assert_eq!(fmt_range(&d["range"]), "2:4-2:12");
    assert!(d["codeDescription"]["href"].as_str().unwrap().ends_with("docs/diagnostics.md#unknown-key"));

    let actions = client
        .request_ok(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
        )
        .await;
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["title"], "Rename to `resources`");
    let edit = &action["edit"]["changes"][uri][0];
    assert_eq!(fmt_range(&edit["range"]), "2:4-2:12");
    assert_eq!(edit["newText"], "resources");

    // Nothing to fix elsewhere.
    let none = client
        .request_ok("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "context": {"diagnostics": []}}))
        .await;
    assert_eq!(none, json!([]));
    finish(client, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_edit_ranges_are_utf16_after_an_emoji() {
    let (mut client, server) = start();
    let result = client.initialize(json!({})).await;
    assert_eq!(result["capabilities"]["completionProvider"]["triggerCharacters"], json!([":", " ", "-", "{"]));
    let uri = "untitled:convox.yml";
    // `🚀` is two UTF-16 units: `res` starts at column 11 in UTF-16 (13 in bytes).
    client.did_open(uri, 1, "services:\n  web: # 🚀\n    build: .\n    # 🚀 res\n").await;
    client.did_change(uri, 2, vec![edit(3, 4, 3, 11, "")]).await;
    client.did_change(uri, 3, vec![insert(3, 4, "🚀: 1\n    res")]).await;
    let list = client
        .request_ok(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 7}}),
        )
        .await;
    let items = list["items"].as_array().unwrap();
    let resources = items.iter().find(|i| i["label"] == "resources").expect("resources offered");
    assert_eq!(fmt_range(&resources["textEdit"]["range"]), "4:4-4:7");
    assert_eq!(resources["textEdit"]["newText"], "resources:\n      - ");
    assert_eq!(resources["insertTextMode"], 1);

    // On the emoji line: a value position after `🚀: `.
    client.did_change(uri, 4, vec![edit(3, 4, 3, 9, "internal: ")]).await;
    let list = client
        .request_ok(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 14}}),
        )
        .await;
    let labels: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["true", "false"], "{list}");

    // After an emoji on the same line: `    domain: 🚀${HO` (`HO` is at UTF-16 columns 16-18, bytes 18-20).
    client.did_change(uri, 5, vec![edit(0, 0, 0, 0, "environment:\n  - HOST\n")]).await;
    client.did_change(uri, 6, vec![edit(5, 4, 5, 14, "domain: 🚀${HO")]).await;
    let list = client
        .request_ok(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 18}}),
        )
        .await;
    let host = &list["items"][0];
    assert_eq!(host["label"], "HOST", "{list}");
    assert_eq!(fmt_range(&host["textEdit"]["range"]), "5:16-5:18");
    finish(client, server).await;
}

/// Snippets only for a client that says it expands them (`completionItem.snippetSupport`); eglot
/// without yasnippet does not, and inserts `newText` as it comes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_snippets_only_for_clients_that_expand_them() {
    let text = "services:\n  web:\n    port: 3000\n    heal\n";
    let position = json!({"line": 3, "character": 8});
    for (capabilities, format, new_text) in [
        (json!({}), 1, "health:\n      path: /health\n      interval: 5\n      timeout: 4"),
        (
            json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": false}}}}),
            1,
            "health:\n      path: /health\n      interval: 5\n      timeout: 4",
        ),
        (
            json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}}),
            2,
            "health:\n      path: ${1:/health}\n      interval: ${2:5}\n      timeout: ${3:4}",
        ),
    ] {
        let (mut client, server) = start();
        client.initialize(capabilities.clone()).await;
        let uri = "untitled:convox.yml";
        client.did_open(uri, 1, text).await;
        let list = client
            .request_ok("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": position}))
            .await;
        let health = list["items"].as_array().unwrap().iter().find(|i| i["label"] == "health").expect("health offered");
        // Plain text is the protocol's default when the field is absent (LSP 3.17, CompletionItem).
        assert_eq!(health["insertTextFormat"].as_u64().unwrap_or(1), format, "{capabilities}");
        assert_eq!(health["textEdit"]["newText"], new_text, "{capabilities}");
        finish(client, server).await;
    }
}

/// On a blank line no word touches the cursor: each item is inserted there (`insertText`, no
/// range written per item); with a word typed, each item replaces the word (`textEdit`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_on_a_blank_line_inserts_at_the_cursor_and_replaces_a_typed_word() {
    let (mut client, server) = start_initialized(false).await;
    let uri = "untitled:convox.yml";
    client.did_open(uri, 1, "services:\n  web:\n    \n    ima\n").await;
    let image_at = async |client: &mut TestClient<DuplexStream>, line: u32, character: u32| {
        let list = client
            .request_ok(
                "textDocument/completion",
                json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
            )
            .await;
        // Written by hand (`convert::Completions::write_json`): the protocol's types must read it.
        let typed: tower_lsp_server::ls_types::CompletionList = serde_json::from_value(list.clone()).unwrap();
        assert_eq!(typed.items.len(), list["items"].as_array().unwrap().len());
        list["items"].as_array().unwrap().iter().find(|i| i["label"] == "image").expect("image offered").clone()
    };
    let blank = image_at(&mut client, 2, 4).await;
    assert_eq!(blank["insertText"], "image: ", "{blank}");
    assert!(blank.get("textEdit").is_none(), "{blank}");
    let typed = image_at(&mut client, 3, 7).await;
    assert_eq!(fmt_range(&typed["textEdit"]["range"]), "3:4-3:7", "{typed}");
    assert_eq!(typed["textEdit"]["newText"], "image: ");
    assert!(typed.get("insertText").is_none(), "{typed}");
    finish(client, server).await;
}

// ---------------------------------------------------------------------------------------------
// navigation and editor depth

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capabilities_are_registered_statically() {
    // A client without any dynamic registration support gets every feature from `initialize`.
    let (mut client, server) = start();
    let result = client.initialize(json!({})).await;
    let caps = &result["capabilities"];
    for cap in [
        "hoverProvider",
        "completionProvider",
        "definitionProvider",
        "referencesProvider",
        "documentHighlightProvider",
        "renameProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "inlayHintProvider",
        "codeLensProvider",
        "foldingRangeProvider",
        "selectionRangeProvider",
        "semanticTokensProvider",
        "codeActionProvider",
        "executeCommandProvider",
    ] {
        assert!(!caps[cap].is_null(), "{cap} missing: {caps}");
    }
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(
        caps["executeCommandProvider"]["commands"],
        json!(["convox.kubectl", "convox.render", "convox.troubleshoot"])
    );
    assert_eq!(caps["semanticTokensProvider"]["legend"]["tokenTypes"][1], "class");
    finish(client, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_rename_and_code_lens_over_the_protocol() {
    let (mut client, server) = start();
    client
        .initialize(json!({"workspace": {"workspaceEdit": {"documentChanges": true, "changeAnnotationSupport": {}}}}))
        .await;
    let uri = "untitled:convox.yml";
    let text = "services:\n  jobs: {}\ntimers:\n  cleanup:\n    schedule: \"0 3 * * *\"\n    service: jobs\n";
    client.did_open(uri, 1, text).await;
    let def = client
        .request_ok(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 15}}),
        )
        .await;
    assert_eq!(fmt_range(&def[0]["range"]), "1:2-1:6", "{def}");

    let prep = client
        .request_ok(
            "textDocument/prepareRename",
            json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 4}}),
        )
        .await;
    assert_eq!(prep["placeholder"], "cleanup");
    let edit = client
        .request_ok(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 3}, "newName": "tasks"}),
        )
        .await;
    let edits = edit["documentChanges"][0]["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 2, "{edit}");
    // A label, not a confirmation: VS Code applies the rename at once (with `needsConfirmation:
    // true` it opens a preview with every edit unticked).
    assert_eq!(
        edit["changeAnnotations"]["convox-rename"],
        json!({
            "label": "Kubernetes objects get new names at the next deploy",
            "needsConfirmation": false,
            "description": "Secret env-jobs → env-tasks; ServiceAccount jobs → tasks; Deployment jobs → tasks; \
                Convox creates the new objects and removes the old ones"
        }),
        "{edit}"
    );
    assert!(edits.iter().all(|e| e["annotationId"] == "convox-rename"), "{edit}");
    // An invalid name is refused with the reason.
    let bad = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 3}, "newName": "Tasks"}),
        )
        .await;
    assert!(bad["error"]["message"].as_str().unwrap().contains("must contain only lowercase"), "{bad}");

    let lenses = client.request_ok("textDocument/codeLens", json!({"textDocument": {"uri": uri}})).await;
    let lens = &lenses[0];
    assert_eq!(lens["command"]["command"], "convox.kubectl");
    let cmd = lens["command"]["arguments"][0].clone();
    let ran =
        client.request_ok("workspace/executeCommand", json!({"command": "convox.kubectl", "arguments": [cmd]})).await;
    assert_eq!(ran, cmd);

    let tokens = client.request_ok("textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri}})).await;
    // `services` at 0:0, a namespace (type 0), 8 long.
    assert_eq!(tokens["data"].as_array().unwrap()[..5], [json!(0), json!(0), json!(8), json!(0), json!(0)]);
    finish(client, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn render_request_and_command() {
    let (mut client, server) = start();
    client.initialize(json!({})).await;
    let uri = "untitled:convox.yml";
    client.did_open(uri, 1, "services:\n  web:\n    port: 3000\n").await;
    let result = client.request_ok("convox/render", json!({"uri": uri})).await;
    let yaml = result["yaml"].as_str().unwrap();
    assert!(
        yaml.contains("kind: Deployment") && yaml.contains("containerPort: 3000  # from services.web.port"),
        "{yaml}"
    );
    let via_command = client
        .request_ok("workspace/executeCommand", json!({"command": "convox.render", "arguments": [uri, "web"]}))
        .await;
    assert!(via_command.as_str().unwrap().contains("kind: Ingress"));
    let missing = client.request("convox/render", json!({"uri": "untitled:other.yml"})).await;
    assert!(missing["error"]["message"].as_str().unwrap().contains("is not open"), "{missing}");
    finish(client, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn troubleshoot_lens_and_command() {
    let (mut client, server) = start();
    client.initialize(json!({})).await;
    client
        .notify("workspace/didChangeConfiguration", json!({"settings": {"convox": {"rack": "acme", "app": "shop"}}}))
        .await;
    let uri = "untitled:convox.yml";
    client
        .did_open(
            uri,
            1,
            "services:\n  web:\n    port: 3000\ntimers:\n  web:\n    schedule: \"@daily\"\n    service: web\n",
        )
        .await;
    let lenses = client.request_ok("textDocument/codeLens", json!({"textDocument": {"uri": uri}})).await;
    let troubleshoot: Vec<&Value> =
        lenses.as_array().unwrap().iter().filter(|l| l["command"]["command"] == "convox.troubleshoot").collect();
    // One above the service and one above the timer, whose name is qualified (the service has it too).
    assert_eq!(troubleshoot.len(), 2, "{lenses}");
    assert_eq!(troubleshoot[0]["command"]["title"], "troubleshoot");
    assert_eq!(fmt_range(&troubleshoot[0]["range"]), "1:2-1:5");
    assert_eq!(troubleshoot[0]["command"]["arguments"], json!([uri, "web"]));
    assert_eq!(troubleshoot[1]["command"]["arguments"], json!([uri, "timers.web"]));
    // What the lens runs, as any client (Helix: `:lsp-workspace-command`) can run it.
    let args = troubleshoot[0]["command"]["arguments"].clone();
    let md = client
        .request_ok("workspace/executeCommand", json!({"command": "convox.troubleshoot", "arguments": args}))
        .await;
    let md = md.as_str().unwrap();
    assert!(md.starts_with("# Troubleshooting service `web`"), "{md}");
    assert!(md.contains("kubectl get pods -n acme-shop -l service=web,type=service -o wide"), "{md}");
    let timer = client
        .request_ok(
            "workspace/executeCommand",
            json!({"command": "convox.troubleshoot", "arguments": [uri, "timers.web"]}),
        )
        .await;
    assert!(timer.as_str().unwrap().contains("kubectl get cronjob timer-web -n acme-shop"), "{timer}");
    // An unknown name is an error that lists the names; missing arguments say what is expected.
    let unknown = client
        .request("workspace/executeCommand", json!({"command": "convox.troubleshoot", "arguments": [uri, "wbe"]}))
        .await;
    assert_eq!(unknown["error"]["message"], "no service, timer or resource named wbe (there are: web, timers.web)");
    let bare =
        client.request("workspace/executeCommand", json!({"command": "convox.troubleshoot", "arguments": []})).await;
    assert!(bare["error"]["message"].as_str().unwrap().contains("takes the manifest's URI"), "{bare}");
    finish(client, server).await;
}

// ---------------------------------------------------------------------------------------------
// A document with thousands of problems: the most severe thousand, and how many more

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_with_thousands_of_problems_publishes_the_most_severe_thousand_and_a_count() {
    let (mut client, server) = start_initialized(false).await;
    // 1,500 warnings on one line (`${X}` declared nowhere), then one error at the end of the
    // document (a resource that does not exist).
    let text = format!(
        "services:\n  web:\n    image: nginx\n    environment:\n      - A={}\n    resources:\n      - nope\n",
        "${X}".repeat(1500)
    );
    let uri = "file:///tmp/convox-lsp-many/convox.yml";
    client.did_open(uri, 1, &text).await;
    let params = client.diagnostics(uri, Some(1)).await;
    let items = params["diagnostics"].as_array().unwrap();
    assert_eq!(items.len(), 1001);
    let errors: Vec<&Value> = items.iter().filter(|d| d["severity"] == 1).collect();
    assert_eq!(errors.len(), 1, "the error after 1,500 warnings is kept: {errors:?}");
    assert_eq!(errors[0]["range"]["start"]["line"], 6);
    let last = &items[1000];
    assert_eq!(last["severity"], 3);
    assert_eq!(
        last["message"],
        "501 more diagnostics are not shown: at most 1000 are sent for one document, the most severe \
         first (`convox-lsp check` lists them all)"
    );
    finish(client, server).await;
}

// ---------------------------------------------------------------------------------------------
// Completion documentation: in the list, or later through completionItem/resolve

/// The key items at a blank line of a service, for a client with `capabilities`.
async fn service_key_items(capabilities: Value) -> (Vec<Value>, TestClient<DuplexStream>, JoinHandle<i32>) {
    let (mut client, server) = start();
    let init = client.initialize(capabilities).await;
    assert_eq!(init["capabilities"]["completionProvider"]["resolveProvider"], true);
    let uri = "file:///tmp/convox-lsp-resolve/convox.yml";
    client.did_open(uri, 1, "services:\n  web:\n    build: .\n    \n").await;
    let list = client
        .request_ok(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 4}}),
        )
        .await;
    (list["items"].as_array().unwrap().clone(), client, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_documentation_is_resolved_later_for_clients_that_say_so() {
    // Neovim's own completion resolves an item only once it is accepted: documentation in the list.
    let nvim = json!({"textDocument": {"completion": {"completionItem": {
        "resolveSupport": {"properties": ["additionalTextEdits", "command"]}}}}});
    let (eager, client, server) = service_key_items(nvim).await;
    finish(client, server).await;
    let image = eager.iter().find(|i| i["label"] == "image").unwrap();
    let doc = image["documentation"]["value"].as_str().unwrap().to_string();
    assert!(doc.starts_with("`string (image reference)`"), "{doc}");
    assert!(image.get("data").is_none());

    // VS Code and Helix list `documentation`: the list carries the pattern, resolve the text.
    let vscode = json!({"textDocument": {"completion": {"completionItem": {
        "resolveSupport": {"properties": ["documentation", "detail", "additionalTextEdits"]}}}}});
    let (lazy, mut client, server) = service_key_items(vscode).await;
    assert_eq!(lazy.len(), eager.len());
    assert!(lazy.iter().all(|i| i.get("documentation").is_none()), "{lazy:?}");
    let item = lazy.iter().find(|i| i["label"] == "image").unwrap().clone();
    assert_eq!(item["data"], "services.*.image");
    assert_eq!(item["detail"], image["detail"], "the detail stays in the list");
    let resolved = client.request_ok("completionItem/resolve", item.clone()).await;
    assert_eq!(resolved["documentation"]["value"], doc.as_str());
    assert_eq!(resolved["documentation"]["kind"], "markdown");
    assert_eq!(resolved["textEdit"], item["textEdit"]);
    // Every deferred item resolves to the documentation the list would have carried.
    for (l, e) in lazy.iter().zip(&eager) {
        let r = client.request_ok("completionItem/resolve", l.clone()).await;
        assert_eq!(r["documentation"], e["documentation"], "{}", l["label"]);
    }
    finish(client, server).await;
}
