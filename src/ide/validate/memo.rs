//! The key walk's diagnostics of each service, kept from one version of a document to the next:
//! a keystroke is in one service, and walking the others again (the largest part of validating a
//! manifest of many services) would find what it found before. Like rust-analyzer's per-item
//! queries, but keyed by the service's text: the walk of a service reads nothing outside it
//! except the document's two flags (`legacy`, `interpolated`); the walks kept were made with the
//! flags kept beside them, and a version with other flags starts afresh.
//!
//! Beside the walks, each service's port condition and replica range
//! (`objects::services_port_and_scale`, read on every keystroke for two rules) is kept by the
//! text of the service's body, on the same terms.
//!
//! What is not kept: a service whose text holds `&`, `*`, `<<` or `!` (an anchor, alias, merge
//! key or tag can bring or send meaning across services), a service with a syntax error in it
//! (how a parser reads around an error depends on what is around it), and a walk that reported a
//! duplicate key (its message names the line of the first one, which moves with the service).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::ide::codes::Code;
use crate::ide::diagnostic::Diagnostic;
use crate::schema::FxBuild;
use crate::text::TextRange;

/// A service's walk: the column its key starts at (a flow map's entry can start anywhere) and its
/// diagnostics, relative to the entry's start.
type Walk = (usize, Vec<Diagnostic>);

/// A service's port condition and replica range.
type PortScale = (bool, crate::model::Count);

/// The walks by the service entry's text, the port conditions and ranges by the service body's
/// text, with the document's flags they were made with.
#[derive(Default)]
struct Kept {
    flags: (bool, bool),
    walks: HashMap<Box<str>, Walk, FxBuild>,
    port_scale: HashMap<Box<str>, PortScale, FxBuild>,
}

/// Shared by the versions of one document: the server keeps one per open document
/// (`Analysis::with_memo`); a one-off analysis (the CLI, a fix checked) has none.
#[derive(Default)]
pub struct ValidationMemo {
    /// The walks of the last version validated: each version keeps only what it used, so the memo
    /// holds one version's services at most.
    kept: Mutex<Kept>,
}

impl std::fmt::Debug for ValidationMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidationMemo").finish_non_exhaustive()
    }
}

/// One validation's use of the memo: what it took from it and what it walked, put back at the
/// end ([`Session::finish`]).
pub(super) struct Session<'a> {
    memo: &'a ValidationMemo,
    text: &'a str,
    /// Where the parse found errors, by their ends, and the least start of each suffix of them.
    errors: Vec<(TextRange, usize)>,
    flags: (bool, bool),
    old: HashMap<Box<str>, Walk, FxBuild>,
    new: HashMap<Box<str>, Walk, FxBuild>,
    old_port_scale: HashMap<Box<str>, PortScale, FxBuild>,
    new_port_scale: HashMap<Box<str>, PortScale, FxBuild>,
}

impl<'a> Session<'a> {
    pub(super) fn new(
        memo: &'a ValidationMemo,
        text: &'a str,
        errors: Vec<TextRange>,
        legacy: bool,
        interpolated: bool,
    ) -> Self {
        let flags = (legacy, interpolated);
        let kept = std::mem::take(&mut *memo.kept.lock().unwrap_or_else(PoisonError::into_inner));
        let (old, old_port_scale) =
            if kept.flags == flags { (kept.walks, kept.port_scale) } else { Default::default() };
        let mut errors: Vec<(TextRange, usize)> = errors.into_iter().map(|r| (r, r.start)).collect();
        errors.sort_by_key(|(r, _)| (r.end, r.start));
        let mut least = usize::MAX;
        for (r, min) in errors.iter_mut().rev() {
            least = least.min(r.start);
            *min = least;
        }
        Session {
            memo,
            text,
            errors,
            flags,
            old,
            new: HashMap::default(),
            old_port_scale,
            new_port_scale: HashMap::default(),
        }
    }

    /// The text of the service entry at `range`, if its walk may be kept.
    pub(super) fn key(&self, range: TextRange) -> Option<&'a str> {
        let body = self.text.get(range.start..range.end)?;
        // Vectorised scans: every service's text is looked at on every keystroke.
        if memchr::memchr3(b'&', b'*', b'!', body.as_bytes()).is_some()
            || memchr::memmem::find(body.as_bytes(), b"<<").is_some()
        {
            return None;
        }
        // Of the errors ending at or after the entry's start, one starts before its end.
        let i = self.errors.partition_point(|(e, _)| e.end < range.start);
        if self.errors.get(i).is_some_and(|(_, least)| *least <= range.end) {
            return None;
        }
        Some(body)
    }

    /// The diagnostics kept for the entry `body` at `start`, moved to its place, if any.
    pub(super) fn take(&mut self, text: &str, body: &str, start: usize, out: &mut Vec<Diagnostic>) -> bool {
        let column = column(text, start);
        let Some((key, walk)) = self.old.remove_entry(body) else { return false };
        if walk.0 != column {
            return false;
        }
        out.extend(walk.1.iter().map(|d| moved(d, start, true)));
        self.new.insert(key, walk);
        true
    }

    /// Keeps the diagnostics the walk of the entry `body` at `start` produced.
    pub(super) fn keep(&mut self, text: &str, body: &str, start: usize, produced: &[Diagnostic]) {
        if produced.iter().any(|d| d.code == Code::DuplicateKey) {
            return;
        }
        let walk = (column(text, start), produced.iter().map(|d| moved(d, start, false)).collect());
        self.new.insert(body.into(), walk);
    }

    /// The port condition and replica range of the service whose body is at `range`: kept from
    /// the previous version when the body's text is the same, else `read`.
    pub(super) fn port_and_scale(&mut self, range: TextRange, read: &dyn Fn() -> PortScale) -> PortScale {
        let Some(body) = self.key(range) else { return read() };
        // The previous version's entry moves over with its key (no copy of the text).
        if let Some((key, v)) = self.old_port_scale.remove_entry(body) {
            self.new_port_scale.insert(key, v);
            return v;
        }
        if let Some(&v) = self.new_port_scale.get(body) {
            return v;
        }
        let v = read();
        self.new_port_scale.insert(body.into(), v);
        v
    }

    /// Puts back what this validation used.
    pub(super) fn finish(self) {
        *self.memo.kept.lock().unwrap_or_else(PoisonError::into_inner) =
            Kept { flags: self.flags, walks: self.new, port_scale: self.new_port_scale };
    }
}

fn column(text: &str, at: usize) -> usize {
    at - text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// `d` moved from being relative to `start` (`forward`) or to it.
fn moved(d: &Diagnostic, start: usize, forward: bool) -> Diagnostic {
    let shift = |r: TextRange| {
        if forward {
            TextRange::new(r.start + start, r.end + start)
        } else {
            TextRange::new(r.start - start, r.end - start)
        }
    };
    let mut d = d.clone();
    d.range = shift(d.range);
    if let Some(fix) = &mut d.fix {
        for (r, _) in &mut fix.edits {
            *r = shift(*r);
        }
    }
    d
}
