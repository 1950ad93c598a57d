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
    let edits =
        fix.edits.iter().map(|(r, new)| lsp::TextEdit { range: range(text, *r, enc), new_text: new.clone() }).collect();
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

pub fn completion(text: &Text, c: &ide::CompletionItem, enc: PositionEncoding) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: c.label.clone(),
        kind: Some(match c.kind {
            ide::CompletionKind::Key => lsp::CompletionItemKind::PROPERTY,
            ide::CompletionKind::Value => lsp::CompletionItemKind::VALUE,
            ide::CompletionKind::Reference => lsp::CompletionItemKind::REFERENCE,
            ide::CompletionKind::Variable => lsp::CompletionItemKind::VARIABLE,
            ide::CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
        }),
        detail: c.detail.clone(),
        documentation: c.documentation.as_ref().map(|d| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: d.clone() })
        }),
        sort_text: Some(c.sort.clone()),
        filter_text: Some(c.label.clone()),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(text, c.replace, enc),
            new_text: c.insert.clone(),
        })),
        insert_text_format: Some(if c.snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        // Lines after the first carry their full indentation already.
        insert_text_mode: Some(lsp::InsertTextMode::AS_IS),
        ..Default::default()
    }
}
