//! DSSE envelopes and in-toto Statement v1: what cosign v3 signs for images and what every
//! attestation is. The signature covers PAE(payloadType, payload), never the raw payload.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

pub const INTOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
pub const STATEMENT_V01: &str = "https://in-toto.io/Statement/v0.1";
/// The predicate type of a cosign v3 image signature.
pub const COSIGN_SIGN_PREDICATE: &str = "https://sigstore.dev/cosign/sign/v1";
/// Most subjects sigil reads from one statement (sigstore-go uses the same bound).
pub const MAX_SUBJECTS: usize = 1024;

/// DSSE pre-authentication encoding.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    pub payload: String,
    pub payload_type: String,
    pub signatures: Vec<EnvelopeSignature>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeSignature {
    pub sig: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyid: Option<String>,
}

impl Envelope {
    /// The decoded payload.
    pub fn payload_bytes(&self) -> Result<Vec<u8>, String> {
        base64::engine::general_purpose::STANDARD
            .decode(&self.payload)
            .map_err(|_| "DSSE payload is not base64".to_string())
    }

    /// The bytes the signatures cover.
    pub fn signed_bytes(&self) -> Result<Vec<u8>, String> {
        Ok(pae(&self.payload_type, &self.payload_bytes()?))
    }
}

/// An in-toto statement (v1, or v0.1 as older cosign writes for attestations).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    #[serde(rename = "_type")]
    pub kind: String,
    pub subject: Vec<Subject>,
    pub predicate_type: String,
    #[serde(default)]
    pub predicate: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub digest: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, serde_json::Value>>,
}

impl Statement {
    /// A statement about one image digest, as cosign v3 writes for signatures: no subject
    /// name, annotations on the subject.
    pub fn for_digest(
        digest: &crate::oci::Digest,
        predicate_type: &str,
        predicate: serde_json::Value,
        annotations: &BTreeMap<String, String>,
    ) -> Statement {
        Statement {
            kind: STATEMENT_V1.to_string(),
            subject: vec![Subject {
                name: None,
                digest: BTreeMap::from([(
                    digest.algorithm().name().to_string(),
                    digest.hex().to_string(),
                )]),
                annotations: Some(
                    annotations
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                        .collect(),
                ),
            }],
            predicate_type: predicate_type.to_string(),
            predicate,
        }
    }

    /// Parses a statement, refusing unknown types and oversized subject lists.
    pub fn parse(bytes: &[u8]) -> Result<Statement, String> {
        let s: Statement =
            serde_json::from_slice(bytes).map_err(|e| format!("not an in-toto statement: {e}"))?;
        if s.kind != STATEMENT_V1 && s.kind != STATEMENT_V01 {
            return Err(format!("unknown statement type {:?}", s.kind));
        }
        if s.subject.len() > MAX_SUBJECTS {
            return Err(format!(
                "statement has {} subjects, more than {MAX_SUBJECTS}",
                s.subject.len()
            ));
        }
        Ok(s)
    }

    /// The subject naming `digest`, if any.
    pub fn subject_for(&self, digest: &crate::oci::Digest) -> Option<&Subject> {
        self.subject.iter().find(|s| {
            s.digest.get(digest.algorithm().name()).map(String::as_str) == Some(digest.hex())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // From the DSSE protocol description: type "http://example.com/HelloWorld", body "hello world".
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn finds_the_subject_by_digest_only() {
        let d = crate::oci::Digest::sha256_of(b"x");
        let s = Statement::for_digest(
            &d,
            COSIGN_SIGN_PREDICATE,
            serde_json::json!({}),
            &BTreeMap::new(),
        );
        let parsed = Statement::parse(&serde_json::to_vec(&s).unwrap()).unwrap();
        assert!(parsed.subject_for(&d).is_some());
        assert!(
            parsed
                .subject_for(&crate::oci::Digest::sha256_of(b"y"))
                .is_none()
        );
        assert!(Statement::parse(br#"{"_type":"x","subject":[],"predicateType":"p"}"#).is_err());
    }
}
