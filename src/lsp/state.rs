//! The server's state behind its one lock: the open documents, what the client can do, the
//! settings, the workspace folders and the repository cache. Handlers hold the lock only to copy
//! what they need out of it (a document's snapshot, a setting), never while a feature runs.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tower_lsp_server::ls_types::Uri;

use super::documents::{Documents, Pending};
use super::settings::Settings;
use super::workspace::Checks;
use crate::context::{self, Context, Sources};
use crate::text::PositionEncoding;

#[derive(Default)]
pub struct State {
    pub documents: Documents,
    pub encoding: PositionEncoding,
    pub settings: Settings,
    /// The client answers `workspace/configuration`.
    pub pull_configuration: bool,
    /// The client takes change annotations in workspace edits (rename's confirmation).
    pub change_annotations: bool,
    /// What was read from the repository for the build checks and links.
    pub repo: Arc<Mutex<crate::repo::Repo>>,
    /// The client pulls diagnostics (`textDocument/diagnostic`): nothing is pushed then.
    pub pull_diagnostics: bool,
    /// The client takes `workspace/diagnostic/refresh`.
    pub diagnostic_refresh: bool,
    /// The client registers file watchers dynamically (and with relative patterns).
    pub watch_dynamic: bool,
    pub watch_relative: bool,
    /// The workspace folders, searched for manifests by `workspace/diagnostic`.
    pub folders: Vec<PathBuf>,
    /// The client expands snippets in completions (`$1`, `${1:default}`); otherwise they are sent
    /// as the plain text they stand for.
    pub snippets: bool,
    /// The client lists `documentation` among the completion item properties it resolves later
    /// (VS Code, Helix): items are sent without it, and `completionItem/resolve` adds it. Clients
    /// that do not (Neovim's own completion, which resolves only when an item is accepted) get it
    /// in the list.
    pub resolve_documentation: bool,
}

/// A panic while the lock was held must not take every later request down with it.
pub fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl State {
    pub fn context_for(&self, uri: &Uri) -> Context {
        let mut sources = Sources::from_environment();
        sources.rack_setting = self.settings.rack.clone();
        sources.app_setting = self.settings.app.clone();
        sources.router_setting = self.settings.router.clone();
        sources.provider_setting = self.settings.provider.clone();
        let path = (uri.scheme().as_str() == "file").then(|| uri.to_file_path()).flatten();
        let mut ctx = context::discover(path.as_deref(), &sources);
        // The env file is relative to the workspace folder holding the document (else the first).
        let folder =
            path.as_deref().and_then(|p| self.folders.iter().find(|f| p.starts_with(f))).or(self.folders.first());
        ctx.environment = self.settings.environment(folder.map(|f| f.as_path())).map(std::sync::Arc::new);
        ctx
    }

    /// What computing diagnostics needs, to be used after the lock is released.
    pub fn checks(&self) -> Checks {
        Checks { repo: self.repo.clone(), settings: self.settings.diagnostic_settings(), encoding: self.encoding }
    }

    /// Forgets what was read from the repository. A read in progress finishes on the old cache
    /// (nothing waits for it) and is dropped with it.
    pub fn forget_repository(&mut self) {
        self.repo = Arc::default();
    }

    /// An open document's current version, to be analysed outside the lock.
    pub fn pending(&self, uri: &Uri) -> Option<Pending> {
        self.documents.pending(uri, self.encoding)
    }

    /// A watched file changed: forget what was read, find rack and app again.
    pub fn files_changed(&mut self) -> Vec<Uri> {
        self.forget_repository();
        super::committed::forget();
        self.rediscover()
    }

    /// Returns the open documents when something changed: their diagnostics are published again.
    pub fn apply_settings(&mut self, settings: Settings) -> Vec<Uri> {
        if settings == self.settings {
            return Vec::new();
        }
        self.settings = settings;
        self.rediscover()
    }

    /// Finds every open document's rack and app again; returns the documents.
    fn rediscover(&mut self) -> Vec<Uri> {
        let uris: Vec<Uri> = self.documents.uris().cloned().collect();
        for uri in &uris {
            let ctx = self.context_for(uri);
            if let Some(d) = self.documents.get_mut(uri) {
                d.context = ctx;
            }
        }
        uris
    }
}
