//! Attestation verification for one image digest: cosign v3 bundle referrers whose
//! statement is not a signature, and the DSSE envelopes of cosign v2's `sha256-<hex>.att`
//! tag. Each is checked like a signature (key or certificate, over PAE) and must be a
//! statement about this digest, of the requested predicate type when one is given.

use crate::discover::{self, LegacyKind};
use crate::oci::{Digest, media};
use crate::sign::bundle::Bundle;
use crate::sign::dsse::{COSIGN_SIGN_PREDICATE, Envelope};
use crate::store::{ReferrerSource, Repository, Result};
use crate::verify::signatures::{
    Candidate, Fetched, Finding, Other, Report, SignatureFormat, VerifyOptions, bundle_referrers,
    legacy_others, rejected,
};
use crate::verify::signer::CertificateMaterial;
use crate::verify::statement::{PredicateRule, check_envelope};

/// The layer annotation cosign v2 puts on each `.att` envelope.
pub const LEGACY_PREDICATE_ANNOTATION: &str = "predicateType";

/// Finds and checks every attestation on `digest` (of `predicate_type`, if given). When
/// none is found, the image's legacy `.sig` tag is looked at too, to say what was found
/// instead.
pub async fn verify_attestations(
    repo: &Repository,
    digest: &Digest,
    opts: &VerifyOptions,
    predicate_type: Option<&str>,
) -> Result<Report> {
    let attached = discover::attached_with(repo, digest, &[LegacyKind::Att]).await?;
    let mut evidence = AttestationEvidence::gather(repo, digest, &attached, predicate_type).await?;
    if evidence.is_empty() {
        let sig = discover::legacy_tags(repo, digest, &[LegacyKind::Sig]).await?;
        evidence.others.extend(legacy_others(&sig, LegacyKind::Sig));
    }
    Ok(evidence.check(opts, predicate_type))
}

/// The attestations attached to one digest, fetched but not yet checked, so that one
/// discovery can be checked against several sets of trusted signers.
pub struct AttestationEvidence {
    digest: Digest,
    referrers_source: ReferrerSource,
    searched: Vec<String>,
    rejected: Vec<Finding>,
    fetched: Fetched,
    others: Vec<Other>,
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
        let other = |location: String, claimed: Option<String>| match claimed {
            Some(c) if c == COSIGN_SIGN_PREDICATE => Other::Signature { location },
            predicate_type => Other::Attestation {
                location,
                predicate_type,
            },
        };
        let picked = bundle_referrers(attached, wanted);
        let mut findings = picked.rejected;
        let mut others: Vec<Other> = picked
            .skipped
            .into_iter()
            .map(|(location, claimed)| other(location, claimed))
            .collect();
        others.extend(legacy_others(&attached.legacy, LegacyKind::Sig));
        let mut candidates = picked.bundles;
        for l in attached.legacy.iter().filter(|l| l.kind == LegacyKind::Att) {
            for (i, layer) in l.layers.iter().enumerate() {
                let location = format!("{} layer {i}", l.tag);
                let annotations = layer.annotations.clone().unwrap_or_default();
                let claimed = annotations.get(LEGACY_PREDICATE_ANNOTATION);
                if !wanted(claimed) {
                    others.push(other(location, claimed.cloned()));
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
                candidates.push(Candidate::new(
                    SignatureFormat::Legacy,
                    location,
                    layer.clone(),
                    annotations,
                ));
            }
        }
        let fetched = Fetched::fetch(repo, digest, "attestation", candidates).await?;
        Ok(AttestationEvidence {
            digest: digest.clone(),
            referrers_source: attached.referrers_source,
            searched,
            rejected: findings,
            fetched,
            others,
        })
    }

    /// Evidence for a digest whose attestations were not looked up (no rule reads them).
    pub fn not_gathered(digest: &Digest, referrers_source: ReferrerSource) -> AttestationEvidence {
        AttestationEvidence {
            digest: digest.clone(),
            referrers_source,
            searched: Vec::new(),
            rejected: Vec::new(),
            fetched: Fetched {
                candidates: Vec::new(),
                blobs: Default::default(),
            },
            others: Vec::new(),
        }
    }

    /// Nothing that claims to be a wanted attestation was found.
    fn is_empty(&self) -> bool {
        self.rejected.is_empty() && self.fetched.candidates.is_empty()
    }

    /// Checks every candidate against `opts` (and, when given, that the statement has
    /// `predicate_type`): the verdict for this digest.
    pub fn check(&self, opts: &VerifyOptions, predicate_type: Option<&str>) -> Report {
        let mut findings = self.rejected.clone();
        findings.extend(
            self.fetched
                .check(|c, bytes| check(c, bytes, &self.digest, opts, predicate_type)),
        );
        let mut report = Report::new(
            &self.digest,
            self.referrers_source,
            self.searched.clone(),
            findings,
            opts.min_signatures,
        );
        report.others = self.others.clone();
        report
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
