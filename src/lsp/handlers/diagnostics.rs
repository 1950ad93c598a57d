//! Pulled diagnostics (`textDocument/diagnostic`, `workspace/diagnostic`) and the quick fixes
//! that come with them (`textDocument/codeAction`). Pushed ones are `lsp::publisher`'s.

use std::sync::Mutex;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::lsp::convert;
use crate::lsp::server::Server;
use crate::lsp::state::{State, lock};
use crate::lsp::workspace;

pub async fn document(server: &Server, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let previous = params.previous_result_id.as_deref();
    let items = match server.snapshot(&uri).await {
        Some(snap) => {
            let diags = server.state().diagnostics(&uri, &snap);
            diags.iter().map(|d| convert::diagnostic(&snap.text, d, snap.encoding)).collect()
        }
        None => {
            // Not open: read and parsed from disk without the lock.
            let path = workspace::file_path(&uri).unwrap_or_default();
            let Some(closed) = workspace::read_closed(&path) else {
                return Ok(workspace::report(Vec::new(), previous).into());
            };
            let mut state = server.state();
            let (settings, encoding) = (state.settings.diagnostic_settings(), state.encoding);
            workspace::closed_file_diagnostics(&mut state.repo, &path, &closed, &settings, encoding)
        }
    };
    Ok(workspace::report(items, previous).into())
}

pub async fn workspace(server: &Server, params: WorkspaceDiagnosticParams) -> Result<WorkspaceDiagnosticReportResult> {
    let state = server.state.clone();
    let items = tokio::task::spawn_blocking(move || workspace_items(&state, &params)).await.unwrap_or_else(|e| {
        tracing::error!("workspace diagnostics failed: {e}");
        Vec::new()
    });
    Ok(WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport { items }))
}

/// `workspace/diagnostic`: every manifest of the workspace folders, open or not (bounded).
fn workspace_items(state: &Mutex<State>, params: &WorkspaceDiagnosticParams) -> Vec<WorkspaceDocumentDiagnosticReport> {
    let folders = lock(state).folders.clone();
    let found = crate::repo::find_manifests(&folders, workspace::MAX_WORKSPACE_MANIFESTS);
    if found.truncated {
        tracing::warn!(
            "workspace diagnostics: more than {} manifests (or directories) in the workspace; the rest are skipped",
            workspace::MAX_WORKSPACE_MANIFESTS
        );
    }
    let mut items = Vec::new();
    for path in found.files {
        let Some(uri) = Uri::from_file_path(&path) else { continue };
        let previous = params.previous_result_ids.iter().find(|p| p.uri == uri).map(|p| p.value.as_str());
        let open = {
            let mut st = lock(state);
            let encoding = st.encoding;
            st.documents.snapshot(&uri, encoding).map(|snap| {
                let d = st.diagnostics(&uri, &snap);
                let items: Vec<Diagnostic> = d.iter().map(|d| convert::diagnostic(&snap.text, d, encoding)).collect();
                (Some(i64::from(snap.version)), items)
            })
        };
        let (version, diags) = match open {
            Some(found) => found,
            None => {
                // Read and parsed without the lock; only the repository cache needs it.
                let Some(closed) = workspace::read_closed(&path) else { continue };
                let mut st = lock(state);
                let (settings, encoding) = (st.settings.diagnostic_settings(), st.encoding);
                (None, workspace::closed_file_diagnostics(&mut st.repo, &path, &closed, &settings, encoding))
            }
        };
        items.push(workspace::workspace_report(uri, version, diags, previous));
    }
    items
}

pub async fn code_action(server: &Server, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else { return Ok(None) };
    let start = convert::offset(&snap.text, params.range.start, snap.encoding);
    let end = convert::offset(&snap.text, params.range.end, snap.encoding);
    let diags = server.state().diagnostics(&uri, &snap);
    let actions: Vec<CodeActionOrCommand> = diags
        .iter()
        .filter(|d| d.range.start <= end && start <= d.range.end)
        .filter_map(|d| Some((d, d.fix.as_ref()?)))
        .map(|(d, fix)| CodeActionOrCommand::CodeAction(convert::code_action(&snap.text, &uri, d, fix, snap.encoding)))
        .collect();
    Ok(Some(actions))
}
