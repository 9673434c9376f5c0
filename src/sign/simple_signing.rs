//! cosign's legacy "simple signing" payload: the JSON a `.sig` layer carries and its
//! signature covers, naming the image digest and repository it vouches for.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::oci::gojson;

/// The type string cosign writes.
pub const SIGNATURE_TYPE: &str = "cosign container image signature";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub critical: Critical,
    pub optional: Option<BTreeMap<String, serde_json::Value>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Critical {
    pub identity: Identity,
    pub image: Image,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    #[serde(rename = "docker-reference")]
    pub docker_reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    #[serde(rename = "docker-manifest-digest")]
    pub docker_manifest_digest: String,
}

impl Payload {
    /// The payload for `digest` in `repository`, with optional annotations.
    pub fn new(repository: &str, digest: &str, annotations: &BTreeMap<String, String>) -> Payload {
        Payload {
            critical: Critical {
                identity: Identity {
                    docker_reference: repository.to_string(),
                },
                image: Image {
                    docker_manifest_digest: digest.to_string(),
                },
                kind: SIGNATURE_TYPE.to_string(),
            },
            optional: if annotations.is_empty() {
                None
            } else {
                Some(
                    annotations
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                        .collect(),
                )
            },
        }
    }

    /// Reads a payload as cosign, in Go, reads it ([`gojson`]).
    pub fn parse(bytes: &[u8]) -> Result<Payload, gojson::GoJsonError> {
        gojson::from_slice(bytes, &gojson::SIMPLE_SIGNING)
    }

    /// The exact bytes to sign and store.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Annotations as strings (non-string values rendered as JSON).
    pub fn annotations(&self) -> BTreeMap<String, String> {
        self.optional
            .iter()
            .flatten()
            .map(|(k, v)| {
                let s = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), s)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// cosign decodes the payload with Go's encoding/json: `Critical` is `critical`, a second
    /// object is merged into the first, and the last digest wins.
    #[test]
    fn parses_as_cosign_does() {
        let a = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let b = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        let text = format!(
            r#"{{"critical":{{"identity":{{"docker-reference":"r"}},"image":{{"docker-manifest-digest":"{a}"}},"type":"{SIGNATURE_TYPE}"}},
               "Critical":{{"Image":{{"Docker-Manifest-Digest":"{b}"}}}},"optional":null}}"#
        );
        let p = Payload::parse(text.as_bytes()).unwrap();
        assert_eq!(p.critical.image.docker_manifest_digest, b);
        assert_eq!(p.critical.identity.docker_reference, "r");
        assert_eq!(p.critical.kind, SIGNATURE_TYPE);
        assert_eq!(p.optional, None);
        let own = Payload::new("r", a, &BTreeMap::from([("k".into(), "v".into())]));
        assert_eq!(Payload::parse(&own.to_bytes()).unwrap(), own);
    }
}
