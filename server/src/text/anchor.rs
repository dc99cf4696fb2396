//! GitHub heading anchors, which acceptance links use as fragments.

use rustc_hash::FxHashMap;

/// The anchor GitHub computes for a heading: lowercase, characters other than
/// letters, digits, spaces, `-` and `_` dropped, spaces turned into `-`.
pub fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    slug_into(title, &mut out);
    out
}

/// [`slug`], written into `out` (cleared first): a reader that only hashes
/// each heading's anchor reuses one buffer for all of them.
pub fn slug_into(title: &str, out: &mut String) {
    out.clear();
    if title.is_ascii() {
        out.extend(title.bytes().filter_map(|b| match b {
            b' ' => Some('-'),
            b'A'..=b'Z' => Some(b.to_ascii_lowercase() as char),
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => Some(b as char),
            _ => None,
        }));
        return;
    }
    for c in title.chars() {
        // Headings are mostly ASCII; keep that path free of Unicode tables.
        if c.is_ascii() {
            match c {
                ' ' => out.push('-'),
                'A'..='Z' => out.push(c.to_ascii_lowercase()),
                'a'..='z' | '0'..='9' | '-' | '_' => out.push(c),
                _ => {}
            }
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
}

/// A heading's anchor as a hash. Every Markdown file's headings are kept for
/// as long as the workspace is, and their anchors as strings were a fifth of
/// what the server held for a large tree; a link only needs to know whether
/// its fragment is one of them. Where the anchors' text is shown (a
/// suggestion, a completion, a rename's edits) it is computed again from the
/// file's text ([`crate::model::anchor_names`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AnchorId(u64);

impl AnchorId {
    pub fn of(anchor: &str) -> AnchorId {
        use std::hash::{BuildHasher, BuildHasherDefault};
        // SipHash with fixed keys: a stable, well-spread 64 bits, so two of
        // a file's anchors never meet by chance (FxHash is not made for that).
        let sip = BuildHasherDefault::<std::hash::DefaultHasher>::default();
        AnchorId(sip.hash_one(anchor))
    }

    /// Whether this is the anchor `anchor`.
    pub fn is(self, anchor: &str) -> bool {
        self == AnchorId::of(anchor)
    }
}

/// Hands out anchors in document order, suffixing repeats with `-1`, `-2`…
#[derive(Default)]
pub struct AnchorSet {
    seen: FxHashMap<String, usize>,
}

impl AnchorSet {
    pub fn unique(&mut self, base: String) -> String {
        match self.seen.get_mut(&base) {
            None => {
                self.seen.insert(base.clone(), 0);
                base
            }
            Some(n) => {
                *n += 1;
                let candidate = format!("{base}-{n}");
                self.seen.insert(candidate.clone(), 0);
                candidate
            }
        }
    }
}

/// [`AnchorSet`] for a reader that keeps only each anchor's hash: the
/// anchors seen are kept as hashes too, and a name is built only for a
/// heading that repeats one. Gives the hashes of the names [`AnchorSet`]
/// gives, in the same order.
#[derive(Default)]
pub struct AnchorIds {
    seen: FxHashMap<AnchorId, usize>,
}

impl AnchorIds {
    pub fn unique(&mut self, base: &str) -> AnchorId {
        let id = AnchorId::of(base);
        match self.seen.get_mut(&id) {
            None => {
                self.seen.insert(id, 0);
                id
            }
            Some(n) => {
                *n += 1;
                let candidate = AnchorId::of(&format!("{base}-{n}"));
                self.seen.insert(candidate, 0);
                candidate
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_slugs() {
        assert_eq!(
            slug("Scenario: Caller dials a claimed number"),
            "scenario-caller-dials-a-claimed-number"
        );
        assert_eq!(
            slug("Requirement: `API` keys (v2)!"),
            "requirement-api-keys-v2"
        );
        assert_eq!(slug("Ünïcode ok_1"), "ünïcode-ok_1");
        assert_eq!(slug("a  b"), "a--b");
    }

    #[test]
    fn anchor_ids_tell_anchors_apart() {
        assert!(AnchorId::of("scenario-a").is("scenario-a"));
        assert!(!AnchorId::of("scenario-a").is("scenario-a-1"));
        assert_ne!(AnchorId::of(""), AnchorId::of("-"));
    }

    #[test]
    fn repeated_anchors_are_numbered() {
        let mut set = AnchorSet::default();
        assert_eq!(set.unique("x".into()), "x");
        assert_eq!(set.unique("x".into()), "x-1");
        assert_eq!(set.unique("x".into()), "x-2");
        assert_eq!(set.unique("x-1".into()), "x-1-1");
    }

    /// The hashing reader names the same anchors as the one that keeps
    /// strings, repeats and names that look like numbered repeats included.
    #[test]
    fn hashed_anchors_are_those_of_the_names() {
        let bases = ["x", "x", "x-1", "y", "x", "x-1", "", "", "x-2"];
        let mut names = AnchorSet::default();
        let mut ids = AnchorIds::default();
        for base in bases {
            let name = names.unique(base.to_string());
            assert_eq!(ids.unique(base), AnchorId::of(&name), "{base:?}");
        }
        let mut buf = String::from("left over");
        for title in ["Scenario: `API` keys (v2)!", "Ünïcode ok_1", ""] {
            slug_into(title, &mut buf);
            assert_eq!(buf, slug(title));
        }
    }
}
