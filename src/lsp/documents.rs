//! Open documents: text, incremental parser and the latest analysis of each.

use std::collections::HashMap;
use std::sync::Arc;

use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::convert;
use crate::context::Context;
use crate::ide::Analysis;
use crate::syntax::Parser;
use crate::text::{PositionEncoding, Text};

pub struct Document {
    pub version: i32,
    /// Rack and app of this manifest (found when it opens and when settings change).
    pub context: Context,
    pub text: Text,
    parser: Parser,
    pub analysis: Arc<Analysis>,
}

/// What a request works on: one version of a document, immutable and cheap to clone.
#[derive(Clone)]
pub struct Snapshot {
    pub version: i32,
    pub text: Text,
    pub analysis: Arc<Analysis>,
    pub encoding: PositionEncoding,
    pub context: Context,
}

impl Document {
    pub fn new(version: i32, content: &str, context: Context) -> Self {
        let mut parser = Parser::new();
        let parse = parser.parse(content);
        let analysis = Arc::new(Analysis::new(Arc::from(content), parse));
        Self { version, context, text: Text::new(content), parser, analysis }
    }

    /// Applies the changes in order, then reparses incrementally once.
    pub fn apply(&mut self, version: i32, changes: &[TextDocumentContentChangeEvent], enc: PositionEncoding) {
        for change in changes {
            let range = change.range.map(|r| (convert::to_linecol(r.start), convert::to_linecol(r.end)));
            if range.is_none() {
                self.parser.reset();
            }
            let edit = self.text.apply_change(range, &change.text, enc);
            self.parser.edit(&edit);
        }
        let content = self.text.to_string();
        let parse = self.parser.parse(&content);
        self.analysis = Arc::new(Analysis::new(Arc::from(content), parse));
        self.version = version;
    }
}

#[derive(Default)]
pub struct Documents {
    docs: HashMap<Uri, Document>,
}

impl Documents {
    pub fn open(&mut self, uri: Uri, version: i32, text: &str, context: Context) {
        self.docs.insert(uri, Document::new(version, text, context));
    }

    pub fn uris(&self) -> impl Iterator<Item = &Uri> {
        self.docs.keys()
    }

    pub fn get_mut(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.docs.get_mut(uri)
    }

    pub fn close(&mut self, uri: &Uri) -> bool {
        self.docs.remove(uri).is_some()
    }

    pub fn snapshot(&self, uri: &Uri, encoding: PositionEncoding) -> Option<Snapshot> {
        self.docs.get(uri).map(|d| Snapshot {
            version: d.version,
            text: d.text.clone(),
            analysis: d.analysis.clone(),
            encoding,
            context: d.context.clone(),
        })
    }
}
