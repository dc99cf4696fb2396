//! Between the engine's byte offsets and the protocol's positions, in the
//! negotiated encoding; only this module and the handlers see LSP types.

use tower_lsp_server::ls_types as lsp;

use super::state::{Place, View};
use crate::model::Span;
use crate::rules::{Diagnostic, Severity};
use crate::text::document::{Encoding, Position};
use crate::text::LineIndex;
use crate::workspace::SourceFile;

pub fn position_in(p: lsp::Position) -> Position {
    Position {
        line: p.line,
        character: p.character,
    }
}

pub fn position_out(p: Position) -> lsp::Position {
    lsp::Position::new(p.line, p.character)
}

/// The range of `span` in `file`, through its line index. An open
/// document's text is its file's in the index, so this serves both.
pub fn range(file: &SourceFile, span: Span, enc: Encoding) -> lsp::Range {
    lsp::Range::new(
        position_out(file.position(span.start as usize, enc)),
        position_out(file.position(span.end as usize, enc)),
    )
}

/// The range of `span` in a text the index does not hold (an open document
/// outside `openspec/`).
pub fn range_in_text(text: &str, span: Span, enc: Encoding) -> lsp::Range {
    let idx = LineIndex::new(text);
    lsp::Range::new(
        position_out(idx.position(text, span.start as usize, enc)),
        position_out(idx.position(text, span.end as usize, enc)),
    )
}

/// The byte offset of `p` in `file`.
pub fn offset(file: &SourceFile, p: lsp::Position, enc: Encoding) -> usize {
    file.offset(position_in(p), enc)
}

/// Offsets of one file and positions in the negotiated encoding, for
/// answers that carry many of them (lenses, hints, tokens).
pub struct FilePositions<'a> {
    file: &'a SourceFile,
    enc: Encoding,
}

impl<'a> FilePositions<'a> {
    /// The file at `place`; `None` when the index does not hold it.
    pub fn at(v: &'a View, place: &Place) -> Option<FilePositions<'a>> {
        Some(FilePositions {
            file: v.ws(place.root)?.file(&place.rel)?,
            enc: v.encoding(),
        })
    }

    pub fn position(&self, offset: usize) -> Position {
        self.file.position(offset, self.enc)
    }

    pub fn range(&self, span: Span) -> lsp::Range {
        range(self.file, span, self.enc)
    }

    /// The span of `r`, never reversed.
    pub fn span(&self, r: lsp::Range) -> Span {
        let start = offset(self.file, r.start, self.enc);
        Span::new(start, offset(self.file, r.end, self.enc).max(start))
    }
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub fn diagnostic(d: &Diagnostic, file: &SourceFile, enc: Encoding) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(file, d.span, enc),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        source: Some("specls".to_string()),
        message: d.message.clone(),
        ..Default::default()
    }
}

pub fn encoding_kind(enc: Encoding) -> lsp::PositionEncodingKind {
    match enc {
        Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
    }
}

/// UTF-8 when the client offers it (no conversion at all), else UTF-16,
/// which every client supports.
pub fn negotiate(caps: &lsp::ClientCapabilities) -> Encoding {
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&lsp::PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}
