//! The server's view of the repository: watched-file registration, pull-diagnostic reports with
//! result ids, workspace diagnostics for manifests that are not open, and document links. The
//! file-system reads themselves are `crate::repo`'s, cached in the server's state.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types::*;

use super::convert;
use super::settings::DiagnosticSettings;
use crate::ide::{self, Analysis};
use crate::repo::Repo;
use crate::text::{PositionEncoding, Text};

/// At most this many manifests get workspace diagnostics (`docs/repository.md`).
pub const MAX_WORKSPACE_MANIFESTS: usize = 200;

pub const WATCH_REGISTRATION: &str = "convox-lsp-watch";

/// The file path of a `file:` URI.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    (uri.scheme().as_str() == "file").then(|| uri.to_file_path().map(|p| p.into_owned())).flatten()
}

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

/// A manifest's diagnostics with the build checks, severities from the settings applied.
pub fn diagnostics(
    repo: &mut Repo,
    path: Option<&Path>,
    analysis: &Analysis,
    settings: &DiagnosticSettings,
) -> Vec<ide::Diagnostic> {
    let facts = path.map(|p| repo.facts(p, analysis));
    let mut diags = analysis.diagnostics_in(facts.as_ref(), settings.rack_version);
    ide::apply_severities(&mut diags, &settings.severities);
    diags
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

/// A manifest that is not open, read from disk and parsed (without any lock held).
pub fn read_closed(path: &Path) -> Option<(Text, Analysis)> {
    let content = crate::repo::read_capped(path)?;
    let analysis = Analysis::from_text(&content);
    Some((Text::new(&content), analysis))
}

/// Its diagnostics, with the build checks (the repository cache answers).
pub fn closed_file_diagnostics(
    repo: &mut Repo,
    path: &Path,
    (text, analysis): &(Text, Analysis),
    settings: &DiagnosticSettings,
    encoding: PositionEncoding,
) -> Vec<Diagnostic> {
    let diags = diagnostics(repo, Some(path), analysis, settings);
    diags.iter().map(|d| convert::diagnostic(text, d, encoding)).collect()
}

/// Document links: build paths to the Dockerfile or folder, keys to their documentation page.
pub fn links(
    repo: &mut Repo,
    path: Option<&Path>,
    analysis: &Analysis,
    text: &Text,
    encoding: PositionEncoding,
) -> Vec<DocumentLink> {
    let mut out = Vec::new();
    if let Some(manifest) = path {
        let facts = repo.facts(manifest, analysis);
        let dir = manifest.parent().unwrap_or(Path::new("."));
        for l in ide::build::links(analysis, &facts) {
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
