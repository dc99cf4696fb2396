//! The tree-sitter-md block tree. The line scanner is what every file is read
//! with; this tree is for documents open in an editor, where it is kept and
//! reparsed incrementally for folding and other block-aware features.

use tree_sitter::{Parser, Tree};

/// A parser for the Markdown block grammar.
pub fn block_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_md::LANGUAGE.into())
        .expect("the bundled tree-sitter-md grammar matches the tree-sitter ABI");
    parser
}

/// Parses `text` from scratch (or reusing `old` after an edit).
pub fn parse_blocks(parser: &mut Parser, text: &str, old: Option<&Tree>) -> Option<Tree> {
    parser.parse(text, old)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_tree_sees_atx_headings_and_fences() {
        let mut p = block_parser();
        let text = "## Requirements\n\n```\n### not a heading\n```\n### Requirement: A\n";
        let tree = parse_blocks(&mut p, text, None).unwrap();
        let mut headings = Vec::new();
        let mut cursor = tree.walk();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            if node.kind() == "atx_heading" {
                headings.push(text[node.byte_range()].trim_end().to_string());
            }
            for child in node.children(&mut cursor) {
                stack.push(child);
            }
        }
        headings.sort();
        assert_eq!(headings, ["## Requirements", "### Requirement: A"]);
    }
}
