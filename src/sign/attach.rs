//! Building and attaching signatures the way cosign stores them:
//! - bundle format (cosign v3): a DSSE-signed in-toto statement in a Sigstore bundle, pushed as
//!   an OCI 1.1 referrer whose `subject` is the image;
//! - legacy format (cosign v2): a simple-signing payload as one layer of the
//!   `sha256-<hex>.sig` manifest, appended to the signatures already there.

use std::collections::BTreeMap;

use base64::Engine as _;

use super::bundle::{BUNDLE_V03_MEDIA_TYPE, Bundle};
use super::dsse::{Envelope, EnvelopeSignature, INTOTO_PAYLOAD_TYPE, Statement, pae};
use super::keys::PrivateKey;
use crate::oci::manifest::{Descriptor, Manifest};
use crate::oci::{Digest, media};
use crate::registry::ManifestSel;
use crate::store::{ReferrerSource, Repository, Result, StoreError};

/// Layer annotation carrying a legacy signature.
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
pub const CHAIN_ANNOTATION: &str = "dev.sigstore.cosign/chain";
/// Manifest annotations on a bundle referrer.
pub const BUNDLE_CONTENT_ANNOTATION: &str = "dev.sigstore.bundle.content";
pub const BUNDLE_PREDICATE_ANNOTATION: &str = "dev.sigstore.bundle.predicateType";
pub const CREATED_ANNOTATION: &str = "org.opencontainers.image.created";

/// What signs: a key, optionally with a certificate (and chain) for it.
pub struct Signer {
    pub key: PrivateKey,
    /// Leaf certificate: DER and PEM.
    pub certificate: Option<(Vec<u8>, String)>,
    /// Intermediate and root certificates, PEM.
    pub chain_pem: Option<String>,
}

/// A DSSE-signed statement in a bundle, ready to attach as a referrer.
#[derive(Debug, Clone)]
pub struct BundleArtifact {
    pub statement: Vec<u8>,
    pub signature: Vec<u8>,
    pub bundle: Vec<u8>,
    pub manifest: Vec<u8>,
}

/// Signs `statement` as DSSE and wraps it in a bundle referrer manifest for `subject`.
pub fn bundle_artifact(
    signer: &Signer,
    statement: &Statement,
    subject: &Descriptor,
) -> BundleArtifact {
    let payload = serde_json::to_vec(statement).unwrap_or_default();
    let signature = signer.key.sign(&pae(INTOTO_PAYLOAD_TYPE, &payload));
    let b64 = base64::engine::general_purpose::STANDARD;
    let envelope = Envelope {
        payload: b64.encode(&payload),
        payload_type: INTOTO_PAYLOAD_TYPE.to_string(),
        signatures: vec![EnvelopeSignature {
            sig: b64.encode(&signature),
            keyid: None,
        }],
    };
    let bundle = match &signer.certificate {
        Some((der, _)) => Bundle::with_certificate(der, envelope),
        None => Bundle::with_key(signer.key.public().hint(), envelope),
    };
    let bundle = serde_json::to_vec(&bundle).unwrap_or_default();
    let mut config = Descriptor::for_bytes(media::OCI_EMPTY, media::EMPTY_JSON);
    config.artifact_type = Some(BUNDLE_V03_MEDIA_TYPE.to_string());
    let mut subject = subject.clone();
    subject.annotations = None;
    subject.platform = None;
    subject.artifact_type = None;
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": media::OCI_MANIFEST,
        "artifactType": BUNDLE_V03_MEDIA_TYPE,
        "config": config,
        "layers": [Descriptor::for_bytes(BUNDLE_V03_MEDIA_TYPE, &bundle)],
        "subject": subject,
        "annotations": {
            BUNDLE_CONTENT_ANNOTATION: "dsse-envelope",
            BUNDLE_PREDICATE_ANNOTATION: statement.predicate_type,
            CREATED_ANNOTATION: crate::util::time::rfc3339(crate::util::time::now_unix()),
        }
    });
    BundleArtifact {
        statement: payload,
        signature,
        bundle,
        manifest: serde_json::to_vec(&manifest).unwrap_or_default(),
    }
}

/// Pushes a bundle referrer: its blobs, then the manifest (with the fallback tag if needed).
pub async fn attach_bundle(
    repo: &Repository,
    artifact: &BundleArtifact,
) -> Result<(Digest, ReferrerSource)> {
    repo.push_blob(media::EMPTY_JSON).await?;
    repo.push_blob(&artifact.bundle).await?;
    repo.push_referrer(&artifact.manifest, media::OCI_MANIFEST)
        .await
}

/// One legacy signature layer: the payload and its annotations.
#[derive(Debug, Clone)]
pub struct LegacyLayer {
    pub media_type: String,
    pub payload: Vec<u8>,
    pub annotations: BTreeMap<String, String>,
}

/// A simple-signing layer signed by `signer`.
pub fn legacy_signature_layer(signer: &Signer, payload: Vec<u8>) -> LegacyLayer {
    let sig = signer.key.sign(&payload);
    let mut annotations = BTreeMap::from([(
        SIGNATURE_ANNOTATION.to_string(),
        base64::engine::general_purpose::STANDARD.encode(sig),
    )]);
    if let Some((_, pem)) = &signer.certificate {
        annotations.insert(CERTIFICATE_ANNOTATION.to_string(), pem.clone());
    }
    if let Some(chain) = &signer.chain_pem {
        annotations.insert(CHAIN_ANNOTATION.to_string(), chain.clone());
    }
    LegacyLayer {
        media_type: media::COSIGN_SIMPLE_SIGNING.to_string(),
        payload,
        annotations,
    }
}

/// Appends `layer` to the manifest at tag `tag` (e.g. `sha256-<hex>.sig`), keeping every
/// layer already there; a layer identical to an existing one (same payload and annotations)
/// is not added twice. Returns the new manifest digest.
pub async fn attach_legacy(repo: &Repository, tag: &str, layer: &LegacyLayer) -> Result<Digest> {
    let mut layers: Vec<Descriptor> =
        match repo.manifest(&ManifestSel::Tag(tag.to_string())).await? {
            Some(m) => match m.manifest {
                Manifest::Image(im) => im.layers,
                Manifest::Index(_) => {
                    return Err(StoreError::Invalid {
                        reference: format!("{}:{tag}", repo.describe()),
                        detail: "existing signature tag is an index, not an image manifest".into(),
                    });
                }
            },
            None => Vec::new(),
        };
    let mut desc = Descriptor::for_bytes(&layer.media_type, &layer.payload);
    desc.annotations = Some(layer.annotations.clone());
    if !layers
        .iter()
        .any(|l| l.digest == desc.digest && l.annotations == desc.annotations)
    {
        layers.push(desc);
    }
    let config = serde_json::json!({
        "architecture": "",
        "created": "0001-01-01T00:00:00Z",
        "history": layers.iter().map(|_| serde_json::json!({"created": "0001-01-01T00:00:00Z"})).collect::<Vec<_>>(),
        "os": "",
        "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|l| l.digest.to_string()).collect::<Vec<_>>()},
        "config": {}
    });
    let config = serde_json::to_vec(&config).unwrap_or_default();
    repo.push_blob(&config).await?;
    repo.push_blob(&layer.payload).await?;
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": media::OCI_MANIFEST,
        "config": Descriptor::for_bytes(media::OCI_CONFIG, &config),
        "layers": layers,
    });
    let bytes = serde_json::to_vec(&manifest).unwrap_or_default();
    repo.push_manifest(
        &bytes,
        media::OCI_MANIFEST,
        &ManifestSel::Tag(tag.to_string()),
    )
    .await
}

/// A cosign v2 `.att` layer: a DSSE envelope over `statement`, annotated with its predicate
/// type (and the empty signature annotation cosign writes beside it).
pub fn legacy_attestation_layer(signer: &Signer, statement: &Statement) -> LegacyLayer {
    let payload = serde_json::to_vec(statement).unwrap_or_default();
    let b64 = base64::engine::general_purpose::STANDARD;
    let signature = signer.key.sign(&pae(INTOTO_PAYLOAD_TYPE, &payload));
    let envelope = Envelope {
        payload: b64.encode(&payload),
        payload_type: INTOTO_PAYLOAD_TYPE.to_string(),
        signatures: vec![EnvelopeSignature {
            sig: b64.encode(signature),
            keyid: None,
        }],
    };
    let mut annotations = BTreeMap::from([
        (SIGNATURE_ANNOTATION.to_string(), String::new()),
        (
            "predicateType".to_string(),
            statement.predicate_type.clone(),
        ),
    ]);
    if let Some((_, pem)) = &signer.certificate {
        annotations.insert(CERTIFICATE_ANNOTATION.to_string(), pem.clone());
    }
    if let Some(chain) = &signer.chain_pem {
        annotations.insert(CHAIN_ANNOTATION.to_string(), chain.clone());
    }
    LegacyLayer {
        media_type: media::DSSE_ENVELOPE.to_string(),
        payload: serde_json::to_vec(&envelope).unwrap_or_default(),
        annotations,
    }
}
