//! The shape of the text: `textDocument/foldingRange`, `selectionRange` and
//! `semanticTokens/full`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert;
use crate::lsp::server::Server;

pub async fn folding_range(server: &Server, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
    let Some(snap) = server.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let ranges = snap.analysis.folding_ranges();
    Ok(Some(ranges.iter().map(|r| convert::folding_range(&snap.text, *r, snap.encoding)).collect()))
}

pub async fn selection_range(server: &Server, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
    let Some(snap) = server.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let out = params
        .positions
        .iter()
        .map(|p| {
            let offset = convert::offset(&snap.text, *p, snap.encoding);
            convert::selection_range(&snap.text, &snap.analysis.selection_ranges(offset), snap.encoding)
        })
        .collect();
    Ok(Some(out))
}

pub async fn semantic_tokens(server: &Server, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
    let Some(snap) = server.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let tokens = snap.analysis.semantic_tokens();
    Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: None,
        data: convert::semantic_tokens(&snap.text, &tokens, snap.encoding),
    })))
}
