//! The trust file as written: serde shapes that refuse unknown keys and wrong types at
//! parse time, so that every such mistake is reported with its line and column by the YAML
//! parser. Checks that need the file system (keys, certificates) happen in [`super`].

use serde::Deserialize;

use crate::policy::schema::{Attestations, RuleSettings};

/// `sigil.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrustFile {
    /// Format version; 1 is the only one.
    pub version: u32,
    /// What happens to an image that no entry matches.
    #[serde(default)]
    pub unmatched: Unmatched,
    /// Rule configuration for every image: merged over `data.sigil.config.rules`; checked
    /// against the rules' settings as it is parsed.
    #[serde(default)]
    pub rules: Option<RuleSettings>,
    /// Extra Rego files or directories for every image, relative to the trust file.
    #[serde(default)]
    pub policies: Vec<String>,
    /// Extra data files for every image, relative to the trust file.
    #[serde(default)]
    pub data: Vec<String>,
    #[serde(default)]
    pub images: Vec<RawEntry>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unmatched {
    /// An image no entry matches is denied (SIGIL-TRUST-001).
    #[default]
    Deny,
    /// An image no entry matches is judged by the global rules only.
    Allow,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Denials deny.
    #[default]
    Enforce,
    /// Denials are reported as warnings; the image passes.
    Warn,
}

/// One entry of `images`: which images, who must have signed them, what must be attested.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEntry {
    /// For messages.
    pub name: String,
    /// Globs on the normalised `registry/repository` (`docker.io/library/nginx`).
    #[serde(rename = "match")]
    pub patterns: OneOrMany,
    #[serde(default)]
    pub mode: Mode,
    /// Who may sign; verified signatures from anyone else do not count. Absent only with
    /// `signatures: none`; never empty.
    #[serde(default, deserialize_with = "non_empty_signers")]
    pub signers: Option<Vec<RawSigner>>,
    /// `none` when the entry accepts unsigned images (it then lists no signers).
    #[serde(default)]
    pub signatures: Signatures,
    /// Distinct listed signers needed: a number (default 1), or `all`.
    #[serde(default)]
    pub threshold: Option<Threshold>,
    /// Trust anchors (PEM) for certificate signers, relative to the trust file.
    #[serde(default)]
    pub roots: Option<String>,
    /// Intermediate certificates (PEM) for certificate signers.
    #[serde(default)]
    pub intermediates: Option<String>,
    /// Required attestations, as `required-attestations.attestations` (policies/README.md).
    #[serde(default)]
    pub attestations: Attestations,
    /// Rule configuration for these images, merged over the global `rules`.
    #[serde(default)]
    pub rules: Option<RuleSettings>,
    #[serde(default)]
    pub policies: Vec<String>,
    #[serde(default)]
    pub data: Vec<String>,
}

/// Whether an entry requires signatures. An entry without signers would accept unsigned
/// images, as `threshold: 0` would; that must be written out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Signatures {
    /// Signatures from the listed signers are required (the default).
    #[default]
    Required,
    /// No signature is required: the entry lists no signers.
    None,
}

/// `signers`, refusing an empty list where it is written (a visitor, so that the error
/// carries the list's position).
fn non_empty_signers<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<RawSigner>>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<RawSigner>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of signers")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Vec<RawSigner>, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element()? {
                out.push(s);
            }
            if out.is_empty() {
                return Err(serde::de::Error::custom(
                    "`signers` is empty, so the entry would accept unsigned images: list who \
                     must sign, or remove `signers` and write `signatures: none`",
                ));
            }
            Ok(out)
        }
    }
    d.deserialize_seq(V).map(Some)
}

/// A glob or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    Count(usize),
    All,
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Threshold, D::Error> {
        // A visitor, not an untagged enum: errors then carry the value's own position.
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Threshold;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number of signers or `all`")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Threshold, E> {
                if n == 0 {
                    return Err(E::custom(
                        "threshold 0 would accept unsigned images; use 1 or more, or `all`",
                    ));
                }
                Ok(Threshold::Count(n as usize))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Threshold, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::custom(format!("threshold {n}: not a number of signers"))),
                }
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Threshold, E> {
                if s == "all" {
                    Ok(Threshold::All)
                } else {
                    Err(E::custom(format!(
                        "threshold {s:?}: a number of signers or `all`"
                    )))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A signer: a public key, or a certificate identity and issuer (exact or regexp).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSigner {
    /// A public key: a PEM file relative to the trust file, or the PEM text itself.
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub identity: Option<String>,
    #[serde(default)]
    pub identity_regexp: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub issuer_regexp: Option<String>,
}
