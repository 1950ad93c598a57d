//! Completion: keys valid at the cursor from the knowledge base, values (closed sets, booleans,
//! resource types, cron presets), names declared elsewhere in the file, environment names in
//! `${...}`; on half-typed YAML too (the key path comes from the indentation scan there).

mod item;
mod keys;
mod names;
mod plain;
mod values;

use crate::ide::analysis::Analysis;
use crate::syntax::{Segment, Target};
use crate::text::TextRange;
use keys::keys;
use names::interpolation;
use values::values;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Key,
    Value,
    /// A name declared elsewhere in the file (a service, a resource, a config).
    Reference,
    Variable,
    /// A skeleton of several keys.
    Snippet,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// One line: the summary, or what the value means.
    pub detail: Option<String>,
    /// The knowledge-base pattern whose documentation is shown beside the list
    /// (`services.*.image`), for a key; made into Markdown only when it is sent
    /// ([`documentation_of`]): a client that resolves items later gets the pattern.
    pub doc_pattern: Option<&'static str>,
    /// The text that replaces `replace`; a snippet (`$1`, `${1:default}`) when `snippet` is set.
    /// Lines after the first carry their full indentation.
    pub insert: String,
    pub snippet: bool,
    pub replace: TextRange,
    /// Sorts the list: likely choices first.
    pub sort: String,
}

/// The documentation of a key item, from its knowledge-base pattern ([`CompletionItem::doc_pattern`]).
pub fn documentation_of(pattern: &str) -> Option<String> {
    crate::schema::schema().get(pattern).map(keys::doc_markdown)
}

pub(super) fn completions(a: &Analysis, offset: usize) -> Vec<CompletionItem> {
    let text = a.text();
    let offset = offset.min(text.len());
    if let Some(items) = interpolation(a, offset) {
        return items;
    }
    // In a comment: nothing.
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    if before.contains(" #") || before.trim_start().starts_with('#') {
        return Vec::new();
    }
    if let Some(items) = flow_item(a, before, offset) {
        return items;
    }
    let at = a.key_path_at(offset);
    match at.target {
        // `- ` or `- wor` with no colon yet, read from the indentation: a new item of the list.
        Target::NewKey(word) if matches!(at.path.0.last(), Some(Segment::Index(_))) => {
            new_item(a, &at.path, word, line_start, offset)
        }
        Target::NewKey(word) => keys(a, &at.path, word, line_start, offset),
        Target::Key(range) => {
            let mut parent = at.path.clone();
            parent.0.pop();
            keys(a, &parent, TextRange::new(range.start, offset.max(range.start)), line_start, offset)
        }
        // A lone word on its own line under `key:` parses as key's value (or, in a broken file,
        // as whatever the repaired tree makes of it), but it is a key being typed
        // (`worker:\n    sc`): complete the keys of the map its indentation puts it in.
        Target::Value(range) if lone_word(text, line_start, offset) || at_own_line_start(before, range, line_start) => {
            let path = a.indentation_scan(offset).path;
            let start = line_start + (before.len() - before.trim_start().len());
            keys(a, &path, TextRange::new(start, offset), line_start, offset)
        }
        // `- wor` with no colon yet: a value of the list, or the first key of an item's map.
        Target::Value(range) if matches!(at.path.0.last(), Some(Segment::Index(_))) && !before.contains(':') => {
            let word = if range.is_empty() { TextRange::empty(offset) } else { range };
            new_item(a, &at.path, word, line_start, offset)
        }
        Target::Value(range) => values(a, &at.path, if range.is_empty() { TextRange::empty(offset) } else { range }),
        Target::NewItem(word) => new_item(a, &at.path, word, line_start, offset),
    }
}

/// The line holds one word and the cursor is in or after it: a key without its colon yet.
fn lone_word(text: &str, line_start: usize, offset: usize) -> bool {
    let line_end = text[offset..].find(['\n', '\r']).map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let word = line.trim();
    let indent = line.len() - line.trim_start().len();
    offset >= line_start + indent
        && !word.is_empty()
        && !word.contains([':', ' ', '#', '[', '{', '"', '\'', '$'])
        && !word.starts_with('-')
}

/// A value starting at the first character of the cursor's line, before any colon.
fn at_own_line_start(before: &str, range: TextRange, line_start: usize) -> bool {
    range.start == line_start + (before.len() - before.trim_start().len()) && !before.contains(':')
}

/// `- ` in a list: the list's item values; in a list of maps, the item's keys.
fn new_item(
    a: &Analysis,
    path: &crate::syntax::KeyPath,
    word: TextRange,
    line_start: usize,
    offset: usize,
) -> Vec<CompletionItem> {
    let mut item = path.clone();
    if !matches!(item.0.last(), Some(Segment::Index(_))) {
        item.0.push(Segment::Index(0));
    }
    let v = values(a, &item, word);
    if v.is_empty() { keys(a, &item, word, line_start, offset) } else { v }
}

/// Inside a one-line flow list (`resources: [database, ca`): the list's item values.
fn flow_item(a: &Analysis, before: &str, offset: usize) -> Option<Vec<CompletionItem>> {
    let mut depth = 0usize;
    let mut open = None;
    for (i, c) in before.char_indices().rev() {
        match c {
            ']' => depth += 1,
            '[' if depth == 0 => {
                open = Some(i);
                break;
            }
            '[' => depth -= 1,
            '{' | '}' | '"' | '\'' => return None,
            _ => {}
        }
    }
    let open = open?;
    if !before[..open].trim_end().ends_with(':') {
        return None;
    }
    let line_start = offset - before.len();
    let mut item = a.indentation_scan(line_start + open).path;
    item.0.push(Segment::Index(0));
    let word_start = before.rfind(['[', ',', ' ']).map_or(0, |i| i + 1);
    Some(values(a, &item, TextRange::new(line_start + word_start, offset)))
}
