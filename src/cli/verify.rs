//! `sigil verify --key PUB IMAGE…`: finds every signature in both cosign formats, checks each,
//! and explains the verdict. Exit 0 when every image has enough verified signers, 1 when one
//! does not, 2 on operational errors (which never count as a pass).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use super::RegistryArgs;
use super::keys::load_public_keys;
use super::output::{self, BOLD, DIM, GREEN, RED, YELLOW, paint};
use crate::oci::ImageRef;
use crate::store::Repository;
use crate::verify::{self, Report, VerifyOptions};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Images to verify
    pub images: Vec<ImageRef>,
    /// Read more image references from this file, one per line
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<PathBuf>,
    /// Trusted public key (PEM file, or a directory of .pub/.pem files); repeatable
    #[arg(long, value_name = "FILE|DIR", required = true)]
    pub key: Vec<PathBuf>,
    /// Required annotation (key=value); repeatable
    #[arg(short = 'a', long = "annotations", value_name = "KEY=VALUE", value_parser = super::sign::parse_annotation)]
    pub annotations: Vec<(String, String)>,
    /// Distinct signers (keys) that must have signed
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_signatures: usize,
    /// Require signatures to name this image's repository (legacy docker-reference / statement subject name)
    #[arg(long)]
    pub pin_repository: bool,
    #[arg(long, short = 'o', value_enum, default_value_t = output::Format::Text)]
    pub output: output::Format,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// The outcome for one image reference.
enum Outcome {
    Done(Box<(ImageRef, Report)>),
    Failed(ImageRef, String),
}

pub async fn run(a: VerifyArgs) -> anyhow::Result<u8> {
    let mut images = a.images.clone();
    if let Some(f) = &a.from_file {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            images.push(
                line.parse()
                    .with_context(|| format!("{}:{}", f.display(), n + 1))?,
            );
        }
    }
    if images.is_empty() {
        bail!("no images given");
    }
    let keys = load_public_keys(&a.key)?;
    let opts = VerifyOptions {
        keys,
        annotations: a.annotations.iter().cloned().collect::<BTreeMap<_, _>>(),
        repository: None,
        min_signatures: a.min_signatures,
    };
    let client = a.registry.client()?;
    let mut tasks = tokio::task::JoinSet::new();
    for (i, image) in images.into_iter().enumerate() {
        let client = client.clone();
        let mut opts = opts.clone();
        let pin = a.pin_repository;
        tasks.spawn(async move {
            let run = async {
                if pin {
                    opts.repository = Some(match &image {
                        ImageRef::Registry(r) => r.repo_only(),
                        ImageRef::Layout(l) => format!("oci:{}", l.path.display()),
                    });
                }
                let repo = Repository::open(&image, &client)?;
                let root = repo.resolve(&image).await?;
                verify::verify_signatures(&repo, &root.digest, &opts).await
            };
            let outcome = match run.await {
                Ok(report) => Outcome::Done(Box::new((image, report))),
                Err(e) => Outcome::Failed(image, format!("{e:#}")),
            };
            (i, outcome)
        });
    }
    let mut outcomes = Vec::new();
    while let Some(j) = tasks.join_next().await {
        outcomes.push(j.context("verification task failed")?);
    }
    outcomes.sort_by_key(|(i, _)| *i);
    let outcomes: Vec<Outcome> = outcomes.into_iter().map(|(_, o)| o).collect();

    let any_error = outcomes.iter().any(|o| matches!(o, Outcome::Failed(..)));
    let any_denied = outcomes
        .iter()
        .any(|o| matches!(o, Outcome::Done(b) if !b.1.passed));
    match a.output {
        output::Format::Json => {
            // cosign-style: the verified payloads.
            let payloads: Vec<&serde_json::Value> = outcomes
                .iter()
                .filter_map(|o| match o {
                    Outcome::Done(b) if b.1.passed => Some(
                        b.1.findings
                            .iter()
                            .filter(|f| f.verified)
                            .filter_map(|f| f.payload.as_ref()),
                    ),
                    _ => None,
                })
                .flatten()
                .collect();
            output::print_json(&payloads)?;
            for o in &outcomes {
                anstream::eprint!("{}", render(o, false));
            }
        }
        output::Format::Text => {
            let text: String = outcomes.iter().map(|o| render(o, true)).collect();
            output::print(&text)?;
        }
    }
    Ok(if any_error {
        super::EXIT_ERROR
    } else if any_denied {
        super::EXIT_DENIED
    } else {
        super::EXIT_OK
    })
}

fn render(o: &Outcome, details: bool) -> String {
    match o {
        Outcome::Failed(image, e) => {
            format!("{} {}: {e}\n", paint(RED, "error"), paint(BOLD, image))
        }
        Outcome::Done(b) => {
            let (image, r) = (&b.0, &b.1);
            let mut s = if r.passed {
                format!(
                    "{} {} — {} of {} required signer(s): {}\n",
                    paint(GREEN, "verified"),
                    paint(BOLD, output::pinned(image, &r.digest)),
                    r.signers.len(),
                    r.required,
                    r.signers.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            } else {
                let why = if r.findings.is_empty() {
                    format!("no signatures found ({})", r.searched.join("; "))
                } else if r.signers.is_empty() {
                    format!("none of {} signature(s) found verified", r.findings.len())
                } else {
                    format!(
                        "{} verified signer(s), {} required",
                        r.signers.len(),
                        r.required
                    )
                };
                format!(
                    "{} {} — {why}\n",
                    paint(RED, "denied"),
                    paint(BOLD, output::pinned(image, &r.digest))
                )
            };
            if details || !r.passed {
                for f in &r.findings {
                    let mark = if f.verified {
                        paint(GREEN, "✔")
                    } else {
                        paint(YELLOW, "✘")
                    };
                    let fmt = match f.format {
                        verify::SignatureFormat::Bundle => "bundle",
                        verify::SignatureFormat::Legacy => "legacy",
                    };
                    let detail = match (&f.signer, &f.reason) {
                        (Some(signer), _) if f.verified => format!("by {signer}"),
                        (_, Some(reason)) => reason.clone(),
                        _ => String::new(),
                    };
                    s.push_str(&format!(
                        "  {mark} {fmt:<6} {} {}\n",
                        paint(DIM, &f.location),
                        detail
                    ));
                }
            }
            s
        }
    }
}
