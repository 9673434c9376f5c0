//! Who made a signature: a trusted key, or a certificate that chains to a trusted root and
//! names the required identity. Shared by signature and attestation verification.

use std::collections::BTreeMap;

use base64::Engine as _;

use crate::sign::attach::{CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION};
use crate::sign::bundle::Bundle;
use crate::verify::certificate::{self, CertificatePolicy, Identity};
use crate::verify::signatures::VerifyOptions;

/// The certificate a signature carries: the leaf (DER) and the chain after it.
#[derive(Debug, Default)]
pub(crate) struct CertificateMaterial {
    pub(crate) leaf: Option<Vec<u8>>,
    pub(crate) chain: Vec<Vec<u8>>,
    /// Why the material could not be read (it then counts as absent, and says why).
    pub(crate) error: Option<String>,
}

impl CertificateMaterial {
    pub(crate) fn from_bundle(bundle: &Bundle) -> CertificateMaterial {
        let b64 = base64::engine::general_purpose::STANDARD;
        let vm = &bundle.verification_material;
        let mut ders = Vec::new();
        if let Some(c) = &vm.certificate {
            ders.push(&c.raw_bytes);
        } else if let Some(chain) = &vm.x509_certificate_chain {
            // Bundles before v0.3: the leaf first, then its chain.
            if chain.certificates.len() > certificate::MAX_CHAIN + 1 {
                return Self::invalid(format!(
                    "bundle certificate chain has {} certificates, more than {}",
                    chain.certificates.len(),
                    certificate::MAX_CHAIN + 1
                ));
            }
            ders.extend(chain.certificates.iter().map(|c| &c.raw_bytes));
        }
        let mut decoded = Vec::new();
        for d in ders {
            match b64.decode(d) {
                Ok(d) => decoded.push(d),
                Err(_) => return Self::invalid("bundle certificate is not base64".into()),
            }
        }
        let mut it = decoded.into_iter();
        CertificateMaterial {
            leaf: it.next(),
            chain: it.collect(),
            error: None,
        }
    }

    pub(crate) fn from_annotations(annotations: &BTreeMap<String, String>) -> CertificateMaterial {
        let Some(leaf_pem) = annotations.get(CERTIFICATE_ANNOTATION) else {
            return CertificateMaterial::default();
        };
        let leaf = match certificate::pem_certificates(leaf_pem, CERTIFICATE_ANNOTATION, 1) {
            Ok(mut d) => d.remove(0),
            Err(e) => return Self::invalid(e.to_string()),
        };
        let chain = match annotations.get(CHAIN_ANNOTATION) {
            Some(pem) if !pem.trim().is_empty() => {
                match certificate::pem_certificates(pem, CHAIN_ANNOTATION, certificate::MAX_CHAIN) {
                    Ok(d) => d,
                    Err(e) => return Self::invalid(e.to_string()),
                }
            }
            _ => Vec::new(),
        };
        CertificateMaterial {
            leaf: Some(leaf),
            chain,
            error: None,
        }
    }

    fn invalid(reason: String) -> CertificateMaterial {
        CertificateMaterial {
            error: Some(reason),
            ..Default::default()
        }
    }
}

/// Who made a signature.
pub(crate) enum Signer {
    /// A trusted key: the name it was given under and its [`key_id`](crate::sign::keys::PublicKey::key_id).
    Key {
        name: String,
        id: String,
    },
    Certificate(Identity),
}

impl Signer {
    pub(crate) fn name(&self) -> String {
        match self {
            Signer::Key { name, .. } => name.clone(),
            Signer::Certificate(id) => id.to_string(),
        }
    }
}

/// Finds who made one of `signatures` over `message`: a trusted key, or (with a certificate
/// policy) the certificate the signature carries, verified against the policy and used as the
/// key. A signature without a certificate never satisfies a certificate policy. On failure,
/// says why for each way tried.
pub(crate) fn authenticate(
    opts: &VerifyOptions,
    message: &[u8],
    signatures: &[Vec<u8>],
    material: &CertificateMaterial,
) -> std::result::Result<Signer, String> {
    for sig in signatures {
        if let Some(k) = opts.keys.iter().find(|k| k.key.verify(message, sig)) {
            return Ok(Signer::Key {
                name: k.name.clone(),
                id: k.key.key_id(),
            });
        }
    }
    let mut reasons = Vec::new();
    if !opts.keys.is_empty() || opts.certificates.is_empty() {
        let names: Vec<&str> = opts.keys.iter().map(|k| k.name.as_str()).collect();
        reasons.push(format!(
            "signature does not verify with {}",
            if names.is_empty() {
                "any key (none given)".to_string()
            } else {
                names.join(", ")
            }
        ));
    }
    // Each accepted identity is its own policy: the first it satisfies names the signer.
    let mut cert_reasons = Vec::new();
    for policy in &opts.certificates {
        match certified(policy, message, signatures, material) {
            Ok(identity) => return Ok(Signer::Certificate(identity)),
            Err(e) if !cert_reasons.contains(&e) => cert_reasons.push(e),
            Err(_) => {}
        }
    }
    reasons.extend(cert_reasons);
    Err(reasons.join("; "))
}

/// The identity of the certificate that made one of `signatures`, if it satisfies `policy`.
fn certified(
    policy: &CertificatePolicy,
    message: &[u8],
    signatures: &[Vec<u8>],
    material: &CertificateMaterial,
) -> std::result::Result<Identity, String> {
    if let Some(e) = &material.error {
        return Err(format!("certificate: {e}"));
    }
    let Some(leaf) = &material.leaf else {
        return Err(
            "signature carries no certificate, and a certificate identity is required".into(),
        );
    };
    let key = certificate::public_key_of(leaf).map_err(|e| format!("certificate: {e}"))?;
    if !signatures.iter().any(|s| key.verify(message, s)) {
        return Err("signature does not verify with its certificate's key".into());
    }
    // No transparency log or timestamp says when the signature was made: use now.
    certificate::verify_leaf(leaf, &material.chain, policy, crate::util::time::now_unix())
        .map_err(|e| format!("certificate: {e}"))
}

/// Checks `-a` constraints; returns the first mismatch.
pub(crate) fn annotation_mismatch(
    want: &BTreeMap<String, String>,
    have: &BTreeMap<String, String>,
) -> Option<String> {
    want.iter().find_map(|(k, v)| match have.get(k) {
        Some(h) if h == v => None,
        Some(h) => Some(format!("annotation {k}={h:?}, required {v:?}")),
        None => Some(format!("annotation {k} missing, required {v:?}")),
    })
}
