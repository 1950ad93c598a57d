//! Lifecycle and dispatch. Each method is one line here and a small function in `handlers/` (one
//! file per method or family); the capabilities are in `capabilities.rs`. Message order is safe by
//! construction: notification handlers update the document store synchronously, before their
//! first `.await`, and never wait on the client; diagnostics go out through one publisher task
//! that only publishes the newest version.

use std::sync::atomic::Ordering;

use tower_lsp_server::LanguageServer;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::capabilities;
use super::handlers as h;
use super::server::Server;

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = {
            let mut state = self.state();
            capabilities::read_client(&mut state, &params);
            state.encoding
        };
        self.initialized.store(true, Ordering::SeqCst);
        Ok(InitializeResult {
            capabilities: capabilities::server(encoding),
            offset_encoding: None,
            server_info: Some(ServerInfo {
                name: "convox-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tracing::info!("initialized");
        let problems = self.state().settings.problems();
        h::sync::show_problems(&self.client, problems);
        h::sync::pull_configuration(self);
        h::sync::register_watchers(self);
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        h::sync::did_open(self, params)
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        h::sync::did_change(self, params)
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        h::sync::did_close(self, params)
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        h::sync::did_change_configuration(self, params)
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        h::sync::did_change_watched_files(self, params)
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        h::diagnostics::document(self, params).await
    }

    async fn workspace_diagnostic(&self, params: WorkspaceDiagnosticParams) -> Result<WorkspaceDiagnosticReportResult> {
        h::diagnostics::workspace(self, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        h::diagnostics::code_action(self, params).await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        h::links::document_link(self, params).await
    }

    // `textDocument/hover` and `textDocument/completion` never reach this trait: `direct.rs`
    // answers them (their results written straight to JSON), in every state where the service
    // would call a handler.

    async fn completion_resolve(&self, params: CompletionItem) -> Result<CompletionItem> {
        h::completion::resolve(params).await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        h::navigation::definition(self, params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        h::navigation::references(self, params).await
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        h::navigation::highlight(self, params).await
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        h::navigation::prepare_rename(self, params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        h::navigation::rename(self, params).await
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        h::symbols::workspace_symbol(self, params).await
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        h::symbols::document_symbol(self, params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        h::lenses::inlay_hint(self, params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        h::lenses::code_lens(self, params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        h::commands::execute(self, params).await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        h::structure::folding_range(self, params).await
    }

    async fn selection_range(&self, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
        h::structure::selection_range(self, params).await
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        h::structure::semantic_tokens(self, params).await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        h::format::formatting(self, params).await
    }

    async fn range_formatting(&self, params: DocumentRangeFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        h::format::range_formatting(self, params).await
    }
}
