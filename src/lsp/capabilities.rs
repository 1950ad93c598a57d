//! What the server offers (`ServerCapabilities`) and what it reads from the client's capabilities.
//! A new method adds its provider here and its handler under `handlers/`.

use tower_lsp_server::ls_types::*;

use super::convert;
use super::settings::Settings;
use super::state::State;
use crate::ide::structure::{TOKEN_MODIFIERS, TOKEN_TYPES};
use crate::text::PositionEncoding;

/// `convox/render` and the `convox.render` command: the Kubernetes objects of a manifest as YAML.
pub const RENDER_COMMAND: &str = "convox.render";

/// The code lens command: shows (and returns) a kubectl command. The VS Code extension copies it
/// to the clipboard or runs it in a terminal instead; other editors get a message with it.
pub const KUBECTL_COMMAND: &str = "convox.kubectl";

/// The troubleshooting ladder of a service, timer or resource, as Markdown (arguments: the
/// document's URI and the name). Every client can call it; the code lens "troubleshoot" does.
pub const TROUBLESHOOT_COMMAND: &str = "convox.troubleshoot";

/// The capabilities announced in the `initialize` answer.
pub fn server(encoding: PositionEncoding) -> ServerCapabilities {
    ServerCapabilities {
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
            resolve_provider: Some(true),
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
            commands: [KUBECTL_COMMAND, RENDER_COMMAND, TROUBLESHOOT_COMMAND].map(String::from).to_vec(),
            ..Default::default()
        }),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: SemanticTokensLegend {
                    token_types: TOKEN_TYPES.iter().map(|t| SemanticTokenType::new(t)).collect(),
                    token_modifiers: TOKEN_MODIFIERS.iter().map(|m| SemanticTokenModifier::new(m)).collect(),
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
    }
}

/// What the client can do that changes how the server behaves: position encoding, settings pull,
/// change annotations, pull diagnostics, watchers; and the workspace folders and initial settings.
pub fn read_client(state: &mut State, params: &InitializeParams) {
    let caps = &params.capabilities;
    state.encoding = convert::negotiate_encoding(caps);
    let ws = caps.workspace.as_ref();
    state.pull_configuration = ws.and_then(|w| w.configuration).unwrap_or(false);
    state.change_annotations =
        ws.and_then(|w| w.workspace_edit.as_ref()).and_then(|e| e.change_annotation_support.as_ref()).is_some();
    if let Some(settings) = params.initialization_options.as_ref().and_then(Settings::from_value) {
        state.settings = settings;
    }
    let completion_item = caps.text_document.as_ref().and_then(|t| t.completion.as_ref()?.completion_item.as_ref());
    state.snippets = completion_item.and_then(|c| c.snippet_support).unwrap_or(false);
    state.resolve_documentation = completion_item
        .and_then(|c| c.resolve_support.as_ref())
        .is_some_and(|r| r.properties.iter().any(|p| p == "documentation"));
    state.pull_diagnostics = caps.text_document.as_ref().and_then(|t| t.diagnostic.as_ref()).is_some();
    state.diagnostic_refresh = ws.and_then(|w| w.diagnostics.as_ref()).and_then(|d| d.refresh_support).unwrap_or(false);
    let watch = ws.and_then(|w| w.did_change_watched_files.as_ref());
    state.watch_dynamic = watch.and_then(|w| w.dynamic_registration).unwrap_or(false);
    state.watch_relative = watch.and_then(|w| w.relative_pattern_support).unwrap_or(false);
    let folders = params.workspace_folders.iter().flatten().map(|f| &f.uri);
    #[allow(deprecated)]
    let root = params.root_uri.iter();
    state.folders = folders.chain(root).filter_map(convert::file_path).collect();
    state.folders.dedup();
}
