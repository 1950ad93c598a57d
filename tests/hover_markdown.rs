//! Hovers render the same in every client: every hover of the example manifests, with rack and
//! app known and unknown, parsed by a CommonMark renderer (pulldown-cmark, as Helix renders
//! hovers; VS Code's markdown-it follows the same spec). No raw HTML (a `<rack>` outside a code
//! span disappears), no emphasis the text did not ask for (`A_URL/_USER` in italics), every word
//! of the text still there, lines that fit an 80-column float, the kubectl block near the top.

use convox_lsp::context::Context;
use convox_lsp::ide::Analysis;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// The manifests: the project's example and the seeds' complete example (the mapping reference's
/// `convox.yml`, saved as it is there).
const MANIFESTS: [(&str, &str); 2] = [
    ("examples/convox.yml", include_str!("../examples/convox.yml")),
    ("tests/fixtures/seed-example.yml", include_str!("fixtures/seed-example.yml")),
];

/// Every offset worth hovering: each key, each value, each list item.
fn offsets(text: &str) -> Vec<usize> {
    let mut v = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end();
        let indent = body.len() - body.trim_start().len();
        if !body.trim_start().starts_with('#') && !body.trim().is_empty() {
            let item = body[indent..].strip_prefix("- ").map(|_| indent + 2);
            v.push(start + item.unwrap_or(indent));
            if let Some(i) = body.find(": ") {
                v.push(start + i + 2);
            }
        }
        start += line.len();
    }
    v
}

/// The words a reader sees, with Markdown's own characters set aside.
fn words(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|w| w.chars().filter(|c| !matches!(c, '`' | '*' | '\\')).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect()
}

/// What is wrong with one hover's Markdown, if anything.
fn problems(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rendered = String::new();
    let mut previous: Option<Event> = None;
    for event in Parser::new(md) {
        match &event {
            Event::Html(h) | Event::InlineHtml(h) => out.push(format!("raw HTML {h:?}")),
            Event::Start(Tag::Emphasis) => out.push("emphasis".into()),
            Event::Start(Tag::Strong) if !matches!(previous, Some(Event::Start(Tag::Paragraph))) => {
                out.push("strong text inside a sentence".into())
            }
            Event::Text(t) | Event::Code(t) => rendered.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item) => rendered.push(' '),
            Event::End(TagEnd::CodeBlock) => rendered.push(' '),
            _ => {}
        }
        previous = Some(event);
    }
    // The source's words, fences and list markers aside, against what was rendered.
    let source: String = md
        .lines()
        .filter(|l| !l.starts_with("```"))
        .map(|l| l.strip_prefix("- ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let (want, got) = (words(&source), words(&rendered));
    if let Some(i) = (0..want.len().max(got.len())).find(|&i| want.get(i) != got.get(i)) {
        out.push(format!("word {i}: source {:?}, rendered {:?}", want.get(i), got.get(i)));
    }
    let mut fenced = false;
    for (n, line) in md.lines().enumerate() {
        if line.starts_with("```") {
            fenced = !fenced;
            if fenced && n > 20 {
                out.push(format!("the kubectl block starts on line {n}"));
            }
        } else if !fenced && line.chars().count() > 78 && breakable(line) {
            out.push(format!("line {n} is {} characters", line.chars().count()));
        }
    }
    out
}

/// Whether a line has a space outside code spans to break at (one long name in a code span
/// cannot be broken without changing it).
fn breakable(line: &str) -> bool {
    let body = line.trim_start();
    let body = body.strip_prefix("- ").unwrap_or(body);
    body.split('`').step_by(2).any(|outside| outside.contains(' '))
}

#[test]
fn every_hover_renders_the_same_in_every_client() {
    let known = Context { rack: Some("acme".into()), app: Some("shop".into()), ..Context::default() };
    let (mut hovers, mut failures) = (0, Vec::new());
    for (file, text) in MANIFESTS {
        let a = Analysis::from_text(text);
        for ctx in [&known, &Context::default()] {
            for offset in offsets(text) {
                let Some(h) = a.hover(offset, ctx) else { continue };
                hovers += 1;
                for p in problems(&h.markdown) {
                    failures.push(format!("{file}@{offset} ({:?}): {p}\n{}", ctx.rack, h.markdown));
                }
            }
        }
    }
    assert!(hovers > 500, "only {hovers} hovers");
    assert!(failures.is_empty(), "{} problems in {hovers} hovers:\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn the_check_sees_what_clients_drop() {
    assert!(problems("binds ServiceAccount web in <rack>-shop\n").iter().any(|p| p.contains("HTML")));
    assert!(problems("DATABASE_URL/_USER/_PASS/ via *x*\n").iter().any(|p| p.contains("emphasis")));
    assert!(problems("**title** — fine `<rack>`\n").is_empty());
}

#[test]
fn unknown_rack_and_app_are_said_once() {
    let a = Analysis::from_text("services:\n  web:\n    port: 3000\n");
    let md = a.hover("services:\n  w".len(), &Context::default()).unwrap().markdown;
    assert_eq!(md.matches(".convox/rack").count(), 1, "{md}");
    assert!(md.contains("`convox.rack`"), "{md}");
}

/// The knowledge base's prose is clean Markdown by itself, for every reader that does not go
/// through hover (completion documentation, the JSON Schema's `markdownDescription`,
/// `docs/reference.md`).
#[test]
fn the_knowledge_base_prose_is_clean_markdown() {
    use convox_lsp::schema::schema;
    let mut texts: Vec<(String, String)> = Vec::new();
    for (pattern, doc) in schema().keys() {
        texts.push((format!("{pattern} summary"), doc.summary.clone()));
        texts.push((format!("{pattern} description"), doc.description.clone()));
        texts.extend(doc.no_k8s.iter().map(|n| (format!("{pattern} no_k8s"), n.clone())));
        texts.extend(doc.k8s.iter().filter_map(|r| Some((format!("{pattern} {}", r.kind), r.note.clone()?))));
    }
    for (name, t) in schema().resource_types() {
        texts.push((format!("{name} summary"), t.summary.clone()));
        texts.push((format!("{name} description"), t.description.clone()));
        texts.extend(t.aws.iter().map(|a| (format!("{name} aws"), a.clone())));
    }
    assert!(texts.len() > 800, "{}", texts.len());
    let bad: Vec<String> = texts
        .iter()
        .filter_map(|(what, text)| {
            let p: Vec<String> = problems(text).into_iter().filter(|p| !p.starts_with("line ")).collect();
            (!p.is_empty()).then(|| format!("{what}: {p:?}"))
        })
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
