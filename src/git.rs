//! The manifest as committed: a file at a git revision, read in-process with `gix` (no `git`
//! process, no network, no hooks). Used by `convox-lsp plan --base REF` and by the server's deploy
//! plan, whose base is the committed version of the manifest.

use std::path::{Path, PathBuf};

/// A committed manifest larger than this is refused (the server's own limit for a file it reads).
const MAX_BLOB: usize = 1 << 20;

/// Why the file at a revision could not be read, in one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GitError {
    /// The file is not inside a git work tree.
    NoRepository(String),
    /// The revision does not resolve to a commit.
    BadRevision(String),
    /// The file does not exist at that revision (new in the working copy).
    NotInRevision(String),
    /// Anything else (unreadable object, not UTF-8, too large).
    Other(String),
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::NoRepository(m) | GitError::BadRevision(m) | GitError::NotInRevision(m) | GitError::Other(m) => {
                f.write_str(m)
            }
        }
    }
}

/// A manifest in its repository: where it is, relative to the work tree.
struct Located {
    repo: gix::Repository,
    rel: PathBuf,
}

fn locate(file: &Path) -> Result<Located, GitError> {
    let abs = std::fs::canonicalize(file)
        .or_else(|_| std::path::absolute(file))
        .map_err(|e| GitError::Other(format!("{}: {e}", file.display())))?;
    let dir = abs.parent().unwrap_or(Path::new("/")).to_path_buf();
    let repo = gix::discover(&dir)
        .map_err(|_| GitError::NoRepository(format!("{}: not inside a git repository", file.display())))?;
    let root = repo
        .workdir()
        .and_then(|w| std::fs::canonicalize(w).ok())
        .ok_or_else(|| GitError::NoRepository(format!("{}: the repository has no work tree", file.display())))?;
    if let Err(why) = own_git_dir(&root) {
        return Err(GitError::NoRepository(format!("{}: {why}: not read", file.display())));
    }
    let rel = abs
        .strip_prefix(&root)
        .map_err(|_| GitError::NoRepository(format!("{}: outside the repository's work tree", file.display())))?
        .to_path_buf();
    Ok(Located { repo, rel })
}

/// Whether the repository found for `root` (the work tree, canonical) is the work tree's own, so
/// that another repository's history is never shown as this one's: a `.git` directory is; a
/// `.git` link only when it stays inside the work tree (`.git -> ../other/.git` does not); a `.git`
/// *file* (`gitdir: PATH`: a linked work tree, a submodule) only where the repository it names
/// says so too: it is inside the work tree, or its back-link (`<gitdir>/gitdir`, what `git worktree
/// add` writes) names this `.git`, or its `core.worktree` (a submodule's) names this work tree.
fn own_git_dir(root: &Path) -> Result<(), String> {
    let dot_git = root.join(".git");
    let Ok(meta) = std::fs::symlink_metadata(&dot_git) else { return Ok(()) };
    if meta.file_type().is_symlink() {
        return match std::fs::canonicalize(&dot_git) {
            Ok(real) if real.starts_with(root) => Ok(()),
            _ => Err("the repository's .git is a link out of its work tree".to_string()),
        };
    }
    if !meta.is_file() {
        return Ok(());
    }
    let text = crate::files::read_capped(&dot_git).ok_or("its .git file cannot be read")?;
    let target =
        text.lines().find_map(|l| l.strip_prefix("gitdir:")).map(str::trim).ok_or("its .git file names no gitdir")?;
    let git_dir = std::fs::canonicalize(root.join(target)).map_err(|_| "its .git file names no repository")?;
    if git_dir.starts_with(root) {
        return Ok(());
    }
    // `git worktree add`: `<gitdir>/gitdir` holds the path of this `.git` file.
    let back = crate::files::read_capped(&git_dir.join("gitdir"))
        .and_then(|t| std::fs::canonicalize(git_dir.join(t.trim())).ok());
    if back.is_some_and(|b| b == root.join(".git")) {
        return Ok(());
    }
    // A submodule: the module's `config` sets `core.worktree` to this work tree.
    let config = crate::files::read_capped(&git_dir.join("config")).unwrap_or_default();
    let worktrees = config.lines().filter_map(|l| l.split_once('=')).filter(|(k, _)| k.trim() == "worktree");
    if worktrees.filter_map(|(_, v)| std::fs::canonicalize(git_dir.join(v.trim())).ok()).any(|w| w == root) {
        return Ok(());
    }
    Err(format!("its .git file leads to {}, a repository of another work tree", git_dir.display()))
}

fn commit<'r>(repo: &'r gix::Repository, rev: &str) -> Result<gix::Commit<'r>, GitError> {
    let id = repo
        .rev_parse_single(rev)
        .map_err(|e| GitError::BadRevision(format!("{rev}: not a revision of this repository ({e})")))?;
    id.object()
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| GitError::BadRevision(format!("{rev}: not a commit ({e})")))
}

/// The commit `rev` names for the repository of `file` (hex): cheap, so a caller can keep the
/// file's text per commit and read it again only when the commit moves.
pub fn commit_id(file: &Path, rev: &str) -> Result<String, GitError> {
    let (file, rev) = (file.to_path_buf(), rev.to_string());
    limited(move || commit_id_now(&file, &rev))
}

fn commit_id_now(file: &Path, rev: &str) -> Result<String, GitError> {
    let l = locate(file)?;
    Ok(commit(&l.repo, rev)?.id.to_string())
}

/// The text of `file` (a path in a git work tree) at revision `rev` (`HEAD`, `main`, `origin/main`,
/// a commit id, `HEAD~1` ...).
pub fn file_at_revision(file: &Path, rev: &str) -> Result<String, GitError> {
    let (file, rev) = (file.to_path_buf(), rev.to_string());
    limited(move || file_at_revision_now(&file, &rev))
}

fn file_at_revision_now(file: &Path, rev: &str) -> Result<String, GitError> {
    let l = locate(file)?;
    let rel = &l.rel;
    let tree = commit(&l.repo, rev)?.tree().map_err(|e| GitError::Other(format!("{rev}: {e}")))?;
    let entry = tree
        .lookup_entry_by_path(rel)
        .map_err(|e| GitError::Other(format!("{rev}: {e}")))?
        .ok_or_else(|| GitError::NotInRevision(format!("{}: not in {rev}", rel.display())))?;
    if !entry.mode().is_blob() {
        return Err(GitError::NotInRevision(format!("{}: not a file in {rev}", rel.display())));
    }
    // The size from the object's header, before anything is inflated: a blob of hundreds of MB
    // compresses to a few in `.git`.
    let header = l.repo.find_header(entry.object_id()).map_err(|e| GitError::Other(format!("{rev}: {e}")))?;
    if header.size() > MAX_BLOB as u64 {
        return Err(GitError::Other(format!("{}: larger than 1 MiB in {rev}", rel.display())));
    }
    let blob = entry.object().map_err(|e| GitError::Other(format!("{rev}: {e}")))?;
    String::from_utf8(blob.data.clone())
        .map_err(|_| GitError::Other(format!("{}: not UTF-8 text in {rev}", rel.display())))
}

/// How long a git read may take before it is given up.
const GIT_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs a git read on a thread of its own and gives up after [`GIT_TIME_LIMIT`]: git reads go
/// through `gix`, not `files::read_regular`, and a FIFO in `.git` (a `HEAD`, a ref, a pack) would
/// block it forever. The thread is left to its read; nothing waits for it.
fn limited(read: impl FnOnce() -> Result<String, GitError> + Send + 'static) -> Result<String, GitError> {
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().name("git read".into()).spawn(move || {
        let _ = tx.send(read());
    });
    if let Err(e) = spawned {
        return Err(GitError::Other(format!("cannot start a git read: {e}")));
    }
    rx.recv_timeout(GIT_TIME_LIMIT).unwrap_or_else(|_| {
        Err(GitError::Other(format!(
            "the git repository was not read within {} s (a FIFO or a device in .git?)",
            GIT_TIME_LIMIT.as_secs()
        )))
    })
}
