//! Retyping: for every corpus file, each line is deleted and typed back one character at a time
//! through the incremental edit path the server uses (`Text::replace`, `Parser::edit`,
//! `Parser::parse`, a new `Analysis` per version), and completion is asked for after every
//! character. No step may panic; at every position where the item that was there is knowable,
//! completion must offer it, replacing from where it starts.
//!
//! Knowable (decided from the original file, not from what completion offers):
//! - a key the knowledge base names (not a `*` name such as a service's, not removed or without
//!   effect, no diagnostic on it in the original file);
//! - a value from the knowledge base's closed set (its `values`, `true`/`false` for a boolean key),
//!   a resource type, or a name declared in the file where the key refers to one (a timer's or a
//!   balancer's `service`, a `configMounts` id);
//! - a list item that names something declared: a service's `resources` entry (a declared
//!   resource), a service's `environment` entry (a name of the top-level `environment`, or a
//!   variable a linked resource injects: `<NAME>_URL`, `_USER` ...), a `budget.neverAutoShutdown`
//!   service.
//!
//! CI runs a deterministic sample (every `RETYPE_EVERY`-th line, 9 by default); `RETYPE_EVERY=1`
//! retypes every line of every file. Files that are not valid YAML are left out (what was there is
//! not knowable). Skipped, with a notice, without `../shared/corpus`.

mod skip;
use std::collections::BTreeMap;
use std::path::PathBuf;

use convox_lsp::ide::Analysis;
use convox_lsp::schema;
use convox_lsp::syntax::{KeyPath, Parser, Segment, Target, parse_fast, parse_one_broken_line};
use convox_lsp::text::Text;

/// A document as the server holds it: the rope and the incremental parser.
struct Doc {
    text: Text,
    parser: Parser,
}

impl Doc {
    fn new(text: &str) -> Self {
        let mut parser = Parser::new();
        parser.parse(text);
        Self { text: Text::new(text), parser }
    }

    fn replace(&mut self, start: usize, end: usize, new: &str) {
        let e = self.text.replace(start, end, new);
        self.parser.edit(&e);
    }

    fn analysis(&mut self) -> Analysis {
        let s = self.text.to_string();
        let p = self.parser.parse(&s);
        Analysis::new(s.into(), p)
    }
}

/// What must be offered while a span of the line is typed: `label`, replacing from `start`
/// (a column of the line) for every cursor column in `start..=end`.
#[derive(Debug)]
struct Expect {
    what: &'static str,
    start: usize,
    end: usize,
    label: String,
}

#[derive(Default)]
struct Tally {
    steps: usize,
    /// Steps whose text the fast path read, that it read around one broken line (`mend.rs`, each
    /// checked against the tolerant path), and that went to tree-sitter (valid or not).
    fast: usize,
    mended: usize,
    tolerant: usize,
    checked: BTreeMap<&'static str, (usize, usize)>,
    misses: Vec<String>,
}

fn pattern(path: &KeyPath) -> String {
    schema::schema().lookup(path).pattern
}

/// The knowable items of the line at `start..end` of the original file.
fn expectations(a: &Analysis, start: usize, end: usize) -> Vec<Expect> {
    let text = a.text();
    let line = &text[start..end];
    let indent = line.len() - line.trim_start_matches([' ', '-']).len();
    let content = line[indent..].split(" #").next().unwrap_or("").trim_end();
    if content.is_empty() || content.starts_with('#') || line[..indent].contains("--") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let at = a.key_path_at(start + indent);
    match at.target {
        Target::Key(r) => {
            if let Some(e) = key_expect(a, &at.path, r, start) {
                out.push(e);
            }
            let colon = r.end - start;
            let rest = &line[colon..];
            if let Some(v) = rest.strip_prefix(": ") {
                let v = v.split(" #").next().unwrap_or("").trim_end();
                let vstart = colon + 2;
                if let Some(label) = value_label(a, &at.path, v) {
                    out.push(Expect { what: "value", start: vstart, end: vstart + v.len(), label });
                }
            }
        }
        Target::Value(r) if matches!(at.path.0.last(), Some(Segment::Index(_))) => {
            let v = &text[r.start..r.end];
            if let Some(label) = item_label(a, &at.path, v) {
                // Past `name:` or `NAME=` the user types an alias or a value of their own.
                let end = r.start - start + label.len();
                out.push(Expect { what: "list item", start: r.start - start, end, label });
            }
        }
        _ => {}
    }
    out
}

fn key_expect(a: &Analysis, path: &KeyPath, r: convox_lsp::text::TextRange, start: usize) -> Option<Expect> {
    let key = path.keys().last()?;
    let m = schema::schema().lookup(path);
    let doc = m.doc?;
    let named = m.pattern.rsplit(['.', ']']).next() == Some(key);
    // A resource option the knowledge base gives to other resource types only.
    let keys: Vec<&str> = path.keys().collect();
    if let ["resources", name, "options", _] = keys.as_slice()
        && let Some(t) = a.model().resource(name).and_then(|r| r.type_name())
        && schema::schema().resource_type(t).is_some()
        && !doc.types.is_empty()
        && !doc.types.iter().any(|x| x == t)
    {
        return None;
    }
    let flagged = a.diagnostics().iter().any(|d| d.range.start <= r.start && r.end <= d.range.end);
    (named && doc.status.is_none() && !flagged).then(|| Expect {
        what: "key",
        start: r.start - start,
        end: r.end - start,
        label: key.to_string(),
    })
}

/// A value the knowledge base or the file declares, as completion would label it.
fn value_label(a: &Analysis, path: &KeyPath, v: &str) -> Option<String> {
    let sch = schema::schema();
    let m = sch.lookup(path);
    let doc = m.doc?;
    let model = a.model();
    let unquoted = v.trim_matches('"');
    let known = match m.pattern.as_str() {
        "resources.*.type" => sch.resource_type(v).is_some(),
        "timers.*.service" | "balancers.*.service" => model.service(v).is_some(),
        "services.*.configMounts[].id" => model.configs.iter().any(|c| c.id.as_ref().is_some_and(|i| i.value == v)),
        "timers.*.schedule" => false,
        _ => {
            doc.status.is_none()
                && (doc.values.iter().any(|x| x == unquoted)
                    || (doc.values.is_empty()
                        && doc.accepts.contains(&schema::Shape::Boolean)
                        && matches!(v, "true" | "false")))
        }
    };
    known.then(|| unquoted.to_string())
}

/// A list item naming something declared: its label.
fn item_label(a: &Analysis, path: &KeyPath, v: &str) -> Option<String> {
    let model = a.model();
    let keys: Vec<&str> = path.keys().collect();
    match pattern(path).as_str() {
        "services.*.resources[]" => {
            let name = v.split(':').next().unwrap_or(v);
            model.resource(name).map(|_| name.to_string())
        }
        "budget.neverAutoShutdown[]" => model.service(v).map(|_| v.to_string()),
        "services.*.environment[]" => {
            let name = v.split('=').next().unwrap_or(v);
            let service = model.service(keys.get(1)?)?;
            let top = model.environment.iter().any(|e| e.name.value == name);
            let injected = service.resources.iter().any(|r| {
                r.alias.as_ref().map_or_else(
                    || {
                        let suffix = name.strip_prefix(&format!("{}_", convox_lsp::model::env_prefix(&r.name.value)));
                        // pkg/manifest/resource.go:14 AdditionalEnvNames
                        suffix.is_some_and(|v| ["URL", "USER", "PASS", "HOST", "PORT", "NAME"].contains(&v))
                    },
                    |al| al.value == name,
                )
            });
            (top || injected).then(|| name.to_string())
        }
        _ => None,
    }
}

/// Deletes line `i` of `text`, types it back character by character and checks each step.
fn retype(name: &str, text: &str, original: &Analysis, i: usize, t: &mut Tally) {
    let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(p, _)| p + 1)).collect();
    let (start, end) = (starts[i], text[starts[i]..].find(['\r', '\n']).map_or(text.len(), |e| starts[i] + e));
    let line = &text[start..end];
    let expects = expectations(original, start, end);
    let mut doc = Doc::new(text);
    doc.replace(start, end, "");
    let mut typed = 0;
    for c in std::iter::once(None).chain(line.chars().map(Some)) {
        if let Some(c) = c {
            doc.replace(start + typed, start + typed, c.encode_utf8(&mut [0; 4]));
            typed += c.len_utf8();
        }
        let a = doc.analysis();
        which_path(a.text(), t);
        let cursor = start + typed;
        let items = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| a.completions(cursor)))
            .unwrap_or_else(|_| panic!("{name}:{}: completion panicked after typing {:?}", i + 1, &line[..typed]));
        t.steps += 1;
        for e in expects.iter().filter(|e| (e.start..=e.end).contains(&typed)) {
            let slot = t.checked.entry(e.what).or_default();
            slot.0 += 1;
            let hit = items.iter().any(|it| it.label == e.label && it.replace.start == start + e.start);
            if hit {
                slot.1 += 1;
            } else {
                t.misses.push(format!(
                    "{name}:{}: {} {:?} not offered at {:?}|",
                    i + 1,
                    e.what,
                    e.label,
                    &line[..typed]
                ));
            }
        }
    }
}

/// Which path read `text`; a text read around one broken line must be read as the tolerant path
/// reads it.
fn which_path(text: &str, t: &mut Tally) {
    if parse_fast(text).is_some() {
        t.fast += 1;
    } else if let Some(m) = parse_one_broken_line(text) {
        let slow = Parser::lowering_only().parse_tolerant(text);
        assert_eq!((&m.errors, &m.broken), (&slow.errors, &slow.broken), "{text:?}");
        assert!(m.documents == slow.documents, "the two paths read different nodes: {text:?}");
        t.mended += 1;
    } else {
        t.tolerant += 1;
    }
}

#[test]
fn retyping_every_line_of_the_corpus_offers_what_was_there() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        skip::skipped("retype", "no ../shared/corpus beside the project");
        return;
    };
    let every: usize = std::env::var("RETYPE_EVERY").ok().and_then(|v| v.parse().ok()).unwrap_or(9).max(1);
    let mut files: Vec<PathBuf> =
        entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "yml")).collect();
    files.sort();
    let mut t = Tally::default();
    let (mut n, mut skipped) = (0usize, 0);
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let original = Analysis::from_text(&text);
        if !original.parse().errors.is_empty() {
            // What was there is not knowable where the file itself is not valid YAML.
            skipped += 1;
            continue;
        }
        for i in 0..text.split('\n').count() {
            n += 1;
            if n.is_multiple_of(every) {
                retype(&name, &text, &original, i, &mut t);
            }
        }
    }
    let (mut all, mut hit) = (0, 0);
    for (what, (c, h)) in &t.checked {
        eprintln!("{what}: {h} of {c} positions offered what was there");
        all += c;
        hit += h;
    }
    eprintln!(
        "retyped every {every}th line of {} files ({skipped} with syntax errors skipped): {} steps, hit rate {hit}/{all}",
        files.len() - skipped,
        t.steps
    );
    eprintln!(
        "texts read by the fast path: {}; around one broken line without tree-sitter: {}; by tree-sitter: {}",
        t.fast, t.mended, t.tolerant
    );
    for m in t.misses.iter().take(60) {
        eprintln!("  {m}");
    }
    assert!(all > 0, "no knowable position was checked");
    assert!(t.misses.is_empty(), "{} positions did not offer what was there", t.misses.len());
}
