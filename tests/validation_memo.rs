//! A document's versions validated with the memo of its earlier versions (what the server does:
//! the services an edit did not touch are not walked again, `src/ide/validate/memo.rs`) give the
//! same diagnostics, fixes included, as each version validated from scratch, whatever the edits.

use std::sync::Arc;

use convox_lsp::ide::{Analysis, ValidationMemo};
use convox_lsp::syntax::Parser;
use proptest::prelude::*;

const BASE: &str = include_str!("../examples/convox.yml");

/// A manifest whose services carry what the walk reports: unknown keys with a fix, wrong types,
/// values Convox ignores, keys of no effect, an agent map with ports (a fix that reads around its
/// service), a duplicate key (a message naming a line), a `${VAR}`.
const REPORTED: &str = r#"services:
  web:
    build: .
    port: 3000
    resorces: [db]
    health:
      internal: 5
    scale:
      count: 1-3
      targets:
        cpu: seventy
  worker:
    command: [bin/work, --fast]
    agent:
      enabled: true
      ports: [8125/udp]
    environment:
      - A=1
      - {B: 2}
  api:
    image: nginx
    port: 80
    port: 81
    domain: ${HOST}
  jobs:
    image: busybox
    privileged: yes
    drain: 30
resources:
  db:
    type: postgres
"#;

#[derive(Debug, Clone)]
struct Edit {
    at: usize,
    delete: usize,
    insert: &'static str,
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    let pieces = prop::sample::select(vec![
        "",
        "a",
        " ",
        "\n",
        ":",
        ": ",
        "- ",
        "x",
        "#",
        "  port: 3000\n",
        "  web2:\n    image: x\n",
        "    resorces: [db]\n",
        "    port: 1\n",
        "    ",
        "&a ",
        "*a",
        "<<: *a\n",
        "${X}",
        "services:\n",
    ]);
    (0usize..10_000, 0usize..8, pieces).prop_map(|(at, delete, insert)| Edit { at, delete, insert })
}

fn apply(text: &mut String, e: &Edit) {
    let mut start = e.at % (text.len() + 1);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + e.delete).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    text.replace_range(start..end, e.insert);
}

fn run(base: &str, edits: &[Edit]) {
    let memo = Arc::new(ValidationMemo::default());
    let mut parser = Parser::new();
    let mut text = base.to_string();
    let check = |text: &str, parser: &mut Parser| {
        let with = Analysis::with_memo(Arc::from(text), parser.parse(text), memo.clone());
        let fresh = Analysis::from_text(text);
        assert_eq!(with.diagnostics(), fresh.diagnostics(), "the memo changed the diagnostics of:\n{text}");
    };
    check(&text, &mut parser);
    for e in edits {
        apply(&mut text, e);
        parser.reset();
        check(&text, &mut parser);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn memo_equals_fresh_on_the_example(edits in prop::collection::vec(edit_strategy(), 1..10)) {
        run(BASE, &edits);
    }

    #[test]
    fn memo_equals_fresh_on_reported_services(edits in prop::collection::vec(edit_strategy(), 1..10)) {
        run(REPORTED, &edits);
    }
}

/// The same edit made and undone: the second version reuses the first's walks, which must be
/// moved to where the services now are (a line inserted above them).
#[test]
fn kept_walks_move_with_their_services() {
    let memo = Arc::new(ValidationMemo::default());
    let versions = [REPORTED.to_string(), format!("# a comment\n\n{REPORTED}"), REPORTED.replace("  web:", "  web:\n")];
    for text in versions.iter().chain(versions.iter().rev()) {
        let with = Analysis::with_memo(Arc::from(text.as_str()), Parser::new().parse(text), memo.clone());
        let fresh = Analysis::from_text(text);
        let diags = with.diagnostics();
        assert!(diags.len() >= 8, "the walk reports on every service: {diags:#?}");
        assert_eq!(diags, fresh.diagnostics(), "{text}");
    }
}

/// A service's port condition and replica range (two rules read them for every service) are kept
/// by the text of its body: a body that changes is read again, one under a new name or in a new
/// place is the same body.
#[test]
fn kept_ports_and_ranges_follow_the_body() {
    let memo = Arc::new(ValidationMemo::default());
    // `health` has no effect without a port; `targets` none with a fixed count.
    let body = "    image: nginx\n    health: /up\n    scale:\n      count: 1-3\n      targets:\n        cpu: 50\n";
    let versions = [
        format!("services:\n  web:\n{body}  api:\n{body}"),
        format!("services:\n  web:\n    port: 3000\n{body}  api:\n{body}"),
        format!("services:\n  renamed:\n{body}  api:\n    port: 80\n{body}"),
        format!("services:\n  api:\n{}  web:\n{body}", body.replace("1-3", "2")),
        format!("services:\n  web:\n{body}  api:\n{body}"),
    ];
    let mut seen = std::collections::HashSet::new();
    for text in versions.iter().chain(versions.iter().rev()) {
        let with = Analysis::with_memo(Arc::from(text.as_str()), Parser::new().parse(text), memo.clone());
        let diags = with.diagnostics();
        assert_eq!(diags, Analysis::from_text(text).diagnostics(), "{text}");
        seen.insert(diags.iter().filter(|d| d.message.contains("port") || d.message.contains("count")).count());
    }
    assert!(seen.len() >= 2, "the versions differ in what the port and the range decide: {seen:?}");
}
