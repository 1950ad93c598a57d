//! The bad-input catalogue: what a user gets for each kind of hostile or broken file. Every
//! feature runs on each, nothing panics, nothing overflows the stack, nothing expands aliases.

use convox_lsp::context::Context;
use convox_lsp::ide::{Analysis, HintConfig, navigation, structure};
use convox_lsp::text::TextRange;

/// Runs every feature over the text at a few offsets; returns the diagnostic codes.
fn everything(text: &str) -> Vec<&'static str> {
    let a = Analysis::from_text(text);
    let ctx = Context::default();
    let _ = a.document_symbols();
    let _ = a.render(&ctx, None);
    let _ = a.inlay_hints(&ctx, TextRange::new(0, text.len()), HintConfig { objects: true, defaults: true });
    let _ = a.code_lenses(&ctx);
    let _ = structure::folding_ranges(&a);
    let _ = structure::semantic_tokens(&a);
    for offset in [0, text.len() / 3, text.len() / 2, text.len()] {
        let offset = (0..=offset).rev().find(|o| text.is_char_boundary(*o)).unwrap_or(0);
        let _ = a.hover(offset, &ctx);
        let _ = a.completions(offset);
        let _ = navigation::references(&a, offset, true);
        let _ = navigation::rename(&a, offset, "x");
        let _ = structure::selection_ranges(&a, offset);
    }
    a.diagnostics().into_iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn empty_file_and_only_comments() {
    assert!(everything("").is_empty());
    assert!(everything("# nothing here\n# at all\n").is_empty());
    assert!(everything("\n\n\n").is_empty());
}

#[test]
fn a_hundred_thousand_lines() {
    let mut text = String::from("services:\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "  s{i}:\n    build: .\n    port: {}\n    command: run\n    internal: true\n",
            3000 + i % 1000
        ));
    }
    assert_eq!(text.lines().count(), 100_001);
    // tree-sitter-yaml counts lines in 16 bits: the first 32,000 lines are read and checked, the
    // user is told where reading stops, and nothing past it is misreported.
    let codes = everything(&text);
    assert_eq!(codes, ["yaml-syntax"]);
    let a = Analysis::from_text(&text);
    let d = &a.diagnostics()[0];
    assert!(d.message.starts_with("convox-lsp reads the first 32000 lines"), "{}", d.message);
    assert_eq!(a.model().services.len(), 6_400);
}

#[test]
fn a_line_of_one_megabyte() {
    let text = format!("services:\n  web:\n    command: {}\n", "x".repeat(1 << 20));
    assert!(everything(&text).is_empty());
    let text = format!("services:\n  web:\n    command: \"{}\n", "y".repeat(1 << 20));
    assert_eq!(everything(&text), ["yaml-syntax"]);
}

#[test]
fn nesting_ten_thousand_levels() {
    // Flow nesting: `[[[[...1]]]]`, and an unclosed one.
    let flow = format!("k: {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let codes = everything(&flow);
    assert!(codes.contains(&"yaml-syntax"), "{codes:?}");
    assert!(!everything(&"{a: ".repeat(10_000)).is_empty());
    // Block nesting past what tree-sitter's YAML scanner can hold: reported, not a crash.
    let mut block = String::new();
    for i in 0..2_000 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    assert!(everything(&block).contains(&"yaml-syntax"));
}

#[test]
fn an_alias_bomb_is_never_expanded() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for c in 'b'..='z' {
        text.push_str(&format!(
            "{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
        prev = c;
    }
    text.push_str("services:\n  web:\n    environment: *z\n");
    let start = std::time::Instant::now();
    let codes = everything(&text);
    // 9^25 nodes if expanded: finishing at all proves it was not.
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
    assert!(codes.contains(&"unknown-key"), "{codes:?}");
}

#[test]
fn tabs_bom_line_endings_and_nul() {
    assert_eq!(everything("services:\n  web:\n\tport: 80\n"), ["yaml-syntax"]);
    assert!(everything("\u{feff}services:\n  web:\n    port: 80\n").is_empty());
    assert!(everything("services:\r\n  web:\r\n    port: 80\r\n").is_empty());
    assert!(everything("services:\r  web:\r    port: 80\r").is_empty());
    assert_eq!(everything("services:\n  web:\n    command: a\0b\n"), ["yaml-syntax"]);
}

#[test]
fn astral_characters_and_multi_document_files() {
    assert!(everything("services:\n  web:\n    command: \"🚀🚀🚀\" # 🚀\n").is_empty());
    assert_eq!(everything("services:\n  web: {}\n---\nservices:\n  api: {}\n"), ["extra-document"]);
}

#[test]
fn odd_keys() {
    // Numbers, booleans, null and complex keys at the top level: unknown keys, never a crash.
    let codes = everything("1: a\ntrue: b\nnull: c\n? [complex, key]\n: d\nservices:\n  2: {}\n");
    assert!(codes.contains(&"unknown-key"), "{codes:?}");
    assert!(codes.contains(&"invalid-name"), "{codes:?}");
    let codes = everything("services:\n  web:\n    port: 1\n    port: 2\n  web: {}\n");
    assert_eq!(codes.iter().filter(|c| **c == "duplicate-key").count(), 2, "{codes:?}");
}

#[test]
fn a_block_scalar_line_indented_less_than_its_body() {
    // Found by the fast-path differential test: with CRLF line ends, tree-sitter-yaml can put a
    // less indented line inside a block scalar, and removing the body's indentation from it cut a
    // character in two (a panic while parsing).
    let text = "environment:\n  script0: |+\n    line one\n\n      indented\n   é # not a comment\n  empty1:\n";
    for text in [text.to_string(), text.replace('\n', "\r\n"), text.replace('é', "🚀").replace('\n', "\r\n")] {
        let _ = everything(&text);
    }
}
