//! One version of a document, analysed: the layer every feature stands on (like rust-analyzer's
//! `ide-db`). It holds the text, the parse, the typed model and what is computed once per version
//! and shared by the features (the objects Convox renders, the `${...}` of the text, the cached
//! diagnostics); the features themselves are reached as methods in `api.rs`, above them all.

use std::sync::Arc;

use super::diagnostic::Diagnostic;
use super::objects;
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
    /// The build contexts and Dockerfiles named ([`super::build::paths_to_read`]), found once per
    /// version: the repository cache compares them on every keystroke, and reads them on open.
    build_paths: std::sync::OnceLock<super::build::ToRead>,
    /// The lines an indentation scan can stop at when it looks for a section
    /// ([`syntax::shallow_lines`]), found once per version (each completion on a blank line asks).
    shallow: std::sync::OnceLock<Vec<usize>>,
    /// The text is a manifest with its `${VAR}`s already substituted ([`crate::env::expand`]).
    evaluated: bool,
    /// What validating the previous versions of the document found, by service.
    memo: Option<Arc<super::validate::ValidationMemo>>,
}

/// How many rack settings' objects one version keeps.
const OBJECT_CONTEXTS: usize = 3;

impl Analysis {
    pub fn new(text: Arc<str>, parse: Parse) -> Self {
        Self::analysed(text, parse, None)
    }

    /// A version of a document whose earlier versions were validated with `memo`: the services
    /// an edit did not touch are not walked again.
    pub fn with_memo(text: Arc<str>, parse: Parse, memo: Arc<super::validate::ValidationMemo>) -> Self {
        Self::analysed(text, parse, Some(memo))
    }

    fn analysed(text: Arc<str>, parse: Parse, memo: Option<Arc<super::validate::ValidationMemo>>) -> Self {
        let model = Manifest::from_yaml(parse.decoded_root(), &text);
        Self {
            text,
            parse,
            model,
            diagnostics: std::sync::OnceLock::new(),
            objects: std::sync::Mutex::default(),
            interpolations: std::sync::OnceLock::new(),
            shallow: std::sync::OnceLock::new(),
            build_paths: std::sync::OnceLock::new(),
            evaluated: false,
            memo,
        }
    }

    /// The memo of the document's validations, when it has versions (an open document).
    pub(super) fn memo(&self) -> Option<&super::validate::ValidationMemo> {
        self.memo.as_deref()
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

    /// The paths the build checks read: every context and Dockerfile, found once per version.
    pub fn build_paths(&self) -> &super::build::ToRead {
        self.build_paths.get_or_init(|| super::build::paths_to_read(self))
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
        let app = Arc::new(objects::objects(self.parse.decoded_root(), &self.model, ctx));
        kept.insert(0, (ctx.clone(), app.clone()));
        kept.truncate(OBJECT_CONTEXTS);
        app
    }

    pub fn key_path_at(&self, offset: usize) -> PathAt {
        syntax::key_path_at_with(&self.text, &self.parse, offset, Some(self.shallow()))
    }

    /// The key path at `offset` read from the indentation alone ([`syntax::indentation_scan`]).
    pub fn indentation_scan(&self, offset: usize) -> PathAt {
        syntax::indentation_scan_with(&self.text, offset, Some(self.shallow()))
    }

    fn shallow(&self) -> &[usize] {
        self.shallow.get_or_init(|| syntax::shallow_lines(&self.text))
    }

    /// The diagnostics of this version, computed once by `compute` (the first caller's).
    pub(super) fn cached_diagnostics(&self, compute: impl FnOnce() -> Vec<Diagnostic>) -> Vec<Diagnostic> {
        self.diagnostics.get_or_init(compute).clone()
    }
}
