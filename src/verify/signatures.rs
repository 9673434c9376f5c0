//! Signature verification for one image digest. See the module docs of [`crate::verify`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use base64::Engine as _;
use serde::Serialize;

use crate::discover::{self, LegacyKind};
use crate::oci::manifest::{Descriptor, Manifest};
use crate::oci::{Digest, media};
use crate::sign::attach::SIGNATURE_ANNOTATION;
use crate::sign::bundle::{BUNDLE_V03_MEDIA_TYPE, Bundle};
use crate::sign::dsse::COSIGN_SIGN_PREDICATE;
use crate::sign::keys::PublicKey;
use crate::sign::simple_signing;
use crate::store::{ReferrerSource, Repository, Result};
use crate::verify::attestations::LEGACY_PREDICATE_ANNOTATION;
use crate::verify::certificate::{CertificatePolicy, Identity};
use crate::verify::signer::{CertificateMaterial, Signer, annotation_mismatch, authenticate};
use crate::verify::statement::{PredicateRule, check_envelope};

/// Most signatures examined per image (layers of a `.sig` manifest plus bundle referrers).
pub const MAX_SIGNATURES: usize = 1000;

/// A public key the user trusts, with the name it is reported under (its file name).
#[derive(Debug, Clone)]
pub struct TrustedKey {
    pub name: String,
    pub key: PublicKey,
}

/// What a signature must satisfy.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    pub keys: Vec<TrustedKey>,
    /// `-a key=value`: every pair must appear in the signature's annotations.
    pub annotations: BTreeMap<String, String>,
    /// When set, the payload must name this repository (`registry/repo`).
    pub repository: Option<String>,
    /// Distinct signers needed (at least 1).
    pub min_signatures: usize,
    /// A signature that carries a certificate also counts when the certificate satisfies one
    /// of these policies (each an accepted identity and issuer with its trust anchors) and its
    /// key verifies the signature; the signer is then the certificate's identity. Signatures
    /// without a certificate never satisfy them.
    pub certificates: Vec<CertificatePolicy>,
}

impl VerifyOptions {
    /// The most distinct signers a verification with these options can ever count: each
    /// distinct key (a key given twice, or in two files, is one signer) and each certificate
    /// identity given exactly with an exact issuer; `None` when a regular expression can admit
    /// any number of identities.
    pub fn max_distinct_signers(&self) -> Option<usize> {
        let keys: BTreeSet<String> = self.keys.iter().map(|k| k.key.key_id()).collect();
        let mut identities = BTreeSet::new();
        for c in &self.certificates {
            match (&c.identity, &c.issuer) {
                (Some(identity), Some(issuer))
                    if c.identity_regexp.is_none() && c.issuer_regexp.is_none() =>
                {
                    identities.insert((identity, issuer));
                }
                _ => return None,
            }
        }
        Some(keys.len() + identities.len())
    }

    /// Refuses a `min_signatures` that the configured signers can never meet, so that the
    /// mistake is reported before any image is looked at rather than as a denial of each.
    pub fn check_threshold(&self) -> std::result::Result<(), UnreachableThreshold> {
        match self.max_distinct_signers() {
            Some(configured) if self.min_signatures > configured => Err(UnreachableThreshold {
                required: self.min_signatures,
                configured,
            }),
            _ => Ok(()),
        }
    }
}

/// A signature threshold above the number of distinct signers configured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{required} distinct signers are required, but only {configured} can sign (keys and \
     certificate identities count once each, however often they are given), so no image \
     could ever pass"
)]
pub struct UnreachableThreshold {
    pub required: usize,
    pub configured: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureFormat {
    Bundle,
    Legacy,
}

/// One signature found, and what became of it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub format: SignatureFormat,
    /// Where it was found: `referrer sha256:…` or `sha256-….sig layer 2`.
    pub location: String,
    pub verified: bool,
    /// The trusted key that verified it, or the certificate identity (`SAN (issuer …)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// The id of the trusted key that verified it (`SHA256:…`), when a key did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// The verified certificate identity, when a certificate (not a key) verified it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// Why it does not count (when not verified).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// The signed payload (simple-signing JSON or in-toto statement), once verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<serde_json::Value>,
}

impl Finding {
    /// A signature that counts, with who signed it and what it said.
    pub(crate) fn verified(
        format: SignatureFormat,
        location: String,
        signer: Signer,
        annotations: BTreeMap<String, String>,
        payload: Option<serde_json::Value>,
    ) -> Finding {
        Finding {
            format,
            location,
            verified: true,
            signer: Some(signer.name()),
            key_id: match &signer {
                Signer::Key { id, .. } => Some(id.clone()),
                Signer::Certificate(_) => None,
            },
            identity: match signer {
                Signer::Certificate(id) => Some(id),
                Signer::Key { .. } => None,
            },
            reason: None,
            annotations,
            payload,
        }
    }
}

/// Something attached to the digest that was not examined because it is not what was being
/// verified: an attestation where signatures were looked for, a signature (or an attestation
/// of another type) where attestations were. Reported so that "none found" can say what was
/// found instead. Its kind is what it claims to be (an annotation), not what it was checked to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Other {
    Signature {
        location: String,
    },
    #[serde(rename_all = "camelCase")]
    Attestation {
        location: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        predicate_type: Option<String>,
    },
}

/// The verdict for one image digest.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub digest: Digest,
    pub referrers_source: ReferrerSource,
    /// Where sigil looked, for the decision trace.
    pub searched: Vec<String>,
    pub findings: Vec<Finding>,
    /// Distinct signers whose signatures verified.
    pub signers: BTreeSet<String>,
    pub required: usize,
    pub passed: bool,
    /// What else was found attached, not examined (see [`Other`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub others: Vec<Other>,
}

impl Report {
    /// The verdict from the findings: passed when at least `min_signers` (at least one)
    /// distinct signers have a verified finding.
    pub fn new(
        digest: &Digest,
        referrers_source: ReferrerSource,
        searched: Vec<String>,
        findings: Vec<Finding>,
        min_signers: usize,
    ) -> Report {
        let signers: BTreeSet<String> = findings
            .iter()
            .filter(|f| f.verified)
            .filter_map(|f| f.signer.clone())
            .collect();
        let required = min_signers.max(1);
        Report {
            digest: digest.clone(),
            referrers_source,
            searched,
            passed: signers.len() >= required,
            signers,
            required,
            findings,
            others: Vec::new(),
        }
    }

    /// What [`Report::others`] holds, for a message: "1 attestation
    /// (https://slsa.dev/provenance/v1)", "2 signatures"; `None` when it is empty.
    pub fn others_summary(&self) -> Option<String> {
        let count = |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
        let mut types = BTreeSet::new();
        let (mut attestations, mut signatures) = (0, 0);
        for o in &self.others {
            match o {
                Other::Signature { .. } => signatures += 1,
                Other::Attestation { predicate_type, .. } => {
                    attestations += 1;
                    types.insert(predicate_type.as_deref().unwrap_or("type not given"));
                }
            }
        }
        let mut parts = Vec::new();
        if attestations > 0 {
            let types: Vec<&str> = types.into_iter().collect();
            parts.push(format!(
                "{} ({})",
                count(attestations, "attestation"),
                types.join(", ")
            ));
        }
        if signatures > 0 {
            parts.push(count(signatures, "signature"));
        }
        (!parts.is_empty()).then(|| parts.join(" and "))
    }
}

/// A signature or attestation to check: a bundle (the layer of a referrer) or a layer of a
/// cosign legacy tag, with that layer's annotations.
pub(crate) struct Candidate {
    pub format: SignatureFormat,
    pub location: String,
    pub blob: Descriptor,
    pub layer_annotations: BTreeMap<String, String>,
    /// The location of an earlier candidate with the same blob and annotations: the same
    /// signature listed again, which is reported but not checked (nor counted) twice.
    pub repeats: Option<String>,
}

impl Candidate {
    pub fn new(
        format: SignatureFormat,
        location: String,
        blob: Descriptor,
        layer_annotations: BTreeMap<String, String>,
    ) -> Candidate {
        Candidate {
            format,
            location,
            blob,
            layer_annotations,
            repeats: None,
        }
    }
}

/// Candidates and their blobs, fetched once per digest.
pub(crate) struct Fetched {
    pub candidates: Vec<Candidate>,
    pub blobs: HashMap<Digest, Vec<u8>>,
}

impl Fetched {
    /// Refuses more than [`MAX_SIGNATURES`] candidates (`noun` names them in the error), marks
    /// repeats, and fetches each distinct blob once, within the image's read budget.
    pub async fn fetch(
        repo: &Repository,
        digest: &Digest,
        noun: &str,
        mut candidates: Vec<Candidate>,
    ) -> Result<Fetched> {
        if candidates.len() > MAX_SIGNATURES {
            return Err(crate::store::StoreError::Invalid {
                reference: format!("{}@{digest}", repo.describe()),
                detail: format!(
                    "{} {noun}s attached, more than {MAX_SIGNATURES}",
                    candidates.len()
                ),
            });
        }
        let mut first: HashMap<(&Digest, &BTreeMap<String, String>), &str> = HashMap::new();
        let mut repeats = Vec::new();
        for c in &candidates {
            let key = (&c.blob.digest, &c.layer_annotations);
            repeats.push(first.get(&key).map(|l| l.to_string()));
            first.entry(key).or_insert(&c.location);
        }
        for (c, r) in candidates.iter_mut().zip(repeats) {
            c.repeats = r;
        }
        let blobs = repo
            .blobs_of(
                candidates
                    .iter()
                    .filter(|c| c.repeats.is_none())
                    .map(|c| &c.blob),
            )
            .await?;
        Ok(Fetched { candidates, blobs })
    }

    /// Checks every candidate with `check` (given its blob); a repeat is refused as one.
    pub fn check(&self, check: impl Fn(&Candidate, &[u8]) -> Finding) -> Vec<Finding> {
        self.candidates
            .iter()
            .map(|c| match (&c.repeats, self.blobs.get(&c.blob.digest)) {
                (Some(earlier), _) => rejected(
                    c.format,
                    c.location.clone(),
                    &format!("the same as {earlier}, listed again"),
                ),
                (None, Some(bytes)) => check(c, bytes),
                // Cannot happen (every distinct blob was fetched); if it did, it is refused.
                (None, None) => rejected(c.format, c.location.clone(), "blob was not fetched"),
            })
            .collect()
    }
}

/// Finds and checks every signature on `digest` in `repo`. When none is found, the image's
/// legacy `.att` tag is looked at too, to say what was found instead.
pub async fn verify_signatures(
    repo: &Repository,
    digest: &Digest,
    opts: &VerifyOptions,
) -> Result<Report> {
    let attached = discover::attached_with(repo, digest, &[LegacyKind::Sig]).await?;
    let mut evidence = SignatureEvidence::gather(repo, digest, &attached).await?;
    if evidence.is_empty() {
        let att = discover::legacy_tags(repo, digest, &[LegacyKind::Att]).await?;
        evidence.others.extend(legacy_others(&att, LegacyKind::Att));
    }
    Ok(evidence.check(opts))
}

/// The signatures attached to one digest, fetched but not yet checked, so that one
/// discovery can be checked against several sets of trusted signers.
pub struct SignatureEvidence {
    digest: Digest,
    referrers_source: ReferrerSource,
    searched: Vec<String>,
    /// Refused before any key was tried (not a bundle, a foreign subject, ...).
    rejected: Vec<Finding>,
    fetched: Fetched,
    others: Vec<Other>,
}

impl SignatureEvidence {
    /// Picks the signature candidates out of what is attached to `digest` (bundle referrers
    /// with the signature predicate, layers of the `.sig` tag) and fetches their blobs.
    pub async fn gather(
        repo: &Repository,
        digest: &Digest,
        attached: &discover::Attached,
    ) -> Result<SignatureEvidence> {
        let searched = vec![
            format!("referrers of {digest} ({})", attached.referrers_source),
            format!("tag {}", LegacyKind::Sig.tag_for(digest)),
        ];
        // Attestations share the bundle format; the annotation is only a hint (the
        // statement's own predicateType is checked after verification).
        let picked = bundle_referrers(attached, |claimed| {
            claimed.is_none_or(|p| p == COSIGN_SIGN_PREDICATE)
        });
        let mut findings = picked.rejected;
        let mut others: Vec<Other> = picked
            .skipped
            .into_iter()
            .map(|(location, predicate_type)| Other::Attestation {
                location,
                predicate_type,
            })
            .collect();
        others.extend(legacy_others(&attached.legacy, LegacyKind::Att));
        let mut candidates = picked.bundles;
        for l in attached.legacy.iter().filter(|l| l.kind == LegacyKind::Sig) {
            for (i, layer) in l.layers.iter().enumerate() {
                let location = format!("{} layer {i}", l.tag);
                if layer.media_type != media::COSIGN_SIMPLE_SIGNING {
                    findings.push(rejected(
                        SignatureFormat::Legacy,
                        location,
                        "layer is not a simple-signing payload",
                    ));
                    continue;
                }
                candidates.push(Candidate::new(
                    SignatureFormat::Legacy,
                    location,
                    layer.clone(),
                    layer.annotations.clone().unwrap_or_default(),
                ));
            }
        }
        let fetched = Fetched::fetch(repo, digest, "signature", candidates).await?;
        Ok(SignatureEvidence {
            digest: digest.clone(),
            referrers_source: attached.referrers_source,
            searched,
            rejected: findings,
            fetched,
            others,
        })
    }

    /// Nothing that claims to be a signature was found.
    fn is_empty(&self) -> bool {
        self.rejected.is_empty() && self.fetched.candidates.is_empty()
    }

    /// Checks every candidate against `opts`: the verdict for this digest.
    pub fn check(&self, opts: &VerifyOptions) -> Report {
        let digest = &self.digest;
        let mut findings = self.rejected.clone();
        findings.extend(self.fetched.check(|c, bytes| match c.format {
            SignatureFormat::Bundle => check_bundle(c.location.clone(), bytes, digest, opts),
            SignatureFormat::Legacy => check_legacy(
                c.location.clone(),
                bytes,
                &c.layer_annotations,
                digest,
                opts,
            ),
        }));
        let mut report = Report::new(
            digest,
            self.referrers_source,
            self.searched.clone(),
            findings,
            opts.min_signatures,
        );
        report.others = self.others.clone();
        report
    }
}

/// The bundle referrers [`bundle_referrers`] picked, refused and skipped.
pub(crate) struct Picked {
    /// Single-bundle referrers whose predicate was wanted, as candidates.
    pub bundles: Vec<Candidate>,
    /// Not single-bundle manifests, or refused by discovery (a foreign subject, a missing
    /// manifest).
    pub rejected: Vec<Finding>,
    /// Bundle referrers whose predicate was not wanted: their locations and the predicate
    /// type each claims.
    pub skipped: Vec<(String, Option<String>)>,
}

/// The bundle referrers of `attached` whose predicate annotation `wanted` accepts (`None`
/// when a referrer has none). Shared by signature and attestation gathering.
pub(crate) fn bundle_referrers(
    attached: &discover::Attached,
    wanted: impl Fn(Option<&String>) -> bool,
) -> Picked {
    let mut picked = Picked {
        bundles: Vec::new(),
        rejected: Vec::new(),
        skipped: Vec::new(),
    };
    for r in &attached.referrers {
        if r.artifact_type != BUNDLE_V03_MEDIA_TYPE {
            continue;
        }
        let location = format!("referrer {}", r.digest);
        let claimed = r
            .annotations
            .get(crate::sign::attach::BUNDLE_PREDICATE_ANNOTATION);
        if !wanted(claimed) {
            picked.skipped.push((location, claimed.cloned()));
            continue;
        }
        match &r.manifest.manifest {
            Manifest::Image(m)
                if m.layers.len() == 1 && m.layers[0].media_type == BUNDLE_V03_MEDIA_TYPE =>
            {
                picked.bundles.push(Candidate::new(
                    SignatureFormat::Bundle,
                    location,
                    m.layers[0].clone(),
                    BTreeMap::new(),
                ))
            }
            _ => picked.rejected.push(rejected(
                SignatureFormat::Bundle,
                location,
                "referrer is not a single-bundle manifest",
            )),
        }
    }
    for r in &attached.rejected {
        picked.rejected.push(rejected(
            SignatureFormat::Bundle,
            format!("referrer {}", r.digest),
            &r.reason,
        ));
    }
    picked
}

/// The layers of the `kind` legacy tags among `tags`, as [`Other`]s: `.sig` layers are
/// signatures, `.att` layers attestations (of the type their annotation claims).
pub(crate) fn legacy_others(tags: &[discover::LegacyTag], kind: LegacyKind) -> Vec<Other> {
    tags.iter()
        .filter(|l| l.kind == kind)
        .flat_map(|l| {
            l.layers.iter().enumerate().filter_map(move |(i, layer)| {
                let location = format!("{} layer {i}", l.tag);
                match kind {
                    LegacyKind::Sig => Some(Other::Signature { location }),
                    LegacyKind::Att => Some(Other::Attestation {
                        location,
                        predicate_type: layer
                            .annotations
                            .as_ref()
                            .and_then(|a| a.get(LEGACY_PREDICATE_ANNOTATION))
                            .cloned(),
                    }),
                    LegacyKind::Sbom => None,
                }
            })
        })
        .collect()
}

pub(crate) fn rejected(format: SignatureFormat, location: String, reason: &str) -> Finding {
    Finding {
        format,
        location,
        verified: false,
        signer: None,
        key_id: None,
        identity: None,
        reason: Some(reason.to_string()),
        annotations: BTreeMap::new(),
        payload: None,
    }
}

fn check_bundle(location: String, bytes: &[u8], digest: &Digest, opts: &VerifyOptions) -> Finding {
    let fail = |reason: String| rejected(SignatureFormat::Bundle, location.clone(), &reason);
    let bundle = match Bundle::parse(bytes) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let Some(env) = &bundle.dsse_envelope else {
        return fail("bundle has no DSSE envelope".into());
    };
    let material = CertificateMaterial::from_bundle(&bundle);
    match check_envelope(env, &material, digest, opts, PredicateRule::Signature) {
        Ok(c) => Finding::verified(
            SignatureFormat::Bundle,
            location,
            c.signer,
            c.annotations,
            serde_json::to_value(&c.statement).ok(),
        ),
        Err(reason) => fail(reason),
    }
}

fn check_legacy(
    location: String,
    payload: &[u8],
    layer_annotations: &BTreeMap<String, String>,
    digest: &Digest,
    opts: &VerifyOptions,
) -> Finding {
    let fail = |reason: String| rejected(SignatureFormat::Legacy, location.clone(), &reason);
    let Some(sig_b64) = layer_annotations.get(SIGNATURE_ANNOTATION) else {
        return fail(format!("layer has no {SIGNATURE_ANNOTATION} annotation"));
    };
    let Ok(sig) = base64::engine::general_purpose::STANDARD.decode(sig_b64.trim()) else {
        return fail("signature annotation is not base64".into());
    };
    let material = CertificateMaterial::from_annotations(layer_annotations);
    let signer = match authenticate(opts, payload, &[sig], &material) {
        Ok(s) => s,
        Err(reason) => return fail(reason),
    };
    // As cosign (Go) reads it: `Critical` is `critical`, and the last of two wins.
    let parsed: simple_signing::Payload = match simple_signing::Payload::parse(payload) {
        Ok(p) => p,
        Err(e) => return fail(format!("payload is not simple-signing JSON: {e}")),
    };
    if parsed.critical.image.docker_manifest_digest != digest.to_string() {
        return fail(format!(
            "payload signs {}, not {digest}",
            parsed.critical.image.docker_manifest_digest
        ));
    }
    if parsed.critical.kind != simple_signing::SIGNATURE_TYPE {
        return fail(format!(
            "payload type {:?} is not a cosign signature",
            parsed.critical.kind
        ));
    }
    if let Some(repo) = &opts.repository
        && &parsed.critical.identity.docker_reference != repo
    {
        return fail(format!(
            "payload names repository {}, not {repo}",
            parsed.critical.identity.docker_reference
        ));
    }
    let annotations = parsed.annotations();
    if let Some(m) = annotation_mismatch(&opts.annotations, &annotations) {
        return fail(m);
    }
    Finding::verified(
        SignatureFormat::Legacy,
        location,
        signer,
        annotations,
        crate::oci::gojson::decode(payload, &crate::oci::gojson::SIMPLE_SIGNING).ok(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::attach::{CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION};

    /// Distinct signers: a key given twice is one, an exact identity is one, and a regular
    /// expression may be any number, so it never makes a threshold unreachable.
    #[test]
    fn a_threshold_above_the_distinct_signers_given_is_refused() {
        let key = |k: &PrivateKey, name: &str| TrustedKey {
            name: name.into(),
            key: k.public(),
        };
        let (a, b) = (
            PrivateKey::generate().unwrap(),
            PrivateKey::generate().unwrap(),
        );
        let exact = CertificatePolicy {
            identity: Some("me@example.com".into()),
            issuer: Some("https://issuer.example".into()),
            ..Default::default()
        };
        let opts =
            |keys: Vec<TrustedKey>, certificates: Vec<CertificatePolicy>, min| VerifyOptions {
                keys,
                certificates,
                min_signatures: min,
                ..Default::default()
            };
        let one = opts(vec![key(&a, "a.pub")], vec![], 2);
        assert_eq!(one.max_distinct_signers(), Some(1));
        assert_eq!(
            one.check_threshold(),
            Err(UnreachableThreshold {
                required: 2,
                configured: 1
            })
        );
        let twice = opts(vec![key(&a, "a.pub"), key(&a, "copy-of-a.pub")], vec![], 2);
        assert!(twice.check_threshold().is_err());
        assert!(
            opts(vec![key(&a, "a"), key(&b, "b")], vec![], 2)
                .check_threshold()
                .is_ok()
        );
        assert!(
            opts(vec![key(&a, "a")], vec![exact.clone()], 2)
                .check_threshold()
                .is_ok()
        );
        assert!(
            opts(vec![key(&a, "a")], vec![exact.clone(), exact.clone()], 3)
                .check_threshold()
                .is_err()
        );
        let regexp = CertificatePolicy {
            identity_regexp: Some(certificate::anchored_regex("x", ".*@example.com").unwrap()),
            issuer: Some("https://issuer.example".into()),
            ..Default::default()
        };
        let any = opts(vec![], vec![regexp], 5);
        assert_eq!(any.max_distinct_signers(), None);
        assert!(any.check_threshold().is_ok());
    }
    use crate::sign::dsse::INTOTO_PAYLOAD_TYPE;
    use crate::sign::keys::PrivateKey;
    use crate::verify::certificate;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("testdata/ca")
                .join(name),
        )
        .unwrap()
    }

    fn leaf_key() -> PrivateKey {
        PrivateKey::from_plain_pem(&fixture("leaf.key")).unwrap()
    }

    fn legacy_material(leaf: &str) -> CertificateMaterial {
        CertificateMaterial::from_annotations(&BTreeMap::from([
            (CERTIFICATE_ANNOTATION.to_string(), fixture(leaf)),
            (CHAIN_ANNOTATION.to_string(), fixture("chain.pem")),
        ]))
    }

    fn cert_opts() -> VerifyOptions {
        let roots = certificate::pem_certificates(&fixture("root.pem"), "root", 1).unwrap();
        VerifyOptions {
            certificates: vec![CertificatePolicy {
                roots: vec![certificate::parse(&roots[0]).unwrap()],
                identity: Some(
                    "https://github.com/sigil-test/app/.github/workflows/release.yml@refs/heads/main"
                        .into(),
                ),
                issuer: Some("https://token.actions.githubusercontent.com".into()),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn what_was_found_instead_is_summed_up() {
        let digest = Digest::sha256_of(b"image");
        let mut r = Report::new(&digest, ReferrerSource::Layout, Vec::new(), Vec::new(), 1);
        assert_eq!(r.others_summary(), None);
        let att = |t: Option<&str>| Other::Attestation {
            location: "referrer".into(),
            predicate_type: t.map(String::from),
        };
        r.others = vec![att(Some("https://slsa.dev/provenance/v1"))];
        assert_eq!(
            r.others_summary().unwrap(),
            "1 attestation (https://slsa.dev/provenance/v1)"
        );
        r.others = vec![
            att(Some("https://spdx.dev/Document")),
            att(None),
            att(Some("https://spdx.dev/Document")),
            Other::Signature {
                location: "layer 0".into(),
            },
        ];
        assert_eq!(
            r.others_summary().unwrap(),
            "3 attestations (https://spdx.dev/Document, type not given) and 1 signature"
        );
    }

    #[test]
    fn certificates_authenticate_only_for_the_policy() {
        let key = leaf_key();
        let sig = key.sign(b"payload");
        let opts = cert_opts();
        let material = legacy_material("leaf.pem");
        assert!(material.chain.len() == 2 && material.error.is_none());
        match authenticate(&opts, b"payload", std::slice::from_ref(&sig), &material) {
            Ok(Signer::Certificate(id)) => {
                assert_eq!(id.issuer, "https://token.actions.githubusercontent.com")
            }
            other => panic!("{:?}", other.err()),
        }
        // Another payload: the certificate's key does not verify it.
        let e = authenticate(&opts, b"other", std::slice::from_ref(&sig), &material)
            .err()
            .unwrap();
        assert_eq!(e, "signature does not verify with its certificate's key");
        // A signature by another key, carrying a certificate for the trusted identity.
        let forged = PrivateKey::generate().unwrap().sign(b"payload");
        let e = authenticate(&opts, b"payload", &[forged], &material)
            .err()
            .unwrap();
        assert_eq!(e, "signature does not verify with its certificate's key");
        // A raw public-key signature where a certificate belongs.
        let e = authenticate(
            &opts,
            b"payload",
            std::slice::from_ref(&sig),
            &CertificateMaterial::default(),
        )
        .err()
        .unwrap();
        assert!(e.contains("carries no certificate"), "{e}");
        // A policy failure names the reason.
        let e = authenticate(
            &opts,
            b"payload",
            std::slice::from_ref(&sig),
            &legacy_material("leaf-other-issuer.pem"),
        )
        .err()
        .unwrap();
        assert!(e.starts_with("certificate: certificate OIDC issuer"), "{e}");
    }

    #[test]
    fn keys_and_certificates_combine() {
        let key = leaf_key();
        let sig = key.sign(b"payload");
        let trusted = TrustedKey {
            name: "leaf.pub".into(),
            key: key.public(),
        };
        // Keys alone check certificate-carrying signatures as before, whatever the certificate.
        let keys_only = VerifyOptions {
            keys: vec![trusted.clone()],
            ..Default::default()
        };
        let material = legacy_material("leaf-other-issuer.pem");
        assert!(matches!(
            authenticate(&keys_only, b"payload", std::slice::from_ref(&sig), &material),
            Ok(Signer::Key { name, .. }) if name == "leaf.pub"
        ));
        // Both: a key that verifies counts as that key; otherwise both reasons are given.
        let mut both = cert_opts();
        both.keys = vec![TrustedKey {
            name: "other.pub".into(),
            key: PrivateKey::generate().unwrap().public(),
        }];
        let e = authenticate(&both, b"payload", std::slice::from_ref(&sig), &material)
            .err()
            .unwrap();
        assert!(
            e.starts_with("signature does not verify with other.pub; certificate:"),
            "{e}"
        );
        assert!(matches!(
            authenticate(
                &both,
                b"payload",
                std::slice::from_ref(&sig),
                &legacy_material("leaf.pem")
            ),
            Ok(Signer::Certificate(_))
        ));
    }

    /// A bundle validly signed by `key` whose statement names `digest`, followed by
    /// `extra_subjects` other subjects, and carrying `tlog` transparency-log entries.
    fn signed_bundle(
        key: &PrivateKey,
        digest: &Digest,
        extra_subjects: usize,
        tlog: usize,
    ) -> Vec<u8> {
        use crate::sign::dsse::{Envelope, EnvelopeSignature, Statement, Subject, pae};
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut statement = Statement::for_digest(
            digest,
            COSIGN_SIGN_PREDICATE,
            serde_json::json!({}),
            &BTreeMap::new(),
        );
        statement.subject.extend((0..extra_subjects).map(|i| {
            Subject {
                name: None,
                digest: BTreeMap::from([(
                    "sha256".to_string(),
                    Digest::sha256_of(i.to_string().as_bytes())
                        .hex()
                        .to_string(),
                )]),
                annotations: None,
            }
        }));
        let payload = serde_json::to_vec(&statement).unwrap();
        let sig = key.sign(&pae(INTOTO_PAYLOAD_TYPE, &payload));
        let envelope = Envelope {
            payload: b64.encode(&payload),
            payload_type: INTOTO_PAYLOAD_TYPE.into(),
            signatures: vec![EnvelopeSignature {
                sig: b64.encode(sig),
                keyid: None,
            }],
        };
        let mut bundle = Bundle::with_key(key.public().hint(), envelope);
        bundle.verification_material.tlog_entries = vec![serde_json::json!({}); tlog];
        serde_json::to_vec(&bundle).unwrap()
    }

    #[test]
    fn oversized_bundles_are_refused_though_validly_signed() {
        // A bundle past a bound is refused, not trimmed; of an envelope's signatures, only
        // the first 16 are tried (bounded work per bundle).
        use crate::sign::bundle::MAX_TLOG_ENTRIES;
        use crate::sign::dsse::MAX_SUBJECTS;
        let key = PrivateKey::generate().unwrap();
        let opts = VerifyOptions {
            keys: vec![TrustedKey {
                name: "cosign.pub".into(),
                key: key.public(),
            }],
            min_signatures: 1,
            ..Default::default()
        };
        let digest = Digest::sha256_of(b"image");
        let check = |extra_subjects, tlog| {
            let bytes = signed_bundle(&key, &digest, extra_subjects, tlog);
            check_bundle("referrer".into(), &bytes, &digest, &opts)
        };
        // At the bounds: it counts.
        let at = check(MAX_SUBJECTS - 1, MAX_TLOG_ENTRIES);
        assert!(at.verified, "{:?}", at.reason);
        // One transparency-log entry more: refused, saying why.
        let over = check(0, MAX_TLOG_ENTRIES + 1);
        assert!(!over.verified);
        assert_eq!(
            over.reason.as_deref(),
            Some("bundle has 33 transparency-log entries, more than 32")
        );
        // Only the first 16 signatures of an envelope are tried: a valid one behind 16 junk
        // signatures is not looked at, and behind 15 it is.
        let behind = |junk: usize| {
            let mut bundle: Bundle =
                serde_json::from_slice(&signed_bundle(&key, &digest, 0, 0)).unwrap();
            let env = bundle.dsse_envelope.as_mut().unwrap();
            let junk_sig = crate::sign::dsse::EnvelopeSignature {
                sig: base64::engine::general_purpose::STANDARD.encode(b"not a signature"),
                keyid: None,
            };
            env.signatures
                .splice(0..0, std::iter::repeat_n(junk_sig, junk));
            let bytes = serde_json::to_vec(&bundle).unwrap();
            check_bundle("referrer".into(), &bytes, &digest, &opts)
        };
        assert!(behind(15).verified);
        let late = behind(16);
        assert!(!late.verified);
        assert!(
            late.reason
                .as_deref()
                .is_some_and(|r| r.starts_with("signature does not verify with cosign.pub")),
            "{:?}",
            late.reason
        );
        // One subject more: refused, saying why.
        let over = check(MAX_SUBJECTS, 0);
        assert!(!over.verified);
        assert!(
            over.reason
                .as_deref()
                .is_some_and(|r| r.contains("statement has 1025 subjects, more than 1024")),
            "{:?}",
            over.reason
        );
    }

    #[test]
    fn certificate_material_is_read_and_bounded() {
        let b64 = base64::engine::general_purpose::STANDARD;
        let leaf = certificate::pem_certificates(&fixture("leaf.pem"), "leaf", 1).unwrap();
        let bundle = Bundle::with_certificate(
            &leaf[0],
            crate::sign::dsse::Envelope {
                payload: String::new(),
                payload_type: INTOTO_PAYLOAD_TYPE.into(),
                signatures: Vec::new(),
            },
        );
        let m = CertificateMaterial::from_bundle(&bundle);
        assert_eq!(m.leaf.as_deref(), Some(&leaf[0][..]));
        assert!(m.chain.is_empty());
        let mut bad = bundle.clone();
        bad.verification_material.certificate = Some(crate::sign::bundle::RawCertificate {
            raw_bytes: "!!".into(),
        });
        assert!(CertificateMaterial::from_bundle(&bad).error.is_some());
        // Older bundles: a chain, leaf first.
        let mut old = bundle.clone();
        old.verification_material.certificate = None;
        let many = vec![
            crate::sign::bundle::RawCertificate {
                raw_bytes: b64.encode(&leaf[0])
            };
            certificate::MAX_CHAIN + 2
        ];
        old.verification_material.x509_certificate_chain =
            Some(crate::sign::bundle::CertificateChain {
                certificates: many[..3].to_vec(),
            });
        let m = CertificateMaterial::from_bundle(&old);
        assert!(m.leaf.is_some() && m.chain.len() == 2);
        old.verification_material.x509_certificate_chain =
            Some(crate::sign::bundle::CertificateChain { certificates: many });
        assert!(CertificateMaterial::from_bundle(&old).error.is_some());
        // Legacy annotations: garbage is an error, an empty chain (cosign writes one) is none.
        let m = CertificateMaterial::from_annotations(&BTreeMap::from([(
            CERTIFICATE_ANNOTATION.to_string(),
            "not pem".to_string(),
        )]));
        assert!(m.error.is_some());
        let m = CertificateMaterial::from_annotations(&BTreeMap::from([
            (CERTIFICATE_ANNOTATION.to_string(), fixture("leaf.pem")),
            (CHAIN_ANNOTATION.to_string(), String::new()),
        ]));
        assert!(m.leaf.is_some() && m.chain.is_empty() && m.error.is_none());
    }
}
