//! `textDocument/completion`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CompletionItem, CompletionList, CompletionParams, CompletionResponse};

use crate::lsp::convert;
use crate::lsp::server::Server;

pub async fn completion(server: &Server, params: CompletionParams) -> Result<Option<CompletionResponse>> {
    let pos = params.text_document_position;
    let (snippets, defer) = {
        let state = server.state();
        (state.snippets, state.resolve_documentation)
    };
    let Some(snap) = server.snapshot(&pos.text_document.uri).await else { return Ok(None) };
    let offset = convert::offset(&snap.text, pos.position, snap.encoding);
    // The items of a list replace the same range: converted once, not once per item.
    let mut last = None;
    let items: Vec<CompletionItem> = snap
        .analysis
        .completions(offset)
        .into_iter()
        .map(|c| if snippets { c } else { c.without_snippet() })
        .map(|c| {
            let replace = match last {
                Some((r, converted)) if r == c.replace => converted,
                _ => {
                    let converted = convert::range(&snap.text, c.replace, snap.encoding);
                    last = Some((c.replace, converted));
                    converted
                }
            };
            convert::completion_at(&c, replace, defer)
        })
        .collect();
    Ok(Some(CompletionResponse::List(CompletionList { is_incomplete: false, items })))
}

/// `completionItem/resolve`: adds the documentation left out of the list ([`convert::resolved`]).
pub async fn resolve(item: CompletionItem) -> Result<CompletionItem> {
    Ok(convert::resolved(item))
}
