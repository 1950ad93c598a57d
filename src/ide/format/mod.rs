//! The formatter: re-indents a convox.yml's block structure and normalises the space around `:`
//! and `- `, over the project's own parse (`syntax`). It only ever changes whitespace: comments,
//! key order, quoting, anchors, tags, flow collections and scalar text stay as written. A
//! document that does not parse is refused, and so is any result that would not load to the
//! same data (checked on every run with `yaml_serde` and with the project's parse).
//!
//! `index` splits the text into lines; `layout` walks the tree and decides where each line that
//! starts a block node goes; `lines` rewrites the text line by line (comments, continuation
//! lines, block scalar content); `verify` compares before and after. `docs/formatting.md` describes the style.

mod index;
mod layout;
mod lines;
mod verify;

use crate::text::TextRange;

/// How to format. `Default` is the project's style: two spaces, trailing whitespace removed,
/// exactly one final line break.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatOptions {
    /// Spaces per nesting level (a list item's content always sits two columns after its `-`).
    pub indent: usize,
    /// Remove spaces and tabs at the end of lines (never inside a block scalar's content).
    pub trim_trailing_whitespace: bool,
    /// End the text with a line break.
    pub insert_final_newline: bool,
    /// Remove blank lines at the end of the text.
    pub trim_final_newlines: bool,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions {
            indent: 2,
            trim_trailing_whitespace: true,
            insert_final_newline: true,
            trim_final_newlines: true,
        }
    }
}

/// Why a document was not formatted: a message and the byte offset it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    pub offset: usize,
    pub message: String,
}

/// The `tabSize` an editor sends when nobody chose one for YAML: Emacs's `tab-width` and Vim's
/// `tabstop` are 8 by default. No convox.yml is indented by 8, so that value keeps the document's
/// own unit instead of re-indenting the whole manifest (`docs/formatting.md`).
pub const UNCHOSEN_TAB_SIZE: usize = 8;

/// The indentation to format with for a client's `tabSize`: that size, except the unchosen
/// default [`UNCHOSEN_TAB_SIZE`], which keeps the unit the document already uses (its smallest
/// indentation of a line with content; 2 when nothing is indented).
pub fn indent_for(text: &str, tab_size: usize) -> usize {
    if tab_size != UNCHOSEN_TAB_SIZE {
        return tab_size;
    }
    text.lines()
        .map(|l| (l.len() - l.trim_start_matches(' ').len(), l.trim_start_matches(' ')))
        .filter(|(n, rest)| *n > 0 && !rest.is_empty() && !rest.starts_with('#'))
        .map(|(n, _)| n)
        .min()
        .unwrap_or(2)
        .min(MAX_INDENT)
}

/// The largest indentation accepted (a client could send any `tabSize`).
const MAX_INDENT: usize = 8;

/// The whole text, formatted.
pub fn format(text: &str, options: &FormatOptions) -> Result<String, FormatError> {
    let edits = format_edits(text, options, None)?;
    Ok(apply(text, &edits))
}

/// The edits that format `text` (non-overlapping, in order; none when it is already formatted).
/// With `range`, only lines that range touches are changed, widened to whole top-level entries
/// when changing fewer lines would alter the data.
pub fn format_edits(
    text: &str,
    options: &FormatOptions,
    range: Option<TextRange>,
) -> Result<Vec<(TextRange, String)>, FormatError> {
    let options = FormatOptions { indent: options.indent.clamp(1, MAX_INDENT), ..*options };
    let before = verify::Loaded::new(text)?;
    if let Some(offset) = layout::explicit_key(text, before.documents()) {
        let message = "not formatted: explicit keys (`? key`) are not supported by the formatter".to_string();
        return Err(FormatError { offset, message });
    }
    if let Some(offset) = block_scalar_at_the_end(text, before.documents()) {
        let message = "not formatted: the file ends inside a block scalar without a line break; the final line \
                       break the formatter adds would be part of its value (end the file with a line break, or \
                       use `|-`/`>-` to keep the value without one)"
            .to_string();
        return Err(FormatError { offset, message });
    }
    let lines = index::split(text)?;
    let plan = layout::plan(text, &lines, before.documents(), options.indent);
    let formatted = lines::rewrite(text, &lines, &plan, &options);
    let whole = lines::edits(text, &lines, &formatted);
    let Some(range) = range else {
        before.check(text, &apply(text, &whole))?;
        return Ok(whole);
    };
    for wanted in layout::widen(&lines, before.documents(), range) {
        let edits: Vec<_> =
            whole.iter().filter(|(r, _)| r.end >= wanted.start && r.start <= wanted.end).cloned().collect();
        if before.check(text, &apply(text, &edits)).is_ok() {
            return Ok(edits);
        }
    }
    before.check(text, &apply(text, &whole))?;
    Ok(whole)
}

/// Where the block scalar is that the text ends in without a final line break (`a: |\n  x`),
/// if it does: its value changes when the line break is added (clip or keep chomping).
fn block_scalar_at_the_end(text: &str, documents: &[crate::syntax::yaml::Node]) -> Option<usize> {
    use crate::syntax::yaml::{Kind, Style};
    // The last line must be a line of the scalar's content: after a blank last line, or with the
    // header alone on it, the value already ends as it will.
    let last_break = text.rfind(['\n', '\r'])?;
    if text[last_break..].trim().is_empty() {
        return None;
    }
    let mut n = documents.last()?;
    loop {
        n = match &n.kind {
            Kind::Map(entries) => &entries.last()?.value,
            Kind::Seq(items) => items.last()?,
            Kind::Scalar(s)
                if matches!(s.style, Style::Literal | Style::Folded)
                    && n.range.start < last_break
                    && n.range.end >= text.trim_end().len() =>
            {
                // `|-` and `>-` (`|2-` ...) strip the final break: adding one changes nothing.
                let header = text[n.range.start..].split([' ', '\t', '\n', '\r']).next().unwrap_or("");
                let strip = header.contains('-');
                return (!strip).then_some(n.range.start);
            }
            _ => return None,
        };
    }
}

/// `text` with non-overlapping, ordered edits applied.
pub fn apply(text: &str, edits: &[(TextRange, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (r, new) in edits {
        out.push_str(&text[at..r.start]);
        out.push_str(new);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests;
