//! The verdict Convox's YAML library gives. Convox reads convox.yml with gopkg.in/yaml.v2
//! (`pkg/manifest/manifest.go:57` at Convox 9e024526), a Go port of an older libyaml: it reads
//! only the first document, and rejects a few things the libyaml the parser checks with accepts.
//! `adjust` brings a parse's errors to yaml.v2's verdict: errors after the first document are
//! dropped, and what only yaml.v2 rejects is added (`tests/yaml_v2.rs` measures the rest on the
//! YAML test suite).
//!
//! The checks are cheap scans, each behind a test for the byte it needs, so a valid manifest
//! without `\/`, `?` or a line starting with `:` costs a few substring searches.

use super::SyntaxError;
use super::yaml::{Kind, Node, Style};
use crate::text::TextRange;

/// [`adjust`] for a text the fast path read: it reads no directive, no `...`, no empty key and
/// no `:` starting a flow scalar, so only a `\/` escape or a `?` in a flow scalar can remain (one
/// SIMD scan for the two bytes on a valid keystroke).
pub(super) fn adjust_fast(text: &str, documents: &[Node], errors: &mut Vec<SyntaxError>) {
    if memchr::memchr2(b'?', b'\\', text.as_bytes()).is_none() {
        return;
    }
    adjust(text, documents, errors);
}

/// Brings `errors` to yaml.v2's verdict on `text` (`documents` is the parse of it).
pub(super) fn adjust(text: &str, documents: &[Node], errors: &mut Vec<SyntaxError>) {
    if !errors.is_empty() {
        // yaml.v2 stops at the end of the first document (`yaml.Unmarshal` reads one).
        if let Some(end) = first_document_end(text) {
            // A marker inside a multi-line scalar does not end it: yaml.v2 reports that one.
            errors.retain(|e| e.range.start < end || e.message.contains("unexpected document indicator"));
        }
        return;
    }
    let Some(doc) = documents.first() else { return };
    if let Some(e) = directive(text).or_else(|| only_end_marker(text)).or_else(|| only_v2(text, doc)) {
        errors.push(e);
    }
}

/// Where the first document ends: after the `---` or `...` that follows its content.
fn first_document_end(text: &str) -> Option<usize> {
    let mut seen_content = false;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let marker = ["---", "..."]
            .iter()
            .any(|m| line.strip_prefix(m).is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '\r', '\n'])));
        let t = line.trim();
        if marker && seen_content {
            return Some(at);
        }
        if !t.is_empty() && !t.starts_with('#') && !t.starts_with('%') && !marker {
            seen_content = true;
        }
        if marker && line.starts_with("---") && line[3..].trim().split('#').next().is_some_and(|r| !r.is_empty()) {
            // `--- text`: the document's content starts on the marker's line.
            seen_content = true;
        }
        at += line.len();
    }
    None
}

/// A `%YAML` directive for another version than 1.1: yaml.v2 says "found incompatible YAML
/// document" (libyaml accepts 1.2).
fn directive(text: &str) -> Option<SyntaxError> {
    memchr::memchr(b'%', text.as_bytes())?;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("%YAML") {
            let version = rest.split('#').next().unwrap_or("").trim();
            if version != "1.1" && !version.is_empty() {
                let content = line.trim_end();
                return Some(err(TextRange::new(at, at + content.len()), "found incompatible YAML document"));
            }
        }
        if line.starts_with("---") {
            break;
        }
        at += line.len();
    }
    None
}

/// A stream whose first document is only `...` (comments aside): yaml.v2 expects a node there.
fn only_end_marker(text: &str) -> Option<SyntaxError> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            at += line.len();
            continue;
        }
        let end = line.strip_prefix("...").is_some_and(|r| r.trim().is_empty() || r.starts_with([' ', '\t']));
        return end.then(|| err(TextRange::new(at, at + 3), "did not find expected node content"));
    }
    None
}

fn err(range: TextRange, message: &str) -> SyntaxError {
    SyntaxError { range, message: message.to_string() }
}

/// The first thing in the document that yaml.v2 rejects and libyaml reads: a `\/` escape, a
/// `?` in a plain scalar inside a flow collection, an empty key (`: value`).
fn only_v2(text: &str, doc: &Node) -> Option<SyntaxError> {
    let b = text.as_bytes();
    let escapes = memchr::memmem::find(b, b"\\/").is_some();
    let question = memchr::memchr(b'?', b).is_some();
    // A `:` at the start of a line or after a blank or a flow indicator.
    let empty_key =
        memchr::memchr_iter(b':', b).any(|i| i == 0 || matches!(b[i - 1], b'\n' | b' ' | b'[' | b'{' | b','));
    if !(escapes || question || empty_key) {
        return None;
    }
    let mut found: Option<SyntaxError> = None;
    let mut stack = vec![(doc, false)];
    while let Some((n, in_flow)) = stack.pop() {
        let e = match &n.kind {
            Kind::Scalar(s) if escapes && s.style == Style::DoubleQuoted => unknown_escape(text, n.range),
            // yaml.v2 reads `:` at the start of a plain scalar in a flow collection as a value
            // indicator (`[:x]`, `{x: :x}`).
            Kind::Scalar(s) if in_flow && s.style == Style::Plain && text[n.range.start..].starts_with(':') => {
                Some(err(TextRange::new(n.range.start, n.range.start + 1), "did not find expected node content"))
            }
            Kind::Scalar(s) if question && in_flow && s.style == Style::Plain => {
                // At its start, `?` is a key indicator, which is valid (`[?x]`).
                s.value.get(1..).and_then(|v| v.find('?')).map(|_| flow_question(text, n.range))
            }
            Kind::Map(entries) => {
                for e in entries {
                    stack.push((&e.key, in_flow || n.flow));
                    stack.push((&e.value, in_flow || n.flow));
                }
                let empty = |e: &&super::yaml::Entry| {
                    matches!(e.key.kind, Kind::Empty) && text[e.range.start..].starts_with(':')
                };
                entries.iter().find(|e| empty_key && empty(e)).map(|e| {
                    let message = if n.flow || in_flow {
                        "did not find expected node content"
                    } else {
                        "did not find expected key"
                    };
                    err(TextRange::new(e.range.start, e.range.start + 1), message)
                })
            }
            Kind::Seq(items) => {
                stack.extend(items.iter().map(|i| (i, in_flow || n.flow)));
                None
            }
            _ => None,
        };
        if let Some(e) = e
            && found.as_ref().is_none_or(|f| e.range.start < f.range.start)
        {
            found = Some(e);
        }
    }
    found
}

/// A `\/` escape in a double-quoted scalar (yaml.v2 does not know it).
fn unknown_escape(text: &str, range: TextRange) -> Option<SyntaxError> {
    let raw = text.get(range.start..range.end)?;
    let mut i = raw.find('"')? + 1;
    let b = raw.as_bytes();
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            (b'\\', b'/') => {
                let at = range.start + i;
                return Some(err(TextRange::new(at, at + 2), "found unknown escape character"));
            }
            (b'\\', _) => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// A `?` inside a plain scalar in a flow collection: yaml.v2 ends the scalar there and reads a
/// key indicator (`[URL=http://x/?a=1]`).
fn flow_question(text: &str, range: TextRange) -> SyntaxError {
    let raw = &text[range.start..range.end];
    let at = raw.get(1..).and_then(|r| r.find('?')).map_or(range.start, |i| range.start + 1 + i);
    // The collection the scalar is in: the nearest unclosed bracket before it.
    let before = &text[..range.start];
    let close = match before.rfind(['[', '{']).map(|i| before.as_bytes()[i]) {
        Some(b'{') => '}',
        _ => ']',
    };
    SyntaxError { range: TextRange::new(at, at + 1), message: format!("did not find expected ',' or '{close}'") }
}
