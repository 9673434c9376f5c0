//! Registry JSON read the way Go's `encoding/json` reads it.
//!
//! containerd, Docker, crane and cosign read image configurations, manifests, indexes and
//! cosign's simple-signing payload with Go's `encoding/json`, which reads a JSON object into
//! a struct unlike serde does:
//! - a key names a field when it equals the field's name or, failing that, matches it under
//!   Unicode simple case folding (`bytes.EqualFold`): `user`, `USER` and `uſer` (U+017F)
//!   are all `User`, and the Kelvin sign U+212A is a `k`;
//! - every key naming a field is decoded into it, in order, so the last one wins — into the
//!   value already there: a second object for a struct field is merged into the first;
//! - `null` leaves a string, number, boolean or struct as it was, and empties a map, slice or
//!   pointer; keys naming no field are dropped.
//!
//! Map-typed fields (labels, annotations) keep their keys as written: exact, the last
//! duplicate winning. So to containerd `{"config":{"User":"1000","user":"0"}}` runs as
//! uid 0, where a serde reading sees "1000".
//!
//! [`decode`] reads a document against the [`Shape`] of the Go struct that runtimes use and
//! returns what they see, with every field under its canonical name; the typed parsers
//! then read that. Where Go's own readers differ, the document is refused
//! ([`GoJsonError::Ambiguous`]) rather than read one way: a struct field given as an object
//! and later as `null` (Docker's `*Config` pointer is emptied, containerd's `ImageConfig`
//! value is kept), and a list of objects given twice (Go merges the lists element by
//! element into a backing array whose reuse depends on the Go version).

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value as Json};

/// The Go type at a position of a document.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A struct: its fields by JSON name.
    Struct(&'static [(&'static str, Shape)]),
    /// A `map[string]T`: keys exact, values of this shape.
    Map(&'static Shape),
    /// A slice of values of this shape.
    Slice(&'static Shape),
    String,
    /// An integer type.
    Int,
    Bool,
    /// `interface{}` (or a type whose contents sigil passes on as they are): plain JSON,
    /// object keys exact, the last duplicate winning.
    Any,
}

/// Why a document cannot be read as Go reads it.
#[derive(Debug, thiserror::Error)]
pub enum GoJsonError {
    #[error("not JSON: {0}")]
    Syntax(#[source] serde_json::Error),
    #[error("{path}: {found} where Go reads {expected}")]
    Type {
        path: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error(
        "{path}: the keys {keys} all name the field {field:?}, and Go's readers do not agree on what that makes ({why})"
    )]
    Ambiguous {
        path: String,
        field: &'static str,
        keys: String,
        why: &'static str,
    },
}

/// A JSON value with every object's keys in order, duplicates kept.
#[derive(Debug, Clone, PartialEq)]
enum Raw {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Raw>),
    Object(Vec<(String, Raw)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Raw, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Raw, E> {
        Ok(Raw::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Raw, E> {
        Ok(Raw::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Raw, E> {
        Number::from_f64(n)
            .map(Raw::Number)
            .ok_or_else(|| E::custom("a number out of range"))
    }
    fn visit_str<E>(self, s: &str) -> Result<Raw, E> {
        Ok(Raw::String(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Raw, E> {
        Ok(Raw::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Raw>()? {
            entries.push((k, v));
        }
        Ok(Raw::Object(entries))
    }
}

impl Raw {
    fn kind(&self) -> &'static str {
        match self {
            Raw::Null => "null",
            Raw::Bool(_) => "a boolean",
            Raw::Number(_) => "a number",
            Raw::String(_) => "a string",
            Raw::Array(_) => "an array",
            Raw::Object(_) => "an object",
        }
    }

    /// Plain JSON: object keys exact, the last duplicate winning.
    fn plain(&self) -> Json {
        match self {
            Raw::Null => Json::Null,
            Raw::Bool(b) => Json::Bool(*b),
            Raw::Number(n) => Json::Number(n.clone()),
            Raw::String(s) => Json::String(s.clone()),
            Raw::Array(items) => Json::Array(items.iter().map(Raw::plain).collect()),
            Raw::Object(entries) => {
                let mut m = Map::new();
                for (k, v) in entries {
                    m.insert(k.clone(), v.plain());
                }
                Json::Object(m)
            }
        }
    }
}

/// Reads `bytes` as Go reads them into a value of `shape`: the result has each struct field
/// under its canonical name, as Go ends up with it, and nothing Go drops.
pub fn decode(bytes: &[u8], shape: &Shape) -> Result<Json, GoJsonError> {
    let raw: Raw = serde_json::from_slice(bytes).map_err(GoJsonError::Syntax)?;
    let mut slot = None;
    decode_into(&raw, shape, &mut slot, "$")?;
    Ok(slot.unwrap_or(Json::Null))
}

/// [`decode`], then the typed reading of the result.
pub fn from_slice<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    shape: &Shape,
) -> Result<T, GoJsonError> {
    serde_json::from_value(decode(bytes, shape)?).map_err(GoJsonError::Syntax)
}

/// Decodes `raw` into `slot` (None: nothing there yet) as Go decodes into a value of `shape`
/// that may already hold something.
fn decode_into(
    raw: &Raw,
    shape: &Shape,
    slot: &mut Option<Json>,
    path: &str,
) -> Result<(), GoJsonError> {
    let mismatch = |expected| GoJsonError::Type {
        path: path.to_string(),
        expected,
        found: raw.kind(),
    };
    match (shape, raw) {
        // null leaves these as they were.
        (Shape::String | Shape::Int | Shape::Bool | Shape::Struct(_), Raw::Null) => {
            if slot.is_none() {
                *slot = Some(Json::Null);
            }
        }
        (Shape::Map(_) | Shape::Slice(_) | Shape::Any, Raw::Null) => *slot = Some(Json::Null),
        (Shape::Any, _) => *slot = Some(raw.plain()),
        (Shape::String, Raw::String(s)) => *slot = Some(Json::String(s.clone())),
        (Shape::String, _) => return Err(mismatch("a string")),
        (Shape::Bool, Raw::Bool(b)) => *slot = Some(Json::Bool(*b)),
        (Shape::Bool, _) => return Err(mismatch("a boolean")),
        (Shape::Int, Raw::Number(n)) if n.is_i64() || n.is_u64() => {
            *slot = Some(Json::Number(n.clone()))
        }
        (Shape::Int, _) => return Err(mismatch("an integer")),
        (Shape::Slice(element), Raw::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let mut v = None;
                decode_into(item, element, &mut v, &format!("{path}[{i}]"))?;
                out.push(v.unwrap_or(Json::Null));
            }
            *slot = Some(Json::Array(out));
        }
        (Shape::Slice(_), _) => return Err(mismatch("an array")),
        (Shape::Map(value), Raw::Object(entries)) => {
            let mut m = match slot.take() {
                Some(Json::Object(m)) => m,
                _ => Map::new(),
            };
            for (k, v) in entries {
                // Each value is decoded afresh, then replaces any earlier one.
                let mut fresh = None;
                decode_into(v, value, &mut fresh, &format!("{path}.{k}"))?;
                m.insert(k.clone(), fresh.unwrap_or(Json::Null));
            }
            *slot = Some(Json::Object(m));
        }
        (Shape::Map(_), _) => return Err(mismatch("an object")),
        (Shape::Struct(fields), Raw::Object(entries)) => {
            let mut m = match slot.take() {
                Some(Json::Object(m)) => m,
                _ => Map::new(),
            };
            refuse_ambiguous(fields, entries, path)?;
            for (k, v) in entries {
                let Some((name, field)) = field_for(fields, k) else {
                    continue;
                };
                let mut current = m.remove(*name);
                decode_into(v, field, &mut current, &format!("{path}.{name}"))?;
                if let Some(c) = current {
                    m.insert(name.to_string(), c);
                }
            }
            *slot = Some(Json::Object(m));
        }
        (Shape::Struct(_), _) => return Err(mismatch("an object")),
    }
    Ok(())
}

/// The field a key names: the one of that exact name, else the first that matches it under
/// simple case folding.
fn field_for<'a>(
    fields: &'a [(&'static str, Shape)],
    key: &str,
) -> Option<&'a (&'static str, Shape)> {
    fields
        .iter()
        .find(|(name, _)| *name == key)
        .or_else(|| fields.iter().find(|(name, _)| equal_fold(key, name)))
}

/// `bytes.EqualFold(key, name)` for an ASCII `name`: rune by rune, equal or in the same
/// simple case folding orbit. The only non-ASCII runes whose orbit holds an ASCII letter are
/// U+017F (ſ, with s and S) and U+212A (the Kelvin sign, with k and K).
pub fn equal_fold(key: &str, name: &str) -> bool {
    let fold = |c: char| match c {
        '\u{17f}' => 'S',
        '\u{212a}' => 'K',
        c => c.to_ascii_uppercase(),
    };
    let mut k = key.chars();
    let mut n = name.chars();
    loop {
        match (k.next(), n.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if fold(a) == fold(b) => {}
            _ => return false,
        }
    }
}

/// Refuses an object in which Go's readers would not agree on a field given more than once.
fn refuse_ambiguous(
    fields: &'static [(&'static str, Shape)],
    entries: &[(String, Raw)],
    path: &str,
) -> Result<(), GoJsonError> {
    for (name, shape) in fields {
        let given: Vec<&(String, Raw)> = entries
            .iter()
            .filter(|(k, _)| field_for(fields, k).is_some_and(|(n, _)| n == name))
            .collect();
        if given.len() < 2 {
            continue;
        }
        let why = match shape {
            Shape::Struct(_) => {
                let object_then_null = given
                    .iter()
                    .skip_while(|(_, v)| !matches!(v, Raw::Object(_)))
                    .any(|(_, v)| *v == Raw::Null);
                object_then_null.then_some(
                    "an object then null: Docker empties a pointer, containerd keeps a value",
                )
            }
            Shape::Slice(Shape::Struct(_) | Shape::Map(_) | Shape::Slice(_)) => Some(
                "lists of objects are merged element by element, as each Go version reuses them",
            ),
            _ => None,
        };
        if let Some(why) = why {
            return Err(GoJsonError::Ambiguous {
                path: path.to_string(),
                field: name,
                keys: given
                    .iter()
                    .map(|(k, _)| format!("{k:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                why,
            });
        }
    }
    Ok(())
}

// --- the documents sigil reads --------------------------------------------------------------

const STRINGS: Shape = Shape::Slice(&Shape::String);
const STRING_MAP: Shape = Shape::Map(&Shape::String);

/// The container configuration inside an image configuration: containerd's
/// `ocispec.ImageConfig` and Docker's `container.Config`, the fields sigil reads.
const CONTAINER_CONFIG: Shape = Shape::Struct(&[
    ("User", Shape::String),
    // Passed on as they are: Docker's `strslice.StrSlice` also takes a string.
    ("Entrypoint", Shape::Any),
    ("Cmd", Shape::Any),
    ("Env", STRINGS),
    ("WorkingDir", Shape::String),
    ("Labels", STRING_MAP),
]);

/// An image configuration: containerd's `ocispec.Image`, Docker's `image.Image`, the fields
/// sigil reads.
pub const IMAGE_CONFIG: Shape = Shape::Struct(&[
    ("created", Shape::String),
    ("architecture", Shape::String),
    ("os", Shape::String),
    ("variant", Shape::String),
    ("config", CONTAINER_CONFIG),
]);

const PLATFORM: Shape = Shape::Struct(&[
    ("architecture", Shape::String),
    ("os", Shape::String),
    ("os.version", Shape::String),
    ("os.features", STRINGS),
    ("variant", Shape::String),
]);

/// `ocispec.Descriptor`.
pub const DESCRIPTOR: Shape = Shape::Struct(&[
    ("mediaType", Shape::String),
    ("digest", Shape::String),
    ("size", Shape::Int),
    ("urls", STRINGS),
    ("annotations", STRING_MAP),
    ("data", Shape::String),
    ("platform", PLATFORM),
    ("artifactType", Shape::String),
]);

const DESCRIPTORS: Shape = Shape::Slice(&DESCRIPTOR);

/// A manifest or an index (a referrers response, a layout's `index.json`), as containerd
/// first reads one to tell which it is (`schemaVersion`, `mediaType`, `config`, `layers`,
/// `manifests`), with the fields of both `ocispec.Manifest` and `ocispec.Index`.
pub const MANIFEST: Shape = Shape::Struct(&[
    ("schemaVersion", Shape::Int),
    ("mediaType", Shape::String),
    ("artifactType", Shape::String),
    ("config", DESCRIPTOR),
    ("layers", DESCRIPTORS),
    ("manifests", DESCRIPTORS),
    ("subject", DESCRIPTOR),
    ("annotations", STRING_MAP),
]);

/// cosign's `payload.SimpleContainerImage`.
pub const SIMPLE_SIGNING: Shape = Shape::Struct(&[
    (
        "critical",
        Shape::Struct(&[
            (
                "identity",
                Shape::Struct(&[("docker-reference", Shape::String)]),
            ),
            (
                "image",
                Shape::Struct(&[("docker-manifest-digest", Shape::String)]),
            ),
            ("type", Shape::String),
        ]),
    ),
    ("optional", Shape::Map(&Shape::Any)),
]);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn config(text: &str) -> Json {
        decode(text.as_bytes(), &IMAGE_CONFIG).unwrap()
    }

    #[test]
    fn keys_fold_onto_struct_fields_and_the_last_wins() {
        assert_eq!(
            config(r#"{"config":{"User":"1000","user":"0"}}"#)["config"]["User"],
            "0"
        );
        assert_eq!(
            config(r#"{"config":{"user":"0","User":"1000"}}"#)["config"]["User"],
            "1000"
        );
        // A lone key in another case is the field, as Go reads it.
        assert_eq!(config(r#"{"config":{"user":"0"}}"#)["config"]["User"], "0");
        assert_eq!(config(r#"{"CONFIG":{"USER":"0"}}"#)["config"]["User"], "0");
        // Exact duplicates: the last.
        assert_eq!(
            config(r#"{"config":{"User":"1000","User":"0"}}"#)["config"]["User"],
            "0"
        );
    }

    #[test]
    fn unicode_simple_folding_as_bytes_equal_fold() {
        // U+017F LATIN SMALL LETTER LONG S folds with s; U+212A KELVIN SIGN with k.
        assert_eq!(
            config("{\"config\":{\"User\":\"1000\",\"u\u{17f}er\":\"0\"}}")["config"]["User"],
            "0"
        );
        let d = decode(
            "{\"schemaVersion\":2,\"config\":{},\"layers\":[],\"annotations\":{},\"mar\u{212a}er\":1}"
                .as_bytes(),
            &MANIFEST,
        )
        .unwrap();
        assert!(d.get("marker").is_none());
        assert!(equal_fold("\u{212a}ind", "kind"));
        assert!(equal_fold("\u{17f}ize", "SIZE"));
        // Other look-alikes are not letters of the name: dotless i, dotted I, fullwidth U.
        assert!(!equal_fold("\u{131}d", "id"));
        assert!(!equal_fold("\u{130}D", "id"));
        assert!(!equal_fold("\u{ff35}ser", "User"));
        assert!(!equal_fold("Use", "User"));
        assert!(!equal_fold("Users", "User"));
    }

    #[test]
    fn map_positions_keep_keys_exact() {
        let c = config(r#"{"config":{"Labels":{"a":"1","A":"2","a":"3"}}}"#);
        assert_eq!(c["config"]["Labels"], json!({"a": "3", "A": "2"}));
        let p = decode(
            br#"{"critical":{"type":"t"},"optional":{"k":{"X":1,"x":2,"X":3}}}"#,
            &SIMPLE_SIGNING,
        )
        .unwrap();
        assert_eq!(p["optional"]["k"], json!({"X": 3, "x": 2}));
    }

    #[test]
    fn a_struct_given_twice_is_merged_as_go_does() {
        // `config` then `Config`: the second decoded into the first.
        let c = config(
            r#"{"config":{"User":"1000","Env":["A=1"],"Labels":{"a":"1"}},"Config":{"User":"0","Labels":{"b":"2"}}}"#,
        );
        assert_eq!(c["config"]["User"], "0");
        assert_eq!(c["config"]["Env"], json!(["A=1"]));
        assert_eq!(c["config"]["Labels"], json!({"a": "1", "b": "2"}));
        // null leaves a string as it was, and empties a map.
        let c =
            config(r#"{"config":{"User":"1000","user":null,"Labels":{"a":"1"},"labels":null}}"#);
        assert_eq!(c["config"]["User"], "1000");
        assert_eq!(c["config"]["Labels"], Json::Null);
        // Nested struct positions fold too; keys nobody reads are dropped.
        let m = decode(
            br#"{"schemaVersion":2,"Config":{"MediaType":"m","DIGEST":"sha256:x","Size":2,"extra":1}}"#,
            &MANIFEST,
        )
        .unwrap();
        assert_eq!(
            m,
            json!({"schemaVersion": 2, "config": {"mediaType": "m", "digest": "sha256:x", "size": 2}})
        );
    }

    #[test]
    fn where_go_readers_differ_the_document_is_refused() {
        let err = decode(
            br#"{"config":{"User":"1000"},"Config":null}"#,
            &IMAGE_CONFIG,
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                GoJsonError::Ambiguous {
                    field: "config",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains(r#""config", "Config""#), "{err}");
        // null first, then an object: the same to every reader.
        assert_eq!(
            config(r#"{"config":null,"Config":{"User":"0"}}"#)["config"]["User"],
            "0"
        );
        let err = decode(
            br#"{"schemaVersion":2,"config":{},"layers":[{"digest":"a"}],"Layers":[{"size":1}]}"#,
            &MANIFEST,
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                GoJsonError::Ambiguous {
                    field: "layers",
                    ..
                }
            ),
            "{err}"
        );
        // A list of strings given twice is the last one.
        assert_eq!(
            config(r#"{"config":{"Env":["A=1","B=2"],"env":["C=3"]}}"#)["config"]["Env"],
            json!(["C=3"])
        );
    }

    #[test]
    fn types_go_cannot_read_are_errors() {
        for bad in [
            r#"{"config":{"User":0}}"#,
            r#"{"config":{"Labels":{"a":1}}}"#,
            r#"{"config":[]}"#,
            r#"{"config":{"Env":"A=1"}}"#,
        ] {
            let err = decode(bad.as_bytes(), &IMAGE_CONFIG).unwrap_err();
            assert!(matches!(err, GoJsonError::Type { .. }), "{bad}: {err}");
        }
        let err = decode(br#"{"schemaVersion":2.5}"#, &MANIFEST).unwrap_err();
        assert!(err.to_string().contains("$.schemaVersion"), "{err}");
        assert!(matches!(
            decode(b"{\"a\":1", &MANIFEST),
            Err(GoJsonError::Syntax(_))
        ));
    }
}
