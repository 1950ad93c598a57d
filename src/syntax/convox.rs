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
use std::collections::HashMap;

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

/// Brings `errors` to yaml.v2's verdict on `text` (`documents` is the parse of it). A syntax
/// error of the first document has yaml.v2's message (`yaml: line N: ...`, from libyaml's through
/// [`v2_message`]); one without it is tree-sitter's alone (libyaml, as yaml.v2, reads that text)
/// or after the first document (which is all `yaml.Unmarshal` reads: `decode.go:170-178`), and
/// is not Convox's: it goes. The limits of the reader itself stay.
pub(super) fn adjust(text: &str, documents: &[Node], errors: &mut Vec<SyntaxError>) {
    let has_v2 = errors.iter().any(|e| is_v2(&e.message));
    if !errors.is_empty() && !has_v2 && super::depth::too_deep_at(text).is_some() {
        // libyaml was given only the text before the deep nesting (`depth.rs`): it has no
        // verdict to bring the errors to (yaml.v2 refuses past 10,000 levels, scannerc.go:895-912).
        return;
    }
    if let Some(first) = errors.iter().position(|e| is_v2(&e.message)) {
        // Before yaml.v2's first error, tree-sitter's are its own; after it, other broken lines.
        let at = errors[first].range.start;
        errors.retain(|e| is_v2(&e.message) || e.range.start > at || is_limit(&e.message));
    } else {
        errors.retain(|e| is_limit(&e.message));
    }
    let Some(doc) = documents.first() else { return };
    if root_is_a_collection(text) {
        errors.retain(|e| is_limit(&e.message));
        return;
    }
    // What only yaml.v2 rejects comes first when it is before libyaml's error.
    let found = directive(text).or_else(|| only_end_marker(text)).or_else(|| only_v2(text, doc));
    if let Some(e) = found
        && errors.iter().find(|e| is_v2(&e.message)).is_none_or(|f| e.range.start <= f.range.start)
    {
        errors.retain(|f| is_limit(&f.message) || f.range.start > e.range.end);
        errors.push(e);
        errors.sort_by_key(|e| e.range.start);
    }
    // The decoder runs only on a document that parsed.
    if !errors.iter().any(|e| is_v2(&e.message))
        && let Some(at) = excessive_aliasing(doc)
    {
        errors.push(SyntaxError { range: at, message: EXCESSIVE_ALIASING.to_string() });
        errors.sort_by_key(|e| e.range.start);
    }
}

/// yaml.v2's refusal of a document that is mostly alias expansion (`decode.go`, `unmarshal`).
pub const EXCESSIVE_ALIASING: &str = "yaml: document contains excessive aliasing";

/// Where yaml.v2's decoder gives up on alias expansion, if it does: it counts every node it
/// decodes (`decodeCount`) and those it decodes through an alias (`aliasCount`), and fails once
/// `aliasCount > 100`, `decodeCount > 1000` and their ratio passes `allowedAliasRatio` (0.99 up to
/// 400,000 nodes, down to 0.10 at 4,000,000; `decode.go:229-250, 315-324` in v2.4.0). Counted here
/// as its generic decode (`yamlAttributes`, `pkg/manifest/yaml.go:742-786`) goes, in one walk
/// that expands nothing: an alias adds the size its anchored node has once expanded, computed
/// when that node was read. Within one alias's expansion the ratio only grows, so the check at
/// its end finds what the decoder's check at each node finds.
fn excessive_aliasing(doc: &Node) -> Option<TextRange> {
    if !has_alias(doc, 0) {
        return None;
    }
    // The document node is decoded first.
    let mut count = Count { decoded: 1, aliased: 0, anchors: HashMap::new(), at: None };
    count.node(doc);
    count.at
}

/// How many nodes decoding `doc` visits, its aliases expanded (counted without expanding them).
pub(crate) fn decoded_nodes(doc: &Node) -> u64 {
    let mut count = Count { decoded: 1, aliased: 0, anchors: HashMap::new(), at: None };
    count.node(doc);
    count.decoded
}

/// The counts of yaml.v2's decoder ([`excessive_aliasing`]).
struct Count<'a> {
    decoded: u64,
    aliased: u64,
    anchors: HashMap<&'a str, u64>,
    at: Option<TextRange>,
}
impl<'a> Count<'a> {
    fn check(&mut self, range: TextRange) {
        if self.at.is_none()
            && self.aliased > 100
            && self.decoded > 1000
            && self.aliased as f64 / self.decoded as f64 > allowed_alias_ratio(self.decoded)
        {
            self.at = Some(range);
        }
    }
    /// The node's size once expanded (itself, its keys and values or items, and what its
    /// aliases stand for).
    fn node(&mut self, n: &'a Node) -> u64 {
        self.decoded = self.decoded.saturating_add(1);
        self.check(n.range);
        let mut size = 1u64;
        match &n.kind {
            Kind::Map(entries) => {
                for e in entries {
                    let merge = e.key.as_scalar().is_some_and(|k| k.value == "<<" && k.style == Style::Plain);
                    match (&e.value.kind, merge) {
                        // A list of merge sources is decoded item by item, not as a list.
                        (Kind::Seq(items), true) => {
                            for i in items {
                                size = size.saturating_add(self.node(i));
                            }
                        }
                        (_, true) => size = size.saturating_add(self.node(&e.value)),
                        _ => {
                            size = size.saturating_add(self.node(&e.key));
                            size = size.saturating_add(self.node(&e.value));
                        }
                    }
                }
            }
            Kind::Seq(items) => {
                for i in items {
                    size = size.saturating_add(self.node(i));
                }
            }
            Kind::Alias(name) => {
                let expanded = self.anchors.get(name.as_str()).copied().unwrap_or(0);
                self.decoded = self.decoded.saturating_add(expanded);
                self.aliased = self.aliased.saturating_add(expanded);
                self.check(n.range);
                size = size.saturating_add(expanded);
            }
            _ => {}
        }
        if let Some(anchor) = &n.anchor {
            self.anchors.insert(anchor.0.as_str(), size);
        }
        size
    }
}

/// Whether a node holds an alias (most documents have none: nothing is counted then).
fn has_alias(n: &Node, depth: usize) -> bool {
    match &n.kind {
        Kind::Alias(_) => true,
        Kind::Map(entries) if depth < 200 => {
            entries.iter().any(|e| has_alias(&e.key, depth + 1) || has_alias(&e.value, depth + 1))
        }
        Kind::Seq(items) if depth < 200 => items.iter().any(|i| has_alias(i, depth + 1)),
        _ => false,
    }
}

/// `allowedAliasRatio` of yaml.v2 (`decode.go:229-250`).
fn allowed_alias_ratio(decoded: u64) -> f64 {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    let d = decoded as f64;
    if d <= LOW {
        0.99
    } else if d >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((d - LOW) / (HIGH - LOW))
    }
}

/// A message of Convox's YAML library.
fn is_v2(message: &str) -> bool {
    message.starts_with("yaml: ")
}

/// An error about what convox-lsp itself does not read (not a verdict on the YAML).
fn is_limit(message: &str) -> bool {
    message.starts_with("convox-lsp ")
        || message.starts_with("indentation of ")
        || message.starts_with("YAML nested deeper than")
}

/// yaml.v2's message for libyaml's error `full` (`problem[ at line L column C][, context[ at
/// line L column C]]`, yaml_serde's wording; `at` is the text from the error on): the problem, and
/// the line yaml.v2's `parser.fail` prints (`decode.go:111-133` in v2.4.0): the problem mark's
/// 0-based line, plus one for a scanner error, or else the context mark's 0-based line; none when
/// that is 0. So a parser error is reported one line above the token (`yaml: line 3: did not
/// find expected key` for a `:` on line 4).
pub(super) fn v2_message(full: &str, at: &str) -> String {
    if full.starts_with("unknown anchor") {
        // decode.go:185 (`p.alias`), without a line.
        // An alias's name is letters, digits, `_` and `-` (scannerc.go, yaml_parser_scan_anchor).
        let name = at.strip_prefix('*').unwrap_or(at);
        let end = name.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(name.len());
        return format!("yaml: unknown anchor '{}' referenced", &name[..end]);
    }
    let (head, context) = match full.split_once(", while ") {
        Some((h, c)) => (h, Some(c)),
        None => (full, None),
    };
    let (problem, problem_line) = split_mark(head);
    // yaml_serde leaves out a context mark equal to the problem's, or at the start: either way,
    // it matters only when the problem's line is 0, and is 0 then.
    let context_line = context.map_or(0, |c| split_mark(c).1);
    let scanner = context.map_or(problem.ends_with("are not allowed in this context"), |c| {
        let c = split_mark(c).0;
        c.starts_with("scanning") || c == "parsing a quoted scalar" || c == "parsing a tag directive"
    });
    v2_words(problem, problem_line, context_line, scanner)
}

/// `yaml: line N: problem` from 0-based lines, as `parser.fail` words it.
fn v2_words(problem: &str, problem_line: usize, context_line: usize, scanner: bool) -> String {
    let line = if problem_line != 0 { problem_line + usize::from(scanner) } else { context_line };
    if line == 0 { format!("yaml: {problem}") } else { format!("yaml: line {line}: {problem}") }
}

/// `text` without its trailing ` at line L column C` (or ` at position N`), and L - 1.
fn split_mark(text: &str) -> (&str, usize) {
    if let Some((head, mark)) = text.rsplit_once(" at line ") {
        let line = mark.split(' ').next().and_then(|l| l.parse::<usize>().ok());
        if let Some(line) = line {
            return (head, line.saturating_sub(1));
        }
    }
    match text.rsplit_once(" at position ") {
        Some((head, n)) if n.bytes().all(|b| b.is_ascii_digit()) => (head, 0),
        _ => (text, 0),
    }
}

/// A yaml.v2 error found here (not by libyaml) at `offset`: `context`, when given, is the offset
/// of the mark of what was being read.
fn v2_error(text: &str, range: TextRange, problem: &str, scanner: bool, context: Option<usize>) -> SyntaxError {
    let line0 = |at: usize| text[..at.min(text.len())].matches('\n').count();
    let message = v2_words(problem, line0(range.start), context.map_or(0, line0), scanner);
    SyntaxError { range, message }
}

/// A `%YAML` directive for another version than 1.1: yaml.v2 says "found incompatible YAML
/// document" (libyaml accepts 1.2).
fn directive(text: &str) -> Option<SyntaxError> {
    memchr::memchr(b'%', text.as_bytes())?;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty() && !t.starts_with('#') && !t.starts_with('%') {
            // Content (or `---`) first: a later `%` line is no directive of this document.
            break;
        }
        if let Some(rest) = line.strip_prefix("%YAML").filter(|r| r.starts_with([' ', '\t'])) {
            // A well-formed directive (else the scanner's error comes first): `%YAML M.N`, then
            // a comment or the end of the line; yaml.v2 takes version 1.1 only (parserc.go:1031).
            let rest = rest.trim_start_matches([' ', '\t']);
            let version = rest.split([' ', '\t', '\r', '\n']).next().unwrap_or("");
            let after = rest[version.len()..].trim_start_matches([' ', '\t']);
            let well_formed = (after.is_empty() || after.starts_with(['#', '\r', '\n']))
                && version.split_once('.').is_some_and(|(m, n)| {
                    [m, n].iter().all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
                });
            let one_one = version
                .split_once('.')
                .is_some_and(|(m, n)| m.parse::<u64>().ok() == Some(1) && n.parse::<u64>().ok() == Some(1));
            if well_formed && !one_one {
                let content = line.trim_end();
                // parserc.go:1034: a parser error on the directive's token, without a context.
                let range = TextRange::new(at, at + content.len());
                return Some(v2_error(text, range, "found incompatible YAML document", false, None));
            }
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
        let range = TextRange::new(at, at + 3);
        return end.then(|| v2_error(text, range, "did not find expected node content", false, Some(at)));
    }
    None
}

/// The innermost flow collection a node is in: where it opens, and its closing bracket.
type Flow = Option<(usize, char)>;

/// The first thing in the document that yaml.v2 rejects and libyaml reads: a `\/` escape, a
/// `?` in a plain scalar inside a flow collection, an empty key (`: value`), a flow key on
/// another line than its `:`.
fn only_v2(text: &str, doc: &Node) -> Option<SyntaxError> {
    let b = text.as_bytes();
    let escapes = memchr::memmem::find(b, b"\\/").is_some();
    let question = memchr::memchr(b'?', b).is_some();
    // A `:` at the start of a line or after a blank, an indicator or a line break.
    let colon = memchr::memchr_iter(b':', b)
        .any(|i| i == 0 || matches!(b[i - 1], b'\n' | b'\r' | b' ' | b'[' | b'{' | b',' | b':' | b'?' | b'"' | b'\''));
    // A bracket where a flow collection can start (not `${VAR}`).
    let flow = memchr::memchr2_iter(b'[', b'{', b)
        .any(|i| i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',' | b':' | b'-' | b'?'));
    if !(escapes || question || colon || flow) {
        return None;
    }
    let mut found: Option<SyntaxError> = None;
    let mut stack: Vec<(&Node, Flow, Option<usize>)> = vec![(doc, None, None)];
    while let Some((n, ctx, seq_item)) = stack.pop() {
        let e = match &n.kind {
            Kind::Scalar(s) if escapes && s.style == Style::DoubleQuoted => unknown_escape(text, n.range),
            // yaml.v2 reads `:` at the start of a plain scalar in a flow collection as a value
            // indicator (`[:x]`, `{x: :x}`): scannerc.go:739 takes `:` in flow as one.
            Kind::Scalar(s) if ctx.is_some() && s.style == Style::Plain && text[n.range.start..].starts_with(':') => {
                let range = TextRange::new(n.range.start, n.range.start + 1);
                Some(v2_error(text, range, "did not find expected node content", false, Some(range.start)))
            }
            Kind::Scalar(s) if question && s.style == Style::Plain => {
                // At its start, `?` is a key indicator, which is valid (`[?x]`).
                let inner = s.value.get(1..).and_then(|v| v.find('?'));
                ctx.zip(inner).map(|(ctx, _)| flow_question(text, n.range, ctx))
            }
            Kind::Map(entries) => {
                let inner = inner_flow(text, n, ctx);
                for e in entries {
                    stack.push((&e.key, inner, None));
                    stack.push((&e.value, inner, None));
                }
                let empty_key = entries.iter().enumerate().find_map(|(i, e)| {
                    let seq_item = seq_item.filter(|_| i == 0);
                    empty_collection_key(text, e, n, inner, seq_item)
                });
                empty_key.or_else(|| entries.iter().find_map(|e| entry_v2(text, e, n, inner, colon)))
            }
            Kind::Seq(items) => {
                let inner = inner_flow(text, n, ctx);
                let block = inner.is_none().then_some(n.range.start);
                stack.extend(items.iter().map(|i| (i, inner, block)));
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

/// An empty flow collection (`[]`, `{}`) as an implicit key: yaml.v2 loses it as a simple key
/// (`yaml_parser_decrease_flow_level`, scannerc.go:918-923, forgets the key saved for the token
/// at the collection's start, scannerc.go:632), so the `:` comes without a key. At the start of
/// the document it reads the collection as the whole document ([`root_is_a_collection`]); in a
/// flow mapping it reads it. `seq_item`: the start of the block sequence when `map` is its
/// item's first line (`- []: x`).
fn empty_collection_key(
    text: &str,
    e: &super::yaml::Entry,
    map: &Node,
    ctx: Flow,
    seq_item: Option<usize>,
) -> Option<SyntaxError> {
    if !is_empty_collection(text, &e.key) {
        return None;
    }
    let at = e.key.range.end + value_indicator(&text[e.key.range.end..e.range.end])?;
    let range = TextRange::new(at, at + 1);
    match (ctx, seq_item) {
        (Some((_, '}')), _) => None,
        (Some((open, close)), _) => {
            let problem = format!("did not find expected ',' or '{close}'");
            Some(v2_error(text, range, &problem, false, Some(open)))
        }
        (None, Some(seq)) => Some(v2_error(text, range, "did not find expected '-' indicator", false, Some(seq))),
        (None, None) => Some(v2_error(text, range, "did not find expected key", false, Some(map.range.start))),
    }
}

fn is_empty_collection(text: &str, n: &Node) -> bool {
    let empty = match &n.kind {
        Kind::Map(e) => e.is_empty(),
        Kind::Seq(i) => i.is_empty(),
        _ => false,
    };
    empty && n.flow && text[n.range.start..].starts_with(['[', '{'])
}

/// A stream that starts with an empty flow collection as a key (`[]: x`, comments and blank
/// lines aside): yaml.v2 reads the collection as the document and nothing after it (see
/// [`empty_collection_key`]).
fn root_is_a_collection(text: &str) -> bool {
    let first =
        text.lines().map(|l| l.trim_end()).find(|l| !l.trim_start().is_empty() && !l.trim_start().starts_with('#'));
    let Some(line) = first else { return false };
    let rest = line.trim_start_matches(' ');
    let Some(close) = (match rest.as_bytes().first() {
        Some(b'[') => Some(']'),
        Some(b'{') => Some('}'),
        _ => None,
    }) else {
        return false;
    };
    let inside = rest[1..].trim_start_matches([' ', '\t']);
    inside.strip_prefix(close).is_some_and(|r| r.trim_start_matches([' ', '\t']).starts_with(':'))
}

/// The flow collection `n` opens, else the one it is in (a single pair in a flow sequence opens
/// none).
fn inner_flow(text: &str, n: &Node, ctx: Flow) -> Flow {
    match text.as_bytes().get(n.range.start) {
        Some(b'[') if n.flow => Some((n.range.start, ']')),
        Some(b'{') if n.flow => Some((n.range.start, '}')),
        _ => ctx,
    }
}

/// An entry of `map` that yaml.v2 rejects: an empty key (`: value`), or in a flow collection a
/// key that does not start on the line of its `:` or starts more than 1,024 characters before
/// it (`scannerc.go:835`: no longer a simple key, so the `:` comes without one).
fn entry_v2(text: &str, e: &super::yaml::Entry, map: &Node, ctx: Flow, colon: bool) -> Option<SyntaxError> {
    if matches!(e.key.kind, Kind::Empty) {
        if !(colon && text[e.range.start..].starts_with(':')) {
            return None;
        }
        let range = TextRange::new(e.range.start, e.range.start + 1);
        // parserc.go: a block mapping's context is where it starts; a flow node's is the token.
        return Some(match ctx {
            Some(_) => v2_error(text, range, "did not find expected node content", false, Some(range.start)),
            None => v2_error(text, range, "did not find expected key", false, Some(map.range.start)),
        });
    }
    let (open, close) = ctx?;
    if text[..e.key.range.start].trim_end().ends_with('?') {
        // An explicit key (`? key`) is not a simple key: it may span lines.
        return None;
    }
    let at = e.key.range.end + value_indicator(&text[e.key.range.end..e.range.end])?;
    let key = &text[e.key.range.start..at];
    if !key.contains(['\n', '\r']) && key.chars().count() <= 1024 {
        return None;
    }
    let problem = format!("did not find expected ',' or '{close}'");
    Some(v2_error(text, TextRange::new(at, at + 1), &problem, false, Some(open)))
}

/// A `\/` escape in a double-quoted scalar (yaml.v2 does not know it).
fn unknown_escape(text: &str, range: TextRange) -> Option<SyntaxError> {
    let raw = text.get(range.start..range.end)?;
    let open = raw.find('"')?;
    let mut i = open + 1;
    let b = raw.as_bytes();
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            (b'\\', b'/') => {
                let at = range.start + i;
                // scannerc.go:2427: a scanner error, in the context of the scalar's start.
                let range = TextRange::new(at, at + 2);
                return Some(v2_error(
                    text,
                    range,
                    "found unknown escape character",
                    true,
                    Some(range.start - i + open),
                ));
            }
            (b'\\', _) => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// Where the `:` is in the text between a key and its value (comments skipped).
fn value_indicator(between: &str) -> Option<usize> {
    let mut comment = false;
    for (i, c) in between.bytes().enumerate() {
        match c {
            b'\n' | b'\r' => comment = false,
            b'#' => comment = true,
            b':' if !comment => return Some(i),
            _ => {}
        }
    }
    None
}

/// A `?` inside a plain scalar in a flow collection: yaml.v2 ends the scalar there
/// (scannerc.go:2605-2611) and reads a key indicator (`[URL=http://x/?a=1]`): a parser error on
/// the `?` token, in the context of the collection's start.
fn flow_question(text: &str, range: TextRange, (open, close): (usize, char)) -> SyntaxError {
    let raw = &text[range.start..range.end];
    let at = raw.get(1..).and_then(|r| r.find('?')).map_or(range.start, |i| range.start + 1 + i);
    let problem = format!("did not find expected ',' or '{close}'");
    v2_error(text, TextRange::new(at, at + 1), &problem, false, Some(open))
}

/// `text` with what yaml.v2 reads in a tag and libyaml does not (`,`, `[`, `]`: yaml.v2's URI
/// characters, scannerc.go:1985-2000) replaced by `;`, a character both read there: the same
/// length, and the same verdict from libyaml as yaml.v2 gives on `text`.
pub(super) fn tags_as_v2_reads(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    if memchr::memchr(b'!', b).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out: Option<Vec<u8>> = None;
    for i in memchr::memchr_iter(b'!', b) {
        if i > 0 && !matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',') {
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && is_v2_uri_char(b[j]) {
            if matches!(b[j], b',' | b'[' | b']') {
                out.get_or_insert_with(|| b.to_vec())[j] = b';';
            }
            j += 1;
        }
    }
    match out {
        Some(bytes) => std::borrow::Cow::Owned(String::from_utf8(bytes).expect("ASCII for ASCII keeps UTF-8 valid")),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// `text` with each `\\/` escape made one libyaml does not know either (`\\q`), so that its
/// error comes where yaml.v2's does (scannerc.go:2377-2427 has no `/`), in order with the rest.
/// Outside double quotes the two are the same text to both. The same length.
pub(super) fn escapes_as_v2_reads(text: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let slashes: Vec<usize> = memchr::memmem::find_iter(b, b"\\/")
        .filter(|&i| b[..i].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 0)
        .collect();
    if slashes.is_empty() {
        return text;
    }
    let mut bytes = text.into_owned().into_bytes();
    for i in slashes {
        bytes[i + 1] = b'q';
    }
    std::borrow::Cow::Owned(String::from_utf8(bytes).expect("ASCII for ASCII keeps UTF-8 valid"))
}

/// A character yaml.v2 reads in a tag (scannerc.go:1985-2000; `%` starts an escape).
fn is_v2_uri_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-_;/?:@&=+$,.!~*'()[]%".contains(&c)
}

/// When libyaml's error at `offset` is one yaml.v2 does not make, `text` with its cause replaced
/// by what both read the same way: a `\'` escape, which yaml.v2 knows (scannerc.go:2401) and
/// libyaml does not, becomes `\"`.
pub(super) fn libyaml_only(text: &str, offset: usize, message: &str) -> Option<String> {
    if !(message.starts_with("found unknown escape character") && text[offset..].starts_with("\\'")) {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    bytes[offset + 1] = b'"';
    Some(String::from_utf8(bytes).expect("ASCII for ASCII keeps UTF-8 valid"))
}
