//! The inputs that used to cost superlinear time (issue 23.3), at the sizes that took seconds,
//! with the answers they must give. No time is asserted (`benches/scaling.rs` measures growth);
//! a regression shows as a test that takes minutes.

use convox_lsp::context::Context;
use convox_lsp::ide::format::{FormatOptions, format};
use convox_lsp::ide::{Analysis, Code};

fn ctx() -> Context {
    Context { rack: Some("acme".into()), app: Some("shop".into()), ..Context::default() }
}

/// `services: ` and `{a: [` ten thousand times, never closed (about 50 KB): libyaml's scanner
/// checked every open level on every token (seconds); now it reads the first 130 levels.
#[test]
fn unclosed_deep_flow_collections() {
    let text = format!("services: {}", "{a: [".repeat(10_000));
    let a = Analysis::from_text(&text);
    let d = a.diagnostics();
    let syntax: Vec<_> = d.iter().filter(|d| d.code == Code::YamlSyntax).collect();
    assert!(!syntax.is_empty(), "{d:?}");
    assert!(syntax.iter().any(|d| d.message.contains("unclosed flow")), "{syntax:?}");
    assert!(format(&text, &FormatOptions::default()).is_err());
    a.explain(&ctx());
    a.render(&ctx(), None).ok();
}

/// The same depth, closed: read up to the lowering's limit, which is reported.
#[test]
fn closed_deep_flow_collections() {
    let text = format!("services: {}{}\n", "{a: [".repeat(10_000), "]}".repeat(10_000));
    let d = Analysis::from_text(&text).diagnostics();
    assert!(d.iter().any(|d| d.message.contains("nested deeper than")), "{d:?}");
    assert!(format(&text, &FormatOptions::default()).is_err());
}

/// A shallow flow collection with an error still gets libyaml's own message.
#[test]
fn shallow_flow_errors_keep_libyaml_words() {
    let d = Analysis::from_text("services:\n  web: {a: [1, 2}\n").diagnostics();
    assert!(d.iter().any(|d| d.code == Code::YamlSyntax && d.message.contains("did not find expected")), "{d:?}");
}

fn services(n: usize) -> String {
    let mut s = String::from("environment:\n  - SHARED=1\nservices:\n");
    for i in 0..n {
        s.push_str(&format!(
            "  s{i}:\n    build: .\n    port: {}\n    environment:\n      - V{i}=${{SHARED}}\n",
            3000 + i
        ));
    }
    s
}

/// `explain` looked each key's service up by a scan of the services (quadratic in services).
#[test]
fn explain_many_services() {
    let n = 1_200;
    let a = Analysis::from_text(&services(n));
    let rows = a.explain(&ctx());
    let ports: Vec<_> = rows.iter().filter(|r| r.path.ends_with(".port")).collect();
    assert_eq!(ports.len(), n);
    assert!(ports[n - 1].objects.iter().any(|o| o.starts_with("Service s1199")), "{:?}", ports[n - 1]);
    assert!(a.diagnostics().iter().all(|d| d.code != Code::UndeclaredVariable));
}

/// Every service the alias of one anchor: each alias walked the whole document (quadratic).
#[test]
fn many_aliases_of_one_anchor() {
    let n = 1_000;
    let mut text = String::from("x-base: &base\n  build: .\n  port: 3000\nservices:\n");
    for i in 0..n {
        text.push_str(&format!("  s{i}: *base\n"));
    }
    let a = Analysis::from_text(&text);
    let yaml = a.render(&ctx(), Some(&format!("s{}", n - 1))).unwrap();
    assert!(yaml.contains("containerPort: 3000"), "{yaml}");
}

/// Merge keys nested level after level, each level merging the one below four times
/// (`<<: [*a9, *a9, *a9, *a9]`): every lookup of a key not written read each source again, 4^12
/// readings (minutes); a source read once at a depth is not read again.
#[test]
fn nested_merge_keys() {
    // At the top level, where yaml.v2 applies merge keys (a struct, `mappingStruct`): Convox's
    // render of this shape at depth 3 labels every object `team: core` (checked with its
    // templates). Inside `services:` Convox drops merge keys, so the chain sits in `labels`.
    let chain = |depth: usize| {
        let mut text = String::from("x-a0: &a0\n  labels:\n    team: core\n");
        for i in 1..=depth {
            let p = i - 1;
            text.push_str(&format!("x-a{i}: &a{i}\n  <<: [*a{p}, *a{p}, *a{p}, *a{p}]\n  k{i}: {i}\n"));
        }
        text + &format!("<<: *a{depth}\nservices:\n  web:\n    build: .\n    port: 3000\n")
    };
    let a = Analysis::from_text(&chain(3));
    let yaml = a.render(&ctx(), Some("web")).unwrap();
    assert!(yaml.contains("team: core"), "{yaml}");
    assert!(yaml.contains("containerPort: 3000"), "{yaml}");
    let web = &a.model().services[0];
    assert_eq!(web.port.as_ref().map(|p| p.value.port), Some(3000));
    a.explain(&ctx());
    // At depth 12, yaml.v2 refuses the document for its alias expansion (the reader of
    // `tests/yaml_v2/main.go` says so): so does `check`, counting without expanding, and nothing
    // reads it through its aliases.
    let a = Analysis::from_text(&chain(12));
    assert!(a.diagnostics().iter().any(|d| d.message == "yaml: document contains excessive aliasing"));
    assert!(a.model().services.is_empty());
    a.explain(&ctx());
}

/// An anchor redefined: an alias reads the last one before it, as yaml.v2 does.
#[test]
fn an_alias_reads_the_anchor_before_it() {
    let text = "x-a: &p\n  port: 1000\n  build: .\nservices:\n  one: *p\nx-b: &p\n  port: 2000\nservices2: 1\n";
    let a = Analysis::from_text(text);
    let yaml = a.render(&ctx(), Some("one")).unwrap();
    assert!(yaml.contains("containerPort: 1000"), "{yaml}");
}

/// Thousands of diagnostics on one line, with an ignore comment in the file.
#[test]
fn many_diagnostics_on_one_line() {
    let keys: Vec<String> = (0..2_000).map(|i| format!("b{i}: 1")).collect();
    let text = format!("# convox-lsp: ignore[yaml-syntax]\nservices: {{web: {{{}}}}}\n", keys.join(", "));
    let d = Analysis::from_text(&text).diagnostics();
    assert!(d.len() >= 2_000, "{}", d.len());
    let silenced = format!("services: {{web: {{{}}}}} # convox-lsp: ignore\n", keys.join(", "));
    assert!(Analysis::from_text(&silenced).diagnostics().is_empty());
}
