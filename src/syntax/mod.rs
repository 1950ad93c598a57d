//! Syntax: tree-sitter parses the text (incrementally after edits), a repair pass keeps one broken
//! line from taking the rest of the document with it, and the CST is lowered to [`yaml::Node`]s.
//! Parsing never fails: it returns documents plus errors.
//!
//! Error messages come from a strict libyaml parse (`yaml_serde`), the same wording Convox's
//! YAML library prints; ranges come from tree-sitter and the repair pass.

mod block;
mod convox;
mod depth;
mod fast;
mod lower;
mod mend;
mod path;
pub mod yaml;

use std::fmt::Write as _;

use tree_sitter::{InputEdit, Point, Tree};

pub use path::{KeyPath, PathAt, Segment, Target, indentation_scan, key_path_at};

use crate::text::{AppliedEdit, TextRange};

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
/// when the text needs the tolerant path (see `fast.rs`). A text it reads has no syntax error.
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

/// How many lines the repair pass may blank before it gives up and reports what is left.
const MAX_REPAIRS: usize = 8;

/// Lines whose indentation (spaces and block indicators) reaches this column are not given to
/// tree-sitter: its YAML scanner keeps one entry per indentation level in a 1 KiB buffer and aborts
/// the process past about 250 levels. Real manifests stay under 40 columns.
const MAX_INDENT: usize = 200;

/// tree-sitter-yaml's scanner counts rows in 16 bits: past line 32,767 its notion of "the same
/// line" wraps and the parse goes wrong. Lines from here on are not given to it.
const MAX_LINES: usize = 32_000;

/// Blanks what tree-sitter-yaml cannot take (offsets stay the same): lines indented [`MAX_INDENT`]
/// columns or more, and everything after line [`MAX_LINES`]. Returns the guarded text and the
/// blanked ranges with what to tell the user.
fn guard(text: &str) -> Option<(String, Vec<(TextRange, String)>)> {
    let mut blanked = Vec::new();
    let mut start = 0;
    let mut tail = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i == MAX_LINES {
            tail = Some(start);
            break;
        }
        let prefix = line.bytes().take_while(|b| matches!(b, b' ' | b'-' | b'?' | b':' | b'\t')).count();
        if prefix >= MAX_INDENT && line.bytes().skip(prefix).any(|b| !b.is_ascii_whitespace()) {
            let content = line.trim_end_matches(['\n', '\r']);
            blanked.push((
                TextRange::new(start, start + content.len()),
                format!("indentation of {MAX_INDENT} columns or more is not read"),
            ));
        }
        start += line.len();
    }
    if blanked.is_empty() && tail.is_none() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for (r, _) in &blanked {
        bytes[r.start..r.end].fill(b' ');
    }
    if let Some(t) = tail {
        for b in &mut bytes[t..] {
            if !matches!(*b, b'\n' | b'\r') {
                *b = b' ';
            }
        }
        let first_line_end = text[t..].find(['\n', '\r']).map_or(text.len(), |i| t + i);
        blanked.push((
            TextRange::new(t, first_line_end),
            format!("convox-lsp reads the first {MAX_LINES} lines of a file (its YAML parser counts lines in 16 bits): the rest is not checked"),
        ));
        // The whole tail counts as unread, for the indentation fallback of the key path.
        blanked.push((TextRange::new(t, text.len()), String::new()));
    }
    // Spaces in place of bytes (even inside a multi-byte character) keep the text valid UTF-8.
    let guarded = String::from_utf8(bytes).expect("ASCII spaces in place of bytes keep UTF-8 valid");
    Some((guarded, blanked))
}

fn build(parser: &mut Parser, original: &str, tree: &Tree, guarded: Vec<(TextRange, String)>) -> Parse {
    // With lines blanked by the guard, `original` is the guarded text: messages quote it.
    let text = original;
    let mut errors: Vec<SyntaxError> = guarded
        .iter()
        .filter(|(_, m)| !m.is_empty())
        .map(|(r, m)| SyntaxError { range: *r, message: m.clone() })
        .collect();
    let mut broken: Vec<TextRange> = guarded.into_iter().map(|(r, _)| r).collect();
    let has_error = tree.root_node().has_error();
    let strict = if has_error { strict_error(text) } else { None };

    let (repaired_text, repaired_tree);
    let (lower_text, lower_tree) = if has_error {
        let (t, tr, blanked) = repair(parser, text, tree.clone());
        repaired_text = t;
        repaired_tree = tr;
        for (i, r) in blanked.iter().enumerate() {
            let line = &text[r.start..r.end];
            let message = match (&strict, i) {
                (Some(s), 0) => with_hint(&s.message, line),
                _ => hint(line).unwrap_or("invalid YAML").to_string(),
            };
            errors.push(SyntaxError { range: *r, message });
        }
        broken.extend(blanked);
        if repaired_tree.root_node().has_error() {
            // What the repair could not fix: report tree-sitter's own error nodes.
            for r in error_nodes(&repaired_tree) {
                if !errors.iter().any(|e| e.range.start <= r.end && r.start <= e.range.end) {
                    let message = match (&strict, errors.is_empty()) {
                        (Some(s), true) => s.message.clone(),
                        _ => "invalid YAML".to_string(),
                    };
                    errors.push(SyntaxError { range: trim_range(text, r), message });
                }
            }
        }
        (repaired_text.as_str(), &repaired_tree)
    } else {
        (text, tree)
    };

    // Once the broken lines are blanked, the rest is usually block YAML the fast path reads: it
    // gives the same nodes as lowering the repaired tree (tests/fast_path.rs), in a tenth of the
    // time. (It never applies to a text without errors, which is the fast path's already.)
    let repaired = (parser.shortcut && !errors.is_empty() && !lower_tree.root_node().has_error())
        .then(|| fast::parse(lower_text))
        .flatten();
    let documents = match repaired {
        Some(documents) => documents,
        None => {
            let mut lowerer = lower::Lowerer::new(lower_text, lower_tree.root_node());
            let documents = lowerer.documents(lower_tree.root_node());
            if let Some(r) = lowerer.too_deep {
                errors.push(SyntaxError {
                    range: TextRange::empty(r.start),
                    message: format!("YAML nested deeper than {} levels is not read any further", lower::MAX_DEPTH),
                });
            }
            if errors.is_empty() {
                // What tree-sitter accepts but libyaml may not (an unknown alias, a tab ...).
                let strict = match strict {
                    Some(s) => Some(s),
                    None if lowerer.saw_properties || needs_strict_check(text) => strict_error(text),
                    None => None,
                };
                if let Some(s) = strict {
                    errors.push(SyntaxError { range: token_at(text, s.offset), message: s.message });
                }
            }
            documents
        }
    };
    errors.sort_by_key(|e| (e.range.start, e.range.end));
    errors.dedup();
    Parse { documents, errors, broken }
}

/// Text tree-sitter accepts but libyaml may not: tabs, control characters, directives (aliases,
/// anchors and tags are noticed while lowering). When none occurs and tree-sitter saw no error,
/// the strict parse is skipped: it costs more than the incremental parse on a large file.
fn needs_strict_check(text: &str) -> bool {
    text.bytes().any(|c| c == 0x7f || (c < 0x20 && !matches!(c, b'\n' | b'\r')))
        || text.starts_with('%')
        || text.contains("\n%")
}

struct StrictError {
    offset: usize,
    message: String,
}

/// The first error libyaml reports, with its message and the byte offset it points at.
fn strict_error(text: &str) -> Option<StrictError> {
    use serde::Deserialize;
    // A byte order mark is read by libyaml, but yaml_serde's reader misplaces a `---` after it.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    // Past the flow depth libyaml reads in linear time it reads nothing (`depth.rs`).
    let cut = depth::too_deep_at(text).map(|c| c.max(bom));
    for doc in yaml_serde::Deserializer::from_str(cut.map_or(&text[bom..], |c| &text[bom..c])) {
        if let Err(e) = serde::de::IgnoredAny::deserialize(doc) {
            let full = e.to_string();
            // Limits of the deserializer, not of the syntax: the lowering reports deep nesting.
            if full.contains("recursion limit exceeded") || full.contains("repetition limit exceeded") {
                return None;
            }
            let loc = e.location();
            let message = match &loc {
                Some(l) => full
                    .strip_suffix(&format!(" at line {} column {}", l.line(), l.column()))
                    .unwrap_or(&full)
                    .to_string(),
                None => full.clone(),
            };
            let offset = loc.map_or(text.len(), |l| (bom + l.index()).min(text.len()));
            if cut.is_some_and(|c| offset >= c) {
                // The end of what it was given: the depth, which the lowering reports.
                return None;
            }
            return Some(StrictError { offset: floor_boundary(text, offset), message });
        }
    }
    None
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What a broken line most likely lacks, in plain words.
fn hint(line: &str) -> Option<&'static str> {
    let t = line.trim();
    let t = t.split(" #").next().unwrap_or(t);
    if t.matches('"').count() % 2 == 1 {
        return Some("unclosed double-quoted string");
    }
    if t.matches('\'').count() % 2 == 1 && (t.contains(": '") || t.starts_with('\'') || t.starts_with("- '")) {
        return Some("unclosed single-quoted string");
    }
    if t.matches('{').count() > t.matches('}').count() {
        return Some("unclosed flow map: missing \"}\"");
    }
    if t.matches('[').count() > t.matches(']').count() {
        return Some("unclosed flow list: missing \"]\"");
    }
    if line.starts_with('\t') || line.trim_start_matches(' ').starts_with('\t') {
        return Some("tabs cannot indent YAML; use spaces");
    }
    let body = t.strip_prefix("- ").unwrap_or(t);
    if !body.contains(':') && !body.is_empty() && !t.starts_with('-') {
        return Some("expected \"key: value\": this line has no colon, or is indented differently from its neighbours");
    }
    None
}

fn with_hint(message: &str, line: &str) -> String {
    match hint(line) {
        Some(h) if !message.contains(h) => {
            let mut s = String::from(message);
            let _ = write!(s, " ({h})");
            s
        }
        _ => message.to_string(),
    }
}

/// The token at `offset`: the run of non-blank characters it starts, or the line's content when
/// the offset is at the end of a line.
fn token_at(text: &str, offset: usize) -> TextRange {
    let offset = floor_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = text[offset..].find(['\n', '\r']).map_or(text.len(), |i| offset + i);
    let end = text[offset..line_end].find(char::is_whitespace).map_or(line_end, |i| offset + i);
    if end > offset {
        return TextRange::new(offset, end);
    }
    trim_range(text, TextRange::new(line_start, line_end))
}

/// `r` without leading and trailing white space (kept as is when it is all white space).
fn trim_range(text: &str, r: TextRange) -> TextRange {
    let s = &text[r.start..r.end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail >= s.len() { r } else { TextRange::new(r.start + lead, r.end - trail) }
}

/// The ranges of tree-sitter's ERROR and MISSING nodes, outermost first, without recursion.
fn error_nodes(tree: &Tree) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    'outer: loop {
        let n = cursor.node();
        let mut descend = n.has_error();
        if n.is_error() || n.is_missing() {
            out.push(TextRange::new(n.start_byte(), n.end_byte()));
            descend = false;
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'outer;
            }
            if !cursor.goto_parent() {
                break 'outer;
            }
        }
    }
    out
}

/// Blanks broken lines (replacing their bytes with spaces, so every offset stays the same) until
/// tree-sitter reads the rest of the document, or the repair budget runs out. Returns the text and
/// tree to lower, and the blanked line ranges (their content, without indentation).
fn repair(parser: &mut Parser, text: &str, mut tree: Tree) -> (String, Tree, Vec<TextRange>) {
    let mut work = text.to_string();
    let mut blanked: Vec<TextRange> = Vec::new();
    for _ in 0..MAX_REPAIRS {
        if !tree.root_node().has_error() {
            break;
        }
        let candidates = repair_candidates(&work, &tree);
        if candidates.is_empty() {
            break;
        }
        let mut chosen = None;
        for (i, lines) in candidates.iter().enumerate() {
            let (t, tr) = blank_and_parse(parser, &work, &tree, lines);
            let last = i + 1 == candidates.len();
            if !tr.root_node().has_error() || last {
                chosen = Some((t, tr, lines.clone()));
                break;
            }
        }
        let Some((t, tr, lines)) = chosen else { break };
        work = t;
        tree = tr;
        blanked.extend(lines.into_iter().map(|r| trim_range(text, r)));
    }
    blanked.sort();
    blanked.dedup();
    (work, tree, blanked)
}

/// Which lines to try blanking, in order: for a local error node, its own lines; otherwise the
/// line libyaml stops at and the content line before it (a missing colon or a bad indent is
/// usually noticed one line late).
fn repair_candidates(work: &str, tree: &Tree) -> Vec<Vec<TextRange>> {
    // The lines the fast path stops at come first: usually the line being typed, and the lines
    // the broken-line shortcut (`mend.rs`) tries, so both paths pick the same line.
    let mut out: Vec<Vec<TextRange>> = mend::stop_lines(work).into_iter().map(|l| vec![l]).collect();
    out.extend(other_candidates(work, tree));
    out
}

fn other_candidates(work: &str, tree: &Tree) -> Vec<Vec<TextRange>> {
    let root = tree.root_node();
    let truncated = root.is_error() || root.end_byte() < work.trim_end().len();
    if !truncated && let Some(r) = error_nodes(tree).into_iter().find(|r| !r.is_empty() || r.start < work.len()) {
        let lines = lines_of(work, r);
        if lines.len() == 1 {
            return vec![lines];
        }
    }
    let strict = strict_error(work);
    let offset = match &strict {
        Some(e) => e.offset,
        None if truncated => root.end_byte(),
        None => match error_nodes(tree).first() {
            Some(r) => r.start,
            None => return Vec::new(),
        },
    };
    line_candidates(work, strict.as_ref(), offset).into_iter().map(|l| vec![l]).collect()
}

/// The lines to try blanking for an error libyaml (`strict`) or tree-sitter reports at `offset`,
/// in order: the key's own line when libyaml names it ("could not find expected ':' ... while
/// scanning a simple key at line 4"), the content line before the error's line (a missing colon or
/// a bad indent is usually noticed one line late), the error's line.
fn line_candidates(work: &str, strict: Option<&StrictError>, offset: usize) -> Vec<TextRange> {
    let key_line = strict.and_then(|e| {
        let (_, rest) = e.message.split_once("while scanning a simple key at line ")?;
        let line: usize = rest.split(' ').next()?.parse().ok()?;
        let start = work.split_inclusive('\n').take(line.checked_sub(1)?).map(str::len).sum::<usize>();
        Some(line_range(work, start))
    });
    let line = line_range(work, offset);
    let mut out = Vec::new();
    out.extend(key_line);
    out.extend(prev_content_line(work, line.start));
    if !work[line.start..line.end].trim().is_empty() {
        out.push(line);
    }
    out
}

fn line_range(text: &str, offset: usize) -> TextRange {
    let offset = floor_boundary(text, offset.min(text.len()));
    let start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let end = text[offset..].find(['\n', '\r']).map_or(text.len(), |i| offset + i);
    TextRange::new(start, end)
}

/// The lines a range touches that have content (as whole-line ranges without the break).
fn lines_of(text: &str, r: TextRange) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut at = r.start.min(text.len());
    loop {
        let line = line_range(text, at);
        if !text[line.start..line.end].trim().is_empty() {
            out.push(line);
        }
        let next = line.end + usize::from(text[line.end..].starts_with("\r\n")) + 1;
        if line.end >= r.end.max(r.start + 1) || next > text.len() || out.len() > 5 {
            break;
        }
        at = next;
    }
    out
}

/// The nearest line before `line_start` with content other than a comment.
fn prev_content_line(text: &str, line_start: usize) -> Option<TextRange> {
    let mut end = line_start;
    while end > 0 {
        let before = &text[..end];
        let trimmed = before.strip_suffix('\n').unwrap_or(before);
        let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
        let start = trimmed.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let content = trimmed[start..].trim();
        if !content.is_empty() && !content.starts_with('#') && content != "---" {
            return Some(TextRange::new(start, trimmed.len()));
        }
        if start == 0 {
            return None;
        }
        end = start;
    }
    None
}

fn blank_and_parse(parser: &mut Parser, work: &str, tree: &Tree, lines: &[TextRange]) -> (String, Tree) {
    let mut t = work.to_string();
    let mut tr = tree.clone();
    for r in lines {
        // Spaces for every byte keep offsets and (row, column) points unchanged.
        let spaces = " ".repeat(r.len());
        let row = work[..r.start].matches('\n').count();
        let col = r.start - work[..r.start].rfind('\n').map_or(0, |i| i + 1);
        t.replace_range(r.start..r.end, &spaces);
        tr.edit(&InputEdit {
            start_byte: r.start,
            old_end_byte: r.end,
            new_end_byte: r.end,
            start_position: Point { row, column: col },
            old_end_position: Point { row, column: col + r.len() },
            new_end_position: Point { row, column: col + r.len() },
        });
    }
    let new_tree = parser.ts_parse(&t, Some(&tr));
    (t, new_tree)
}

#[cfg(test)]
mod tests;
