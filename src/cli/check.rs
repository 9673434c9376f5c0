//! `sigil check [--trust sigil.yaml] [--key PUB] IMAGE…`: verify signatures and attestations
//! and evaluate the policy library for each image, and print the decision trace. Exit 0
//! when every image is allowed, 1 when one is denied, 2 when one could not be checked.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;

use super::RegistryArgs;
use super::output::{self, BOLD, DIM, GREEN, RED, YELLOW, paint};
use super::verify::{SignerFlags, certificate_policy, read_images};
use crate::check::{Checker, Evaluation, Outcome, Setup, Verdict};
use crate::oci::ImageRef;
use crate::policy::EngineOptions;
use crate::trust::{Entry, TrustFile};
use crate::verify::{Report, VerifyOptions};

use super::output::ReportFormat as CheckFormat;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Images to check (registry references, or oci:PATH[:tag|@digest])
    pub images: Vec<ImageRef>,
    /// Read more image references from this file, one per line
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<PathBuf>,
    /// Trust file (sigil.yaml): which signers, attestations and rules apply to which images
    #[arg(long, short = 't', value_name = "FILE", env = "SIGIL_TRUST")]
    pub trust: Option<PathBuf>,
    #[command(flatten)]
    pub signers: SignerFlags,
    /// Distinct signers (given with --key or the certificate flags) that must have signed
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_signatures: usize,
    #[command(flatten)]
    pub policies: super::policy::PolicyArgs,
    /// Output format
    #[arg(long, short = 'o', value_enum, default_value_t = CheckFormat::Text)]
    pub output: CheckFormat,
    #[command(flatten)]
    pub registry: RegistryArgs,
    #[command(flatten)]
    pub deadlines: super::deadlines::DeadlineArgs,
}

pub async fn run(a: CheckArgs) -> anyhow::Result<u8> {
    let images = read_images(&a.images, a.from_file.as_deref())?;
    let trust = a
        .trust
        .as_deref()
        .map(TrustFile::load)
        .transpose()
        .map_err(anyhow::Error::from)?;
    let command_line = if a.signers.given() {
        let certificate = certificate_policy(&a.signers)?;
        let keys = super::keys::load_public_keys(&a.signers.key)?;
        let opts = VerifyOptions {
            keys,
            certificates: certificate.into_iter().collect(),
            min_signatures: a.min_signatures.max(1),
            ..VerifyOptions::default()
        };
        super::verify::check_threshold(&opts)?;
        Some(Entry::from_command_line(opts))
    } else {
        None
    };
    let setup = Setup {
        trust,
        command_line,
        policies: a.policies.policy.clone(),
        data: a.policies.data.clone(),
        no_builtin: a.policies.no_builtin,
        options: EngineOptions {
            timeout: a.policies.timeout,
            ..EngineOptions::default()
        },
    };
    let verdicts = match Checker::new(setup) {
        Ok(checker) => check_all(Arc::new(checker), images, &a).await?,
        // Broken policies deny every image, with the error as the reason.
        Err(e) if e.is_policy_defect() => images
            .iter()
            .map(|i| Verdict::policy_failure(i.to_string(), e.to_string()))
            .collect(),
        Err(e) => return Err(anyhow::Error::from(e).context("cannot load the policies")),
    };

    match a.output {
        CheckFormat::Json => output::print_json(&serde_json::json!({
            "allowed": verdicts.iter().all(|v| v.allowed),
            "summary": summary(&verdicts),
            "images": verdicts,
        }))?,
        CheckFormat::Sarif => output::print_json(&crate::report::sarif::render(
            &crate::check::to_report(&verdicts),
            None,
        ))?,
        CheckFormat::Junit => output::print(&crate::report::junit::render(
            &crate::check::to_report(&verdicts),
        ))?,
        CheckFormat::Text => {
            let mut text: String = verdicts.iter().map(render).collect();
            let s = summary(&verdicts);
            text.push_str(&format!(
                "{} image(s): {} allowed, {} denied, {} error(s)\n",
                s.total, s.allowed, s.denied, s.errors
            ));
            output::print(&text)?;
        }
    }
    let s = summary(&verdicts);
    Ok(super::exit_code(s.errors > 0, s.denied > 0))
}

/// Checks every image concurrently, at most `--max-concurrency` at a time (requests are
/// bounded by the registry client too), with progress on a terminal; verdicts in the order
/// given.
async fn check_all(
    checker: Arc<Checker>,
    images: Vec<ImageRef>,
    a: &CheckArgs,
) -> anyhow::Result<Vec<Verdict>> {
    let client = a.registry.client()?;
    let deadlines = a.deadlines.start(a.registry.max_concurrency);
    let progress = output::Progress::new(images.len(), a.output == CheckFormat::Text);
    let mut tasks = tokio::task::JoinSet::new();
    for (i, image) in images.into_iter().enumerate() {
        let (checker, client, deadlines) = (checker.clone(), client.clone(), deadlines.clone());
        tasks.spawn(async move {
            let given = image.to_string();
            let run = |client| async move { checker.check(&client, &image).await };
            let verdict = deadlines.run(&client, run).await;
            (
                i,
                verdict.unwrap_or_else(|e| Verdict::failed(given, e.to_string())),
            )
        });
    }
    let mut verdicts = Vec::new();
    while let Some(j) = tasks.join_next().await {
        verdicts.push(j.context("check task failed")?);
        progress.tick(verdicts.len());
    }
    progress.clear();
    verdicts.sort_by_key(|(i, _)| *i);
    Ok(verdicts.into_iter().map(|(_, v)| v).collect())
}

#[derive(Debug, serde::Serialize)]
struct Summary {
    total: usize,
    allowed: usize,
    denied: usize,
    errors: usize,
}

fn summary(verdicts: &[Verdict]) -> Summary {
    let errors = verdicts.iter().filter(|v| v.error.is_some()).count();
    let allowed = verdicts.iter().filter(|v| v.allowed).count();
    Summary {
        total: verdicts.len(),
        allowed,
        denied: verdicts.len() - allowed - errors,
        errors,
    }
}

/// The decision trace of one image.
fn render(v: &Verdict) -> String {
    let mut s = String::new();
    let head = match (&v.error, v.allowed) {
        (Some(_), _) => paint(RED, "ERROR  "),
        (None, true) => paint(GREEN, "ALLOWED"),
        (None, false) => paint(RED, "DENIED "),
    };
    let digest = match &v.digest {
        Some(d) if v.given_by_digest => format!(" {}", paint(DIM, format!("({d}, as given)"))),
        Some(d) => format!(" → {d} {}", paint(DIM, "(tag resolved once)")),
        None => String::new(),
    };
    s.push_str(&format!("{head} {}{digest}\n", paint(BOLD, &v.image)));
    if let Some(e) = &v.error {
        s.push_str(&format!("  {e}\n"));
    }
    for e in &v.evaluations {
        render_evaluation(e, &mut s);
    }
    s
}

fn render_evaluation(e: &Evaluation, s: &mut String) {
    let mode = match e.mode {
        crate::trust::Mode::Enforce => "enforce",
        crate::trust::Mode::Warn => "warn only",
    };
    match &e.entry {
        Some(name) => s.push_str(&format!("  trust entry {} ({mode})\n", paint(BOLD, name))),
        None => s.push_str("  default rules\n"),
    }
    if let Some(r) = &e.signatures {
        render_report("signatures", r, s);
    }
    if let Some(r) = &e.attestations {
        if r.searched.is_empty() {
            s.push_str(&format!(
                "    attestations: {}\n",
                paint(DIM, "not looked up (no rule reads them)")
            ));
        } else if !r.findings.is_empty() || e.requested {
            render_report("attestations", r, s);
        }
    }
    for p in &e.platforms {
        let verified = p.signatures.signers.len();
        let line = if verified > 0 {
            paint(
                GREEN,
                format!(
                    "signed by {}",
                    p.signatures
                        .signers
                        .iter()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        } else {
            paint(YELLOW, "no verified signature")
        };
        s.push_str(&format!(
            "    platform {} {} {line}\n",
            p.platform,
            paint(DIM, &p.digest)
        ));
    }
    let width = e.rules.iter().map(|r| r.code.len()).max().unwrap_or(0);
    for r in &e.rules {
        let label = match r.outcome {
            Outcome::Pass => paint(GREEN, "pass"),
            Outcome::Warn => paint(YELLOW, "warn"),
            Outcome::Deny => paint(RED, "DENY"),
        };
        let msg = if r.messages.is_empty() {
            paint(DIM, &r.name)
        } else {
            r.messages.join("; ")
        };
        s.push_str(&format!("    {label} {:<width$}  {msg}\n", r.code));
    }
    for err in &e.decision.errors {
        s.push_str(&format!("    {} {err}\n", paint(RED, "ERROR")));
    }
}

fn render_report(noun: &str, r: &Report, s: &mut String) {
    s.push_str(&format!(
        "    {noun}: looked in {}\n",
        paint(DIM, r.searched.join("; "))
    ));
    if r.findings.is_empty() {
        match r.others_summary() {
            Some(others) => s.push_str(&format!("      none found; found {others} instead\n")),
            None => s.push_str("      none found\n"),
        }
    }
    for f in &r.findings {
        let what = f
            .payload
            .as_ref()
            .and_then(|p| p.get("predicateType"))
            .and_then(|t| t.as_str())
            .filter(|_| noun == "attestations")
            .map(|t| format!("{t} "))
            .unwrap_or_default();
        s.push_str(&format!(
            "      {}\n",
            output::finding_line(f, "signed by", &what)
        ));
    }
}
