//! `convox-lsp troubleshoot PATH NAME`: the troubleshooting ladder of one service, timer or
//! resource, as Markdown (`docs/troubleshoot.md`).

use crate::context::Context;
use crate::ide::troubleshoot;

/// Why `troubleshoot` printed nothing: both end with exit code 2.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// The manifest could not be read (one line).
    Unreadable(String),
    /// No service, timer or resource of that name; the names there are.
    UnknownName { message: String },
}

impl Failure {
    pub fn message(&self) -> &str {
        match self {
            Failure::Unreadable(m) | Failure::UnknownName { message: m } => m,
        }
    }
}

/// The ladder of `name` in the manifest at `path` (`-`: standard input).
pub fn troubleshoot(path: &str, name: &str, ctx: &Context) -> Result<String, Failure> {
    let text = super::read_input(path).map_err(Failure::Unreadable)?;
    let analysis = super::env::analysis(&text, ctx);
    troubleshoot::ladder(&analysis, ctx, name).map_err(|names| {
        let shown = super::display_name(path);
        let message = if names.is_empty() {
            format!("{shown}: no service, timer or resource in this manifest")
        } else {
            format!("{shown}: no service, timer or resource named {name} (there are: {})", names.join(", "))
        };
        Failure::UnknownName { message }
    })
}
