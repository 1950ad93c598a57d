use super::*;

fn fmt(text: &str) -> String {
    format(text, &FormatOptions::default()).unwrap_or_else(|e| panic!("{}: {}", e.offset, e.message))
}

#[test]
fn reindents_and_spaces() {
    let before = "a:\n    b :   1\n    c:\n    -   x\n    -  y: 1\n       z: 2   \n\n\n";
    assert_eq!(fmt(before), "a:\n  b: 1\n  c:\n    - x\n    - y: 1\n      z: 2\n");
}

#[test]
fn the_editor_options_are_followed() {
    let text = "a:\n    b: 1   \n\n\n";
    let keep = FormatOptions {
        indent: 4,
        trim_trailing_whitespace: false,
        insert_final_newline: false,
        trim_final_newlines: false,
    };
    // Blank lines at the end stay, though a run of them is made one as everywhere.
    assert_eq!(format(text, &keep).unwrap(), "a:\n    b: 1   \n\n");
    assert_eq!(format("a:\n  b: 1", &keep).unwrap(), "a:\n    b: 1");
    assert_eq!(format("a:\n  b: 1", &FormatOptions { indent: 0, ..FormatOptions::default() }).unwrap(), "a:\n b: 1\n");
}

#[test]
fn edits_touch_only_what_changes() {
    let text = "a:\n    b :  1\nc: 2";
    let edits = format_edits(text, &FormatOptions::default(), None).unwrap();
    assert_eq!(
        edits,
        // One edit per changed line, from its first to its last changed byte.
        vec![(TextRange::new(5, 11), "b:".to_string()), (TextRange::new(18, 18), "\n".to_string())]
    );
    assert_eq!(apply(text, &edits), "a:\n  b: 1\nc: 2\n");
    assert_eq!(format_edits(&apply(text, &edits), &FormatOptions::default(), None).unwrap(), vec![]);
}

#[test]
fn a_range_changes_its_lines_only_when_that_keeps_the_data() {
    let text = "a:\n    b:   1\n    c:   2\n";
    let line_two = TextRange::new(14, 15);
    let edits = format_edits(text, &FormatOptions::default(), Some(line_two)).unwrap();
    // Re-indenting `c` alone would break `a`: the whole top-level entry is formatted.
    assert_eq!(apply(text, &edits), "a:\n  b: 1\n  c: 2\n");
    let spacing_only = format_edits(text, &FormatOptions { indent: 4, ..FormatOptions::default() }, Some(line_two));
    assert_eq!(apply(text, &spacing_only.unwrap()), "a:\n    b:   1\n    c: 2\n");
}

#[test]
fn blank_lines_after_a_block_scalar_are_not_its_content() {
    assert_eq!(fmt("a: |\n    x\n\n\n"), "a: |\n  x\n");
    assert_eq!(fmt("a: |\n    x\n\n\nb: 1\n"), "a: |\n  x\n\nb: 1\n");
    assert_eq!(fmt("a: |+\n    x\n\n\n"), "a: |+\n  x\n\n\n");
}

#[test]
fn without_trimming_an_empty_line_of_a_block_scalar_is_still_emptied() {
    let keep = FormatOptions { trim_trailing_whitespace: false, ..FormatOptions::default() };
    assert_eq!(format("a:\n    b: |\n        x\n     \n        y\n", &keep).unwrap(), "a:\n  b: |\n    x\n\n    y\n");
}

#[test]
fn an_unchosen_tab_size_keeps_the_documents_unit() {
    use super::indent_for;
    assert_eq!(indent_for("services:\n  web:\n    port: 3000\n", 8), 2);
    assert_eq!(indent_for("services:\n    web:\n        port: 3000\n", 8), 4);
    assert_eq!(indent_for("services: {}\n", 8), 2);
    assert_eq!(indent_for("services:\n  web: {}\n", 4), 4);
    assert_eq!(indent_for("a:\n  b: |\n     x\n  # c\n", 8), 2);
}
