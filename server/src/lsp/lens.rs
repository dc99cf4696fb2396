//! Code lens, inlay hints, semantic tokens and the `specls.taskGraph`
//! command: protocol in, the `ide` layer's answers out in the negotiated
//! encoding. Unknown documents give empty answers.

use std::str::FromStr;

use serde_json::{json, Value};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::ls_types::Uri;

use super::convert;
use super::state::{Place, State, View};
use crate::ide::lens::{code_lenses, LensAction};
use crate::ide::semantic::{semantic_tokens, semantic_tokens_in, Token, TokenKind};
use crate::ide::{inlay, taskgraph};
use crate::model::Span;
use crate::text::document::{Encoding, Position};
use crate::workspace::{FileKind, SourceFile};

/// Returns a change's task graph: `[{"uri", "format"}]`.
pub const TASK_GRAPH: &str = "specls.taskGraph";
/// What the "Task graph" lens runs: implemented by the editor plugins
/// (which call [`TASK_GRAPH`] and show the result), not by the server.
pub const SHOW_TASK_GRAPH: &str = "specls.showTaskGraph";

/// The commands the server runs.
pub fn commands() -> Vec<String> {
    vec![TASK_GRAPH.to_string()]
}

/// Token types, in legend order (the index is what the encoding sends).
const TOKEN_TYPES: [lsp::SemanticTokenType; 4] = [
    lsp::SemanticTokenType::KEYWORD,
    lsp::SemanticTokenType::MODIFIER,
    lsp::SemanticTokenType::VARIABLE,
    lsp::SemanticTokenType::MACRO,
];

/// Bit 0 of the modifier set.
const DECLARATION: u32 = 1;

pub fn legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TOKEN_TYPES.to_vec(),
        token_modifiers: vec![lsp::SemanticTokenModifier::DECLARATION],
    }
}

/// (type index, modifiers) of a token kind; see `docs/lsp.md`.
fn encode_kind(k: TokenKind) -> (u32, u32) {
    match k {
        TokenKind::StepKeyword => (0, 0),
        TokenKind::Rfc2119 => (1, 0),
        TokenKind::TaskId => (2, DECLARATION),
        TokenKind::DependencyId => (2, 0),
        TokenKind::AcceptanceLink => (3, 0),
    }
}

/// Notes an edit of `uri`: a task list or a delta spec changes the code
/// lenses of other files (coverage counts, the changes touching a main
/// requirement), which clients only ask again for when told to.
pub fn note_edit(st: &mut State, uri: &Uri) {
    let Some(place) = st.open_place(uri) else {
        return;
    };
    if matches!(
        crate::workspace::kind_of(&place.rel),
        FileKind::Tasks { .. } | FileKind::DeltaSpec { .. }
    ) {
        st.lens_stale = true;
    }
}

/// Whether to send `workspace/codeLens/refresh` now (once per batch of
/// edits, after their diagnostics, and only to clients that support it).
pub fn take_refresh(st: &mut State) -> bool {
    std::mem::take(&mut st.lens_stale) && st.caps.code_lens_refresh
}

/// Converts between byte offsets of one file and positions, through the
/// file's line index (an open document's text is its file's in the index).
struct Positions<'a> {
    file: &'a SourceFile,
    enc: Encoding,
}

impl<'a> Positions<'a> {
    fn new(v: &'a View, place: &Place) -> Option<Positions<'a>> {
        Some(Positions {
            file: v.ws(place.root)?.file(&place.rel)?,
            enc: v.encoding(),
        })
    }

    fn position(&self, offset: usize) -> Position {
        self.file.position(offset, self.enc)
    }

    fn offset(&self, p: lsp::Position) -> usize {
        convert::offset(self.file, p, self.enc)
    }

    fn range(&self, span: Span) -> lsp::Range {
        lsp::Range::new(
            convert::position_out(self.position(span.start as usize)),
            convert::position_out(self.position(span.end as usize)),
        )
    }

    fn span(&self, r: lsp::Range) -> Span {
        let start = self.offset(r.start);
        Span::new(start, self.offset(r.end).max(start))
    }
}

pub fn code_lens(v: &View, p: lsp::CodeLensParams) -> Option<Vec<lsp::CodeLens>> {
    let uri = p.text_document.uri;
    let place = v.uri_place(&uri)?;
    let pos = Positions::new(v, &place)?;
    let lenses = code_lenses(v.ws(place.root)?, &place.rel);
    Some(
        lenses
            .into_iter()
            .map(|l| {
                let command = match l.action {
                    Some(LensAction::ShowTaskGraph) => lsp::Command::new(
                        l.title,
                        SHOW_TASK_GRAPH.to_string(),
                        Some(vec![json!({"uri": uri.as_str(), "format": "mermaid"})]),
                    ),
                    // A title with nothing to run: editors show it as text.
                    None => lsp::Command::new(l.title, String::new(), None),
                };
                lsp::CodeLens {
                    range: pos.range(l.span),
                    command: Some(command),
                    data: None,
                }
            })
            .collect(),
    )
}

pub fn inlay_hints(v: &View, p: lsp::InlayHintParams) -> Option<Vec<lsp::InlayHint>> {
    let place = v.uri_place(&p.text_document.uri)?;
    let pos = Positions::new(v, &place)?;
    let range = pos.span(p.range);
    let hints = inlay::inlay_hints(v.ws(place.root)?, &place.rel, range);
    Some(
        hints
            .into_iter()
            .map(|h| lsp::InlayHint {
                position: convert::position_out(pos.position(h.offset)),
                label: lsp::InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: h.tooltip.map(lsp::InlayHintTooltip::String),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    )
}

/// The protocol's relative encoding: each token's line and start relative
/// to the previous token, lengths in the negotiated encoding.
fn encode(pos: &Positions, tokens: &[Token]) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut line, mut start) = (0, 0);
    for t in tokens {
        let a = pos.position(t.span.start as usize);
        let b = pos.position(t.span.end as usize);
        // Tokens never span lines; one that would is left out.
        if a.line != b.line || b.character <= a.character {
            continue;
        }
        let (token_type, modifiers) = encode_kind(t.kind);
        out.push(lsp::SemanticToken {
            delta_line: a.line - line,
            delta_start: if a.line == line {
                a.character - start
            } else {
                a.character
            },
            length: b.character - a.character,
            token_type,
            token_modifiers_bitset: modifiers,
        });
        line = a.line;
        start = a.character;
    }
    out
}

pub fn semantic_tokens_full(
    v: &View,
    p: lsp::SemanticTokensParams,
) -> Option<lsp::SemanticTokensResult> {
    let place = v.uri_place(&p.text_document.uri)?;
    let pos = Positions::new(v, &place)?;
    let tokens = semantic_tokens(v.ws(place.root)?, &place.rel);
    Some(lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens {
        result_id: None,
        data: encode(&pos, &tokens),
    }))
}

pub fn semantic_tokens_range(
    v: &View,
    p: lsp::SemanticTokensRangeParams,
) -> Option<lsp::SemanticTokensRangeResult> {
    let place = v.uri_place(&p.text_document.uri)?;
    let pos = Positions::new(v, &place)?;
    let tokens = semantic_tokens_in(v.ws(place.root)?, &place.rel, pos.span(p.range));
    Some(lsp::SemanticTokensRangeResult::Tokens(
        lsp::SemanticTokens {
            result_id: None,
            data: encode(&pos, &tokens),
        },
    ))
}

/// The document a `specls.taskGraph` call is about, for the handler to
/// wait on.
pub fn command_uri(p: &lsp::ExecuteCommandParams) -> Option<Uri> {
    let uri = p.arguments.first()?.get("uri")?.as_str()?;
    Uri::from_str(uri).ok()
}

/// Runs `specls.taskGraph`: a string for `text` and `mermaid`, the JSON
/// object of `specls tasks --format json` for `json`. The error is a
/// message for an invalid-params response.
pub fn task_graph(v: &View, p: &lsp::ExecuteCommandParams) -> Result<Value, String> {
    let arg = p.arguments.first().cloned().unwrap_or(Value::Null);
    let format = match arg.get("format") {
        None | Some(Value::Null) => "text",
        Some(Value::String(f)) => f.as_str(),
        Some(other) => return Err(format!("\"format\" must be a string, not {other}")),
    };
    if !matches!(format, "text" | "mermaid" | "json") {
        return Err(format!(
            "unknown format \"{format}\": use \"text\", \"mermaid\" or \"json\""
        ));
    }
    let uri = command_uri(p).ok_or_else(|| {
        format!("{TASK_GRAPH} takes [{{\"uri\": <a file of the change>, \"format\": \"text\"|\"mermaid\"|\"json\"}}]")
    })?;
    let outside = || format!("{} is not in an OpenSpec workspace", uri.as_str());
    let place = v.uri_place(&uri).ok_or_else(outside)?;
    let ws = v.ws(place.root).ok_or_else(outside)?;
    let Some(cg) = taskgraph::for_file(ws, &place.rel) else {
        return Err(match crate::workspace::kind_of(&place.rel).change() {
            Some(c) => format!("change \"{}\" has no tasks.md", c.id),
            None => format!("{} is not a file of an OpenSpec change", uri.as_str()),
        });
    };
    Ok(match format {
        "json" => cg.to_json(),
        "mermaid" => Value::String(cg.to_mermaid()),
        _ => Value::String(cg.to_text()),
    })
}
