//! Navigation requests: protocol positions in, the `ide` layer's answers
//! (byte spans in files) out as locations in the negotiated encoding. They
//! read a [`View`] (a snapshot), never the live state. Unknown documents and
//! positions past the end give empty answers.

use std::str::FromStr;

use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::Uri;

use super::convert;
use super::state::{Place, View};
use crate::ide::{self, NavTarget, SymbolKind};
use crate::model::Span;
use crate::text::LineIndex;

/// The file behind `uri` and the byte offset of `pos` in it.
pub(super) fn locate(v: &View, uri: &Uri, pos: lsp::Position) -> Option<(Place, usize)> {
    let open = v.doc(uri);
    let place = match open {
        Some(open) => open.place.clone()?,
        None => v.uri_place(uri)?,
    };
    let offset = match v.ws(place.root).and_then(|ws| ws.file(&place.rel)) {
        Some(file) => convert::offset(file, pos, v.encoding()),
        // An open document the index does not hold (outside `openspec/`).
        None => open?.doc.offset(convert::position_in(pos), v.encoding()),
    };
    Some((place, offset))
}

/// The range of `span` in a file of root `root`. An open document's text
/// is its file's in the index; one the index does not hold is converted
/// from its own text.
pub(super) fn range(v: &View, root: usize, rel: &str, span: Span) -> Option<lsp::Range> {
    if let Some(file) = v.ws(root).and_then(|ws| ws.file(rel)) {
        return Some(convert::range(file, span, v.encoding()));
    }
    let place = Place {
        root,
        rel: rel.to_string(),
    };
    let open = v.open_doc_at(&place)?;
    Some(convert::range_in_text(&open.doc.text(), span, v.encoding()))
}

fn location(v: &View, root: usize, t: &NavTarget) -> Option<lsp::Location> {
    Some(lsp::Location {
        uri: v.uri_of(root, &t.rel)?,
        range: range(v, root, &t.rel, t.focus)?,
    })
}

pub fn definition(v: &View, p: lsp::GotoDefinitionParams) -> Option<lsp::GotoDefinitionResponse> {
    let tp = p.text_document_position_params;
    let (place, offset) = locate(v, &tp.text_document.uri, tp.position)?;
    let targets = ide::definition(v.ws(place.root)?, &place.rel, offset);
    let locations: Vec<lsp::Location> = targets
        .iter()
        .filter_map(|t| location(v, place.root, t))
        .collect();
    (!locations.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(locations))
}

pub fn references(v: &View, p: lsp::ReferenceParams) -> Option<Vec<lsp::Location>> {
    let tp = p.text_document_position;
    let (place, offset) = locate(v, &tp.text_document.uri, tp.position)?;
    let targets = ide::references(
        v.ws(place.root)?,
        &place.rel,
        offset,
        p.context.include_declaration,
    );
    Some(
        targets
            .iter()
            .take_while(|_| !v.cancelled())
            .filter_map(|t| location(v, place.root, t))
            .collect(),
    )
}

pub fn hover(v: &View, p: lsp::HoverParams) -> Option<lsp::Hover> {
    let tp = p.text_document_position_params;
    let (place, offset) = locate(v, &tp.text_document.uri, tp.position)?;
    let h = ide::hover(v.ws(place.root)?, &place.rel, offset)?;
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: range(v, place.root, &place.rel, h.span),
    })
}

fn symbol_kind(k: SymbolKind) -> lsp::SymbolKind {
    match k {
        SymbolKind::File => lsp::SymbolKind::FILE,
        SymbolKind::Section => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Capability => lsp::SymbolKind::MODULE,
        SymbolKind::Change => lsp::SymbolKind::PACKAGE,
        SymbolKind::Requirement => lsp::SymbolKind::CLASS,
        SymbolKind::Scenario => lsp::SymbolKind::METHOD,
        SymbolKind::Task => lsp::SymbolKind::EVENT,
        SymbolKind::Group => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Heading => lsp::SymbolKind::STRING,
    }
}

#[allow(deprecated)]
fn document_symbol(v: &View, place: &Place, s: &ide::Symbol) -> Option<lsp::DocumentSymbol> {
    if v.cancelled() {
        return None;
    }
    let full = range(v, place.root, &place.rel, s.full)?;
    let mut selection = range(v, place.root, &place.rel, s.focus)?;
    // The protocol requires the selection inside the full range.
    if selection.start < full.start || selection.end > full.end {
        selection = full;
    }
    Some(lsp::DocumentSymbol {
        name: if s.name.trim().is_empty() {
            "(untitled)".to_string()
        } else {
            s.name.clone()
        },
        detail: s.detail.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: full,
        selection_range: selection,
        children: Some(
            s.children
                .iter()
                .filter_map(|c| document_symbol(v, place, c))
                .collect(),
        ),
    })
}

pub fn document_symbols(
    v: &View,
    p: lsp::DocumentSymbolParams,
) -> Option<lsp::DocumentSymbolResponse> {
    let place = place_of_doc(v, &p.text_document.uri)?;
    let symbols = ide::document_symbols(v.ws(place.root)?, &place.rel);
    if v.cancelled() {
        return None;
    }
    Some(lsp::DocumentSymbolResponse::Nested(
        symbols
            .iter()
            .filter_map(|s| document_symbol(v, &place, s))
            .collect(),
    ))
}

fn place_of_doc(v: &View, uri: &Uri) -> Option<Place> {
    v.uri_place(uri)
}

/// How many workspace symbols one query returns: enough to find anything
/// by typing a little more, few enough to send and render at once.
const SYMBOL_LIMIT: usize = 256;

pub fn workspace_symbols(
    v: &View,
    p: lsp::WorkspaceSymbolParams,
) -> Option<lsp::WorkspaceSymbolResponse> {
    let mut found: Vec<(usize, ide::WorkspaceSymbol)> = v
        .snap
        .roots()
        .iter()
        .enumerate()
        .take_while(|_| !v.cancelled())
        .flat_map(|(i, r)| {
            ide::workspace_symbols(&r.ws, &p.query, SYMBOL_LIMIT)
                .into_iter()
                .map(move |s| (i, s))
        })
        .collect();
    found.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
    found.truncate(SYMBOL_LIMIT);
    let symbols = found
        .iter()
        .filter_map(|(i, s)| {
            Some(lsp::WorkspaceSymbol {
                name: s.name.clone(),
                kind: symbol_kind(s.kind),
                tags: None,
                container_name: s.container.clone(),
                location: lsp::OneOf::Left(lsp::Location {
                    uri: v.uri_of(*i, &s.rel)?,
                    range: range(v, *i, &s.rel, s.focus)?,
                }),
                data: None,
            })
        })
        .collect();
    Some(lsp::WorkspaceSymbolResponse::Nested(symbols))
}

pub fn folding(v: &View, p: lsp::FoldingRangeParams) -> Option<Vec<lsp::FoldingRange>> {
    let open = v.doc(&p.text_document.uri)?;
    let tree = v.snap.tree(&super::state::path_of(&p.text_document.uri)?);
    let file = (open.place.as_ref()).and_then(|at| v.ws(at.root)?.file(&at.rel));
    let folds = match (file, tree) {
        (Some(file), Some(tree)) => ide::folding_ranges(file.text(), file.lines(), &tree),
        // A document too large to keep a block tree: its headings.
        (Some(file), None) => ide::heading_folds(file.text()),
        // An open document the index does not hold (outside every spec tree).
        (None, tree) => {
            let text = open.doc.text();
            match tree {
                Some(tree) => ide::folding_ranges(&text, &LineIndex::new(&text), &tree),
                None => ide::heading_folds(&text),
            }
        }
    };
    if v.cancelled() {
        return None;
    }
    Some(
        folds
            .into_iter()
            .map(|f| lsp::FoldingRange {
                start_line: f.start_line,
                start_character: None,
                end_line: f.end_line,
                end_character: None,
                kind: Some(match f.kind {
                    ide::FoldKind::Comment => lsp::FoldingRangeKind::Comment,
                    ide::FoldKind::Imports => lsp::FoldingRangeKind::Imports,
                    ide::FoldKind::Region => lsp::FoldingRangeKind::Region,
                }),
                collapsed_text: None,
            })
            .collect(),
    )
}

pub fn links(v: &View, p: lsp::DocumentLinkParams) -> Option<Vec<lsp::DocumentLink>> {
    let place = place_of_doc(v, &p.text_document.uri)?;
    let found = ide::document_links(v.ws(place.root)?, &place.rel);
    Some(
        found
            .iter()
            .filter_map(|l| {
                let uri = v.uri_of(place.root, &l.target_rel)?;
                // `#L<n>` is how editors take a line in a file link.
                let target = match l.target_line {
                    Some(line) => Uri::from_str(&format!("{}#L{}", uri.as_str(), line + 1)).ok()?,
                    None => uri,
                };
                Some(lsp::DocumentLink {
                    range: range(v, place.root, &place.rel, l.span)?,
                    target: Some(target),
                    tooltip: Some(l.target_rel.clone()),
                    data: None,
                })
            })
            .collect(),
    )
}
