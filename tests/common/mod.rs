//! A small Language Server Protocol test client shared by `tests/protocol.rs` (in-memory pipes)
//! and `tests/stdio.rs` (the real binary over standard input and output).
//!
//! Messages are plain `serde_json::Value`s, framed as `Content-Length: N\r\n\r\n{json}`. A reader
//! task parses what the server writes and queues it; every wait has a timeout so that a broken
//! server fails a test instead of hanging it.

#![allow(dead_code)] // Each test crate uses its own part of the harness.

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// How long any single wait may take before the test fails. Only there to avoid hangs.
pub const TIMEOUT: Duration = Duration::from_secs(5);

pub const PUBLISH_DIAGNOSTICS: &str = "textDocument/publishDiagnostics";

/// The example manifest: services web, worker, agent, jobs; resources database, cache,
/// analytics-db, sessions.
pub const EXAMPLE: &str = include_str!("../../examples/convox.yml");

/// The URI the tests open the example under.
pub const EXAMPLE_URI: &str = "file:///tmp/convox-lsp-tests/convox.yml";

/// Reads one framed message, or `None` at the end of the stream.
pub async fn read_message<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Option<Value>> {
    let mut length: Option<usize> = None;
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_some() {
                break;
            }
            continue; // Blank lines before a header block: tolerated.
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            let parsed = value.trim().parse();
            length = Some(parsed.map_err(|e| std::io::Error::other(format!("bad Content-Length {value:?}: {e}")))?);
        }
    }
    let mut body = vec![0u8; length.unwrap()];
    r.read_exact(&mut body).await?;
    let value =
        serde_json::from_slice(&body).map_err(|e| std::io::Error::other(format!("bad JSON from the server: {e}")))?;
    Ok(Some(value))
}

/// Frames a message the way the protocol wants it.
pub fn frame(msg: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(msg).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(&body);
    out
}

/// The client end of a connection to the server.
pub struct TestClient<W> {
    /// `None` once the input of the server was closed.
    writer: Option<W>,
    incoming: mpsc::UnboundedReceiver<Value>,
    /// Received but not yet consumed messages, in arrival order.
    pending: VecDeque<Value>,
    next_id: i64,
    /// True once the server closed its output.
    eof: bool,
}

impl<W: AsyncWrite + Unpin> TestClient<W> {
    /// `writer` goes to the server's input; `reader` is the server's output.
    pub fn new<R: AsyncRead + Unpin + Send + 'static>(writer: W, reader: R) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut r = BufReader::new(reader);
            loop {
                match read_message(&mut r).await {
                    Ok(Some(msg)) => {
                        if tx.send(msg).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        eprintln!("test client: cannot read from the server: {e}");
                        break;
                    }
                }
            }
        });
        Self { writer: Some(writer), incoming: rx, pending: VecDeque::new(), next_id: 1, eof: false }
    }

    pub async fn send(&mut self, msg: &Value) {
        let w = self.writer.as_mut().expect("the server's input is already closed");
        let bytes = frame(msg);
        tokio::time::timeout(TIMEOUT, async {
            w.write_all(&bytes).await?;
            w.flush().await
        })
        .await
        .expect("timed out writing to the server")
        .expect("cannot write to the server");
    }

    /// Writes bytes as they are (a hand-made frame, good or bad).
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        let w = self.writer.as_mut().expect("the server's input is already closed");
        tokio::time::timeout(TIMEOUT, async {
            w.write_all(bytes).await?;
            w.flush().await
        })
        .await
        .expect("timed out writing to the server")
        .expect("cannot write to the server");
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        let mut msg = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            msg["params"] = params;
        }
        self.send(&msg).await;
    }

    /// Sends a request without waiting; returns its id.
    pub async fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            msg["params"] = params;
        }
        self.send(&msg).await;
        id
    }

    /// Sends a request and returns the whole response message (`result` or `error`).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params).await;
        self.response(id).await
    }

    /// Sends a request and returns its `result`; fails the test on an error response.
    pub async fn request_ok(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params).await;
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response.get("result").cloned().unwrap_or_else(|| panic!("{method}: response without result: {response}"))
    }

    /// Closes the server's input (end of stream).
    pub fn close_input(&mut self) {
        self.writer = None;
    }

    /// The next message from the server, or `None` when it closed its output.
    pub async fn recv(&mut self) -> Option<Value> {
        if let Some(msg) = self.pending.pop_front() {
            return Some(msg);
        }
        self.recv_new().await
    }

    async fn recv_new(&mut self) -> Option<Value> {
        if self.eof {
            return None;
        }
        match tokio::time::timeout(TIMEOUT, self.incoming.recv()).await {
            Ok(Some(msg)) => Some(msg),
            Ok(None) => {
                self.eof = true;
                None
            }
            Err(_) => panic!(
                "timed out after {TIMEOUT:?} waiting for a message from the server; unconsumed: {:?}",
                self.pending
            ),
        }
    }

    /// Waits for the first message matching `pred`; the others stay queued, in order.
    pub async fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&pred) {
            return self.pending.remove(i).unwrap();
        }
        loop {
            match self.recv_new().await {
                Some(msg) if pred(&msg) => return msg,
                Some(msg) => self.pending.push_back(msg),
                None => panic!(
                    "the server closed its output while the test waited for {what}; unconsumed: {:?}",
                    self.pending
                ),
            }
        }
    }

    pub async fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("the response to request {id}"), |m| m.get("method").is_none() && m["id"] == json!(id))
            .await
    }

    /// The next notification with `method` (its `params`).
    pub async fn notification(&mut self, method: &str) -> Value {
        let msg = self.wait_for(method, |m| m["method"] == method && m.get("id").is_none()).await;
        msg["params"].clone()
    }

    /// Waits for diagnostics published for `uri` at `version` (`None`: without a version, as after
    /// didClose) and returns the `params`. Diagnostics for other versions stay queued.
    pub async fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Value {
        let msg = self
            .wait_for(&format!("diagnostics of {uri} version {version:?}"), |m| {
                m["method"] == PUBLISH_DIAGNOSTICS
                    && m["params"]["uri"] == uri
                    && m["params"].get("version").and_then(Value::as_i64) == version
            })
            .await;
        msg["params"].clone()
    }

    /// Takes every queued message and every message that has already arrived, without waiting.
    pub fn drain(&mut self) -> Vec<Value> {
        let mut out: Vec<Value> = self.pending.drain(..).collect();
        while let Ok(msg) = self.incoming.try_recv() {
            out.push(msg);
        }
        out
    }

    /// Waits until the server closes its output; fails if it does not within the timeout.
    pub async fn expect_eof(&mut self) {
        while self.recv_new().await.is_some() {}
    }

    /// `initialize` (with the given client capabilities), then `initialized`. Returns the result.
    /// Awaiting the response before anything else matters: tower-lsp-server drops notifications
    /// that arrive before it has answered `initialize`.
    pub async fn initialize(&mut self, capabilities: Value) -> Value {
        let result = self
            .request_ok(
                "initialize",
                json!({"processId": null, "rootUri": null, "capabilities": capabilities, "clientInfo": {"name": "convox-lsp-tests"}}),
            )
            .await;
        self.notify("initialized", json!({})).await;
        result
    }

    pub async fn did_open(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": version, "text": text}}),
        )
        .await;
    }

    pub async fn did_change(&mut self, uri: &str, version: i64, changes: Vec<Value>) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        )
        .await;
    }

    pub async fn did_close(&mut self, uri: &str) {
        self.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}})).await;
    }

    pub async fn document_symbols(&mut self, uri: &str) -> Value {
        self.request_ok("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}})).await
    }

    /// `shutdown` (asserting a null result), then `exit`.
    pub async fn shutdown_and_exit(&mut self) {
        let result = self.request_ok("shutdown", Value::Null).await;
        assert_eq!(result, Value::Null, "shutdown result");
        self.notify("exit", Value::Null).await;
    }
}

/// An incremental change replacing `(sl, sc)..(el, ec)` with `text`.
pub fn edit(sl: u32, sc: u32, el: u32, ec: u32, text: &str) -> Value {
    json!({
        "range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}},
        "text": text,
    })
}

/// An insertion at `(line, col)`.
pub fn insert(line: u32, col: u32, text: &str) -> Value {
    edit(line, col, line, col, text)
}

/// Applies protocol text edits (UTF-16 positions, non-overlapping) to `text`, as a client does.
#[allow(dead_code)]
pub fn apply_edits(text: &str, edits: &Value) -> String {
    let offset = |p: &Value| {
        let (line, character) = (p["line"].as_u64().unwrap() as usize, p["character"].as_u64().unwrap() as usize);
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        let rest = &text[start..];
        let at = rest.char_indices().find(|(_, c)| {
            let here = units >= character;
            units += c.len_utf16();
            here
        });
        start + at.map_or(rest.len(), |(i, _)| i)
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap().to_string()))
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, new) in edits {
        out.replace_range(s..e, &new);
    }
    out
}

/// `line:col-line:col` of a protocol range.
pub fn fmt_range(r: &Value) -> String {
    format!("{}:{}-{}:{}", r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"])
}

/// A small deterministic generator (xorshift64*): the same sequence on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// Scalars of every style the generator writes.
pub const SCALARS: &[&str] = &[
    "web",
    "3000",
    "bin/web --port $PORT",
    "\"quoted: yes\"",
    "'it''s'",
    "\"esc \\\"x\\\" \\u00e9\"",
    "[]",
    "{}",
    "[a, b, \"c\"]",
    "{a: 1, b: [x, y]}",
    "1-3",
    "true",
    "~",
    "https://example.com:8080/x",
    "a#b",
    "x # a comment",
    "émoji 🚀",
    "-1",
    "?x",
    ":x",
    "${FOO:-bar}",
    "a, b",
    "[1, 2]  # trailing",
];

/// A manifest-shaped text from the generator: nested maps and lists with every scalar style,
/// comments, blank lines, block scalars and multi-line plain scalars.
pub fn generate(rng: &mut Rng) -> String {
    let mut out = String::new();
    if rng.below(8) == 0 {
        out.push_str("---\n");
    }
    for top in 0..1 + rng.below(4) {
        out.push_str(["services", "resources", "environment", "timers", "labels"][top % 5]);
        out.push_str(":\n");
        for k in 0..rng.below(4) {
            block(rng, &mut out, 2, 0, k);
        }
    }
    if rng.below(2) == 0 {
        out = out.replace('\n', "\r\n");
    }
    out
}

fn block(rng: &mut Rng, out: &mut String, indent: usize, depth: usize, k: usize) {
    let pad = " ".repeat(indent);
    match rng.below(if depth > 3 { 6 } else { 10 }) {
        0 => out.push_str(&format!("{pad}# comment {k}\n")),
        1 => out.push('\n'),
        2 => out.push_str(&format!("{pad}key{k}: {}\n", rng.pick(SCALARS))),
        3 => out.push_str(&format!("{pad}\"quoted {k}\": {}\n", rng.pick(SCALARS))),
        4 => out
            .push_str(&format!("{pad}text{k}: {}\n{pad}  continued\n\n{pad}  more\n", rng.pick(&["one", "two words"]))),
        5 => out.push_str(&format!(
            "{pad}script{k}: {}\n{pad}  line one\n\n{pad}    indented\n{pad}  # not a comment\n",
            rng.pick(&["|", ">", "|-", ">+", "|+"])
        )),
        6 => {
            out.push_str(&format!("{pad}map{k}:{}\n", rng.pick(&["", "  # c", " "])));
            for j in 0..1 + rng.below(3) {
                block(rng, out, indent + 2, depth + 1, j);
            }
        }
        7 => {
            let same = rng.below(2) == 0;
            out.push_str(&format!("{pad}list{k}:\n"));
            let ipad = if same { pad.clone() } else { format!("{pad}  ") };
            for j in 0..1 + rng.below(3) {
                match rng.below(4) {
                    0 => out.push_str(&format!("{ipad}- {}\n", rng.pick(SCALARS))),
                    1 => out.push_str(&format!("{ipad}-\n")),
                    2 => {
                        out.push_str(&format!("{ipad}- name{j}: {}\n", rng.pick(SCALARS)));
                        out.push_str(&format!("{ipad}  port: {}\n", rng.pick(SCALARS)));
                    }
                    _ => {
                        out.push_str(&format!("{ipad}-\n"));
                        block(rng, out, ipad.len() + 2, depth + 1, j);
                    }
                }
            }
        }
        8 => out.push_str(&format!("{pad}empty{k}:\n")),
        _ => {
            out.push_str(&format!("{pad}nested{k}:\n"));
            block(rng, out, indent + 2, depth + 1, k);
        }
    }
}

/// The binary `bin` with its standard input and output as bare pipes (nothing reads the output
/// until the test does), its standard error dropped.
pub fn spawn_piped(bin: &str) -> (tokio::process::Child, tokio::process::ChildStdin, tokio::process::ChildStdout) {
    let mut child = tokio::process::Command::new(bin)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("cannot start convox-lsp");
    let (stdin, stdout) = (child.stdin.take().unwrap(), child.stdout.take().unwrap());
    (child, stdin, stdout)
}

/// The built binary `bin` (a test crate's `env!("CARGO_BIN_EXE_convox-lsp")`) on standard input
/// and output, without the logging and rack variables of the environment.
pub fn spawn_binary(bin: &str) -> (tokio::process::Child, TestClient<tokio::process::ChildStdin>) {
    spawn_binary_with(bin, &[], None)
}

/// The binary with `args`, started in `dir` when given (as an editor starts it in a workspace folder).
pub fn spawn_binary_with(
    bin: &str,
    args: &[&str],
    dir: Option<&str>,
) -> (tokio::process::Child, TestClient<tokio::process::ChildStdin>) {
    let mut command = tokio::process::Command::new(bin);
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .env_remove("CONVOX_LSP_LOG")
        .env_remove("CONVOX_RACK")
        .kill_on_drop(true)
        .spawn()
        .expect("cannot start convox-lsp");
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    (child, TestClient::new(stdin, stdout))
}

/// `convox-check --json` (Convox's own Load + Validate, `../shared/tools/convox-oracle`) on
/// `files`, 200 at a time: one JSON object per file (`file`, `ok`, `stage`, `error`).
pub fn convox_check_json(shared: &std::path::Path, files: &[std::path::PathBuf]) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for chunk in files.chunks(200) {
        let run = std::process::Command::new(shared.join("tools/convox-oracle/convox-check"))
            .arg("--json")
            .args(chunk)
            .output()
            .expect("run convox-check");
        for line in String::from_utf8_lossy(&run.stdout).lines() {
            out.push(serde_json::from_str(line).expect("convox-check --json line"));
        }
    }
    out
}

/// Runs `git` in `dir` to set up a test repository (the program reads repositories in-process;
/// only the tests' set-up runs `git`), with a fixed identity and no signing.
pub fn git(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git must be installed to set up this test");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// The errors `check` gives that fail before the promote (`Code::stage`): what Convox's own
/// `convox-check` (Load and Validate) can see.
pub fn early_errors(text: &str) -> Vec<String> {
    use convox_lsp::ide::{Analysis, Severity, Stage};
    Analysis::from_text(text)
        .diagnostics()
        .into_iter()
        .filter(|d| d.severity == Severity::Error && d.code.stage() <= Stage::Validate)
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect()
}
