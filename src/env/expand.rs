//! Convox's substitution of `${NAME}` in the manifest text (`pkg/manifest/helpers.go:7-15`:
//! `\$\{([^}]*?)\}` replaced by `env[NAME]`, the empty string when unset; `manifest.go:52` runs it
//! on the bytes before the YAML is read), with a map between the two texts' offsets so what is
//! found in the expanded text is shown where the user wrote it.

use crate::text::TextRange;

/// One `${NAME}` replaced: where it was, where its value is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Substitution {
    pub original: TextRange,
    pub expanded: TextRange,
    pub name: String,
    /// Whether the environment had the name (else the value is the empty string).
    pub set: bool,
}

/// The text Convox parses, and how to get back to the text the user wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expansion {
    pub text: String,
    /// In order of position (in both texts).
    pub substitutions: Vec<Substitution>,
}

/// Substitutes every `${NAME}` of `text` with `lookup(NAME)`, the empty string when it is `None`.
pub fn expand<'a>(text: &str, lookup: impl Fn(&str) -> Option<&'a str>) -> Expansion {
    let mut out = Expansion { text: String::with_capacity(text.len()), substitutions: Vec::new() };
    let mut copied = 0;
    for i in crate::model::interpolations(text) {
        out.text.push_str(&text[copied..i.range.start]);
        let name = &text[i.name.start..i.name.end];
        let value = lookup(name);
        let start = out.text.len();
        out.text.push_str(value.unwrap_or(""));
        out.substitutions.push(Substitution {
            original: i.range,
            expanded: TextRange::new(start, out.text.len()),
            name: name.to_string(),
            set: value.is_some(),
        });
        copied = i.range.end;
    }
    out.text.push_str(&text[copied..]);
    out
}

impl Expansion {
    /// The last substitution whose value starts at or before `offset` of the expanded text.
    fn before_expanded(&self, offset: usize) -> Option<&Substitution> {
        let n = self.substitutions.partition_point(|s| s.expanded.start <= offset);
        n.checked_sub(1).map(|i| &self.substitutions[i])
    }

    /// An offset of the expanded text in the original. Inside a value, `end` chooses the end of
    /// the `${NAME}` it replaced, else its start.
    fn offset_to_original(&self, offset: usize, end: bool) -> usize {
        let Some(s) = self.before_expanded(offset) else { return offset };
        if offset > s.expanded.end {
            return offset - s.expanded.end + s.original.end;
        }
        // At the value's start, inside it or at its end.
        let inside = offset > s.expanded.start || s.expanded.is_empty();
        if offset == s.expanded.end && !s.expanded.is_empty() {
            return s.original.end;
        }
        if end && inside { s.original.end } else { s.original.start }
    }

    /// A range of the expanded text in the original: a range that touches a substituted value
    /// covers the whole `${NAME}`.
    pub fn to_original(&self, r: TextRange) -> TextRange {
        let start = self.offset_to_original(r.start, false);
        TextRange::new(start, self.offset_to_original(r.end, true).max(start))
    }

    /// An offset of the original text in the expanded one (inside a `${NAME}`: its value's start).
    pub fn to_expanded(&self, offset: usize) -> usize {
        let n = self.substitutions.partition_point(|s| s.original.start <= offset);
        let Some(s) = n.checked_sub(1).map(|i| &self.substitutions[i]) else { return offset };
        if offset >= s.original.end { offset - s.original.end + s.expanded.end } else { s.expanded.start }
    }

    /// The substitution written at `offset` of the original text.
    pub fn at_original(&self, offset: usize) -> Option<&Substitution> {
        let n = self.substitutions.partition_point(|s| s.original.start <= offset);
        n.checked_sub(1).map(|i| &self.substitutions[i]).filter(|s| offset < s.original.end)
    }

    /// Whether a range of the expanded text touches a value substituted there.
    pub fn touches(&self, r: TextRange) -> bool {
        let n = self.substitutions.partition_point(|s| s.expanded.start <= r.end);
        self.substitutions[..n].last().is_some_and(|s| s.expanded.end >= r.start)
    }
}
