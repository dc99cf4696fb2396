//! Kiro spec trees (`.kiro/specs/<feature>/` and `.kiro/steering/`): a
//! reader per file kind, each turning a file's text into a typed, immutable
//! summary with byte spans, and the detection of Kiro roots and features.
//!
//! Kiro's format has three generations in the wild (see the format
//! reference): G1 `WHEN … THEN the system SHALL …` criteria, G2 Glossaries,
//! `THE <System> SHALL` and correctness properties, G3 `.config.kiro` and
//! bugfix specs; cc-sdd writes the same layout with `(P)` markers, Title-case
//! EARS and Japanese text. Every reader accepts all of them.

pub mod bugfix;
pub mod config;
pub mod design;
pub mod ears;
pub mod graph;
pub mod refs;
pub mod requirements;
pub mod roots;
pub mod rules;
pub mod steering;
pub mod tasks;
mod text;

use refs::CriterionId;
use roots::FileKind;

/// The summary of one Kiro file, by kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Summary {
    Requirements(requirements::RequirementsDoc),
    Bugfix(bugfix::BugfixDoc),
    Design(design::DesignDoc),
    Tasks(tasks::TasksDoc),
    Config(Result<config::KiroConfig, config::ConfigProblem>),
    Steering(steering::Steering),
}

/// Reads `text` as a file of `kind`; `None` for the kinds read for links
/// only.
pub fn read(kind: FileKind, text: &str) -> Option<Summary> {
    Some(match kind {
        FileKind::Requirements => Summary::Requirements(requirements::parse(text)),
        FileKind::Bugfix => Summary::Bugfix(bugfix::parse(text)),
        FileKind::Design => Summary::Design(design::parse(text)),
        FileKind::Tasks => Summary::Tasks(tasks::parse(text)),
        FileKind::Config => Summary::Config(config::parse(text)),
        FileKind::Steering => Summary::Steering(steering::parse(text)),
        FileKind::SpecJson | FileKind::OtherMarkdown | FileKind::Other => return None,
    })
}

/// The ids a feature defines, for resolving references quickly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecIndex {
    ids: std::collections::HashSet<CriterionId>,
    last_item: std::collections::HashMap<u32, u32>,
}

impl SpecIndex {
    pub fn resolves(&self, id: CriterionId) -> bool {
        self.ids.contains(&id)
    }

    pub fn items_of(&self, req: u32) -> Option<u32> {
        self.last_item.get(&req).copied()
    }
}

/// One feature's summaries: what the per-feature rules and link resolution
/// work from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeatureSpec {
    pub requirements: Option<requirements::RequirementsDoc>,
    pub bugfix: Option<bugfix::BugfixDoc>,
    pub design: Option<design::DesignDoc>,
    pub tasks: Option<tasks::TasksDoc>,
    pub config: Option<Result<config::KiroConfig, config::ConfigProblem>>,
}

impl FeatureSpec {
    pub fn add(&mut self, s: Summary) {
        match s {
            Summary::Requirements(d) => self.requirements = Some(d),
            Summary::Bugfix(d) => self.bugfix = Some(d),
            Summary::Design(d) => self.design = Some(d),
            Summary::Tasks(d) => self.tasks = Some(d),
            Summary::Config(c) => self.config = Some(c),
            Summary::Steering(_) => {}
        }
    }

    /// Whether the spec has a document criterion ids point into.
    pub fn has_criteria_source(&self) -> bool {
        self.requirements.is_some() || self.bugfix.is_some()
    }

    /// Whether `id` names a requirement or criterion (in a bugfix spec, a
    /// behaviour line or section). A spec with both documents resolves
    /// against either.
    pub fn resolves(&self, id: CriterionId) -> bool {
        self.requirements.as_ref().is_some_and(|r| r.resolves(id))
            || self.bugfix.as_ref().is_some_and(|b| b.resolves(id))
    }

    /// The last item of requirement (or bugfix section) `req`.
    pub fn items_of(&self, req: u32) -> Option<u32> {
        self.requirements
            .as_ref()
            .and_then(|r| r.items_of(req))
            .or_else(|| self.bugfix.as_ref().and_then(|b| b.items_of(req)))
    }

    /// What references resolve against, built once: [`FeatureSpec::resolves`]
    /// scans the documents, which is quadratic over many references.
    pub fn index(&self) -> SpecIndex {
        let mut ix = SpecIndex::default();
        let mut add = |id: CriterionId| {
            ix.ids.insert(id);
            ix.ids.insert(CriterionId::requirement(id.req));
            if let Some(i) = id.item {
                let last = ix.last_item.entry(id.req).or_insert(i);
                *last = (*last).max(i);
            }
        };
        if let Some(r) = &self.requirements {
            for req in &r.requirements {
                add(CriterionId::requirement(req.number));
                for c in &req.criteria {
                    add(c.id);
                }
            }
        }
        if let Some(b) = &self.bugfix {
            for i in &b.items {
                add(i.id);
            }
        }
        ix
    }

    /// Every criterion id the spec defines, in document order.
    pub fn criterion_ids(&self) -> Vec<CriterionId> {
        let mut out: Vec<CriterionId> = Vec::new();
        if let Some(r) = &self.requirements {
            out.extend(r.criteria().map(|c| c.id));
        }
        if let Some(b) = &self.bugfix {
            out.extend(b.items.iter().map(|i| i.id));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    #[test]
    fn crlf_and_a_bom_leave_spans_on_the_text() {
        let req = "\u{feff}# Requirements\r\n\r\n### Requirement 1: A\r\n\r\n**User Story:** x\r\n\r\n#### Acceptance Criteria\r\n\r\n1. WHEN a, THE B SHALL c\r\n2. THE B SHALL d\r\n";
        let tasks = "- [x] 1. Do\r\n  - _Requirements: 1.1, 1.2_\r\n- [ ]* 1.1 Test\r\n";
        let mut spec = FeatureSpec::default();
        spec.add(read(FileKind::Requirements, req).unwrap());
        spec.add(read(FileKind::Tasks, tasks).unwrap());
        let r = spec.requirements.as_ref().unwrap();
        let at = |s: Span| &req[s.range()];
        assert_eq!(at(r.title.unwrap()), "Requirements");
        let texts: Vec<_> = r.criteria().map(|c| at(c.body)).collect();
        assert_eq!(texts, ["WHEN a, THE B SHALL c", "THE B SHALL d"]);
        assert_eq!(
            at(r.requirements[0].block).lines().last(),
            Some("2. THE B SHALL d")
        );
        let t = spec.tasks.as_ref().unwrap();
        assert_eq!(&tasks[t.tasks[0].title.range()], "Do");
        assert_eq!(&tasks[t.tasks[0].refs[0].value.range()], "1.1, 1.2");
        assert_eq!(&tasks[t.tasks[1].title.range()], "Test");
        assert!(spec.index().resolves(CriterionId::criterion(1, 2)));
        assert!(rules::check_feature(&spec, Some(req)).is_empty());
    }
}
