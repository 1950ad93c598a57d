use super::*;

const U8: PositionEncoding = PositionEncoding::Utf8;
const U16: PositionEncoding = PositionEncoding::Utf16;

fn roundtrip(text: &str) {
    let t = Text::new(text);
    for (offset, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        // The middle of a "\r\n" is no position at all.
        if text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
            continue;
        }
        for enc in [U8, U16] {
            let pos = t.position(offset, enc);
            assert_eq!(t.offset(pos, enc), offset, "{text:?} offset {offset} {enc:?} -> {pos:?}");
        }
    }
}

#[test]
fn positions_roundtrip_on_awkward_text() {
    for text in [
        "",
        "a",
        "services:\n  web:\n    port: 3000\n",
        "a: 1\r\nb: 2\r\n",
        "a: 1\rb: 2\rc",
        "\u{feff}services:\n  web: {}\n",
        "k:\t\"tab\"\n",
        "emoji: \"🚀\" x: y\n🚀🚀: z",
        "mixed\r\n\n\r\r\n",
        "sep: \u{2028} and \u{85}\nnext",
    ] {
        roundtrip(text);
    }
}

#[test]
fn crlf_and_lone_cr_are_line_breaks() {
    let t = Text::new("a: 1\r\nb: 2\rc: 3\n");
    assert_eq!(t.line_count(), 4);
    assert_eq!(t.position(6, U16), LineCol::new(1, 0));
    assert_eq!(t.position(11, U16), LineCol::new(2, 0));
    assert_eq!(t.line_end(0), 4);
    assert_eq!(t.line_end(1), 10);
    // A column past the end of a line stops before the break.
    assert_eq!(t.offset(LineCol::new(0, 99), U16), 4);
}

#[test]
fn unicode_line_separators_are_not_line_breaks() {
    let t = Text::new("a: \"x\u{2028}y\"\nb: 🚀z\r\nc: 1\n");
    assert_eq!(t.line_count(), 4);
    let z = "a: \"x\u{2028}y\"\nb: 🚀".len();
    assert_eq!(t.position(z, U16), LineCol::new(1, 5));
    assert_eq!(t.position(z, U8), LineCol::new(1, 7));
}

#[test]
fn emoji_before_and_after_the_cursor() {
    let text = "k: 🚀x🚀\n";
    let t = Text::new(text);
    let x = text.find('x').unwrap();
    assert_eq!(t.position(x, U16), LineCol::new(0, 5));
    assert_eq!(t.position(x, U8), LineCol::new(0, 7));
    assert_eq!(t.offset(LineCol::new(0, 5), U16), x);
    // Half a surrogate pair rounds down to the emoji's start.
    assert_eq!(t.offset(LineCol::new(0, 4), U16), 3);
    // Inside a UTF-8 sequence too.
    assert_eq!(t.offset(LineCol::new(0, 5), U8), 3);
    assert_eq!(t.position(x + 1 + 2, U16), LineCol::new(0, 6));
}

#[test]
fn bom_is_one_utf16_unit() {
    let t = Text::new("\u{feff}a: 1\n");
    assert_eq!(t.position(3, U16), LineCol::new(0, 1));
    assert_eq!(t.position(3, U8), LineCol::new(0, 3));
}

#[test]
fn positions_past_the_end_clamp() {
    let t = Text::new("a: 1\nb: 2");
    assert_eq!(t.offset(LineCol::new(7, 0), U16), 9);
    assert_eq!(t.offset(LineCol::new(1, 40), U16), 9);
    assert_eq!(t.position(1000, U16), LineCol::new(1, 4));
}

#[test]
fn edits_spanning_lines_and_at_the_end() {
    let mut t = Text::new("services:\n  web:\n    port: 3000\n");
    let e = t.apply_change(Some((LineCol::new(1, 2), LineCol::new(2, 4))), "api:\n  ", U16);
    assert_eq!(t.to_string(), "services:\n  api:\n  port: 3000\n");
    assert_eq!(e.start_byte, 12);
    assert_eq!(e.old_end_byte, 21);
    assert_eq!(e.new_end_byte, 19);
    assert_eq!(e.start_point, (1, 2));
    assert_eq!(e.old_end_point, (2, 4));
    assert_eq!(e.new_end_point, (2, 2));

    let end = t.position(t.len(), U16);
    t.apply_change(Some((end, end)), "  worker: {}\n", U16);
    assert_eq!(t.to_string(), "services:\n  api:\n  port: 3000\n  worker: {}\n");

    t.apply_change(None, "x", U16);
    assert_eq!(t.to_string(), "x");
}

#[test]
fn edit_after_emoji_in_utf16() {
    let mut t = Text::new("a: \"🚀\"\nb: 1\n");
    // Insert after the closing quote: column 7 in UTF-16 (a, :, space, ", two units, ").
    t.apply_change(Some((LineCol::new(0, 7), LineCol::new(0, 7))), " # ok", U16);
    assert_eq!(t.to_string(), "a: \"🚀\" # ok\nb: 1\n");
    t.apply_change(Some((LineCol::new(0, 4), LineCol::new(0, 6))), "x", U16);
    assert_eq!(t.to_string(), "a: \"x\" # ok\nb: 1\n");
}

#[test]
fn reversed_and_out_of_range_changes_do_not_panic() {
    let mut t = Text::new("abc\ndef");
    t.apply_change(Some((LineCol::new(1, 2), LineCol::new(0, 1))), "X", U16);
    assert_eq!(t.to_string(), "abc\ndeXf");
    t.apply_change(Some((LineCol::new(9, 9), LineCol::new(12, 0))), "!", U8);
    assert_eq!(t.to_string(), "abc\ndeXf!");
}

/// The conversions read from one chunk give what the rope's line index gives, on texts long enough
/// to span many chunks, with every kind of line break and characters of one to four bytes.
#[test]
fn conversions_in_a_chunk_are_those_through_the_line_index() {
    let pieces = ["key: value", "\n", "\r\n", "\r", "é", "🚀", "  - item", "\u{2028}", "x", "\n\n"];
    let mut rng = crate::seeded::Seeded::new(5);
    let mut next = |n: usize| rng.below(n);
    for round in 0..6 {
        let mut text = String::new();
        // Some texts almost without breaks: lines longer than a chunk.
        let breaks = if round % 3 == 2 { 1 } else { pieces.len() };
        while text.len() < 6_000 + round * 700 {
            let p = pieces[next(pieces.len())];
            if breaks == 1 && p.contains(['\n', '\r']) && next(50) != 0 {
                continue;
            }
            text.push_str(p);
        }
        let t = Text::new(&text);
        for offset in 0..=text.len() + 2 {
            for enc in [U8, U16] {
                assert_eq!(t.position(offset, enc), t.position_walked(offset, enc), "offset {offset} {enc:?}");
            }
        }
        for line in 0..t.line_count() as u32 + 2 {
            for col in [0, 1, 2, 3, 5, 8, 13, 40, 200, 5_000] {
                let pos = LineCol::new(line, col);
                for enc in [U8, U16] {
                    assert_eq!(t.offset(pos, enc), t.offset_walked(pos, enc), "{pos:?} {enc:?}");
                }
            }
        }
    }
}
