//! `textDocument/completion`: the protocol side of `ide::completion`.
//! Items keep the server's order (`sortText`), carry the `filterText` the
//! `ide` layer chose, and replace their range with a `textEdit`: a snippet
//! for clients that declared `snippetSupport`, plain text otherwise.

use tower_lsp_server::ls_types as lsp;

use super::features::{locate, range};
use super::state::View;
use crate::ide::completion::{self, Completion, ItemKind, Trigger};

/// What `initialize` offers.
pub fn options() -> lsp::CompletionOptions {
    lsp::CompletionOptions {
        resolve_provider: Some(false),
        trigger_characters: Some(
            completion::TRIGGER_CHARACTERS
                .iter()
                .map(|c| c.to_string())
                .collect(),
        ),
        ..Default::default()
    }
}

/// Whether the client inserts snippets.
pub fn snippet_support(c: &lsp::ClientCapabilities) -> bool {
    c.text_document
        .as_ref()
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref())
        .and_then(|i| i.snippet_support)
        .unwrap_or(false)
}

/// Whether the client shows `labelDetails` (task titles, link paths beside
/// the label).
pub fn label_details_support(c: &lsp::ClientCapabilities) -> bool {
    c.text_document
        .as_ref()
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref())
        .and_then(|i| i.label_details_support)
        .unwrap_or(false)
}

fn trigger(context: Option<&lsp::CompletionContext>) -> Trigger {
    match context {
        Some(c) if c.trigger_kind == lsp::CompletionTriggerKind::TRIGGER_CHARACTER => c
            .trigger_character
            .as_deref()
            .and_then(|s| s.chars().next())
            .map_or(Trigger::Invoked, Trigger::Char),
        _ => Trigger::Invoked,
    }
}

fn kind(k: ItemKind) -> lsp::CompletionItemKind {
    match k {
        ItemKind::Keyword | ItemKind::Rfc2119 => lsp::CompletionItemKind::KEYWORD,
        ItemKind::Step => lsp::CompletionItemKind::TEXT,
        ItemKind::Skeleton => lsp::CompletionItemKind::SNIPPET,
        ItemKind::Section => lsp::CompletionItemKind::MODULE,
        ItemKind::Requirement => lsp::CompletionItemKind::CLASS,
        ItemKind::Task => lsp::CompletionItemKind::EVENT,
        ItemKind::Group => lsp::CompletionItemKind::FOLDER,
        ItemKind::Link => lsp::CompletionItemKind::REFERENCE,
    }
}

pub fn completion(v: &View, p: lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
    let tp = p.text_document_position;
    let (place, offset) = locate(v, &tp.text_document.uri, tp.position)?;
    // Brought up to date here, file by file, rather than on every edit:
    // only completion reads it.
    let steps = v.snap.steps();
    let found = completion::completion(
        v.ws(place.root)?,
        &steps,
        &place.rel,
        offset,
        trigger(p.context.as_ref()),
    );
    let items = found
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, c)| item(v, place.root, &place.rel, i, c))
        .collect();
    Some(lsp::CompletionResponse::List(lsp::CompletionList {
        is_incomplete: found.incomplete,
        items,
    }))
}

fn item(v: &View, root: usize, rel: &str, i: usize, c: &Completion) -> Option<lsp::CompletionItem> {
    let snippet = v.caps.completion_snippets && c.insert.has_stops();
    let new_text = if snippet {
        c.insert.snippet()
    } else {
        c.insert.plain()
    };
    let multi_line = new_text.contains(['\n', '\r']);
    // What tells tasks and links apart goes beside the label too, where
    // the client can show it.
    let beside = matches!(c.kind, ItemKind::Task | ItemKind::Group | ItemKind::Link)
        && v.caps.completion_label_details;
    Some(lsp::CompletionItem {
        label: c.label.clone(),
        label_details: beside.then(|| lsp::CompletionItemLabelDetails {
            detail: None,
            description: c.detail.clone(),
        }),
        kind: Some(kind(c.kind)),
        detail: c.detail.clone(),
        documentation: c.documentation.as_ref().map(|d| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: d.clone(),
            })
        }),
        sort_text: Some(format!("{i:05}")),
        filter_text: Some(c.filter.clone()),
        insert_text_format: Some(if snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        // Skeletons and requirement blocks start at column 0 and carry
        // their own indentation.
        insert_text_mode: multi_line.then_some(lsp::InsertTextMode::AS_IS),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(v, root, rel, c.edit)?,
            new_text,
        })),
        ..Default::default()
    })
}
