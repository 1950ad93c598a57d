//! The strict parse (libyaml, through `yaml_serde`): the first error and its message, and the
//! plain-words hints added to it.

use std::fmt::Write as _;

use super::depth;
use crate::text::TextRange;

/// Text tree-sitter accepts but libyaml may not: tabs, control characters, directives (aliases,
/// anchors and tags are noticed while lowering). When none occurs and tree-sitter saw no error,
/// the strict parse is skipped: it costs more than the incremental parse on a large file.
pub(super) fn needs_strict_check(text: &str) -> bool {
    text.bytes().any(|c| c == 0x7f || (c < 0x20 && !matches!(c, b'\n' | b'\r')))
        || text.starts_with('%')
        || text.contains("\n%")
}

pub(super) struct StrictError {
    pub(super) offset: usize,
    /// libyaml's message, with the marks of its context.
    pub(super) message: String,
    /// What yaml.v2 prints for the same error (`yaml: line 3: did not find expected key`).
    pub(super) v2: String,
    /// In the first document, the only one yaml.v2's `Unmarshal` reads.
    pub(super) first_document: bool,
}

impl StrictError {
    /// The message to show: yaml.v2's (`yaml: line N: ...`) in the first document; after it,
    /// where yaml.v2 reads nothing, libyaml's (`convox::adjust` drops it from the verdict).
    pub(super) fn verdict(&self) -> &str {
        if self.first_document { &self.v2 } else { &self.message }
    }
}

/// The first error libyaml reports, with its message and the byte offset it points at, on the
/// text as yaml.v2 reads it: what only libyaml rejects is replaced first (`convox::as_v2_reads`,
/// at most [`MAX_V2_RETRIES`] times on an error, so at most that many more parses).
pub(super) fn strict_error(text: &str) -> Option<StrictError> {
    let mut text = super::convox::escapes_as_v2_reads(super::convox::tags_as_v2_reads(text));
    for _ in 0..MAX_V2_RETRIES {
        let e = libyaml_error(&text)?;
        match super::convox::libyaml_only(&text, e.offset, &e.message) {
            Some(patched) => text = std::borrow::Cow::Owned(patched),
            None => return Some(e),
        }
    }
    libyaml_error(&text)
}

/// How many errors only libyaml makes are read past (`\'` escapes) before its error is taken.
const MAX_V2_RETRIES: usize = 8;

fn libyaml_error(text: &str) -> Option<StrictError> {
    use serde::Deserialize;
    // A byte order mark is read by libyaml, but yaml_serde's reader misplaces a `---` after it.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    // Past the flow depth libyaml reads in linear time it reads nothing (`depth.rs`).
    let cut = depth::too_deep_at(text).map(|c| c.max(bom));
    for (i, doc) in yaml_serde::Deserializer::from_str(cut.map_or(&text[bom..], |c| &text[bom..c])).enumerate() {
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
            let offset = floor_boundary(text, offset);
            let v2 = super::convox::v2_message(&full, &text[offset..]);
            return Some(StrictError { offset, message, v2, first_document: i == 0 });
        }
    }
    None
}

pub(super) fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What a broken line most likely lacks, in plain words.
pub(super) fn hint(line: &str) -> Option<&'static str> {
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

pub(super) fn with_hint(message: &str, line: &str) -> String {
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
pub(super) fn token_at(text: &str, offset: usize) -> TextRange {
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
pub(super) fn trim_range(text: &str, r: TextRange) -> TextRange {
    let s = &text[r.start..r.end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail >= s.len() { r } else { TextRange::new(r.start + lead, r.end - trail) }
}
