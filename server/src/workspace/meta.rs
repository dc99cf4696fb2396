//! Change metadata (`.openspec.yaml`) and the project's `config.yaml`, read
//! only for what changes validity: the schema and the `skip_specs` marker.

use serde_norway::Value;

/// The `skip_specs` marker as OpenSpec honours it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SkipSpecs {
    pub declared: bool,
    /// Set when the marker is written but cannot be honoured.
    pub invalid_reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ChangeMeta {
    pub schema: Option<String>,
    pub skip_specs: SkipSpecs,
}

/// Reads `.openspec.yaml`. `known_schema` says whether a schema name
/// resolves (built in, or under `openspec/schemas/`).
pub fn parse_change_meta(raw: &str, known_schema: &dyn Fn(&str) -> bool) -> ChangeMeta {
    let parsed: Value = match serde_norway::from_str(raw) {
        Ok(v) => v,
        Err(_) => {
            let mentioned = raw.lines().any(|l| {
                let t = l.trim_start();
                let t = t.trim_start_matches(['\'', '"']);
                t.starts_with("skip_specs")
                    && t["skip_specs".len()..]
                        .trim_start_matches(['\'', '"'])
                        .trim_start()
                        .starts_with(':')
            });
            return ChangeMeta {
                schema: None,
                skip_specs: SkipSpecs {
                    declared: false,
                    invalid_reason: mentioned.then(|| "the file is not valid YAML".to_string()),
                },
            };
        }
    };
    let schema = parsed
        .get("schema")
        .and_then(Value::as_str)
        .map(str::to_string);
    let marker = parsed.get("skip_specs");
    let problem = validate(&parsed);
    let skip_specs = match (problem, marker) {
        (None, Some(Value::Bool(true))) => {
            let name = schema.clone().unwrap_or_default();
            if known_schema(&name) {
                SkipSpecs {
                    declared: true,
                    invalid_reason: None,
                }
            } else {
                SkipSpecs {
                    declared: false,
                    invalid_reason: Some(format!("schema: unknown schema '{name}'")),
                }
            }
        }
        (None, _) => SkipSpecs::default(),
        (Some(reason), Some(v)) if *v != Value::Bool(false) => SkipSpecs {
            declared: false,
            invalid_reason: Some(reason),
        },
        (Some(_), _) => SkipSpecs::default(),
    };
    ChangeMeta { schema, skip_specs }
}

/// The first problem OpenSpec's metadata schema finds, as `path: message`.
fn validate(v: &Value) -> Option<String> {
    let Some(map) = v.as_mapping() else {
        return Some("Invalid input: expected object".into());
    };
    let get = |k: &str| map.get(Value::String(k.into()));
    match get("schema") {
        Some(Value::String(s)) if !s.is_empty() => {}
        Some(Value::String(_)) => return Some("schema: schema is required".into()),
        _ => return Some("schema: Invalid input: expected string".into()),
    }
    if let Some(c) = get("created") {
        match c.as_str() {
            Some(s) if is_date(s) => {}
            Some(_) => return Some("created: created must be YYYY-MM-DD format".into()),
            None => return Some("created: Invalid input: expected string".into()),
        }
    }
    for key in ["skip_specs", "retire_capabilities"] {
        if let Some(b) = get(key) {
            if !b.is_bool() {
                return Some(format!("{key}: Invalid input: expected boolean"));
            }
        }
    }
    if let Some(g) = get("goal") {
        if g.as_str().is_none_or(str::is_empty) {
            return Some("goal: Invalid input: expected string".into());
        }
    }
    None
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// The `schema:` of `openspec/config.yaml`, if any.
pub fn project_schema(raw: &str) -> Option<String> {
    let v: Value = serde_norway::from_str(raw).ok()?;
    v.get("schema").and_then(Value::as_str).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(s: &str) -> bool {
        s == "spec-driven"
    }

    #[test]
    fn skip_specs_is_honoured_only_with_valid_metadata() {
        let m = parse_change_meta(
            "schema: spec-driven\ncreated: 2026-10-02\nskip_specs: true\n",
            &known,
        );
        assert!(m.skip_specs.declared);
        let m = parse_change_meta("schema: spec-driven\nskip_specs: \"yes\"\n", &known);
        assert!(!m.skip_specs.declared);
        assert!(m
            .skip_specs
            .invalid_reason
            .unwrap()
            .starts_with("skip_specs:"));
        let m = parse_change_meta("schema: mine\nskip_specs: true\n", &known);
        assert_eq!(
            m.skip_specs.invalid_reason.as_deref(),
            Some("schema: unknown schema 'mine'")
        );
        let m = parse_change_meta("created: 2026-10-02\n", &known);
        assert_eq!(m.skip_specs, SkipSpecs::default());
        let m = parse_change_meta("skip_specs: [\n", &known);
        assert_eq!(
            m.skip_specs.invalid_reason.as_deref(),
            Some("the file is not valid YAML")
        );
    }
}
