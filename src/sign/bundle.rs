//! Sigstore bundle v0.3 (JSON form of the protobuf-specs message), as cosign v3 stores it in
//! an OCI referrer: verification material (a public-key hint or a certificate) and a DSSE
//! envelope.

use serde::{Deserialize, Serialize};

use super::dsse::Envelope;

pub const BUNDLE_V03_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// Most transparency-log entries sigil reads from one bundle (as sigstore-go).
pub const MAX_TLOG_ENTRIES: usize = 32;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    pub media_type: String,
    pub verification_material: VerificationMaterial,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dsse_envelope: Option<Envelope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_signature: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationMaterial {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<PublicKeyHint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<RawCertificate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x509_certificate_chain: Option<CertificateChain>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tlog_entries: Vec<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_verification_data: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKeyHint {
    #[serde(default)]
    pub hint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawCertificate {
    /// Base64 DER.
    pub raw_bytes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateChain {
    pub certificates: Vec<RawCertificate>,
}

impl Bundle {
    /// Parses a bundle and applies sigil's bounds.
    pub fn parse(bytes: &[u8]) -> Result<Bundle, String> {
        let b: Bundle =
            serde_json::from_slice(bytes).map_err(|e| format!("not a Sigstore bundle: {e}"))?;
        if !b
            .media_type
            .starts_with("application/vnd.dev.sigstore.bundle")
        {
            return Err(format!("unknown bundle media type {:?}", b.media_type));
        }
        if b.verification_material.tlog_entries.len() > MAX_TLOG_ENTRIES {
            return Err(format!(
                "bundle has {} transparency-log entries, more than {MAX_TLOG_ENTRIES}",
                b.verification_material.tlog_entries.len()
            ));
        }
        Ok(b)
    }

    /// A key-signed bundle around a DSSE envelope.
    pub fn with_key(hint: String, envelope: Envelope) -> Bundle {
        Bundle {
            media_type: BUNDLE_V03_MEDIA_TYPE.to_string(),
            verification_material: VerificationMaterial {
                public_key: Some(PublicKeyHint { hint }),
                certificate: None,
                x509_certificate_chain: None,
                tlog_entries: Vec::new(),
                timestamp_verification_data: None,
            },
            dsse_envelope: Some(envelope),
            message_signature: None,
        }
    }

    /// A certificate-signed bundle (v0.3 carries the leaf only).
    pub fn with_certificate(cert_der: &[u8], envelope: Envelope) -> Bundle {
        use base64::Engine as _;
        Bundle {
            media_type: BUNDLE_V03_MEDIA_TYPE.to_string(),
            verification_material: VerificationMaterial {
                public_key: None,
                certificate: Some(RawCertificate {
                    raw_bytes: base64::engine::general_purpose::STANDARD.encode(cert_der),
                }),
                x509_certificate_chain: None,
                tlog_entries: Vec::new(),
                timestamp_verification_data: None,
            },
            dsse_envelope: Some(envelope),
            message_signature: None,
        }
    }
}
