//! yaml.v2's guard against alias expansion: its decoder counts the nodes it decodes and those it
//! decodes through an alias, and refuses the document ("document contains excessive aliasing")
//! once the second passes a share of the first (`decode.go:321-357` of gopkg.in/yaml.v2 v2.4.0,
//! the version Convox vendors; its generic decode is what `pkg/manifest/yaml.go:742-786` runs on
//! every manifest). `check` must refuse exactly the documents yaml.v2 refuses, and nothing of a
//! refused document may be read through its aliases (the model of an anchored list of 15,000
//! entries used by 1,000 services took 30 s and 9 GB).
//!
//! The documents are generated from a seed: anchored lists and maps of 5 to 6,000 items (120 documents), used 1
//! to 400 times as values, as merge keys and through lists of aliases, beside plain lists of 0 to
//! 5,000 items before or after. With `YAML_V2` set to the reader of `tests/yaml_v2/main.go`
//! (`.ci/run` builds it), its verdicts are compared with `check`'s.

mod skip;

use convox_lsp::ide::Analysis;

const MESSAGE: &str = "yaml: document contains excessive aliasing";

struct Rng(u64);

impl Rng {
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        xs[(self.0 >> 33) as usize % xs.len()]
    }
}

fn document(rng: &mut Rng) -> String {
    let n = rng.pick(&[5, 50, 101, 150, 300, 1000, 3000, 6000]);
    let uses = rng.pick(&[1, 2, 5, 10, 40, 100, 400]);
    let plain = rng.pick(&[0, 10, 100, 1000, 5000]);
    let items = |n: usize, f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<Vec<_>>().join(",");
    let mut lines = Vec::new();
    let body: Box<dyn Fn(usize) -> String> = match rng.pick(&["list", "map", "merge", "merge-list", "nested"]) {
        "list" => {
            lines.push(format!("x-a: &a [{}]", items(n, &|i| format!("v{i}"))));
            Box::new(|i| format!("  s{i}: {{image: x, environment: *a}}"))
        }
        "map" => {
            lines.push(format!("x-a: &a {{{}}}", items(n, &|i| format!("k{i}: v"))));
            Box::new(|i| format!("  s{i}: {{image: x, labels: *a}}"))
        }
        "merge" => {
            lines.push(format!("x-a: &a {{{}}}", items(n, &|i| format!("k{i}: v"))));
            Box::new(|i| format!("  s{i}: {{<<: *a, image: x}}"))
        }
        "merge-list" => {
            lines.push(format!("x-a: &a {{{}}}", items(n, &|i| format!("k{i}: v"))));
            lines.push("x-b: &b {z: 1}".to_string());
            Box::new(|i| format!("  s{i}: {{<<: [*a, *b], image: x}}"))
        }
        _ => {
            lines.push(format!("x-a: &a [{}]", items((n / 10).max(1), &|i| format!("v{i}"))));
            lines.push(format!("x-b: &b [{}]", items(10, &|_| "*a".to_string())));
            Box::new(|i| format!("  s{i}: {{image: x, environment: *b}}"))
        }
    };
    let before = rng.pick(&[true, false]);
    let list = format!("x-p: [{}]", items(plain, &|i| i.to_string()));
    if before {
        lines.push(list.clone());
    }
    lines.push("services:".to_string());
    lines.extend((0..uses).map(&body));
    if !before {
        lines.push(list);
    }
    lines.join("\n") + "\n"
}

fn refused(text: &str) -> bool {
    Analysis::from_text(text).diagnostics().iter().any(|d| d.message == MESSAGE)
}

#[test]
fn a_refused_document_is_not_read_through_its_aliases() {
    let text = format!(
        "x-env: &e [{}]\nservices:\n{}",
        (0..15_000).map(|i| format!("A{i}=1")).collect::<Vec<_>>().join(","),
        (0..1_000).map(|i| format!("  s{i}: {{image: x, environment: *e, resources: *e}}\n")).collect::<String>()
    );
    let a = Analysis::from_text(&text);
    let error = a.diagnostics().into_iter().find(|d| d.message == MESSAGE).expect("refused");
    // Where the decoder gives up: the alias that passes the ratio (the 31st service's).
    assert_eq!(&text[error.range.start..error.range.end], "*e");
    assert!(a.model().services.is_empty(), "the model of a refused document is empty");
    // A few uses of a large list are fine with yaml.v2.
    let text = text.lines().take(12).collect::<Vec<_>>().join("\n");
    assert!(!refused(&text));
}

#[test]
fn check_refuses_what_yaml_v2_refuses() {
    let Some(reader) = std::env::var_os("YAML_V2") else {
        skip::skipped("yaml_v2_aliasing (yaml.v2's verdicts)", "YAML_V2 is not set to the built reader");
        return;
    };
    let dir = std::env::temp_dir().join(format!("convox-lsp-aliasing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Rng(23);
    let docs: Vec<String> = (0..120).map(|_| document(&mut rng)).collect();
    let names: Vec<String> = (0..docs.len()).map(|i| format!("d{i}.yml")).collect();
    for (name, text) in names.iter().zip(&docs) {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let out = std::process::Command::new(reader).args(&names).current_dir(&dir).output().unwrap();
    let verdicts = String::from_utf8(out.stdout).unwrap();
    let (mut refusals, mut differences) = (0, Vec::new());
    for ((line, text), name) in verdicts.lines().zip(&docs).zip(&names) {
        let v2 = line.contains("excessive aliasing");
        refusals += usize::from(v2);
        if v2 != refused(text) {
            differences.push(format!("{name}: yaml.v2 refuses: {v2} ({} bytes)", text.len()));
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(verdicts.lines().count(), docs.len());
    assert!(refusals >= 8, "too few refusals to compare: {refusals}");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn the_formatter_does_not_expand_aliases() {
    use convox_lsp::ide::format::{FormatOptions, format};
    let list = |n: usize, item: &str| vec![item; n].join(",");
    // 300,000 nodes once expanded, which yaml.v2 reads: formatted, its tree compared with aliases
    // kept (libyaml's expanded values are not built).
    let text = format!("a0: &a0 [{}]\nb:   [{}]\nc: [{}]\n", list(3000, "x"), list(100, "*a0"), list(3000, "y"));
    let formatted = format(&text, &FormatOptions::default()).expect("formatted");
    assert!(formatted.contains("b: [*a0"), "{}", &formatted[..200.min(formatted.len())]);
    // 100 uses of a list of 50,000: yaml.v2 refuses it, and so does the formatter, saying why.
    let text = format!("a0: &a0 [{}]\nb: [{}]\n", list(50_000, "x"), list(100, "*a0"));
    let refused = format(&text, &FormatOptions::default()).expect_err("refused");
    assert!(refused.message.contains(MESSAGE), "{}", refused.message);
}
