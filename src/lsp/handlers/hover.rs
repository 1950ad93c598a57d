//! `textDocument/hover`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Hover, HoverParams};

use crate::lsp::convert;
use crate::lsp::server::Server;

pub async fn hover(server: &Server, params: HoverParams) -> Result<Option<Hover>> {
    let pos = params.text_document_position_params;
    let Some(snap) = server.snapshot(&pos.text_document.uri).await else { return Ok(None) };
    let offset = convert::offset(&snap.text, pos.position, snap.encoding);
    Ok(snap.analysis.hover(offset, &snap.context).map(|h| convert::hover(&snap.text, &h, snap.encoding)))
}
