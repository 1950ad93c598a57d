//! Pulled diagnostics (`textDocument/diagnostic`, `workspace/diagnostic`) and the quick fixes
//! that come with them (`textDocument/codeAction`). Pushed ones are `lsp::publisher`'s. The
//! checks (and the repository reads they need) run on the blocking pool, without the lock.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::blocking;
use crate::lsp::convert;
use crate::lsp::documents::{self, Pending};
use crate::lsp::server::Server;
use crate::lsp::state::{State, lock};
use crate::lsp::workspace::{self, Checks};

pub async fn document(server: &Server, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let previous = params.previous_result_id;
    let (pending, checks) = {
        let state = server.state();
        (state.pending(&uri), state.checks())
    };
    let items = match pending {
        Some(pending) => {
            let Some(snap) = documents::analysed(pending).await else {
                return Ok(workspace::report(vec![], None).into());
            };
            let uri = uri.clone();
            blocking(move || checks.open_document(&uri, &snap)).await?
        }
        // Not open: read from disk and parsed.
        None => {
            let Some(path) = crate::lsp::convert::file_path(&uri) else {
                return Ok(workspace::report(vec![], None).into());
            };
            let (folders, env) = {
                let state = server.state();
                (state.folders.clone(), state.context_for(&uri).environment)
            };
            blocking(move || closed_file(&checks, &path, &folders, env.as_deref()).unwrap_or_default()).await?
        }
    };
    Ok(workspace::report(items, previous.as_deref()).into())
}

/// A manifest that is not open, read from disk (`None` when it is refused or cannot be read).
fn closed_file(
    checks: &Checks,
    path: &std::path::Path,
    folders: &[PathBuf],
    env: Option<&crate::env::Environment>,
) -> Option<Vec<Diagnostic>> {
    let (text, analysis) = workspace::read_closed(path, folders)?;
    Some(checks.protocol(Some(path), &text, &analysis, env))
}

pub async fn workspace(server: &Server, params: WorkspaceDiagnosticParams) -> Result<WorkspaceDiagnosticReportResult> {
    let (folders, checks) = {
        let state = server.state();
        (state.folders.clone(), state.checks())
    };
    let state = server.state.clone();
    let items = blocking(move || workspace_items(&state, &folders, &checks, &params)).await?;
    Ok(WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport { items }))
}

/// `workspace/diagnostic`: every manifest of the workspace folders, open or not (bounded).
fn workspace_items(
    state: &Arc<Mutex<State>>,
    folders: &[PathBuf],
    checks: &Checks,
    params: &WorkspaceDiagnosticParams,
) -> Vec<WorkspaceDocumentDiagnosticReport> {
    let found = crate::repo::find_manifests(folders, workspace::MAX_WORKSPACE_MANIFESTS);
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
        let pending: Option<Pending> = lock(state).pending(&uri);
        let (version, diags) = match pending {
            Some(pending) => {
                let snap = pending.analyse();
                (Some(i64::from(snap.version)), checks.open_document(&uri, &snap))
            }
            None => match closed_file(checks, &path, folders, lock(state).context_for(&uri).environment.as_deref()) {
                Some(diags) => (None, diags),
                None => continue,
            },
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
    let checks = server.state().checks();
    let path = crate::lsp::convert::file_path(&uri);
    let actions = blocking(move || {
        let diags = checks.diagnostics(path.as_deref(), &snap.analysis, snap.context.environment.as_deref());
        let here: Vec<_> = diags.into_iter().filter(|d| d.range.start <= end && start <= d.range.end).collect();
        // Only fixes whose result is no worse (ide::safe_fixes applies and re-checks each).
        crate::ide::safe_fixes(snap.analysis.text(), &here)
            .into_iter()
            .map(|(d, fix)| {
                CodeActionOrCommand::CodeAction(convert::code_action(&snap.text, &uri, d, fix, snap.encoding))
            })
            .collect::<Vec<_>>()
    })
    .await?;
    Ok(Some(actions))
}
