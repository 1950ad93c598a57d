//! Every file anything reads goes through here: the build checks' Dockerfiles and
//! `.dockerignore`s (`repo`), `.convox/rack` and `.convox/app` (`context`), manifests that are not
//! open (the server's workspace diagnostics and deploy plan). Regular files only, resolved first,
//! nothing under `/proc`, `/sys` or `/dev`, opened non-blocking, capped at [`MAX_FILE`] bytes.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Files read for the checks (Dockerfiles, `.dockerignore`, manifests) are cut at this size.
const MAX_FILE: u64 = 1 << 20;

/// A text file, at most `MAX_FILE` bytes of it; `None` when it is refused or cannot be read as
/// UTF-8 (the reason is logged).
pub fn read_capped(path: &Path) -> Option<String> {
    logged(path, read_regular(path))
}

/// [`read_capped`] for a path already resolved ([`read_resolved`]).
pub fn read_capped_resolved(real: &Path) -> Option<String> {
    logged(real, read_resolved(real))
}

fn logged(path: &Path, read: Result<String, String>) -> Option<String> {
    read.map_err(|why| {
        if path.symlink_metadata().is_ok() {
            tracing::warn!("not read: {}: {why}", path.display());
        }
    })
    .ok()
}

/// A manifest that is not open, whole: refused (not cut) when it is larger than `MAX_FILE`
/// bytes, since a cut manifest would be checked as if it ended there.
pub fn read_manifest(path: &Path) -> Result<String, String> {
    let real = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    let meta = std::fs::metadata(&real).map_err(|e| e.to_string())?;
    kind(&meta)?;
    too_large(meta.len())?;
    let text = read_resolved(&real)?;
    too_large(text.len() as u64)?;
    Ok(text)
}

/// The error for a manifest larger than `MAX_FILE` bytes (one of exactly that size may have been
/// cut: it is refused too).
pub fn too_large(len: u64) -> Result<(), String> {
    if len >= MAX_FILE {
        return Err(format!("{len} bytes or more: larger than the {} MiB read for a manifest", MAX_FILE >> 20));
    }
    Ok(())
}

/// [`read_capped`] for a file that must stay inside `dir` once resolved (`.convox/app`, a
/// `.dockerignore`): a link that leads out of it is not followed (logged).
pub fn read_capped_inside(path: &Path, dir: &Path) -> Option<String> {
    if path.symlink_metadata().is_err() {
        return None;
    }
    let real =
        within(path, &[dir.to_path_buf()]).map_err(|why| tracing::warn!("not read: {}: {why}", path.display())).ok()?;
    read_capped(&real)
}

/// A regular file's text, at most `MAX_FILE` bytes of it, or why it was not read. Nothing that
/// could block or is not a file is opened: the path is resolved first, and anything under
/// `/proc`, `/sys` or `/dev` is refused, as is anything that is not a regular file (a FIFO, a
/// socket, a device, a directory); the file is opened non-blocking and checked again once open (it
/// may have been replaced in between).
pub fn read_regular(path: &Path) -> Result<String, String> {
    let real = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    kind(&std::fs::metadata(&real).map_err(|e| e.to_string())?)?;
    read_resolved(&real)
}

/// The same for a path already resolved, with no link in it (`repo` resolves build paths from
/// the directory listings it reads, and follows a link only to a target inside the workspace): no
/// second resolution, and the file is opened without following a link (one put there since is
/// refused), non-blocking, and checked once open.
pub fn read_resolved(real: &Path) -> Result<String, String> {
    if SYSTEM_DIRS.iter().any(|d| real.starts_with(d)) {
        return Err(format!("{} is a system path", real.display()));
    }
    let file = open_nonblocking(real).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    kind(&meta)?;
    // Read in one call when it holds the size its metadata says (a file larger than the cap, its
    // first `MAX_FILE` bytes); after a short read, on to its end.
    let cap = usize::try_from(MAX_FILE).unwrap_or(usize::MAX);
    let size = usize::try_from(meta.len()).unwrap_or(usize::MAX).min(cap);
    let mut file = file;
    let mut buf = vec![0; size];
    let n = if size > 0 { file.read(&mut buf).map_err(|e| e.to_string())? } else { 0 };
    buf.truncate(n);
    if n < size || size == 0 {
        file.take((cap - n) as u64).read_to_end(&mut buf).map_err(|e| e.to_string())?;
    }
    String::from_utf8(buf).map_err(|_| "not UTF-8 text".to_string())
}

fn kind(m: &std::fs::Metadata) -> Result<(), String> {
    if m.is_file() { Ok(()) } else { Err(format!("not a regular file ({})", describe(m))) }
}

/// Never read, whatever a link or a path says.
const SYSTEM_DIRS: [&str; 3] = ["/proc", "/sys", "/dev"];

fn describe(m: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_fifo() {
            return "a FIFO";
        } else if t.is_socket() {
            return "a socket";
        } else if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if m.is_dir() { "a directory" } else { "not a file" }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// `path` resolved (links followed), if it stays inside one of `roots`; else why not. The server
/// reads a manifest that is not open only through this: inside the workspace folders, or the
/// manifest's own directory when there is no workspace.
pub fn within(path: &Path, roots: &[PathBuf]) -> Result<PathBuf, String> {
    let real = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    let inside = roots.iter().filter_map(|r| std::fs::canonicalize(r).ok()).any(|r| real.starts_with(&r));
    if inside { Ok(real) } else { Err(format!("{} is outside the workspace", real.display())) }
}
