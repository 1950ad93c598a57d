//! Pushed diagnostics (`textDocument/publishDiagnostics`) for clients that do not pull them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::mpsc;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::Uri;

use super::convert;
use super::state::{State, lock};
use crate::ide::Analysis;

pub enum Publish {
    Changed(Uri),
    /// Publish even if this version was published already (the settings changed).
    Refresh(Uri),
    Closed(Uri),
}

/// Settings or watched files changed: publish every open document's diagnostics again.
pub fn republish(publish: &mpsc::UnboundedSender<Publish>, uris: Vec<Uri>) {
    for uri in uris {
        let _ = publish.send(Publish::Refresh(uri));
    }
}

/// Publishes diagnostics for documents as they change. Requests that pile up while one is being
/// computed are merged, and each document is published at its newest version only, so a stale
/// version is never published after a newer one.
pub async fn publisher(client: Client, state: Arc<Mutex<State>>, mut rx: mpsc::UnboundedReceiver<Publish>) {
    // The analysis last published per document, so one picked up early is not sent twice. A
    // `Weak` keeps its allocation, so the address cannot be reused by a later analysis.
    let mut published: HashMap<Uri, Weak<Analysis>> = HashMap::new();
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        let mut seen: Vec<Uri> = Vec::new();
        // Newest first: the last message about a document decides what it gets.
        for msg in batch.into_iter().rev() {
            let (uri, closed, refresh) = match msg {
                Publish::Changed(u) => (u, false, false),
                Publish::Refresh(u) => (u, false, true),
                Publish::Closed(u) => (u, true, false),
            };
            if seen.contains(&uri) {
                continue;
            }
            seen.push(uri.clone());
            // A client that pulls diagnostics gets none pushed (Neovim shows both otherwise).
            if lock(&state).pull_diagnostics {
                continue;
            }
            if closed {
                published.remove(&uri);
                client.publish_diagnostics(uri, Vec::new(), None).await;
                continue;
            }
            let snapshot = {
                let mut st = lock(&state);
                let encoding = st.encoding;
                st.documents.snapshot(&uri, encoding)
            };
            let Some(snap) = snapshot else { continue };
            if !refresh && published.get(&uri).is_some_and(|w| std::ptr::eq(w.as_ptr(), Arc::as_ptr(&snap.analysis))) {
                continue;
            }
            published.insert(uri.clone(), Arc::downgrade(&snap.analysis));
            let computed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let diags = lock(&state).diagnostics(&uri, &snap);
                diags.iter().map(|d| convert::diagnostic(&snap.text, d, snap.encoding)).collect::<Vec<_>>()
            }));
            match computed {
                Ok(diags) => client.publish_diagnostics(uri, diags, Some(snap.version)).await,
                Err(payload) => {
                    tracing::error!("diagnostics panicked: {}", super::panic_message(payload.as_ref()));
                }
            }
        }
    }
}
