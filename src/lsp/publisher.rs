//! Pushed diagnostics (`textDocument/publishDiagnostics`) for clients that do not pull them.
//!
//! One task per document, so a document's diagnostics never wait for another's analysis. Each
//! drains what has piled up for its document and publishes once, at the newest version; the
//! analysis and the checks run on the blocking pool, and a result that an edit made stale while it
//! was computed is dropped (the edit's own message follows). A document is published in order, so
//! a stale version is never published after a newer one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::mpsc;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::Uri;

use super::state::{State, lock};
use crate::ide::Analysis;

pub enum Publish {
    Changed(Uri),
    /// Publish even if this version was published already (the settings changed).
    Refresh(Uri),
    Closed(Uri),
}

impl Publish {
    fn uri(&self) -> &Uri {
        match self {
            Publish::Changed(u) | Publish::Refresh(u) | Publish::Closed(u) => u,
        }
    }
}

/// Settings or watched files changed: publish every open document's diagnostics again.
pub fn republish(publish: &mpsc::UnboundedSender<Publish>, uris: Vec<Uri>) {
    for uri in uris {
        let _ = publish.send(Publish::Refresh(uri));
    }
}

/// Hands each message to its document's task (started on the document's first message).
pub async fn publisher(client: Client, state: Arc<Mutex<State>>, mut rx: mpsc::UnboundedReceiver<Publish>) {
    let mut tasks: HashMap<Uri, mpsc::UnboundedSender<Publish>> = HashMap::new();
    while let Some(msg) = rx.recv().await {
        let tx = tasks.entry(msg.uri().clone()).or_insert_with(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(document_task(client.clone(), state.clone(), rx));
            tx
        });
        let _ = tx.send(msg);
    }
}

/// Publishes one document's diagnostics as it changes.
async fn document_task(client: Client, state: Arc<Mutex<State>>, mut rx: mpsc::UnboundedReceiver<Publish>) {
    // The analysis last published, so one picked up early is not sent twice. A `Weak` keeps its
    // allocation, so the address cannot be reused by a later analysis.
    let mut published: Option<Weak<Analysis>> = None;
    while let Some(first) = rx.recv().await {
        let mut last = first;
        let mut refresh = false;
        while let Ok(more) = rx.try_recv() {
            refresh |= matches!(last, Publish::Refresh(_));
            last = more;
        }
        let (uri, refresh) = match last {
            Publish::Closed(uri) => {
                published = None;
                if !lock(&state).pull_diagnostics {
                    client.publish_diagnostics(uri, Vec::new(), None).await;
                }
                continue;
            }
            Publish::Refresh(uri) => (uri, true),
            Publish::Changed(uri) => (uri, refresh),
        };
        // A client that pulls diagnostics gets none pushed (Neovim shows both otherwise).
        let (pending, checks) = {
            let st = lock(&state);
            if st.pull_diagnostics {
                continue;
            }
            (st.pending(&uri), st.checks())
        };
        let Some(pending) = pending else { continue };
        // The analysis and the checks in one task on the blocking pool: one hand-off each way.
        let already = published.as_ref().filter(|_| !refresh).map(|w| w.as_ptr() as usize);
        let for_uri = uri.clone();
        let computed = tokio::task::spawn_blocking(move || {
            let snap = pending.analyse();
            let fresh = already != Some(Arc::as_ptr(&snap.analysis) as usize);
            let diags = fresh.then(|| checks.open_document(&for_uri, &snap));
            (snap, diags)
        })
        .await;
        let (snap, diags) = match computed {
            Ok((snap, Some(diags))) => (snap, diags),
            Ok((_, None)) => continue,
            Err(_) => {
                tracing::error!("diagnostics of {} failed (a panic, logged above)", uri.as_str());
                continue;
            }
        };
        // An edit came while they were computed: its own message publishes the newer version.
        if !lock(&state).documents.is_current(&uri, &snap.analysis) {
            continue;
        }
        published = Some(Arc::downgrade(&snap.analysis));
        client.publish_diagnostics(uri, diags, Some(snap.version)).await;
    }
}
