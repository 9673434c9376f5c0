//! The data document: JSON or YAML files, deep-merged.

use std::path::Path;

use serde_json::Value;

use super::PolicyError;

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

/// Reads a data file (`.yaml`/`.yml` as YAML, anything else as JSON or else YAML). The
/// document must be an object: it is merged at the root of `data`.
pub fn load_data_file(path: &Path) -> Result<Value, PolicyError> {
    let text = crate::util::fs::read_text(path).map_err(|e| PolicyError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let yaml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let value = parse_data(&text, yaml).map_err(|message| PolicyError::Data {
        path: path.display().to_string(),
        message,
    })?;
    if !value.is_object() {
        return Err(PolicyError::Data {
            path: path.display().to_string(),
            message: "a data document must be an object (it is merged at the root of data)".into(),
        });
    }
    Ok(value)
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
