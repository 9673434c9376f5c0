//! `sigil verify --key PUB IMAGE…` or `sigil verify --certificate-identity … --certificate-oidc-issuer
//! … --ca-roots ROOTS IMAGE…`: finds every signature in both cosign formats, checks each, and
//! explains the verdict. Exit 0 when every image has enough verified signers, 1 when one does
//! not, 2 on usage and operational errors (which never count as a pass).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use regex::Regex;

use super::RegistryArgs;
use super::keys::load_public_keys;
use super::output::{self, BOLD, GREEN, RED, paint};
use crate::oci::ImageRef;
use crate::store::Repository;
use crate::verify::certificate::{self, CertificatePolicy};
use crate::verify::{self, Report, VerifyOptions};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub common: VerifyCommon,
}

#[derive(Debug, Args)]
pub struct VerifyAttestationArgs {
    /// Predicate type required: a cosign name (slsaprovenance1, spdxjson, cyclonedx, …) or a
    /// URI. Without it, attestations of any type count
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_type)]
    pub predicate_type: Option<crate::attest::types::PredicateType>,
    #[command(flatten)]
    pub common: VerifyCommon,
}

fn parse_type(s: &str) -> Result<crate::attest::types::PredicateType, String> {
    crate::attest::types::PredicateType::parse(s).map_err(|e| e.to_string())
}

/// What is being verified.
#[derive(Debug, Clone)]
pub enum Check {
    Signatures,
    /// Attestations, of this predicate-type URI when given.
    Attestations(Option<String>),
}

impl Check {
    fn noun(&self) -> &'static str {
        match self {
            Check::Signatures => "signature",
            Check::Attestations(_) => "attestation",
        }
    }
}

/// Who may have signed: keys and certificate identities (shared by `verify`,
/// `verify-attestation` and `check`).
#[derive(Debug, Args, Clone, Default)]
pub struct SignerFlags {
    /// Trusted public key (PEM file, or a directory of .pub/.pem files); repeatable. Needed
    /// unless a certificate identity is given; both may be combined
    #[arg(long, value_name = "FILE|DIR")]
    pub key: Vec<PathBuf>,
    #[command(flatten)]
    pub identity: IdentityFlags,
    /// Trusted root CA certificates (PEM); each is a trust anchor
    #[arg(long, value_name = "FILE")]
    pub ca_roots: Option<PathBuf>,
    /// Intermediate CA certificates (PEM) to build chains with; trusted only through a root
    #[arg(long, value_name = "FILE")]
    pub ca_intermediates: Option<PathBuf>,
    /// CA chain (PEM) as cosign reads it: intermediates first, then the root, which is trusted
    #[arg(long, value_name = "FILE")]
    pub certificate_chain: Option<PathBuf>,
}

/// The certificate identity and OIDC issuer a signature must name (shared by the image
/// commands and `verify-blob`).
#[derive(Debug, Args, Clone, Default)]
pub struct IdentityFlags {
    /// Accept certificate-carrying signatures whose certificate names this identity (a SAN:
    /// URI, email or DNS name)
    #[arg(long, value_name = "IDENTITY")]
    pub certificate_identity: Option<String>,
    /// Like --certificate-identity, a regular expression that must match the whole identity
    #[arg(long, value_name = "REGEXP")]
    pub certificate_identity_regexp: Option<String>,
    /// The OIDC issuer the certificate must name (Fulcio's issuer extension)
    #[arg(long, value_name = "URL")]
    pub certificate_oidc_issuer: Option<String>,
    /// Like --certificate-oidc-issuer, a regular expression that must match the whole issuer
    #[arg(long, value_name = "REGEXP")]
    pub certificate_oidc_issuer_regexp: Option<String>,
}

impl IdentityFlags {
    /// Whether an identity (exact or regexp) is given.
    pub fn identity_given(&self) -> bool {
        self.certificate_identity.is_some() || self.certificate_identity_regexp.is_some()
    }

    /// Whether an issuer (exact or regexp) is given.
    pub fn issuer_given(&self) -> bool {
        self.certificate_oidc_issuer.is_some() || self.certificate_oidc_issuer_regexp.is_some()
    }

    /// The identity and issuer regular expressions, anchored to match whole values.
    pub fn regexps(&self) -> anyhow::Result<(Option<Regex>, Option<Regex>)> {
        let regexp = |flag: &'static str, p: &Option<String>| {
            p.as_deref()
                .map(|p| certificate::anchored_regex(flag, p))
                .transpose()
        };
        Ok((
            regexp(
                "--certificate-identity-regexp",
                &self.certificate_identity_regexp,
            )?,
            regexp(
                "--certificate-oidc-issuer-regexp",
                &self.certificate_oidc_issuer_regexp,
            )?,
        ))
    }
}

impl SignerFlags {
    pub fn given(&self) -> bool {
        !self.key.is_empty()
            || self.identity.identity_given()
            || self.identity.issuer_given()
            || self.ca_roots.is_some()
            || self.certificate_chain.is_some()
            || self.ca_intermediates.is_some()
    }
}

/// The image references given as arguments and, with `--from-file`, one per line of a file
/// (blank lines and `#` comments skipped).
pub fn read_images(
    images: &[ImageRef],
    from_file: Option<&std::path::Path>,
) -> anyhow::Result<Vec<ImageRef>> {
    let mut images = images.to_vec();
    if let Some(f) = from_file {
        let text = crate::util::fs::read_text(f)
            .with_context(|| format!("cannot read {}", f.display()))?;
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
    Ok(images)
}

/// Options shared by `verify` and `verify-attestation`.
#[derive(Debug, Args)]
pub struct VerifyCommon {
    /// Images to verify
    pub images: Vec<ImageRef>,
    /// Read more image references from this file, one per line
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<PathBuf>,
    #[command(flatten)]
    pub signers: SignerFlags,
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
    #[command(flatten)]
    pub deadlines: super::deadlines::DeadlineArgs,
}

/// The outcome for one image reference.
enum Outcome {
    Done(Box<(ImageRef, Report)>),
    Failed(ImageRef, String),
}

pub async fn run(a: VerifyArgs) -> anyhow::Result<u8> {
    run_checks(a.common, Check::Signatures).await
}

pub async fn run_attestations(a: VerifyAttestationArgs) -> anyhow::Result<u8> {
    run_checks(
        a.common,
        Check::Attestations(a.predicate_type.map(|t| t.uri)),
    )
    .await
}

/// Verifies every image for `check`, concurrently (at most `--max-concurrency` at a time),
/// and renders the verdicts.
pub async fn run_checks(a: VerifyCommon, check: Check) -> anyhow::Result<u8> {
    let images = read_images(&a.images, a.from_file.as_deref())?;
    let opts = verify_options(&a.signers, &a.annotations, a.min_signatures)?;
    let client = a.registry.client()?;
    let deadlines = a.deadlines.start(a.registry.max_concurrency);
    let mut tasks = tokio::task::JoinSet::new();
    for (i, image) in images.into_iter().enumerate() {
        let (client, deadlines) = (client.clone(), deadlines.clone());
        let mut opts = opts.clone();
        let pin = a.pin_repository;
        let check = check.clone();
        tasks.spawn(async move {
            let given = image.clone();
            let run = |client| async move {
                if pin {
                    opts.repository = Some(match &image {
                        ImageRef::Registry(r) => r.repo_only(),
                        ImageRef::Layout(l) => format!("oci:{}", l.path.display()),
                    });
                }
                let repo = Repository::open(&image, &client)?;
                match Repository::given_digest(&image) {
                    // Pinned: look for signatures while checking, concurrently, that the image
                    // exists (a signature for a deleted image must not pass).
                    Some(d) => {
                        let (exists, report) = tokio::join!(
                            repo.manifest_exists(d),
                            verify_one(&repo, d, &opts, &check)
                        );
                        if !exists? {
                            return Err(crate::store::StoreError::Invalid {
                                reference: image.to_string(),
                                detail: format!("manifest {d} does not exist"),
                            });
                        }
                        report
                    }
                    None => {
                        let root = repo.resolve(&image).await?;
                        verify_one(&repo, &root.digest, &opts, &check).await
                    }
                }
            };
            let outcome = match deadlines.run(&client, run).await {
                Ok(Ok(report)) => Outcome::Done(Box::new((given, report))),
                Ok(Err(e)) => Outcome::Failed(given, format!("{e:#}")),
                Err(e) => Outcome::Failed(given, e.to_string()),
            };
            (i, outcome)
        });
    }
    let progress = output::Progress::new(tasks.len(), a.output == output::Format::Text);
    let mut outcomes = Vec::new();
    while let Some(j) = tasks.join_next().await {
        outcomes.push(j.context("verification task failed")?);
        progress.tick(outcomes.len());
    }
    progress.clear();
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
                anstream::eprint!("{}", render(o, false, check.noun()));
            }
        }
        output::Format::Text => {
            // Verdicts to stdout; operational errors to stderr.
            let text: String = outcomes
                .iter()
                .filter(|o| matches!(o, Outcome::Done(_)))
                .map(|o| render(o, true, check.noun()))
                .collect();
            output::print(&text)?;
            for o in outcomes.iter().filter(|o| matches!(o, Outcome::Failed(..))) {
                anstream::eprint!("{}", render(o, true, check.noun()));
            }
        }
    }
    Ok(super::exit_code(any_error, any_denied))
}

/// The trust the flags describe: keys, certificate policy, required annotations and signers.
pub(super) fn verify_options(
    signers: &SignerFlags,
    annotations: &[(String, String)],
    min_signatures: usize,
) -> anyhow::Result<VerifyOptions> {
    let certificate = certificate_policy(signers)?;
    let opts = VerifyOptions {
        keys: load_public_keys(&signers.key)?,
        annotations: annotations.iter().cloned().collect::<BTreeMap<_, _>>(),
        repository: None,
        min_signatures,
        certificates: certificate.into_iter().collect(),
    };
    check_threshold(&opts)?;
    Ok(opts)
}

/// `--min-signatures` above the number of distinct signers given is a usage error, found
/// before any image is looked at.
pub(super) fn check_threshold(opts: &VerifyOptions) -> anyhow::Result<()> {
    opts.check_threshold()
        .with_context(|| format!("--min-signatures {}", opts.min_signatures))
}

/// Reads PEM certificates from `path`, at most `max`.
fn read_certificates(
    path: &std::path::Path,
    max: usize,
) -> anyhow::Result<Vec<x509_cert::Certificate>> {
    let text = crate::util::fs::read_text(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    certificate::pem_certificates(&text, &path.display().to_string(), max)?
        .iter()
        .map(|d| certificate::parse(d).map_err(anyhow::Error::from))
        .collect()
}

/// The certificate policy the flags ask for, if any. Like cosign, certificates are only
/// accepted for an identity and an issuer; unlike cosign, sigil has no built-in Sigstore
/// root, so a root must be given too.
async fn verify_one(
    repo: &Repository,
    digest: &crate::oci::Digest,
    opts: &VerifyOptions,
    check: &Check,
) -> crate::store::Result<Report> {
    match check {
        Check::Signatures => verify::verify_signatures(repo, digest, opts).await,
        Check::Attestations(t) => {
            verify::verify_attestations(repo, digest, opts, t.as_deref()).await
        }
    }
}

pub fn certificate_policy(a: &SignerFlags) -> anyhow::Result<Option<CertificatePolicy>> {
    let identity_given = a.identity.identity_given();
    let issuer_given = a.identity.issuer_given();
    let roots_given =
        a.ca_roots.is_some() || a.certificate_chain.is_some() || a.ca_intermediates.is_some();
    if !identity_given && !issuer_given && !roots_given {
        if a.key.is_empty() {
            bail!(
                "nothing to verify against: give --key, or --certificate-identity(-regexp) and \
                 --certificate-oidc-issuer(-regexp) with --ca-roots or --certificate-chain"
            );
        }
        return Ok(None);
    }
    if !identity_given {
        bail!(
            "certificate verification needs --certificate-identity or --certificate-identity-regexp"
        );
    }
    if !issuer_given {
        bail!(
            "certificate verification needs --certificate-oidc-issuer or \
             --certificate-oidc-issuer-regexp"
        );
    }
    if a.ca_roots.is_none() && a.certificate_chain.is_none() {
        bail!(
            "certificate verification needs a trusted root: --ca-roots or --certificate-chain \
             (sigil has no built-in Sigstore root)"
        );
    }
    let mut roots = Vec::new();
    let mut intermediates = Vec::new();
    if let Some(p) = &a.ca_roots {
        roots.extend(read_certificates(p, certificate::MAX_TRUSTED)?);
    }
    if let Some(p) = &a.ca_intermediates {
        intermediates.extend(read_certificates(p, certificate::MAX_TRUSTED)?);
    }
    if let Some(p) = &a.certificate_chain {
        let mut chain = read_certificates(p, certificate::MAX_CHAIN)?;
        if let Some(root) = chain.pop() {
            roots.push(root);
        }
        intermediates.extend(chain);
    }
    let (identity_regexp, issuer_regexp) = a.identity.regexps()?;
    let policy = CertificatePolicy {
        roots,
        intermediates,
        identity: a.identity.certificate_identity.clone(),
        identity_regexp,
        issuer: a.identity.certificate_oidc_issuer.clone(),
        issuer_regexp,
    };
    policy.validate()?;
    Ok(Some(policy))
}

fn render(o: &Outcome, details: bool, noun: &str) -> String {
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
                    let mut why = format!("no {noun}s found ({})", r.searched.join("; "));
                    if let Some(others) = r.others_summary() {
                        why.push_str(&format!("; found {others} instead"));
                        if noun == "signature" {
                            why.push_str(", which sigil verify-attestation checks");
                        }
                    }
                    why
                } else if r.signers.is_empty() {
                    format!("none of {} {noun}(s) found verified", r.findings.len())
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
                    s.push_str(&format!("  {}\n", output::finding_line(f, "by", "")));
                }
            }
            s
        }
    }
}
