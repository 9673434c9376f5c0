//! Signature verification for one image digest. See the module docs of [`crate::verify`].

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use serde::Serialize;

use crate::discover::{self, LegacyKind};
use crate::oci::manifest::Manifest;
use crate::oci::{Digest, media};
use crate::sign::attach::SIGNATURE_ANNOTATION;
use crate::sign::bundle::{BUNDLE_V03_MEDIA_TYPE, Bundle};
use crate::sign::dsse::{COSIGN_SIGN_PREDICATE, INTOTO_PAYLOAD_TYPE, Statement};
use crate::sign::keys::PublicKey;
use crate::sign::simple_signing;
use crate::store::{ReferrerSource, Repository, Result};

/// Most signatures examined per image (layers of a `.sig` manifest plus bundle referrers).
pub const MAX_SIGNATURES: usize = 1000;
/// Most DSSE signatures examined per envelope.
const MAX_ENVELOPE_SIGNATURES: usize = 16;

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
    /// The trusted key that verified it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// Why it does not count (when not verified).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// The signed payload (simple-signing JSON or in-toto statement), once verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<serde_json::Value>,
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
}

/// A candidate before checking.
enum Candidate {
    Bundle {
        location: String,
        blob: Digest,
    },
    Legacy {
        location: String,
        blob: Digest,
        annotations: BTreeMap<String, String>,
    },
}

/// Finds and checks every signature on `digest` in `repo`.
pub async fn verify_signatures(
    repo: &Repository,
    digest: &Digest,
    opts: &VerifyOptions,
) -> Result<Report> {
    let attached = discover::attached(repo, digest).await?;
    let mut searched = vec![format!(
        "referrers of {digest} ({})",
        attached.referrers_source
    )];
    searched.push(format!("tag {}", LegacyKind::Sig.tag_for(digest)));
    let mut findings = Vec::new();
    let mut candidates = Vec::new();
    for r in &attached.referrers {
        if r.artifact_type != BUNDLE_V03_MEDIA_TYPE {
            continue;
        }
        // Attestations share the bundle format; the annotation is only a hint (the statement's
        // own predicateType is checked after verification).
        if let Some(p) = r
            .annotations
            .get(crate::sign::attach::BUNDLE_PREDICATE_ANNOTATION)
            && p != COSIGN_SIGN_PREDICATE
        {
            continue;
        }
        let location = format!("referrer {}", r.digest);
        match &r.manifest.manifest {
            Manifest::Image(m)
                if m.layers.len() == 1 && m.layers[0].media_type == BUNDLE_V03_MEDIA_TYPE =>
            {
                candidates.push(Candidate::Bundle {
                    location,
                    blob: m.layers[0].digest.clone(),
                })
            }
            _ => findings.push(rejected(
                SignatureFormat::Bundle,
                location,
                "referrer is not a single-bundle manifest",
            )),
        }
    }
    for r in &attached.rejected {
        findings.push(rejected(
            SignatureFormat::Bundle,
            format!("referrer {}", r.digest),
            &r.reason,
        ));
    }
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
            candidates.push(Candidate::Legacy {
                location,
                blob: layer.digest.clone(),
                annotations: layer.annotations.clone().unwrap_or_default(),
            });
        }
    }
    if candidates.len() > MAX_SIGNATURES {
        return Err(crate::store::StoreError::Invalid {
            reference: format!("{}@{digest}", repo.describe()),
            detail: format!(
                "{} signatures attached, more than {MAX_SIGNATURES}",
                candidates.len()
            ),
        });
    }

    let mut tasks = tokio::task::JoinSet::new();
    for (i, c) in candidates.into_iter().enumerate() {
        let repo = repo.clone();
        tasks.spawn(async move {
            let blob = match &c {
                Candidate::Bundle { blob, .. } | Candidate::Legacy { blob, .. } => blob.clone(),
            };
            (i, repo.blob(&blob).await, c)
        });
    }
    let mut checked = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (i, blob, c) = joined.map_err(|e| crate::store::StoreError::Invalid {
            reference: repo.describe(),
            detail: e.to_string(),
        })?;
        let bytes = blob?;
        let f = match c {
            Candidate::Bundle { location, .. } => check_bundle(location, &bytes, digest, opts),
            Candidate::Legacy {
                location,
                annotations,
                ..
            } => check_legacy(location, &bytes, &annotations, digest, opts),
        };
        checked.push((i, f));
    }
    checked.sort_by_key(|(i, _)| *i);
    findings.extend(checked.into_iter().map(|(_, f)| f));

    let signers: BTreeSet<String> = findings
        .iter()
        .filter(|f| f.verified)
        .filter_map(|f| f.signer.clone())
        .collect();
    let required = opts.min_signatures.max(1);
    Ok(Report {
        digest: digest.clone(),
        referrers_source: attached.referrers_source,
        searched,
        passed: signers.len() >= required,
        signers,
        required,
        findings,
    })
}

fn rejected(format: SignatureFormat, location: String, reason: &str) -> Finding {
    Finding {
        format,
        location,
        verified: false,
        signer: None,
        reason: Some(reason.to_string()),
        annotations: BTreeMap::new(),
        payload: None,
    }
}

/// The first trusted key that verifies `signature` over `message`.
fn find_signer<'a>(
    keys: &'a [TrustedKey],
    message: &[u8],
    signature: &[u8],
) -> Option<&'a TrustedKey> {
    keys.iter().find(|k| k.key.verify(message, signature))
}

fn no_key_reason(opts: &VerifyOptions) -> String {
    let names: Vec<&str> = opts.keys.iter().map(|k| k.name.as_str()).collect();
    format!(
        "signature does not verify with {}",
        if names.is_empty() {
            "any key (none given)".to_string()
        } else {
            names.join(", ")
        }
    )
}

/// Checks `-a` constraints; returns the first mismatch.
fn annotation_mismatch(
    want: &BTreeMap<String, String>,
    have: &BTreeMap<String, String>,
) -> Option<String> {
    want.iter().find_map(|(k, v)| match have.get(k) {
        Some(h) if h == v => None,
        Some(h) => Some(format!("annotation {k}={h:?}, required {v:?}")),
        None => Some(format!("annotation {k} missing, required {v:?}")),
    })
}

fn check_bundle(location: String, bytes: &[u8], digest: &Digest, opts: &VerifyOptions) -> Finding {
    let fail = |reason: String| rejected(SignatureFormat::Bundle, location.clone(), &reason);
    let bundle = match Bundle::parse(bytes) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let Some(env) = bundle.dsse_envelope else {
        return fail("bundle has no DSSE envelope".into());
    };
    if env.payload_type != INTOTO_PAYLOAD_TYPE {
        return fail(format!(
            "DSSE payload type {:?} is not in-toto",
            env.payload_type
        ));
    }
    let signed = match env.signed_bytes() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    let signer = env
        .signatures
        .iter()
        .take(MAX_ENVELOPE_SIGNATURES)
        .filter_map(|s| b64.decode(&s.sig).ok())
        .find_map(|sig| find_signer(&opts.keys, &signed, &sig));
    let Some(signer) = signer else {
        return fail(no_key_reason(opts));
    };
    let statement = match env.payload_bytes().and_then(|p| Statement::parse(&p)) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if statement.predicate_type != COSIGN_SIGN_PREDICATE {
        return fail(format!(
            "statement is not a signature (predicateType {})",
            statement.predicate_type
        ));
    }
    let Some(subject) = statement.subject_for(digest) else {
        let named: Vec<String> = statement
            .subject
            .iter()
            .flat_map(|s| s.digest.iter().map(|(a, h)| format!("{a}:{h}")))
            .take(3)
            .collect();
        return fail(format!(
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
            Some(n) => return fail(format!("statement names repository {n}, not {repo}")),
            None => {
                return fail(format!(
                    "statement names no repository, and {repo} is required"
                ));
            }
        }
    }
    if let Some(m) = annotation_mismatch(&opts.annotations, &annotations) {
        return fail(m);
    }
    Finding {
        format: SignatureFormat::Bundle,
        location,
        verified: true,
        signer: Some(signer.name.clone()),
        reason: None,
        annotations,
        payload: serde_json::to_value(&statement).ok(),
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
    let Some(signer) = find_signer(&opts.keys, payload, &sig) else {
        return fail(no_key_reason(opts));
    };
    let parsed: simple_signing::Payload = match serde_json::from_slice(payload) {
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
    Finding {
        format: SignatureFormat::Legacy,
        location,
        verified: true,
        signer: Some(signer.name.clone()),
        reason: None,
        annotations,
        payload: serde_json::from_slice(payload).ok(),
    }
}
