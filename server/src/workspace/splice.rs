//! A file's summary after an edit, taken over from its previous version
//! rather than read again, where the file's reader can tell what the edit
//! changed: a main spec's requirement body, a Spec Kit task list's line.
//! Each reader proves its splice equal to a fresh read on the corpus
//! (`server/tests/units.rs`, `server/tests/speckit_splice.rs`).

use super::Summary;
use crate::formats::speckit;
use crate::model::Heading;

/// The summary of `new`, moved out of `summary` (that of `old`) and
/// updated, or `None` with `summary` left as it was when the file must be
/// read in full.
pub(super) fn take(summary: &mut Summary, old: &str, new: &str) -> Option<Summary> {
    match summary {
        // After a keystroke most of a main spec's summary stays as it was:
        // it is moved into the new one rather than copied.
        Summary::Main(_) => {
            let Summary::Main(s) = std::mem::replace(summary, Summary::None) else {
                unreachable!("matched above")
            };
            Some(Summary::Main(Box::new((*s).splice(old, new))))
        }
        Summary::SpecKit(s) => {
            let speckit::Summary::Tasks(tasks) = &mut s.native else {
                return None;
            };
            let done = tasks.splice(old, new)?;
            s.doc.shift(done.at, done.delta);
            if let Some(k) = done.task {
                s.doc.tasks[k] = speckit::graph::task(&tasks.tasks[k]);
            }
            shift_headings(&mut s.headings, done.at, done.delta);
            Some(std::mem::replace(summary, Summary::None))
        }
        _ => None,
    }
}

/// Headings after an edit within one line that is not a heading.
fn shift_headings(headings: &mut [Heading], from: u32, bytes: i64) {
    for h in headings.iter_mut().filter(|h| h.span.start >= from) {
        h.span.shift(bytes);
        h.title.shift(bytes);
    }
}
