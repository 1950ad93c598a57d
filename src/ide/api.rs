//! The features that live in their own modules, reached as methods of the analysis like the rest
//! (`hover`, `completions`, `inlay_hints` ...), so the protocol edge and the CLI call every
//! feature the same way: a snapshot's `Analysis`, a byte offset, plain data back.

use super::Analysis;
use super::build::{self, BuildFacts, PathLink};
use super::format::{self, FormatError, FormatOptions};
use super::navigation::{self, Rename};
use super::structure::{self, Token};
use super::troubleshoot::{self, TroubleshootLens};
use crate::context::Context;
use crate::text::TextRange;

impl Analysis {
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
