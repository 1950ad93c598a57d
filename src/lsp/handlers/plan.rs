//! `convox/plan` and the `data-loss` warning: the deploy plan of an open manifest against a base.
//!
//! The base is the manifest **as committed** (`HEAD`, or the revision the request names), read
//! in-process with `gix`: what a reviewer compares, and what does not move when the buffer is
//! saved (a saved-file base would drop the warning at the first save while the deploy still
//! deletes the data). Outside a git repository, or for a file new since the commit, the request
//! falls back to the saved file on disk and the warning is not given. The new side is the buffer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Uri;

use crate::context::Context;
use crate::ide::objects::RenderContext;
use crate::ide::plan::{self, show};
use crate::ide::{Analysis, Diagnostic};
use crate::lsp::server::Server;
use crate::lsp::workspace;

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

/// The committed version of each manifest, by path, with the commit id it was read at.
type ByCommit = HashMap<PathBuf, (String, Arc<Analysis>)>;
static COMMITTED: LazyLock<Mutex<ByCommit>> = LazyLock::new(Mutex::default);

/// The manifest at `rev` as an analysis (cached per commit for `HEAD`'s callers), `None` when
/// the file is in no repository or not in that commit.
fn committed(path: &Path, rev: &str) -> Option<Arc<Analysis>> {
    let id = crate::git::commit_id(path, rev).ok()?;
    let mut cache = COMMITTED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((at, a)) = cache.get(path)
        && *at == id
    {
        return Some(a.clone());
    }
    let text = crate::git::file_at_revision(path, &id).ok()?;
    let a = Arc::new(Analysis::from_text(&text));
    cache.insert(path.to_path_buf(), (id, a.clone()));
    Some(a)
}

/// The committed version each open manifest's `data-loss` warnings compare with, by path: looked
/// up in the repository once (the first diagnostics after the document opens or a watched file
/// changes, [`forget`]), not on every keystroke (a repository lookup reads several files).
static COMPARED: LazyLock<Mutex<HashMap<PathBuf, Option<Arc<Analysis>>>>> = LazyLock::new(Mutex::default);

fn compared_with(path: &Path) -> Option<Arc<Analysis>> {
    let lock = || COMPARED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = lock().get(path) {
        return known.clone();
    }
    // Read without the lock: another document's diagnostics do not wait for this repository.
    let base = committed(path, "HEAD");
    lock().insert(path.to_path_buf(), base.clone());
    base
}

/// Forgets the committed versions looked up: a document opened again, or a watched file changed.
pub fn forget() {
    COMPARED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
}

/// The `data-loss` warnings of an open manifest against its committed version (none outside git).
pub fn data_loss(uri: &Uri, analysis: &Analysis, context: &Context) -> Vec<Diagnostic> {
    let Some(path) = workspace::file_path(uri) else { return Vec::new() };
    let Some(base) = compared_with(&path) else { return Vec::new() };
    plan::data_loss(&base, analysis, &RenderContext::new(context), "the committed version")
}

/// The base of a `convox/plan` request and how to name it.
fn base(path: &Path, rev: Option<&str>) -> std::result::Result<(Arc<Analysis>, String), String> {
    let saved = || {
        crate::repo::read_capped(path)
            .map(|t| (Arc::new(Analysis::from_text(&t)), "the saved file".to_string()))
            .ok_or_else(|| format!("{}: cannot read the saved file", path.display()))
    };
    match rev {
        Some("saved") => saved(),
        Some(rev) => match crate::git::file_at_revision(path, rev) {
            Ok(t) => Ok((Arc::new(Analysis::from_text(&t)), format!("{rev} (committed)"))),
            Err(crate::git::GitError::NotInRevision(_)) => {
                Ok((Arc::new(Analysis::from_text("")), format!("{rev} (the file is not in it)")))
            }
            Err(e) => Err(e.to_string()),
        },
        None => committed(path, "HEAD").map(|a| (a, "HEAD (committed)".to_string())).map_or_else(saved, Ok),
    }
}

impl Server {
    /// `convox/plan`: what deploying the buffer does, against the committed manifest.
    pub async fn plan(&self, params: PlanParams) -> Result<PlanResult> {
        let snap = self
            .snapshot(&params.uri)
            .await
            .ok_or_else(|| Error::invalid_params(format!("{} is not open", params.uri.as_str())))?;
        let path = workspace::file_path(&params.uri)
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
