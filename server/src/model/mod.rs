//! Typed, immutable summaries of each file kind, computed from a file's text
//! alone. Every element carries its byte range so that diagnostics and editor
//! features can point at it precisely.

pub mod delta;
pub mod graph;
pub mod proposal;
pub mod reader;
pub mod spec;
mod splice;
pub mod steps;
pub mod tasks;

use crate::syntax::{js, Doc};
use crate::text::anchor;

pub use delta::DeltaSpec;
pub use proposal::Proposal;
pub use spec::MainSpec;
pub use tasks::TaskList;

/// A byte range in one file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Moves the span `bytes` further (back when negative).
    pub fn shift(&mut self, bytes: i64) {
        self.start = (self.start as i64 + bytes) as u32;
        self.end = (self.end as i64 + bytes) as u32;
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

/// An ATX heading outside code, with its GitHub anchor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// The heading text without the `#` runs, trimmed.
    pub title: Span,
    /// The whole heading line, trimmed.
    pub span: Span,
    pub line: u32,
    /// Its GitHub anchor, unique in the file; the text of it is
    /// [`anchor_names`].
    pub anchor: anchor::AnchorId,
}

/// Every unmasked ATX heading of a document, with unique anchors.
pub fn headings(doc: &Doc) -> Vec<Heading> {
    let mut out = Vec::new();
    let mut anchors = anchor::AnchorIds::default();
    let mut slug = String::new();
    for i in 0..doc.len() {
        let Some(atx) = doc.atx(i) else { continue };
        let line = doc.line(i);
        let title = js::strip_closing_hashes(&line[atx.level as usize..]);
        anchor::slug_into(title, &mut slug);
        let anchor = anchors.unique(&slug);
        let at = doc.lines[i].start as usize + (title.as_ptr() as usize - line.as_ptr() as usize);
        out.push(Heading {
            level: atx.level,
            title: Span::new(at, at + title.len()),
            span: doc.trimmed_range(i).into(),
            line: i as u32,
            anchor,
        });
    }
    out
}

/// The anchors of `headings` (every heading of `text`, as [`headings`] read
/// them), in order: the same names the reading hashed.
pub fn anchor_names(headings: &[Heading], text: &str) -> Vec<String> {
    let mut anchors = anchor::AnchorSet::default();
    headings
        .iter()
        .map(|h| anchors.unique(anchor::slug(text.get(h.title.range()).unwrap_or(""))))
        .collect()
}

/// A scenario: a level-4 heading inside a requirement block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The header text without `####`, closing hashes and `Scenario:`.
    pub name: String,
    pub header: Span,
    pub name_span: Span,
    pub line: u32,
    /// Whether any text follows the header before the next heading of level
    /// 1–4. OpenSpec does not count a scenario without a body.
    pub has_body: bool,
    /// A boxed slice: never added to once read, and a third of a million
    /// scenarios in a large tree each saved the vector's capacity word.
    pub steps: Box<[steps::Step]>,
    /// The body, from the end of the header line to the end of the scenario.
    pub body: Span,
}

/// A `### Requirement:` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// The name, as OpenSpec normalises it; names are case-sensitive.
    pub name: String,
    pub header: Span,
    pub name_span: Span,
    pub line: u32,
    /// `###` followed by whitespace (OpenSpec's structure checks need it; the
    /// block reader also accepts `###Requirement:`).
    pub spaced_header: bool,
    /// Whether there is body text as OpenSpec reads it (blank, fenced and
    /// `**Key**:` lines skipped, up to the first heading). The rules need
    /// only this and the next fact, so the text itself is not kept: a copy
    /// of every requirement's body was a fifth of what a spec cost.
    pub has_text: bool,
    /// Whether that body text holds SHALL or MUST (OpenSpec's test).
    pub shall_or_must: bool,
    pub scenarios: Vec<Scenario>,
    /// Level-4 headings with no body under them.
    pub empty_scenarios: u32,
    /// From the header to the last line of the block.
    pub block: Span,
    /// The lines the block reader gave it: from the header to the start of
    /// the next block (trailing blank lines included). Reading the same
    /// lines again gives the same requirement, shifted.
    pub extent: Span,
    /// Lowercase must/shall/should/may used in the body.
    /// Thin: almost no requirement has any.
    pub lowercase_keywords: thin_vec::ThinVec<(Span, String)>,
}

impl Requirement {
    pub fn scenario_count(&self) -> usize {
        self.scenarios.iter().filter(|s| s.has_body).count()
    }

    /// The same requirement read `bytes` further and `lines` lower in a
    /// file: what an edit elsewhere in the file leaves of it.
    pub fn shifted(&self, bytes: i64, lines: i64) -> Requirement {
        let mut r = self.clone();
        r.shift(bytes, lines);
        r
    }

    /// Moves the requirement `bytes` further and `lines` lower, in place.
    pub fn shift(&mut self, bytes: i64, lines: i64) {
        let sp = |s: &mut Span| s.shift(bytes);
        let ln = |l: &mut u32| *l = (*l as i64 + lines) as u32;
        sp(&mut self.header);
        sp(&mut self.name_span);
        ln(&mut self.line);
        sp(&mut self.block);
        sp(&mut self.extent);
        for (span, _) in &mut self.lowercase_keywords {
            sp(span);
        }
        for sc in &mut self.scenarios {
            sp(&mut sc.header);
            sp(&mut sc.name_span);
            ln(&mut sc.line);
            sp(&mut sc.body);
            for st in &mut sc.steps {
                sp(&mut st.keyword_span);
                sp(&mut st.text_span);
                ln(&mut st.line);
            }
        }
    }
}

/// Gives back what a summary's vectors grew beyond their length while it
/// was read. A workspace keeps a summary of every file for as long as it
/// runs, and vectors that doubled as they were filled hold up to twice
/// what they need: the summaries are the same, only smaller.
pub trait Shrink {
    fn shrink(&mut self);
}

impl<T: Shrink> Shrink for Vec<T> {
    fn shrink(&mut self) {
        self.iter_mut().for_each(Shrink::shrink);
        self.shrink_to_fit();
    }
}

impl<T: Shrink> Shrink for thin_vec::ThinVec<T> {
    fn shrink(&mut self) {
        self.iter_mut().for_each(Shrink::shrink);
        self.shrink_to_fit();
    }
}

impl<T: Shrink> Shrink for Option<T> {
    fn shrink(&mut self) {
        if let Some(t) = self {
            t.shrink();
        }
    }
}

/// Elements that hold no vectors of their own.
macro_rules! flat {
    ($($t:ty),*) => {$(
        impl Shrink for $t {
            fn shrink(&mut self) {}
        }
    )*};
}

flat!(
    Heading,
    steps::Step,
    spec::SchemaRequirement,
    delta::Section,
    delta::NameRef,
    delta::Rename,
    delta::Unpaired,
    delta::SkippedHeader,
    delta::Orphan,
    delta::MisplacedScenario,
    tasks::Group,
    tasks::DepRef,
    tasks::Numbering,
    proposal::CapabilityRef,
    (Span, String)
);

impl Shrink for Scenario {
    fn shrink(&mut self) {}
}

impl Shrink for Requirement {
    fn shrink(&mut self) {
        self.scenarios.shrink();
        self.lowercase_keywords.shrink();
    }
}

impl Shrink for MainSpec {
    fn shrink(&mut self) {
        self.headings.shrink();
        self.schema_requirements.shrink();
        self.requirements.shrink();
        self.delta_headers.shrink();
        self.outside_requirements.shrink();
        self.misplaced_scenarios.shrink();
    }
}

impl Shrink for DeltaSpec {
    fn shrink(&mut self) {
        self.headings.shrink();
        self.sections.shrink();
        self.added.shrink();
        self.modified.shrink();
        self.removed.shrink();
        self.removed_blocks.shrink();
        self.renamed.shrink();
        self.unpaired.shrink();
        self.skipped_headers.shrink();
        self.orphans.shrink();
        self.misplaced_scenarios.shrink();
    }
}

impl Shrink for Proposal {
    fn shrink(&mut self) {
        self.headings.shrink();
        self.capabilities.shrink();
    }
}

impl Shrink for tasks::Link {
    fn shrink(&mut self) {}
}

impl Shrink for tasks::Acceptance {
    fn shrink(&mut self) {
        self.links.shrink();
    }
}

impl Shrink for tasks::Task {
    fn shrink(&mut self) {
        self.deps.shrink();
        self.acceptance.shrink();
    }
}

impl Shrink for TaskList {
    fn shrink(&mut self) {
        self.headings.shrink();
        self.groups.shrink();
        self.tasks.shrink();
        self.numbering.shrink();
    }
}
