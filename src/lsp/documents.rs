//! Open documents: text, incremental parser and the latest analysis of each.

use std::collections::HashMap;
use std::sync::Arc;

use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::convert;
use crate::context::Context;
use crate::ide::Analysis;
use crate::syntax::{Parse, Parser, SyntaxError, yaml};
use crate::text::{PositionEncoding, Text, TextRange};

pub struct Document {
    pub version: i32,
    pub context: Context,
    pub text: Text,
    parser: Parser,
    /// The analysis of `text`; `None` while edits wait. Edits only update the text (and the
    /// parser's old tree): the parse happens when something asks for this version, so a burst of
    /// edits that arrives faster than it can be analysed costs one parse, not one per edit.
    analysis: Option<Arc<Analysis>>,
}

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
        Self { version, context, text: Text::new(content), parser: Parser::new(), analysis: None }
    }

    pub fn apply(&mut self, version: i32, changes: &[TextDocumentContentChangeEvent], enc: PositionEncoding) {
        for change in changes {
            let range = change.range.map(|r| (convert::to_linecol(r.start), convert::to_linecol(r.end)));
            if range.is_none() {
                self.parser.reset();
            }
            let edit = self.text.apply_change(range, &change.text, enc);
            self.parser.edit(&edit);
        }
        self.analysis = None;
        self.version = version;
    }

    /// The analysis of the current text, parsed now if edits came since the last one.
    pub fn analysis(&mut self) -> Arc<Analysis> {
        if let Some(a) = &self.analysis {
            return a.clone();
        }
        let content: Arc<str> = Arc::from(self.text.to_string());
        let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.parser.parse(&content)));
        let parse = parsed.unwrap_or_else(|payload| {
            // A bug in a parser: say so in the file rather than lose the document.
            tracing::error!("parse panicked: {}", super::panic_message(payload.as_ref()));
            self.parser.reset();
            Parse {
                documents: vec![yaml::Node::empty(0)],
                errors: vec![SyntaxError {
                    range: TextRange::empty(0),
                    message: "convox-lsp could not read this version of the file (an internal error, logged)".into(),
                }],
                broken: Vec::new(),
            }
        });
        let analysis = Arc::new(Analysis::new(content, parse));
        self.analysis = Some(analysis.clone());
        analysis
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

    pub fn snapshot(&mut self, uri: &Uri, encoding: PositionEncoding) -> Option<Snapshot> {
        self.docs.get_mut(uri).map(|d| Snapshot {
            analysis: d.analysis(),
            version: d.version,
            text: d.text.clone(),
            encoding,
            context: d.context.clone(),
        })
    }
}
