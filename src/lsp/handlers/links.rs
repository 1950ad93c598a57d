//! `textDocument/documentLink`: build paths and documentation pages.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{DocumentLink, DocumentLinkParams};

use crate::lsp::server::Server;
use crate::lsp::workspace;

pub async fn document_link(server: &Server, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
    let uri = params.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else { return Ok(None) };
    let path = crate::lsp::convert::file_path(&uri);
    let repo = server.state().repo.clone();
    let links =
        super::blocking(move || workspace::links(&repo, path.as_deref(), &snap.analysis, &snap.text, snap.encoding))
            .await?;
    Ok(Some(links))
}
