//! Lowering: tree-sitter CST -> [`yaml::Node`]. Tolerant: an `ERROR` inside a map or list is
//! skipped (the syntax error is reported separately), everything around it is kept.

use compact_str::CompactString;
use tree_sitter::{Node as TsNode, TreeCursor};

use super::block::block_scalar;
use super::yaml::{Entry, Kind, Node, Scalar, Style};
use crate::text::TextRange;

/// YAML nesting deeper than this is cut off (a `Kind::Error` node) so that no recursion here or
/// above can overflow the stack. Real manifests nest fewer than 15 levels.
pub const MAX_DEPTH: usize = 128;

pub(super) struct Lowerer<'a, 't> {
    pub text: &'a str,
    pub too_deep: Option<TextRange>,
    /// An alias, anchor or tag was seen (the strict parser must then have its say).
    pub saw_properties: bool,
    /// One cursor for the whole walk: children are collected before recursing, so it is never
    /// held across a call (creating a cursor per node costs an allocation each).
    cursor: TreeCursor<'t>,
}

/// A child with its field name (`key`, `value`) if it has one.
type Child<'t> = (Option<&'static str>, TsNode<'t>);

fn range(n: TsNode) -> TextRange {
    TextRange::new(n.start_byte(), n.end_byte())
}

impl<'a, 't> Lowerer<'a, 't> {
    pub fn new(text: &'a str, root: TsNode<'t>) -> Self {
        Self { text, too_deep: None, saw_properties: false, cursor: root.walk() }
    }

    /// Every child of `n` (named or not), with field names.
    fn children(&mut self, n: TsNode<'t>) -> Vec<Child<'t>> {
        self.cursor.reset(n);
        let mut out = Vec::new();
        if self.cursor.goto_first_child() {
            loop {
                out.push((self.cursor.field_name(), self.cursor.node()));
                if !self.cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        out
    }

    fn named(&mut self, n: TsNode<'t>) -> impl Iterator<Item = TsNode<'t>> + use<'t> {
        self.children(n).into_iter().map(|(_, c)| c).filter(|c| c.is_named())
    }

    /// Lowers every `document` under a `stream`.
    pub fn documents(&mut self, root: TsNode<'t>) -> Vec<Node> {
        let mut docs = Vec::new();
        let mut stack = vec![root];
        // Documents sit directly under `stream`, or under an ERROR that took the stream's place.
        while let Some(n) = stack.pop() {
            for child in self.named(n).collect::<Vec<_>>().into_iter().rev() {
                match child.kind() {
                    "document" => docs.push(child),
                    "ERROR" if n.kind() == "stream" => stack.push(child),
                    _ => {}
                }
            }
        }
        docs.sort_by_key(|d| d.start_byte());
        let mut out: Vec<Node> = docs.into_iter().map(|d| self.document(d)).collect();
        if out.is_empty() {
            // The whole stream failed: lower what the ERROR holds as the first document.
            out.push(self.error_contents(root, 0));
        }
        out
    }

    fn document(&mut self, doc: TsNode<'t>) -> Node {
        let content = self.named(doc).find(|c| matches!(c.kind(), "block_node" | "flow_node"));
        match content {
            Some(c) => self.node(c, 0),
            None => Node::empty(doc.start_byte()),
        }
    }

    /// An ERROR node can still hold well-formed pairs: keep the ones it has so that a broken
    /// document keeps as much of its structure as the parser recovered.
    fn error_contents(&mut self, n: TsNode<'t>, depth: usize) -> Node {
        let mut entries = Vec::new();
        for child in self.named(n).collect::<Vec<_>>() {
            match child.kind() {
                "block_mapping_pair" => entries.push(self.pair(child, depth + 1)),
                "block_node" | "flow_node" | "document" => {
                    let inner =
                        if child.kind() == "document" { self.document(child) } else { self.node(child, depth + 1) };
                    if let Kind::Map(es) = inner.kind {
                        entries.extend(es);
                    }
                }
                _ => {}
            }
        }
        let kind = if entries.is_empty() { Kind::Error } else { Kind::Map(entries) };
        Node { kind, range: range(n), anchor: None, tag: None, flow: false }
    }

    fn node(&mut self, n: TsNode<'t>, depth: usize) -> Node {
        if depth > MAX_DEPTH {
            self.too_deep.get_or_insert(range(n));
            return Node { kind: Kind::Error, range: range(n), anchor: None, tag: None, flow: false };
        }
        let mut anchor = None;
        let mut tag = None;
        let mut content = None;
        for child in self.named(n).collect::<Vec<_>>() {
            match child.kind() {
                "anchor" => {
                    self.saw_properties = true;
                    let name = child.named_child(0).map_or("", |c| &self.text[c.byte_range()]);
                    anchor = Some(Box::new((name.to_string(), range(child))));
                }
                "tag" => {
                    self.saw_properties = true;
                    tag = Some(Box::new((self.text[child.byte_range()].to_string(), range(child))));
                }
                "comment" => {}
                _ => content = content.or(Some(child)),
            }
        }
        let Some(c) = content else {
            // Only properties (`key: &a` or `key: !!null`): an empty value.
            let mut node = Node::empty(n.end_byte());
            node.anchor = anchor;
            node.tag = tag;
            return node;
        };
        let flow = matches!(c.kind(), "flow_mapping" | "flow_sequence");
        let kind = match c.kind() {
            "block_mapping" => Kind::Map(self.block_mapping(c, depth)),
            "block_sequence" => Kind::Seq(self.block_sequence(c, depth)),
            "flow_mapping" | "flow_sequence" => self.flow_collection(c, depth),
            "alias" => {
                self.saw_properties = true;
                Kind::Alias(c.named_child(0).map_or("", |a| &self.text[a.byte_range()]).to_string())
            }
            "plain_scalar" => scalar(Style::Plain, fold_plain(&self.text[c.byte_range()])),
            "single_quote_scalar" => scalar(Style::SingleQuoted, single_quoted(&self.text[c.byte_range()])),
            "double_quote_scalar" => scalar(Style::DoubleQuoted, double_quoted(&self.text[c.byte_range()])),
            "block_scalar" => {
                let raw = &self.text[c.byte_range()];
                let style = if raw.starts_with('>') { Style::Folded } else { Style::Literal };
                scalar(style, block_scalar(self.text, c.start_byte(), c.end_byte()))
            }
            "ERROR" => self.error_contents(c, depth).kind,
            _ => Kind::Error,
        };
        Node { kind, range: range(n), anchor, tag, flow }
    }

    fn block_mapping(&mut self, n: TsNode<'t>, depth: usize) -> Vec<Entry> {
        let pairs: Vec<_> = self.named(n).filter(|c| c.kind() == "block_mapping_pair").collect();
        pairs.into_iter().map(|p| self.pair(p, depth + 1)).collect()
    }

    fn pair(&mut self, p: TsNode<'t>, depth: usize) -> Entry {
        let children = self.children(p);
        let field = |name: &str| children.iter().find(|(f, _)| *f == Some(name)).map(|(_, c)| *c);
        let (key_node, value_node) = (field("key"), field("value"));
        let colon_end = children.iter().find(|(_, c)| c.kind() == ":").map_or(p.end_byte(), |(_, c)| c.end_byte());
        let key = match key_node {
            Some(k) => self.node(k, depth),
            None => Node::empty(p.start_byte()),
        };
        let value = match value_node {
            Some(v) => self.node(v, depth),
            // `key:` with nothing after it: an empty value just after the colon.
            None => Node::empty(colon_end),
        };
        Entry { key, value, range: range(p) }
    }

    fn block_sequence(&mut self, n: TsNode<'t>, depth: usize) -> Vec<Node> {
        let items: Vec<_> = self.named(n).filter(|c| c.kind() == "block_sequence_item").collect();
        items
            .into_iter()
            .map(|item| {
                let inner = self.named(item).find(|c| matches!(c.kind(), "block_node" | "flow_node"));
                match inner {
                    Some(v) => self.node(v, depth + 1),
                    None => Node::empty(item.end_byte()),
                }
            })
            .collect()
    }

    fn flow_collection(&mut self, n: TsNode<'t>, depth: usize) -> Kind {
        let is_map = n.kind() == "flow_mapping";
        let mut entries = Vec::new();
        let mut items = Vec::new();
        for c in self.named(n).collect::<Vec<_>>() {
            match c.kind() {
                "flow_pair" => {
                    let children = self.children(c);
                    let field = |name: &str| children.iter().find(|(f, _)| *f == Some(name)).map(|(_, c)| *c);
                    let (k, v) = (field("key"), field("value"));
                    let key = k.map_or_else(|| Node::empty(c.start_byte()), |k| self.node(k, depth + 1));
                    let value = v.map_or_else(|| Node::empty(c.end_byte()), |v| self.node(v, depth + 1));
                    let entry = Entry { key, value, range: range(c) };
                    if is_map {
                        entries.push(entry);
                    } else {
                        // `[a: b]` is a list holding a one-pair map.
                        items.push(Node {
                            kind: Kind::Map(vec![entry]),
                            range: range(c),
                            anchor: None,
                            tag: None,
                            flow: true,
                        });
                    }
                }
                "flow_node" => {
                    let node = self.node(c, depth + 1);
                    if is_map {
                        // `{a, b}`: keys with empty values.
                        let end = node.range.end;
                        entries.push(Entry { key: node, value: Node::empty(end), range: range(c) });
                    } else {
                        items.push(node);
                    }
                }
                _ => {}
            }
        }
        if is_map { Kind::Map(entries) } else { Kind::Seq(items) }
    }
}

fn scalar(style: Style, value: impl Into<CompactString>) -> Kind {
    Kind::Scalar(Scalar { value: value.into(), style })
}

/// Folds a multi-line flow scalar: line breaks become a space, empty lines become `\n`.
fn fold_lines(raw: &str) -> CompactString {
    if !raw.contains(['\n', '\r']) {
        return CompactString::from(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut pending_breaks = 0usize;
    let lines: Vec<&str> = raw.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let last = lines.len() - 1;
    for (i, line) in lines.into_iter().enumerate() {
        let line = if i == 0 { line.trim_end() } else { line.trim() };
        if i > 0 && i == last && line.is_empty() {
            // The line of a closing quote with nothing before it: the break before it folds as
            // any other (a space, or the empty lines between), as yaml.v2 reads `'web\n  '`.
            if pending_breaks > 0 {
                out.extend(std::iter::repeat_n('\n', pending_breaks));
            } else {
                out.push(' ');
            }
            break;
        }
        if i > 0 && line.is_empty() {
            pending_breaks += 1;
            continue;
        }
        if i > 0 {
            if pending_breaks > 0 {
                out.extend(std::iter::repeat_n('\n', pending_breaks));
            } else {
                out.push(' ');
            }
        }
        pending_breaks = 0;
        out.push_str(line);
    }
    out.into()
}

pub(super) fn fold_plain(raw: &str) -> CompactString {
    fold_lines(raw.trim())
}

pub(super) fn single_quoted(raw: &str) -> CompactString {
    let inner = raw.strip_prefix('\'').unwrap_or(raw);
    let inner = inner.strip_suffix('\'').unwrap_or(inner);
    let folded = fold_lines(inner);
    if folded.contains("''") { folded.replace("''", "'").into() } else { folded }
}

pub(super) fn double_quoted(raw: &str) -> String {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    // An escaped line break joins the lines with nothing between them.
    let mut joined = String::with_capacity(inner.len());
    let mut lines = inner.split('\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let escaped_break = line.ends_with('\\') && !line.ends_with("\\\\");
        if escaped_break {
            joined.push_str(&line[..line.len() - 1]);
            if let Some(next) = lines.peek_mut() {
                *next = next.trim_start();
            }
            continue;
        }
        joined.push_str(line);
        if lines.peek().is_some() {
            joined.push('\n');
        }
    }
    let folded = fold_lines(&joined);
    let mut out = String::with_capacity(folded.len());
    let mut chars = folded.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let hex = |chars: &mut std::str::Chars, n: usize| -> Option<char> {
            let s: String = chars.by_ref().take(n).collect();
            u32::from_str_radix(&s, 16).ok().and_then(char::from_u32)
        };
        match e {
            '0' => out.push('\0'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            't' | '\t' => out.push('\t'),
            'n' => out.push('\n'),
            'v' => out.push('\u{b}'),
            'f' => out.push('\u{c}'),
            'r' => out.push('\r'),
            'e' => out.push('\u{1b}'),
            ' ' => out.push(' '),
            '"' => out.push('"'),
            '/' => out.push('/'),
            '\\' => out.push('\\'),
            'N' => out.push('\u{85}'),
            '_' => out.push('\u{a0}'),
            'L' => out.push('\u{2028}'),
            'P' => out.push('\u{2029}'),
            'x' => out.push(hex(&mut chars, 2).unwrap_or('\u{fffd}')),
            'u' => out.push(hex(&mut chars, 4).unwrap_or('\u{fffd}')),
            'U' => out.push(hex(&mut chars, 8).unwrap_or('\u{fffd}')),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_decoding() {
        assert_eq!(double_quoted(r#""a\tb\u00e9\"""#), "a\tbé\"");
        assert_eq!(double_quoted("\"one\n  two\""), "one two");
        assert_eq!(double_quoted("\"one\\\n  two\""), "onetwo");
        assert_eq!(single_quoted("'it''s'"), "it's");
        assert_eq!(fold_plain("bin/web\n    --port 3000"), "bin/web --port 3000");
    }
}
