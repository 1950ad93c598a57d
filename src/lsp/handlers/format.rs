//! `textDocument/formatting` and `textDocument/rangeFormatting`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert;
use crate::lsp::documents::Snapshot;
use crate::lsp::server::Server;
use crate::text::TextRange;

pub async fn formatting(server: &Server, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
    let Some(snap) = server.snapshot(&params.text_document.uri).await else { return Ok(None) };
    edits(&snap, &params.options, None)
}

pub async fn range_formatting(server: &Server, params: DocumentRangeFormattingParams) -> Result<Option<Vec<TextEdit>>> {
    let Some(snap) = server.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let start = convert::offset(&snap.text, params.range.start, snap.encoding);
    let end = convert::offset(&snap.text, params.range.end, snap.encoding);
    edits(&snap, &params.options, Some(TextRange::new(start, end.max(start))))
}

/// The minimal edits formatting a document (or the lines of `range`), or the formatter's refusal.
fn edits(snap: &Snapshot, options: &FormattingOptions, range: Option<TextRange>) -> Result<Option<Vec<TextEdit>>> {
    let options = convert::format_options(options, snap.analysis.text());
    let edits = snap.analysis.format_edits(&options, range).map_err(|e| convert::format_error(&snap.text, &e))?;
    Ok(Some(convert::text_edits(&snap.text, &edits, snap.encoding)))
}
