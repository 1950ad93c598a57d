//! Names and their uses: `textDocument/definition`, `references`, `documentHighlight`,
//! `prepareRename` and `rename`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::invalid;
use crate::lsp::convert;
use crate::lsp::server::Server;

pub async fn definition(server: &Server, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
    let pos = params.text_document_position_params;
    let uri = pos.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else { return Ok(None) };
    let offset = convert::offset(&snap.text, pos.position, snap.encoding);
    let locations: Vec<Location> = snap
        .analysis
        .definition(offset)
        .into_iter()
        .map(|r| convert::location(&snap.text, &uri, r, snap.encoding))
        .collect();
    Ok((!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations)))
}

pub async fn references(server: &Server, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
    let pos = params.text_document_position;
    let uri = pos.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else { return Ok(None) };
    let offset = convert::offset(&snap.text, pos.position, snap.encoding);
    let refs = snap.analysis.references(offset, params.context.include_declaration);
    Ok(Some(refs.into_iter().map(|r| convert::location(&snap.text, &uri, r, snap.encoding)).collect()))
}

pub async fn highlight(server: &Server, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
    let pos = params.text_document_position_params;
    let Some(snap) = server.snapshot(&pos.text_document.uri).await else { return Ok(None) };
    let offset = convert::offset(&snap.text, pos.position, snap.encoding);
    let highlights = snap
        .analysis
        .highlights(offset)
        .into_iter()
        .map(|(r, decl)| DocumentHighlight {
            range: convert::range(&snap.text, r, snap.encoding),
            kind: Some(if decl { DocumentHighlightKind::WRITE } else { DocumentHighlightKind::READ }),
        })
        .collect();
    Ok(Some(highlights))
}

pub async fn prepare_rename(
    server: &Server,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let Some(snap) = server.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let offset = convert::offset(&snap.text, params.position, snap.encoding);
    let (r, name) = snap.analysis.prepare_rename(offset).map_err(invalid)?;
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: convert::range(&snap.text, r, snap.encoding),
        placeholder: name,
    }))
}

pub async fn rename(server: &Server, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let pos = params.text_document_position;
    let uri = pos.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else { return Ok(None) };
    let offset = convert::offset(&snap.text, pos.position, snap.encoding);
    let rename = snap.analysis.rename(offset, &params.new_name).map_err(invalid)?;
    let annotate = server.state().change_annotations && !rename.consequences.is_empty();
    Ok(Some(convert::rename_edit(&snap.text, &uri, &rename, annotate, snap.encoding)))
}
