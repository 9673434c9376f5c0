//! JSON to regorus values by hand: the policy input is converted once per evaluation, and
//! walking `serde_json::Value` directly costs about half of going through serde's
//! `Deserialize` (which was half the time of a whole evaluation).

use std::collections::BTreeMap;

use serde_json::Value as Json;

/// Deepest nesting converted; deeper input is refused (a denial, as any unusable input).
pub const MAX_DEPTH: usize = 256;

/// Converts `v`, or says why not (too deep).
pub fn to_regorus(v: &Json) -> Result<regorus::Value, String> {
    convert(v, 0)
}

fn convert(v: &Json, depth: usize) -> Result<regorus::Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!("nested more than {MAX_DEPTH} levels deep"));
    }
    Ok(match v {
        Json::Null => regorus::Value::Null,
        Json::Bool(b) => regorus::Value::from(*b),
        Json::Number(n) => {
            if let Some(u) = n.as_u64() {
                regorus::Value::from(u)
            } else if let Some(i) = n.as_i64() {
                regorus::Value::from(i)
            } else {
                regorus::Value::from(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Json::String(s) => regorus::Value::from(s.as_str()),
        Json::Array(a) => regorus::Value::from(
            a.iter()
                .map(|x| convert(x, depth + 1))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Json::Object(m) => {
            let mut out = BTreeMap::new();
            for (k, x) in m {
                out.insert(regorus::Value::from(k.as_str()), convert(x, depth + 1)?);
            }
            regorus::Value::from(out)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[test]
    fn agrees_with_serde() {
        let texts = [
            include_str!("../../testdata/provenance/github-actions-pinned.json"),
            r#"{"a": [1, -2, 3.5, 1e300, 18446744073709551615, -9223372036854775808, null, true, "x"], "b": {}, "c": []}"#,
            r#""just a string""#,
        ];
        for t in texts {
            let j: Json = serde_json::from_str(t).unwrap();
            let ours = to_regorus(&j).unwrap();
            let theirs = regorus::Value::deserialize(&j).unwrap();
            assert_eq!(ours, theirs, "{t}");
        }
    }

    #[test]
    fn deep_input_is_refused() {
        let mut v = Json::Null;
        for _ in 0..(MAX_DEPTH + 2) {
            v = Json::Array(vec![v]);
        }
        assert!(to_regorus(&v).unwrap_err().contains("levels deep"));
    }
}
