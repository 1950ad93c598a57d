//! The key path at an offset (`services.web.scale.count`), from the lowered tree, falling back to
//! an indentation scan of the text where the tree has nothing (a blank line, a broken line, a key
//! being typed).

use super::Parse;
use super::yaml::{Kind, Node};
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<Segment>);

impl KeyPath {
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            Segment::Index(_) => None,
        })
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for KeyPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// What the cursor is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// On a key: the path ends with that key.
    Key(TextRange),
    /// On a scalar value (or an empty one): the path ends with the key it belongs to.
    Value(TextRange),
    /// In a map's body but on no key (a blank line, or a word still being typed without a colon):
    /// the path is the map's. `TextRange` is the partial word under the cursor, maybe empty.
    NewKey(TextRange),
    /// In a list's body on a new item (`- ` with nothing yet): the path is the list's.
    NewItem(TextRange),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathAt {
    pub path: KeyPath,
    pub target: Target,
    /// True when the path comes from the indentation scan rather than the tree.
    pub from_indentation: bool,
}

/// The key path at `offset` in the first document.
pub fn key_path_at(text: &str, parse: &Parse, offset: usize) -> PathAt {
    key_path_at_with(text, parse, offset, None)
}

/// [`key_path_at`], with the text's [`shallow_lines`] when the caller keeps them.
pub fn key_path_at_with(text: &str, parse: &Parse, offset: usize, shallow: Option<&[usize]>) -> PathAt {
    let offset = offset.min(text.len());
    let line = line_bounds(text, offset);
    let broken = parse.is_broken_at(offset);
    if !broken {
        let mut path = Vec::new();
        if let Some(target) = walk(parse.root(), offset, &mut path, line)
            && !starts_a_line_below(text, &target, line, offset, path.is_empty())
        {
            return PathAt { path: KeyPath(path), target, from_indentation: false };
        }
    }
    // Blank or broken line, or a position the tree does not cover: read the indentation.
    indentation_scan_with(text, offset, shallow)
}

/// The start of every line of `text` indented less than two columns and not empty, in order: the
/// only lines an upward scan for a key at column 0 or 1 can stop at ([`indentation_scan_with`]).
/// A manifest has few (its sections); the scan from a line deep in `services` jumps to them
/// instead of reading every line of the services above.
pub fn shallow_lines(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let shallow = |p: usize| !matches!(bytes.get(p), None | Some(b'\n' | b'\r')) && !bytes[p..].starts_with(b"  ");
    std::iter::once(0).chain(memchr::memchr2_iter(b'\n', b'\r', bytes).map(|i| i + 1)).filter(|&p| shallow(p)).collect()
}

/// A cursor on a line blank up to it, at or left of the indentation of the line a multi-line
/// value starts on (a plain scalar running on, a block scalar's blank line, a broken document
/// read as one scalar): what the user types there starts a new key or item, not more of the value.
/// A document read as one scalar (a broken file the repair could not mend) says nothing either.
fn starts_a_line_below(text: &str, target: &Target, line: TextRange, offset: usize, root: bool) -> bool {
    let Target::Value(r) = target else { return false };
    if r.start >= line.start || !text[line.start..offset].bytes().all(|b| b == b' ') {
        return false;
    }
    let value_line = line_bounds(text, r.start);
    root || offset - line.start <= indent_of(&text[value_line.start..value_line.end])
}

fn line_bounds(text: &str, offset: usize) -> TextRange {
    let start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let end = text[offset..].find(['\n', '\r']).map_or(text.len(), |i| offset + i);
    TextRange::new(start, end)
}

/// Descends to the innermost node holding `offset`. Returns `None` when the offset is on a line
/// the tree holds no node of (the caller then scans indentation).
fn walk(node: &Node, offset: usize, path: &mut Vec<Segment>, line: TextRange) -> Option<Target> {
    match &node.kind {
        Kind::Map(entries) => {
            for e in entries {
                if e.key.range.contains_inclusive(offset) && !e.key.range.is_empty() {
                    path.push(Segment::Key(e.key.as_str().unwrap_or_default().to_string()));
                    return Some(Target::Key(e.key.range));
                }
                let value_range = e.value.range;
                let in_value = value_range.contains_inclusive(offset)
                    || (e.value.is_empty()
                        && offset >= e.key.range.end
                        && offset <= line.end
                        && line.contains_inclusive(e.key.range.end));
                if in_value {
                    path.push(Segment::Key(e.key.as_str().unwrap_or_default().to_string()));
                    return match &e.value.kind {
                        Kind::Map(_) | Kind::Seq(_) => walk(&e.value, offset, path, line),
                        _ => Some(Target::Value(value_range)),
                    };
                }
            }
            None
        }
        Kind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let on_dash_line = item.is_empty() && line.contains_inclusive(item.range.start);
                if on_dash_line || (item.range.contains_inclusive(offset) && !item.range.is_empty()) {
                    path.push(Segment::Index(i));
                    return match &item.kind {
                        Kind::Map(_) | Kind::Seq(_) => walk(item, offset, path, line),
                        Kind::Empty => Some(Target::NewItem(TextRange::empty(offset))),
                        _ => Some(Target::Value(item.range)),
                    };
                }
            }
            None
        }
        Kind::Scalar(_) | Kind::Alias(_) | Kind::Empty | Kind::Error => {
            if node.range.contains_inclusive(offset) && !node.range.is_empty() {
                Some(Target::Value(node.range))
            } else {
                None
            }
        }
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The key of a line such as `  name: value`, `  - name: value` or `  name:`; with the column
/// its key starts at and whether it is a list item.
fn line_key(line: &str) -> Option<(usize, bool, &str)> {
    let indent = indent_of(line);
    let rest = &line[indent..];
    let (item, rest, col) = match rest.strip_prefix("- ").or_else(|| rest.strip_prefix('-').filter(|r| r.is_empty())) {
        Some(r) => {
            let extra = r.len() - r.trim_start_matches(' ').len();
            (true, r.trim_start_matches(' '), indent + 2 + extra)
        }
        None => (false, rest, indent),
    };
    let key = match rest.find(": ").or_else(|| rest.strip_suffix(':').map(|r| r.len())) {
        Some(i) => rest[..i].trim().trim_matches(['"', '\'']),
        None => {
            return if item { Some((indent, true, "")) } else { None };
        }
    };
    if key.is_empty() || key.starts_with('#') || key.contains(['{', '[']) {
        return if item { Some((indent, true, "")) } else { None };
    }
    Some((col, item, key))
}

/// Reads the path from indentation alone: walks up from the cursor's line to each line with
/// less indentation that holds a `key:` or a `- ` item.
pub fn indentation_scan(text: &str, offset: usize) -> PathAt {
    indentation_scan_with(text, offset, None)
}

/// [`indentation_scan`], with the text's [`shallow_lines`] (the same path, found without reading
/// the lines that cannot hold it).
pub fn indentation_scan_with(text: &str, offset: usize, shallow: Option<&[usize]>) -> PathAt {
    let line = line_bounds(text, offset);
    let line_text = &text[line.start..line.end];
    let before = &text[line.start..offset];
    let word_start = before.rfind(|c: char| c.is_whitespace() || c == '-').map_or(line.start, |i| line.start + i + 1);
    let word = TextRange::new(word_start, offset);

    // Where the cursor's own line stands.
    let (threshold, target) = if before.trim().is_empty() {
        // Blank up to the cursor: the cursor column decides.
        let col = before.len();
        let rest_item = line_text.trim_start().starts_with('-');
        if rest_item { (indent_of(line_text), Target::NewItem(word)) } else { (col, Target::NewKey(word)) }
    } else {
        match line_key(line_text) {
            Some((col, item, key)) if !key.is_empty() && offset > line.start + col + key.len() => {
                // After `key:` on the value side.
                let own = if item { indent_of(line_text) } else { col };
                let mut p = scan_up(text, line.start, own, item.then_some(own), shallow);
                if item {
                    p.push(Segment::Index(count_items_before(text, line.start, indent_of(line_text))));
                }
                p.push(Segment::Key(key.to_string()));
                let vstart = line.start + line_text.find(':').map_or(line_text.len(), |i| i + 1);
                let vstart = vstart.min(line.end);
                let vr = if text[vstart..line.end].trim().is_empty() {
                    // Nothing typed yet: the value starts at the cursor.
                    TextRange::empty(offset.max(vstart))
                } else {
                    super::trim_range(text, TextRange::new(vstart, line.end))
                };
                return PathAt { path: KeyPath(p), target: Target::Value(vr), from_indentation: true };
            }
            Some((_, true, _)) => {
                let indent = indent_of(line_text);
                let mut p = scan_up(text, line.start, indent, Some(indent), shallow);
                p.push(Segment::Index(count_items_before(text, line.start, indent)));
                return PathAt { path: KeyPath(p), target: Target::NewKey(word), from_indentation: true };
            }
            _ => {
                let indent = indent_of(line_text);
                if line_text.trim_start().starts_with('-') {
                    (indent, Target::NewItem(word))
                } else {
                    (indent, Target::NewKey(word))
                }
            }
        }
    };
    let list_at = matches!(target, Target::NewItem(_)).then_some(threshold);
    let path = scan_up(text, line.start, threshold, list_at, shallow);
    PathAt { path: KeyPath(path), target, from_indentation: true }
}

/// Collects the keys of the enclosing lines above `line_start` whose key column is below `col`.
/// `list_at`: the cursor's line is an item of a list at that column (whose key may sit at the same
/// column). `shallow`: the text's [`shallow_lines`], to jump over the lines indented two columns
/// or more when only a line at column 0 or 1 can end the scan.
fn scan_up(
    text: &str,
    line_start: usize,
    col: usize,
    list_at: Option<usize>,
    shallow: Option<&[usize]>,
) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut threshold = col;
    // The column of the list whose item was just pushed: its key may sit at the same column
    // (`triggers:` then `- type: x` below it).
    let mut list_at = list_at;
    let mut end = line_start;
    while end > 0 && (threshold > 0 || list_at.is_some()) {
        let (start, l) = match shallow {
            // Every line between is indented at or past the threshold: each would be skipped.
            Some(lines) if list_at.is_none() && threshold <= 2 => {
                let Some(&start) = lines[..lines.partition_point(|&s| s < end)].last() else { break };
                let stop = memchr::memchr2(b'\n', b'\r', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i);
                (start, &text[start..stop])
            }
            _ => {
                let before = &text[..end];
                let trimmed = before.strip_suffix('\n').unwrap_or(before);
                let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
                let start = trimmed.rfind(['\n', '\r']).map_or(0, |i| i + 1);
                (start, &trimmed[start..])
            }
        };
        end = start;
        // A line indented at or past the threshold can neither be a parent nor end the scan
        // (everything below needs `indent < threshold`, or a list's key): skipped without reading
        // it further, so a scan up to `services:` costs little per line of the services above.
        if list_at.is_none() && indent_of(l) >= threshold {
            continue;
        }
        let content = l.trim();
        // Blank lines, comments, and lines indented with tabs (invalid YAML) say nothing.
        let tabbed = l[..l.len() - l.trim_start().len()].contains('\t');
        if content.is_empty() || content.starts_with('#') || tabbed {
            if start == 0 {
                break;
            }
            continue;
        }
        let indent = indent_of(l);
        if let Some((key_col, item, key)) = line_key(l) {
            // `- key: v` opens a map at key_col inside the list item at `indent`.
            if !key.is_empty() && (key_col < threshold || (!item && list_at == Some(key_col))) {
                segments.push(Segment::Key(key.to_string()));
                threshold = key_col;
                list_at = None;
                if item {
                    segments.push(Segment::Index(count_items_before(text, start, indent)));
                    threshold = indent;
                    list_at = Some(indent);
                }
            } else if item && (key.is_empty() || key_col == threshold) && indent < threshold {
                // `- ` alone, or `- key: v` whose map the cursor's line continues.
                segments.push(Segment::Index(count_items_before(text, start, indent)));
                threshold = indent;
                list_at = Some(indent);
            }
        } else if indent < threshold && content.starts_with("---") {
            break;
        }
        if start == 0 {
            break;
        }
    }
    segments.reverse();
    segments
}

/// How many `- ` items at `indent` precede the line at `line_start` in the same list.
fn count_items_before(text: &str, line_start: usize, indent: usize) -> usize {
    let mut n = 0;
    for l in text[..line_start].lines().rev() {
        let content = l.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let i = indent_of(l);
        if i < indent {
            break;
        }
        if i == indent {
            if content.starts_with('-') {
                n += 1;
            } else {
                break;
            }
        }
    }
    n
}
