//! The YAML document as plain data: maps, sequences, scalars and aliases, each with its byte
//! range. Lowered once from the tree-sitter CST; everything above `syntax` reads this, never the CST.
//! Aliases are kept as aliases: nothing here expands them.

use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: Kind,
    pub range: TextRange,
    /// `&name` on this node, with the range of the anchor (boxed: rare, and a node is small).
    pub anchor: Option<Box<(String, TextRange)>>,
    /// `!tag` on this node.
    pub tag: Option<Box<(String, TextRange)>>,
    /// Written in flow style (`{...}`, `[...]`).
    pub flow: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Map(Vec<Entry>),
    Seq(Vec<Node>),
    Scalar(Scalar),
    /// `*name`.
    Alias(String),
    /// Nothing written: `key:` with no value, `- ` with no item, an empty document.
    Empty,
    /// A region the parser could not make sense of (reported as a syntax error).
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
    /// The whole `key: value` pair.
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    /// The value after unquoting, unescaping and line folding.
    pub value: compact_str::CompactString,
    pub style: Style,
}

impl Node {
    pub fn empty(at: usize) -> Node {
        Node { kind: Kind::Empty, range: TextRange::empty(at), anchor: None, tag: None, flow: false }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's value as a string (any style).
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.value.as_str())
    }

    pub fn is_empty(&self) -> bool {
        matches!(self.kind, Kind::Empty) || self.is_null()
    }

    /// A plain `null`, `~` or `Null` scalar (YAML 1.1 and 1.2 agree on these).
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar(s) if s.style == Style::Plain && matches!(s.value.as_str(), "null" | "Null" | "NULL" | "~"))
    }

    /// The chain of nodes holding `offset`, from this node down to the innermost one (keys
    /// included: on a key, the key's scalar is last).
    pub fn nodes_at(&self, offset: usize) -> Vec<&Node> {
        let mut chain = vec![self];
        let mut node = self;
        loop {
            let next = match &node.kind {
                Kind::Map(entries) => entries.iter().find_map(|e| {
                    if e.key.range.contains_inclusive(offset) && !e.key.range.is_empty() {
                        Some(&e.key)
                    } else if e.value.range.contains_inclusive(offset) && !e.value.range.is_empty() {
                        Some(&e.value)
                    } else {
                        None
                    }
                }),
                Kind::Seq(items) => items.iter().find(|i| i.range.contains_inclusive(offset) && !i.range.is_empty()),
                _ => None,
            };
            match next {
                Some(n) => {
                    chain.push(n);
                    node = n;
                }
                None => return chain,
            }
        }
    }

    /// The first entry whose key is `key`.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key.as_str() == Some(key))
    }

    /// Where the node's content begins: after its anchor and tag (`&a !!str web`), if any.
    pub fn after_properties(&self) -> usize {
        let ends = [self.anchor.as_ref().map(|a| a.1.end), self.tag.as_ref().map(|t| t.1.end)];
        ends.into_iter().flatten().fold(self.range.start, usize::max).min(self.range.end)
    }

    /// A short name for the node's kind, as a user would say it.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::Map(_) => "a map",
            Kind::Seq(_) => "a list",
            Kind::Scalar(s) => match s.style {
                Style::Plain => match yaml11_type(&s.value) {
                    ScalarType::Null => "null",
                    ScalarType::Bool => "a boolean",
                    ScalarType::Int => "an integer",
                    ScalarType::Float => "a number",
                    ScalarType::String => "a string",
                },
                _ => "a string",
            },
            Kind::Alias(_) => "an alias",
            Kind::Empty => "empty",
            Kind::Error => "invalid YAML",
        }
    }
}

impl Scalar {
    /// How Convox's YAML library (yaml.v2, YAML 1.1 rules) types this scalar.
    pub fn yaml11_type(&self) -> ScalarType {
        match self.style {
            Style::Plain => yaml11_type(&self.value),
            _ => ScalarType::String,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarType {
    Null,
    Bool,
    Int,
    Float,
    String,
}

/// The YAML 1.1 resolution of a plain scalar, as gopkg.in/yaml.v2 does it: `yes/no/on/off`
/// are booleans, `0x1F` and `0o17`/`017` are integers, `1_000` too.
pub fn yaml11_type(s: &str) -> ScalarType {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarType::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO" | "true" | "True" | "TRUE" | "false"
        | "False" | "FALSE" | "on" | "On" | "ON" | "off" | "Off" | "OFF" => return ScalarType::Bool,
        ".inf" | "-.inf" | "+.inf" | ".Inf" | "-.Inf" | "+.Inf" | ".INF" | "-.INF" | "+.INF" | ".nan" | ".NaN"
        | ".NAN" => {
            return ScalarType::Float;
        }
        _ => {}
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body.is_empty() {
        return ScalarType::String;
    }
    let digits = |t: &str, radix: u32| {
        !t.is_empty() && t.chars().all(|c| c == '_' || c.is_digit(radix)) && t.chars().any(|c| c != '_')
    };
    if let Some(hex) = body.strip_prefix("0x") {
        return if digits(hex, 16) { ScalarType::Int } else { ScalarType::String };
    }
    if let Some(bin) = body.strip_prefix("0b") {
        return if digits(bin, 2) { ScalarType::Int } else { ScalarType::String };
    }
    if digits(body, 10) {
        return ScalarType::Int;
    }
    // Floats: digits with one dot and an optional exponent (`1.5`, `.5`, `1.`, `1e3` needs a dot in 1.1).
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let exp_ok = exp.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    if let Some((int, frac)) = mantissa.split_once('.') {
        let int_ok = int.is_empty() || digits(int, 10);
        let frac_ok = frac.is_empty() || digits(frac, 10);
        if int_ok && frac_ok && !(int.is_empty() && frac.is_empty()) && exp_ok {
            return ScalarType::Float;
        }
    }
    ScalarType::String
}
