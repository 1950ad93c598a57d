//! The object model and the indentation scan read in place give what the copies gave: over every
//! manifest of `../shared/corpus` (and the example), each object's `to_yaml`, `set_by` and
//! `has_field` equal the same questions asked of `Object::value()`, and the indentation scan
//! with the text's shallow lines equals the scan of every line, at every line of every file
//! (and with CRLF line ends).

mod skip;
use std::path::PathBuf;

use convox_lsp::ide::Analysis;
use convox_lsp::ide::objects::{Field, Object, RenderContext};
use convox_lsp::syntax::{indentation_scan, indentation_scan_with, shallow_lines};

fn manifests() -> Vec<(String, String)> {
    let mut out = vec![("example".to_string(), include_str!("../examples/convox.yml").to_string())];
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        skip::skipped("in_place", "no ../shared/corpus beside the project");
        return out;
    };
    let mut paths: Vec<PathBuf> =
        entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "yml")).collect();
    paths.sort();
    for p in paths {
        if let Ok(text) = std::fs::read_to_string(&p) {
            out.push((p.display().to_string(), text));
        }
    }
    out
}

/// `set_by` as it was: the whole value walked, the fields from the key kept.
fn set_by_copied(o: &Object, key: &str) -> Vec<(String, Field)> {
    let below = format!("{key}.");
    let under_list = format!("{key}[]");
    let from_key = |k: &String| k == key || k.starts_with(&below) || k.starts_with(&under_list);
    let v = o.value();
    let mut out = Vec::new();
    v.walk("", &mut out);
    out.into_iter().filter(|(_, f)| f.from.iter().any(from_key)).map(|(p, f)| (p, f.clone())).collect()
}

fn has_field_copied(o: &Object, path: &str) -> bool {
    let (below, item) = (format!("{path}."), format!("{path}["));
    let v = o.value();
    let mut fields = Vec::new();
    v.walk("", &mut fields);
    fields.iter().any(|(p, _)| p == path || p.starts_with(&below) || p.starts_with(&item))
}

#[test]
fn objects_read_in_place_answer_as_their_copies() {
    let ctx = RenderContext::new(&convox_lsp::context::Context::default());
    let mut objects = 0;
    for (name, text) in manifests() {
        let a = Analysis::from_text(&text);
        let app = a.objects(&ctx);
        for o in app.objects.iter().chain(&app.outside) {
            objects += 1;
            assert_eq!(o.to_yaml(), o.value().to_yaml(), "{name}: {} {}", o.kind, o.name);
            let v = o.value();
            let mut walked = Vec::new();
            v.walk("", &mut walked);
            let mut keys: Vec<String> = o.from.clone();
            for (path, f) in &walked {
                keys.extend(f.from.iter().cloned());
                for k in f.from.iter() {
                    // Every key above one a field comes from (`services.web` for `services.web.port`).
                    let mut at = 0;
                    while let Some(i) = k[at..].find(['.', '[']) {
                        keys.push(k[..at + i].to_string());
                        at += i + 1;
                    }
                }
                for p in [path.clone(), format!("{path}x"), format!("{path}[]"), format!("{path}.nothing")] {
                    assert_eq!(o.has_field(&p), has_field_copied(o, &p), "{name}: {} {} has {p}", o.kind, o.name);
                }
            }
            keys.extend([
                "services".to_string(),
                "resources".into(),
                "timers".into(),
                "balancers".into(),
                "nothing".into(),
            ]);
            keys.sort();
            keys.dedup();
            for k in &keys {
                let copied = set_by_copied(o, k);
                assert_eq!(o.set_by(k), copied, "{name}: {} {} set by {k}", o.kind, o.name);
                let paths: Vec<String> = copied.into_iter().map(|(p, _)| p).collect();
                assert_eq!(o.paths_set_by(k), paths, "{name}: {} {} paths set by {k}", o.kind, o.name);
            }
        }
    }
    assert!(objects > 0);
}

#[test]
fn indentation_scan_with_shallow_lines_finds_what_the_full_scan_finds() {
    let mut checked = 0;
    for (name, text) in manifests() {
        for text in [text.clone(), text.replace('\n', "\r\n")] {
            let shallow = shallow_lines(&text);
            let mut offsets: Vec<usize> = vec![0, text.len()];
            for (i, c) in text.char_indices() {
                if c == '\n' || c == '\r' {
                    offsets.extend([i, i + 1]);
                }
                if c == ':' || c == '-' {
                    offsets.push(i + 1);
                }
            }
            for line_start in text.split_inclusive('\n').scan(0, |at, l| {
                let s = *at;
                *at += l.len();
                Some((s, l))
            }) {
                let (s, l) = line_start;
                let indent = l.len() - l.trim_start_matches(' ').len();
                offsets.extend([s + indent, s + indent / 2]);
            }
            offsets.retain(|&o| o <= text.len() && text.is_char_boundary(o));
            offsets.sort();
            offsets.dedup();
            for o in offsets {
                assert_eq!(
                    indentation_scan_with(&text, o, Some(&shallow)),
                    indentation_scan(&text, o),
                    "{name} at {o}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}
