//! Validation: the knowledge base checks every key and value it knows (unknown keys, shapes,
//! allowed values, keys with no effect: `keys`), then Convox's own rules that span keys, on the
//! typed model, one module per concern. Messages are Convox's own where Convox prints one; each
//! rule has its own `Code`.

mod autoscale;
mod budget;
mod configs;
mod cron;
mod decoders;
mod fixes;
pub(super) mod interpolation;
pub use memo::ValidationMemo;
mod keys;
mod legacy;
mod memo;
mod merge_fix;
mod names;
mod references;
mod registries;
mod resources;
mod scale;
mod schedule;
mod services;
mod values;
mod volumes;

use std::collections::HashMap;

use super::analysis::Analysis;
use super::codes::{Code, Severity};
use super::diagnostic::{Diagnostic, Fix};
use crate::schema;
use crate::syntax::yaml::Kind;
use crate::text::TextRange;

struct Sink<'a> {
    text: &'a str,
    /// The document's tree, for fixes that look around the value they fix.
    root: &'a crate::syntax::yaml::Node,
    out: Vec<Diagnostic>,
    /// What `unknown_key` found for a (parent pattern, key, boolean value): the same typo in 500
    /// services is looked up once.
    unknown: HashMap<(String, String, bool), UnknownKey, schema::FxBuild>,
    /// A Generation 2 or Praxis manifest, said once at the top (`legacy.rs`).
    legacy: bool,
    /// The text holds a `${`: only then is each value's text searched for one (a map's value
    /// spans all its entries, so searching every value read the text once per nesting level).
    interpolated: bool,
    /// The walks of the services kept from the previous version (`memo.rs`).
    memo: Option<memo::Session<'a>>,
    /// Where each line starts, made on the first message that names a line (thousands of
    /// duplicate keys each counted the lines before them).
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

/// The words for an unknown key: none when its map takes any key, else a close sibling and where
/// the key belongs instead.
#[derive(Clone)]
struct UnknownKey {
    free_form: bool,
    best: Option<&'static str>,
    hint: Option<String>,
}

impl Sink<'_> {
    /// The 1-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        let starts = self.line_starts.get_or_init(|| memchr::memchr_iter(b'\n', self.text.as_bytes()).collect());
        starts.partition_point(|&nl| nl < offset) + 1
    }

    /// A diagnostic at the code's default severity.
    fn add(&mut self, range: TextRange, code: Code, message: String) {
        self.push(range, code.default_severity(), code, message);
    }

    fn add_fix(&mut self, range: TextRange, code: Code, message: String, fix: Fix) {
        let range = self.trim(range);
        self.out.push(Diagnostic { range, severity: code.default_severity(), code, message, fix: Some(fix) });
    }

    /// A diagnostic with a fix when there is one.
    fn add_maybe_fix(&mut self, range: TextRange, code: Code, message: String, fix: Option<Fix>) {
        match fix {
            Some(f) => self.add_fix(range, code, message, f),
            None => self.add(range, code, message),
        }
    }

    fn push(&mut self, range: TextRange, severity: Severity, code: Code, message: String) {
        let range = self.trim(range);
        self.out.push(Diagnostic { range, severity, code, message, fix: None });
    }

    /// A block node's range runs to the next line: point at its text only.
    fn trim(&self, r: TextRange) -> TextRange {
        let s = &self.text[r.start..r.end];
        let t = s.trim_end();
        if t.is_empty() { r } else { TextRange::new(r.start, r.start + t.len()) }
    }
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

pub(super) fn validate(a: &Analysis) -> Vec<Diagnostic> {
    crate::model::merge::with_anchors(a.parse().root(), Some(a.text()), || validate_indexed(a))
}

fn validate_indexed(a: &Analysis) -> Vec<Diagnostic> {
    let root = a.parse().root();
    let interpolated = a.text().contains("${");
    let mut sink = Sink {
        text: a.text(),
        root,
        out: Vec::new(),
        unknown: HashMap::default(),
        legacy: false,
        interpolated,
        memo: None,
        line_starts: std::cell::OnceCell::new(),
    };
    sink.legacy = legacy::legacy(root, &mut sink);
    sink.memo = a.memo().map(|m| {
        let errors = a.parse().errors.iter().map(|e| e.range).collect();
        memo::Session::new(m, a.text(), errors, sink.legacy, interpolated)
    });
    match &root.kind {
        Kind::Map(_) => keys::walk(root, &mut Vec::new(), &mut String::new(), &mut sink),
        Kind::Empty | Kind::Error | Kind::Alias(_) => {}
        _ if root.is_null() => {}
        _ => sink.add(
            root.range,
            Code::WrongType,
            format!("convox.yml must be a map of sections (`services:`, `resources:` ...), not {}", root.kind_name()),
        ),
    }
    for doc in a.parse().documents.iter().skip(1).filter(|d| !d.is_empty()) {
        sink.add(
            doc.range,
            Code::ExtraDocument,
            "Convox reads only the first YAML document of convox.yml: this one is ignored".to_string(),
        );
    }
    let m = a.model();
    // What Convox checks once the manifest is decoded: the document as it reads it (a key
    // written twice combined as its decoder combines it); the checks of each value as written
    // (types, unknown keys) ran on the text above.
    let doc = m.document(root);
    names::names(m, &mut sink);
    resources::resources(m, doc, &mut sink);
    references::references(m, doc, &mut sink);
    // Each service's port condition and replica range, read once for both rules below (and kept
    // from the previous version for a service whose body did not change).
    let port_and_scale = match sink.memo.as_mut() {
        Some(m) => crate::ide::objects::services_port_and_scale_with(doc, |range, read| m.port_and_scale(range, read)),
        None => crate::ide::objects::services_port_and_scale(doc),
    };
    if let Some(m) = sink.memo.take() {
        m.finish();
    }
    services::services(m, doc, &port_and_scale, &mut sink);
    scale::scale(doc, &mut sink);
    autoscale::autoscale(doc, &port_and_scale, &mut sink);
    volumes::volumes(doc, &mut sink);
    configs::configs(doc, &mut sink);
    registries::registries(doc, &mut sink);
    schedule::timers(m, &mut sink);
    budget::budget(m, doc, &mut sink);
    interpolation::interpolation(a, &mut sink);
    sink.out
}
