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
use super::settings::Settings;
use super::workspace;
use crate::context::{self, Context, Sources};
use crate::ide::{Analysis, navigation};
use crate::text::PositionEncoding;

#[derive(Default)]
struct State {
    documents: Documents,
    encoding: PositionEncoding,
    settings: Settings,
    /// The client answers `workspace/configuration`.
    pull_configuration: bool,
    /// The client takes change annotations in workspace edits (rename's confirmation).
    change_annotations: bool,
    /// What was read from the repository for the build checks and links.
    repo: crate::repo::Repo,
    /// The client pulls diagnostics (`textDocument/diagnostic`): nothing is pushed then.
    pull_diagnostics: bool,
    /// The client takes `workspace/diagnostic/refresh`.
    diagnostic_refresh: bool,
    /// The client registers file watchers dynamically (and with relative patterns).
    watch_dynamic: bool,
    watch_relative: bool,
    /// The workspace folders, searched for manifests by `workspace/diagnostic`.
    folders: Vec<std::path::PathBuf>,
}

impl State {
    fn context_for(&self, uri: &Uri) -> Context {
        let mut sources = Sources::from_environment();
        sources.rack_setting = self.settings.rack.clone();
        sources.app_setting = self.settings.app.clone();
        sources.router_setting = self.settings.router.clone();
        sources.provider_setting = self.settings.provider.clone();
        let path = (uri.scheme().as_str() == "file").then(|| uri.to_file_path()).flatten();
        context::discover(path.as_deref(), &sources)
    }

    /// A document's diagnostics, with the build checks (the repository cache answers) and the
    /// severities from the settings.
    fn diagnostics(&mut self, uri: &Uri, snap: &Snapshot) -> Vec<crate::ide::Diagnostic> {
        let settings = self.settings.diagnostic_settings();
        let path = workspace::file_path(uri);
        workspace::diagnostics(&mut self.repo, path.as_deref(), &snap.analysis, &settings)
    }

    /// A watched file changed: forget what was read, find rack and app again.
    fn files_changed(&mut self) -> Vec<Uri> {
        self.repo.clear();
        let uris: Vec<Uri> = self.documents.uris().cloned().collect();
        for uri in &uris {
            let ctx = self.context_for(uri);
            if let Some(d) = self.documents.get_mut(uri) {
                d.context = ctx;
            }
        }
        uris
    }

    /// Returns the open documents when something changed: their diagnostics are published again.
    fn apply_settings(&mut self, settings: Settings) -> Vec<Uri> {
        if settings == self.settings {
            return Vec::new();
        }
        self.settings = settings;
        let uris: Vec<Uri> = self.documents.uris().cloned().collect();
        for uri in uris {
            let ctx = self.context_for(&uri);
            if let Some(d) = self.documents.get_mut(&uri) {
                d.context = ctx;
            }
        }
        self.documents.uris().cloned().collect()
    }
}

/// Settings changed: publish every open document's diagnostics again.
fn republish(publish: &mpsc::UnboundedSender<Publish>, uris: Vec<Uri>) {
    for uri in uris {
        let _ = publish.send(Publish::Refresh(uri));
    }
}

enum Publish {
    Changed(Uri),
    /// Publish even if this version was published already (the settings changed).
    Refresh(Uri),
    Closed(Uri),
}

/// `convox/render` and the `convox.render` command: the Kubernetes objects of a manifest as YAML.
pub const RENDER_COMMAND: &str = "convox.render";

#[derive(Debug, serde::Deserialize)]
pub struct RenderParams {
    pub uri: Uri,
    /// Only this service (and the timers that run on it).
    #[serde(default)]
    pub service: Option<String>,
}

#[derive(Debug, serde::Serialize)]
pub struct RenderResult {
    pub yaml: String,
}

/// The code lens command: shows (and returns) a kubectl command. The VS Code extension copies it
/// to the clipboard or runs it in a terminal instead; other editors get a message with it.
pub const KUBECTL_COMMAND: &str = "convox.kubectl";

/// The troubleshooting ladder of a service, timer or resource, as Markdown (arguments: the
/// document's URI and the name). Every client can call it; the code lens "troubleshoot" does.
pub const TROUBLESHOOT_COMMAND: &str = "convox.troubleshoot";

pub struct Server {
    client: Client,
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
        tokio::spawn(publisher(client.clone(), state.clone(), rx));
        Self { client, state, publish: tx, shutdown }
    }

    /// Asks the client for the `convox` settings section, without blocking any handler.
    fn pull_configuration(&self) {
        if !lock(&self.state).pull_configuration {
            return;
        }
        let client = self.client.clone();
        let state = self.state.clone();
        let publish = self.publish.clone();
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

    /// `convox/render`: the Kubernetes objects Convox would render for an open manifest.
    pub async fn render(&self, params: RenderParams) -> Result<RenderResult> {
        let snap = self.snapshot(&params.uri).ok_or_else(|| {
            tower_lsp_server::jsonrpc::Error::invalid_params(format!("{} is not open", params.uri.as_str()))
        })?;
        let yaml = snap
            .analysis
            .render(&snap.context, params.service.as_deref())
            .map_err(tower_lsp_server::jsonrpc::Error::invalid_params)?;
        Ok(RenderResult { yaml })
    }

    /// Registers the file watchers (`workspace::watchers`) where the client allows it, without
    /// waiting for the answer.
    fn register_watchers(&self) {
        let (dynamic, relative) = {
            let state = lock(&self.state);
            (state.watch_dynamic, state.watch_relative)
        };
        if !dynamic {
            return;
        }
        let registration = workspace::watch_registration(&Sources::from_environment().config_dirs, relative);
        let client = self.client.clone();
        tokio::spawn(async move {
            if let Err(e) = client.register_capability(vec![registration]).await {
                tracing::warn!("registering file watchers failed: {e}");
            }
        });
    }

    /// `convox.troubleshoot URI NAME`: the ladder of an open document's service, timer or resource.
    fn troubleshoot(&self, arguments: &[LSPAny]) -> Result<String> {
        let invalid = |m: String| tower_lsp_server::jsonrpc::Error::invalid_params(m);
        let (Some(uri), Some(name)) =
            (arguments.first().and_then(|a| a.as_str()), arguments.get(1).and_then(|a| a.as_str()))
        else {
            return Err(invalid(
                "convox.troubleshoot takes the manifest's URI and a service, timer or resource name".to_string(),
            ));
        };
        let uri: Uri = uri.parse().map_err(|_| invalid(format!("not a URI: {uri}")))?;
        let snap = self.snapshot(&uri).ok_or_else(|| invalid(format!("{} is not open", uri.as_str())))?;
        crate::ide::troubleshoot::ladder(&snap.analysis, &snap.context, name).map_err(|names| {
            invalid(format!("no service, timer or resource named {name} (there are: {})", names.join(", ")))
        })
    }

    fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let mut state = lock(&self.state);
        let encoding = state.encoding;
        state.documents.snapshot(uri, encoding)
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

/// What the client can do that changes how diagnostics and watchers work.
fn read_client_capabilities(state: &mut State, params: &InitializeParams) {
    let caps = &params.capabilities;
    state.pull_diagnostics = caps.text_document.as_ref().and_then(|t| t.diagnostic.as_ref()).is_some();
    let ws = caps.workspace.as_ref();
    state.diagnostic_refresh = ws.and_then(|w| w.diagnostics.as_ref()).and_then(|d| d.refresh_support).unwrap_or(false);
    let watch = ws.and_then(|w| w.did_change_watched_files.as_ref());
    state.watch_dynamic = watch.and_then(|w| w.dynamic_registration).unwrap_or(false);
    state.watch_relative = watch.and_then(|w| w.relative_pattern_support).unwrap_or(false);
    let folders = params.workspace_folders.iter().flatten().map(|f| &f.uri);
    #[allow(deprecated)]
    let root = params.root_uri.iter();
    state.folders = folders.chain(root).filter_map(workspace::file_path).collect();
    state.folders.dedup();
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

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = convert::negotiate_encoding(&params.capabilities);
        {
            let mut state = lock(&self.state);
            state.encoding = encoding;
            state.pull_configuration =
                params.capabilities.workspace.as_ref().and_then(|w| w.configuration).unwrap_or(false);
            state.change_annotations = params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.change_annotation_support.as_ref())
                .is_some();
            if let Some(settings) = params.initialization_options.as_ref().and_then(Settings::from_value) {
                state.settings = settings;
            }
            read_client_capabilities(&mut state, &params);
        }
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..Default::default()
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some([":", " ", "-", "{"].map(String::from).to_vec()),
                    ..Default::default()
                }),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![
                        KUBECTL_COMMAND.to_string(),
                        RENDER_COMMAND.to_string(),
                        TROUBLESHOOT_COMMAND.to_string(),
                    ],
                    ..Default::default()
                }),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
                    SemanticTokensOptions {
                        legend: SemanticTokensLegend {
                            token_types: crate::ide::structure::TOKEN_TYPES
                                .iter()
                                .map(|t| SemanticTokenType::new(t))
                                .collect(),
                            token_modifiers: crate::ide::structure::TOKEN_MODIFIERS
                                .iter()
                                .map(|m| SemanticTokenModifier::new(m))
                                .collect(),
                        },
                        full: Some(SemanticTokensFullOptions::Bool(true)),
                        range: None,
                        work_done_progress_options: Default::default(),
                    },
                )),
                document_formatting_provider: Some(OneOf::Left(true)),
                document_range_formatting_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                    ..Default::default()
                })),
                document_link_provider: Some(DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: Default::default(),
                }),
                diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("convox-lsp".to_string()),
                    inter_file_dependencies: false,
                    workspace_diagnostics: true,
                    work_done_progress_options: Default::default(),
                })),
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
        let problems = lock(&self.state).settings.problems();
        show_problems(&self.client, problems);
        self.pull_configuration();
        self.register_watchers();
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        tracing::debug!("{} watched files changed", params.changes.len());
        let (uris, refresh) = {
            let mut state = lock(&self.state);
            (state.files_changed(), state.pull_diagnostics && state.diagnostic_refresh)
        };
        republish(&self.publish, uris);
        if refresh {
            // Not awaited: a handler never waits on the client.
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(e) = client.workspace_diagnostic_refresh().await {
                    tracing::warn!("workspace/diagnostic/refresh failed: {e}");
                }
            });
        }
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let previous = params.previous_result_id.as_deref();
        let items = match self.snapshot(&uri) {
            Some(snap) => {
                let diags = lock(&self.state).diagnostics(&uri, &snap);
                diags.iter().map(|d| convert::diagnostic(&snap.text, d, snap.encoding)).collect()
            }
            None => {
                // Not open: read and parsed from disk without the lock.
                let path = workspace::file_path(&uri).unwrap_or_default();
                let Some(closed) = workspace::read_closed(&path) else {
                    return Ok(workspace::report(Vec::new(), previous).into());
                };
                let mut state = lock(&self.state);
                let (settings, encoding) = (state.settings.diagnostic_settings(), state.encoding);
                workspace::closed_file_diagnostics(&mut state.repo, &path, &closed, &settings, encoding)
            }
        };
        Ok(workspace::report(items, previous).into())
    }

    async fn workspace_diagnostic(&self, params: WorkspaceDiagnosticParams) -> Result<WorkspaceDiagnosticReportResult> {
        let state = self.state.clone();
        let items = tokio::task::spawn_blocking(move || workspace_items(&state, &params)).await.unwrap_or_else(|e| {
            tracing::error!("workspace diagnostics failed: {e}");
            Vec::new()
        });
        Ok(WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport { items }))
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let uri = params.text_document.uri;
        let Some(snap) = self.snapshot(&uri) else { return Ok(None) };
        let path = workspace::file_path(&uri);
        let mut state = lock(&self.state);
        Ok(Some(workspace::links(&mut state.repo, path.as_deref(), &snap.analysis, &snap.text, snap.encoding)))
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        match Settings::from_value(&params.settings) {
            Some(settings) => {
                show_problems(&self.client, settings.problems());
                let uris = lock(&self.state).apply_settings(settings);
                republish(&self.publish, uris);
            }
            // Clients that send `null` expect the server to pull.
            None => self.pull_configuration(),
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        {
            let mut state = lock(&self.state);
            if !state.watch_dynamic {
                // No watcher tells us when the repository changes: opening a file reads it again.
                state.repo.clear();
            }
            let ctx = state.context_for(&doc.uri);
            state.documents.open(doc.uri.clone(), doc.version, &doc.text, ctx);
        }
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

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        let Some(snap) = self.snapshot(&pos.text_document.uri) else { return Ok(None) };
        let offset = convert::offset(&snap.text, pos.position, snap.encoding);
        Ok(snap.analysis.hover(offset, &snap.context).map(|h| convert::hover(&snap.text, &h, snap.encoding)))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let pos = params.text_document_position;
        let Some(snap) = self.snapshot(&pos.text_document.uri) else { return Ok(None) };
        let offset = convert::offset(&snap.text, pos.position, snap.encoding);
        let items: Vec<CompletionItem> = snap
            .analysis
            .completions(offset)
            .iter()
            .map(|c| convert::completion(&snap.text, c, snap.encoding))
            .collect();
        Ok(Some(CompletionResponse::List(CompletionList { is_incomplete: false, items })))
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let pos = params.text_document_position_params;
        let uri = pos.text_document.uri;
        let Some(snap) = self.snapshot(&uri) else { return Ok(None) };
        let offset = convert::offset(&snap.text, pos.position, snap.encoding);
        let locations: Vec<Location> = navigation::definition(&snap.analysis, offset)
            .into_iter()
            .map(|r| convert::location(&snap.text, &uri, r, snap.encoding))
            .collect();
        Ok((!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations)))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let pos = params.text_document_position;
        let uri = pos.text_document.uri;
        let Some(snap) = self.snapshot(&uri) else { return Ok(None) };
        let offset = convert::offset(&snap.text, pos.position, snap.encoding);
        let refs = navigation::references(&snap.analysis, offset, params.context.include_declaration);
        Ok(Some(refs.into_iter().map(|r| convert::location(&snap.text, &uri, r, snap.encoding)).collect()))
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        let pos = params.text_document_position_params;
        let Some(snap) = self.snapshot(&pos.text_document.uri) else { return Ok(None) };
        let offset = convert::offset(&snap.text, pos.position, snap.encoding);
        let highlights = navigation::highlights(&snap.analysis, offset)
            .into_iter()
            .map(|(r, decl)| DocumentHighlight {
                range: convert::range(&snap.text, r, snap.encoding),
                kind: Some(if decl { DocumentHighlightKind::WRITE } else { DocumentHighlightKind::READ }),
            })
            .collect();
        Ok(Some(highlights))
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else { return Ok(None) };
        let offset = convert::offset(&snap.text, params.position, snap.encoding);
        match navigation::prepare_rename(&snap.analysis, offset) {
            Ok((r, name)) => Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
                range: convert::range(&snap.text, r, snap.encoding),
                placeholder: name,
            })),
            Err(message) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(message)),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let pos = params.text_document_position;
        let uri = pos.text_document.uri;
        let Some(snap) = self.snapshot(&uri) else { return Ok(None) };
        let offset = convert::offset(&snap.text, pos.position, snap.encoding);
        let rename = navigation::rename(&snap.analysis, offset, &params.new_name)
            .map_err(tower_lsp_server::jsonrpc::Error::invalid_params)?;
        let annotate = lock(&self.state).change_annotations && !rename.consequences.is_empty();
        Ok(Some(convert::rename_edit(&snap.text, &uri, &rename, annotate, snap.encoding)))
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        let query = params.query.to_lowercase();
        let snapshots: Vec<(Uri, Snapshot)> = {
            let mut state = lock(&self.state);
            let encoding = state.encoding;
            let uris: Vec<Uri> = state.documents.uris().cloned().collect();
            uris.into_iter().filter_map(|u| Some((u.clone(), state.documents.snapshot(&u, encoding)?))).collect()
        };
        let mut out = Vec::new();
        for (uri, snap) in snapshots {
            for section in snap.analysis.document_symbols() {
                for s in &section.children {
                    if query.is_empty() || s.name.to_lowercase().contains(&query) {
                        out.push(convert::workspace_symbol(&snap.text, &uri, s, &section.name, snap.encoding));
                    }
                }
            }
        }
        Ok(Some(WorkspaceSymbolResponse::Flat(out)))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else { return Ok(None) };
        let settings = lock(&self.state).settings.inlay_hints;
        let config = crate::ide::HintConfig { objects: settings.objects, defaults: settings.defaults };
        let start = convert::offset(&snap.text, params.range.start, snap.encoding);
        let end = convert::offset(&snap.text, params.range.end, snap.encoding);
        let hints = snap.analysis.inlay_hints(&snap.context, crate::text::TextRange::new(start, end), config);
        Ok(Some(hints.iter().map(|h| convert::inlay_hint(&snap.text, h, snap.encoding)).collect()))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else { return Ok(None) };
        let uri = params.text_document.uri;
        let mut lenses: Vec<CodeLens> = snap
            .analysis
            .code_lenses(&snap.context)
            .iter()
            .map(|l| convert::code_lens(&snap.text, l, KUBECTL_COMMAND, snap.encoding))
            .collect();
        lenses.extend(
            crate::ide::troubleshoot::lenses(&snap.analysis)
                .iter()
                .map(|l| convert::troubleshoot_lens(&snap.text, &uri, l, TROUBLESHOOT_COMMAND, snap.encoding)),
        );
        Ok(Some(lenses))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if params.command == RENDER_COMMAND {
            let uri: Uri =
                params.arguments.first().and_then(|a| a.as_str()).and_then(|u| u.parse().ok()).ok_or_else(|| {
                    tower_lsp_server::jsonrpc::Error::invalid_params("convox.render takes the manifest's URI")
                })?;
            let service = params.arguments.get(1).and_then(|a| a.as_str()).map(str::to_string);
            let result = self.render(RenderParams { uri, service }).await?;
            return Ok(Some(LSPAny::String(result.yaml)));
        }
        if params.command == TROUBLESHOOT_COMMAND {
            return self.troubleshoot(&params.arguments).map(|md| Some(LSPAny::String(md)));
        }
        if params.command != KUBECTL_COMMAND {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "unknown command {}",
                params.command
            )));
        }
        let Some(cmd) = params.arguments.first().and_then(|a| a.as_str()).map(str::to_string) else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                "convox.kubectl takes the command as its argument",
            ));
        };
        // Not awaited: the message must not hold this handler (the client may answer slowly).
        let client = self.client.clone();
        let message = cmd.clone();
        tokio::spawn(async move { client.show_message(MessageType::INFO, message).await });
        Ok(Some(LSPAny::String(cmd)))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else { return Ok(None) };
        let ranges = crate::ide::structure::folding_ranges(&snap.analysis);
        Ok(Some(ranges.iter().map(|r| convert::folding_range(&snap.text, *r, snap.encoding)).collect()))
    }

    async fn selection_range(&self, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else { return Ok(None) };
        let out = params
            .positions
            .iter()
            .map(|p| {
                let offset = convert::offset(&snap.text, *p, snap.encoding);
                convert::selection_range(
                    &snap.text,
                    &crate::ide::structure::selection_ranges(&snap.analysis, offset),
                    snap.encoding,
                )
            })
            .collect();
        Ok(Some(out))
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else { return Ok(None) };
        let tokens = crate::ide::structure::semantic_tokens(&snap.analysis);
        Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: None,
            data: convert::semantic_tokens(&snap.text, &tokens, snap.encoding),
        })))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(snap) = self.snapshot(&uri) else { return Ok(None) };
        let start = convert::offset(&snap.text, params.range.start, snap.encoding);
        let end = convert::offset(&snap.text, params.range.end, snap.encoding);
        let diags = lock(&self.state).diagnostics(&uri, &snap);
        let actions: Vec<CodeActionOrCommand> = diags
            .iter()
            .filter(|d| d.range.start <= end && start <= d.range.end)
            .filter_map(|d| Some((d, d.fix.as_ref()?)))
            .map(|(d, fix)| {
                CodeActionOrCommand::CodeAction(convert::code_action(&snap.text, &uri, d, fix, snap.encoding))
            })
            .collect();
        Ok(Some(actions))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else { return Ok(None) };
        format_edits(&snap, &params.options, None)
    }

    async fn range_formatting(&self, params: DocumentRangeFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else { return Ok(None) };
        let start = convert::offset(&snap.text, params.range.start, snap.encoding);
        let end = convert::offset(&snap.text, params.range.end, snap.encoding);
        format_edits(&snap, &params.options, Some(crate::text::TextRange::new(start, end.max(start))))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let Some(snap) = self.snapshot(&params.text_document.uri) else { return Ok(None) };
        let symbols = snap.analysis.document_symbols();
        let out = symbols.iter().map(|s| convert::symbol(&snap.text, s, snap.encoding)).collect();
        Ok(Some(DocumentSymbolResponse::Nested(out)))
    }
}

/// The minimal edits formatting a document (or the lines of `range`), or the formatter's refusal.
fn format_edits(
    snap: &Snapshot,
    options: &FormattingOptions,
    range: Option<crate::text::TextRange>,
) -> Result<Option<Vec<TextEdit>>> {
    let options = convert::format_options(options);
    let edits = crate::ide::format::format_edits(snap.analysis.text(), &options, range)
        .map_err(|e| convert::format_error(&snap.text, &e))?;
    Ok(Some(convert::text_edits(&snap.text, &edits, snap.encoding)))
}

/// Tells the user what in their settings is ignored (an unknown diagnostic code ...), without
/// holding the caller: the message is sent from its own task.
fn show_problems(client: &Client, problems: Vec<String>) {
    for message in problems {
        let client = client.clone();
        tokio::spawn(async move { client.show_message(MessageType::WARNING, message).await });
    }
}
