//! Attestation verification for one image digest: cosign v3 bundle referrers whose
//! statement is not a signature, and the DSSE envelopes of cosign v2's `sha256-<hex>.att`
//! tag. Each is checked like a signature (key or certificate, over PAE) and must be a
//! statement about this digest, of the requested predicate type when one is given.

use std::collections::BTreeMap;

use crate::discover::{self, LegacyKind};
use crate::oci::{Digest, media};
use crate::sign::bundle::Bundle;
use crate::sign::dsse::{COSIGN_SIGN_PREDICATE, Envelope};
use crate::store::{ReferrerSource, Repository, Result, StoreError};
use crate::verify::signatures::{
    Finding, MAX_SIGNATURES, Report, SignatureFormat, VerifyOptions, bundle_referrers, fetch_blobs,
    rejected,
};
use crate::verify::signer::CertificateMaterial;
use crate::verify::statement::{PredicateRule, check_envelope};

/// The layer annotation cosign v2 puts on each `.att` envelope.
pub const LEGACY_PREDICATE_ANNOTATION: &str = "predicateType";

struct Candidate {
    format: SignatureFormat,
    location: String,
    blob: Digest,
    layer_annotations: BTreeMap<String, String>,
}

/// Finds and checks every attestation on `digest` (of `predicate_type`, if given).
pub async fn verify_attestations(
    repo: &Repository,
    digest: &Digest,
    opts: &VerifyOptions,
    predicate_type: Option<&str>,
) -> Result<Report> {
    let attached = discover::attached_with(repo, digest, &[LegacyKind::Att]).await?;
    Ok(
        AttestationEvidence::gather(repo, digest, &attached, predicate_type)
            .await?
            .check(opts, predicate_type),
    )
}

/// The attestations attached to one digest, fetched but not yet checked, so that one
/// discovery can be checked against several sets of trusted signers.
pub struct AttestationEvidence {
    digest: Digest,
    referrers_source: ReferrerSource,
    searched: Vec<String>,
    rejected: Vec<Finding>,
    candidates: Vec<(Candidate, Vec<u8>)>,
}

impl AttestationEvidence {
    /// Picks the attestation candidates out of what is attached to `digest` (bundle
    /// referrers whose predicate is not a signature, envelopes of the `.att` tag) and fetches
    /// them. With `predicate_type`, candidates annotated with another type are skipped.
    pub async fn gather(
        repo: &Repository,
        digest: &Digest,
        attached: &discover::Attached,
        predicate_type: Option<&str>,
    ) -> Result<AttestationEvidence> {
        let searched = vec![
            format!("referrers of {digest} ({})", attached.referrers_source),
            format!("tag {}", LegacyKind::Att.tag_for(digest)),
        ];
        // Annotations only steer the search (skip what claims another type); the statement's
        // own predicate type is what is checked.
        let wanted = |claimed: Option<&String>| match (claimed, predicate_type) {
            (Some(c), _) if c == COSIGN_SIGN_PREDICATE => false,
            (Some(c), Some(want)) => c == want,
            _ => true,
        };
        let (bundles, mut findings) = bundle_referrers(attached, wanted);
        let mut candidates: Vec<Candidate> = bundles
            .into_iter()
            .map(|(location, blob)| Candidate {
                format: SignatureFormat::Bundle,
                location,
                blob,
                layer_annotations: BTreeMap::new(),
            })
            .collect();
        for l in attached.legacy.iter().filter(|l| l.kind == LegacyKind::Att) {
            for (i, layer) in l.layers.iter().enumerate() {
                let location = format!("{} layer {i}", l.tag);
                let annotations = layer.annotations.clone().unwrap_or_default();
                if !wanted(annotations.get(LEGACY_PREDICATE_ANNOTATION)) {
                    continue;
                }
                if layer.media_type != media::DSSE_ENVELOPE {
                    findings.push(rejected(
                        SignatureFormat::Legacy,
                        location,
                        "layer is not a DSSE envelope",
                    ));
                    continue;
                }
                candidates.push(Candidate {
                    format: SignatureFormat::Legacy,
                    location,
                    blob: layer.digest.clone(),
                    layer_annotations: annotations,
                });
            }
        }
        if candidates.len() > MAX_SIGNATURES {
            return Err(StoreError::Invalid {
                reference: format!("{}@{digest}", repo.describe()),
                detail: format!(
                    "{} attestations attached, more than {MAX_SIGNATURES}",
                    candidates.len()
                ),
            });
        }
        let blobs = fetch_blobs(repo, candidates.iter().map(|c| c.blob.clone()).collect()).await?;
        Ok(AttestationEvidence {
            digest: digest.clone(),
            referrers_source: attached.referrers_source,
            searched,
            rejected: findings,
            candidates: candidates.into_iter().zip(blobs).collect(),
        })
    }

    /// Evidence for a digest whose attestations were not looked up (no rule reads them).
    pub fn not_gathered(digest: &Digest, referrers_source: ReferrerSource) -> AttestationEvidence {
        AttestationEvidence {
            digest: digest.clone(),
            referrers_source,
            searched: Vec::new(),
            rejected: Vec::new(),
            candidates: Vec::new(),
        }
    }

    /// Checks every candidate against `opts` (and, when given, that the statement has
    /// `predicate_type`): the verdict for this digest.
    pub fn check(&self, opts: &VerifyOptions, predicate_type: Option<&str>) -> Report {
        let mut findings = self.rejected.clone();
        for (c, bytes) in &self.candidates {
            findings.push(check(c, bytes, &self.digest, opts, predicate_type));
        }
        Report::new(
            &self.digest,
            self.referrers_source,
            self.searched.clone(),
            findings,
            opts.min_signatures,
        )
    }
}

fn check(
    c: &Candidate,
    bytes: &[u8],
    digest: &Digest,
    opts: &VerifyOptions,
    predicate_type: Option<&str>,
) -> Finding {
    let (envelope, material) = match c.format {
        SignatureFormat::Bundle => match Bundle::parse(bytes) {
            Ok(b) => match &b.dsse_envelope {
                Some(env) => (env.clone(), CertificateMaterial::from_bundle(&b)),
                None => {
                    return rejected(c.format, c.location.clone(), "bundle has no DSSE envelope");
                }
            },
            Err(e) => return rejected(c.format, c.location.clone(), &e),
        },
        SignatureFormat::Legacy => match serde_json::from_slice::<Envelope>(bytes) {
            Ok(env) => (
                env,
                CertificateMaterial::from_annotations(&c.layer_annotations),
            ),
            Err(e) => {
                return rejected(
                    c.format,
                    c.location.clone(),
                    &format!("not a DSSE envelope: {e}"),
                );
            }
        },
    };
    match check_envelope(
        &envelope,
        &material,
        digest,
        opts,
        PredicateRule::Attestation(predicate_type),
    ) {
        Ok(ok) => Finding::verified(
            c.format,
            c.location.clone(),
            ok.signer,
            ok.annotations,
            serde_json::to_value(&ok.statement).ok(),
        ),
        Err(reason) => rejected(c.format, c.location.clone(), &reason),
    }
}
