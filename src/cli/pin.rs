//! `sigil pin [DOCKERFILE…]`: pins every external image of each Dockerfile to the digest its
//! tag points at (`name:tag@sha256:…`), in place; `--check` reports unpinned images and
//! pins whose tag has moved; `--dry-run` prints the change as a diff; `--verify` pins only
//! images with a valid signature. Where a pin goes and the rewrite itself are in
//! [`crate::dockerfile::pin`]; tag resolution in [`crate::resolve`].
//!
//! A file is written only when it changes, atomically, with its permissions kept, and not
//! at all when anything it needs failed (a tag not found, a registry unreachable, a parse
//! error): exit 2.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use super::RegistryArgs;
use super::output::{self, BOLD, DIM, GREEN, RED, YELLOW, paint};
use super::verify::{SignerFlags, verify_options};
use crate::dockerfile::pin::{self, Target};
use crate::dockerfile::{self, BuildArgs, Dockerfile, UseKind};
use crate::oci::{Digest, ImageRef, Reference};
use crate::resolve::{self, Resolved};
use crate::store::Repository;
use crate::trust::{TrustFile, Unmatched};
use crate::verify::VerifyOptions;

#[derive(Debug, Args)]
pub struct PinArgs {
    /// Dockerfiles to pin (default: ./Dockerfile)
    pub files: Vec<PathBuf>,

    /// Change nothing; exit 1 when an image is not pinned or its tag no longer points at the
    /// pinned digest
    #[arg(long, conflicts_with_all = ["dry_run", "update", "verify"])]
    pub check: bool,

    /// Print the change as a unified diff and leave the files untouched
    #[arg(long)]
    pub dry_run: bool,

    /// Also re-pin images whose tag now points at another digest
    #[arg(long)]
    pub update: bool,

    /// Pin this platform's manifest (os/arch[/variant]) instead of the multi-platform index; a
    /// stage's own `FROM --platform` wins for its images
    #[arg(long, value_name = "OS/ARCH[/VARIANT]", value_parser = parse_platform)]
    pub platform: Option<String>,

    /// Build argument NAME=value, as `docker build --build-arg` takes it; repeatable
    #[arg(long = "build-arg", value_name = "NAME=VALUE", value_parser = parse_build_arg)]
    pub build_args: Vec<(String, String)>,

    /// Pin only images with valid signatures (as the trust file, or else the verification
    /// flags, require); refuse the others and leave them unpinned
    #[arg(long)]
    pub verify: bool,

    /// Output: text for people, or JSON with every image's status
    #[arg(long, short = 'o', value_enum, default_value_t = output::Format::Text)]
    pub output: output::Format,

    #[command(flatten)]
    pub trust: TrustFlags,

    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// The flags of `sigil verify` that say whom to trust, for `--verify`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Verification (with --verify)")]
pub struct TrustFlags {
    /// Trust file (sigil.yaml): an image is pinned only when it has the signatures every
    /// entry matching it requires (an image no entry matches follows `unmatched`)
    #[arg(long, short = 't', value_name = "FILE", env = "SIGIL_TRUST")]
    pub trust: Option<PathBuf>,
    #[command(flatten)]
    pub signers: SignerFlags,
    /// Required signature annotation (key=value); repeatable
    #[arg(long = "annotations", value_name = "KEY=VALUE", value_parser = super::sign::parse_annotation)]
    pub annotations: Vec<(String, String)>,
    /// Distinct signers that must have signed
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_signatures: usize,
}

fn parse_platform(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.split('/').collect();
    let ok = (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "expected os/arch[/variant], e.g. linux/amd64, got {s:?}"
        ))
    }
}

fn parse_build_arg(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected NAME=value, got {s:?}")),
    }
}

/// What happened to one image use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Status {
    /// Pinned now (or would be, with --dry-run).
    Pinned,
    /// Already `name:tag@digest` (and, when checked, the tag still points there).
    AlreadyPinned,
    /// `name@digest` without a tag: pinned, and nothing can move.
    DigestOnly,
    /// The tag points elsewhere now (`--check`, or without `--update`).
    Moved,
    /// Re-pinned to where the tag points now (`--update`).
    Updated,
    /// Not pinned (`--check`).
    Unpinned,
    /// Not pinnable in the file; left as it is.
    Skipped,
    /// Failed `--verify`; left unpinned.
    Refused,
    /// Could not be resolved or verified.
    Error,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Pinned => "pinned",
            Status::AlreadyPinned => "already pinned",
            Status::DigestOnly => "pinned by digest",
            Status::Moved => "moved",
            Status::Updated => "updated",
            Status::Unpinned => "unpinned",
            Status::Skipped => "skipped",
            Status::Refused => "refused",
            Status::Error => "error",
        }
    }
}

/// One image use's outcome, for both outputs.
#[derive(Debug, Serialize)]
struct Row {
    line: usize,
    column: usize,
    kind: UseKind,
    image: String,
    status: Status,
    /// The digest pinned (or already pinned).
    #[serde(skip_serializing_if = "Option::is_none")]
    digest: Option<String>,
    /// Where the tag points now, when it differs from `digest`.
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<String>,
    /// The ARG whose default holds the pin.
    #[serde(skip_serializing_if = "Option::is_none")]
    arg: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// One file's outcome.
#[derive(Debug, Serialize)]
struct FileReport {
    file: String,
    /// Whether the file was (or, with --dry-run, would be) rewritten.
    changed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    images: Vec<Row>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<String>,
}

/// A Dockerfile read and planned.
struct Loaded {
    path: PathBuf,
    text: String,
    targets: Vec<Target>,
    /// Each target's reference, parsed.
    refs: Vec<Result<Reference, String>>,
}

/// The outcome of `--verify` for one digest to pin.
#[derive(Debug, Clone)]
enum Verdict {
    /// Enough valid signatures, by these signers.
    Trusted(Vec<String>),
    /// Not enough valid signatures: why.
    Refused(String),
    /// Verification could not run (registry error).
    Failed(String),
}

/// (tag reference without digest, platform): what is resolved once per run.
type Key = (String, Option<String>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Unpinned,
    Tagged,
    DigestOnly,
}

fn state(r: &Reference) -> State {
    match (r.digest(), r.tag()) {
        (None, _) => State::Unpinned,
        (Some(_), Some(_)) => State::Tagged,
        (Some(_), None) => State::DigestOnly,
    }
}

fn key(r: &Reference, platform: Option<String>) -> Key {
    let tag = r.tag().unwrap_or("latest");
    (format!("{}:{tag}", r.repo_only()), platform)
}

pub async fn run(a: PinArgs) -> anyhow::Result<u8> {
    let files = if a.files.is_empty() {
        vec![PathBuf::from("Dockerfile")]
    } else {
        a.files.clone()
    };
    let build_args = BuildArgs {
        values: a.build_args.iter().cloned().collect::<BTreeMap<_, _>>(),
        // Variables in `FROM --platform` read the requested platform; without one, the
        // index is pinned and `FROM --platform` does not matter.
        target_platform: a.platform.clone(),
        build_platform: a.platform.clone(),
    };
    let opts = if a.verify {
        Some(match &a.trust.trust {
            Some(path) => PinTrust::File(TrustFile::load(path)?),
            None => PinTrust::Flags(verify_options(
                &a.trust.signers,
                &a.trust.annotations,
                a.trust.min_signatures,
            )?),
        })
    } else {
        None
    };

    let loaded: Vec<Result<Loaded, String>> = files.iter().map(|p| load(p, &build_args)).collect();

    // Everything to resolve, once per (reference, platform).
    let mut keys: Vec<Key> = Vec::new();
    let mut seen: std::collections::HashSet<Key> = std::collections::HashSet::new();
    let mut requests: Vec<(Reference, Option<String>)> = Vec::new();
    for l in loaded.iter().flatten() {
        for (t, r) in l.targets.iter().zip(&l.refs) {
            let Ok(r) = r else { continue };
            let wanted = match state(r) {
                State::Unpinned => !a.check && t.site.is_ok(),
                State::Tagged => a.check || a.update,
                State::DigestOnly => false,
            };
            let k = key(r, platform_for(&a, t));
            if wanted && seen.insert(k.clone()) {
                keys.push(k.clone());
                requests.push((r.clone(), k.1));
            }
        }
    }
    let client = a.registry.client()?;
    let results = resolve::resolve_all(&client, &requests, a.registry.max_concurrency).await;
    let resolved: HashMap<Key, Result<Resolved, String>> = keys
        .into_iter()
        .zip(results.into_iter().map(|r| r.map_err(|e| e.to_string())))
        .collect();

    let verdicts = match &opts {
        Some(opts) => {
            let to_pin = to_pin(&a, &loaded, &resolved);
            let wanted: Vec<(Reference, Option<String>)> = requests
                .iter()
                .filter(|(r, p)| to_pin.contains(&key(r, p.clone())))
                .cloned()
                .collect();
            verify_all(&client, &wanted, &resolved, opts).await
        }
        None => HashMap::new(),
    };

    let mut reports = Vec::new();
    for (path, l) in files.iter().zip(loaded) {
        let report = match l {
            Err(e) => FileReport {
                file: path.display().to_string(),
                changed: false,
                error: Some(e),
                images: Vec::new(),
                diff: None,
            },
            Ok(l) => finish(&a, &build_args, l, &resolved, &verdicts),
        };
        reports.push(report);
    }
    render(&a, &reports)?;

    let any_error = reports
        .iter()
        .any(|r| r.error.is_some() || r.images.iter().any(|i| i.status == Status::Error));
    let any_denied = reports.iter().flat_map(|r| &r.images).any(|i| {
        i.status == Status::Refused
            || (a.check && matches!(i.status, Status::Unpinned | Status::Moved))
    });
    Ok(super::exit_code(any_error, any_denied))
}

/// The platform to pin for a use: none (the index) unless `--platform` is given, then the
/// stage's own `FROM --platform` when it has one, else `--platform`.
fn platform_for(a: &PinArgs, t: &Target) -> Option<String> {
    let p = a.platform.as_ref()?;
    Some(t.image.platform.clone().unwrap_or_else(|| p.clone()))
}

fn load(path: &Path, args: &BuildArgs) -> Result<Loaded, String> {
    let text = dockerfile::read_file(path).map_err(|e| format!("cannot read: {e}"))?;
    let df = Dockerfile::parse(&text).map_err(|e| e.to_string())?;
    let targets = pin::targets(&text, &df, args).map_err(|e| e.to_string())?;
    let refs = targets
        .iter()
        .map(|t| Reference::parse(&t.image.expanded).map_err(|e| e.to_string()))
        .collect();
    Ok(Loaded {
        path: path.to_path_buf(),
        text,
        targets,
        refs,
    })
}

/// The references that this run pins (or re-pins): what `--verify` must check.
fn to_pin(
    a: &PinArgs,
    loaded: &[Result<Loaded, String>],
    resolved: &HashMap<Key, Result<Resolved, String>>,
) -> std::collections::HashSet<Key> {
    let mut out = std::collections::HashSet::new();
    for l in loaded.iter().flatten() {
        for (t, r) in l.targets.iter().zip(&l.refs) {
            let Ok(r) = r else { continue };
            let k = key(r, platform_for(a, t));
            let Some(Ok(now)) = resolved.get(&k) else {
                continue;
            };
            let pins = t.site.is_ok()
                && !a.check
                && match state(r) {
                    State::Unpinned => true,
                    State::Tagged => a.update && !r.digest().is_some_and(|d| now.matches(d)),
                    State::DigestOnly => false,
                };
            if pins {
                out.insert(k);
            }
        }
    }
    out
}

/// Whom `--verify` trusts: the verification flags, or a trust file's entries.
enum PinTrust {
    Flags(VerifyOptions),
    File(TrustFile),
}

impl PinTrust {
    /// The signer sets an image must satisfy (every one), or why it is refused outright.
    fn requirements(&self, r: &Reference) -> Result<Vec<VerifyOptions>, String> {
        match self {
            PinTrust::Flags(opts) => Ok(vec![opts.clone()]),
            PinTrust::File(t) => {
                let name = r.repo_only();
                let entries = t.matching(&name);
                if entries.is_empty() && t.unmatched == Unmatched::Deny {
                    return Err(format!(
                        "{name} matches no entry of the trust file {}, which denies unmatched images",
                        t.path.display()
                    ));
                }
                Ok(entries
                    .into_iter()
                    .filter(|e| e.requires_signatures())
                    .map(|e| e.verify.clone())
                    .collect())
            }
        }
    }
}

/// Verifies the signatures of every digest that would be pinned, concurrently.
async fn verify_all(
    client: &std::sync::Arc<crate::registry::RegistryClient>,
    requests: &[(Reference, Option<String>)],
    resolved: &HashMap<Key, Result<Resolved, String>>,
    trust: &PinTrust,
) -> HashMap<Key, Verdict> {
    let mut tasks = tokio::task::JoinSet::new();
    let mut out = HashMap::new();
    for (r, platform) in requests {
        let k = key(r, platform.clone());
        let Some(Ok(res)) = resolved.get(&k) else {
            continue;
        };
        let requirements = match trust.requirements(r) {
            Ok(reqs) => reqs,
            Err(why) => {
                out.insert(k, Verdict::Refused(why));
                continue;
            }
        };
        let (client, r, res) = (client.clone(), r.clone(), res.clone());
        tasks.spawn(async move {
            // Every requirement must hold; the signers of all of them are reported.
            let mut signers = Vec::new();
            for opts in &requirements {
                match verify_pin(&client, &r, &res, opts).await {
                    Ok(Verdict::Trusted(s)) => signers.extend(s),
                    Ok(other) => return (k, other),
                    Err(e) => return (k, Verdict::Failed(e.to_string())),
                }
            }
            (k, Verdict::Trusted(signers))
        });
    }
    while let Some(j) = tasks.join_next().await {
        if let Ok((k, v)) = j {
            out.insert(k, v);
        }
    }
    out
}

/// Whether the digest to pin has enough valid signatures. A platform manifest picked from
/// an index also passes when the index is signed: the index names the manifest by digest.
async fn verify_pin(
    client: &std::sync::Arc<crate::registry::RegistryClient>,
    r: &Reference,
    res: &Resolved,
    opts: &VerifyOptions,
) -> crate::store::Result<Verdict> {
    let image = ImageRef::Registry(r.with_digest(res.digest.clone()));
    let repo = Repository::open(&image, client)?;
    let mut candidates = vec![&res.digest];
    if res.root != res.digest {
        candidates.push(&res.root);
    }
    let mut why = Vec::new();
    for d in candidates {
        let report = crate::verify::verify_signatures(&repo, d, opts).await?;
        if report.passed {
            return Ok(Verdict::Trusted(report.signers.into_iter().collect()));
        }
        why.push(if report.findings.is_empty() {
            format!("no signatures on {d}")
        } else {
            format!(
                "{} of {} required signer(s) verified on {d}",
                report.signers.len(),
                report.required
            )
        });
    }
    Ok(Verdict::Refused(why.join("; ")))
}

/// Decides every use of one file, rewrites it if needed, and says what happened.
fn finish(
    a: &PinArgs,
    build_args: &BuildArgs,
    l: Loaded,
    resolved: &HashMap<Key, Result<Resolved, String>>,
    verdicts: &HashMap<Key, Verdict>,
) -> FileReport {
    let mut rows = Vec::new();
    let mut pins: Vec<(usize, Digest)> = Vec::new();
    for (i, (t, r)) in l.targets.iter().zip(&l.refs).enumerate() {
        let mut row = Row {
            line: t.image.line,
            column: t.image.column,
            kind: t.image.kind,
            image: t.image.expanded.clone(),
            status: Status::Error,
            digest: None,
            current: None,
            arg: t.site.as_ref().ok().and_then(|s| s.arg.clone()),
            signers: None,
            reason: None,
        };
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                row.reason = Some(e.clone());
                rows.push(row);
                continue;
            }
        };
        let k = key(r, platform_for(a, t));
        let st = state(r);
        match st {
            State::DigestOnly => {
                row.status = Status::DigestOnly;
                row.digest = r.digest().map(ToString::to_string);
            }
            State::Unpinned if a.check => {
                row.status = Status::Unpinned;
                row.reason = t.site.as_ref().err().cloned();
            }
            State::Unpinned if t.site.is_err() => {
                row.status = Status::Skipped;
                row.reason = t.site.as_ref().err().cloned();
            }
            State::Tagged if !a.check && !a.update => {
                row.status = Status::AlreadyPinned;
                row.digest = r.digest().map(ToString::to_string);
            }
            State::Unpinned | State::Tagged => match resolved.get(&k) {
                None => row.reason = Some("not resolved".into()),
                Some(Err(e)) => row.reason = Some(e.clone()),
                Some(Ok(now)) => {
                    let old = r.digest().filter(|_| st == State::Tagged);
                    row.digest = old.map(ToString::to_string);
                    if old.is_some_and(|d| now.matches(d)) {
                        row.status = Status::AlreadyPinned;
                    } else if old.is_some() && (a.check || t.site.is_err()) {
                        row.status = Status::Moved;
                        row.current = Some(now.digest.to_string());
                        row.reason = t.site.as_ref().err().cloned().filter(|_| !a.check);
                    } else {
                        // Pin (or re-pin), after --verify when asked.
                        let verdict = verdicts.get(&k);
                        match verdict {
                            Some(Verdict::Refused(why)) => {
                                row.status = Status::Refused;
                                row.reason = Some(why.clone());
                            }
                            Some(Verdict::Failed(e)) => {
                                row.reason = Some(format!("verification failed: {e}"))
                            }
                            None if a.verify => row.reason = Some("not verified".into()),
                            Some(Verdict::Trusted(_)) | None => {
                                if let Some(Verdict::Trusted(signers)) = verdict {
                                    row.signers = Some(signers.clone());
                                }
                                if old.is_some() {
                                    row.status = Status::Updated;
                                    row.current = Some(now.digest.to_string());
                                } else {
                                    row.status = Status::Pinned;
                                    row.digest = Some(now.digest.to_string());
                                }
                                pins.push((i, now.digest.clone()));
                            }
                        }
                    }
                }
            },
        }
        rows.push(row);
    }
    let file = l.path.display().to_string();
    let mut report = FileReport {
        file,
        changed: false,
        error: None,
        images: rows,
        diff: None,
    };
    if report.images.iter().any(|r| r.status == Status::Error) {
        report.error = Some("not changed: an image could not be resolved".into());
        return report;
    }
    if a.check {
        return report;
    }
    let new = match pin::apply(&l.text, build_args, &l.targets, &pins) {
        Ok((new, _)) => new,
        Err(e) => {
            report.error = Some(format!("not changed: {e}"));
            return report;
        }
    };
    report.changed = new != l.text;
    if !report.changed {
        return report;
    }
    if a.dry_run {
        report.diff = Some(crate::util::diff::unified(&report.file, &l.text, &new));
    } else if let Err(e) = write(&l.path, &new) {
        report.changed = false;
        report.error = Some(format!("cannot write: {e:#}"));
    }
    report
}

/// Replaces the file (the target of a symlink) atomically, keeping its permissions.
fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    let real = std::fs::canonicalize(path).with_context(|| path.display().to_string())?;
    let perms = std::fs::metadata(&real)?.permissions();
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        Some(perms.mode() & 0o7777)
    };
    #[cfg(not(unix))]
    let mode = None;
    crate::util::fs::write_atomic(&real, text.as_bytes(), mode)?;
    std::fs::set_permissions(&real, perms)?;
    Ok(())
}

fn render(a: &PinArgs, reports: &[FileReport]) -> anyhow::Result<()> {
    if a.output == output::Format::Json {
        return output::print_json(&serde_json::json!({ "files": reports }));
    }
    let location = |f: &FileReport, r: &Row| format!("{}:{}", f.file, r.line);
    // The digest is shown in its own column.
    let name = |r: &Row| {
        r.image
            .split_once('@')
            .map_or(r.image.as_str(), |(n, _)| n)
            .to_string()
    };
    let loc_width = reports
        .iter()
        .flat_map(|f| f.images.iter().map(move |r| location(f, r).chars().count()))
        .max()
        .unwrap_or(0);
    let image_width = reports
        .iter()
        .flat_map(|f| &f.images)
        .map(|r| name(r).chars().count())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for f in reports {
        for r in &f.images {
            let what = describe(r);
            let image = name(r);
            text.push_str(&format!(
                "{:<loc_width$}  {}{}  {what}\n",
                location(f, r),
                paint(BOLD, &image),
                " ".repeat(image_width - image.chars().count()),
            ));
        }
    }
    let mut diffs = String::new();
    let mut errors = String::new();
    for f in reports {
        if let Some(e) = &f.error {
            errors.push_str(&format!("{} {}: {e}\n", paint(RED, "error"), f.file));
        }
        if let Some(d) = &f.diff {
            diffs.push_str(d);
        }
    }
    if a.dry_run {
        // The diff alone on stdout, so that it can be applied; the verdicts on stderr.
        anstream::eprint!("{text}");
        output::print(&diffs)?;
    } else {
        output::print(&text)?;
    }
    anstream::eprint!("{errors}");
    Ok(())
}

fn describe(r: &Row) -> String {
    let arrow = paint(DIM, "→");
    let digest = r.digest.as_deref().unwrap_or_default();
    let arg = r
        .arg
        .as_ref()
        .map(|n| paint(DIM, format!(" (ARG {n})")))
        .unwrap_or_default();
    let reason = r.reason.as_deref().unwrap_or_default();
    let signed = r
        .signers
        .as_ref()
        .map(|s| paint(DIM, format!(" signed by {}", s.join(", "))))
        .unwrap_or_default();
    match r.status {
        Status::Pinned => format!("{arrow} {}{arg}{signed}", paint(GREEN, digest)),
        Status::AlreadyPinned | Status::DigestOnly => {
            format!("{} {}", r.status.label(), paint(DIM, digest))
        }
        Status::Moved | Status::Updated => format!(
            "{} {digest} {arrow} {}{arg}{signed}",
            paint(YELLOW, r.status.label()),
            r.current.as_deref().unwrap_or_default()
        ),
        Status::Unpinned if reason.is_empty() => paint(YELLOW, "unpinned"),
        Status::Unpinned => format!("{} ({reason})", paint(YELLOW, "unpinned")),
        Status::Skipped => format!("{}: {reason}", paint(YELLOW, "skipped")),
        Status::Refused | Status::Error => {
            format!("{}: {reason}", paint(RED, r.status.label()))
        }
    }
}
