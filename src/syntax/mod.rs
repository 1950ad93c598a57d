//! Syntax: tree-sitter parses the text (incrementally after edits), a repair pass keeps one broken
//! line from taking the rest of the document with it, and the CST is lowered to [`yaml::Node`]s.
//! Parsing never fails: it returns documents plus errors.
//!
//! Error messages come from a strict libyaml parse (`yaml_serde`), the same wording Convox's
//! YAML library prints; ranges come from tree-sitter and the repair pass.

mod block;
pub(crate) mod convox;
mod depth;
mod fast;
mod guard;
mod lower;
mod mend;
mod path;
mod repair;
mod strict;
mod tolerant;
pub mod yaml;

use tree_sitter::{InputEdit, Point, Tree};

pub use path::{
    KeyPath, PathAt, Segment, Target, indentation_scan, indentation_scan_with, key_path_at, key_path_at_with,
    shallow_lines,
};

use crate::text::{AppliedEdit, TextRange};
use guard::{MAX_INDENT, MAX_LINES, guard};
use repair::line_range;
use strict::{StrictError, strict_error, trim_range, with_hint};
use tolerant::build;

/// A syntax error: where, and what the user should read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// The result of parsing one version of a document.
#[derive(Debug)]
pub struct Parse {
    /// One node per YAML document (`---`); an empty file has one empty document.
    pub documents: Vec<yaml::Node>,
    pub errors: Vec<SyntaxError>,
    /// Lines that were blanked so that the rest of the document could be read (broken lines).
    pub broken: Vec<TextRange>,
}

impl Parse {
    /// The parse of a text without syntax errors.
    fn valid(documents: Vec<yaml::Node>) -> Self {
        Self { documents, errors: Vec::new(), broken: Vec::new() }
    }

    /// The document Convox reads: the first one.
    pub fn root(&self) -> &yaml::Node {
        &self.documents[0]
    }

    /// The document Convox decodes into its manifest: the first one, or nothing when yaml.v2's
    /// decoder refuses it for its alias expansion (an alias bomb below the parser's limits: read
    /// through its aliases, it would cost what expanding it costs).
    pub fn decoded_root(&self) -> &yaml::Node {
        static NOTHING: yaml::Node = yaml::Node {
            kind: yaml::Kind::Empty,
            range: TextRange { start: 0, end: 0 },
            anchor: None,
            tag: None,
            flow: false,
        };
        if self.errors.iter().any(|e| e.message == convox::EXCESSIVE_ALIASING) { &NOTHING } else { self.root() }
    }

    /// True when `offset` is on a line the parser could not read.
    pub fn is_broken_at(&self, offset: usize) -> bool {
        self.broken.iter().any(|r| r.contains_inclusive(offset))
            || self.errors.iter().any(|e| e.range.contains_inclusive(offset))
    }
}

/// A parser that keeps the last tree so the next parse is incremental.
pub struct Parser {
    inner: tree_sitter::Parser,
    last: Option<Tree>,
    /// Read a repaired text with the fast path when it can (off only to test that it changes nothing).
    shortcut: bool,
    /// Read around one broken line without tree-sitter when it can (`mend.rs`; off to measure).
    mend: bool,
    /// Bring the errors to yaml.v2's verdict (`convox.rs`; off only to measure what it costs).
    verdict: bool,
}

impl Default for Parser {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Parser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parser").field("has_tree", &self.last.is_some()).finish()
    }
}

fn ts_point((row, column): (usize, usize)) -> Point {
    Point { row, column }
}

impl Parser {
    pub fn new() -> Self {
        let mut inner = tree_sitter::Parser::new();
        inner.set_language(&tree_sitter_yaml::LANGUAGE.into()).expect("tree-sitter-yaml matches the tree-sitter ABI");
        Self { inner, last: None, shortcut: true, mend: true, verdict: true }
    }

    /// A parser that always lowers tree-sitter's tree on the tolerant path (for tests).
    #[doc(hidden)]
    pub fn lowering_only() -> Self {
        Self { shortcut: false, mend: false, ..Self::new() }
    }

    /// A parser that gives every broken text to tree-sitter (for benchmarks: the cost without
    /// `mend.rs`).
    #[doc(hidden)]
    pub fn without_mend() -> Self {
        Self { mend: false, ..Self::new() }
    }

    /// A parser that skips the yaml.v2 verdict (for benchmarks: what it costs).
    #[doc(hidden)]
    pub fn without_verdict() -> Self {
        Self { verdict: false, ..Self::new() }
    }

    /// Records an edit so that the next [`Parser::parse`] can reuse the unchanged parts of the tree.
    pub fn edit(&mut self, e: &AppliedEdit) {
        if let Some(tree) = &mut self.last {
            tree.edit(&InputEdit {
                start_byte: e.start_byte,
                old_end_byte: e.old_end_byte,
                new_end_byte: e.new_end_byte,
                start_position: ts_point(e.start_point),
                old_end_position: ts_point(e.old_end_point),
                new_end_position: ts_point(e.new_end_point),
            });
        }
    }

    /// Forgets the last tree: the next parse starts from scratch.
    pub fn reset(&mut self) {
        self.last = None;
    }

    pub fn parse(&mut self, text: &str) -> Parse {
        // The tree-sitter tree, if any, is kept when the fast path reads a text: edits still
        // reach it, so that the next text the fast path cannot read is reparsed incrementally.
        let stop = match fast::parse_or_stop(text) {
            Ok(documents) => {
                let mut parse = Parse::valid(documents);
                if self.verdict {
                    convox::adjust_fast(text, &parse.documents, &mut parse.errors);
                }
                return parse;
            }
            Err(stop) => stop,
        };
        let mut parse = self.parse_broken(text, stop);
        // The verdict Convox's yaml.v2 gives (its first document; what only it rejects).
        if self.verdict {
            convox::adjust(text, &parse.documents, &mut parse.errors);
        }
        parse
    }

    fn parse_broken(&mut self, text: &str, stop: Option<fast::Stop>) -> Parse {
        // One broken line, the state every key passes through while it is typed (read around
        // from where the fast path stopped, without reading the text again to find it).
        if self.mend
            && let Some(parse) = stop.and_then(|stop| mend::one_line(text, stop))
        {
            return parse;
        }
        self.parse_tolerant(text)
    }

    /// The tolerant path alone: tree-sitter, the repair pass and the lowering.
    pub fn parse_tolerant(&mut self, text: &str) -> Parse {
        // tree-sitter counts rows by "\n" only; with a lone "\r" in the text the points of an
        // edit disagree with its rows, so such text is parsed from scratch.
        if has_lone_cr(text) {
            self.last = None;
        }
        let old = self.last.take();
        match guard(text) {
            None => {
                let tree = self.ts_parse(text, old.as_ref());
                let parse = build(self, text, &tree, Vec::new());
                self.last = Some(tree);
                parse
            }
            Some((guarded, lines)) => {
                // Parsed from scratch, and not kept: the tree is of a different text.
                let tree = self.ts_parse(&guarded, None);
                build(self, &guarded, &tree, lines)
            }
        }
    }

    fn ts_parse(&mut self, text: &str, old: Option<&Tree>) -> Tree {
        // Only fails without a language or on cancellation, neither of which is used here.
        self.inner.parse(text, old).expect("tree-sitter parse without cancellation")
    }
}

/// Parses a whole text once (the command line does this).
pub fn parse(text: &str) -> Parse {
    Parser::new().parse(text)
}

/// The fast path alone: the parse of a text written in the block YAML manifests use, or `None`
/// when the text needs the tolerant path (see `fast/`). A text it reads has no syntax error.
pub fn parse_fast(text: &str) -> Option<Parse> {
    fast::parse(text).map(Parse::valid)
}

/// The parse of a text whose one broken line the fast path reads around (see `mend.rs`), or
/// `None` when it needs the tolerant path. Public for the differential test.
pub fn parse_one_broken_line(text: &str) -> Option<Parse> {
    fast::parse_or_stop(text).err().flatten().and_then(|stop| mend::one_line(text, stop))
}

fn has_lone_cr(text: &str) -> bool {
    let b = text.as_bytes();
    memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n'))
}

fn memchr_iter(needle: u8, hay: &[u8]) -> impl Iterator<Item = usize> + '_ {
    hay.iter().enumerate().filter(move |(_, c)| **c == needle).map(|(i, _)| i)
}

#[cfg(test)]
mod tests;
