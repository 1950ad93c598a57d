//! The deploy plan in the editor, through the built binary over stdio as a client starts it: the
//! `data-loss` warning against the committed manifest and the `convox/plan` request.

mod common;

use std::path::{Path, PathBuf};

use common::git;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_convox-lsp");

const COMMITTED: &str = "resources:
  database:
    type: postgres
services:
  web:
    build: .
    port: 3000
    resources:
      - database
";

/// A repository with `convox.yml` committed as COMMITTED (and saved so on disk).
fn repository(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("convox-lsp-plan-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("convox.yml"), COMMITTED).unwrap();
    std::fs::write(dir.join("Dockerfile"), "FROM scratch\n").unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    dir
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn data_loss(params: &Value) -> Vec<Value> {
    params["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "data-loss").cloned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_the_database_warns_and_plans_against_the_commit() {
    let dir = repository("remove");
    let uri = uri_of(&dir.join("convox.yml"));
    let (_child, mut client) = common::spawn_binary_with(BIN, &[], dir.to_str());
    client.initialize(json!({})).await;

    // As committed: no warning.
    client.did_open(&uri, 1, COMMITTED).await;
    assert!(data_loss(&client.diagnostics(&uri, Some(1)).await).is_empty());

    // The buffer drops the resource (unsaved): the warning is on `resources:`, line 0.
    let edited = "resources:\nservices:\n  web:\n    build: .\n    port: 3000\n";
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": edited}]}),
        )
        .await;
    let warnings = data_loss(&client.diagnostics(&uri, Some(2)).await);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["severity"], 2);
    assert_eq!(warnings[0]["range"]["start"], json!({"line": 0, "character": 0}));
    let message = warnings[0]["message"].as_str().unwrap();
    assert!(message.contains("PersistentVolumeClaim resource-database") && message.contains("committed"), "{message}");

    // Saving does not move the base: the committed version still has the database.
    std::fs::write(dir.join("convox.yml"), edited).unwrap();
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": uri}})).await;

    let result = client.request_ok("convox/plan", json!({"uri": uri})).await;
    assert_eq!(result["base"], "HEAD (committed)");
    let markdown = result["markdown"].as_str().unwrap();
    assert!(markdown.starts_with("## Deploy plan") && markdown.contains("**Destructive:**"), "{markdown}");
    assert_eq!(result["plan"]["dataLost"], true);
    let pvc = result["plan"]["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "PersistentVolumeClaim")
        .cloned()
        .unwrap();
    assert_eq!((pvc["action"].as_str(), pvc["keys"].clone()), (Some("deleted"), json!(["resources.database"])));

    // Against the saved file, nothing is left to delete.
    let saved = client.request_ok("convox/plan", json!({"uri": uri, "base": "saved"})).await;
    assert_eq!(saved["base"], "the saved file");
    assert_eq!(saved["plan"]["objects"], json!([]));

    // A revision that does not exist is an error, not a plan.
    let bad = client.request("convox/plan", json!({"uri": uri, "base": "no-such-branch"})).await;
    assert!(bad["error"]["message"].as_str().unwrap().contains("no-such-branch"), "{bad}");

    client.shutdown_and_exit().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_database_warns_on_the_new_name() {
    let dir = repository("rename");
    let uri = uri_of(&dir.join("convox.yml"));
    let (_child, mut client) = common::spawn_binary_with(BIN, &[], dir.to_str());
    client.initialize(json!({})).await;
    let renamed = COMMITTED.replace("  database:", "  db:").replace("- database", "- db");
    client.did_open(&uri, 1, &renamed).await;
    let warnings = data_loss(&client.diagnostics(&uri, Some(1)).await);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    // `db:` on line 1: the new name's key.
    assert_eq!(warnings[0]["range"]["start"], json!({"line": 1, "character": 2}));
    assert!(warnings[0]["message"].as_str().unwrap().contains("renaming resources.database -> resources.db"));
    client.shutdown_and_exit().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// `# convox-lsp: ignore[data-loss]` silences the warning like every other code: at the end of
/// the line it is on, or alone on the line above; an ignore of another code leaves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ignore_comment_silences_data_loss() {
    let dir = repository("ignore");
    let uri = uri_of(&dir.join("convox.yml"));
    let (_child, mut client) = common::spawn_binary_with(BIN, &[], dir.to_str());
    client.initialize(json!({})).await;
    // The database removed: the warning is on `resources:`.
    let removed = "resources:\nservices:\n  web:\n    build: .\n    port: 3000\n";
    let cases = [
        (removed.replace("resources:", "resources: # convox-lsp: ignore[data-loss]"), 0),
        (removed.replace("resources:", "# convox-lsp: ignore[data-loss]\nresources:"), 0),
        (removed.replace("resources:", "resources: # convox-lsp: ignore"), 0),
        (removed.replace("resources:", "resources: # convox-lsp: ignore[unknown-key]"), 1),
        (removed.to_string(), 1),
    ];
    for (version, (text, want)) in (1..).zip(&cases) {
        if version == 1 {
            client.did_open(&uri, 1, text).await;
        } else {
            let change = json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]});
            client.notify("textDocument/didChange", change).await;
        }
        let warnings = data_loss(&client.diagnostics(&uri, Some(version)).await);
        assert_eq!(warnings.len(), *want, "{text}\n{warnings:?}");
    }
    client.shutdown_and_exit().await;
    let _ = std::fs::remove_dir_all(&dir);
}
