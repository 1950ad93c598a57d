//! One file per LSP method or family. A handler converts the protocol's values to byte offsets,
//! takes the document's snapshot (`Server::snapshot`: a short lock, then the analysis, never
//! under the lock), calls a method of the snapshot's `Analysis`, and converts back with
//! `super::convert`. It never `.await`s a request to the client. See CONTRIBUTING.md, "Add an
//! LSP method".

pub mod commands;
pub mod completion;
pub mod diagnostics;
pub mod format;
pub mod hover;
pub mod lenses;
pub mod links;
pub mod navigation;
pub mod plan;
pub mod structure;
pub mod symbols;
pub mod sync;

use tower_lsp_server::jsonrpc::Error;

/// The error answer for bad arguments (a document that is not open, a name that is not there).
pub fn invalid(message: impl Into<String>) -> Error {
    Error::invalid_params(message.into())
}

/// Work that may read the disk or take a while (the checks of a large document), run on the
/// blocking pool; a panic there is answered as an internal error.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Error> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::error!("a blocking task failed: {e}");
        Error::internal_error()
    })
}
