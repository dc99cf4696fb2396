//! `textDocument/semanticTokens/full` and `/range`: the `ide` layer's
//! tokens in the protocol's relative encoding, and their legend.

use tower_lsp_server::ls_types as lsp;

use super::convert::FilePositions;
use super::state::View;
use crate::ide::semantic::{semantic_tokens, semantic_tokens_in, Token, TokenKind};

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

/// The protocol's relative encoding: each token's line and start relative
/// to the previous token, lengths in the negotiated encoding.
fn encode(pos: &FilePositions, tokens: &[Token]) -> Vec<lsp::SemanticToken> {
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
    let pos = FilePositions::at(v, &place)?;
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
    let pos = FilePositions::at(v, &place)?;
    let tokens = semantic_tokens_in(v.ws(place.root)?, &place.rel, pos.span(p.range));
    Some(lsp::SemanticTokensRangeResult::Tokens(
        lsp::SemanticTokens {
            result_id: None,
            data: encode(&pos, &tokens),
        },
    ))
}
