//! `convox/plan`: the deploy plan of an open manifest against a base (`committed.rs`).
//!
//! The base is the manifest **as committed** (`HEAD`, or the revision the request names), read
//! in-process with `gix`: what a reviewer compares, and what does not move when the buffer is
//! saved (a saved-file base would drop the warning at the first save while the deploy still
//! deletes the data). Outside a git repository, or for a file new since the commit, the request
//! falls back to the saved file on disk and the warning is not given. The new side is the buffer.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Uri;

use crate::ide::objects::RenderContext;
use crate::ide::plan::{self, show};
use crate::lsp::committed::base;
use crate::lsp::convert;
use crate::lsp::server::Server;

#[derive(Debug, serde::Deserialize)]
pub struct PlanParams {
    pub uri: Uri,
    /// A git revision to compare with (default `HEAD`), or `"saved"` for the file on disk.
    #[serde(default)]
    pub base: Option<String>,
}

#[derive(Debug, serde::Serialize)]
pub struct PlanResult {
    /// The plan as Markdown (what the VS Code command shows).
    pub markdown: String,
    /// The plan as `convox-lsp plan --format json` prints it.
    pub plan: serde_json::Value,
    /// What the buffer was compared with (`HEAD (committed)`, `the saved file` ...).
    pub base: String,
}

impl Server {
    /// `convox/plan`: what deploying the buffer does, against the committed manifest.
    pub async fn plan(&self, params: PlanParams) -> Result<PlanResult> {
        let snap = self
            .snapshot(&params.uri)
            .await
            .ok_or_else(|| Error::invalid_params(format!("{} is not open", params.uri.as_str())))?;
        let path = convert::file_path(&params.uri)
            .ok_or_else(|| Error::invalid_params("convox/plan needs a file on disk (a file: URI)"))?;
        let rev = params.base.clone();
        // Git and disk reads off the async workers.
        let found = tokio::task::spawn_blocking(move || base(&path, rev.as_deref()))
            .await
            .map_err(|e| Error::invalid_params(e.to_string()))?;
        let (old, label) = found.map_err(Error::invalid_params)?;
        let p = plan::plan(&old, &snap.analysis, &RenderContext::new(&snap.context));
        let markdown = format!("{}\n<sub>Compared with {label}.</sub>\n", show::markdown(&p));
        Ok(PlanResult { markdown, plan: show::json(&p), base: label })
    }
}
