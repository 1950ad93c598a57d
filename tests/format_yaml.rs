//! The formatter on YAML that is valid but unusual: block scalars whose blank lines carry spaces,
//! an anchor or tag before a sequence, a byte order mark before `---`. Each case through
//! `convox-lsp fmt -` and through `textDocument/formatting` over the binary's standard input and
//! output: the expected text, the same data (yaml_serde, libyaml), and idempotent.
//!
//! Fixtures are indented raw strings; `·` stands for a space that matters (on a line that is
//! otherwise blank), `⇥` for the end of a line whose trailing spaces matter.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use serde::Deserialize;
use serde_json::json;

/// The fixture's text: common indentation removed, `·` a space, `⇥` nothing.
fn fixture(s: &str) -> String {
    let s = s.strip_prefix('\n').unwrap_or(s);
    let indent = s.lines().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    s.lines()
        .filter(|l| !l.trim().is_empty() || l.contains('·'))
        .map(|l| l.get(indent..).unwrap_or("").replace('·', " ").replace('⇥', "") + "\n")
        .collect::<String>()
        .replace("\n¶\n", "\n\n")
}

fn fmt_cli(text: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_convox-lsp"))
        .args(["fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn convox-lsp");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), s(&out.stdout), s(&out.stderr))
}

fn data(text: &str) -> Vec<yaml_serde::Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    yaml_serde::Deserializer::from_str(text).map(|d| yaml_serde::Value::deserialize(d).unwrap()).collect()
}

/// `textDocument/formatting` of each text, over the binary's standard input and output.
async fn fmt_protocol(texts: &[String]) -> Vec<String> {
    let (mut child, mut client) = common::spawn_binary(env!("CARGO_BIN_EXE_convox-lsp"));
    client.initialize(json!({})).await;
    let mut out = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let uri = format!("file:///work/{i}/convox.yml");
        client.did_open(&uri, 1, text).await;
        let options = json!({"tabSize": 2, "insertSpaces": true});
        let r =
            client.request("textDocument/formatting", json!({"textDocument": {"uri": uri}, "options": options})).await;
        out.push(match r.get("result") {
            Some(edits) if edits.is_array() => common::apply_edits(text, edits),
            Some(_) => text.clone(),
            None => format!("refused: {}", r["error"]["message"]),
        });
    }
    client.shutdown_and_exit().await;
    assert_eq!(child.wait().await.unwrap().code(), Some(0));
    out
}

/// (name, input, expected output).
fn cases() -> Vec<(&'static str, String, String)> {
    vec![
        (
            "a keep-chomped scalar of one blank line with spaces: idempotent",
            fixture(
                "
                k: |+
                ···
                x: 1
            ",
            ),
            fixture(
                "
                k: |+
                ¶
                x: 1
            ",
            ),
        ),
        (
            "the same inside a list item",
            fixture(
                "
                - k: |+
                ·····
                  x: 1
            ",
            ),
            fixture(
                "
                - k: |+
                ¶
                  x: 1
            ",
            ),
        ),
        (
            "a block scalar ending in a blank line wider than its content: the extra spaces are data",
            fixture(
                "
                command: |
                      run
                ········
            ",
            ),
            fixture(
                "
                command: |
                  run
                ····
            ",
            ),
        ),
        (
            "the same, already in place",
            fixture(
                "
                foo: |
                  x
                ···
            ",
            ),
            fixture(
                "
                foo: |
                  x
                ···
            ",
            ),
        ),
        (
            "a keep-chomped scalar alone in a list item",
            fixture(
                "
                - |+
                ···
            ",
            ),
            fixture(
                "
                - |+
                ¶
            ",
            ),
        ),
        (
            "a folded scalar of blank lines only",
            fixture(
                "
                a: >
                ·
                ··
            ",
            ),
            fixture(
                "
                a: >
            ",
            ),
        ),
        (
            "an anchor on a sequence of empty items",
            fixture(
                "
                x: &4
                   -
                   -
            ",
            ),
            fixture(
                "
                x: &4
                  -
                  -
            ",
            ),
        ),
        (
            "an anchor on its own line before a sequence",
            fixture(
                "
                a:
                   &x
                   - b
                c: *x
            ",
            ),
            fixture(
                "
                a:
                  &x
                  - b
                c: *x
            ",
            ),
        ),
        (
            "a tag before a nested sequence",
            fixture(
                "
                a: !!seq
                - !!seq
                   - b
            ",
            ),
            fixture(
                "
                a: !!seq
                  - !!seq
                    - b
            ",
            ),
        ),
        (
            "a tag before a block scalar on the next line: the header stays, the content is data",
            fixture(
                "
                a: !foo
                   >1
                    x
            ",
            ),
            fixture(
                "
                a: !foo
                   >1
                    x
            ",
            ),
        ),
        ("a byte order mark before ---", "\u{feff}---\na:   1\n".to_string(), "\u{feff}---\na: 1\n".to_string()),
    ]
}

#[tokio::test]
async fn unusual_valid_yaml_is_formatted_keeping_its_data() {
    let cases = cases();
    let mut problems = Vec::new();
    for (name, input, expected) in &cases {
        let (code, out, err) = fmt_cli(input);
        if (code, &out) != (0, expected) {
            problems.push(format!("{name}: fmt exit {code} {err}\n{out:?}\nexpected\n{expected:?}"));
            continue;
        }
        if data(&out) != data(input) {
            problems.push(format!("{name}: the data changed"));
        }
        let (code, again, _) = fmt_cli(&out);
        if (code, &again) != (0, &out) {
            problems.push(format!("{name}: not idempotent: {again:?}"));
        }
    }
    let inputs: Vec<String> = cases.iter().map(|c| c.1.clone()).collect();
    for ((name, _, expected), got) in cases.iter().zip(fmt_protocol(&inputs).await) {
        if &got != expected {
            problems.push(format!("{name}: textDocument/formatting gives {got:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn explicit_keys_are_refused_naming_the_construct_and_line() {
    let (code, _, err) = fmt_cli("a: 1\n? b\n: 2\n");
    assert_eq!(code, 2);
    assert!(err.contains(":2:1:") && err.contains("explicit keys (`? key`)"), "{err}");
}
