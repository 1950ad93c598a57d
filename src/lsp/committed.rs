//! The manifest as committed, which `convox/plan` and the `data-loss` warning compare an open
//! buffer with: read in-process with `gix`, cached per file and commit id, so a keystroke re-reads
//! only the commit id; outside a repository the saved file, for the request.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use tower_lsp_server::ls_types::Uri;

use super::convert;
use crate::context::Context;
use crate::ide::objects::RenderContext;
use crate::ide::{Analysis, Diagnostic, plan};

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
    let Some(path) = convert::file_path(uri) else { return Vec::new() };
    let Some(base) = compared_with(&path) else { return Vec::new() };
    plan::data_loss(&base, analysis, &RenderContext::new(context), "the committed version")
}

/// The base of a `convox/plan` request and how to name it.
pub fn base(path: &Path, rev: Option<&str>) -> std::result::Result<(Arc<Analysis>, String), String> {
    let saved = || {
        crate::files::read_manifest(path)
            .map(|t| (Arc::new(Analysis::from_text(&t)), "the saved file".to_string()))
            .map_err(|why| format!("{}: cannot read the saved file: {why}", path.display()))
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
