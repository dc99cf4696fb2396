//! Proposals: `openspec/changes/<id>/proposal.md`.

use super::reader::SectionTree;
use super::{headings, Heading, Span};
use crate::syntax::{js, Doc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapabilityKind {
    New,
    Modified,
}

/// A bullet under `### New Capabilities` or `### Modified Capabilities` that
/// starts with a backticked capability path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapabilityRef {
    pub kind: CapabilityKind,
    pub name: String,
    /// The path inside the backticks.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextSection {
    pub heading: Span,
    /// The length of the content (trimmed, as OpenSpec reads it) in UTF-16
    /// units; 0 when there is none.
    pub text_len: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub headings: Vec<Heading>,
    pub why: Option<TextSection>,
    pub what_changes: Option<TextSection>,
    pub capabilities: Vec<CapabilityRef>,
}

impl Proposal {
    pub fn parse(text: &str) -> Proposal {
        let doc = Doc::new(text);
        let tree = SectionTree::new(&doc);
        let section = |title: &str| {
            tree.find(title).map(|i| TextSection {
                heading: doc.trimmed_range(tree.nodes[i].line).into(),
                text_len: js::utf16_len(&tree.content(&doc, i)) as u32,
            })
        };
        let mut capabilities = Vec::new();
        for (title, kind) in [
            ("New Capabilities", CapabilityKind::New),
            ("Modified Capabilities", CapabilityKind::Modified),
        ] {
            let Some(i) = tree.find(title) else { continue };
            let s = &tree.nodes[i];
            for k in s.line + 1..s.content_end {
                if doc.masked(k) {
                    continue;
                }
                if let Some((name, at)) = capability_bullet(doc.line(k)) {
                    let base = doc.lines[k].start as usize + at;
                    capabilities.push(CapabilityRef {
                        kind,
                        name: name.to_string(),
                        span: Span::new(base, base + name.len()),
                    });
                }
            }
        }
        Proposal {
            headings: headings(&doc),
            why: section("Why"),
            what_changes: section("What Changes"),
            capabilities,
        }
    }
}

/// `` - `voice-agent`: … `` → the path and its offset in the line.
fn capability_bullet(line: &str) -> Option<(&str, usize)> {
    let t = js::trim_start(line);
    let r = t.strip_prefix(['-', '*', '+'])?;
    let r = js::trim_start(r);
    let inner = r.strip_prefix('`')?;
    let close = inner.find('`')?;
    let name = inner[..close].trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    let at = inner.as_ptr() as usize - line.as_ptr() as usize
        + (inner[..close].len() - inner[..close].trim_start().len());
    Some((name, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_and_capabilities() {
        let p = Proposal::parse(
            "## Why\nBecause.\n\n## What Changes\n- x\n\n## Capabilities\n### New Capabilities\n- `call-transfer`: new\n### Modified Capabilities\n- `voice-agent`: changed\n- not a capability\n## Impact\n- `not/this`\n",
        );
        assert_eq!(p.why.unwrap().text_len, 8);
        assert_eq!(p.what_changes.unwrap().text_len, 3);
        let caps: Vec<_> = p
            .capabilities
            .iter()
            .map(|c| (c.kind, c.name.as_str()))
            .collect();
        assert_eq!(
            caps,
            [
                (CapabilityKind::New, "call-transfer"),
                (CapabilityKind::Modified, "voice-agent")
            ]
        );
    }
}
