//! Features over one analysed document: plain data in, plain data out, byte offsets throughout.
//! No protocol types here; `lsp` and `cli` convert at their edges.

mod aliases;
mod api;
pub mod build;
mod codes;
mod completion;
mod diagnostics;
mod evaluate;
mod explain;
pub mod format;
mod hints;
mod hover;
mod ignore;
mod links;
mod markdown;
pub mod navigation;
pub mod objects;
pub mod plan;
mod rack_version;
mod render;
pub mod structure;
mod symbols;
pub mod troubleshoot;
mod validate;

use std::sync::Arc;

pub use codes::{Code, Stage};
pub use completion::{CompletionItem, CompletionKind};
pub use diagnostics::{Diagnostic, Fix, MAX_CHECKED_FIXES, Severity, apply_severities, safe_fixes};
pub use evaluate::Evaluated;
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
    /// What Convox renders, computed once per version and rack settings: every hover, hint,
    /// lens and outline of the version reads it (building it is the costly part of each). Kept
    /// for the last [`OBJECT_CONTEXTS`] settings asked for, most recent first, so that a feature
    /// asking with other settings (the outline asks with the defaults) does not evict the model
    /// hover and hints read.
    objects: std::sync::Mutex<Vec<(objects::RenderContext, Arc<objects::AppObjects>)>>,
    /// Every `${...}` of the text, found once per version (each hover asks).
    interpolations: std::sync::OnceLock<Vec<crate::model::Interpolation>>,
    /// The text is a manifest with its `${VAR}`s already substituted ([`crate::env::expand`]).
    evaluated: bool,
}

/// How many rack settings' objects one version keeps.
const OBJECT_CONTEXTS: usize = 3;

impl Analysis {
    pub fn new(text: Arc<str>, parse: Parse) -> Self {
        let model = Manifest::from_yaml(parse.root(), &text);
        Self {
            text,
            parse,
            model,
            diagnostics: std::sync::OnceLock::new(),
            objects: std::sync::Mutex::default(),
            interpolations: std::sync::OnceLock::new(),
            evaluated: false,
        }
    }

    /// Analyses a text whose `${VAR}`s Convox has already substituted: what Convox parses.
    pub fn evaluated(text: &str) -> Self {
        Self { evaluated: true, ..Self::from_text(text) }
    }

    /// Whether the text is one with its `${VAR}`s substituted.
    pub fn is_evaluated(&self) -> bool {
        self.evaluated
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

    /// Every `${...}` of the text, in order ([`crate::model::interpolations`]), found once per
    /// version.
    pub fn interpolations(&self) -> &[crate::model::Interpolation] {
        self.interpolations.get_or_init(|| crate::model::interpolations(&self.text))
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
    /// With a release environment in `ctx`, of the manifest evaluated with it.
    pub fn render(&self, ctx: &Context, only_service: Option<&str>) -> Result<String, String> {
        let rctx = objects::RenderContext::new(ctx);
        match self.with_environment(ctx) {
            Some(evaluated) => evaluated.render(&rctx, only_service),
            None => render::render(self, &rctx, only_service),
        }
    }

    /// This version evaluated with the context's release environment, when it has one (and the
    /// text is not evaluated already).
    pub fn with_environment(&self, ctx: &Context) -> Option<Evaluated> {
        let env = ctx.environment.as_deref().filter(|_| !self.evaluated)?;
        Some(Evaluated::new(&self.text, env))
    }

    /// The one model of what Convox renders for this manifest ([`objects`]), built once per
    /// version and rack settings.
    pub fn objects(&self, ctx: &objects::RenderContext) -> Arc<objects::AppObjects> {
        // A request that panicked while building leaves the slot as it was: use it.
        let mut kept = self.objects.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(i) = kept.iter().position(|(c, _)| c == ctx) {
            let hit = kept.remove(i);
            let app = hit.1.clone();
            kept.insert(0, hit);
            return app;
        }
        let app = Arc::new(objects::objects(self, ctx));
        kept.insert(0, (ctx.clone(), app.clone()));
        kept.truncate(OBJECT_CONTEXTS);
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
