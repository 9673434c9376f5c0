//! `sigil attest --key KEY --predicate FILE --type TYPE IMAGE…`: wraps a predicate in an
//! in-toto Statement v1 about the image digest, signs it as DSSE, and attaches it as cosign
//! does: a bundle referrer (default) or a layer of the legacy `sha256-<hex>.att` tag.
//!
//! The predicate is checked before anything is signed (an SPDX file must be SPDX JSON, and so
//! on); a bad predicate, an unknown type or an oversized file push nothing.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{ArgAction, Args};

use super::RegistryArgs;
use super::output::{self, BOLD, DIM, GREEN, paint};
use super::sign::{Format, SignerArgs, SigningTargets, signing_targets};
use crate::attest::predicate;
use crate::attest::types::PredicateType;
use crate::oci::{Digest, ImageRef};
use crate::sign::attach;
use crate::sign::dsse::{STATEMENT_V1, Statement, Subject};
use crate::util::fs::write_atomic;

#[derive(Debug, Args)]
pub struct AttestArgs {
    /// Images to attest (a tag is resolved once and the digest attested)
    #[arg(required = true)]
    pub images: Vec<ImageRef>,
    #[command(flatten)]
    pub signer: SignerArgs,
    /// The predicate (JSON; any text for --type custom)
    #[arg(long, value_name = "FILE", required_unless_present_any = ["statement", "provenance_from_env"])]
    pub predicate: Option<PathBuf>,
    /// Predicate type: slsaprovenance, slsaprovenance02, slsaprovenance1, spdx, spdxjson,
    /// cyclonedx, openvex, vuln, custom, or a predicate-type URI [default: custom, or
    /// slsaprovenance1 with --provenance-from-env]
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_type)]
    pub predicate_type: Option<PredicateType>,
    /// Generate the SLSA v1 provenance predicate from the CI environment (see `sigil provenance`)
    #[arg(long, conflicts_with_all = ["predicate", "statement"])]
    pub provenance_from_env: bool,
    #[command(flatten)]
    pub provenance: super::provenance::ProvenanceFlags,
    /// A ready in-toto statement to sign instead (its subject must name the image digest)
    #[arg(long, value_name = "FILE", conflicts_with = "predicate")]
    pub statement: Option<PathBuf>,
    /// Storage format of the attestation
    #[arg(long, value_enum, default_value_t = Format::Bundle)]
    pub signature_format: Format,
    /// Also attest every platform manifest of an index
    #[arg(long)]
    pub recursive: bool,
    /// Refuse references that are not pinned by digest
    #[arg(long)]
    pub require_digest: bool,
    /// Push the attestation (use --upload=false to only write --bundle)
    #[arg(long, default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    pub upload: bool,
    /// Write the Sigstore bundle (bundle format) or DSSE envelope (legacy) here
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<PathBuf>,
    #[arg(long, short = 'o', value_enum, default_value_t = output::Format::Text)]
    pub output: output::Format,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

fn parse_type(s: &str) -> Result<PredicateType, String> {
    PredicateType::parse(s).map_err(|e| e.to_string())
}

/// What the statement will carry: a checked predicate, or a whole ready statement.
enum Content {
    Predicate(serde_json::Value),
    Statement(Statement),
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Attested {
    reference: String,
    digest: Digest,
    predicate_type: String,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    attestation_manifest: Option<Digest>,
}

pub async fn run(a: AttestArgs) -> anyhow::Result<u8> {
    let default_type = if a.provenance_from_env {
        "slsaprovenance1"
    } else {
        "custom"
    };
    let predicate_type = match &a.predicate_type {
        Some(t) => t.clone(),
        None => PredicateType::parse(default_type)?,
    };
    let client = a.registry.client()?;
    // Everything that can be wrong with the input is found before the key is even opened.
    let content = match (&a.statement, &a.predicate) {
        (Some(path), _) => {
            let bytes = predicate::read_file(path)
                .with_context(|| format!("statement {}", path.display()))?;
            let s = Statement::parse(&bytes)
                .map_err(|e| anyhow::anyhow!("statement {}: {e}", path.display()))?;
            let kind = PredicateType::parse(&s.predicate_type).unwrap_or(predicate_type.clone());
            predicate::load(&kind, &serde_json::to_vec(&s.predicate)?)
                .with_context(|| format!("statement {}: predicate", path.display()))?;
            Content::Statement(s)
        }
        (None, Some(path)) => {
            let bytes = predicate::read_file(path)
                .with_context(|| format!("predicate {}", path.display()))?;
            let value = predicate::load(&predicate_type, &bytes)
                .with_context(|| format!("predicate {}", path.display()))?;
            Content::Predicate(value)
        }
        (None, None) if a.provenance_from_env => {
            if predicate_type.uri != crate::attest::types::SLSA_PROVENANCE_V1 {
                bail!("--provenance-from-env makes SLSA v1 provenance; use --type slsaprovenance1");
            }
            let value = super::provenance::predicate_from_env(&a.provenance, &client).await?;
            // The generated predicate passes the same checks as one read from a file.
            predicate::load(&predicate_type, &serde_json::to_vec(&value)?)
                .context("generated provenance")?;
            Content::Predicate(value)
        }
        (None, None) => {
            bail!("give --predicate FILE (with --type), --statement FILE or --provenance-from-env")
        }
    };
    let signer = a.signer.load(a.signature_format)?;
    let mut results = Vec::new();
    for image in &a.images {
        let SigningTargets {
            repo,
            targets,
            docker_reference,
        } = signing_targets(image, &client, a.require_digest, a.recursive).await?;
        for (i, target) in targets.iter().enumerate() {
            let statement = match &content {
                Content::Predicate(p) => Statement {
                    kind: STATEMENT_V1.to_string(),
                    subject: vec![Subject {
                        name: Some(docker_reference.clone()),
                        digest: BTreeMap::from([(
                            target.digest.algorithm().name().to_string(),
                            target.digest.hex().to_string(),
                        )]),
                        annotations: None,
                    }],
                    predicate_type: predicate_type.uri.clone(),
                    predicate: p.clone(),
                },
                Content::Statement(s) => {
                    if s.subject_for(&target.digest).is_none() {
                        bail!(
                            "statement's subject does not name {} ({image})",
                            target.digest
                        );
                    }
                    s.clone()
                }
            };
            let manifest = match a.signature_format {
                Format::Bundle => {
                    let artifact = attach::bundle_artifact(&signer, &statement, target);
                    if i == 0
                        && let Some(p) = &a.bundle
                    {
                        write_atomic(p, &artifact.bundle, None)
                            .with_context(|| format!("writing {}", p.display()))?;
                    }
                    match a.upload {
                        true => Some(attach::attach_bundle(&repo, &artifact).await?.0),
                        false => None,
                    }
                }
                Format::Legacy => {
                    let layer = attach::legacy_attestation_layer(&signer, &statement);
                    if i == 0
                        && let Some(p) = &a.bundle
                    {
                        write_atomic(p, &layer.payload, None)
                            .with_context(|| format!("writing {}", p.display()))?;
                    }
                    match a.upload {
                        true => {
                            let tag = crate::discover::LegacyKind::Att.tag_for(&target.digest);
                            Some(attach::attach_legacy(&repo, &tag, &layer).await?)
                        }
                        false => None,
                    }
                }
            };
            results.push(Attested {
                reference: output::pinned(image, &target.digest),
                digest: target.digest.clone(),
                predicate_type: statement.predicate_type.clone(),
                format: match a.signature_format {
                    Format::Bundle => "bundle",
                    Format::Legacy => "legacy",
                },
                attestation_manifest: manifest,
            });
        }
    }
    match a.output {
        output::Format::Json => output::print_json(&results)?,
        output::Format::Text => {
            let text: String = results
                .iter()
                .map(|r| {
                    let action = if a.upload {
                        "attested"
                    } else {
                        "attested (not uploaded)"
                    };
                    format!(
                        "{} {} {}\n",
                        paint(GREEN, action),
                        paint(BOLD, &r.reference),
                        paint(DIM, format!("[{}, {}]", r.format, r.predicate_type))
                    )
                })
                .collect();
            output::print(&text)?;
        }
    }
    Ok(super::EXIT_OK)
}
