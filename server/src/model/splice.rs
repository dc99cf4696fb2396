//! Re-reading a main spec after a keystroke without reading all of it.
//!
//! Most edits while writing a spec change the body of one requirement: a
//! word of its text, a step of a scenario. Such an edit cannot move a block
//! boundary or a section, because those are made of heading lines, fence
//! lines and scenario-like lines, and the edit touches none. Everything in
//! the summary is then what it was, shifted, except the one requirement and
//! the one schema-reader entry whose lines changed, which are read again
//! from their own lines. Reading those lines alone gives what reading the
//! whole file gives: a block's header is never inside a code fence, so the
//! fence state at its first line is "closed" either way.
//!
//! Every other edit goes back to [`MainSpec::reparse`]. The property test in
//! `server/tests/units.rs` holds both paths to `MainSpec::parse`.

use super::reader::{self, SectionTree};
use super::spec::schema_requirement;
use super::{MainSpec, Span};
use crate::syntax::{js, Doc};
use crate::text::diff::{changed_lines, line_feeds, Region};

impl MainSpec {
    /// The summary of `new`, given that `self` is the summary of `old`:
    /// taken from `self` when the edit between them stays inside one
    /// requirement's body, and read as [`MainSpec::reparse`] does
    /// otherwise. Equal to `MainSpec::parse(new)` either way.
    pub fn splice(mut self, old: &str, new: &str) -> MainSpec {
        if self.try_splice(old, new) {
            self
        } else {
            MainSpec::reparse(new, Some((&self, old)))
        }
    }

    /// Whether [`MainSpec::splice`] would take the short way: for tests,
    /// which must see both ways taken.
    pub fn can_splice(&self, old: &str, new: &str) -> bool {
        old == new || self.plan(old, new).is_some()
    }

    /// Updates `self` from `old` to `new` and says so, or leaves it as it
    /// is when the edit is not one it can take.
    fn try_splice(&mut self, old: &str, new: &str) -> bool {
        if old == new {
            return true;
        }
        let Some((region, r, s)) = self.plan(old, new) else {
            return false;
        };
        let delta = region.delta();
        let lines = line_feeds(&new[region.start..region.new_end]) as i64
            - line_feeds(&old[region.start..region.old_end]) as i64;

        let req = &self.requirements[r];
        let Some(mut fresh) = read_block(new, req.extent, delta, |doc| {
            reader::read_requirement(doc, 0, doc.len())
        }) else {
            return false;
        };
        fresh.shift(req.extent.start as i64, req.line as i64);
        let schema = match s {
            Some(s) => {
                let sr = &self.schema_requirements[s];
                let Some(mut fresh) = read_block(new, sr.extent, delta, |doc| {
                    let tree = SectionTree::new(doc);
                    (tree.nodes.first()?.line == 0).then(|| schema_requirement(doc, &tree, 0))
                })
                .flatten() else {
                    return false;
                };
                fresh.header.shift(sr.extent.start as i64);
                fresh.extent.shift(sr.extent.start as i64);
                Some((s, fresh))
            }
            None => None,
        };

        // Everything after the changed lines moves by the same amount.
        let at = region.old_end as u32;
        let sp = |x: &mut Span| {
            if x.start >= at {
                x.shift(delta)
            }
        };
        let ln = |start: u32, l: &mut u32| {
            if start >= at {
                *l = (*l as i64 + lines) as u32
            }
        };
        for h in &mut self.headings {
            ln(h.span.start, &mut h.line);
            sp(&mut h.title);
            sp(&mut h.span);
        }
        if let Some(p) = &mut self.purpose {
            sp(&mut p.heading);
            sp(&mut p.span);
            if let Some(x) = &mut p.placeholder {
                sp(x);
            }
        }
        if let Some(x) = &mut self.requirements_heading {
            sp(x);
        }
        for q in &mut self.requirements[r + 1..] {
            q.shift(delta, lines);
        }
        self.requirements[r] = fresh;
        for (i, q) in self.schema_requirements.iter_mut().enumerate() {
            sp(&mut q.header);
            if q.extent.start >= at {
                q.extent.shift(delta);
            } else if Some(i) != s && q.extent.end >= at {
                // An entry around this one (the schema reader's entries do
                // not nest, so this does not happen; kept exact anyway).
                q.extent.end = (q.extent.end as i64 + delta) as u32;
            }
        }
        if let Some((s, fresh)) = schema {
            self.schema_requirements[s] = fresh;
        }
        for (x, _) in self
            .delta_headers
            .iter_mut()
            .chain(&mut self.outside_requirements)
        {
            sp(x);
        }
        for m in &mut self.misplaced_scenarios {
            sp(&mut m.span);
        }
        true
    }

    /// The changed lines, the requirement they are in, and the schema
    /// reader's entry they are in, if any; `None` when the edit may change
    /// anything beyond those two.
    fn plan(&self, old: &str, new: &str) -> Option<(Region, usize, Option<usize>)> {
        let region = changed_lines(old, new)?;
        if !plain_lines(&old[region.start..region.old_end])
            || !plain_lines(&new[region.start..region.new_end])
        {
            return None;
        }
        let inside =
            |x: Span| (x.start as usize) < region.start && region.old_end <= x.end as usize;
        let r = self.requirements.iter().position(|q| inside(q.extent))?;
        let extent = self.requirements[r].extent;
        // A Purpose heading inside the block would make the changed lines
        // part of the Purpose.
        if self
            .purpose
            .as_ref()
            .is_some_and(|p| extent.range().contains(&(p.heading.start as usize)))
        {
            return None;
        }
        let overlaps =
            |x: Span| (x.start as usize) < region.old_end && region.start < x.end as usize;
        let mut schema = None;
        for (i, q) in self.schema_requirements.iter().enumerate() {
            if !overlaps(q.extent) {
                continue;
            }
            // A heading inside a fence is read with the fence open; and two
            // entries over the same lines are not what this handles.
            if q.masked || !inside(q.extent) || schema.is_some() {
                return None;
            }
            schema = Some(i);
        }
        Some((region, r, schema))
    }
}

/// Reads `f` over the lines `extent` of the old text covers in the new
/// text (`delta` bytes longer), as a document of their own.
fn read_block<T>(new: &str, extent: Span, delta: i64, f: impl FnOnce(&Doc) -> T) -> Option<T> {
    let start = extent.start as usize;
    let end = usize::try_from(extent.end as i64 + delta).ok()?;
    let text = new.get(start..end)?;
    let mut doc = Doc::new(text);
    // A block that stops before the end of the file ends with a line feed,
    // after which the scanner sees one more, empty, line; in the whole file
    // that line is the next block's header.
    if end < new.len() && doc.len() > 1 {
        doc.lines.pop();
    }
    Some(f(&doc))
}

/// Whether none of `text`'s lines can be structure: a heading (or anything
/// starting with `#`), a fence (or anything starting with a backtick or a
/// tilde), or a scenario-like line.
fn plain_lines(text: &str) -> bool {
    text.split('\n').all(|line| {
        let t = js::trim_start(line);
        !t.starts_with(['#', '`', '~']) && super::delta::misplaced_scenario(line, None).is_none()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "# s\n\n## Purpose\n\nWhat the spec is for, long enough to be a purpose.\n\n## Requirements\n\n### Requirement: One\n\nThe system SHALL do one.\n\n#### Scenario: First\n\n- **WHEN** one\n- **THEN** done\n\n### Requirement: Two\n\nThe system SHALL do two.\n\n#### Scenario: Second\n\n- **WHEN** two\n- **THEN** done\n";

    fn edit(text: &str, find: &str, replace: &str) -> String {
        let at = text.find(find).expect("the fixture has it");
        let mut t = text.to_string();
        t.replace_range(at..at + find.len(), replace);
        t
    }

    /// Splices `old` into `new`: returns whether the short way was taken,
    /// after checking the result against a fresh read.
    fn spliced(old: &str, new: &str) -> bool {
        let prev = MainSpec::parse(old);
        let short = prev.can_splice(old, new);
        assert_eq!(prev.splice(old, new), MainSpec::parse(new), "{new}");
        short
    }

    #[test]
    fn body_edits_take_the_short_way() {
        assert!(spliced(SPEC, &edit(SPEC, "do one", "do the one")));
        assert!(spliced(SPEC, &edit(SPEC, "SHALL do one", "shall do one")));
        assert!(spliced(
            SPEC,
            &edit(SPEC, "- **WHEN** one", "- **WHEN** one\n- **AND** more")
        ));
        assert!(spliced(
            SPEC,
            &edit(
                SPEC,
                "- **THEN** done\n\n###",
                "- **THEN** done\nmore\n\n###"
            )
        ));
        assert!(spliced(SPEC, &edit(SPEC, "The system SHALL do two.\n", "")));
        let crlf = SPEC.replace('\n', "\r\n");
        assert!(spliced(&crlf, &edit(&crlf, "do two", "do 🎉 two")));
        assert!(spliced(&crlf, &edit(&crlf, "do two", "do\r\ntwo")));
    }

    #[test]
    fn structural_edits_read_the_file_again() {
        for (find, replace) in [
            ("do one.", "do one.\n#### Scenario: New"),
            ("do one.", "do one.\n```"),
            ("do one.", "do one.\n- Scenario: x"),
            ("do one.", "do one.\n**Scenario:** x"),
            ("### Requirement: One", "### Requirement: Uno"),
            ("What the spec", "Why the spec"),
            ("do two.", "do\rtwo."),
            ("done\n\n### Requirement: Two", "done\n### Requirement: Two"),
        ] {
            assert!(!spliced(SPEC, &edit(SPEC, find, replace)), "{replace}");
        }
    }

    #[test]
    fn a_purpose_inside_a_block_reads_the_file_again() {
        let spec = edit(
            SPEC,
            "## Purpose\n\nWhat the spec is for, long enough to be a purpose.\n\n",
            "",
        );
        let spec = edit(
            &spec,
            "- **THEN** done\n\n### Requirement: Two",
            "- **THEN** done\n\n#### Purpose\n\nwhy\n\n### Requirement: Two",
        );
        assert!(!spliced(&spec, &edit(&spec, "why", "why not")));
    }
}
