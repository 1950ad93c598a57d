//! Rename keeps the YAML meaning: over the protocol (a server on in-memory pipes, the edits of
//! `textDocument/rename` applied as a client applies them), anchors and tags stay on the renamed
//! scalar, and names Convox reads through an alias are renamed at the anchored node. Each result
//! is checked with Convox's own `manifest.Load` + `Validate` (`convox-check`) where it is beside
//! the project.

mod common;
mod skip;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TestClient;
use serde_json::{Value, json};
use tokio::io::DuplexStream;

const URI: &str = "untitled:convox.yml";

/// Removes the common indentation of a raw string's lines (and its first line break).
fn dedent(s: &str) -> String {
    let s = s.strip_prefix('\n').unwrap_or(s);
    let indent = s.lines().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    s.lines().map(|l| l.get(indent..).unwrap_or("").to_string() + "\n").collect()
}

/// The zero-based (line, character) of `$0` in an ASCII fixture, and the text without it.
fn cursor(fixture: &str) -> (String, u32, u32) {
    let at = fixture.find("$0").expect("fixture has a $0 cursor");
    let line = fixture[..at].matches('\n').count();
    let col = at - fixture[..at].rfind('\n').map_or(0, |i| i + 1);
    (fixture.replacen("$0", "", 1), line as u32, col as u32)
}

/// Applies a WorkspaceEdit's text edits, as a client does.
fn apply(text: &str, edit: &Value) -> String {
    let edits = match edit["documentChanges"].as_array() {
        Some(dc) => dc[0]["edits"].clone(),
        None => edit["changes"][URI].clone(),
    };
    common::apply_edits(text, &edits)
}

async fn client() -> TestClient<DuplexStream> {
    let (client_out, server_in) = tokio::io::duplex(64 * 1024);
    let (server_out, client_in) = tokio::io::duplex(64 * 1024);
    tokio::spawn(convox_lsp::lsp::serve(server_in, server_out));
    let mut c = TestClient::new(client_out, client_in);
    c.initialize(json!({})).await;
    c
}

/// The response of `textDocument/rename` at the fixture's cursor.
async fn rename(fixture: &str, new_name: &str) -> (String, Value) {
    let (text, line, character) = cursor(&dedent(fixture));
    let mut c = client().await;
    c.did_open(URI, 1, &text).await;
    let r = c
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}, "newName": new_name}),
        )
        .await;
    c.shutdown_and_exit().await;
    (text, r)
}

fn oracle() -> Option<PathBuf> {
    let check = "tools/convox-oracle/convox-check";
    // A CI run has the oracle: never skip there.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        !skip::required() || dir.join(check).is_file(),
        "convox-check is missing where every suite is required (CONVOX_LSP_NO_SKIP)"
    );
    skip::shared("rename_yaml (Convox's verdict)", &[check]).map(|dir| dir.join(check))
}

/// Convox's verdict on a manifest: `None` when it loads and validates, else its error.
fn convox_error(text: &str) -> Option<Option<String>> {
    let oracle = oracle()?;
    let dir = std::env::temp_dir().join(format!("convox-lsp-rename-{}-{:x}", std::process::id(), text.len()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("convox.yml");
    std::fs::write(&path, text).unwrap();
    let out = Command::new(oracle).arg("--json").arg(&path).output().unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    Some((!v["ok"].as_bool().unwrap()).then(|| v["error"].as_str().unwrap_or("").to_string()))
}

/// Renames at the cursor, checks the result against `expected`, and that Convox accepts both
/// the file before and after.
async fn check(fixture: &str, new_name: &str, expected: &str) {
    let (text, r) = rename(fixture, new_name).await;
    let edit = r.get("result").unwrap_or_else(|| panic!("rename refused: {r}"));
    let renamed = apply(&text, edit);
    assert_eq!(renamed, dedent(expected));
    if let Some(before) = convox_error(&text) {
        assert_eq!(before, None, "Convox rejects the fixture");
        assert_eq!(convox_error(&renamed).unwrap(), None, "Convox rejects the renamed file:\n{renamed}");
    }
}

#[tokio::test]
async fn an_anchor_on_a_declared_name_stays() {
    check(
        r#"
        services:
          &svc w$0eb:
            image: nginx
        timers:
          clean:
            schedule: "0 3 * * *"
            command: bin/clean
            service: *svc
        "#,
        "api",
        r#"
        services:
          &svc api:
            image: nginx
        timers:
          clean:
            schedule: "0 3 * * *"
            command: bin/clean
            service: *svc
        "#,
    )
    .await;
}

#[tokio::test]
async fn an_anchored_reference_stays_anchored() {
    check(
        r#"
        services:
          w$0eb:
            image: nginx
        timers:
          a:
            schedule: "0 3 * * *"
            command: bin/a
            service: &s web
          b:
            schedule: "0 4 * * *"
            command: bin/b
            service: *s
        "#,
        "api",
        r#"
        services:
          api:
            image: nginx
        timers:
          a:
            schedule: "0 3 * * *"
            command: bin/a
            service: &s api
          b:
            schedule: "0 4 * * *"
            command: bin/b
            service: *s
        "#,
    )
    .await;
}

#[tokio::test]
async fn tags_and_quotes_around_the_name_stay() {
    check(
        "
        services:
          !!str w$0eb:
            image: nginx
          &w \"worker\":
            image: nginx
        x-w: *w
        ",
        "api",
        "
        services:
          !!str api:
            image: nginx
          &w \"worker\":
            image: nginx
        x-w: *w
        ",
    )
    .await;
    check(
        "
        services:
          web:
            image: nginx
          &w \"wor$0ker\":
            image: nginx
        x-w: *w
        ",
        "jobs",
        "
        services:
          web:
            image: nginx
          &w \"jobs\":
            image: nginx
        x-w: *w
        ",
    )
    .await;
}

#[tokio::test]
async fn a_reference_read_through_an_alias_is_renamed_at_its_anchor() {
    check(
        r#"
        x-res: &res [db]
        x-base: &base
          image: nginx
          resources:
            - db:OTHER_URL
        resources:
          d$0b:
            type: postgres
        services:
          web:
            image: nginx
            resources: *res
          worker: *base
        "#,
        "data",
        r#"
        x-res: &res [data]
        x-base: &base
          image: nginx
          resources:
            - data:OTHER_URL
        resources:
          data:
            type: postgres
        services:
          web:
            image: nginx
            resources: *res
          worker: *base
        "#,
    )
    .await;
}

#[tokio::test]
async fn aliases_too_many_to_follow_refuse_the_rename_and_say_so() {
    // Each level merges the one below twice, and the top level merges the last (yaml.v2 reads a
    // merge key there): following every alias costs 1,000 * 2^7 steps. The plain list first keeps
    // the document under yaml.v2's share of alias expansion (which refuses it without the list:
    // `tests/yaml_v2_aliasing.rs`); the reader of `tests/yaml_v2/main.go` reads it.
    let mut fixture = format!("x-plain: [{}]\n", vec!["1"; 15_000].join(", "));
    fixture += &format!(
        "x0: &a0\n  services:\n    web:\n      image: nginx\n      resources: [{}]\n",
        vec!["db"; 1_000].join(", ")
    );
    for i in 1..8 {
        fixture += &format!("x{i}: &a{i}\n  <<: [*a{p}, *a{p}]\n", p = i - 1);
    }
    fixture += "<<: *a7\nresources:\n  d$0b:\n    type: postgres\n";
    let (_, r) = rename(&fixture, "data").await;
    let message = r["error"]["message"].as_str().unwrap_or_else(|| panic!("not refused: {r}"));
    assert!(message.contains("aliases"), "{message}");
}

#[tokio::test]
async fn an_anchored_scalar_read_as_something_else_is_not_renamed() {
    // The timer's `service: *w` reads the service's command: renaming `web` through it would
    // rewrite the command.
    let (_, r) = rename(
        "services:\n  w$0eb:\n    image: nginx\n    command: &w web\ntimers:\n  t:\n    schedule: \"* * * * *\"\n    command: x\n    service: *w\n",
        "api",
    )
    .await;
    let message = r["error"]["message"].as_str().unwrap_or_else(|| panic!("not refused: {r}"));
    assert!(message.contains("services.web.command") && message.contains("*w"), "{message}");
    // A name anchored where it is a name, and aliased where Convox reads a command: the same.
    let (_, r) = rename(
        "services:\n  w$0eb:\n    image: nginx\ntimers:\n  t:\n    schedule: \"* * * * *\"\n    command: x\n    service: &s web\n  u:\n    schedule: \"* * * * *\"\n    command: *s\n    service: web\n",
        "api",
    )
    .await;
    let message = r["error"]["message"].as_str().unwrap_or_else(|| panic!("not refused: {r}"));
    assert!(message.contains("*s") && message.contains("timers.u.command"), "{message}");
    // Anchored under an `x-` key Convox ignores: renamed there, as before.
    let (text, r) = rename("x-res: &res [db]\nresources:\n  d$0b:\n    type: postgres\nservices:\n  web:\n    image: nginx\n    resources: *res\n", "data").await;
    assert!(r.get("error").is_none(), "{r}");
    let text = apply(&text, &r["result"]);
    assert!(text.contains("x-res: &res [data]"), "{text}");
}
