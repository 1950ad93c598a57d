//! The language server: lifecycle, document sync, and handlers that convert protocol values,
//! call `ide`, and convert back. Message order is safe by construction: notification handlers
//! update the document store synchronously, before their first `.await`, and never wait on the
//! client; diagnostics go out through one publisher task that only publishes the newest version.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::convert;
use super::documents::{Documents, Snapshot};
use crate::ide::Analysis;
use crate::text::PositionEncoding;

#[derive(Default)]
struct State {
    documents: Documents,
    encoding: PositionEncoding,
}

enum Publish {
    Changed(Uri),
    Closed(Uri),
}

pub struct Server {
    state: Arc<Mutex<State>>,
    publish: mpsc::UnboundedSender<Publish>,
    shutdown: Arc<AtomicBool>,
}

/// A panic while the lock was held must not take every later request down with it.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Server {
    pub fn new(client: Client, shutdown: Arc<AtomicBool>) -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(publisher(client, state.clone(), rx));
        Self { state, publish: tx, shutdown }
    }

    fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let state = lock(&self.state);
        state.documents.snapshot(uri, state.encoding)
    }
}

/// Publishes diagnostics for documents as they change. Requests that pile up while one is being
/// computed are merged, and each document is published at its newest version only, so a stale
/// version is never published after a newer one.
async fn publisher(client: Client, state: Arc<Mutex<State>>, mut rx: mpsc::UnboundedReceiver<Publish>) {
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
            let (uri, closed) = match msg {
                Publish::Changed(u) => (u, false),
                Publish::Closed(u) => (u, true),
            };
            if seen.contains(&uri) {
                continue;
            }
            seen.push(uri.clone());
            if closed {
                published.remove(&uri);
                client.publish_diagnostics(uri, Vec::new(), None).await;
                continue;
            }
            let snapshot = {
                let st = lock(&state);
                st.documents.snapshot(&uri, st.encoding)
            };
            let Some(snap) = snapshot else { continue };
            if published.get(&uri).is_some_and(|w| std::ptr::eq(w.as_ptr(), Arc::as_ptr(&snap.analysis))) {
                continue;
            }
            published.insert(uri.clone(), Arc::downgrade(&snap.analysis));
            let computed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                snap.analysis
                    .diagnostics()
                    .iter()
                    .map(|d| convert::diagnostic(&snap.text, d, snap.encoding))
                    .collect::<Vec<_>>()
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

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = convert::negotiate_encoding(&params.capabilities);
        lock(&self.state).encoding = encoding;
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..Default::default()
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                ..Default::default()
            },
            offset_encoding: None,
            server_info: Some(ServerInfo {
                name: "convox-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tracing::info!("initialized");
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        lock(&self.state).documents.open(doc.uri.clone(), doc.version, &doc.text);
        let _ = self.publish.send(Publish::Changed(doc.uri));
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        {
            let mut state = lock(&self.state);
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
        let _ = self.publish.send(Publish::Changed(uri));
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if lock(&self.state).documents.close(&uri) {
            let _ = self.publish.send(Publish::Closed(uri));
        }
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else { return Ok(None) };
        let symbols = snap.analysis.document_symbols();
        let out = symbols.iter().map(|s| convert::symbol(&snap.text, s, snap.encoding)).collect();
        Ok(Some(DocumentSymbolResponse::Nested(out)))
    }
}
