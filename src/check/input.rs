//! The `kind: image` policy input (schema: `policies/README.md`) from gathered facts and
//! the signature and attestation verdicts of one trust entry. Only **verified** signatures
//! and attestations enter the input: a policy can never be satisfied by an unchecked claim.

use serde_json::{Map, Value as Json, json};

use super::gather::{Gathered, Subject};
use crate::oci::ImageRef;
use crate::policy::input as shared;
use crate::verify::{Finding, Report, SignatureFormat};

/// The verdicts for one subject (the image or one platform) under one trust entry.
pub struct Verdicts<'a> {
    pub signatures: &'a Report,
    pub attestations: &'a Report,
}

/// Builds the input. `verdicts[0]` belongs to `g.root`, `verdicts[i + 1]` to
/// `g.platforms[i]`; `requested` says whether a key or identity was given to verify with.
pub fn image_input(
    given: &str,
    image: &ImageRef,
    g: &Gathered,
    verdicts: &[Verdicts<'_>],
    requested: bool,
) -> Json {
    let mut image_obj = subject_object(&g.root, &verdicts[0]);
    let reference = shared::reference(given, image);
    let provenance: Vec<&Json> = verdicts[0]
        .attestations
        .findings
        .iter()
        .filter(|f| f.verified)
        .filter_map(|f| f.payload.as_ref())
        .filter(|s| {
            s.get("predicateType")
                .and_then(Json::as_str)
                .is_some_and(|t| t.starts_with("https://slsa.dev/provenance/"))
        })
        .filter_map(|s| s.get("predicate"))
        .collect();
    let base = shared::base_images(Some(&g.root.annotations), &provenance);
    let platforms: Vec<Json> = g
        .platforms
        .iter()
        .zip(&verdicts[1..])
        .map(|(s, v)| subject_object(s, v))
        .collect();
    let o = image_obj.as_object_mut().expect("an object");
    o.insert("reference".into(), reference);
    o.insert("base_images".into(), Json::Array(base));
    o.insert("platforms".into(), Json::Array(platforms));
    json!({
        "kind": "image",
        "image": image_obj,
        "verification": {"requested": requested},
    })
}

/// `{digest, media_type, platform, config, annotations, signatures, attestations}`.
fn subject_object(s: &Subject, v: &Verdicts<'_>) -> Json {
    json!({
        "digest": s.digest.to_string(),
        "media_type": s.media_type,
        "platform": s.platform,
        "config": s.config,
        "annotations": s.annotations,
        "signatures": v.signatures.findings.iter().filter(|f| f.verified).map(signature).collect::<Vec<_>>(),
        "attestations": v.attestations.findings.iter().filter(|f| f.verified).filter_map(attestation).collect::<Vec<_>>(),
    })
}

fn signer(f: &Finding) -> Json {
    match &f.identity {
        Some(id) => shared::signer(None, Some(&id.subject_alt_name), Some(&id.issuer)),
        None => shared::signer(f.key_id.as_deref(), None, None),
    }
}

fn signature(f: &Finding) -> Json {
    let annotations: Map<String, Json> = f
        .annotations
        .iter()
        .map(|(k, v)| (k.clone(), Json::String(v.clone())))
        .collect();
    json!({
        "format": match f.format {
            SignatureFormat::Bundle => "bundle",
            SignatureFormat::Legacy => "legacy",
        },
        "signer": signer(f),
        "annotations": annotations,
    })
}

fn attestation(f: &Finding) -> Option<Json> {
    let statement = f.payload.as_ref()?;
    Some(json!({
        "predicate_type": statement.get("predicateType")?,
        "signer": signer(f),
        "predicate": statement.get("predicate").cloned().unwrap_or(Json::Null),
    }))
}
