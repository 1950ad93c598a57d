//! Every feature, reached as a method of the analysis (`hover`, `completions`, `inlay_hints` ...),
//! so the protocol edge and the CLI call each one the same way: a snapshot's `Analysis`, a byte
//! offset, plain data back. This is the top of `ide`: nothing in it imports this file, and the
//! features below never call each other through it.

use super::analysis::Analysis;
use super::build::{self, BuildFacts, PathLink};
use super::completion::{self, CompletionItem};
use super::diagnostic::Diagnostic;
use super::evaluate::Evaluated;
use super::explain::{self, ExplainRow};
use super::format::{self, FormatError, FormatOptions};
use super::hints::{self, CodeLens, HintConfig, InlayHint};
use super::hover::{self, Hover};
use super::links::{self, DocLink};
use super::navigation::{self, Rename};
use super::objects;
use super::rack_version::{self, RackVersion};
use super::structure::{self, Token};
use super::symbols::{self, Symbol};
use super::troubleshoot::{self, TroubleshootLens};
use super::{diagnostics, render};
use crate::context::Context;
use crate::text::TextRange;

impl Analysis {
    /// The warnings for what the rack (the `rackVersion` setting) does not support yet.
    pub fn rack_version_diagnostics(&self, rack: RackVersion) -> Vec<Diagnostic> {
        rack_version::diagnostics(self, rack)
    }

    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.cached_diagnostics(|| diagnostics::diagnostics(self))
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
        let env = ctx.environment.as_deref().filter(|_| !self.is_evaluated())?;
        Some(Evaluated::new(self.text(), env))
    }

    pub fn hover(&self, offset: usize, ctx: &Context) -> Option<Hover> {
        hover::hover(self, offset, ctx)
    }

    /// Every key of the file with the objects it becomes (`convox-lsp explain`).
    pub fn explain(&self, ctx: &Context) -> Vec<ExplainRow> {
        explain::explain(self, ctx)
    }

    /// Where the name at `offset` is declared.
    pub fn definition(&self, offset: usize) -> Vec<TextRange> {
        navigation::definition(self, offset)
    }

    /// Every use of the name at `offset`.
    pub fn references(&self, offset: usize, include_declaration: bool) -> Vec<TextRange> {
        navigation::references(self, offset, include_declaration)
    }

    /// The occurrences of the name at `offset`, `true` for the declaration.
    pub fn highlights(&self, offset: usize) -> Vec<(TextRange, bool)> {
        navigation::highlights(self, offset)
    }

    /// The name that can be renamed at `offset`, or why none can.
    pub fn prepare_rename(&self, offset: usize) -> Result<(TextRange, String), String> {
        navigation::prepare_rename(self, offset)
    }

    /// The edits renaming the name at `offset`, or why they cannot be made.
    pub fn rename(&self, offset: usize, new_name: &str) -> Result<Rename, String> {
        navigation::rename(self, offset, new_name)
    }

    pub fn folding_ranges(&self) -> Vec<TextRange> {
        structure::folding_ranges(self)
    }

    /// The ranges around `offset`, innermost first.
    pub fn selection_ranges(&self, offset: usize) -> Vec<TextRange> {
        structure::selection_ranges(self, offset)
    }

    pub fn semantic_tokens(&self) -> Vec<Token> {
        structure::semantic_tokens(self)
    }

    /// The edits formatting the document (or the lines of `range`), or the formatter's refusal.
    pub fn format_edits(
        &self,
        options: &FormatOptions,
        range: Option<TextRange>,
    ) -> Result<Vec<(TextRange, String)>, FormatError> {
        format::format_edits(self.text(), options, range)
    }

    /// The troubleshooting ladder of a service, timer or resource as Markdown, or the names there are.
    pub fn troubleshoot(&self, ctx: &Context, name: &str) -> Result<String, Vec<String>> {
        // With a release environment, the ladder of the manifest evaluated with it.
        let evaluated = self.with_environment(ctx);
        troubleshoot::ladder(evaluated.as_ref().map_or(self, |e| &e.analysis), ctx, name)
    }

    /// The "troubleshoot" code lenses.
    pub fn troubleshoot_lenses(&self) -> Vec<TroubleshootLens> {
        troubleshoot::lenses(self)
    }

    /// Build paths that lead to a Dockerfile or a folder (what the repository has).
    pub fn build_links(&self, facts: &BuildFacts) -> Vec<PathLink> {
        build::links(self, facts)
    }
}
