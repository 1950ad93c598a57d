//! Features over one analysed document: plain data in, plain data out, byte offsets throughout.
//! No protocol types here; `lsp` and `cli` convert at their edges.

pub mod build;
mod codes;
mod completion;
mod diagnostics;
mod explain;
pub mod format;
mod hints;
mod hover;
mod ignore;
mod links;
mod markdown;
pub mod navigation;
pub mod objects;
mod rack_version;
mod render;
pub mod structure;
mod symbols;
pub mod troubleshoot;
mod validate;

use std::sync::Arc;

pub use codes::{Code, Stage};
pub use completion::{CompletionItem, CompletionKind};
pub use diagnostics::{Diagnostic, Fix, Severity, apply_severities};
pub use explain::ExplainRow;
pub use hints::{CodeLens, HintConfig, InlayHint};
pub use hover::Hover;
pub use links::DocLink;
pub use rack_version::RackVersion;
pub use symbols::{Symbol, SymbolKind};

use crate::context::Context;
use crate::model::Manifest;
use crate::syntax::{self, Parse, PathAt};

/// One version of a document, analysed: its text, parse and model. Immutable, so a snapshot can
/// be shared with any number of requests while the next edit is being applied.
#[derive(Debug)]
pub struct Analysis {
    text: Arc<str>,
    parse: Parse,
    model: Manifest,
    /// Computed once per version: the publisher and code actions both read them.
    diagnostics: std::sync::OnceLock<Vec<Diagnostic>>,
    /// What Convox renders, computed once per version and rack settings (the last ones asked
    /// for: a client asks with one): every hover, hint, lens and outline of the version reads it
    /// (building it is the costly part of each).
    objects: std::sync::Mutex<Option<(objects::RenderContext, Arc<objects::AppObjects>)>>,
}

impl Analysis {
    pub fn new(text: Arc<str>, parse: Parse) -> Self {
        let model = Manifest::from_yaml(parse.root(), &text);
        Self { text, parse, model, diagnostics: std::sync::OnceLock::new(), objects: std::sync::Mutex::default() }
    }

    /// Parses and analyses a text from scratch.
    pub fn from_text(text: &str) -> Self {
        Self::new(Arc::from(text), syntax::parse(text))
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn parse(&self) -> &Parse {
        &self.parse
    }

    pub fn model(&self) -> &Manifest {
        &self.model
    }

    /// The warnings for what the rack (the `rackVersion` setting) does not support yet.
    pub fn rack_version_diagnostics(&self, rack: RackVersion) -> Vec<Diagnostic> {
        rack_version::diagnostics(self, rack)
    }

    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.diagnostics.get_or_init(|| diagnostics::diagnostics(self)).clone()
    }

    /// The diagnostics with the build checks, given what the edge read from the repository.
    pub fn diagnostics_with(&self, facts: &build::BuildFacts) -> Vec<Diagnostic> {
        self.diagnostics_in(Some(facts), None)
    }

    /// The diagnostics with what only the edge knows: the build checks (from what it read of the
    /// repository) and the rack's version (a setting); silenced by ignore comments and sorted like
    /// the others.
    pub fn diagnostics_in(&self, facts: Option<&build::BuildFacts>, rack: Option<RackVersion>) -> Vec<Diagnostic> {
        let mut out = self.diagnostics();
        if let Some(facts) = facts {
            diagnostics::merge(self, &mut out, build::diagnostics(self, facts));
        }
        if let Some(rack) = rack {
            diagnostics::merge(self, &mut out, rack_version::diagnostics(self, rack));
        }
        out
    }

    /// Keys linked to their page of Convox's documentation.
    pub fn doc_links(&self) -> Vec<DocLink> {
        links::doc_links(self)
    }

    pub fn document_symbols(&self) -> Vec<Symbol> {
        symbols::document_symbols(self)
    }

    pub fn completions(&self, offset: usize) -> Vec<CompletionItem> {
        completion::completions(self, offset)
    }

    pub fn inlay_hints(&self, ctx: &Context, range: crate::text::TextRange, config: HintConfig) -> Vec<InlayHint> {
        hints::inlay_hints(self, ctx, range, config)
    }

    pub fn code_lenses(&self, ctx: &Context) -> Vec<CodeLens> {
        hints::code_lenses(self, ctx)
    }

    /// The Kubernetes objects Convox would render, as YAML (`convox-lsp render`), with the rack
    /// settings' defaults.
    pub fn render(&self, ctx: &Context, only_service: Option<&str>) -> Result<String, String> {
        render::render(self, &objects::RenderContext::new(ctx), only_service)
    }

    /// The one model of what Convox renders for this manifest ([`objects`]), built once per
    /// version and rack settings.
    pub fn objects(&self, ctx: &objects::RenderContext) -> Arc<objects::AppObjects> {
        // A request that panicked while building leaves the slot as it was: use it.
        let mut slot = self.objects.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((c, app)) = &*slot
            && c == ctx
        {
            return app.clone();
        }
        let app = Arc::new(objects::objects(self, ctx));
        *slot = Some((ctx.clone(), app.clone()));
        app
    }

    pub fn hover(&self, offset: usize, ctx: &Context) -> Option<Hover> {
        hover::hover(self, offset, ctx)
    }

    /// Every key of the file with the objects it becomes (`convox-lsp explain`).
    pub fn explain(&self, ctx: &Context) -> Vec<ExplainRow> {
        explain::explain(self, ctx)
    }

    pub fn key_path_at(&self, offset: usize) -> PathAt {
        syntax::key_path_at(&self.text, &self.parse, offset)
    }
}
