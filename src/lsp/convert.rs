//! Conversions between the protocol's positions and the byte offsets used inside the server,
//! in the negotiated position encoding. The only place that does this.

use tower_lsp_server::ls_types as lsp;

use crate::ide;
use crate::text::{LineCol, PositionEncoding, Text, TextRange};

/// Where each diagnostic code is explained (`docs/diagnostics.md`, one section per code).
pub const DOCS_URL: &str = "https://github.com/convox-lsp/convox-lsp/blob/main/docs/diagnostics.md";

pub fn to_linecol(p: lsp::Position) -> LineCol {
    LineCol::new(p.line, p.character)
}

pub fn offset(text: &Text, p: lsp::Position, enc: PositionEncoding) -> usize {
    text.offset(to_linecol(p), enc)
}

pub fn hover(text: &Text, h: &ide::Hover, enc: PositionEncoding) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.markdown.clone(),
        }),
        range: Some(range(text, h.range, enc)),
    }
}

pub fn position(text: &Text, offset: usize, enc: PositionEncoding) -> lsp::Position {
    let lc = text.position(offset, enc);
    lsp::Position::new(lc.line, lc.col)
}

pub fn range(text: &Text, r: TextRange, enc: PositionEncoding) -> lsp::Range {
    lsp::Range::new(position(text, r.start, enc), position(text, r.end, enc))
}

pub fn encoding_kind(enc: PositionEncoding) -> lsp::PositionEncodingKind {
    match enc {
        PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
    }
}

/// UTF-8 when the client offers it (fewer conversions), else the protocol's UTF-16.
pub fn negotiate_encoding(caps: &lsp::ClientCapabilities) -> PositionEncoding {
    let offered = caps.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&lsp::PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

pub fn diagnostic(text: &Text, d: &ide::Diagnostic, enc: PositionEncoding) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(text, d.range, enc),
        severity: Some(match d.severity {
            ide::Severity::Error => lsp::DiagnosticSeverity::ERROR,
            ide::Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            ide::Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
            ide::Severity::Hint => lsp::DiagnosticSeverity::HINT,
        }),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        code_description: format!("{DOCS_URL}#{}", d.code).parse().ok().map(|href| lsp::CodeDescription { href }),
        source: Some("convox-lsp".to_string()),
        message: d.message.clone(),
        ..Default::default()
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the protocol type.
pub fn symbol(text: &Text, s: &ide::Symbol, enc: PositionEncoding) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: if s.name.is_empty() { "\"\"".to_string() } else { s.name.clone() },
        detail: s.detail.clone(),
        kind: match s.kind {
            ide::SymbolKind::Section => lsp::SymbolKind::NAMESPACE,
            ide::SymbolKind::Service => lsp::SymbolKind::CLASS,
            ide::SymbolKind::Resource => lsp::SymbolKind::STRUCT,
            ide::SymbolKind::Timer => lsp::SymbolKind::EVENT,
            ide::SymbolKind::Balancer => lsp::SymbolKind::INTERFACE,
            ide::SymbolKind::Variable => lsp::SymbolKind::VARIABLE,
            ide::SymbolKind::Property => lsp::SymbolKind::PROPERTY,
            ide::SymbolKind::Config => lsp::SymbolKind::FILE,
        },
        tags: None,
        deprecated: None,
        range: range(text, s.range, enc),
        selection_range: range(text, s.selection_range, enc),
        children: Some(s.children.iter().map(|c| symbol(text, c, enc)).collect()),
    }
}

/// A quick fix as a code action with a workspace edit on one document.
pub fn code_action(
    text: &Text,
    uri: &lsp::Uri,
    d: &ide::Diagnostic,
    fix: &ide::Fix,
    enc: PositionEncoding,
) -> lsp::CodeAction {
    let edits = text_edits(text, &fix.edits, enc);
    let mut changes = std::collections::HashMap::new();
    changes.insert(uri.clone(), edits);
    lsp::CodeAction {
        title: fix.title.clone(),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic(text, d, enc)]),
        edit: Some(lsp::WorkspaceEdit { changes: Some(changes), ..Default::default() }),
        is_preferred: Some(true),
        ..Default::default()
    }
}

/// A completion list as it is written to the client: each item borrowed from the analysis's
/// items as it is written, its documentation written once per knowledge-base pattern
/// ([`Documentation`]). Building `ls_types` items (every string copied), turning them into
/// a JSON value tree and freeing both was most of a completion request.
pub struct Completions {
    /// Each item with the range it replaces, `None` when it is inserted at the cursor
    /// (`insertText`: what every client does with an item without an edit where no word touches
    /// the cursor; a list on a blank line was a fifth ranges, each an object a client decodes).
    pub items: Vec<(ide::CompletionItem, Option<lsp::Range>)>,
    /// The documentation is left for `completionItem/resolve`: the item's knowledge-base pattern
    /// goes in `data` ([`resolved`]).
    pub defer: bool,
}

impl Completions {
    /// The list as the JSON of a protocol `CompletionList`, with only the fields this server sets
    /// (absent fields are what the protocol assumes: the label is the filter text, plain text the
    /// format). Written by hand, field names as they are: through serde, escaping the names of
    /// some 250 fields was most of writing a list.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let mut docs = Documentation::lock();
        out.extend_from_slice(br#"{"isIncomplete":false,"items":["#);
        for (i, (c, replace)) in self.items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_item(out, c, *replace, self.defer, &mut docs);
        }
        out.extend_from_slice(b"]}");
    }
}

fn write_item(
    out: &mut Vec<u8>,
    c: &ide::CompletionItem,
    replace: Option<lsp::Range>,
    defer: bool,
    docs: &mut Documentation,
) {
    out.extend_from_slice(br#"{"label":"#);
    json_str(out, &c.label);
    out.extend_from_slice(br#","kind":"#);
    serde_json::to_writer(&mut *out, &completion_kind(c.kind)).expect("a number is JSON");
    if let Some(detail) = &c.detail {
        out.extend_from_slice(br#","detail":"#);
        json_str(out, detail);
    }
    if defer {
        if let Some(pattern) = c.doc_pattern {
            out.extend_from_slice(br#","data":"#);
            json_str(out, pattern);
        }
    } else if let Some(doc) = c.doc_pattern.and_then(|p| docs.json(p)) {
        out.extend_from_slice(br#","documentation":"#);
        out.extend_from_slice(doc.get().as_bytes());
    }
    out.extend_from_slice(br#","sortText":"#);
    json_str(out, &c.sort);
    match replace {
        Some(r) => {
            out.extend_from_slice(br#","textEdit":{"range":"#);
            json_range(out, r);
            out.extend_from_slice(br#","newText":"#);
            json_str(out, &c.insert);
            out.push(b'}');
        }
        None => {
            out.extend_from_slice(br#","insertText":"#);
            json_str(out, &c.insert);
        }
    }
    if c.snippet {
        out.extend_from_slice(br#","insertTextFormat":2"#);
    }
    // Lines after the first carry their full indentation already (a client's default may indent
    // them again): `asIs`.
    if c.insert.contains('\n') {
        out.extend_from_slice(br#","insertTextMode":1"#);
    }
    out.push(b'}');
}

fn completion_kind(kind: ide::CompletionKind) -> lsp::CompletionItemKind {
    match kind {
        ide::CompletionKind::Key => lsp::CompletionItemKind::PROPERTY,
        ide::CompletionKind::Value => lsp::CompletionItemKind::VALUE,
        ide::CompletionKind::Reference => lsp::CompletionItemKind::REFERENCE,
        ide::CompletionKind::Variable => lsp::CompletionItemKind::VARIABLE,
        ide::CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
    }
}

fn json_range(out: &mut Vec<u8>, r: lsp::Range) {
    for (i, p) in [r.start, r.end].into_iter().enumerate() {
        out.extend_from_slice(if i == 0 { br#"{"start":{"line":"# } else { br#","end":{"line":"# });
        json_int(out, p.line);
        out.extend_from_slice(br#","character":"#);
        json_int(out, p.character);
        out.push(b'}');
    }
    out.push(b'}');
}

fn json_int(out: &mut Vec<u8>, n: u32) {
    use std::io::Write;
    let _ = write!(out, "{n}");
}

/// A JSON string: the text whole when nothing in it needs escaping (almost always), else each
/// character that does escaped as serde_json escapes it.
fn json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => br#"\""#,
            b'\\' => br"\\",
            b'\n' => br"\n",
            b'\r' => br"\r",
            b'\t' => br"\t",
            0x08 => br"\b",
            0x0c => br"\f",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[from..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
        } else {
            out.extend_from_slice(escape);
        }
        from = i + 1;
    }
    out.extend_from_slice(&bytes[from..]);
    out.push(b'"');
}

/// The documentation of each knowledge-base pattern as the JSON of its `MarkupContent`, made on
/// first use and kept: it never changes, and escaping it for JSON was a third of writing a list.
/// At most one per pattern of the knowledge base (a few hundred), so kept for the process. A
/// pattern is a string of the knowledge base, which lives as long as the process: it is known by
/// its address (hashing its text for every item was a tenth of writing a list).
struct Documentation(std::sync::MutexGuard<'static, DocumentationMade>);

type DocumentationMade =
    std::collections::HashMap<(usize, usize), Option<&'static serde_json::value::RawValue>, crate::schema::FxBuild>;

impl Documentation {
    /// The cache, held while one list is written.
    fn lock() -> Documentation {
        static MADE: std::sync::LazyLock<std::sync::Mutex<DocumentationMade>> =
            std::sync::LazyLock::new(Default::default);
        Documentation(MADE.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn json(&mut self, pattern: &'static str) -> Option<&'static serde_json::value::RawValue> {
        *self.0.entry((pattern.as_ptr() as usize, pattern.len())).or_insert_with(|| {
            let markdown = ide::documentation_of(pattern)?;
            let content = lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: markdown };
            let json = serde_json::to_string(&content).ok()?;
            serde_json::value::RawValue::from_string(json).ok().map(|raw| &*Box::leak(raw))
        })
    }
}

fn markdown_documentation(value: String) -> lsp::Documentation {
    lsp::Documentation::MarkupContent(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value })
}

/// `completionItem/resolve`: the documentation of an item sent without it (its `data` is the
/// knowledge-base pattern); any other item comes back as it was.
pub fn resolved(mut item: lsp::CompletionItem) -> lsp::CompletionItem {
    if item.documentation.is_none()
        && let Some(doc) = item.data.as_ref().and_then(|d| d.as_str()).and_then(ide::documentation_of)
    {
        item.documentation = Some(markdown_documentation(doc));
    }
    item
}

pub fn location(text: &Text, uri: &lsp::Uri, r: TextRange, enc: PositionEncoding) -> lsp::Location {
    lsp::Location { uri: uri.clone(), range: range(text, r, enc) }
}

/// Semantic tokens in the protocol's relative encoding (each token one line).
pub fn semantic_tokens(
    text: &Text,
    tokens: &[ide::structure::Token],
    enc: PositionEncoding,
) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut prev_line, mut prev_col) = (0u32, 0u32);
    for t in tokens {
        let start = text.position(t.range.start, enc);
        let end = text.position(t.range.end, enc);
        if end.line != start.line {
            continue;
        }
        let delta_line = start.line - prev_line;
        let delta_start = if delta_line == 0 { start.col - prev_col } else { start.col };
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.col - start.col,
            token_type: t.token_type,
            token_modifiers_bitset: t.modifiers,
        });
        prev_line = start.line;
        prev_col = start.col;
    }
    out
}

pub fn rename_edit(
    text: &Text,
    uri: &lsp::Uri,
    r: &ide::navigation::Rename,
    annotate: bool,
    enc: PositionEncoding,
) -> lsp::WorkspaceEdit {
    if !annotate {
        let edits = r
            .edits
            .iter()
            .map(|(rg, new)| lsp::TextEdit { range: range(text, *rg, enc), new_text: new.clone() })
            .collect();
        let mut changes = std::collections::HashMap::new();
        changes.insert(uri.clone(), edits);
        return lsp::WorkspaceEdit { changes: Some(changes), ..Default::default() };
    }
    // With the client's support, the rename says which Kubernetes objects change with it: a label
    // only, applied at once. With `needsConfirmation: true` VS Code opens its refactor preview with
    // every edit unticked, and "Apply" there leaves the file unchanged.
    let id = "convox-rename".to_string();
    let edits = r
        .edits
        .iter()
        .map(|(rg, new)| {
            lsp::OneOf::Right(lsp::AnnotatedTextEdit {
                text_edit: lsp::TextEdit { range: range(text, *rg, enc), new_text: new.clone() },
                annotation_id: id.clone(),
            })
        })
        .collect();
    let mut annotations = std::collections::HashMap::new();
    annotations.insert(
        id,
        lsp::ChangeAnnotation {
            label: "Kubernetes objects get new names at the next deploy".to_string(),
            needs_confirmation: Some(false),
            description: Some(format!(
                "{}; Convox creates the new objects and removes the old ones",
                r.consequences.join("; ")
            )),
        },
    );
    lsp::WorkspaceEdit {
        document_changes: Some(lsp::DocumentChanges::Edits(vec![lsp::TextDocumentEdit {
            text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri: uri.clone(), version: None },
            edits,
        }])),
        change_annotations: Some(annotations),
        ..Default::default()
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the protocol type.
pub fn workspace_symbol(
    text: &Text,
    uri: &lsp::Uri,
    s: &ide::Symbol,
    section: &str,
    enc: PositionEncoding,
) -> lsp::SymbolInformation {
    let doc = symbol(text, s, enc);
    lsp::SymbolInformation {
        name: s.name.clone(),
        kind: doc.kind,
        tags: None,
        deprecated: None,
        location: location(text, uri, s.selection_range, enc),
        container_name: Some(section.to_string()),
    }
}

pub fn inlay_hint(text: &Text, h: &ide::InlayHint, enc: PositionEncoding) -> lsp::InlayHint {
    lsp::InlayHint {
        position: position(text, h.offset, enc),
        label: lsp::InlayHintLabel::String(h.label.clone()),
        kind: None,
        text_edits: None,
        tooltip: h.tooltip.clone().map(lsp::InlayHintTooltip::String),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

pub fn code_lens(text: &Text, l: &ide::CodeLens, command: &str, enc: PositionEncoding) -> lsp::CodeLens {
    lsp::CodeLens {
        range: range(text, l.range, enc),
        command: Some(lsp::Command {
            title: format!("$ {}", l.command),
            command: command.to_string(),
            arguments: Some(vec![serde_json::Value::String(l.command.clone())]),
        }),
        data: None,
    }
}

/// The "troubleshoot" lens: runs `convox.troubleshoot` with the document and the name.
pub fn troubleshoot_lens(
    text: &Text,
    uri: &lsp::Uri,
    l: &ide::troubleshoot::TroubleshootLens,
    command: &str,
    enc: PositionEncoding,
) -> lsp::CodeLens {
    lsp::CodeLens {
        range: range(text, l.range, enc),
        command: Some(lsp::Command {
            title: "troubleshoot".to_string(),
            command: command.to_string(),
            arguments: Some(vec![
                serde_json::Value::String(uri.as_str().to_string()),
                serde_json::Value::String(l.name.clone()),
            ]),
        }),
        data: None,
    }
}

pub fn folding_range(text: &Text, r: TextRange, enc: PositionEncoding) -> lsp::FoldingRange {
    let start = position(text, r.start, enc);
    let end = position(text, r.end, enc);
    lsp::FoldingRange {
        start_line: start.line,
        start_character: None,
        end_line: end.line,
        end_character: None,
        kind: Some(lsp::FoldingRangeKind::Region),
        collapsed_text: None,
    }
}

/// Innermost first: each range's parent is the next one.
pub fn selection_range(text: &Text, chain: &[TextRange], enc: PositionEncoding) -> lsp::SelectionRange {
    let mut parent: Option<Box<lsp::SelectionRange>> = None;
    for r in chain.iter().rev() {
        parent = Some(Box::new(lsp::SelectionRange { range: range(text, *r, enc), parent }));
    }
    parent.map(|b| *b).unwrap_or(lsp::SelectionRange { range: range(text, TextRange::default(), enc), parent: None })
}

/// Replacements over byte ranges as protocol text edits.
pub fn text_edits(text: &Text, edits: &[(TextRange, String)], enc: PositionEncoding) -> Vec<lsp::TextEdit> {
    edits.iter().map(|(r, new)| lsp::TextEdit { range: range(text, *r, enc), new_text: new.clone() }).collect()
}

/// The client's formatting options: `tabSize` is the indentation (YAML indents with spaces only,
/// so `insertSpaces: false` is not followed); the optional trimming and final-newline options
/// default to the project's style when not sent.
pub fn format_options(o: &lsp::FormattingOptions, text: &str) -> ide::format::FormatOptions {
    let style = ide::format::FormatOptions::default();
    ide::format::FormatOptions {
        indent: ide::format::indent_for(text, o.tab_size as usize),
        trim_trailing_whitespace: o.trim_trailing_whitespace.unwrap_or(style.trim_trailing_whitespace),
        insert_final_newline: o.insert_final_newline.unwrap_or(style.insert_final_newline),
        trim_final_newlines: o.trim_final_newlines.unwrap_or(style.trim_final_newlines),
    }
}

/// A document the formatter refused, as a `RequestFailed` (-32803) error naming where.
pub fn format_error(text: &Text, e: &ide::format::FormatError) -> tower_lsp_server::jsonrpc::Error {
    let at = text.position(e.offset, PositionEncoding::Utf8);
    tower_lsp_server::jsonrpc::Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
        message: format!("line {}: {}", at.line + 1, e.message).into(),
        data: None,
    }
}

/// The file path of a `file:` URI.
pub fn file_path(uri: &lsp::Uri) -> Option<std::path::PathBuf> {
    (uri.scheme().as_str() == "file").then(|| uri.to_file_path().map(|p| p.into_owned())).flatten()
}

#[cfg(test)]
mod completion_json {
    use super::*;

    /// The item as `ls_types` writes it: what the hand-written list must mean.
    fn reference(c: &ide::CompletionItem, replace: Option<lsp::Range>, defer: bool) -> lsp::CompletionItem {
        lsp::CompletionItem {
            label: c.label.clone(),
            kind: Some(completion_kind(c.kind)),
            detail: c.detail.clone(),
            documentation: if defer {
                None
            } else {
                c.doc_pattern.and_then(ide::documentation_of).map(markdown_documentation)
            },
            data: c.doc_pattern.filter(|_| defer).map(|p| serde_json::Value::String(p.to_string())),
            sort_text: Some(c.sort.clone()),
            text_edit: replace.map(|range| lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(range, c.insert.clone()))),
            insert_text: replace.is_none().then(|| c.insert.clone()),
            insert_text_format: c.snippet.then_some(lsp::InsertTextFormat::SNIPPET),
            insert_text_mode: c.insert.contains('\n').then_some(lsp::InsertTextMode::AS_IS),
            ..Default::default()
        }
    }

    #[test]
    fn the_written_list_is_the_protocol_list() {
        let strings = ["web", "a \"quoted\" \\ path", "line\nnext\tx\r", "\u{1}\u{8}\u{c}\u{1f}", "é ünï 🙂", ""];
        let patterns = [None, Some("services.*.image"), Some("services.*.health"), Some("not.a.pattern")];
        let kinds = [
            ide::CompletionKind::Key,
            ide::CompletionKind::Value,
            ide::CompletionKind::Reference,
            ide::CompletionKind::Variable,
            ide::CompletionKind::Snippet,
        ];
        let mut rng = crate::seeded::Seeded::new(3);
        let mut next = |n: usize| rng.below(n);
        for round in 0..400 {
            let items: Vec<(ide::CompletionItem, Option<lsp::Range>)> = (0..next(4))
                .map(|_| {
                    let item = ide::CompletionItem {
                        label: strings[next(strings.len())].to_string(),
                        kind: kinds[next(kinds.len())],
                        detail: [None, Some(strings[next(strings.len())].to_string())][next(2)].clone(),
                        doc_pattern: patterns[next(patterns.len())],
                        insert: strings[next(strings.len())].to_string(),
                        snippet: next(2) == 0,
                        replace: crate::text::TextRange::default(),
                        sort: format!("{}{:04}", next(2), next(10_000)),
                    };
                    let at = |n: usize| lsp::Position::new(n as u32, (n * 7) as u32);
                    (item, [None, Some(lsp::Range::new(at(next(90)), at(next(90) + 90)))][next(2)])
                })
                .collect();
            let defer = round % 2 == 0;
            let list = Completions { items, defer };
            let mut out = Vec::new();
            list.write_json(&mut out);
            let written: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
            let expected = serde_json::to_value(lsp::CompletionList {
                is_incomplete: false,
                items: list.items.iter().map(|(c, r)| reference(c, *r, defer)).collect(),
            })
            .unwrap();
            assert_eq!(written, expected, "{}", String::from_utf8_lossy(&out));
            let _: lsp::CompletionList = serde_json::from_slice(&out).expect("a protocol list");
        }
    }
}
