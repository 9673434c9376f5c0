//! Checking a DSSE envelope that carries an in-toto statement about an image: who signed it
//! (over PAE, never over the raw payload), that the statement names this digest (and the
//! pinned repository), what its predicate type is, and the `-a` constraints on its subject.
//! Shared by cosign v3 signatures (predicate `https://sigstore.dev/cosign/sign/v1`) and
//! attestations of every kind.

use std::collections::BTreeMap;

use base64::Engine as _;

use crate::oci::Digest;
use crate::sign::dsse::{COSIGN_SIGN_PREDICATE, Envelope, INTOTO_PAYLOAD_TYPE, Statement};
use crate::verify::signatures::VerifyOptions;
use crate::verify::signer::{CertificateMaterial, Signer, annotation_mismatch, authenticate};

/// Most DSSE signatures examined per envelope.
const MAX_ENVELOPE_SIGNATURES: usize = 16;

/// What the statement's predicate type must be.
pub(crate) enum PredicateRule<'a> {
    /// A cosign image signature.
    Signature,
    /// An attestation: of this type when given, else of any type but a signature.
    Attestation(Option<&'a str>),
}

/// A statement that passed every check.
pub(crate) struct CheckedStatement {
    pub signer: Signer,
    pub statement: Statement,
    /// The annotations on the subject that named the digest.
    pub annotations: BTreeMap<String, String>,
}

/// Checks `env` as a statement about `digest`; the error says what failed.
pub(crate) fn check_envelope(
    env: &Envelope,
    material: &CertificateMaterial,
    digest: &Digest,
    opts: &VerifyOptions,
    rule: PredicateRule<'_>,
) -> Result<CheckedStatement, String> {
    if env.payload_type != INTOTO_PAYLOAD_TYPE {
        return Err(format!(
            "DSSE payload type {:?} is not in-toto",
            env.payload_type
        ));
    }
    let signed = env.signed_bytes()?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let signatures: Vec<Vec<u8>> = env
        .signatures
        .iter()
        .take(MAX_ENVELOPE_SIGNATURES)
        .filter_map(|s| b64.decode(&s.sig).ok())
        .collect();
    let signer = authenticate(opts, &signed, &signatures, material)?;
    let statement = env.payload_bytes().and_then(|p| Statement::parse(&p))?;
    match rule {
        PredicateRule::Signature if statement.predicate_type != COSIGN_SIGN_PREDICATE => {
            return Err(format!(
                "statement is not a signature (predicateType {})",
                statement.predicate_type
            ));
        }
        PredicateRule::Attestation(_) if statement.predicate_type == COSIGN_SIGN_PREDICATE => {
            return Err("statement is a signature, not an attestation".into());
        }
        PredicateRule::Attestation(Some(want)) if statement.predicate_type != want => {
            return Err(format!(
                "predicate type is {}, not {want}",
                statement.predicate_type
            ));
        }
        _ => {}
    }
    let Some(subject) = statement.subject_for(digest) else {
        let named: Vec<String> = statement
            .subject
            .iter()
            .flat_map(|s| s.digest.iter().map(|(a, h)| format!("{a}:{h}")))
            .take(3)
            .collect();
        return Err(format!(
            "statement is about {}, not {digest}",
            named.join(", ")
        ));
    };
    let annotations: BTreeMap<String, String> = subject
        .annotations
        .iter()
        .flatten()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string()),
            )
        })
        .collect();
    if let Some(repo) = &opts.repository {
        match &subject.name {
            Some(n) if n == repo => {}
            Some(n) => return Err(format!("statement names repository {n}, not {repo}")),
            None => {
                return Err(format!(
                    "statement names no repository, and {repo} is required"
                ));
            }
        }
    }
    if let Some(m) = annotation_mismatch(&opts.annotations, &annotations) {
        return Err(m);
    }
    Ok(CheckedStatement {
        signer,
        statement,
        annotations,
    })
}
