//! Repository reads are safe and bounded: FIFOs where a Dockerfile, a `.dockerignore` or a
//! manifest should be, and links to files outside the workspace or to the server's own standard
//! input. Made for real in a temporary directory; the server is the built binary over standard
//! input and output, `check` the same binary on the command line.
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::TestClient;
use serde_json::{Value, json};
use tokio::process::{Child, ChildStdin};

const BIN: &str = env!("CARGO_BIN_EXE_convox-lsp");
const SECRET: &str = "TOP-SECRET-VALUE";

/// A workspace `ws/` with a manifest building `.`, beside a folder `outside/` holding a secret.
struct Tree(PathBuf);

impl Tree {
    fn new(name: &str) -> Tree {
        let dir = std::env::temp_dir().join(format!("convox-lsp-safe-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("ws")).unwrap();
        std::fs::create_dir_all(dir.join("outside")).unwrap();
        let dir = dir.canonicalize().unwrap();
        std::fs::write(dir.join("ws/convox.yml"), "services:\n  web:\n    build: .\n    port: 3000\n").unwrap();
        // Convox would report this key with its text: the text must never reach a client.
        std::fs::write(dir.join("outside/secret.yml"), format!("services:\n  web:\n    {SECRET}: 1\n")).unwrap();
        Tree(dir)
    }

    fn ws(&self) -> PathBuf {
        self.0.join("ws")
    }

    fn fifo(&self, rel: &str) -> &Self {
        let status = std::process::Command::new("mkfifo").arg(self.ws().join(rel)).status().unwrap();
        assert!(status.success(), "mkfifo {rel}");
        self
    }

    fn link(&self, rel: &str, target: &str) -> &Self {
        std::os::unix::fs::symlink(target, self.ws().join(rel)).unwrap();
        self
    }

    fn uri(&self, rel: &str) -> String {
        format!("file://{}", self.ws().join(rel).display())
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The server started in the workspace, initialized with it as its folder.
async fn start(tree: &Tree) -> (Child, TestClient<ChildStdin>) {
    let (child, mut client) = common::spawn_binary_with(BIN, &[], Some(tree.ws().to_str().unwrap()));
    let folder = json!([{"uri": format!("file://{}", tree.ws().display()), "name": "ws"}]);
    let result = client
        .request_ok(
            "initialize",
            json!({"processId": null, "rootUri": null, "workspaceFolders": folder,
                   "capabilities": {"textDocument": {"diagnostic": {}}}}),
        )
        .await;
    assert!(result["capabilities"]["diagnosticProvider"].is_object());
    client.notify("initialized", json!({})).await;
    (child, client)
}

/// The server still answers (a hover on the open manifest), then exits 0.
async fn still_serves_then_exits(mut child: Child, mut client: TestClient<ChildStdin>, tree: &Tree) {
    let hover = client
        .request_ok(
            "textDocument/hover",
            json!({"textDocument": {"uri": tree.uri("convox.yml")}, "position": {"line": 1, "character": 3}}),
        )
        .await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("web"), "{hover}");
    client.shutdown_and_exit().await;
    let status = tokio::time::timeout(Duration::from_secs(5), child.wait()).await.expect("exit").unwrap();
    assert_eq!(status.code(), Some(0));
}

async fn pull(client: &mut TestClient<ChildStdin>, uri: &str) -> Value {
    client.request_ok("textDocument/diagnostic", json!({"textDocument": {"uri": uri}})).await
}

async fn open_and_pull(client: &mut TestClient<ChildStdin>, tree: &Tree) -> Value {
    let text = std::fs::read_to_string(tree.ws().join("convox.yml")).unwrap();
    client.did_open(&tree.uri("convox.yml"), 1, &text).await;
    pull(client, &tree.uri("convox.yml")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_dockerfile_or_dockerignore_does_not_hang_the_server() {
    let tree = Tree::new("fifo-server");
    tree.fifo("Dockerfile").fifo(".dockerignore").fifo("convox.staging.yml");
    let (child, mut client) = start(&tree).await;
    let report = open_and_pull(&mut client, &tree).await;
    assert_eq!(report["kind"], "full", "{report}");
    let ws = client.request_ok("workspace/diagnostic", json!({"previousResultIds": []})).await;
    let uris: Vec<&str> = ws["items"].as_array().unwrap().iter().map(|i| i["uri"].as_str().unwrap()).collect();
    assert_eq!(uris, [tree.uri("convox.yml")], "the FIFO manifest is skipped: {ws}");
    still_serves_then_exits(child, client, &tree).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_diagnostics_never_follow_a_link_out_of_the_workspace_nor_to_stdin() {
    let tree = Tree::new("links-server");
    tree.link("convox.leak.yml", "../outside/secret.yml").link("convox.x.yml", "/proc/self/fd/0");
    tree.link("convox.abs.yml", tree.0.join("outside/secret.yml").to_str().unwrap());
    let (child, mut client) = start(&tree).await;
    open_and_pull(&mut client, &tree).await;
    let ws = client.request_ok("workspace/diagnostic", json!({"previousResultIds": []})).await;
    assert!(!ws.to_string().contains(SECRET), "the secret leaked: {ws}");
    let uris: Vec<&str> = ws["items"].as_array().unwrap().iter().map(|i| i["uri"].as_str().unwrap()).collect();
    assert_eq!(uris, [tree.uri("convox.yml")], "{ws}");
    // Pulled one by one (not open), the same files are refused.
    for rel in ["convox.leak.yml", "convox.x.yml", "convox.abs.yml"] {
        let report = pull(&mut client, &tree.uri(rel)).await;
        assert!(!report.to_string().contains(SECRET), "{rel}: {report}");
        assert_eq!(report["items"], json!([]), "{rel}: {report}");
    }
    // A file outside the workspace, named directly, is refused too.
    let outside = format!("file://{}", tree.0.join("outside/secret.yml").display());
    assert_eq!(pull(&mut client, &outside).await["items"], json!([]));
    still_serves_then_exits(child, client, &tree).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_inside_the_workspace_is_still_read() {
    let tree = Tree::new("inside-link");
    std::fs::write(tree.ws().join("real.yml"), "services:\n  web:\n    bogus: 1\n").unwrap();
    tree.link("convox.alias.yml", "real.yml");
    let (child, mut client) = start(&tree).await;
    open_and_pull(&mut client, &tree).await;
    let report = pull(&mut client, &tree.uri("convox.alias.yml")).await;
    assert!(report["items"].to_string().contains("bogus"), "{report}");
    still_serves_then_exits(child, client, &tree).await;
}

/// `convox-lsp check ARGS` in `dir`, which must finish (a hang fails the test, it is not waited on).
fn check(dir: &Path, args: &[&str]) -> std::process::Output {
    run(dir, &[&["check"], args].concat())
}

/// `convox-lsp ARGS` in `dir`, which must finish within 10 s.
fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("convox-lsp {args:?} did not finish");
}

#[test]
fn check_does_not_hang_on_fifos_beside_the_manifest() {
    let tree = Tree::new("fifo-cli");
    tree.fifo("Dockerfile").fifo(".dockerignore").fifo("convox.staging.yml");
    let out = check(&tree.ws(), &["convox.yml"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = check(&tree.ws(), &["."]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("convox.staging.yml"), "{stdout}");
}

#[test]
fn the_command_line_follows_no_link_out_of_the_folder() {
    let tree = Tree::new("links-cli");
    std::fs::create_dir_all(tree.ws().join(".convox")).unwrap();
    std::fs::write(tree.0.join("outside/name"), format!("{SECRET}\n")).unwrap();
    std::fs::write(tree.0.join("outside/ignore"), "Dockerfile\n").unwrap();
    std::fs::write(tree.ws().join("Dockerfile"), "FROM scratch\n").unwrap();
    tree.link(".convox/app", "../../outside/name").link(".convox/rack", "/etc/hostname");
    tree.link(".dockerignore", "../outside/ignore");
    tree.link("convox.creds.yml", "../outside/secret.yml");
    // `.convox/app` and `.convox/rack` lead out of the folder: the app is the folder's name.
    let out = run(&tree.ws(), &["render", "convox.yml"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains(SECRET), "{stdout}");
    assert!(stdout.contains("namespace: <rack>-ws"), "{stdout}");
    // The `.dockerignore` outside is not read: its `Dockerfile` pattern would exclude the Dockerfile.
    let out = check(&tree.ws(), &["convox.yml"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    // A manifest link out of the folder is neither checked nor rewritten, and is reported.
    let out = check(&tree.ws(), &["."]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET), "{stdout}{stderr}");
    assert!(stderr.contains("convox.creds.yml: not read"), "{stderr}");
    let before = std::fs::read(tree.0.join("outside/secret.yml")).unwrap();
    std::fs::write(tree.0.join("outside/secret.yml"), "services:\n    web:   {}\n").unwrap();
    let _ = run(&tree.ws(), &["fmt", "."]);
    assert_eq!(std::fs::read_to_string(tree.0.join("outside/secret.yml")).unwrap(), "services:\n    web:   {}\n");
    drop(before);
}

#[test]
fn a_manifest_found_in_a_folder_is_read_whole_or_not_at_all() {
    let tree = Tree::new("large-cli");
    // 1.2 MB of valid YAML: cut at 1 MiB it would end inside a service.
    let mut big = String::from("services:\n");
    for i in 0..40_000 {
        big.push_str(&format!("  s{i}:\n    image: nginx\n"));
    }
    assert!(big.len() > 1 << 20);
    std::fs::write(tree.ws().join("convox.big.yml"), &big).unwrap();
    let out = check(&tree.ws(), &["."]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(stderr.contains("convox.big.yml: not read") && stderr.contains("MiB"), "{stderr}");
    assert!(!stdout.contains("convox.big.yml"), "{stdout}");
    // Named on the command line, it is read as given (and checked: its length is reported).
    let out = check(&tree.ws(), &["convox.big.yml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("not read"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("convox.big.yml"));
}

#[test]
fn a_fifo_in_the_git_directory_does_not_hang_a_plan() {
    let tree = Tree::new("git-fifo");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git").args(args).current_dir(tree.ws()).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["init", "-q"]);
    git(&["-c", "user.name=t", "-c", "user.email=t@t", "add", "convox.yml"]);
    git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one"]);
    std::fs::remove_file(tree.ws().join(".git/HEAD")).unwrap();
    tree.fifo(".git/HEAD");
    let out = run(&tree.ws(), &["plan", "--base", "HEAD", "convox.yml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("not read within"), "{stderr}");
}

#[test]
fn git_history_is_read_only_from_the_work_trees_own_repository_and_bounded() {
    let tree = Tree::new("git-bounds");
    let git = |dir: &Path, args: &[&str]| {
        let out = std::process::Command::new("git").args(args).current_dir(dir).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let commit = |dir: &Path| {
        git(dir, &["init", "-q"]);
        git(dir, &["add", "convox.yml"]);
        git(dir, &["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one"]);
    };
    // `.git` a link to another repository: its history is not this one's.
    let other = tree.0.join("outside/repo");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("convox.yml"), format!("services:\n  {}:\n    image: x\n", SECRET.to_lowercase()))
        .unwrap();
    commit(&other);
    tree.link(".git", "../outside/repo/.git");
    let out = run(&tree.ws(), &["plan", "--base", "HEAD", "convox.yml"]);
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!all.to_lowercase().contains(&SECRET.to_lowercase()), "{all}");
    assert!(all.contains("link out of its work tree"), "{all}");
    // `.git` a *file* naming another repository (`gitdir: ...`, as a linked work tree's or a
    // submodule's does): not followed, since that repository does not name this work tree.
    std::fs::remove_file(tree.0.join("ws/.git")).unwrap();
    std::fs::write(tree.0.join("ws/.git"), format!("gitdir: {}\n", other.join(".git").display())).unwrap();
    let out = run(&tree.ws(), &["plan", "--base", "HEAD", "convox.yml"]);
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!all.to_lowercase().contains(&SECRET.to_lowercase()), "{all}");
    assert!(all.contains("a repository of another work tree"), "{all}");
    // A real linked work tree (`git worktree add`) and a real submodule are followed: their
    // repositories name them back.
    let main = tree.0.join("outside/main");
    std::fs::create_dir_all(&main).unwrap();
    std::fs::write(main.join("convox.yml"), "services:\n  web:\n    image: x\n").unwrap();
    commit(&main);
    let linked = tree.0.join("outside/linked");
    git(&main, &["worktree", "add", "-q", linked.to_str().unwrap()]);
    std::fs::write(linked.join("convox.yml"), "services:\n  web:\n    image: y\n").unwrap();
    let out = run(&linked, &["plan", "--base", "HEAD", "convox.yml"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Deploy plan"), "{}", String::from_utf8_lossy(&out.stdout));
    let sup = tree.0.join("outside/super");
    std::fs::create_dir_all(&sup).unwrap();
    git(&sup, &["init", "-q"]);
    git(&sup, &["-c", "protocol.file.allow=always", "submodule", "add", "-q", main.to_str().unwrap(), "sub"]);
    std::fs::write(sup.join("sub/convox.yml"), "services:\n  web:\n    image: z\n").unwrap();
    let out = run(&sup.join("sub"), &["plan", "--base", "HEAD", "convox.yml"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Deploy plan"), "{}", String::from_utf8_lossy(&out.stdout));
    // A committed manifest of 30 MB (30 KB in .git): refused from its object's header, before it
    // is inflated.
    let bomb = tree.0.join("outside/bomb");
    std::fs::create_dir_all(&bomb).unwrap();
    std::fs::write(bomb.join("convox.yml"), format!("services:\n  web:\n    image: x\n{}", "\n".repeat(30 << 20)))
        .unwrap();
    commit(&bomb);
    std::fs::write(bomb.join("convox.yml"), "services:\n  web:\n    image: x\n").unwrap();
    let out = run(&bomb, &["plan", "--base", "HEAD", "convox.yml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("larger than 1 MiB in HEAD"), "{stderr}");
}
