//! The manifest in its repository, through the protocol: build diagnostics pushed and pulled
//! (with result ids), workspace diagnostics for a manifest that is not open, document links,
//! and a watched-file change that re-checks. Each scenario runs in memory and over stdio.

mod common;

use std::path::{Path, PathBuf};

use common::{PUBLISH_DIAGNOSTICS, TestClient};
use serde_json::{Value, json};
use tokio::io::AsyncWrite;

struct TempRepo(PathBuf);

impl TempRepo {
    fn new(name: &str) -> TempRepo {
        let dir = std::env::temp_dir().join(format!("convox-lsp-proto-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempRepo(dir.canonicalize().unwrap())
    }

    fn file(&self, rel: &str, text: &str) -> &Self {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    fn uri(&self, rel: &str) -> String {
        format!("file://{}", self.0.join(rel).display())
    }
}

impl Drop for TempRepo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const MANIFEST: &str = "services:\n  api:\n    build: ./api\n  worker:\n    build: ./worker\n";

fn repo(name: &str) -> TempRepo {
    let r = TempRepo::new(name);
    r.file("convox.yml", MANIFEST)
        .file("api/main.go", "package main\n")
        .file("apps/other/convox.staging.yml", "services:\n  web:\n    build: ./web\n");
    r
}

/// `line code` of each diagnostic.
fn codes(items: &Value) -> Vec<String> {
    items
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| format!("{} {}", d["range"]["start"]["line"], d["code"].as_str().unwrap_or("-")))
        .collect()
}

async fn initialize<W: AsyncWrite + Unpin>(client: &mut TestClient<W>, root: &Path, pull: bool) {
    let mut caps = json!({
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}, "diagnostics": {"refreshSupport": true}},
    });
    if pull {
        caps["textDocument"] = json!({"diagnostic": {"dynamicRegistration": false}});
    }
    let folder = json!([{"uri": format!("file://{}", root.display()), "name": "app"}]);
    client
        .request_ok(
            "initialize",
            json!({"processId": null, "rootUri": null, "workspaceFolders": folder, "capabilities": caps}),
        )
        .await;
    client.notify("initialized", json!({})).await;
    // The watchers are registered dynamically, by a request the server does not wait on.
    let reg = client.wait_for("client/registerCapability", |m| m["method"] == "client/registerCapability").await;
    let registration = &reg["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = registration["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["globPattern"].as_str())
        .collect();
    for g in ["**/Dockerfile", "**/.dockerignore", "**/.convox/rack", "**/.convox/app"] {
        assert!(globs.contains(&g), "{g} not watched: {globs:?}");
    }
    client.send(&json!({"jsonrpc": "2.0", "id": reg["id"], "result": null})).await;
}

async fn pull<W: AsyncWrite + Unpin>(client: &mut TestClient<W>, uri: &str, previous: Option<&str>) -> Value {
    client
        .request_ok("textDocument/diagnostic", json!({"textDocument": {"uri": uri}, "previousResultId": previous}))
        .await
}

async fn watched_change<W: AsyncWrite + Unpin>(client: &mut TestClient<W>, uri: &str) {
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri, "type": 1}]})).await;
}

async fn pull_scenario<W: AsyncWrite + Unpin>(client: &mut TestClient<W>) {
    let repo = repo(&format!("pull-{}", std::any::type_name::<W>().len()));
    initialize(client, &repo.0, true).await;
    let uri = repo.uri("convox.yml");
    client.did_open(&uri, 1, MANIFEST).await;

    // Pulled: a full report with a result id, then "unchanged" for the same result.
    let first = pull(client, &uri, None).await;
    assert_eq!(first["kind"], "full", "{first}");
    assert_eq!(codes(&first["items"]), ["2 dockerfile-missing", "4 build-context-missing"]);
    let id = first["resultId"].as_str().expect("a result id").to_string();
    let again = pull(client, &uri, Some(&id)).await;
    assert_eq!(again, json!({"kind": "unchanged", "resultId": id}));

    // Links: keys to Convox's documentation; `./api` to its folder while it has no Dockerfile,
    // `./worker` to nothing.
    let links = client.request_ok("textDocument/documentLink", json!({"textDocument": {"uri": uri}})).await;
    let targets: Vec<&str> = links.as_array().unwrap().iter().map(|l| l["target"].as_str().unwrap()).collect();
    assert!(targets.contains(&"https://docs.convox.com/reference/primitives/app/service"), "{targets:?}");
    assert!(targets.contains(&"https://docs.convox.com/configuration/dockerfile"), "{targets:?}");
    let files: Vec<&&str> = targets.iter().filter(|t| t.starts_with("file:")).collect();
    assert_eq!(files, [&repo.uri("api").as_str()]);

    // The Dockerfile appears: the watcher's event re-checks, and the client is asked to pull again.
    repo.file("api/Dockerfile", "FROM alpine\n");
    watched_change(client, &repo.uri("api/Dockerfile")).await;
    let refresh =
        client.wait_for("workspace/diagnostic/refresh", |m| m["method"] == "workspace/diagnostic/refresh").await;
    client.send(&json!({"jsonrpc": "2.0", "id": refresh["id"], "result": null})).await;
    let after = pull(client, &uri, Some(&id)).await;
    assert_eq!(after["kind"], "full", "{after}");
    assert_eq!(codes(&after["items"]), ["4 build-context-missing"]);
    let links = client.request_ok("textDocument/documentLink", json!({"textDocument": {"uri": uri}})).await;
    let dockerfile = links.as_array().unwrap().iter().find(|l| l["target"] == repo.uri("api/Dockerfile"));
    assert_eq!(dockerfile.expect("a link to api/Dockerfile")["range"]["start"], json!({"line": 2, "character": 11}));

    // Workspace diagnostics: the open manifest at its version, the other one read from disk.
    let ws = client.request_ok("workspace/diagnostic", json!({"previousResultIds": []})).await;
    let mut files: Vec<(String, Value, Vec<String>)> = ws["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["uri"].as_str().unwrap().replace(&repo.uri(""), ""), i["version"].clone(), codes(&i["items"])))
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        files,
        [
            ("apps/other/convox.staging.yml".to_string(), Value::Null, vec!["2 build-context-missing".to_string()]),
            ("convox.yml".to_string(), json!(1), vec!["4 build-context-missing".to_string()]),
        ]
    );

    // Nothing was pushed to a client that pulls.
    let pushed: Vec<Value> = client.drain().into_iter().filter(|m| m["method"] == PUBLISH_DIAGNOSTICS).collect();
    assert!(pushed.is_empty(), "{pushed:?}");
}

async fn push_scenario<W: AsyncWrite + Unpin>(client: &mut TestClient<W>) {
    let repo = repo(&format!("push-{}", std::any::type_name::<W>().len()));
    initialize(client, &repo.0, false).await;
    let uri = repo.uri("convox.yml");
    client.did_open(&uri, 1, MANIFEST).await;
    let params = client.diagnostics(&uri, Some(1)).await;
    assert_eq!(codes(&params["diagnostics"]), ["2 dockerfile-missing", "4 build-context-missing"]);
    repo.file("worker/Dockerfile", "FROM alpine\n");
    watched_change(client, &repo.uri("worker/Dockerfile")).await;
    let params = client.diagnostics(&uri, Some(1)).await;
    assert_eq!(codes(&params["diagnostics"]), ["2 dockerfile-missing"]);

    // `.convox/rack` written: the rack (and so the namespace in hovers) is found again.
    let hover_on_api = json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 3}});
    repo.file(".convox/rack", "acme\n").file(".convox/app", "shop\n");
    watched_change(client, &repo.uri(".convox/rack")).await;
    client.diagnostics(&uri, Some(1)).await;
    let hover = client.request_ok("textDocument/hover", hover_on_api).await;
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("namespace `acme-shop`"), "{text}");
}

fn in_memory() -> TestClient<tokio::io::DuplexStream> {
    let (client_out, server_in) = tokio::io::duplex(64 * 1024);
    let (server_out, client_in) = tokio::io::duplex(64 * 1024);
    tokio::spawn(convox_lsp::lsp::serve(server_in, server_out));
    TestClient::new(client_out, client_in)
}

fn over_stdio() -> (tokio::process::Child, TestClient<tokio::process::ChildStdin>) {
    common::spawn_binary(env!("CARGO_BIN_EXE_convox-lsp"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_and_workspace_diagnostics_in_memory() {
    pull_scenario(&mut in_memory()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushed_build_diagnostics_follow_watched_files_in_memory() {
    push_scenario(&mut in_memory()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_and_workspace_diagnostics_over_stdio() {
    let (_child, mut client) = over_stdio();
    pull_scenario(&mut client).await;
    client.shutdown_and_exit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushed_build_diagnostics_follow_watched_files_over_stdio() {
    let (_child, mut client) = over_stdio();
    push_scenario(&mut client).await;
    client.shutdown_and_exit().await;
}
