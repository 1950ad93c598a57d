//! Folding ranges, selection ranges and semantic tokens: the YAML structure and the names in it.

use super::analysis::Analysis;
use super::names::{self, NameKind};
use crate::syntax::yaml::{Kind, Node};
use crate::text::TextRange;

/// A foldable region: from the line of a key (or list item) to the last line of its value.
pub fn folding_ranges(a: &Analysis) -> Vec<TextRange> {
    let text = a.text();
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = a.parse().documents.iter().collect();
    while let Some(n) = stack.pop() {
        match &n.kind {
            Kind::Map(entries) => {
                for e in entries {
                    if matches!(e.value.kind, Kind::Map(_) | Kind::Seq(_)) {
                        let end = trim_end(text, e.range);
                        if text[e.range.start..end].contains('\n') {
                            out.push(TextRange::new(e.range.start, end));
                        }
                        stack.push(&e.value);
                    }
                }
            }
            Kind::Seq(items) => {
                for i in items {
                    if matches!(i.kind, Kind::Map(_) | Kind::Seq(_)) {
                        let end = trim_end(text, i.range);
                        if text[i.range.start..end].contains('\n') {
                            out.push(TextRange::new(i.range.start, end));
                        }
                        stack.push(i);
                    }
                }
            }
            _ => {}
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

fn trim_end(text: &str, r: TextRange) -> usize {
    r.start + text[r.start..r.end].trim_end().len()
}

/// The ranges around `offset`, innermost first: the word, the `key: value` pair, the map that holds
/// it, and so on to the whole document.
pub fn selection_ranges(a: &Analysis, offset: usize) -> Vec<TextRange> {
    let text = a.text();
    let mut chain: Vec<TextRange> = Vec::new();
    let mut node = a.parse().root();
    chain.push(TextRange::new(0, text.len()));
    loop {
        let next = match &node.kind {
            Kind::Map(entries) => {
                entries.iter().find(|e| e.range.contains_inclusive(offset) && !e.range.is_empty()).and_then(|e| {
                    chain.push(TextRange::new(e.range.start, trim_end(text, e.range)));
                    if e.key.range.contains_inclusive(offset) {
                        chain.push(e.key.range);
                        None
                    } else if e.value.range.contains_inclusive(offset) && !e.value.range.is_empty() {
                        Some(&e.value)
                    } else {
                        None
                    }
                })
            }
            Kind::Seq(items) => items.iter().find(|i| i.range.contains_inclusive(offset) && !i.range.is_empty()),
            _ => None,
        };
        match next {
            Some(n) => {
                chain.push(TextRange::new(n.range.start, trim_end(text, n.range)));
                node = n;
            }
            None => break,
        }
    }
    chain.dedup();
    chain.retain(|r| r.contains_inclusive(offset));
    chain.reverse();
    chain
}

/// Token types, in the order of the legend the server announces.
pub const TOKEN_TYPES: [&str; 7] = ["namespace", "class", "struct", "event", "interface", "variable", "property"];
/// Token modifiers, as bits: `declaration` is bit 0.
pub const TOKEN_MODIFIERS: [&str; 1] = ["declaration"];

/// A semantic token: a range on one line, its type (index into [`TOKEN_TYPES`]) and modifier bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub range: TextRange,
    pub token_type: u32,
    pub modifiers: u32,
}

/// Declared names and references to them told apart from plain keys: what editors without a
/// Convox grammar (Helix, Neovim) can colour.
pub fn semantic_tokens(a: &Analysis) -> Vec<Token> {
    let text = a.text();
    let mut tokens: Vec<Token> = Vec::new();
    for o in names::occurrences(a) {
        let token_type = match o.kind {
            NameKind::Service => 1,
            NameKind::Resource => 2,
            NameKind::Timer => 3,
            NameKind::Balancer => 4,
            NameKind::EnvVar => 5,
            NameKind::Config => 2,
        };
        tokens.push(Token { range: o.range, token_type, modifiers: u32::from(o.declaration) });
    }
    // Plain keys: top-level sections as namespaces, the rest as properties.
    let named: std::collections::HashSet<TextRange, crate::schema::FxBuild> = tokens.iter().map(|t| t.range).collect();
    let mut stack: Vec<(&Node, usize)> = vec![(a.parse().root(), 0)];
    while let Some((n, depth)) = stack.pop() {
        match &n.kind {
            Kind::Map(entries) => {
                for e in entries {
                    if !e.key.range.is_empty() && !named.contains(&e.key.range) {
                        tokens.push(Token {
                            range: e.key.range,
                            token_type: if depth == 0 { 0 } else { 6 },
                            modifiers: 0,
                        });
                    }
                    stack.push((&e.value, depth + 1));
                }
            }
            Kind::Seq(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    // One line each, no overlaps, in order.
    tokens.retain(|t| !t.range.is_empty() && !text[t.range.start..t.range.end].contains('\n'));
    tokens.sort_by_key(|t| (t.range.start, std::cmp::Reverse(t.range.end)));
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for t in tokens {
        if out.last().is_none_or(|p| p.range.end <= t.range.start) {
            out.push(t);
        }
    }
    out
}
