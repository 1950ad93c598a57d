//! The quick fix of a merge key Convox loses (`dropped-merge`): the anchored map's keys written in
//! place of the `<<` line, those the map already writes left out (they win over a merge), so the
//! manifest says what its author meant where Convox reads it.

use crate::ide::diagnostic::Fix;
use crate::model::merge::resolve;
use crate::syntax::yaml::{Entry, Kind, Node};
use crate::text::TextRange;

/// The fix for the merge entry `merge` of block map `host`, or `None` where it could not be done
/// safely: a list of sources, a flow map on either side, a source holding anchors, aliases or merge
/// keys of its own, text beside the `<<` entry on its lines, or a result that does not parse.
pub(super) fn inline(text: &str, root: &Node, host: &Node, merge: &Entry) -> Option<Fix> {
    if host.flow || !matches!(merge.value.kind, Kind::Alias(_)) {
        return None;
    }
    let source = resolve(root, &merge.value, 0);
    let entries = source.as_map().filter(|_| !source.flow && !has_references(source, 0))?;
    let start = line_start(text, merge.key.range.start);
    let indent = merge.key.range.start - start;
    let end = line_end(text, merge.value.range.end);
    let ok = text[start..merge.key.range.start].bytes().all(|b| b == b' ')
        && text[merge.value.range.end..end].trim().is_empty();
    if !ok {
        return None;
    }
    let written: Vec<&str> = host.as_map()?.iter().filter_map(|e| e.key.as_str()).collect();
    let mut new = String::new();
    for e in entries.iter().filter(|e| e.key.as_str().is_some_and(|k| !written.contains(&k))) {
        new.push_str(&reindent(text, e, indent)?);
    }
    let end = (end + 1).min(text.len());
    let fix = Fix { title: "Write the merged keys here".to_string(), edits: vec![(TextRange::new(start, end), new)] };
    let fixed = fix.apply(text);
    crate::syntax::parse(&fixed).errors.is_empty().then_some(fix)
}

/// Entry `e` of a block map, its lines moved to column `indent`, with a final line break.
fn reindent(text: &str, e: &Entry, indent: usize) -> Option<String> {
    let from = e.key.range.start;
    let column = from - line_start(text, from);
    let body = text.get(from..e.range.end.max(e.value.range.end))?.trim_end();
    let pad = " ".repeat(indent);
    let mut out = format!("{pad}{}\n", body.lines().next()?);
    for line in body.lines().skip(1) {
        if line.trim().is_empty() {
            out.push('\n');
            continue;
        }
        let rest = line.strip_prefix(&" ".repeat(column))?;
        out.push_str(&format!("{pad}{rest}\n"));
    }
    Some(out)
}

/// Whether `n` holds an anchor, an alias or a `<<` key (copying it would change what they mean).
fn has_references(n: &Node, depth: usize) -> bool {
    if depth > 64 {
        return true;
    }
    let here = n.anchor.is_some() && depth > 0 || matches!(n.kind, Kind::Alias(_));
    here || match &n.kind {
        Kind::Map(entries) => entries.iter().any(|e| {
            e.key.as_str() == Some("<<") || has_references(&e.key, depth + 1) || has_references(&e.value, depth + 1)
        }),
        Kind::Seq(items) => items.iter().any(|i| has_references(i, depth + 1)),
        _ => false,
    }
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}
