//! Reading an env file as untrusted input: a regular file only (never a FIFO or a device that
//! would block), inside the workspace after links are resolved when a workspace is given, at most
//! `MAX_ENV_FILE` bytes, UTF-8.

use std::io::Read;
use std::path::Path;

/// An env file larger than this is refused (`convox env` output is a few kilobytes).
pub const MAX_ENV_FILE: u64 = 1 << 20;

/// The text of the env file at `path`; `root`, when given, is the workspace folder it must stay in.
pub fn read_env_file(path: &Path, root: Option<&Path>) -> Result<String, String> {
    let shown = path.display();
    let real = path.canonicalize().map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if let Some(root) = root {
        let root = root.canonicalize().map_err(|e| format!("{}: {e}", root.display()))?;
        if !real.starts_with(&root) {
            return Err(format!("{shown}: outside the workspace ({}): not read", root.display()));
        }
    }
    let meta = std::fs::metadata(&real).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown}: not a regular file: not read"));
    }
    if meta.len() > MAX_ENV_FILE {
        return Err(format!("{shown}: larger than {MAX_ENV_FILE} bytes: not read"));
    }
    let mut buf = Vec::new();
    let file = std::fs::File::open(&real).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    file.take(MAX_ENV_FILE + 1).read_to_end(&mut buf).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if buf.len() as u64 > MAX_ENV_FILE {
        return Err(format!("{shown}: larger than {MAX_ENV_FILE} bytes: not read"));
    }
    String::from_utf8(buf).map_err(|_| format!("{shown}: not UTF-8 text"))
}
