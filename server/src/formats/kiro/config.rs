//! `.config.kiro` (G3): one JSON object, `{"specId": "<uuid>",
//! "workflowType": "requirements-first" | "design-first", "specType":
//! "feature" | "bugfix"}`.

use crate::model::Span;

/// Larger than any real config by orders of magnitude; not parsed.
pub const MAX_CONFIG_BYTES: usize = 1 << 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The value: a string's contents, or the JSON text of anything else.
    pub value: String,
    /// Whether the value is a JSON string.
    pub string: bool,
    /// Where the value is written (the key's line when it cannot be found).
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KiroConfig {
    pub spec_id: Option<Field>,
    pub workflow_type: Option<Field>,
    pub spec_type: Option<Field>,
    /// Other keys, as Kiro may add them.
    pub other_keys: Vec<String>,
}

/// Why a config could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigProblem {
    pub message: String,
    pub span: Span,
}

pub const WORKFLOW_TYPES: &[&str] = &["requirements-first", "design-first"];
pub const SPEC_TYPES: &[&str] = &["feature", "bugfix"];

pub fn parse(text: &str) -> Result<KiroConfig, ConfigProblem> {
    let whole = Span::new(0, text.len().min(u32::MAX as usize));
    if text.len() > MAX_CONFIG_BYTES {
        return Err(ConfigProblem {
            message: format!(
                ".config.kiro is {} bytes; a config is a single short JSON line, so it is not read",
                text.len()
            ),
            span: Span::new(0, 0),
        });
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let at = offset_of(text, e.line(), e.column());
        ConfigProblem {
            message: format!(".config.kiro is not valid JSON: {e}"),
            span: Span::new(at, at),
        }
    })?;
    let serde_json::Value::Object(map) = value else {
        return Err(ConfigProblem {
            message: ".config.kiro must hold a JSON object".into(),
            span: whole,
        });
    };
    let mut out = KiroConfig::default();
    for (k, v) in &map {
        let slot = match k.as_str() {
            "specId" => &mut out.spec_id,
            "workflowType" => &mut out.workflow_type,
            "specType" => &mut out.spec_type,
            _ => {
                out.other_keys.push(k.clone());
                continue;
            }
        };
        let (value, string) = match v {
            serde_json::Value::String(s) => (s.clone(), true),
            other => (other.to_string(), false),
        };
        *slot = Some(Field {
            value,
            string,
            span: value_span(text, k).unwrap_or(whole),
        });
    }
    Ok(out)
}

/// The byte offset of serde_json's 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut off = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            let mut at = off + column.saturating_sub(1).min(l.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return at;
        }
        off += l.len();
    }
    text.len()
}

/// Where the value of the top-level `"key"` is written: found by text, since
/// serde_json keeps no positions. Good enough for a one-line object.
fn value_span(text: &str, key: &str) -> Option<Span> {
    let needle = format!("\"{key}\"");
    let k = text.find(&needle)? + needle.len();
    let rest = &text[k..];
    let colon = rest.find(':')?;
    let v = rest[colon + 1..].trim_start();
    let start = text.len() - v.len();
    let len = if let Some(inner) = v.strip_prefix('"') {
        let mut escaped = false;
        let mut end = None;
        for (i, c) in inner.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i + 2);
                    break;
                }
                _ => escaped = false,
            }
        }
        end?
    } else {
        v.find([',', '}', '\n'])
            .unwrap_or(v.len())
            .min(v.trim_end().len())
    };
    Some(Span::new(start, start + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_keys_with_spans() {
        let t = r#"{"specId": "53999645-326a-4e72-bb15-66d22fb676a3", "workflowType": "requirements-first", "specType": "bugfix", "extra": 1}"#;
        let c = parse(t).unwrap();
        let st = c.spec_type.unwrap();
        assert_eq!((st.value.as_str(), st.string), ("bugfix", true));
        assert_eq!(&t[st.span.range()], "\"bugfix\"");
        assert_eq!(
            &t[c.workflow_type.unwrap().span.range()],
            "\"requirements-first\""
        );
        assert_eq!(
            c.spec_id.unwrap().value,
            "53999645-326a-4e72-bb15-66d22fb676a3"
        );
        assert_eq!(c.other_keys, ["extra"]);
    }

    #[test]
    fn a_number_where_a_string_belongs() {
        let t = "{\n  \"specType\": 3\n}";
        let f = parse(t).unwrap().spec_type.unwrap();
        assert_eq!(
            (f.value.as_str(), f.string, &t[f.span.range()]),
            ("3", false, "3")
        );
    }

    #[test]
    fn bad_configs_give_a_problem_not_a_panic() {
        for t in [
            "",
            "not json",
            "{\"specType\": ",
            "[1, 2]",
            "\"x\"",
            "{\"a\": 1,}",
            "\u{feff}{}",
        ] {
            assert!(parse(t).is_err(), "{t:?}");
        }
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
        let big = format!("{{\"specId\": \"{}\"}}", "x".repeat(MAX_CONFIG_BYTES));
        let e = parse(&big).unwrap_err();
        assert!(e.message.contains("not read"), "{}", e.message);
        let e = parse("{\n  \"a\": 1,\n  oops\n}").unwrap_err();
        // Line 3, column 3: the `o` of `oops`.
        assert_eq!(e.span, Span::new(14, 14));
    }
}
