//! Open documents: text, incremental parser and the analysis of each version.
//!
//! The server's lock guards the store for an instant at a time: a change appends its edit, a
//! request copies out a [`Pending`] (the version's text, which is a rope and cheap to clone, and
//! the cell its analysis goes into). The parse and analysis happen after the lock is released, on
//! the blocking pool (`Pending::analyse`), under a lock of that document's own (its incremental
//! parser), so a request on one document never waits for another's analysis, and nothing waits
//! for a parse while holding the server's lock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::convert;
use crate::context::Context;
use crate::ide::Analysis;
use crate::syntax::{Parse, Parser, SyntaxError, yaml};
use crate::text::{AppliedEdit, PositionEncoding, Text, TextRange};

/// More edits than this waiting for a parse are replaced by a parse from scratch.
const MAX_PENDING_EDITS: usize = 4096;

/// One version's analysis, computed once by whoever asks first (the publisher or a request).
type Cell = Arc<OnceLock<Arc<Analysis>>>;

enum Change {
    Edit(AppliedEdit),
    /// The whole text was replaced: the next parse starts from scratch.
    Reset,
}

/// What a document's parses share: the incremental parser (locked while it parses, only by
/// parses of this document) and the edits it has not seen yet (locked to add or take them).
#[derive(Default)]
struct Shared {
    parser: Mutex<ParserAt>,
    /// Edits by sequence number (one per change event).
    pending: Mutex<Vec<(u64, Change)>>,
    /// What validating the document's versions found, by service: a version reuses the walks of
    /// the services an edit did not touch.
    memo: Arc<crate::ide::ValidationMemo>,
}

#[derive(Default)]
struct ParserAt {
    parser: Parser,
    /// The sequence number of the last edit its tree has seen.
    seq: u64,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

pub struct Document {
    pub version: i32,
    pub context: Context,
    pub text: Text,
    /// The number of change events applied so far.
    seq: u64,
    shared: Arc<Shared>,
    /// The analysis of `text`, empty until something asks for this version: a burst of edits
    /// that arrives faster than it can be analysed costs one parse, not one per edit.
    cell: Cell,
}

/// A replaced version's analysis: freeing a version's tree and model costs about as much as a
/// tenth of analysing it, so it is not done under the server's lock nor before the next
/// version's analysis starts.
pub struct Old(Cell);

/// Frees a replaced version's analysis on the blocking pool (at once when it was never analysed
/// or a request still holds it).
pub fn drop_later(old: Old) {
    if old.0.get().is_some_and(|a| Arc::strong_count(a) == 1) && Arc::strong_count(&old.0) == 1 {
        tokio::task::spawn_blocking(move || drop(old));
    }
}

/// A version of a document with its analysis.
#[derive(Clone)]
pub struct Snapshot {
    pub version: i32,
    pub text: Text,
    pub analysis: Arc<Analysis>,
    pub encoding: PositionEncoding,
    pub context: Context,
}

/// A version of a document whose analysis may not be computed yet: copied out under the server's
/// lock, analysed outside it.
pub struct Pending {
    version: i32,
    text: Text,
    encoding: PositionEncoding,
    context: Context,
    seq: u64,
    shared: Arc<Shared>,
    cell: Cell,
}

impl Document {
    pub fn new(version: i32, content: &str, context: Context) -> Self {
        let cell = Cell::default();
        Self { version, context, text: Text::new(content), seq: 0, shared: Arc::default(), cell }
    }

    /// Applies a change to the text and queues its edit for the parser (which may be busy with
    /// an older version: it is not waited for). Returns the previous version's analysis, for the
    /// caller to drop outside the server's lock ([`drop_later`]).
    #[must_use]
    pub fn apply(&mut self, version: i32, changes: &[TextDocumentContentChangeEvent], enc: PositionEncoding) -> Old {
        let mut pending = locked(&self.shared.pending);
        for change in changes {
            let range = change.range.map(|r| (convert::to_linecol(r.start), convert::to_linecol(r.end)));
            let edit = self.text.apply_change(range, &change.text, enc);
            self.seq += 1;
            if range.is_none() || pending.len() >= MAX_PENDING_EDITS {
                pending.clear();
                pending.push((self.seq, Change::Reset));
            } else {
                pending.push((self.seq, Change::Edit(edit)));
            }
        }
        drop(pending);
        self.version = version;
        Old(std::mem::take(&mut self.cell))
    }

    fn pending(&self, encoding: PositionEncoding) -> Pending {
        Pending {
            version: self.version,
            text: self.text.clone(),
            encoding,
            context: self.context.clone(),
            seq: self.seq,
            shared: self.shared.clone(),
            cell: self.cell.clone(),
        }
    }
}

impl Pending {
    /// The snapshot, if this version was analysed already.
    pub fn ready(&self) -> Option<Snapshot> {
        self.cell.get().map(|a| self.snapshot(a.clone()))
    }

    /// The snapshot, parsing and analysing the version now if nothing did yet (blocking: call it
    /// on the blocking pool, never under the server's lock).
    pub fn analyse(self) -> Snapshot {
        if let Some(s) = self.ready() {
            return s;
        }
        let mut at = locked(&self.shared.parser);
        // Another request may have analysed this version while this one waited for the parser.
        let analysis = self.cell.get_or_init(|| Arc::new(self.parse(&mut at))).clone();
        drop(at);
        self.snapshot(analysis)
    }

    fn parse(&self, at: &mut ParserAt) -> Analysis {
        let content: Arc<str> = Arc::from(self.text.to_string());
        if at.seq > self.seq {
            // The parser has moved on to a newer version: read this older one from scratch.
            let parse = parse_guarded(&mut Parser::new(), &content);
            return Analysis::with_memo(content, parse, self.shared.memo.clone());
        }
        {
            let mut pending = locked(&self.shared.pending);
            let upto = pending.iter().take_while(|(seq, _)| *seq <= self.seq).count();
            for (_, change) in pending.drain(..upto) {
                match change {
                    Change::Edit(e) => at.parser.edit(&e),
                    Change::Reset => at.parser.reset(),
                }
            }
        }
        at.seq = self.seq;
        let parse = parse_guarded(&mut at.parser, &content);
        Analysis::with_memo(content, parse, self.shared.memo.clone())
    }

    fn snapshot(&self, analysis: Arc<Analysis>) -> Snapshot {
        Snapshot {
            version: self.version,
            text: self.text.clone(),
            analysis,
            encoding: self.encoding,
            context: self.context.clone(),
        }
    }
}

/// A parse that cannot take the document down: a bug in a parser becomes a syntax error at the
/// top of the file (and a logged error).
fn parse_guarded(parser: &mut Parser, content: &str) -> Parse {
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(content)));
    parsed.unwrap_or_else(|payload| {
        tracing::error!("parse panicked: {}", super::panic_message(payload.as_ref()));
        parser.reset();
        Parse {
            documents: vec![yaml::Node::empty(0)],
            errors: vec![SyntaxError {
                range: TextRange::empty(0),
                message: "convox-lsp could not read this version of the file (an internal error, logged)".into(),
            }],
            broken: Vec::new(),
        }
    })
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

    /// The current version of a document, to be analysed outside the lock.
    pub fn pending(&self, uri: &Uri, encoding: PositionEncoding) -> Option<Pending> {
        self.docs.get(uri).map(|d| d.pending(encoding))
    }

    /// Whether `analysis` is of the document's current version (no edit came since).
    pub fn is_current(&self, uri: &Uri, analysis: &Arc<Analysis>) -> bool {
        self.docs.get(uri).and_then(|d| d.cell.get()).is_some_and(|a| Arc::ptr_eq(a, analysis))
    }
}

/// The snapshot of a pending version: at once when it was analysed already, else analysed on the
/// blocking pool. `None` only if the analysis panicked (logged by the runtime).
pub async fn analysed(pending: Pending) -> Option<Snapshot> {
    if let Some(s) = pending.ready() {
        return Some(s);
    }
    tokio::task::spawn_blocking(move || pending.analyse()).await.ok()
}
