//! `textDocument/completion`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CompletionItem, CompletionParams};

use crate::lsp::convert;
use crate::lsp::server::Server;

pub async fn completion(server: &Server, params: CompletionParams) -> Result<Option<convert::Completions>> {
    let pos = params.text_document_position;
    let (snippets, defer) = {
        let state = server.state();
        (state.snippets, state.resolve_documentation)
    };
    let Some(snap) = server.snapshot(&pos.text_document.uri).await else { return Ok(None) };
    let offset = convert::offset(&snap.text, pos.position, snap.encoding);
    // The items of a list replace the same range: converted once, not once per item. An empty
    // range with no word on either side is the cursor itself: the items say nothing of it.
    let text = snap.analysis.text().as_bytes();
    let gap = |b: Option<&u8>| b.is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    let at_cursor = |r: crate::text::TextRange| {
        r.is_empty() && gap(r.start.checked_sub(1).and_then(|i| text.get(i))) && gap(text.get(r.end))
    };
    let mut last = None;
    let items = snap
        .analysis
        .completions(offset)
        .into_iter()
        .map(|c| if snippets { c } else { c.without_snippet() })
        .map(|c| {
            let replace = match last {
                Some((r, converted)) if r == c.replace => converted,
                _ => {
                    let converted =
                        (!at_cursor(c.replace)).then(|| convert::range(&snap.text, c.replace, snap.encoding));
                    last = Some((c.replace, converted));
                    converted
                }
            };
            (c, replace)
        })
        .collect();
    Ok(Some(convert::Completions { items, defer }))
}

/// `completionItem/resolve`: adds the documentation left out of the list ([`convert::resolved`]).
pub async fn resolve(item: CompletionItem) -> Result<CompletionItem> {
    Ok(convert::resolved(item))
}
