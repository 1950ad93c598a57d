//! Rename and format over generated manifests written with the YAML a user may reach for:
//! anchors on names and lists, aliases, merge keys, tags, flow collections, block scalars of
//! every indicator (`|`, `>`, `|-`, `|+`, `>2`, `|1-` ...) with blank lines that carry spaces, odd
//! indentation and spacing. Checked against libyaml (`yaml_serde`, the project's strict loader):
//! the formatted file loads to the same data and formatting it again changes nothing; the renamed
//! file loads to the same data with the name changed where Convox reads it (aliases expanded).
//!
//! 2,000 cases by default (CI); `YAML_PROP_CASES=50000 cargo test --release --test yaml_props`
//! for more.

use convox_lsp::ide::format::{FormatOptions, format};
use convox_lsp::ide::{Analysis, navigation};
use proptest::prelude::*;
use serde::Deserialize;
use yaml_serde::Value;

/// A small deterministic generator, seeded by proptest.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// A generated manifest and where its names are.
struct Doc {
    text: String,
    /// (offset of a declared name, its kind: "service" or "resource", the name).
    names: Vec<(usize, &'static str, String)>,
}

fn pad(g: &mut Gen) -> String {
    " ".repeat(1 + g.below(3))
}

/// A block scalar at `indent` (its content indented more), with a random header.
fn block_scalar(g: &mut Gen, indent: usize) -> String {
    let style = g.pick(&["|", ">"]);
    let chomp = g.pick(&["", "-", "+"]);
    let explicit = g.chance(25);
    let body_indent = if explicit { indent + 1 + g.below(2) } else { indent + 1 + g.below(3) };
    let header = if explicit { format!("{style}{}{chomp}", body_indent - indent) } else { format!("{style}{chomp}") };
    let mut out = format!("{header}\n");
    let lines = 1 + g.below(4);
    for i in 0..lines {
        match g.below(6) {
            // A blank line, empty or with spaces no wider than the content (not before the first).
            0 if i > 0 => out += &format!("{}\n", " ".repeat(g.below(body_indent + 1))),
            // More indented: never the first line (it sets the indentation).
            1 if i > 0 => out += &format!("{}  more indented {i}\n", " ".repeat(body_indent)),
            _ => out += &format!("{}line {i} # not a comment\n", " ".repeat(body_indent)),
        }
    }
    // Trailing blank lines, some wider than the content (their extra spaces are content).
    for _ in 0..g.below(3) {
        out += &format!("{}\n", " ".repeat(g.below(body_indent + 3)));
    }
    out
}

fn generate(seed: u64) -> Doc {
    let mut g = Gen(seed | 1);
    let mut text = String::new();
    let mut names = Vec::new();
    let resources: Vec<String> = (0..1 + g.below(3)).map(|i| format!("db{i}")).collect();
    let services: Vec<String> = (0..1 + g.below(3)).map(|i| format!("web{i}")).collect();
    // Extension keys holding anchored nodes, read through aliases below.
    let res_list = resources[..1 + g.below(resources.len())].join(", ");
    text += &format!("x-res: &res [{res_list}]\n");
    text += &format!("x-base: &base\n{}image: nginx\n", pad(&mut g));
    text += "resources:\n";
    let ri = pad(&mut g);
    for r in &resources {
        let anchor = if g.chance(20) { format!("&r{r} ") } else { String::new() };
        text += &format!("{ri}{anchor}");
        names.push((text.len(), "resource", r.clone()));
        text += &format!("{r}:\n{ri}{}type:{}postgres\n", pad(&mut g), pad(&mut g));
    }
    text += "services:\n";
    let si = pad(&mut g);
    for s in &services {
        let props = g.pick(&["", "&s_NAME ", "!!str ", "&s_NAME !!str "]).replace("NAME", s);
        text += &format!("{si}{props}");
        names.push((text.len(), "service", s.clone()));
        text += &format!("{s}:\n");
        let bi = format!("{si}{}", pad(&mut g));
        if g.chance(50) {
            text += &format!("{bi}<<: *base\n");
        } else {
            text += &format!("{bi}image: {}\n", g.pick(&["nginx", "'nginx'", "\"nginx:1\"", "!!str nginx"]));
        }
        match g.below(4) {
            0 => text += &format!("{bi}resources: *res\n"),
            1 => text += &format!("{bi}resources: [{}]\n", resources[g.below(resources.len())]),
            2 => {
                text += &format!("{bi}resources:\n");
                let li = if g.chance(50) { bi.clone() } else { format!("{bi}{}", pad(&mut g)) };
                for r in &resources {
                    let env = if g.chance(30) { ":OTHER_URL" } else { "" };
                    text += &format!("{li}-{}{r}{env}\n", pad(&mut g));
                }
            }
            _ => {}
        }
        text += &format!("{bi}command: ");
        text += &block_scalar(&mut g, bi.len());
        text += &format!("{bi}environment: {}\n", g.pick(&["[A=1, B=2]", "{}", "[]", "\n#c\n"]).trim_end());
    }
    if g.chance(60) {
        text += "timers:\n  clean:\n    schedule: \"0 3 * * *\"\n    command: bin/clean\n";
        text += &format!("    service: {}\n", services[0]);
    }
    Doc { text, names }
}

/// The first document's data, aliases and merge keys expanded, `x-*` keys left out (they hold the
/// anchored nodes, which a rename changes with what reads them).
fn data(text: &str) -> Value {
    let mut v = Value::deserialize(yaml_serde::Deserializer::from_str(text).next().unwrap()).unwrap();
    v.apply_merge().unwrap();
    if let Value::Mapping(m) = &mut v {
        m.retain(|k, _| !k.as_str().is_some_and(|k| k.starts_with("x-")));
    }
    v
}

/// `v` with the name renamed where Convox reads it.
fn renamed(mut v: Value, kind: &str, old: &str, new: &str) -> Value {
    let rename_key = |m: &mut yaml_serde::Mapping| {
        if let Some(body) = m.remove(old) {
            m.insert(Value::from(new), body);
        }
    };
    let m = v.as_mapping_mut().unwrap();
    if kind == "resource" {
        if let Some(Value::Mapping(r)) = m.get_mut("resources") {
            rename_key(r);
        }
        for (_, s) in m.get_mut("services").and_then(Value::as_mapping_mut).into_iter().flatten() {
            for item in s.get_mut("resources").and_then(Value::as_sequence_mut).into_iter().flatten() {
                let Some(text) = item.as_str() else { continue };
                let (name, rest) = text.split_once(':').map_or((text, None), |(n, r)| (n, Some(r)));
                if name == old {
                    *item = Value::from(rest.map_or(new.to_string(), |r| format!("{new}:{r}")));
                }
            }
        }
    } else {
        if let Some(Value::Mapping(s)) = m.get_mut("services") {
            rename_key(s);
        }
        for (_, t) in m.get_mut("timers").and_then(Value::as_mapping_mut).into_iter().flatten() {
            if t.get("service").and_then(Value::as_str) == Some(old) {
                t["service"] = Value::from(new);
            }
        }
    }
    v
}

fn apply(text: &str, edits: &[(convox_lsp::text::TextRange, String)]) -> String {
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = text.to_string();
    for (r, new) in sorted {
        out.replace_range(r.start..r.end, &new);
    }
    out
}

fn cases() -> u32 {
    std::env::var("YAML_PROP_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn format_keeps_data_and_is_idempotent(seed in any::<u64>()) {
        let doc = generate(seed);
        let before = data(&doc.text);
        let out = format(&doc.text, &FormatOptions::default());
        let out = out.unwrap_or_else(|e| panic!("refused ({}) {:?}\n{}", e.offset, e.message, doc.text));
        prop_assert_eq!(data(&out), before, "data changed:\n{}\n=>\n{}", doc.text, out);
        let again = format(&out, &FormatOptions::default()).expect("the formatted text formats");
        prop_assert_eq!(&again, &out, "not idempotent:\n{}", doc.text);
    }

    #[test]
    fn rename_changes_the_name_and_nothing_else(seed in any::<u64>(), pick in any::<usize>()) {
        let doc = generate(seed);
        let (offset, kind, old) = doc.names[pick % doc.names.len()].clone();
        let a = Analysis::from_text(&doc.text);
        let new = format!("new-{old}");
        let r = navigation::rename(&a, offset + 1, &new);
        let r = r.unwrap_or_else(|e| panic!("rename of {kind} {old} refused: {e}\n{}", doc.text));
        let text = apply(&doc.text, &r.edits);
        let after = Analysis::from_text(&text);
        prop_assert!(after.parse().errors.is_empty(), "{:?}\n{}", after.parse().errors, text);
        prop_assert_eq!(data(&text), renamed(data(&doc.text), kind, &old, &new), "{}\n=>\n{}", doc.text, text);
    }
}
