//! The shape of rule configuration, checked while it is parsed. The Rego library reads its
//! settings leniently (`cfg[name].enabled == true`, `object.get(cfg, [name, key], default)`),
//! so an unknown rule name (`trusted-registry`), a misspelt setting (`min-uid`) or a value of
//! the wrong type (`enabled: "true"`) would load silently and leave the rule off or at its
//! default. Every built-in rule's settings are declared once, in [`super::catalog`], as
//! [`Type`]s; [`Checked`] deserializes a document against them and refuses anything else
//! from inside the parser, so the error carries the line and column of the offending key or
//! value. Both places rule settings come from use it: data documents (`--data`, policy
//! directories, the trust file's `data`) under `sigil.config.rules`, and the trust file's
//! `rules`.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value as Json};

use super::catalog;

/// What a setting may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Bool,
    /// A whole number, zero or more.
    Count,
    Str,
    /// One of these strings.
    OneOf(&'static [&'static str]),
    List(&'static Type),
    /// A map with exactly these keys (each optional).
    Object(&'static [Field]),
    /// A map whose listed keys have their type and whose other keys hold anything (a data
    /// document: the user's own policies read the rest).
    Open(&'static [Field]),
    /// Any value (a condition's `equals`).
    Any,
    /// The rule table: each key a rule of the catalog, each value its settings.
    Rules,
    /// One rule's settings: [`COMMON`] and the rule's own.
    Rule {
        name: &'static str,
        settings: &'static [Field],
    },
}

/// A key of a map and the type of its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub ty: Type,
}

pub const fn field(name: &'static str, ty: Type) -> Field {
    Field { name, ty }
}

/// The settings every rule has.
pub const COMMON: &[Field] = &[
    field("enabled", Type::Bool),
    field("mode", Type::OneOf(&["deny", "warn"])),
];

/// A signer a rule asks for: a key by id, or a certificate identity and issuer.
pub const SIGNER: Type = Type::Object(&[
    field("key_id", Type::Str),
    field("identity", Type::Str),
    field("identity_regexp", Type::Str),
    field("issuer", Type::Str),
    field("issuer_regexp", Type::Str),
]);

/// A condition on an attestation's predicate.
pub const CONDITION: Type = Type::Object(&[
    field("path", Type::Str),
    field("equals", Type::Any),
    field("one_of", Type::List(&Type::Any)),
    field("glob", Type::Str),
    field("regex", Type::Str),
    field("exists", Type::Bool),
]);

/// A required attestation (`required-attestations.attestations[]`, the trust file's
/// `attestations`).
pub const ATTESTATION: Type = Type::Object(&[
    field("name", Type::Str),
    field("predicate_type", Type::Str),
    field("predicate_types", Type::List(&Type::Str)),
    field("signers", Type::List(&SIGNER)),
    field("builder_ids", Type::List(&Type::Str)),
    field("conditions", Type::List(&CONDITION)),
]);

/// An approved base image.
pub const BASE_IMAGE: Type = Type::Object(&[
    field("name", Type::Str),
    field("digests", Type::List(&Type::Str)),
]);

/// A data document: anything, except that `sigil` is sigil's own and holds only
/// `config.rules`.
pub const DATA: Type = Type::Open(&[field(
    "sigil",
    Type::Object(&[field(
        "config",
        Type::Object(&[field("rules", Type::Rules)]),
    )]),
)]);

/// A [`DeserializeSeed`] that reads a value of `ty` into JSON and refuses anything else;
/// `at` names the value in messages (`non-root.min_uid`).
pub struct Checked {
    ty: &'static Type,
    at: String,
}

impl Checked {
    pub fn new(ty: &'static Type, at: impl Into<String>) -> Checked {
        Checked { ty, at: at.into() }
    }

    fn child(&self, ty: &'static Type, key: &str) -> Checked {
        let at = if self.at.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.at)
        };
        Checked { ty, at }
    }

    fn mismatch<E: de::Error>(&self, found: &str) -> E {
        let what = match self.ty {
            _ if !self.at.is_empty() => format!("`{}`", self.at),
            Type::Open(_) => "a data document (merged at the root of `data`)".to_string(),
            _ => "the value".to_string(),
        };
        E::custom(format!("{what} must be {}, not {found}", describe(self.ty)))
    }

    /// The fields of a map type (none for maps of anything).
    fn fields(&self) -> Option<Fields> {
        match self.ty {
            Type::Object(f) => Some(Fields::Exactly(f)),
            Type::Open(f) => Some(Fields::AtLeast(f)),
            Type::Rules => Some(Fields::Rules),
            Type::Rule { name, settings } => Some(Fields::Rule(name, settings)),
            _ => None,
        }
    }
}

/// What `ty` is, for messages.
fn describe(ty: &Type) -> String {
    match ty {
        Type::Bool => "true or false".into(),
        Type::Count => "a whole number (0 or more)".into(),
        Type::Str => "a string".into(),
        Type::OneOf(v) => format!("one of {}", quoted(v)),
        Type::List(t) => format!("a list of {}", describe_plural(t)),
        Type::Object(_) | Type::Open(_) => "a map".into(),
        Type::Any => "a value".into(),
        Type::Rules => "a map of rule names to their settings".into(),
        Type::Rule { .. } => "a map of settings".into(),
    }
}

fn describe_plural(ty: &Type) -> String {
    match ty {
        Type::Str => "strings".into(),
        Type::Any => "values".into(),
        Type::Object(_) => "maps".into(),
        other => describe(other),
    }
}

fn quoted(v: &[&str]) -> String {
    v.iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl<'de> DeserializeSeed<'de> for Checked {
    type Value = Json;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&describe(self.ty))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        match self.ty {
            Type::Bool | Type::Any => Ok(Json::Bool(v)),
            _ => Err(self.mismatch(&format!("{v}"))),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        match self.ty {
            Type::Any => Ok(Json::from(v)),
            Type::Count if v >= 0 => Ok(Json::from(v)),
            _ => Err(self.mismatch(&format!("the number {v}"))),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        match self.ty {
            Type::Any | Type::Count => Ok(Json::from(v)),
            _ => Err(self.mismatch(&format!("the number {v}"))),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        match self.ty {
            Type::Any => Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number)),
            _ => Err(self.mismatch(&format!("the number {v}"))),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        match self.ty {
            Type::Str | Type::Any => Ok(Json::String(v.to_string())),
            Type::OneOf(allowed) if allowed.contains(&v) => Ok(Json::String(v.to_string())),
            _ => Err(self.mismatch(&format!("the string {v:?}"))),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        match self.ty {
            Type::Any => Ok(Json::Null),
            _ => Err(self.mismatch("null")),
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<Json, E> {
        self.visit_unit()
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = Vec::new();
        match self.ty {
            Type::Any => {
                while let Some(v) = seq.next_element::<Json>()? {
                    out.push(v);
                }
            }
            Type::List(inner) => {
                while let Some(v) = seq.next_element_seed(Checked {
                    ty: inner,
                    at: format!("{}[{}]", self.at, out.len()),
                })? {
                    out.push(v);
                }
            }
            _ => return Err(self.mismatch("a list")),
        }
        Ok(Json::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = Map::new();
        if matches!(self.ty, Type::Any) {
            while let Some((k, v)) = map.next_entry::<String, Json>()? {
                out.insert(k, v);
            }
            return Ok(Json::Object(out));
        }
        let Some(fields) = self.fields() else {
            return Err(self.mismatch("a map"));
        };
        while let Some(key) = map.next_key_seed(Key {
            fields,
            at: &self.at,
        })? {
            let value = match key.ty {
                Some(ty) => map.next_value_seed(self.child(ty, &key.name))?,
                None => map.next_value::<Json>()?,
            };
            // Duplicates are refused where sigil reads the keys: which one would count is a
            // question for the parser.
            if key.ty.is_some() && out.contains_key(&key.name) {
                return Err(de::Error::custom(format!(
                    "`{}` is given twice",
                    self.child(&Type::Any, &key.name).at
                )));
            }
            out.insert(key.name, value);
        }
        Ok(Json::Object(out))
    }
}

/// The keys a map may have.
#[derive(Clone, Copy)]
enum Fields {
    Exactly(&'static [Field]),
    /// These, typed, and any other, untyped.
    AtLeast(&'static [Field]),
    Rules,
    Rule(&'static str, &'static [Field]),
}

impl Fields {
    fn find(self, key: &str) -> Option<&'static Type> {
        match self {
            Fields::Exactly(f) | Fields::AtLeast(f) => {
                f.iter().find(|f| f.name == key).map(|f| &f.ty)
            }
            Fields::Rules => catalog::by_name(key).map(|r| &r.schema),
            Fields::Rule(_, settings) => COMMON
                .iter()
                .chain(settings)
                .find(|f| f.name == key)
                .map(|f| &f.ty),
        }
    }

    fn names(self) -> Vec<&'static str> {
        match self {
            Fields::Exactly(f) | Fields::AtLeast(f) => f.iter().map(|f| f.name).collect(),
            Fields::Rules => catalog::RULES.iter().map(|r| r.name).collect(),
            Fields::Rule(_, settings) => COMMON.iter().chain(settings).map(|f| f.name).collect(),
        }
    }
}

/// A map key, checked against [`Fields`] as it is read (so an error points at the key).
struct Key<'a> {
    fields: Fields,
    at: &'a str,
}

struct KeyFound {
    name: String,
    /// The type of its value; `None` for a key of an open map that sigil does not read.
    ty: Option<&'static Type>,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = KeyFound;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<KeyFound, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = KeyFound;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyFound, E> {
        if let Some(ty) = self.fields.find(v) {
            return Ok(KeyFound {
                name: v.to_string(),
                ty: Some(ty),
            });
        }
        let names = self.fields.names();
        let hint = match suggest(v, &names) {
            Some(s) => format!(" (did you mean `{s}`?)"),
            None => String::new(),
        };
        Err(match self.fields {
            Fields::AtLeast(_) => {
                return Ok(KeyFound {
                    name: v.to_string(),
                    ty: None,
                });
            }
            Fields::Rules => E::custom(format!(
                "unknown rule `{v}` in `{}`{hint}; the rules are: {}",
                self.at,
                names.join(", ")
            )),
            Fields::Rule(rule, _) => E::custom(format!(
                "rule `{rule}` has no setting `{v}`{hint}; its settings are: {}",
                names.join(", ")
            )),
            Fields::Exactly(_) => E::custom(format!(
                "unknown key `{v}` in `{}`{hint}; expected one of: {}",
                if self.at.is_empty() { "." } else { self.at },
                names.join(", ")
            )),
        })
    }
}

/// The known name closest to `given`, if it is close enough to be a typo of it.
fn suggest<'a>(given: &str, names: &[&'a str]) -> Option<&'a str> {
    names
        .iter()
        .map(|n| (edit_distance(given, n), *n))
        .filter(|(d, n)| *d <= (n.len() / 4).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// Levenshtein distance over characters, `-` and `_` counted as the same.
fn edit_distance(a: &str, b: &str) -> usize {
    let norm = |c: char| {
        if c == '-' {
            '_'
        } else {
            c.to_ascii_lowercase()
        }
    };
    let b: Vec<char> = b.chars().map(norm).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().map(norm).enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Rule settings as the trust file holds them (`rules:`), checked against the catalog.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSettings(pub Map<String, Json>);

impl<'de> serde::Deserialize<'de> for RuleSettings {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<RuleSettings, D::Error> {
        match Checked::new(&Type::Rules, "rules").deserialize(d)? {
            Json::Object(m) => Ok(RuleSettings(m)),
            _ => unreachable!("a rule table is a map"),
        }
    }
}

/// Required attestations as the trust file lists them, checked against [`ATTESTATION`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attestations(pub Vec<Map<String, Json>>);

impl<'de> serde::Deserialize<'de> for Attestations {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Attestations, D::Error> {
        static LIST: Type = Type::List(&ATTESTATION);
        match Checked::new(&LIST, "attestations").deserialize(d)? {
            Json::Array(items) => Ok(Attestations(
                items
                    .into_iter()
                    .filter_map(|a| match a {
                        Json::Object(m) => Some(m),
                        _ => None,
                    })
                    .collect(),
            )),
            _ => unreachable!("a list is a list"),
        }
    }
}

#[cfg(test)]
mod tests;
