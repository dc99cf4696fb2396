//! Delta specs: `openspec/changes/<id>/specs/<capability>/spec.md`.

use super::reader;
use super::{headings, Heading, Requirement, Span};
use crate::syntax::{js, Doc};
use thin_vec::ThinVec;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    Added,
    Modified,
    Removed,
    Renamed,
}

impl Op {
    pub const ALL: [Op; 4] = [Op::Added, Op::Modified, Op::Removed, Op::Renamed];

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Added => "ADDED",
            Op::Modified => "MODIFIED",
            Op::Removed => "REMOVED",
            Op::Renamed => "RENAMED",
        }
    }

    /// The operation of a `## ` section title, folded as OpenSpec folds it
    /// (`toLowerCase`, exact words, one space).
    fn from_title(title: &str) -> Option<Op> {
        let (word, rest) = title.split_once(' ')?;
        let rest_matches = if rest.is_ascii() {
            rest.eq_ignore_ascii_case("requirements")
        } else {
            rest.to_lowercase() == "requirements"
        };
        if !rest_matches {
            return None;
        }
        Op::ALL.into_iter().find(|op| {
            if word.is_ascii() {
                word.eq_ignore_ascii_case(op.as_str())
            } else {
                word.to_lowercase() == op.as_str().to_lowercase()
            }
        })
    }
}

/// `/^##\s+(ADDED|MODIFIED|REMOVED|RENAMED)\s+Requirements\s*$/i`, the test
/// main specs are checked with.
pub fn delta_section_header(line: &str) -> Option<Op> {
    if !reader::is_level2(line) {
        return None;
    }
    let t = js::trim(&line[2..]);
    let word_end = t.find(js::is_ws)?;
    let rest = js::trim_start(&t[word_end..]);
    if !rest.eq_ignore_ascii_case("requirements") {
        return None;
    }
    Op::ALL
        .into_iter()
        .find(|op| t[..word_end].eq_ignore_ascii_case(op.as_str()))
}

/// A `## ` section of a delta file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub op: Option<Op>,
    pub title: String,
    pub heading: Span,
    pub line: u32,
    /// From the heading to the end of the section.
    pub span: Span,
}

/// A requirement name in REMOVED, or one side of a RENAMED pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameRef {
    pub name: String,
    /// The whole line, trimmed.
    pub span: Span,
    /// The name itself.
    pub name_span: Span,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rename {
    pub from: NameRef,
    pub to: NameRef,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unpaired {
    /// `FROM` or `TO`: the side that is present.
    pub side: &'static str,
    pub name: String,
    pub span: Span,
}

/// A `### X` heading in ADDED or MODIFIED that is not `### Requirement:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedHeader {
    pub header: String,
    pub section: String,
    pub span: Span,
}

/// A `### Requirement:` outside the four delta sections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Orphan {
    pub name: String,
    pub section: Option<String>,
    pub span: Span,
}

/// Something written as a scenario at a place OpenSpec does not look.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MisplacedScenario {
    pub span: Span,
    pub name: String,
    /// `### Scenario:`, `##### Scenario:`, `- Scenario:`, `**Scenario:**`,
    /// `#### Scenario:`.
    pub form: &'static str,
    /// Not under any requirement heading: it needs moving under the
    /// requirement it tests, which no rewrite of the line can do.
    pub outside_requirement: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeltaSpec {
    pub headings: Vec<Heading>,
    pub sections: Vec<Section>,
    pub added: Vec<Requirement>,
    pub modified: Vec<Requirement>,
    // The rest is rare, and thin (a pointer, no allocation while empty):
    // a delta spec is kept for every change of a tree.
    pub removed: ThinVec<NameRef>,
    /// REMOVED entries written as full blocks, for navigation.
    pub removed_blocks: ThinVec<Requirement>,
    pub renamed: ThinVec<Rename>,
    pub unpaired: ThinVec<Unpaired>,
    pub skipped_headers: ThinVec<SkippedHeader>,
    pub orphans: ThinVec<Orphan>,
    pub misplaced_scenarios: ThinVec<MisplacedScenario>,
}

impl DeltaSpec {
    pub fn parse(text: &str) -> DeltaSpec {
        let doc = Doc::new(text);
        let heads: Vec<(usize, &str)> = (0..doc.len())
            .filter_map(|i| match doc.section_heading(i) {
                Some((2, t)) => Some((i, t)),
                _ => None,
            })
            .collect();
        let mut out = DeltaSpec {
            headings: headings(&doc),
            sections: Vec::new(),
            added: Vec::new(),
            modified: Vec::new(),
            removed: ThinVec::new(),
            removed_blocks: ThinVec::new(),
            renamed: ThinVec::new(),
            unpaired: ThinVec::new(),
            skipped_headers: ThinVec::new(),
            orphans: ThinVec::new(),
            misplaced_scenarios: ThinVec::new(),
        };
        let mut first_title = [None::<String>, None, None, None];
        for (k, &(h, title)) in heads.iter().enumerate() {
            let end = heads.get(k + 1).map(|&(i, _)| i).unwrap_or(doc.len());
            let op = Op::from_title(title);
            let last = reader::last_content_line(&doc, h, end);
            out.sections.push(Section {
                op,
                title: title.to_string(),
                heading: doc.trimmed_range(h).into(),
                line: h as u32,
                span: Span::new(doc.lines[h].start as usize, doc.lines[last].end as usize),
            });
            let Some(op) = op else { continue };
            // Diagnostics quote the first spelling the author used.
            let section_title = first_title[op as usize]
                .get_or_insert_with(|| title.to_string())
                .clone();
            match op {
                Op::Added | Op::Modified => {
                    out.skipped_headers
                        .extend(skipped_headers(&doc, h + 1, end, &section_title));
                    let blocks = reader::requirement_blocks(&doc, h + 1, end)
                        .into_iter()
                        .map(|(s, e)| reader::read_requirement(&doc, s, e));
                    if op == Op::Added {
                        out.added.extend(blocks);
                    } else {
                        out.modified.extend(blocks);
                    }
                }
                Op::Removed => {
                    out.removed.extend(removed_names(&doc, h + 1, end));
                    out.removed_blocks.extend(
                        reader::requirement_blocks(&doc, h + 1, end)
                            .into_iter()
                            .map(|(s, e)| reader::read_requirement(&doc, s, e)),
                    );
                }
                Op::Renamed => read_renames(&doc, h + 1, end, &mut out.renamed, &mut out.unpaired),
            }
            if matches!(op, Op::Added | Op::Modified) {
                out.misplaced_scenarios
                    .extend(misplaced_scenarios(&doc, h + 1, end));
            }
        }
        out.orphans = orphans(&doc).into();
        out
    }

    pub fn has_section(&self, op: Op) -> bool {
        self.sections.iter().any(|s| s.op == Some(op))
    }

    /// The heading of the first ADDED/MODIFIED/REMOVED/RENAMED section.
    pub fn first_delta_heading(&self) -> Option<Span> {
        self.sections
            .iter()
            .find(|s| s.op.is_some())
            .map(|s| s.heading)
    }

    /// The requirements the change writes, ADDED then MODIFIED: the
    /// scenarios and steps that will be in the main spec after archiving.
    pub fn requirements(&self) -> impl Iterator<Item = &Requirement> + '_ {
        self.added.iter().chain(&self.modified)
    }

    /// Every requirement block of the file: [`DeltaSpec::requirements`],
    /// then REMOVED requirements written out in full. Headings, links and
    /// outlines see all of them.
    pub fn blocks(&self) -> impl Iterator<Item = &Requirement> + '_ {
        self.requirements().chain(&self.removed_blocks)
    }

    pub fn entry_count(&self) -> usize {
        self.added.len() + self.modified.len() + self.removed.len() + self.renamed.len()
    }
}

fn name_ref(doc: &Doc, i: usize, name: &str) -> NameRef {
    let line = doc.line(i);
    let base = doc.lines[i].start as usize;
    let at = if name.is_empty() {
        None
    } else {
        line.rfind(name)
    };
    let name_span = match at {
        Some(a) => Span::new(base + a, base + a + name.len()),
        None => doc.trimmed_range(i).into(),
    };
    NameRef {
        name: name.to_string(),
        span: doc.trimmed_range(i).into(),
        name_span,
        line: i as u32,
    }
}

fn skipped_headers(doc: &Doc, from: usize, to: usize, section: &str) -> Vec<SkippedHeader> {
    let mut out = Vec::new();
    for i in from..to {
        if doc.masked(i) {
            continue;
        }
        let line = doc.line(i);
        // `/^###\s+(.+?)\s*$/` and not a requirement header.
        if doc.atx(i).is_none_or(|a| a.level != 3) || reader::requirement_header(line).is_some() {
            continue;
        }
        let rest = &line[3..];
        if rest.chars().nth(1).is_none() {
            continue;
        }
        out.push(SkippedHeader {
            header: js::trim(rest).to_string(),
            section: section.to_string(),
            span: doc.trimmed_range(i).into(),
        });
    }
    out
}

/// Strips `[-*+]?` (or required when `bullet_required`), spaces, the label,
/// an optional backtick and `### Requirement:`, returning the name.
fn bulleted_requirement(line: &str, label: &str, bullet_required: bool) -> Option<String> {
    let mut rest = js::trim_start(line);
    if let Some(r) = rest.strip_prefix(['-', '*', '+']) {
        rest = js::trim_start(r);
    } else if bullet_required {
        return None;
    }
    rest = rest.strip_prefix(label)?;
    rest = js::trim_start(rest);
    rest = rest.strip_prefix('`').unwrap_or(rest);
    rest = rest.strip_prefix("###")?;
    rest = js::trim_start(rest);
    // Case-sensitive: these patterns carry no `i` flag.
    rest = rest.strip_prefix("Requirement:")?;
    rest = js::trim_start(rest);
    // `(.+?)`?\s*$`: the name stops before an optional closing backtick.
    let t = js::trim_end(rest);
    let t = t.strip_suffix('`').unwrap_or(t);
    if t.is_empty() {
        // `(.+?)` needs one character: a lone backtick or space is the name.
        return if rest.is_empty() {
            None
        } else {
            Some(String::new())
        };
    }
    Some(js::strip_closing_hashes(t).to_string())
}

fn removed_names(doc: &Doc, from: usize, to: usize) -> Vec<NameRef> {
    let mut out = Vec::new();
    for i in from..to {
        if doc.masked(i) {
            continue;
        }
        let line = doc.line(i);
        if let Some((name, _, _)) = reader::requirement_header(line) {
            out.push(name_ref(doc, i, &name));
        } else if let Some(name) = bulleted_requirement(line, "", true) {
            out.push(name_ref(doc, i, &name));
        }
    }
    out
}

fn read_renames(
    doc: &Doc,
    from: usize,
    to: usize,
    pairs: &mut ThinVec<Rename>,
    unpaired: &mut ThinVec<Unpaired>,
) {
    let mut pending: Option<NameRef> = None;
    for i in from..to {
        if doc.masked(i) {
            continue;
        }
        let line = doc.line(i);
        if let Some(name) = bulleted_requirement(line, "FROM:", false) {
            if let Some(p) = pending.take() {
                unpaired.push(Unpaired {
                    side: "FROM",
                    name: p.name,
                    span: p.span,
                });
            }
            pending = Some(name_ref(doc, i, &name));
        } else if let Some(name) = bulleted_requirement(line, "TO:", false) {
            let to = name_ref(doc, i, &name);
            match pending.take() {
                Some(from) => pairs.push(Rename { from, to }),
                None => unpaired.push(Unpaired {
                    side: "TO",
                    name: to.name,
                    span: to.span,
                }),
            }
        }
    }
    if let Some(p) = pending {
        unpaired.push(Unpaired {
            side: "FROM",
            name: p.name,
            span: p.span,
        });
    }
}

fn orphans(doc: &Doc) -> Vec<Orphan> {
    let mut out = Vec::new();
    let mut section: Option<&str> = None;
    let mut in_delta_section = false;
    for i in 0..doc.len() {
        if doc.masked(i) {
            continue;
        }
        if let Some((2, t)) = doc.section_heading(i) {
            section = Some(t);
            in_delta_section = Op::from_title(t).is_some();
            continue;
        }
        if in_delta_section {
            continue;
        }
        if let Some((name, _, _)) = reader::requirement_header(doc.line(i)) {
            out.push(Orphan {
                name,
                section: section.map(str::to_string),
                span: doc.trimmed_range(i).into(),
            });
        }
    }
    out
}

/// Scenario-like lines OpenSpec does not count: `### Scenario:` (read as a
/// requirement or skipped), `##### Scenario:` (inside another scenario),
/// `- Scenario:` and `**Scenario:**` (plain text), and a `#### Scenario:`
/// outside every requirement (under `## Scenarios`, say).
pub fn misplaced_scenarios(doc: &Doc, from: usize, to: usize) -> Vec<MisplacedScenario> {
    let requirements_section = |title: &str| title.to_ascii_lowercase().ends_with("requirements");
    // The section `from` is in: a `###` heading of a Requirements section
    // (or of ADDED/MODIFIED) owns the scenarios under it, even one OpenSpec
    // reads without a `Requirement:` prefix; elsewhere only a
    // `### Requirement:` header does.
    let mut in_reqs = (0..from)
        .rev()
        .filter(|&i| !doc.masked(i))
        .find_map(|i| doc.section_heading(i).filter(|(l, _)| *l <= 2))
        .is_some_and(|(_, t)| requirements_section(t));
    let mut owner = false;
    let mut out = Vec::new();
    for i in from..to {
        if doc.masked(i) {
            continue;
        }
        let line = doc.line(i);
        let atx = doc.atx(i).map(|a| a.level);
        if let Some((form, name)) = misplaced_scenario(line, atx) {
            out.push(MisplacedScenario {
                span: doc.trimmed_range(i).into(),
                name: name.to_string(),
                form,
                outside_requirement: !owner && atx == Some(3),
            });
            continue;
        }
        match doc.section_heading(i) {
            Some((level, title)) if level <= 2 => {
                in_reqs = requirements_section(title);
                owner = false;
            }
            Some((3, _)) => owner = in_reqs || reader::requirement_header(line).is_some(),
            Some((4, title)) if !owner => {
                // Directly under `## Requirements` OpenSpec reads it as a
                // requirement of its own, which the main-spec rules report.
                if let Some(name) = js::strip_prefix_ci(title, "scenario")
                    .filter(|_| !in_reqs)
                    .and_then(|r| r.trim_start_matches('*').strip_prefix(':'))
                {
                    out.push(MisplacedScenario {
                        span: doc.trimmed_range(i).into(),
                        name: js::strip_closing_hashes(name).to_string(),
                        form: "#### Scenario:",
                        outside_requirement: true,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// The form and name of a scenario-like `line` OpenSpec does not count;
/// `atx` is the line's heading level when it is an unmasked heading.
pub fn misplaced_scenario(line: &str, atx: Option<u8>) -> Option<(&'static str, &str)> {
    let (form, rest) = if let Some(level) = atx {
        let rest = js::trim_start(&line[level as usize..]);
        match level {
            3 => ("### Scenario:", rest),
            5 | 6 => ("##### Scenario:", rest),
            _ => return None,
        }
    } else {
        let t = js::trim_start(line);
        if let Some(r) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
            let r = js::trim_start(r);
            if let Some(r2) = r.strip_prefix("**") {
                ("**Scenario:**", r2)
            } else {
                ("- Scenario:", r)
            }
        } else if let Some(r) = t.strip_prefix("**") {
            ("**Scenario:**", r)
        } else {
            return None;
        }
    };
    let after = js::strip_prefix_ci(rest, "scenario")?;
    let after = after.trim_start_matches('*').strip_prefix(':')?;
    Some((
        form,
        js::strip_closing_hashes(after.trim_start_matches('*')),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_all_four_operations() {
        let d = DeltaSpec::parse(
            "## ADDED Requirements\n### Requirement: New\nIt SHALL x.\n#### Scenario: s\n- **WHEN** a\n\n## MODIFIED Requirements\n### Requirement: Old\nIt MUST y.\n\n## REMOVED Requirements\n- `### Requirement: Gone`\n* ### Requirement: Also gone\n\n## RENAMED Requirements\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\nTO: ### Requirement: Lonely\n",
        );
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].scenario_count(), 1);
        assert_eq!(d.modified[0].name, "Old");
        let removed: Vec<_> = d.removed.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(removed, ["Gone", "Also gone"]);
        assert_eq!(d.renamed.len(), 1);
        assert_eq!(
            (
                d.renamed[0].from.name.as_str(),
                d.renamed[0].to.name.as_str()
            ),
            ("A", "B")
        );
        assert_eq!(d.unpaired.len(), 1);
        assert_eq!(d.unpaired[0].side, "TO");
        assert_eq!(d.entry_count(), 5);
    }

    #[test]
    fn repeated_sections_merge_and_orphans_are_found() {
        let d = DeltaSpec::parse(
            "### Requirement: Above\nx\n## added requirements\n### Requirement: One\n## Notes\n### Requirement: Noted\n## ADDED Requirements\n### Requirement: Two\n### Divider\n",
        );
        let names: Vec<_> = d.added.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["One", "Two"]);
        let orphans: Vec<_> = d
            .orphans
            .iter()
            .map(|o| (o.name.as_str(), o.section.as_deref()))
            .collect();
        assert_eq!(orphans, [("Above", None), ("Noted", Some("Notes"))]);
        assert_eq!(d.skipped_headers.len(), 1);
        assert_eq!(d.skipped_headers[0].header, "Divider");
        assert_eq!(d.skipped_headers[0].section, "added requirements");
    }

    #[test]
    fn delta_section_header_matches_exact_words() {
        assert_eq!(
            delta_section_header("## ADDED Requirements"),
            Some(Op::Added)
        );
        assert_eq!(
            delta_section_header("##  renamed   requirements "),
            Some(Op::Renamed)
        );
        assert_eq!(delta_section_header("## ADDED"), None);
        assert_eq!(delta_section_header("### ADDED Requirements"), None);
    }

    #[test]
    fn misplaced_scenario_forms() {
        let doc = Doc::new("### Requirement: R\n### Scenario: a\n##### Scenario: b\n- Scenario: c\n**Scenario:** d\n- **Scenario**: e\n#### Scenario: fine\n- scenarios are nice");
        let found: Vec<_> = misplaced_scenarios(&doc, 0, doc.len())
            .into_iter()
            .map(|m| (m.form, m.name))
            .collect();
        assert_eq!(
            found,
            [
                ("### Scenario:", "a".to_string()),
                ("##### Scenario:", "b".into()),
                ("- Scenario:", "c".into()),
                ("**Scenario:**", "d".into()),
                ("**Scenario:**", "e".into())
            ]
        );
        // Outside every requirement, a level-4 heading is lost too.
        let doc = Doc::new("## Scenarios\n### Scenario: a\n#### Scenario: b\n## Requirements\n### X\n#### Scenario: c\n");
        let found: Vec<_> = misplaced_scenarios(&doc, 0, doc.len())
            .into_iter()
            .map(|m| (m.form, m.name, m.outside_requirement))
            .collect();
        assert_eq!(
            found,
            [
                ("### Scenario:", "a".to_string(), true),
                ("#### Scenario:", "b".into(), true)
            ]
        );
    }
}
