//! Text to insert, with optional tab stops and choices, rendered either in
//! the LSP snippet syntax or as plain text for clients without snippets.
//! Keeping the pieces apart (rather than writing snippet strings and
//! stripping them again) means the plain form can never carry a stray `$`
//! or lose a literal one.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// `${n:default}`; plain text keeps the default.
    Tab(u32, String),
    /// `${n|a,b|}`; plain text takes the first choice.
    Choice(u32, Vec<String>),
    /// `$0`, where the cursor ends; nothing in plain text.
    End,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snippet(pub Vec<Piece>);

impl Snippet {
    pub fn text(s: impl Into<String>) -> Snippet {
        Snippet(vec![Piece::Text(s.into())])
    }

    /// Whether there is anything a snippet can do that plain text cannot.
    pub fn has_stops(&self) -> bool {
        self.0.iter().any(|p| !matches!(p, Piece::Text(_)))
    }

    /// The text inserted by a client without snippet support.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Piece::Text(t) | Piece::Tab(_, t) => out.push_str(t),
                Piece::Choice(_, c) => out.push_str(c.first().map_or("", String::as_str)),
                Piece::End => {}
            }
        }
        out
    }

    /// The LSP snippet syntax (`insertTextFormat: 2`).
    pub fn snippet(&self) -> String {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Piece::Text(t) => escape(&mut out, t, false),
                Piece::Tab(n, t) => {
                    out.push_str(&format!("${{{n}:"));
                    escape(&mut out, t, false);
                    out.push('}');
                }
                Piece::Choice(n, c) => {
                    out.push_str(&format!("${{{n}|"));
                    for (i, v) in c.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        escape(&mut out, v, true);
                    }
                    out.push_str("|}");
                }
                Piece::End => out.push_str("$0"),
            }
        }
        out
    }
}

/// `$`, `}` and `\` are escaped everywhere; inside a choice, `,` and `|`
/// too (the specification's grammar).
fn escape(out: &mut String, s: &str, in_choice: bool) {
    for c in s.chars() {
        if matches!(c, '$' | '}' | '\\') || (in_choice && matches!(c, ',' | '|')) {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_snippet_forms() {
        let s = Snippet(vec![
            Piece::Text("pay $5 {x} ".into()),
            Piece::Choice(1, vec!["\"a,b\"".into(), "\"c|d\"".into()]),
            Piece::Text(" to ".into()),
            Piece::Tab(2, "who}".into()),
            Piece::End,
        ]);
        assert_eq!(s.plain(), "pay $5 {x} \"a,b\" to who}");
        assert_eq!(
            s.snippet(),
            "pay \\$5 {x\\} ${1|\"a\\,b\",\"c\\|d\"|} to ${2:who\\}}$0"
        );
        assert!(s.has_stops());
        assert!(!Snippet::text("x").has_stops());
    }
}
