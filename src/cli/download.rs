//! `sigil download signature|attestation|sbom IMAGE`: hands what is attached to an image to
//! other tools, as cosign's `download` does — one JSON document per line on stdout (or the
//! SBOM document itself). Raw by default; with `--key`, only what verifies.

use std::path::PathBuf;

use anyhow::{Context, bail};
use base64::Engine as _;
use clap::{Args, Subcommand};

use super::RegistryArgs;
use super::keys::load_public_keys;
use super::output;
use crate::attest::types::{self, PredicateType};
use crate::discover::{self, LegacyKind};
use crate::oci::manifest::Manifest;
use crate::oci::{Digest, ImageRef, media};
use crate::sign::attach::{
    BUNDLE_PREDICATE_ANNOTATION, CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION, SIGNATURE_ANNOTATION,
};
use crate::sign::bundle::{BUNDLE_V03_MEDIA_TYPE, Bundle};
use crate::sign::dsse::{COSIGN_SIGN_PREDICATE, Envelope, Statement};
use crate::store::Repository;
use crate::verify::{self, VerifyOptions};

#[derive(Debug, Subcommand)]
pub enum DownloadCommand {
    /// Signatures, both formats: cosign's JSON for legacy layers, the bundle for referrers
    Signature(DownloadArgs),
    /// Attestations as DSSE envelopes (or, with --key, the verified statements)
    Attestation(DownloadArgs),
    /// The SBOM document: from an SPDX / CycloneDX attestation, or cosign's legacy .sbom tag
    Sbom(DownloadArgs),
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    pub image: ImageRef,
    /// Only attestations of this predicate type (cosign name or URI)
    #[arg(long, value_name = "TYPE")]
    pub predicate_type: Option<String>,
    /// Output only what verifies with these keys (file or directory; repeatable)
    #[arg(long, value_name = "FILE|DIR")]
    pub key: Vec<PathBuf>,
    /// Write to this file instead of stdout
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

pub async fn run(cmd: DownloadCommand) -> anyhow::Result<u8> {
    let (a, what) = match cmd {
        DownloadCommand::Signature(a) => (a, What::Signature),
        DownloadCommand::Attestation(a) => (a, What::Attestation),
        DownloadCommand::Sbom(a) => (a, What::Sbom),
    };
    let predicate_type = match &a.predicate_type {
        Some(t) => Some(PredicateType::parse(t)?.uri),
        None => None,
    };
    let client = a.registry.client()?;
    let repo = Repository::open(&a.image, &client)?;
    let digest = repo.resolve(&a.image).await?.digest;
    let docs = match (what, a.key.is_empty()) {
        (What::Signature, true) => raw_signatures(&repo, &digest).await?,
        (What::Signature, false) => verified(&repo, &digest, &a, None, true).await?,
        (What::Attestation, true) => {
            raw_attestations(&repo, &digest, predicate_type.as_deref()).await?
        }
        (What::Attestation, false) => {
            verified(&repo, &digest, &a, predicate_type.as_deref(), false).await?
        }
        (What::Sbom, _) => sbom(&repo, &digest, &a, predicate_type.as_deref()).await?,
    };
    if docs.is_empty() {
        bail!(
            "no {} found for {}",
            what.noun(),
            output::pinned(&a.image, &digest)
        );
    }
    let text: String = docs.iter().map(|d| format!("{d}\n")).collect();
    match &a.output_file {
        Some(p) => crate::util::fs::write_atomic(p, text.as_bytes(), None)
            .with_context(|| format!("writing {}", p.display()))?,
        None => output::print(&text)?,
    }
    Ok(super::EXIT_OK)
}

#[derive(Debug, Clone, Copy)]
enum What {
    Signature,
    Attestation,
    Sbom,
}

impl What {
    fn noun(self) -> &'static str {
        match self {
            What::Signature => "signatures",
            What::Attestation => "attestations",
            What::Sbom => "SBOM",
        }
    }
}

/// The single layer blob of a bundle referrer.
fn bundle_layer(r: &discover::Referrer) -> Option<Digest> {
    match &r.manifest.manifest {
        Manifest::Image(m)
            if m.layers.len() == 1 && m.layers[0].media_type == BUNDLE_V03_MEDIA_TYPE =>
        {
            Some(m.layers[0].digest.clone())
        }
        _ => None,
    }
}

async fn raw_signatures(repo: &Repository, digest: &Digest) -> anyhow::Result<Vec<String>> {
    let attached = discover::attached_with(repo, digest, &[LegacyKind::Sig]).await?;
    let mut out = Vec::new();
    for l in &attached.legacy {
        for layer in &l.layers {
            let payload = repo.blob(&layer.digest).await?;
            let ann = layer.annotations.clone().unwrap_or_default();
            let doc = serde_json::json!({
                "Base64Signature": ann.get(SIGNATURE_ANNOTATION).cloned().unwrap_or_default(),
                "Payload": base64::engine::general_purpose::STANDARD.encode(&payload),
                "Cert": ann.get(CERTIFICATE_ANNOTATION),
                "Chain": ann.get(CHAIN_ANNOTATION),
                "Bundle": null,
            });
            out.push(doc.to_string());
        }
    }
    for r in &attached.referrers {
        if r.annotations
            .get(BUNDLE_PREDICATE_ANNOTATION)
            .map(String::as_str)
            != Some(COSIGN_SIGN_PREDICATE)
        {
            continue;
        }
        if let Some(blob) = bundle_layer(r) {
            out.push(compact(&repo.blob(&blob).await?)?);
        }
    }
    Ok(out)
}

async fn raw_attestations(
    repo: &Repository,
    digest: &Digest,
    predicate_type: Option<&str>,
) -> anyhow::Result<Vec<String>> {
    let attached = discover::attached_with(repo, digest, &[LegacyKind::Att]).await?;
    let mut envelopes: Vec<Envelope> = Vec::new();
    for l in &attached.legacy {
        for layer in l
            .layers
            .iter()
            .filter(|l| l.media_type == media::DSSE_ENVELOPE)
        {
            let bytes = repo.blob(&layer.digest).await?;
            envelopes.push(
                serde_json::from_slice(&bytes).context("an .att layer is not a DSSE envelope")?,
            );
        }
    }
    for r in &attached.referrers {
        if r.annotations
            .get(BUNDLE_PREDICATE_ANNOTATION)
            .map(String::as_str)
            == Some(COSIGN_SIGN_PREDICATE)
        {
            continue;
        }
        if let Some(blob) = bundle_layer(r)
            && let Ok(b) = Bundle::parse(&repo.blob(&blob).await?)
            && let Some(env) = b.dsse_envelope
        {
            envelopes.push(env);
        }
    }
    let mut out = Vec::new();
    for env in envelopes {
        // Unverified: the statement is read only to filter by type.
        let statement = env
            .payload_bytes()
            .ok()
            .and_then(|p| Statement::parse(&p).ok());
        let kind = statement.as_ref().map(|s| s.predicate_type.as_str());
        if kind == Some(COSIGN_SIGN_PREDICATE) || predicate_type.is_some_and(|t| kind != Some(t)) {
            continue;
        }
        out.push(serde_json::to_string(&env)?);
    }
    Ok(out)
}

/// Verified payloads: signatures' payloads, or attestations' statements.
async fn verified(
    repo: &Repository,
    digest: &Digest,
    a: &DownloadArgs,
    predicate_type: Option<&str>,
    signatures: bool,
) -> anyhow::Result<Vec<String>> {
    let opts = VerifyOptions {
        keys: load_public_keys(&a.key)?,
        min_signatures: 1,
        ..Default::default()
    };
    let report = if signatures {
        verify::verify_signatures(repo, digest, &opts).await?
    } else {
        verify::verify_attestations(repo, digest, &opts, predicate_type).await?
    };
    Ok(report
        .findings
        .iter()
        .filter(|f| f.verified)
        .filter_map(|f| f.payload.as_ref().map(|p| p.to_string()))
        .collect())
}

/// The SBOM itself: the predicate of an SPDX or CycloneDX attestation (verified when keys
/// are given), else the blob of cosign's legacy `.sbom` tag.
async fn sbom(
    repo: &Repository,
    digest: &Digest,
    a: &DownloadArgs,
    predicate_type: Option<&str>,
) -> anyhow::Result<Vec<String>> {
    let wanted = |t: &str| match predicate_type {
        Some(p) => t == p,
        None => t == types::SPDX || t == types::CYCLONEDX,
    };
    let statements: Vec<serde_json::Value> = if a.key.is_empty() {
        raw_attestations(repo, digest, None)
            .await?
            .iter()
            .filter_map(|e| serde_json::from_str::<Envelope>(e).ok())
            .filter_map(|e| e.payload_bytes().ok())
            .filter_map(|p| serde_json::from_slice(&p).ok())
            .collect()
    } else {
        verified(repo, digest, a, None, false)
            .await?
            .iter()
            .filter_map(|s| serde_json::from_str(s).ok())
            .collect()
    };
    let mut out: Vec<String> = statements
        .iter()
        .filter(|s| s["predicateType"].as_str().is_some_and(wanted))
        .map(|s| s["predicate"].to_string())
        .collect();
    if out.is_empty() && a.key.is_empty() {
        let attached = discover::attached_with(repo, digest, &[LegacyKind::Sbom]).await?;
        for l in &attached.legacy {
            for layer in &l.layers {
                out.push(String::from_utf8_lossy(&repo.blob(&layer.digest).await?).into_owned());
            }
        }
    }
    Ok(out)
}

fn compact(bytes: &[u8]) -> anyhow::Result<String> {
    let v: serde_json::Value = serde_json::from_slice(bytes).context("not JSON")?;
    Ok(v.to_string())
}
