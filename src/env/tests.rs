use super::*;
use crate::text::TextRange;

#[test]
fn env_file_syntax() {
    let text = "# a comment\n\nexport A=1\nB=two words # kept\r\nC=\"x\\ny\" # comment\nD='$lit\\n'\n  E = spaced\nF=a=b\nG=\n";
    let mut env = Environment::new();
    env.read_file(text, ".env").unwrap();
    let v = |n: &str| env.get(n).map(|v| v.value.as_str());
    assert_eq!(v("A"), Some("1"));
    // As `convox env` prints it and Convox reads it back: everything after the first `=`.
    // pkg/structs/environment.go:28-33
    assert_eq!(v("B"), Some("two words # kept"));
    assert_eq!(v("C"), Some("x\ny"));
    assert_eq!(v("D"), Some("$lit\\n"));
    assert_eq!(v("E"), Some(" spaced"));
    assert_eq!(v("F"), Some("a=b"));
    assert_eq!(v("G"), Some(""));
    assert_eq!(env.get("B").unwrap().source, Source::File { path: ".env".into(), line: 4 });
}

#[test]
fn env_file_errors_name_the_line() {
    let mut env = Environment::new();
    assert_eq!(
        env.read_file("A=1\nnot an assignment\n", "prod.env").unwrap_err(),
        "prod.env:2: expected NAME=VALUE, found \"not an assignment\""
    );
    assert!(env.read_file("A=\"open\n", "e").unwrap_err().starts_with("e:1: no closing \""));
    assert!(env.read_file("A=\"x\" y\n", "e").unwrap_err().contains("after the closing quote"));
    assert_eq!(env.set_assignment("=x", Source::Flag).unwrap_err(), "\"=x\": expected NAME=VALUE");
    env.set_assignment("HOST=a.example=b", Source::Flag).unwrap();
    assert_eq!(env.get("HOST").unwrap().value, "a.example=b");
}

#[test]
fn expansion_maps_offsets_back() {
    // pkg/manifest/helpers.go:7-15: unset is the empty string.
    let text = "a: ${HOST}\nb: ${GONE}\nc: x${HOST}y\n";
    let e = expand(text, |n| (n == "HOST").then_some("example.com"));
    assert_eq!(e.text, "a: example.com\nb: \nc: xexample.comy\n");
    assert_eq!(e.substitutions.iter().map(|s| s.set).collect::<Vec<_>>(), [true, false, true]);
    let find = |s: &str| e.text.find(s).unwrap();
    let orig = |r: TextRange| &text[r.start..r.end];
    // A value maps to the whole `${NAME}`; text outside keeps its own place.
    let host = find("example.com");
    assert_eq!(orig(e.to_original(TextRange::new(host, host + 11))), "${HOST}");
    assert_eq!(orig(e.to_original(TextRange::new(host + 3, host + 4))), "${HOST}");
    assert_eq!(orig(e.to_original(TextRange::new(find("b:"), find("b:") + 2))), "b:");
    let c = find("xexample");
    assert_eq!(orig(e.to_original(TextRange::new(c, c + 13))), "x${HOST}y");
    // An empty value: a range at it covers `${GONE}`.
    let gone = find("b: ") + 3;
    assert_eq!(orig(e.to_original(TextRange::empty(gone))), "${GONE}");
    assert_eq!(e.to_expanded(text.find("b:").unwrap()), find("b:"));
    assert_eq!(e.to_expanded(text.find("${GONE}").unwrap() + 3), gone);
    assert_eq!(e.at_original(text.find("GONE").unwrap()).unwrap().name, "GONE");
    assert!(e.at_original(text.find("b:").unwrap()).is_none());
    assert!(e.touches(TextRange::empty(gone)) && !e.touches(TextRange::new(0, 2)));
}
