//! The fast path (`syntax/fast/`) against the tolerant tree-sitter path: whenever the fast path
//! reads a text, both give the same parse (nodes, values, ranges, no error). Checked on the
//! bundled files, the corpus when it is beside the project, generated manifests and thousands
//! of their one-character mutations (what a user passes through while typing).

use std::path::PathBuf;

mod common;

use common::{Rng, generate};
use convox_lsp::syntax::yaml::{Kind, Node};
use std::sync::atomic::{AtomicUsize, Ordering};

use convox_lsp::syntax::{Parse, Parser, parse_fast, parse_one_broken_line};

/// Compares both paths on `text`; true when the fast path read it.
fn agree(text: &str, what: &str) -> bool {
    let Some(fast) = parse_fast(text) else {
        // The tolerant path reads a repaired text with the fast path when it can: same result
        // as lowering tree-sitter's tree.
        let (a, b) = (Parser::new().parse_tolerant(text), Parser::lowering_only().parse_tolerant(text));
        same(&a, &b, &format!("{what}: the repaired text read two ways"), text);
        // One broken line read around without tree-sitter: what the tolerant path gives.
        if let Some(m) = parse_one_broken_line(text) {
            same(&m, &b, &format!("{what}: one broken line, without tree-sitter and with it"), text);
            MENDED.fetch_add(1, Ordering::Relaxed);
        }
        return false;
    };
    let slow = Parser::new().parse_tolerant(text);
    assert!(slow.errors.is_empty(), "{what}: the fast path read a text with syntax errors {:?}:\n{text}", slow.errors);
    if fast.documents != slow.documents {
        let (f, s) = (flatten(&fast.documents), flatten(&slow.documents));
        let at = f.iter().zip(&s).position(|(a, b)| a != b).unwrap_or(f.len().min(s.len()));
        panic!(
            "{what}: the paths disagree on:\n{text:?}\nfast: {:?}\nslow: {:?}",
            f.get(at..(at + 3).min(f.len())),
            s.get(at..(at + 3).min(s.len()))
        );
    }
    assert_eq!(fast.broken, slow.broken, "{what}");
    true
}

/// How many texts the broken-line shortcut read (each checked against the tolerant path).
static MENDED: AtomicUsize = AtomicUsize::new(0);

/// Two parses of `text` are the same: nodes, errors (messages and ranges), blanked lines.
fn same(a: &Parse, b: &Parse, what: &str, text: &str) {
    assert_eq!((&a.errors, &a.broken), (&b.errors, &b.broken), "{what}: {text:?}");
    assert!(
        a.documents == b.documents,
        "{what} differ: {text:?}\n{:?}\n{:?}",
        flatten(&a.documents),
        flatten(&b.documents)
    );
}

/// One line per node: its path, kind, value and range (for a readable failure).
fn flatten(docs: &[Node]) -> Vec<String> {
    fn walk(n: &Node, path: &str, out: &mut Vec<String>) {
        let r = n.range;
        match &n.kind {
            Kind::Map(es) => {
                out.push(format!("{path} map {}..{} flow={}", r.start, r.end, n.flow));
                for e in es {
                    let k = e.key.as_str().unwrap_or("?");
                    out.push(format!("{path}.{k} entry {}..{}", e.range.start, e.range.end));
                    walk(&e.key, &format!("{path}.{k}#key"), out);
                    walk(&e.value, &format!("{path}.{k}"), out);
                }
            }
            Kind::Seq(xs) => {
                out.push(format!("{path} seq {}..{} flow={}", r.start, r.end, n.flow));
                for (i, x) in xs.iter().enumerate() {
                    walk(x, &format!("{path}[{i}]"), out);
                }
            }
            k => out.push(format!("{path} {k:?} {}..{}", r.start, r.end)),
        }
    }
    let mut out = Vec::new();
    for d in docs {
        walk(d, "", &mut out);
    }
    out
}

const MUTATIONS: &[&str] = &[
    " ", "  ", "\n", ":", "-", "#", "\"", "'", "[", "]", "{", "}", ",", "|", ">", "a", "é", "&", "*", "!", "\t", "\r",
    "? ",
];

#[test]
fn fast_and_tolerant_paths_agree_on_generated_manifests_and_their_mutations() {
    let mut rng = Rng(0x5eed_cafe_f00d);
    let (mut texts, mut read) = (0, 0);
    let docs: usize = std::env::var("FAST_PATH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(400);
    for n in 0..docs {
        let text = generate(&mut rng);
        texts += 1;
        read += usize::from(agree(&text, &format!("generated #{n}")));
        for _ in 0..25 {
            let mut t = text.clone();
            let mut at = rng.below(t.len() + 1);
            while !t.is_char_boundary(at) {
                at -= 1;
            }
            if rng.below(3) == 0 && at < t.len() {
                let mut end = at + 1;
                while !t.is_char_boundary(end) {
                    end += 1;
                }
                t.replace_range(at..end, "");
            } else {
                t.insert_str(at, rng.pick(MUTATIONS));
            }
            texts += 1;
            read += usize::from(agree(&t, &format!("mutation of #{n}")));
        }
    }
    let mended = MENDED.load(Ordering::Relaxed);
    eprintln!("fast path read {read} of {texts} texts; {mended} with one broken line read around it");
    // The generator mostly writes valid manifests: most of them must take the fast path.
    assert!(read * 3 > texts, "the fast path read only {read} of {texts}");
}

#[test]
fn fast_and_tolerant_paths_agree_on_bundled_files_and_the_corpus() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("examples/convox.yml")];
    for dir in ["tests/fixtures", "tests/nvim/fixtures", "../shared/corpus"] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "yml")));
        }
    }
    files.sort();
    let (mut total, mut read) = (0, 0);
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        total += 1;
        read += usize::from(agree(&text, &f.display().to_string()));
    }
    eprintln!("fast path read {read} of {total} files");
    assert!(read > 0);
}

#[test]
fn what_the_fast_path_leaves_to_the_tolerant_one() {
    for text in [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: \"two\n  lines\"\n",
        "a: [1,\n  2]\n",
        "a:\tb\n",
        "? complex\n: key\n",
        "a: b: c\n",
        "a: 1\n---\nb: 2\n",
        "%YAML 1.1\n---\na: 1\n",
        "  indented: document\n",
        "",
        "# only a comment\n",
        "a:\n  - - nested\n",
        "a: 1\n  b: 2\n",
        "key\n",
    ] {
        assert!(parse_fast(text).is_none(), "{text:?}");
    }
    for text in ["a: 1\n", "---\na:\n- x\n- y\n", "a: |\n  x\n", "a: [x, {y: z}]\n", "a: b\r\nc: d\r\n"] {
        assert!(agree(text, text), "{text:?}");
    }
}

/// The broken states every key and value passes through while it is typed are read around
/// without tree-sitter, with the tolerant path's parse.
#[test]
fn the_broken_states_of_typing_are_read_without_tree_sitter() {
    let text = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/convox.yml")).unwrap();
    let at = text.find("    port: 3000\n").expect("the example has a port line");
    let end = at + "    port: 3000".len();
    let mut handled = Vec::new();
    for (state, line) in [
        ("a key without its colon", "    port 3000"),
        ("a key being typed", "    por"),
        ("an unclosed double quote", "    command: \"bin/web"),
        ("an unclosed single quote", "    command: 'bin/web"),
        ("an unclosed flow list", "    resources: [database"),
        ("an unclosed flow map", "    labels: {a: b"),
        ("a half-indented line", "      port: 3000"),
        ("a new line between two levels", "    port: 3000\n   x"),
        ("a lone dash", "    -"),
        ("a dash and a word", "    - x"),
    ] {
        let broken = format!("{}{line}{}", &text[..at], &text[end..]);
        assert!(parse_fast(&broken).is_none(), "{state}: the fast path reads it");
        let slow = Parser::lowering_only().parse_tolerant(&broken);
        if let Some(m) = parse_one_broken_line(&broken) {
            same(&m, &slow, state, &broken);
            handled.push(state);
        }
    }
    expect_test::expect![[r#"
        a key without its colon
        a key being typed
        an unclosed double quote
        an unclosed single quote
        an unclosed flow list
        an unclosed flow map
        a half-indented line
        a new line between two levels
        a lone dash
        a dash and a word"#]]
    .assert_eq(&handled.join("\n"));
}
