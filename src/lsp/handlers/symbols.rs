//! `textDocument/documentSymbol` (the outline) and `workspace/symbol` (over the open documents).

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert;
use crate::lsp::server::Server;

pub async fn document_symbol(server: &Server, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
    let Some(snap) = server.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let out = snap.analysis.document_symbols().iter().map(|s| convert::symbol(&snap.text, s, snap.encoding)).collect();
    Ok(Some(DocumentSymbolResponse::Nested(out)))
}

pub async fn workspace_symbol(
    server: &Server,
    params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>> {
    let query = params.query.to_lowercase();
    let uris: Vec<Uri> = server.state().documents.uris().cloned().collect();
    let mut out = Vec::new();
    for uri in uris {
        let Some(snap) = server.snapshot(&uri).await else { continue };
        for section in snap.analysis.document_symbols() {
            for s in &section.children {
                if query.is_empty() || s.name.to_lowercase().contains(&query) {
                    out.push(convert::workspace_symbol(&snap.text, &uri, s, &section.name, snap.encoding));
                }
            }
        }
    }
    Ok(Some(WorkspaceSymbolResponse::Flat(out)))
}
