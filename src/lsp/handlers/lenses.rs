//! What the editor shows between the lines: `textDocument/inlayHint` and `textDocument/codeLens`.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::ide::HintConfig;
use crate::lsp::capabilities::{KUBECTL_COMMAND, TROUBLESHOOT_COMMAND};
use crate::lsp::convert;
use crate::lsp::server::Server;
use crate::text::TextRange;

pub async fn inlay_hint(server: &Server, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    let Some(snap) = server.snapshot(&params.text_document.uri).await else { return Ok(None) };
    let settings = server.state().settings.inlay_hints;
    let config = HintConfig { objects: settings.objects, defaults: settings.defaults };
    let start = convert::offset(&snap.text, params.range.start, snap.encoding);
    let end = convert::offset(&snap.text, params.range.end, snap.encoding);
    let hints = snap.analysis.inlay_hints(&snap.context, TextRange::new(start, end), config);
    Ok(Some(hints.iter().map(|h| convert::inlay_hint(&snap.text, h, snap.encoding)).collect()))
}

pub async fn code_lens(server: &Server, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else { return Ok(None) };
    let mut lenses: Vec<CodeLens> = snap
        .analysis
        .code_lenses(&snap.context)
        .iter()
        .map(|l| convert::code_lens(&snap.text, l, KUBECTL_COMMAND, snap.encoding))
        .collect();
    lenses.extend(
        snap.analysis
            .troubleshoot_lenses()
            .iter()
            .map(|l| convert::troubleshoot_lens(&snap.text, &uri, l, TROUBLESHOOT_COMMAND, snap.encoding)),
    );
    Ok(Some(lenses))
}
