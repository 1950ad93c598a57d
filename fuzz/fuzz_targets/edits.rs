//! A manifest and a sequence of edits in protocol coordinates, applied incrementally: the text, the
//! parse and the diagnostics must equal a from-scratch parse of the final text.
#![no_main]

use convox_lsp::ide::Analysis;
use convox_lsp::syntax::{self, Parser};
use convox_lsp::text::{LineCol, PositionEncoding, Text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // First line: the base text's length in bytes (mod the data), then edits of 6 bytes:
    // line, col, end line, end col, insert length, encoding; inserted text from the tail.
    if data.len() < 8 {
        return;
    }
    let split = (data[0] as usize * 7) % data.len();
    let (head, tail) = data.split_at(split);
    let Ok(base) = std::str::from_utf8(tail) else { return };
    let mut text = Text::new(base);
    let mut parser = Parser::new();
    parser.parse(base);
    for e in head.chunks_exact(6) {
        let enc = if e[5] & 1 == 0 { PositionEncoding::Utf16 } else { PositionEncoding::Utf8 };
        let inserts = ["", "a", ":", " ", "\n", "- ", "\"", "🚀", "\r\n", "  ", "{", "}", "#", "services:\n  web:\n    port: 1\n"];
        let insert = inserts[e[4] as usize % inserts.len()];
        let a = LineCol::new(u32::from(e[0] % 32), u32::from(e[1] % 64));
        let b = LineCol::new(u32::from(e[2] % 32), u32::from(e[3] % 64));
        let applied = text.apply_change(Some((a, b)), insert, enc);
        parser.edit(&applied);
        let current = text.to_string();
        let incremental = parser.parse(&current);
        let fresh = syntax::parse(&current);
        assert_eq!(incremental.documents, fresh.documents);
        assert_eq!(incremental.errors, fresh.errors);
        let d1 = Analysis::new(current.as_str().into(), incremental).diagnostics();
        let d2 = Analysis::from_text(&current).diagnostics();
        assert_eq!(d1, d2);
    }
});
