//! Notifications that change what the server knows: document sync (`didOpen`, `didChange`,
//! `didClose`), settings (`didChangeConfiguration`, and pulling them) and watched files. Each
//! updates the state synchronously (these handlers have no `.await`), so the next message sees
//! the change, and never waits on the client.

use tower_lsp_server::ls_types::*;

use crate::context::Sources;
use crate::lsp::publisher::{Publish, republish};
use crate::lsp::server::Server;
use crate::lsp::settings::Settings;
use crate::lsp::state::lock;
use crate::lsp::workspace;

pub fn did_open(server: &Server, params: DidOpenTextDocumentParams) {
    // The committed version the `data-loss` warnings compare with is looked up again.
    crate::lsp::committed::forget();
    let doc = params.text_document;
    {
        let mut state = server.state();
        if !state.watch_dynamic {
            // No watcher tells us when the repository changes: opening a file reads it again.
            state.forget_repository();
        }
        let ctx = state.context_for(&doc.uri);
        state.documents.open(doc.uri.clone(), doc.version, &doc.text, ctx);
    }
    let _ = server.publish.send(Publish::Changed(doc.uri));
}

pub fn did_change(server: &Server, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    {
        let mut state = server.state();
        let enc = state.encoding;
        let Some(doc) = state.documents.get_mut(&uri) else {
            drop(state);
            tracing::warn!("didChange for a document that is not open: {}", uri.as_str());
            return;
        };
        if params.text_document.version < doc.version {
            tracing::warn!(
                "didChange version went backwards ({} after {}) for {}; applied anyway",
                params.text_document.version,
                doc.version,
                uri.as_str()
            );
        }
        doc.apply(params.text_document.version, &params.content_changes, enc);
    }
    let _ = server.publish.send(Publish::Changed(uri));
}

pub fn did_close(server: &Server, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    if server.state().documents.close(&uri) {
        let _ = server.publish.send(Publish::Closed(uri));
    }
}

pub fn did_change_configuration(server: &Server, params: DidChangeConfigurationParams) {
    match Settings::from_value(&params.settings) {
        Some(settings) => {
            show_problems(&server.client, settings.problems());
            let uris = server.state().apply_settings(settings);
            republish(&server.publish, uris);
        }
        // Clients that send `null` expect the server to pull.
        None => pull_configuration(server),
    }
}

pub fn did_change_watched_files(server: &Server, params: DidChangeWatchedFilesParams) {
    tracing::debug!("{} watched files changed", params.changes.len());
    let (uris, refresh) = {
        let mut state = server.state();
        (state.files_changed(), state.pull_diagnostics && state.diagnostic_refresh)
    };
    republish(&server.publish, uris);
    if refresh {
        // Not awaited: a handler never waits on the client.
        let client = server.client.clone();
        tokio::spawn(async move {
            if let Err(e) = client.workspace_diagnostic_refresh().await {
                tracing::warn!("workspace/diagnostic/refresh failed: {e}");
            }
        });
    }
}

/// Asks the client for the `convox` settings section, without blocking any handler.
pub fn pull_configuration(server: &Server) {
    if !server.state().pull_configuration {
        return;
    }
    let client = server.client.clone();
    let state = server.state.clone();
    let publish = server.publish.clone();
    tokio::spawn(async move {
        let item = ConfigurationItem { scope_uri: None, section: Some("convox".to_string()) };
        match client.configuration(vec![item]).await {
            Ok(values) => {
                if let Some(settings) = values.first().and_then(Settings::from_value) {
                    show_problems(&client, settings.problems());
                    let uris = lock(&state).apply_settings(settings);
                    republish(&publish, uris);
                }
            }
            Err(e) => tracing::warn!("workspace/configuration failed: {e}"),
        }
    });
}

/// Registers the file watchers (`workspace::watchers`) where the client allows it, without
/// waiting for the answer.
pub fn register_watchers(server: &Server) {
    let (dynamic, relative) = {
        let state = server.state();
        (state.watch_dynamic, state.watch_relative)
    };
    if !dynamic {
        return;
    }
    let registration = workspace::watch_registration(&Sources::from_environment().config_dirs, relative);
    let client = server.client.clone();
    tokio::spawn(async move {
        if let Err(e) = client.register_capability(vec![registration]).await {
            tracing::warn!("registering file watchers failed: {e}");
        }
    });
}

/// What is wrong in the settings (an unknown diagnostic code or level), shown to the user; not
/// awaited: a handler never waits on the client.
pub fn show_problems(client: &tower_lsp_server::Client, problems: Vec<String>) {
    for message in problems {
        let client = client.clone();
        tokio::spawn(async move { client.show_message(MessageType::WARNING, message).await });
    }
}
