//! The server's view of the repository: watched-file registration, pull-diagnostic reports with
//! result ids, workspace diagnostics for manifests that are not open, and document links. The
//! file-system reads themselves are `crate::repo`'s, cached in the server's state (a cache of its
//! own, so that reading never holds the server's lock).

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tower_lsp_server::ls_types::*;

use super::convert;
use super::settings::DiagnosticSettings;
use crate::env::Environment;
use crate::ide::{self, Analysis};
use crate::repo::Repo;
use crate::text::{PositionEncoding, Text};

/// At most this many manifests get workspace diagnostics (`docs/repository.md`).
pub const MAX_WORKSPACE_MANIFESTS: usize = 200;

pub const WATCH_REGISTRATION: &str = "convox-lsp-watch";

/// At most this many diagnostics of one document are sent to the client, errors first: 45,000
/// `${X}` on one line gave 45,000 diagnostics, and building and sending them cost 1.1 s per
/// keystroke. One more, at the top of the document, says how many are not shown.
pub const MAX_PUBLISHED: usize = 1000;

/// What a change re-reads: Dockerfiles, `.dockerignore`, `.convox/rack`, `.convox/app`, and the
/// Convox CLI's current-rack file in each of its configuration directories (`crate::context`).
pub fn watchers(config_dirs: &[PathBuf], relative_patterns: bool) -> Vec<FileSystemWatcher> {
    let mut globs: Vec<GlobPattern> = [
        "**/Dockerfile",
        "**/Dockerfile.*",
        "**/*.Dockerfile",
        "**/*.dockerfile",
        "**/.dockerignore",
        "**/.convox/rack",
        "**/.convox/app",
        // Release environment files (`convox.envFile`), by their usual names.
        "**/.env",
        "**/.env.*",
        "**/*.env",
    ]
    .into_iter()
    .map(|g| GlobPattern::String(g.to_string()))
    .collect();
    for dir in config_dirs {
        let glob = match Uri::from_file_path(dir) {
            Some(base) if relative_patterns => {
                GlobPattern::Relative(RelativePattern { base_uri: OneOf::Right(base), pattern: "rack".to_string() })
            }
            _ => GlobPattern::String(dir.join("rack").to_string_lossy().into_owned()),
        };
        globs.push(glob);
    }
    globs.into_iter().map(|glob_pattern| FileSystemWatcher { glob_pattern, kind: None }).collect()
}

pub fn watch_registration(config_dirs: &[PathBuf], relative_patterns: bool) -> Registration {
    let options = DidChangeWatchedFilesRegistrationOptions { watchers: watchers(config_dirs, relative_patterns) };
    Registration {
        id: WATCH_REGISTRATION.to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    }
}

/// A result id that changes exactly when the report does: a hash of what the client would see.
pub fn result_id(items: &[Diagnostic]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(items).unwrap_or_default().hash(&mut h);
    format!("{:016x}", h.finish())
}

/// What computing a document's diagnostics needs, copied out of the state so that it runs
/// without the server's lock: the repository cache (locked only while it reads), the settings and
/// the position encoding.
#[derive(Clone)]
pub struct Checks {
    pub repo: Arc<Mutex<Repo>>,
    pub settings: DiagnosticSettings,
    pub encoding: PositionEncoding,
}

impl Checks {
    /// A manifest's diagnostics with the build checks, severities from the settings applied; with a
    /// release environment, of the manifest evaluated with it (at the written text's positions).
    pub fn diagnostics(
        &self,
        path: Option<&Path>,
        analysis: &Analysis,
        env: Option<&Environment>,
    ) -> Vec<ide::Diagnostic> {
        let mut diags = match env {
            None => {
                let facts = path.and_then(|p| self.facts_meanwhile(p, analysis));
                analysis.diagnostics_in(facts.as_deref(), self.settings.rack_version)
            }
            Some(env) => {
                let evaluated = ide::Evaluated::new(analysis.text(), env);
                let facts = path.map(|p| lock_repo(&self.repo).facts(p, &evaluated.analysis));
                let mut d = evaluated.diagnostics(analysis, env, facts.as_deref());
                if let Some(rack) = self.settings.rack_version {
                    d.extend(analysis.rack_version_diagnostics(rack));
                }
                d
            }
        };
        ide::apply_severities(&mut diags, &self.settings.severities);
        diags
    }

    /// The build facts of `analysis`; when they must be read from disk (the document was just
    /// opened, a build path or a watched file changed), read on a thread of their own while this
    /// one computes the analysis' own diagnostics (kept in the analysis): reading a repository's
    /// Dockerfiles costs about as much as the checks. `None` only if the reading panicked.
    fn facts_meanwhile(&self, path: &Path, analysis: &Analysis) -> Option<Arc<crate::ide::build::BuildFacts>> {
        if let Some(facts) = lock_repo(&self.repo).cached(path, analysis) {
            return Some(facts);
        }
        std::thread::scope(|s| {
            let reader = s.spawn(|| lock_repo(&self.repo).facts(path, analysis));
            analysis.diagnostics();
            reader.join().ok()
        })
    }

    /// An open document's diagnostics as the protocol's values, with its `data-loss` warnings
    /// against the committed manifest (`lsp::plan`), evaluated with its release environment.
    pub fn open_document(&self, uri: &Uri, snap: &super::documents::Snapshot) -> Vec<Diagnostic> {
        let path = convert::file_path(uri);
        let env = snap.context.environment.as_deref();
        let mut diags = self.diagnostics(path.as_deref(), &snap.analysis, env);
        let mut extra = super::committed::data_loss(uri, &snap.analysis, &snap.context);
        ide::apply_severities(&mut extra, &self.settings.severities);
        diags.extend(extra);
        published(&snap.text, diags, self.encoding)
    }

    /// The same, as the protocol's values.
    pub fn protocol(
        &self,
        path: Option<&Path>,
        text: &Text,
        analysis: &Analysis,
        env: Option<&Environment>,
    ) -> Vec<Diagnostic> {
        published(text, self.diagnostics(path, analysis, env), self.encoding)
    }
}

/// A document's diagnostics as the protocol's values, at most [`MAX_PUBLISHED`] of them (the most
/// severe kept, in the order they came) and then a note of how many more there are.
fn published(text: &Text, mut diags: Vec<ide::Diagnostic>, encoding: PositionEncoding) -> Vec<Diagnostic> {
    let more = diags.len().saturating_sub(MAX_PUBLISHED);
    if more > 0 {
        // The least severe level kept (`Severity` orders the most severe first), and how many of
        // it fit: every diagnostic more severe does.
        let mut levels: Vec<ide::Severity> = diags.iter().map(|d| d.severity).collect();
        let (_, &mut cut, _) = levels.select_nth_unstable(MAX_PUBLISHED - 1);
        let mut room = MAX_PUBLISHED - diags.iter().filter(|d| d.severity < cut).count();
        diags.retain(|d| match d.severity.cmp(&cut) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Equal if room > 0 => {
                room -= 1;
                true
            }
            _ => false,
        });
    }
    let mut out: Vec<Diagnostic> = diags.iter().map(|d| convert::diagnostic(text, d, encoding)).collect();
    if more > 0 {
        out.push(Diagnostic {
            range: Range::default(),
            severity: Some(DiagnosticSeverity::INFORMATION),
            source: Some("convox-lsp".to_string()),
            message: format!(
                "{more} more diagnostics are not shown: at most {MAX_PUBLISHED} are sent for one document, the \
                 most severe first (`convox-lsp check` lists them all)"
            ),
            ..Default::default()
        });
    }
    out
}

/// The repository cache; a panic while it was held leaves a usable (if partial) cache.
pub fn lock_repo(repo: &Mutex<Repo>) -> MutexGuard<'_, Repo> {
    repo.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A full report, or an unchanged one when the client already has this result.
pub fn report(items: Vec<Diagnostic>, previous: Option<&str>) -> DocumentDiagnosticReport {
    let id = result_id(&items);
    if previous == Some(id.as_str()) {
        return DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id: id },
        });
    }
    DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
        related_documents: None,
        full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id: Some(id), items },
    })
}

/// The same for one file of a workspace report.
pub fn workspace_report(
    uri: Uri,
    version: Option<i64>,
    items: Vec<Diagnostic>,
    previous: Option<&str>,
) -> WorkspaceDocumentDiagnosticReport {
    match report(items, previous) {
        DocumentDiagnosticReport::Unchanged(u) => {
            WorkspaceDocumentDiagnosticReport::Unchanged(WorkspaceUnchangedDocumentDiagnosticReport {
                uri,
                version,
                unchanged_document_diagnostic_report: u.unchanged_document_diagnostic_report,
            })
        }
        DocumentDiagnosticReport::Full(f) => {
            WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                uri,
                version,
                full_document_diagnostic_report: f.full_document_diagnostic_report,
            })
        }
    }
}

/// A manifest that is not open, read from disk and parsed (without any lock held): only a regular
/// file inside the workspace folders (or, without any, the manifest's own directory).
pub fn read_closed(path: &Path, folders: &[PathBuf]) -> Option<(Text, Analysis)> {
    let own = [path.parent().unwrap_or(Path::new(".")).to_path_buf()];
    let roots = if folders.is_empty() { &own[..] } else { folders };
    let real =
        crate::files::within(path, roots).map_err(|why| tracing::warn!("not read: {}: {why}", path.display())).ok()?;
    let content =
        crate::files::read_manifest(&real).map_err(|why| tracing::warn!("not read: {}: {why}", path.display())).ok()?;
    let analysis = Analysis::from_text(&content);
    Some((Text::new(&content), analysis))
}

/// Document links: build paths to the Dockerfile or folder, keys to their documentation page.
pub fn links(
    repo: &Mutex<Repo>,
    path: Option<&Path>,
    analysis: &Analysis,
    text: &Text,
    encoding: PositionEncoding,
) -> Vec<DocumentLink> {
    let mut out = Vec::new();
    if let Some(manifest) = path {
        let facts = lock_repo(repo).facts(manifest, analysis);
        let dir = manifest.parent().unwrap_or(Path::new("."));
        for l in analysis.build_links(&facts) {
            let Some(target) = Uri::from_file_path(dir.join(&l.path)) else { continue };
            out.push(DocumentLink {
                range: convert::range(text, l.range, encoding),
                target: Some(target),
                tooltip: Some(format!("Open {}", l.path)),
                data: None,
            });
        }
    }
    for l in analysis.doc_links() {
        let Ok(target) = l.url.parse::<Uri>() else { continue };
        out.push(DocumentLink {
            range: convert::range(text, l.range, encoding),
            target: Some(target),
            tooltip: Some("Convox documentation".to_string()),
            data: None,
        });
    }
    out
}
