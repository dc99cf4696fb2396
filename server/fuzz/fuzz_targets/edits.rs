//! Sequences of incremental edits, as a client sends them (any positions,
//! in range or not, in UTF-8 or UTF-16), applied the way the server applies
//! them: the document, its block tree (edited, then reparsed reusing the old
//! tree) and the file's summary in the workspace must equal a fresh read of
//! the final text.
#![no_main]

use std::path::Path;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use specls::syntax::tree::block_parser;
use specls::text::document::{Document, Encoding, Position};
use specls::workspace::{kind_of, summarize, Workspace};

#[derive(Arbitrary, Debug)]
struct Edit {
    range: Option<((u8, u8), (u8, u8))>,
    text: String,
}

#[derive(Arbitrary, Debug)]
struct Input {
    kind: u8,
    utf8: bool,
    text: String,
    edits: Vec<Edit>,
}

const RELS: &[&str] = &[
    "openspec/specs/cap/spec.md",
    "openspec/changes/c/specs/cap/spec.md",
    "openspec/changes/c/tasks.md",
    "openspec/changes/c/proposal.md",
];

/// Every node's kind and byte range, in document order.
fn tree_view(t: &tree_sitter::Tree) -> Vec<(&'static str, usize, usize)> {
    fn walk(n: tree_sitter::Node, out: &mut Vec<(&'static str, usize, usize)>) {
        out.push((n.kind(), n.start_byte(), n.end_byte()));
        let mut c = n.walk();
        for child in n.children(&mut c) {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    walk(t.root_node(), &mut out);
    out
}

fuzz_target!(|input: Input| {
    let rel = RELS[input.kind as usize % RELS.len()];
    let enc = if input.utf8 {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let mut doc = Document::new(&input.text, 1);
    let mut parser = block_parser();
    let mut tree = parser.parse(&input.text, None);
    let mut ws = Workspace::from_memory(
        Path::new("/fuzz"),
        vec![(rel.to_string(), input.text.as_bytes().to_vec())],
    );
    for e in input.edits.iter().take(32) {
        let pos = |(l, c): (u8, u8)| Position {
            line: l as u32,
            character: c as u32,
        };
        let range = e.range.map(|(a, b)| (pos(a), pos(b)));
        match doc.apply(range, &e.text, enc) {
            Some(edit) => {
                if let Some(t) = &mut tree {
                    t.edit(&edit);
                }
            }
            None => tree = None,
        }
        let text = doc.text();
        tree = parser.parse(&text, tree.as_ref());
        ws.set_text(rel, text);
    }
    let text = doc.text();
    let fresh_tree = parser.parse(&text, None);
    assert_eq!(
        tree.as_ref().map(tree_view),
        fresh_tree.as_ref().map(tree_view)
    );
    let summary = &ws.file(rel).expect("the file").summary;
    assert_eq!(
        format!("{summary:?}"),
        format!("{:?}", summarize(&kind_of(rel), &text, rel))
    );
});
