//! `sigil sign --key KEY IMAGE…`: resolves each image to a digest once, signs that digest in
//! cosign's bundle format (an OCI 1.1 referrer) or legacy format (the `.sig` tag), and
//! optionally writes what was signed to files.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, bail};
use base64::Engine as _;
use clap::{ArgAction, Args, ValueEnum};

use super::RegistryArgs;
use super::keys::load_private_key;
use super::output::{self, BOLD, DIM, GREEN, YELLOW, paint};
use crate::oci::manifest::{Descriptor, Manifest};
use crate::oci::{Digest, ImageRef};
use crate::sign::attach::{self, Signer};
use crate::sign::dsse::{COSIGN_SIGN_PREDICATE, Statement};
use crate::sign::simple_signing;
use crate::store::Repository;
use crate::util::fs::write_atomic;
use crate::verify::certificate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// cosign v3: Sigstore bundle as an OCI 1.1 referrer
    Bundle,
    /// cosign v2: simple-signing layer in the sha256-<hex>.sig tag
    Legacy,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Images to sign (a tag is resolved once and the digest signed)
    #[arg(required = true)]
    pub images: Vec<ImageRef>,
    #[command(flatten)]
    pub signer: SignerArgs,
    /// Storage format of the signature
    #[arg(long, value_enum, default_value_t = Format::Bundle)]
    pub signature_format: Format,
    /// Annotation to sign along (key=value); repeatable
    #[arg(short = 'a', long = "annotations", value_name = "KEY=VALUE", value_parser = parse_annotation)]
    pub annotations: Vec<(String, String)>,
    /// Also sign every platform manifest of an index
    #[arg(long)]
    pub recursive: bool,
    /// Refuse references that are not pinned by digest
    #[arg(long)]
    pub require_digest: bool,
    /// Push the signature (use --upload=false to only write files)
    #[arg(long, default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    pub upload: bool,
    /// Write the base64 signature here
    #[arg(long, value_name = "FILE")]
    pub output_signature: Option<PathBuf>,
    /// Write the signed payload here
    #[arg(long, value_name = "FILE")]
    pub output_payload: Option<PathBuf>,
    /// Write the Sigstore bundle here (bundle format)
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<PathBuf>,
    #[arg(long, short = 'o', value_enum, default_value_t = output::Format::Text)]
    pub output: output::Format,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// Who signs: the key and, optionally, its certificate. Shared by `sign` and `attest`.
#[derive(Debug, Args)]
pub struct SignerArgs {
    /// Private key: cosign's encrypted format or plain PKCS#8 / SEC1 PEM
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// Certificate (PEM or DER) for the key, attached to the signature
    #[arg(long, value_name = "FILE")]
    pub certificate: Option<PathBuf>,
    /// CA chain for --certificate (PEM: intermediates, then the root), checked to issue it;
    /// attached in the legacy format (a v0.3 bundle holds the leaf only, as with cosign)
    #[arg(long, value_name = "FILE")]
    pub certificate_chain: Option<PathBuf>,
    /// Read the key passphrase from this file
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

impl SignerArgs {
    /// Loads the key (asking for its passphrase) and the certificate material.
    pub fn load(&self, format: Format) -> anyhow::Result<Signer> {
        let key = load_private_key(&self.key, self.password_file.as_deref())?;
        let (certificate, chain_pem) = load_certificate(self, format, &key)?;
        Ok(Signer {
            key,
            certificate,
            chain_pem,
        })
    }
}

/// An image resolved for signing: its repository, the descriptors to sign (the image, and
/// with `recursive` each platform of an index) and the repository it is named by.
pub struct SigningTargets {
    pub repo: Repository,
    pub targets: Vec<Descriptor>,
    pub docker_reference: String,
}

/// Resolves `image` once (printing the digest a tag resolved to) into what gets signed.
pub async fn signing_targets(
    image: &ImageRef,
    client: &std::sync::Arc<crate::registry::RegistryClient>,
    require_digest: bool,
    recursive: bool,
) -> anyhow::Result<SigningTargets> {
    let given_digest = Repository::given_digest(image).is_some();
    if require_digest && !given_digest {
        bail!("{image} is not pinned by digest (--require-digest)");
    }
    let repo = Repository::open(image, client)?;
    let root = repo.resolve(image).await?;
    if !given_digest {
        anstream::eprintln!(
            "{} {image} resolved to {}",
            paint(DIM, "note:"),
            root.digest
        );
    }
    let mut targets: Vec<Descriptor> = vec![root.descriptor()];
    if recursive && let Manifest::Index(idx) = &root.manifest {
        targets.extend(idx.manifests.iter().cloned());
    }
    let docker_reference = match image {
        ImageRef::Registry(r) => r.repo_only(),
        ImageRef::Layout(l) => format!("oci:{}", l.path.display()),
    };
    Ok(SigningTargets {
        repo,
        targets,
        docker_reference,
    })
}

pub fn parse_annotation(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("annotation {s:?} is not key=value")),
    }
}

/// A leaf certificate (DER, PEM) and its chain (PEM), when given.
type CertificateMaterial = (Option<(Vec<u8>, String)>, Option<String>);

/// The certificate material for the signer, checked to belong to the key.
fn load_certificate(
    a: &SignerArgs,
    format: Format,
    key: &crate::sign::keys::PrivateKey,
) -> anyhow::Result<CertificateMaterial> {
    let Some(path) = &a.certificate else {
        if a.certificate_chain.is_some() {
            bail!("--certificate-chain needs --certificate");
        }
        return Ok((None, None));
    };
    let bytes = crate::util::fs::read(path)
        .with_context(|| format!("cannot read certificate {}", path.display()))?;
    let der = match std::str::from_utf8(&bytes)
        .ok()
        .and_then(|t| crate::sign::pem::parse(t).ok())
    {
        Some(block) if block.label == "CERTIFICATE" => block.der,
        Some(block) => bail!(
            "{}: PEM block {:?} is not a CERTIFICATE",
            path.display(),
            block.label
        ),
        None => bytes,
    };
    let cert_key = certificate::public_key_of(&der)
        .with_context(|| format!("certificate {}", path.display()))?;
    if cert_key != key.public() {
        bail!(
            "certificate {} is for another key than --key",
            path.display()
        );
    }
    let pem = crate::sign::pem::encode("CERTIFICATE", &der);
    let now = crate::util::time::now_unix();
    let chain = match &a.certificate_chain {
        Some(p) => {
            let text = crate::util::fs::read_text(p)
                .with_context(|| format!("cannot read certificate chain {}", p.display()))?;
            let chain = certificate::pem_certificates(
                &text,
                &p.display().to_string(),
                certificate::MAX_CHAIN,
            )?;
            certificate::verify_chain(&der, &chain, now).with_context(|| {
                format!(
                    "certificate {} does not chain to {}",
                    path.display(),
                    p.display()
                )
            })?;
            if format == Format::Bundle {
                anstream::eprintln!(
                    "{} the bundle format carries the leaf certificate only; verifiers need the \
                     chain (sigil verify --certificate-chain, cosign verify --trusted-root)",
                    paint(DIM, "note:")
                );
            }
            Some(
                chain
                    .iter()
                    .map(|d| crate::sign::pem::encode("CERTIFICATE", d))
                    .collect::<String>(),
            )
        }
        None => {
            if let Err(e) = certificate::check_validity(&der, now) {
                anstream::eprintln!(
                    "{} {e}: verifiers will reject signatures made with it",
                    paint(YELLOW, "warning:")
                );
            }
            None
        }
    };
    Ok((Some((der, pem)), chain))
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Signed {
    image: String,
    reference: String,
    digest: Digest,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature_manifest: Option<Digest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stored_via: Option<String>,
}

pub async fn run(a: SignArgs) -> anyhow::Result<u8> {
    let signer = a.signer.load(a.signature_format)?;
    let annotations: BTreeMap<String, String> = a.annotations.iter().cloned().collect();
    let client = a.registry.client()?;
    let mut results = Vec::new();
    for image in &a.images {
        let SigningTargets {
            repo,
            targets,
            docker_reference,
        } = signing_targets(image, &client, a.require_digest, a.recursive).await?;
        for (i, target) in targets.iter().enumerate() {
            let outcome = sign_one(
                &a,
                &repo,
                &signer,
                target,
                &docker_reference,
                &annotations,
                i == 0,
            )
            .await?;
            results.push(Signed {
                image: image.to_string(),
                reference: output::pinned(image, &target.digest),
                digest: target.digest.clone(),
                format: match a.signature_format {
                    Format::Bundle => "bundle",
                    Format::Legacy => "legacy",
                },
                signature_manifest: outcome.0,
                stored_via: outcome.1,
            });
        }
    }
    match a.output {
        output::Format::Json => output::print_json(&results)?,
        output::Format::Text => {
            let mut text = String::new();
            for r in &results {
                let action = if a.upload {
                    "signed"
                } else {
                    "signed (not uploaded)"
                };
                text.push_str(&format!(
                    "{} {} {}\n",
                    paint(GREEN, action),
                    paint(BOLD, &r.reference),
                    paint(
                        DIM,
                        format!(
                            "[{}{}]",
                            r.format,
                            r.stored_via
                                .as_deref()
                                .map(|v| format!(", {v}"))
                                .unwrap_or_default()
                        )
                    )
                ));
            }
            output::print(&text)?;
        }
    }
    Ok(super::EXIT_OK)
}

/// Signs one digest; writes output files for the first target. Returns the pushed signature
/// manifest digest and how it is found.
async fn sign_one(
    a: &SignArgs,
    repo: &Repository,
    signer: &Signer,
    target: &Descriptor,
    docker_reference: &str,
    annotations: &BTreeMap<String, String>,
    write_files: bool,
) -> anyhow::Result<(Option<Digest>, Option<String>)> {
    let b64 = base64::engine::general_purpose::STANDARD;
    match a.signature_format {
        Format::Bundle => {
            let statement = Statement::for_digest(
                &target.digest,
                COSIGN_SIGN_PREDICATE,
                serde_json::json!({}),
                annotations,
            );
            let artifact = attach::bundle_artifact(signer, &statement, target);
            if write_files {
                write_outputs(
                    a,
                    &artifact.statement,
                    &b64.encode(&artifact.signature),
                    Some(&artifact.bundle),
                )?;
            }
            if !a.upload {
                return Ok((None, None));
            }
            let (d, via) = attach::attach_bundle(repo, &artifact).await?;
            Ok((Some(d), Some(via.to_string())))
        }
        Format::Legacy => {
            if a.bundle.is_some() {
                bail!("--bundle needs --signature-format bundle");
            }
            let payload = simple_signing::Payload::new(
                docker_reference,
                &target.digest.to_string(),
                annotations,
            )
            .to_bytes();
            let layer = attach::legacy_signature_layer(signer, payload);
            if write_files {
                let sig = layer
                    .annotations
                    .get(attach::SIGNATURE_ANNOTATION)
                    .cloned()
                    .unwrap_or_default();
                write_outputs(a, &layer.payload, &sig, None)?;
            }
            if !a.upload {
                return Ok((None, None));
            }
            let tag = crate::discover::LegacyKind::Sig.tag_for(&target.digest);
            let d = attach::attach_legacy(repo, &tag, &layer).await?;
            Ok((Some(d), Some(format!("tag {tag}"))))
        }
    }
}

fn write_outputs(
    a: &SignArgs,
    payload: &[u8],
    signature_b64: &str,
    bundle: Option<&[u8]>,
) -> anyhow::Result<()> {
    if let Some(p) = &a.output_payload {
        write_atomic(p, payload, None).with_context(|| format!("writing {}", p.display()))?;
    }
    if let Some(p) = &a.output_signature {
        write_atomic(p, signature_b64.as_bytes(), None)
            .with_context(|| format!("writing {}", p.display()))?;
    }
    if let (Some(p), Some(b)) = (&a.bundle, bundle) {
        write_atomic(p, b, None).with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(())
}
