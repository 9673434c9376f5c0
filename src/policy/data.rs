//! The data document: JSON or YAML files, deep-merged. Rule settings in them
//! (`sigil.config.rules`) are checked against the rules' schema as they are parsed.

use std::path::Path;

use serde::de::DeserializeSeed;
use serde_json::Value;

use super::PolicyError;
use super::schema::{Checked, DATA};
use crate::util::located::Located;

/// Merges `overlay` into `base`: objects merge key by key, recursively; anything else in
/// `overlay` (arrays included) replaces what `base` had.
pub fn deep_merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing) => deep_merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}

/// Parses a data document: JSON, or YAML when `yaml` (or when it is not JSON).
pub fn parse_data(text: &str, yaml: bool) -> Result<Value, String> {
    let json_error = if yaml {
        None
    } else {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => return Ok(v),
            Err(e) => Some(e),
        }
    };
    let parsed =
        crate::util::yaml::parse(text, regorus::Value::from_yaml_str).map_err(|e| e.to_string())?;
    match parsed {
        Ok(v) => serde_json::to_value(&v).map_err(|e| e.to_string()),
        Err(e) => Err(match json_error {
            Some(j) => format!("neither JSON ({j}) nor YAML ({e})"),
            None => format!("invalid YAML: {e}"),
        }),
    }
}

/// Parses a data document as [`parse_data`] does, and checks it against [`DATA`]: it is an
/// object, and the rule settings under `sigil.config.rules` are those of the built-in rules,
/// with their types. Errors carry the line and column of the offending key or value.
pub fn parse_data_document(text: &str, yaml: bool) -> Result<Value, Located> {
    let json_error = if yaml {
        None
    } else {
        let mut de = serde_json::Deserializer::from_str(text);
        match data_seed()
            .deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
        {
            Ok(v) => return Ok(v),
            // Valid JSON with a wrong setting: that is the error, not whether it is YAML.
            Err(e) if e.is_data() => return Err(Located::json(&e)),
            Err(e) => Some(e),
        }
    };
    let parsed = crate::util::yaml::parse(text, |t| {
        data_seed().deserialize(yaml_serde::Deserializer::from_str(t))
    })
    .map_err(|e| Located {
        line: 0,
        column: 0,
        message: e.to_string(),
    })?;
    parsed.map_err(|e| match json_error {
        // Not JSON, and YAML only by syntax: the settings are wrong.
        Some(_) if is_yaml(text) => Located::yaml(&e),
        Some(j) => Located {
            line: 0,
            column: 0,
            message: format!("neither JSON ({j}) nor YAML ({e})"),
        },
        None => Located::yaml(&e),
    })
}

/// Whether `text` parses as YAML at all (to tell a syntax error from a wrong setting).
fn is_yaml(text: &str) -> bool {
    crate::util::yaml::parse(text, |t| {
        yaml_serde::from_str::<serde::de::IgnoredAny>(t).map(|_| ())
    })
    .is_ok_and(|r| r.is_ok())
}

fn data_seed() -> Checked {
    Checked::new(&DATA, "")
}

/// Reads a data file (`.yaml`/`.yml` as YAML, anything else as JSON or else YAML) with
/// [`parse_data_document`]. The document must be an object: it is merged at the root of
/// `data`.
pub fn load_data_file(path: &Path) -> Result<Value, PolicyError> {
    let text = crate::util::fs::read_text(path).map_err(|e| PolicyError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let yaml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    parse_data_document(&text, yaml).map_err(|at| PolicyError::DataAt {
        path: path.display().to_string(),
        line: at.line,
        column: at.column,
        message: at.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_is_deep_for_objects_and_replaces_the_rest() {
        let mut base = json!({"a": {"b": 1, "c": [1, 2]}, "d": "x"});
        deep_merge(
            &mut base,
            json!({"a": {"c": [3], "e": true}, "d": {"f": 1}}),
        );
        assert_eq!(
            base,
            json!({"a": {"b": 1, "c": [3], "e": true}, "d": {"f": 1}})
        );
    }

    #[test]
    fn yaml_and_json() {
        assert_eq!(
            parse_data("a:\n  b: [1, two]\n", true).unwrap(),
            json!({"a": {"b": [1, "two"]}})
        );
        assert_eq!(parse_data("{\"a\": 1}", false).unwrap(), json!({"a": 1}));
        assert_eq!(parse_data("a: 1\n", false).unwrap(), json!({"a": 1}));
        assert!(parse_data("a: [\n", true).is_err());
    }
}
