//! Incremental updates agree with reading the final text fresh.
//!
//! For random sequences of edits to real files (inserts, deletes and
//! replacements that cross line ends, multi-byte characters, CRLF and lone
//! CR), sent as a client sends them (line and character in UTF-8 or UTF-16),
//! the server's three incremental structures must equal what a fresh read of
//! the same text gives after every edit:
//!
//! - the open document (`Document::apply`, the rope the server edits);
//! - the tree-sitter block tree, edited with the `InputEdit` that `apply`
//!   returns and reparsed reusing the old tree: every node's kind, byte
//!   range and point;
//! - the file's summary in the workspace (`Workspace::set_text`, which
//!   re-reads only a requirement when it can).
//!
//! Positions are computed here from the expected text with a line splitter
//! of this file's own, not with the code under test, and the expected text
//! is edited as a plain `String`.

use std::path::Path;

use specls::syntax::tree::block_parser;
use specls::text::document::{Document, Encoding, Position};
use specls::workspace::{kind_of, summarize, Workspace};
use tree_sitter::{Node, Tree};

mod common;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// Inserted text: line ends of every kind, multi-byte characters, and
/// structure the readers care about.
const PIECES: &[&str] = &[
    "a",
    " ",
    "é",
    "😀",
    "漢字",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "x\ny",
    "- **WHEN** a step\n",
    "#### Scenario: New\n",
    "### Requirement: New\n",
    "## ADDED Requirements\n",
    "```\n",
    "- [ ] 9.9 Task (requires 1.1)\n",
    "SHALL",
    "must",
];

/// Where lines start in `text`: after LF, CRLF or lone CR, as clients and
/// the server count them.
fn line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = vec![0];
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => out.push(i + 1),
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                out.push(i + 2);
                i += 1;
            }
            b'\r' => out.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    out
}

/// The position of byte `offset` (a character boundary, not inside a
/// CRLF) in `enc`.
fn position(text: &str, offset: usize, enc: Encoding) -> Position {
    let starts = line_starts(text);
    let line = starts.partition_point(|&s| s <= offset) - 1;
    let before = &text[starts[line]..offset];
    let character = match enc {
        Encoding::Utf8 => before.len(),
        Encoding::Utf16 => before.encode_utf16().count(),
    };
    Position {
        line: line as u32,
        character: character as u32,
    }
}

/// A random offset a client can name: a character boundary, not between
/// the CR and the LF of a CRLF.
fn addressable(text: &str, rng: &mut Rng) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at)
        || (at > 0 && text.as_bytes()[at - 1] == b'\r' && text.as_bytes().get(at) == Some(&b'\n'))
    {
        at -= 1;
    }
    at
}

/// One random edit of `text`: the byte range and the new text.
fn random_edit(text: &str, rng: &mut Rng) -> (usize, usize, String) {
    let a = addressable(text, rng);
    match rng.below(3) {
        0 => (a, a, PIECES[rng.below(PIECES.len())].to_string()),
        kind => {
            // Up to 80 bytes on, often across a line end.
            let mut b = (a + 1 + rng.below(80)).min(text.len());
            while !text.is_char_boundary(b)
                || (b > 0
                    && text.as_bytes()[b - 1] == b'\r'
                    && text.as_bytes().get(b) == Some(&b'\n'))
            {
                b -= 1;
            }
            let b = b.max(a);
            let new = if kind == 1 {
                String::new()
            } else {
                PIECES[rng.below(PIECES.len())].to_string()
            };
            (a, b, new)
        }
    }
}

/// A node as compared: kind, byte range, start and end points.
type NodeView = (String, usize, usize, (usize, usize), (usize, usize));

/// Every node of `tree` in document order.
fn nodes(tree: &Tree) -> Vec<NodeView> {
    fn walk(n: Node, out: &mut Vec<NodeView>) {
        let (s, e) = (n.start_position(), n.end_position());
        out.push((
            n.kind().to_string(),
            n.start_byte(),
            n.end_byte(),
            (s.row, s.column),
            (e.row, e.column),
        ));
        let mut c = n.walk();
        for child in n.children(&mut c) {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    walk(tree.root_node(), &mut out);
    out
}

/// Replays `steps` random edits of the file `rel` (text `start`) in `enc`,
/// checking all three structures along the way and at the end; returns
/// the edits made.
fn replay(rel: &str, start: &str, enc: Encoding, seed: u64, steps: usize) -> usize {
    let mut rng = Rng(seed | 1);
    let mut expected = start.to_string();
    let mut doc = Document::new(start, 1);
    let mut parser = block_parser();
    let mut tree = parser.parse(start, None).expect("a tree");
    let mut ws = Workspace::from_memory(
        Path::new("/differential"),
        vec![(rel.to_string(), start.as_bytes().to_vec())],
    );
    for step in 0..steps {
        let (a, b, new) = random_edit(&expected, &mut rng);
        let range = (position(&expected, a, enc), position(&expected, b, enc));
        let edit = doc
            .apply(Some(range), &new, enc)
            .expect("a range edit gives a tree edit");
        expected.replace_range(a..b, &new);
        let what =
            || format!("{rel} ({enc:?}, seed {seed}) after edit {step}: {a}..{b} := {new:?}");
        assert_eq!(doc.text(), expected, "document: {}", what());

        tree.edit(&edit);
        tree = parser.parse(&expected, Some(&tree)).expect("a tree");
        ws.set_text(rel, expected.clone());
        // The fresh reads cost most of the time: every third edit, and
        // the last, are compared.
        if step % 3 != 2 && step + 1 != steps {
            continue;
        }
        let fresh = parser.parse(&expected, None).expect("a tree");
        assert_eq!(nodes(&tree), nodes(&fresh), "block tree: {}", what());

        let incremental = &ws.file(rel).expect("the file").summary;
        let fresh = summarize(&kind_of(rel), &expected, rel);
        assert_eq!(
            format!("{incremental:?}"),
            format!("{fresh:?}"),
            "summary: {}",
            what()
        );
    }
    steps
}

/// Markdown files of every kind: the examples, and a spread of the
/// corpus when it is there.
fn files() -> Vec<(String, String)> {
    let mut roots = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")];
    roots.extend(common::corpus_trees());
    let mut out = Vec::new();
    for tree in roots {
        for root in specls::workspace::discover::find_roots(&tree).unwrap_or_default() {
            let ws = Workspace::load(&root);
            for f in &ws.files {
                if f.rel.ends_with(".md") {
                    out.push((f.rel.clone(), f.text().to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn incremental_updates_equal_a_fresh_read() {
    let all = files();
    assert!(!all.is_empty());
    // A spread of at most 200 files (all of them without the corpus), each
    // also with CRLF and lone-CR line ends, keeps the test to seconds.
    let stride = all.len().div_ceil(200);
    let mut sequences = 0;
    let mut edits = 0;
    for (k, (rel, text)) in all.iter().enumerate().step_by(stride) {
        for (v, variant) in [
            text.clone(),
            text.replace('\n', "\r\n"),
            text.replace('\n', "\r"),
        ]
        .iter()
        .enumerate()
        {
            for (e, enc) in [Encoding::Utf16, Encoding::Utf8].into_iter().enumerate() {
                let seed = (k * 6 + v * 2 + e) as u64 + 1;
                edits += replay(rel, variant, enc, seed, 12);
                sequences += 1;
            }
        }
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "differential: {sequences} sequences, {edits} edits, all equal to a fresh read"
    );
    assert!(sequences >= 6 * 10, "{sequences}");
}

/// The same for Spec Kit task lists, whose summaries (the reader's, the
/// shared shape and the headings) are spliced after an edit within a line:
/// a spread of the Spec Kit corpus's tasks.md files.
#[test]
fn incremental_updates_of_speckit_task_lists_equal_a_fresh_read() {
    let Some(corpus) = common::corpus_speckit() else {
        return;
    };
    let mut lists = Vec::new();
    let mut trees: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    trees.sort();
    for tree in trees {
        for e in specls::formats::speckit::root::walk(&tree) {
            if !e.dir && e.path.ends_with("tasks.md") {
                let bytes = std::fs::read(tree.join(&e.path)).unwrap();
                lists.push(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    assert!(lists.len() >= 100, "{} task lists", lists.len());
    let stride = lists.len().div_ceil(40);
    let mut edits = 0;
    for (k, text) in lists.iter().enumerate().step_by(stride) {
        for (v, variant) in [text.clone(), text.replace('\n', "\r\n")]
            .iter()
            .enumerate()
        {
            let seed = (k * 2 + v) as u64 + 7;
            edits += replay("specs/001-x/tasks.md", variant, Encoding::Utf16, seed, 24);
        }
    }
    assert!(edits >= 24 * 2 * 30, "{edits}");
}
