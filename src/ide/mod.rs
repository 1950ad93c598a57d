//! Features over one analysed document: plain data in, plain data out, byte offsets throughout.
//! No protocol types here; `lsp` and `cli` convert at their edges.

mod aliases;
mod analysis;
mod api;
pub mod build;
mod codes;
mod completion;
mod diagnostic;
mod diagnostics;
mod evaluate;
mod explain;
pub mod format;
mod hints;
mod hover;
mod ignore;
mod ladder;
mod links;
mod markdown;
mod names;
pub mod navigation;
pub mod objects;
mod place;
pub mod plan;
mod rack_version;
mod render;
pub mod structure;
mod symbols;
pub mod troubleshoot;
mod validate;

pub use analysis::Analysis;
pub use codes::{Code, Severity, Stage};
pub use completion::{CompletionItem, CompletionKind, documentation_of};
pub use diagnostic::{Diagnostic, Fix};
pub use diagnostics::{MAX_CHECKED_FIXES, apply_severities, safe_fixes};
pub use evaluate::Evaluated;
pub use explain::ExplainRow;
pub use hints::{CodeLens, HintConfig, InlayHint};
pub use hover::Hover;
pub use links::DocLink;
pub use rack_version::RackVersion;
pub use symbols::{Symbol, SymbolKind};
pub use validate::ValidationMemo;
