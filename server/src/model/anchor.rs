//! GitHub heading anchors, which acceptance links use as fragments.

use std::collections::HashMap;

/// The anchor GitHub computes for a heading: lowercase, characters other than
/// letters, digits, spaces, `-` and `_` dropped, spaces turned into `-`.
pub fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars() {
        if c == ' ' {
            out.push('-');
        } else if c.is_alphanumeric() || c == '-' || c == '_' {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Hands out anchors in document order, suffixing repeats with `-1`, `-2`…
#[derive(Default)]
pub struct AnchorSet {
    seen: HashMap<String, usize>,
}

impl AnchorSet {
    pub fn unique(&mut self, base: &str) -> String {
        match self.seen.get_mut(base) {
            None => {
                self.seen.insert(base.to_string(), 0);
                base.to_string()
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
    fn repeated_anchors_are_numbered() {
        let mut set = AnchorSet::default();
        assert_eq!(set.unique("x"), "x");
        assert_eq!(set.unique("x"), "x-1");
        assert_eq!(set.unique("x"), "x-2");
        assert_eq!(set.unique("x-1"), "x-1-1");
    }
}
