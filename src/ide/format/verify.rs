//! Before and after load to the same data: the same `yaml_serde` values, the same tree in the
//! project's parse (kinds, scalar values and styles, anchors, tags, flow or block), and the same
//! text once whitespace is removed (so comments and quoting are kept character for character).

use serde::Deserialize;

use super::FormatError;
use crate::syntax::yaml::{Kind, Node};
use crate::syntax::{self};

/// A document that parsed cleanly, with what it loads to.
pub(super) struct Loaded {
    /// `None` when the aliases expand to far more than the text holds ([`expands`]).
    values: Option<Vec<String>>,
    documents: Vec<Node>,
}

impl Loaded {
    /// Refuses a text that does not parse (the parser's first error, at its offset).
    pub(super) fn new(text: &str) -> Result<Loaded, FormatError> {
        let parse = syntax::parse(text);
        if let Some(e) = parse.errors.first() {
            return Err(FormatError { offset: e.range.start, message: format!("not formatted: {}", e.message) });
        }
        // A line the tolerant parser had to blank that Convox's YAML library reads (no syntax
        // error): the tree lacks it, so formatting from the tree could lose it.
        if let Some(r) = parse.broken.first() {
            let message = "not formatted: convox-lsp's parser does not read this line (Convox's YAML library does)";
            return Err(FormatError { offset: r.start, message: message.to_string() });
        }
        // libyaml's values expand every alias: for a document that is mostly expansion (an
        // anchored list used thousands of times), only the tree (aliases kept) is compared.
        let values = if expands(&parse.documents) {
            None
        } else {
            Some(
                values(text)
                    .map_err(|message| FormatError { offset: 0, message: format!("not formatted: {message}") })?,
            )
        };
        Ok(Loaded { values, documents: parse.documents })
    }

    pub(super) fn documents(&self) -> &[Node] {
        &self.documents
    }

    /// `Ok` when `after` holds the same data, comments and quoting as the text this was loaded from.
    pub(super) fn check(&self, before: &str, after: &str) -> Result<(), FormatError> {
        let refuse = |what: &str| FormatError {
            offset: first_difference(before, after),
            message: format!("not formatted: the result would {what} (a formatter bug; please report it)"),
        };
        if !non_space(before).eq(non_space(after)) {
            return Err(refuse("change more than whitespace"));
        }
        let parse = syntax::parse(after);
        if !parse.errors.is_empty() {
            return Err(refuse("not parse"));
        }
        if let Some(before) = &self.values
            && values(after).ok().as_ref() != Some(before)
        {
            return Err(refuse("load to different data"));
        }
        let same_tree = parse.documents.len() == self.documents.len()
            && parse.documents.iter().zip(&self.documents).all(|(a, b)| same(a, b));
        if !same_tree {
            return Err(refuse("change the document's structure"));
        }
        Ok(())
    }
}

/// Whether reading the documents with their aliases expanded visits over four times the nodes
/// written (and more than 10,000): the same tree with the same anchors and aliases loads to the
/// same data, so the tree alone is compared then.
fn expands(documents: &[Node]) -> bool {
    fn written(n: &Node) -> u64 {
        1 + match &n.kind {
            Kind::Map(entries) => entries.iter().map(|e| written(&e.key) + written(&e.value)).sum(),
            Kind::Seq(items) => items.iter().map(written).sum(),
            _ => 0,
        }
    }
    let (written, decoded): (u64, u64) = documents
        .iter()
        .map(|d| (written(d), syntax::convox::decoded_nodes(d)))
        .fold((0, 0), |(w, x), (a, b)| (w + a, x.saturating_add(b)));
    decoded > 10_000 && decoded / 4 > written
}

/// Every document's value, as text (`.nan` is not equal to itself as a value).
fn values(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    // libyaml reads a byte order mark, but yaml_serde's reader then misplaces a `---` after it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for doc in yaml_serde::Deserializer::from_str(text) {
        let v = yaml_serde::Value::deserialize(doc).map_err(|e| e.to_string())?;
        out.push(format!("{v:?}"));
    }
    Ok(out)
}

fn non_space(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| !c.is_whitespace() && *c != '\u{feff}')
}

/// The same tree, ranges aside.
fn same(a: &Node, b: &Node) -> bool {
    let names = |n: &Node| (n.anchor.as_ref().map(|x| x.0.clone()), n.tag.as_ref().map(|x| x.0.clone()), n.flow);
    if names(a) != names(b) {
        return false;
    }
    match (&a.kind, &b.kind) {
        (Kind::Map(x), Kind::Map(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(&p.key, &q.key) && same(&p.value, &q.value))
        }
        (Kind::Seq(x), Kind::Seq(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Kind::Scalar(x), Kind::Scalar(y)) => x == y,
        (Kind::Alias(x), Kind::Alias(y)) => x == y,
        (Kind::Empty, Kind::Empty) | (Kind::Error, Kind::Error) => true,
        _ => false,
    }
}

fn first_difference(a: &str, b: &str) -> usize {
    let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count().min(a.len());
    (0..=n).rev().find(|&i| a.is_char_boundary(i)).unwrap_or(0)
}
