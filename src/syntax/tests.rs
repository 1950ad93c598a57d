use expect_test::{Expect, expect};

use super::yaml::{Kind, Node};
use super::*;

/// A compact outline of the parse: one line per node, then the errors with line:col ranges.
fn outline(text: &str) -> String {
    let parse = parse(text);
    let mut out = String::new();
    for (i, doc) in parse.documents.iter().enumerate() {
        if parse.documents.len() > 1 {
            out.push_str(&format!("--- document {i}\n"));
        }
        node_outline(doc, 0, &mut out);
    }
    for e in &parse.errors {
        let (l1, c1) = lc(text, e.range.start);
        let (l2, c2) = lc(text, e.range.end);
        out.push_str(&format!("error {l1}:{c1}-{l2}:{c2} {:?}: {}\n", &text[e.range.start..e.range.end], e.message));
    }
    out
}

fn lc(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    (line, offset - before.rfind('\n').map_or(0, |i| i + 1))
}

fn node_outline(n: &Node, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    match &n.kind {
        Kind::Map(entries) => {
            for e in entries {
                let key = e.key.as_str().unwrap_or("?");
                match &e.value.kind {
                    Kind::Map(_) | Kind::Seq(_) => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        node_outline(&e.value, depth + 1, out);
                    }
                    _ => {
                        out.push_str(&format!("{pad}{key}: "));
                        node_outline(&e.value, 0, out);
                    }
                }
            }
        }
        Kind::Seq(items) => {
            for item in items {
                out.push_str(&format!("{pad}-\n"));
                node_outline(item, depth + 1, out);
            }
        }
        Kind::Scalar(s) => out.push_str(&format!("{pad}{:?} ({:?})\n", s.value, s.style)),
        Kind::Alias(a) => out.push_str(&format!("{pad}*{a}\n")),
        Kind::Empty => out.push_str(&format!("{pad}<empty>\n")),
        Kind::Error => out.push_str(&format!("{pad}<error>\n")),
    }
}

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&outline(text));
}

#[test]
fn valid_document() {
    check(
        "services:\n  web:\n    port: 3000\n    command: \"bin/web\"\n    resources:\n      - database\n      -\n    health:\n",
        expect![[r#"
            services:
              web:
                port: "3000" (Plain)
                command: "bin/web" (DoubleQuoted)
                resources:
                  -
                    "database" (Plain)
                  -
                    <empty>
                health: <empty>
        "#]],
    );
}

#[test]
fn empty_and_comment_only_files() {
    check(
        "",
        expect![[r#"
        <error>
    "#]],
    );
    check(
        "# just a comment\n\n",
        expect![[r#"
        <error>
    "#]],
    );
}

#[test]
fn multi_document() {
    check(
        "a: 1\n---\nb: 2\n",
        expect![[r#"
        --- document 0
        a: "1" (Plain)
        --- document 1
        b: "2" (Plain)
    "#]],
    );
}

#[test]
fn key_without_colon_keeps_the_rest() {
    check(
        "services:\n  web:\n    sca\n    port: 3000\n  worker:\n    command: run\n",
        expect![[r#"
            services:
              web:
                port: "3000" (Plain)
              worker:
                command: "run" (Plain)
            error 2:4-2:7 "sca": yaml: line 4: mapping values are not allowed in this context (expected "key: value": this line has no colon, or is indented differently from its neighbours)
        "#]],
    );
}

#[test]
fn bad_indentation_keeps_the_rest() {
    check(
        "services:\n  web:\n   command: x\n    port: 3000\n  worker:\n    port: 1\n",
        expect![[r#"
            services:
              web:
                port: "3000" (Plain)
              worker:
                port: "1" (Plain)
            error 2:3-2:13 "command: x": yaml: line 4: mapping values are not allowed in this context
        "#]],
    );
}

#[test]
fn unclosed_quote_is_local() {
    check(
        "services:\n  web:\n    command: \"bin/web\n    port: 3000\n  worker:\n    port: 1\n",
        expect![[r#"
            services:
              web:
                port: "3000" (Plain)
              worker:
                port: "1" (Plain)
            error 2:4-2:21 "command: \"bin/web": yaml: line 7: found unexpected end of stream (unclosed double-quoted string)
        "#]],
    );
}

#[test]
fn lone_dash_value() {
    check(
        "services:\n  web:\n    port: -\n    command: x\nresources:\n  db:\n    type: postgres\n",
        expect![[r#"
            services:
              web:
                command: "x" (Plain)
            resources:
              db:
                type: "postgres" (Plain)
            error 2:4-2:11 "port: -": yaml: line 3: block sequence entries are not allowed in this context
        "#]],
    );
}

#[test]
fn unknown_alias_is_reported_by_the_strict_parser() {
    check(
        "a: &x 1\nb: *y\n",
        expect![[r#"
            a: "1" (Plain)
            b: *y
            error 1:3-1:5 "*y": yaml: unknown anchor 'y' referenced
        "#]],
    );
}

#[test]
fn tabs_and_bom() {
    check(
        "\u{feff}services:\n  web:\n\tport: 1\n",
        expect![[r#"
            services:
              web: <empty>
            error 2:1-2:8 "port: 1": yaml: line 3: found character that cannot start any token
        "#]],
    );
}

#[test]
fn a_deep_list_of_lists_of_dashes_alone_does_not_abort_the_parser() {
    // Each line a lone `-` two columns deeper: tree-sitter-yaml's scanner opened a level per line
    // and aborted the process (its 1 KiB state) past about 250 of them.
    let mut text = String::from("services:\n  svc1:\n    x-deep:\n");
    for d in 0..300 {
        text.push_str(&format!("{}-\n", "  ".repeat(d + 3)));
    }
    text.push_str(&format!("{}v\n", "  ".repeat(303)));
    let p = parse(&text);
    assert!(p.errors.iter().any(|e| e.message.contains("indentation of 200 columns")), "{:?}", p.errors.first());
}

#[test]
fn a_quoted_scalar_ending_on_a_blank_line_folds_its_last_break() {
    // yaml.v2 and PyYAML: the break before the closing quote's line folds like any other (a
    // space, or one line break per empty line between).
    for (q, body, want) in [
        ("'", "web\n      ", "web "),
        ("'", "eb  \n      \n      ", "eb\n"),
        ("'", "a\n\n  b\n   ", "a\nb "),
        ("\"", "x\n\n\n   ", "x\n\n"),
        ("\"", "a\n  b\n\n  ", "a b\n"),
        ("'", "a\n  b", "a b"),
    ] {
        let text = format!("k: {q}{body}{q}\n");
        let p = parse(&text);
        assert!(p.errors.is_empty(), "{text:?}: {:?}", p.errors);
        let v = p.root().as_map().unwrap()[0].value.as_str().unwrap().to_string();
        assert_eq!(v, want, "{text:?}");
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let mut text = String::new();
    for i in 0..1_000 {
        text.push_str(&" ".repeat(i));
        text.push_str("k:\n");
    }
    let p = parse(&text);
    assert!(p.errors.iter().any(|e| e.message.contains("indentation of 200 columns")), "{:?}", p.errors.first());
    for flow in ["[".repeat(10_000), "{a: ".repeat(10_000), format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000))] {
        let p = parse(&flow);
        assert!(!p.errors.is_empty());
    }
}

#[test]
fn incremental_parse_matches_a_fresh_parse() {
    let mut text = crate::text::Text::new("services:\n  web:\n    port: 3000\n");
    let mut parser = Parser::new();
    parser.parse(&text.to_string());
    let e = text.replace(21, 25, "scale");
    parser.edit(&e);
    let incremental = parser.parse(&text.to_string());
    let fresh = parse(&text.to_string());
    assert_eq!(incremental.documents, fresh.documents);
    assert_eq!(incremental.errors, fresh.errors);
}

#[test]
fn missing_colon_before_a_nested_list_blames_the_key() {
    check(
        "services:\n  web:\n    domain: x\n    environment\n      - FOO=bar\n    image: httpd\n    port: 80\n",
        expect![[r#"
            services:
              web:
                domain: "x\n- FOO=bar" (Plain)
                image: "httpd" (Plain)
                port: "80" (Plain)
            error 3:4-3:15 "environment": yaml: line 6: could not find expected ':' (expected "key: value": this line has no colon, or is indented differently from its neighbours)
        "#]],
    );
}

#[test]
fn nodes_at_an_offset() {
    let text = "services:\n  web:\n    resources:\n      - database\n";
    let p = parse(text);
    let at = text.find("data").unwrap();
    let chain: Vec<String> = p
        .root()
        .nodes_at(at)
        .iter()
        .map(|n| format!("{} {:?}", n.kind_name(), &text[n.range.start..n.range.end]))
        .collect();
    expect![[r#"
        [
            "a map \"services:\\n  web:\\n    resources:\\n      - database\\n\"",
            "a map \"web:\\n    resources:\\n      - database\\n\"",
            "a map \"resources:\\n      - database\\n\"",
            "a list \"- database\\n\"",
            "a string \"database\"",
        ]
    "#]]
    .assert_debug_eq(&chain);
}
