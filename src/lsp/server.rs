//! The language server's state as every handler reaches it: the client, the state behind its
//! lock, the publisher's queue and the document snapshots. The dispatch of each method to its
//! handler is in `dispatch.rs`, above the handlers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::mpsc;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::Uri;

use super::documents::{self, Snapshot};
use super::publisher::{Publish, publisher};
use super::state::{State, lock};

/// Cheap to clone: a handle on the same state (the requests answered in `direct.rs` hold one).
#[derive(Clone)]
pub struct Server {
    pub(super) client: Client,
    pub(super) state: Arc<Mutex<State>>,
    pub(super) publish: mpsc::UnboundedSender<Publish>,
    pub(super) shutdown: Arc<AtomicBool>,
    /// `initialize` has been answered.
    pub(super) initialized: Arc<AtomicBool>,
}

impl Server {
    pub fn new(client: Client, shutdown: Arc<AtomicBool>) -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(publisher(client.clone(), state.clone(), rx));
        Self { client, state, publish: tx, shutdown, initialized: Arc::default() }
    }

    /// Initialized and not shut down: requests get their answers.
    pub(super) fn serving(&self) -> bool {
        self.initialized.load(Ordering::SeqCst) && !self.shutdown.load(Ordering::SeqCst)
    }

    /// The state, locked: copy out what is needed and let go.
    pub(super) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// An open document's current version with its analysis, or `None` when it is not open.
    /// The lock is held only to copy the version out; its analysis, if no one computed it yet,
    /// runs on the blocking pool.
    pub(super) async fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let pending = self.state().pending(uri)?;
        documents::analysed(pending).await
    }
}
