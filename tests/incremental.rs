//! Random edits applied one by one, in protocol coordinates, to the rope and the incremental parser
//! give the same text as a plain string edit, and the same documents and errors as parsing the final
//! text from scratch.

use convox_lsp::syntax::{self, Parser};
use convox_lsp::text::{LineCol, PositionEncoding, Text};
use proptest::prelude::*;

const BASE: &str = include_str!("../examples/convox.yml");

#[derive(Debug, Clone)]
struct Edit {
    at: usize,
    delete: usize,
    insert: String,
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    let pieces = prop::sample::select(vec![
        "",
        "a",
        " ",
        "\n",
        "\r\n",
        ":",
        ": ",
        "- ",
        "\"",
        "'",
        "#",
        "🚀",
        "é",
        "\t",
        "{",
        "}",
        "[",
        "]",
        "  port: 3000\n",
        "services:\n",
        "    ",
        "&a ",
        "*a",
        "|\n",
        "---\n",
    ]);
    (0usize..10_000, 0usize..12, prop::collection::vec(pieces, 0..4)).prop_map(|(at, delete, parts)| Edit {
        at,
        delete,
        insert: parts.concat(),
    })
}

/// Clamps an edit to char boundaries of `s` and returns the byte range.
fn clamp(s: &str, e: &Edit) -> (usize, usize) {
    let mut start = e.at % (s.len() + 1);
    while !s.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + e.delete).min(s.len());
    while !s.is_char_boundary(end) {
        end += 1;
    }
    // Never split a "\r\n": positions cannot name its middle.
    if start > 0 && s[..start].ends_with('\r') && s[start..].starts_with('\n') {
        start -= 1;
    }
    if end > 0 && end < s.len() && s[..end].ends_with('\r') && s[end..].starts_with('\n') {
        end += 1;
    }
    (start, end.max(start))
}

fn run(edits: &[Edit], enc: PositionEncoding) {
    let mut expected = BASE.to_string();
    let mut text = Text::new(BASE);
    let mut parser = Parser::new();
    parser.parse(&text.to_string());
    for e in edits {
        let (start, end) = clamp(&expected, e);
        let a = text.position(start, enc);
        let b = text.position(end, enc);
        let applied =
            text.apply_change(Some((LineCol::new(a.line, a.col), LineCol::new(b.line, b.col))), &e.insert, enc);
        parser.edit(&applied);
        expected.replace_range(start..end, &e.insert);
        let current = text.to_string();
        assert_eq!(current, expected);
        let incremental = parser.parse(&current);
        let fresh = syntax::parse(&current);
        assert_eq!(incremental.documents, fresh.documents, "documents differ after {e:?}");
        assert_eq!(incremental.errors, fresh.errors, "errors differ after {e:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn incremental_equals_fresh_utf16(edits in prop::collection::vec(edit_strategy(), 1..12)) {
        run(&edits, PositionEncoding::Utf16);
    }

    #[test]
    fn incremental_equals_fresh_utf8(edits in prop::collection::vec(edit_strategy(), 1..12)) {
        run(&edits, PositionEncoding::Utf8);
    }
}
