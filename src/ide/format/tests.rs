use super::*;

fn fmt(text: &str) -> String {
    format(text, &FormatOptions::default()).unwrap_or_else(|e| panic!("{}: {}", e.offset, e.message))
}

#[test]
fn reindents_and_spaces() {
    let before = "a:\n    b :   1\n    c:\n    -   x\n    -  y: 1\n       z: 2   \n\n\n";
    assert_eq!(fmt(before), "a:\n  b: 1\n  c:\n    - x\n    - y: 1\n      z: 2\n");
}
