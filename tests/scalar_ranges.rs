//! Ranges inside scalars (`resources: - name:ENV`, `environment: - KEY=value`) over generated
//! plain, single-quoted and double-quoted values with escapes and non-ASCII characters: no panic,
//! every range inside its scalar and on character boundaries, exact where the source spells the
//! value; rename and quick fixes give YAML that parses to the intended value.

use convox_lsp::ide::{Analysis, navigation};
use proptest::prelude::*;

/// One character of a name: ASCII, accented, CJK, an emoji, a quote, a backslash.
fn name_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => Just('-'),
        1 => Just('é'),
        1 => Just('日'),
        1 => Just('😀'),
        1 => Just('\''),
        1 => Just('"'),
        1 => Just('\\'),
    ]
}

/// How a value is written: plain (when YAML allows it), single-quoted, or double-quoted with
/// some characters escaped (`\xHH`, `\uHHHH`, `\UHHHHHHHH`).
#[derive(Clone, Copy, Debug)]
enum Style {
    Plain,
    Single,
    Double { escape_every: usize },
}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![Just(Style::Plain), Just(Style::Single), (0usize..4).prop_map(|e| Style::Double { escape_every: e })]
}

fn write(value: &str, style: Style) -> String {
    let plain_ok = value.chars().next().is_some_and(|c| c.is_alphabetic())
        && value.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | ':' | '=' | '_'));
    match style {
        Style::Plain if plain_ok => value.to_string(),
        Style::Plain | Style::Single => format!("'{}'", value.replace('\'', "''")),
        Style::Double { escape_every } => {
            let mut out = String::from("\"");
            for (i, c) in value.chars().enumerate() {
                let escape = escape_every > 0 && i % escape_every == 0;
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if escape && (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
                    c if escape && (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c if escape => out.push_str(&format!("\\U{:08x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
    }
}

fn manifest(resource_item: &str, env_item: &str) -> String {
    format!(
        "resources:\n  db:\n    type: postgres\nservices:\n  web:\n    resources:\n      - {resource_item}\n    environment:\n      - {env_item}\n"
    )
}

fn apply(text: &str, edits: &[(convox_lsp::text::TextRange, String)]) -> String {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = text.to_string();
    for (r, s) in edits {
        out.replace_range(r.start..r.end, &s);
    }
    out
}

fn yaml(text: &str) -> yaml_serde::Value {
    yaml_serde::from_str(text).unwrap_or_else(|e| panic!("edited text does not parse: {e}\n{text}"))
}

fn check(name: String, alias: String, key: String, default: String, styles: (Style, Style)) {
    let res_value = format!("{name}:{alias}");
    let env_value = format!("{key}={default}");
    let (res_src, env_src) = (write(&res_value, styles.0), write(&env_value, styles.1));
    let text = manifest(&res_src, &env_src);
    let a = Analysis::from_text(&text);
    let res_start = text.find(&format!("- {res_src}\n")).unwrap() + 2;
    let res_scalar = res_start..res_start + res_src.len();
    let env_start = text.rfind(&format!("- {env_src}\n")).unwrap() + 2;
    let env_scalar = env_start..env_start + env_src.len();

    for d in a.diagnostics() {
        assert!(text.is_char_boundary(d.range.start) && text.is_char_boundary(d.range.end), "{d:?}");
        if let Some(fix) = &d.fix {
            let _ = yaml(&apply(&text, &fix.edits));
        }
    }
    let web = a.model().service("web").unwrap();
    let r = &web.resources[0];
    for (span, value) in
        [(r.name.range, &r.name.value), (r.alias.as_ref().unwrap().range, &r.alias.as_ref().unwrap().value)]
    {
        assert!(res_scalar.start <= span.start && span.end <= res_scalar.end, "{span:?} outside {res_scalar:?}");
        assert!(text.get(span.start..span.end).is_some(), "off a char boundary");
        // Exact where the source spells the value; else the whole scalar.
        assert!(&text[span.start..span.end] == value.as_str() || (span.start..span.end) == res_scalar, "{span:?}");
    }
    let e = &web.environment[0];
    assert!(env_scalar.start <= e.name.range.start && e.name.range.end <= env_scalar.end);
    assert!(text.get(e.name.range.start..e.name.range.end).is_some());

    // Rename the resource from its declaration: when the reference names `db`, it follows.
    let decl = text.find("  db:").unwrap() + 2;
    let rename = navigation::rename(&a, decl, "main").unwrap();
    let renamed = yaml(&apply(&text, &rename.edits));
    assert!(renamed["resources"]["main"].is_mapping());
    let want = if name == "db" { format!("main:{alias}") } else { res_value.clone() };
    assert_eq!(renamed["services"]["web"]["resources"][0].as_str(), Some(want.as_str()), "{text}");
    assert_eq!(renamed["services"]["web"]["environment"][0].as_str(), Some(env_value.as_str()));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn ranges_and_edits_inside_scalars(
        name in prop_oneof![Just("db".to_string()), prop::collection::vec(name_char(), 1..5).prop_map(|v| v.into_iter().collect())],
        alias in prop::collection::vec(name_char(), 1..6).prop_map(|v| v.into_iter().collect::<String>().to_uppercase()),
        key in prop::collection::vec(name_char(), 1..5).prop_map(|v| v.into_iter().collect::<String>()),
        default in prop::collection::vec(name_char(), 0..5).prop_map(|v| v.into_iter().collect::<String>()),
        styles in (style(), style()),
    ) {
        prop_assume!(!name.contains(':') && !key.contains('='));
        check(name, alias, key, default, styles);
    }
}

/// The case from the issue: a quoted non-ASCII name used to crash `check` (exit 101).
#[test]
fn quoted_non_ascii_reference() {
    check("dé".into(), "DB_URL".into(), "A".into(), "b".into(), (Style::Double { escape_every: 0 }, Style::Plain));
    check("db".into(), "DB_URL".into(), "A".into(), "b".into(), (Style::Double { escape_every: 0 }, Style::Single));
    check("db".into(), "DB_URL".into(), "A".into(), "b".into(), (Style::Double { escape_every: 1 }, Style::Plain));
}
