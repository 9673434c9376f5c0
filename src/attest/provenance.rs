//! SLSA provenance v1 predicates ([`SLSA_PROVENANCE_V1`](super::types::SLSA_PROVENANCE_V1))
//! for an image build, generated from the CI environment the build runs in, with the build's
//! base images resolved to digests.
//!
//! # Where the facts come from
//!
//! The mode is GitHub Actions when `GITHUB_ACTIONS=true`, GitLab CI when `GITLAB_CI=true`,
//! generic otherwise (or as forced). Flags ([`ProvenanceOptions`]) override what the
//! environment says, field by field.
//!
//! **GitHub Actions** follows the community build type for a top-level workflow,
//! [`GITHUB_BUILD_TYPE`]:
//!
//! - `builder.id` = `$GITHUB_SERVER_URL/$GITHUB_WORKFLOW_REF`, e.g.
//!   `https://github.com/org/app/.github/workflows/release.yml@refs/heads/main`. That build
//!   type says a workflow that generates its own provenance is identified by its workflow
//!   ref (GitHub's runner URI, `https://github.com/actions/runner/github-hosted`, would be
//!   the builder only if GitHub itself generated the provenance). It is also the identity
//!   Fulcio certifies for the workflow, so a policy can tie the two. For a reusable workflow
//!   this is the *calling* workflow (`job_workflow_ref` is not in the environment); pass
//!   `--builder-id` to name the reusable one.
//! - `externalParameters.workflow` = `{ref: $GITHUB_REF, repository: server/repo, path}`,
//!   plus `inputs` (non-empty `workflow_dispatch` inputs from `$GITHUB_EVENT_PATH`);
//! - `internalParameters.github` = `event_name`, `repository_id`, `repository_owner_id`,
//!   `actor_id`, `runner_environment`, `runner_os`, `runner_arch` (those that are set);
//! - `metadata.invocationId` = `server/repo/actions/runs/$GITHUB_RUN_ID/attempts/$GITHUB_RUN_ATTEMPT`;
//! - source = `git+server/repo@$GITHUB_REF` with `gitCommit: $GITHUB_SHA`.
//!
//! **GitLab CI** follows GitLab's published build type, [`GITLAB_BUILD_TYPE`]:
//! `builder.id` = `$CI_PROJECT_URL/-/runners/$CI_RUNNER_ID` (as GitLab's own provenance
//! does), `builder.version` = `{gitlab-runner: $CI_RUNNER_VERSION}`,
//! `externalParameters` = `{source: project URL, entryPoint: $CI_JOB_NAME, ref, configPath}`
//! (GitLab's `variables` are left out: their values can be secrets), `internalParameters` =
//! `{name, architecture, job, pipeline, pipelineSource}`, `invocationId` = `$CI_JOB_URL`,
//! `startedOn` = `$CI_JOB_STARTED_AT`, source = `git+project URL@refs/heads|tags/…` with
//! `gitCommit: $CI_COMMIT_SHA`.
//!
//! **Generic** needs `builder_id` and `build_type`; everything else is optional.
//!
//! `finishedOn` is the time of generation unless given; `startedOn` only when known (GitLab,
//! or given: GitHub exposes no start time).
//!
//! The Docker build's own inputs — `{dockerfile: {path, digest: {sha256}}, buildArgs,
//! platform}` — are recorded as `dockerBuild` in `internalParameters` in the CI modes (the
//! workflow or job recorded in `externalParameters` decides them, and GitHub's build type
//! wants consumers to reject unknown external parameters) and in `externalParameters` in
//! generic mode. Build-argument values are recorded as given.
//!
//! # `resolvedDependencies`
//!
//! First the source, when known:
//!
//! ```json
//! {"uri": "git+https://github.com/org/app@refs/heads/main",
//!  "digest": {"gitCommit": "1c5b2c6b…"}}
//! ```
//!
//! then one entry per distinct external image of the Dockerfile (stage bases, `COPY
//! --from=<image>`, `RUN --mount=…,from=<image>`; never stages or `scratch`) and platform,
//! in order of first use:
//!
//! ```json
//! {"uri": "pkg:docker/org/base@1.2?platform=linux%2Famd64&repository_url=ghcr.io",
//!  "name": "ghcr.io/org/base:1.2",
//!  "digest": {"sha256": "<hex of what the reference names: the index for a multi-arch tag>"},
//!  "mediaType": "application/vnd.oci.image.index.v1+json",
//!  "annotations": {
//!    "platform": "linux/amd64",
//!    "platformDigest": "sha256:<the platform's manifest, when the reference names an index>",
//!    "dockerfile": [{"use": "from", "line": 12, "stage": "build", "text": "ghcr.io/org/base:${V}"}]
//!  }}
//! ```
//!
//! - `name` is the normalised reference (`docker.io/library/alpine:3.19`, a pinned
//!   `…:tag@sha256:…` as written): a policy matches images on `name` and `digest`.
//! - `uri` is a package URL: `pkg:docker/<repository>@<tag, or digest when there is no tag>`,
//!   `library/` dropped on Docker Hub, `repository_url` for other registries, `platform`
//!   when one applies; values percent-encoded.
//! - `digest` is what the tag pointed at when resolved (what `crane digest` prints), or the
//!   digest of a pinned reference, which is taken as written with no registry lookup (so
//!   `mediaType` and `platformDigest` are then absent).
//! - `platform` is the Dockerfile's `FROM --platform` (expanded) or else the requested target
//!   platform; without either, no platform is recorded. `platformDigest` is set when the
//!   reference names an index and a platform applies; an index without that platform is an
//!   error.
//! - `annotations.dockerfile` lists every use: `use` is `from`, `copy-from` or
//!   `mount-from`, `line` is 1-based, `stage` is present for named stages, `text` is the
//!   reference as written before substitution.
//!
//! An image that cannot be resolved is an error naming it; nothing is silently left out.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::dockerfile::{self, BuildArgs, Dockerfile, ImageUse};
use crate::oci::{Digest, Manifest, Platform, Reference};
use crate::registry::{ManifestSel, RegistryClient};

/// The SLSA community build type for a top-level GitHub Actions workflow.
pub const GITHUB_BUILD_TYPE: &str =
    "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1";
/// GitLab's published build type for a GitLab CI/CD job.
pub const GITLAB_BUILD_TYPE: &str =
    "https://docs.gitlab.com/ci/pipeline_security/slsa/provenance_v1";

/// Largest GitHub event payload read for `workflow_dispatch` inputs.
const MAX_EVENT_BYTES: u64 = 16 * 1024 * 1024;

/// Which CI system to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CiMode {
    /// GitHub Actions or GitLab CI when their variables say so, else generic.
    #[default]
    Auto,
    GitHub,
    GitLab,
    Generic,
}

impl CiMode {
    fn name(self) -> &'static str {
        match self {
            CiMode::Auto => "auto",
            CiMode::GitHub => "GitHub Actions",
            CiMode::GitLab => "GitLab CI",
            CiMode::Generic => "generic",
        }
    }
}

/// A Dockerfile to take base images from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerfileInput {
    /// The path as it should appear in messages and in the predicate.
    pub path: String,
    pub text: String,
}

/// Everything [`generate`] needs. Option fields override what the environment says.
#[derive(Debug, Clone, Default)]
pub struct ProvenanceOptions {
    pub mode: CiMode,
    /// The environment to read (normally the process environment).
    pub env: BTreeMap<String, String>,
    pub builder_id: Option<String>,
    /// `runDetails.builder.version` entries (added to what the CI mode records).
    pub builder_version: BTreeMap<String, String>,
    pub build_type: Option<String>,
    /// Source repository (`https://…`, or `git+https://…`), ref (`refs/heads/main`) and commit.
    pub source_uri: Option<String>,
    pub source_ref: Option<String>,
    pub source_commit: Option<String>,
    pub invocation_id: Option<String>,
    /// Unix seconds.
    pub started_on: Option<i64>,
    /// Unix seconds; now when None.
    pub finished_on: Option<i64>,
    /// Extra `externalParameters` entries (string values), in every mode.
    pub external_parameters: BTreeMap<String, String>,
    pub dockerfile: Option<DockerfileInput>,
    /// `--build-arg` values for the Dockerfile.
    pub build_args: BTreeMap<String, String>,
    /// The target platform (`os/arch[/variant]`).
    pub platform: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProvenanceError {
    #[error("{mode}: {} not set (is this really a {mode} job?)", plural(.missing))]
    MissingEnv {
        mode: &'static str,
        missing: Vec<String>,
    },
    #[error(
        "generic provenance needs {}: there is no GitHub Actions or GitLab CI environment to take it from",
        .0.join(" and ")
    )]
    MissingFlags(Vec<&'static str>),
    #[error("{0}")]
    Invalid(String),
    /// `path:line:column: message` (the parse error is the message, not a cause).
    #[error("{path}:{error}")]
    Dockerfile {
        path: String,
        error: dockerfile::ParseError,
    },
    #[error("{path}:{line}: {kind} image {reference:?} is not a valid image reference: {detail}")]
    BadReference {
        path: String,
        line: usize,
        kind: &'static str,
        reference: String,
        detail: String,
    },
    #[error("{path}:{line}: cannot resolve {kind} image {reference}: {detail}")]
    Unresolved {
        path: String,
        line: usize,
        kind: &'static str,
        reference: String,
        detail: String,
    },
}

fn plural(missing: &[String]) -> String {
    match missing {
        [one] => format!("{one} is"),
        many => format!("{} are", many.join(", ")),
    }
}

pub type Result<T> = std::result::Result<T, ProvenanceError>;

/// The mode the environment indicates.
pub fn detect(env: &BTreeMap<String, String>) -> CiMode {
    let is_true = |k: &str| env.get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if is_true("GITHUB_ACTIONS") {
        CiMode::GitHub
    } else if is_true("GITLAB_CI") {
        CiMode::GitLab
    } else {
        CiMode::Generic
    }
}

/// The source repository of a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Repository URI as given (`https://github.com/org/app` or `git+https://…`).
    pub uri: String,
    pub git_ref: Option<String>,
    /// The commit id, lower-case hex.
    pub commit: Option<String>,
}

impl Source {
    /// The resource descriptor: `git+<uri>[@<ref>]` with `digest.gitCommit`.
    pub fn descriptor(&self) -> Value {
        let base = if self.uri.starts_with("git+") {
            self.uri.clone()
        } else {
            format!("git+{}", self.uri)
        };
        let uri = match &self.git_ref {
            Some(r) => format!("{base}@{r}"),
            None => base,
        };
        let mut d = Map::new();
        d.insert("uri".into(), Value::String(uri));
        if let Some(c) = &self.commit {
            d.insert("digest".into(), json!({ "gitCommit": c }));
        }
        Value::Object(d)
    }
}

/// What the CI environment (and the overriding options) say about the build.
#[derive(Debug, Clone, PartialEq)]
pub struct CiContext {
    /// GitHub, GitLab or Generic (never Auto).
    pub mode: CiMode,
    pub build_type: String,
    pub builder_id: String,
    pub builder_version: BTreeMap<String, String>,
    pub external_parameters: Map<String, Value>,
    pub internal_parameters: Map<String, Value>,
    pub source: Option<Source>,
    pub invocation_id: Option<String>,
    pub started_on: Option<i64>,
}

/// Reads the CI environment in `opts.env` (and the GitHub event file for `workflow_dispatch`
/// inputs), applying the overrides in `opts`.
pub fn ci_context(opts: &ProvenanceOptions) -> Result<CiContext> {
    let mode = match opts.mode {
        CiMode::Auto => detect(&opts.env),
        m => m,
    };
    let mut ctx = match mode {
        CiMode::GitHub => github(opts)?,
        CiMode::GitLab => gitlab(opts)?,
        _ => generic(opts)?,
    };
    if let Some(id) = &opts.builder_id {
        ctx.builder_id = id.clone();
    }
    if let Some(t) = &opts.build_type {
        ctx.build_type = t.clone();
    }
    if let Some(id) = &opts.invocation_id {
        ctx.invocation_id = Some(id.clone());
    }
    if opts.started_on.is_some() {
        ctx.started_on = opts.started_on;
    }
    ctx.builder_version.extend(
        opts.builder_version
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    // Field by field: a flag replaces only what it names.
    ctx.source = match (ctx.source.take(), &opts.source_uri) {
        (None, None) if opts.source_commit.is_some() || opts.source_ref.is_some() => {
            return Err(ProvenanceError::Invalid(
                "--source-commit and --source-ref need --source-uri (the repository)".into(),
            ));
        }
        (None, None) => None,
        (found, uri) => {
            let mut s = found.unwrap_or(Source {
                uri: String::new(),
                git_ref: None,
                commit: None,
            });
            if let Some(u) = uri {
                s.uri = u.clone();
            }
            if let Some(r) = &opts.source_ref {
                s.git_ref = Some(r.clone());
            }
            if let Some(c) = &opts.source_commit {
                s.commit = Some(c.clone());
            }
            Some(s)
        }
    };
    if let Some(s) = &mut ctx.source {
        if let Some(c) = &mut s.commit {
            *c = c.to_ascii_lowercase();
            if !(c.len() == 40 || c.len() == 64) || !c.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(ProvenanceError::Invalid(format!(
                    "source commit {c:?} is not a git commit id (40 or 64 hex digits)"
                )));
            }
        }
        check_uri("source URI", &s.uri)?;
    }
    check_uri("builder id", &ctx.builder_id)?;
    check_uri("build type", &ctx.build_type)?;
    for (k, v) in &opts.external_parameters {
        ctx.external_parameters
            .insert(k.clone(), Value::String(v.clone()));
    }
    Ok(ctx)
}

/// A URI must at least have a scheme (`https:`, `git+https:`, `pkg:`).
fn check_uri(what: &str, s: &str) -> Result<()> {
    let scheme_ok = s.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if scheme_ok && !s.chars().any(char::is_whitespace) {
        Ok(())
    } else {
        Err(ProvenanceError::Invalid(format!(
            "{what} {s:?} is not a URI (scheme:…)"
        )))
    }
}

/// Looks variables up, collecting the names of required ones that are missing or empty.
struct EnvReader<'a> {
    env: &'a BTreeMap<String, String>,
    missing: Vec<String>,
}

impl<'a> EnvReader<'a> {
    fn new(env: &'a BTreeMap<String, String>) -> Self {
        EnvReader {
            env,
            missing: Vec::new(),
        }
    }

    fn get(&self, k: &str) -> Option<&'a str> {
        self.env.get(k).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// A required variable; "" (and a note) when missing.
    fn need(&mut self, k: &str) -> &'a str {
        match self.get(k) {
            Some(v) => v,
            None => {
                self.missing.push(k.to_string());
                ""
            }
        }
    }

    /// Required unless an override is given.
    fn need_unless(&mut self, k: &str, overridden: bool) -> &'a str {
        if overridden {
            self.get(k).unwrap_or_default()
        } else {
            self.need(k)
        }
    }

    /// Fails listing every required variable that was missing.
    fn finish(&mut self, mode: CiMode) -> Result<()> {
        if self.missing.is_empty() {
            Ok(())
        } else {
            Err(ProvenanceError::MissingEnv {
                mode: mode.name(),
                missing: std::mem::take(&mut self.missing),
            })
        }
    }
}

fn insert_some(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        map.insert(key.into(), Value::String(v.to_string()));
    }
}

fn github(opts: &ProvenanceOptions) -> Result<CiContext> {
    let mut env = EnvReader::new(&opts.env);
    let server = env
        .get("GITHUB_SERVER_URL")
        .unwrap_or("https://github.com")
        .trim_end_matches('/');
    let repo = env.need("GITHUB_REPOSITORY");
    let git_ref = env.need("GITHUB_REF");
    let workflow_ref = env.need("GITHUB_WORKFLOW_REF");
    let sha = env.need_unless("GITHUB_SHA", opts.source_commit.is_some());
    let run_id = env.need_unless("GITHUB_RUN_ID", opts.invocation_id.is_some());
    let attempt = env.get("GITHUB_RUN_ATTEMPT").unwrap_or("1");
    env.finish(CiMode::GitHub)?;

    // `owner/repo/.github/workflows/x.yml@refs/heads/main` → `.github/workflows/x.yml`.
    let in_repo = workflow_ref
        .strip_prefix(repo)
        .and_then(|r| r.strip_prefix('/'))
        .unwrap_or(workflow_ref);
    let path = in_repo
        .strip_suffix(git_ref)
        .and_then(|p| p.strip_suffix('@'))
        .or_else(|| in_repo.rsplit_once('@').map(|(p, _)| p))
        .unwrap_or(in_repo);
    let repository = format!("{server}/{repo}");

    let mut external = Map::new();
    external.insert(
        "workflow".into(),
        json!({ "ref": git_ref, "repository": repository, "path": path }),
    );
    if env.get("GITHUB_EVENT_NAME") == Some("workflow_dispatch")
        && let Some(inputs) = dispatch_inputs(env.get("GITHUB_EVENT_PATH"))?
    {
        external.insert("inputs".into(), inputs);
    }

    let mut github = Map::new();
    for (key, var) in [
        ("event_name", "GITHUB_EVENT_NAME"),
        ("repository_id", "GITHUB_REPOSITORY_ID"),
        ("repository_owner_id", "GITHUB_REPOSITORY_OWNER_ID"),
        ("actor_id", "GITHUB_ACTOR_ID"),
        ("runner_environment", "RUNNER_ENVIRONMENT"),
        ("runner_os", "RUNNER_OS"),
        ("runner_arch", "RUNNER_ARCH"),
    ] {
        insert_some(&mut github, key, env.get(var));
    }
    let mut internal = Map::new();
    if !github.is_empty() {
        internal.insert("github".into(), Value::Object(github));
    }

    Ok(CiContext {
        mode: CiMode::GitHub,
        build_type: GITHUB_BUILD_TYPE.into(),
        builder_id: format!("{server}/{workflow_ref}"),
        builder_version: BTreeMap::new(),
        external_parameters: external,
        internal_parameters: internal,
        source: Some(Source {
            uri: repository.clone(),
            git_ref: Some(git_ref.to_string()),
            commit: Some(sha.to_string()).filter(|s| !s.is_empty()),
        }),
        invocation_id: Some(format!(
            "{repository}/actions/runs/{run_id}/attempts/{attempt}"
        )),
        started_on: None,
    })
}

/// The non-empty `inputs` of a `workflow_dispatch` event payload.
fn dispatch_inputs(path: Option<&str>) -> Result<Option<Value>> {
    use std::io::Read;
    let Some(path) = path else {
        return Ok(None);
    };
    let fail = |e: String| ProvenanceError::Invalid(format!("GITHUB_EVENT_PATH {path}: {e}"));
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_EVENT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > MAX_EVENT_BYTES {
        return Err(fail(format!("larger than {MAX_EVENT_BYTES} bytes")));
    }
    let event: Value = serde_json::from_slice(&bytes).map_err(|e| fail(e.to_string()))?;
    let Some(inputs) = event.get("inputs").and_then(Value::as_object) else {
        return Ok(None);
    };
    let kept: Map<String, Value> = inputs
        .iter()
        .filter(|(_, v)| !(v.is_null() || v.as_str() == Some("")))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok((!kept.is_empty()).then_some(Value::Object(kept)))
}

fn gitlab(opts: &ProvenanceOptions) -> Result<CiContext> {
    let mut env = EnvReader::new(&opts.env);
    let project_path = env.need("CI_PROJECT_PATH");
    let project_url = match env.get("CI_PROJECT_URL") {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => format!(
            "{}/{project_path}",
            env.need("CI_SERVER_URL").trim_end_matches('/')
        ),
    };
    let sha = env.need_unless("CI_COMMIT_SHA", opts.source_commit.is_some());
    let job_id = env.need_unless(
        "CI_JOB_ID",
        opts.invocation_id.is_some() || env.get("CI_JOB_URL").is_some(),
    );
    let runner_id = env.need_unless("CI_RUNNER_ID", opts.builder_id.is_some());
    env.finish(CiMode::GitLab)?;

    let git_ref = if let Some(tag) = env.get("CI_COMMIT_TAG") {
        Some(format!("refs/tags/{tag}"))
    } else if let Some(branch) = env.get("CI_COMMIT_BRANCH") {
        Some(format!("refs/heads/{branch}"))
    } else if let Some(mr) = env.get("CI_MERGE_REQUEST_REF_PATH") {
        Some(mr.to_string())
    } else {
        env.get("CI_COMMIT_REF_NAME")
            .map(|name| format!("refs/heads/{name}"))
    };

    let mut external = Map::new();
    external.insert("source".into(), Value::String(project_url.clone()));
    insert_some(&mut external, "entryPoint", env.get("CI_JOB_NAME"));
    insert_some(&mut external, "ref", git_ref.as_deref());
    insert_some(&mut external, "configPath", env.get("CI_CONFIG_PATH"));

    let mut internal = Map::new();
    for (key, var) in [
        ("name", "CI_RUNNER_DESCRIPTION"),
        ("architecture", "CI_RUNNER_EXECUTABLE_ARCH"),
        ("job", "CI_JOB_ID"),
        ("pipeline", "CI_PIPELINE_ID"),
        ("pipelineSource", "CI_PIPELINE_SOURCE"),
    ] {
        insert_some(&mut internal, key, env.get(var));
    }

    let mut version = BTreeMap::new();
    if let Some(v) = env.get("CI_RUNNER_VERSION") {
        version.insert("gitlab-runner".to_string(), v.to_string());
    }
    let started_on = match env.get("CI_JOB_STARTED_AT") {
        Some(t) => Some(parse_time(t).ok_or_else(|| {
            ProvenanceError::Invalid(format!("CI_JOB_STARTED_AT {t:?} is not an RFC 3339 time"))
        })?),
        None => None,
    };
    let invocation_id = match env.get("CI_JOB_URL") {
        Some(u) => u.to_string(),
        None => format!("{project_url}/-/jobs/{job_id}"),
    };

    Ok(CiContext {
        mode: CiMode::GitLab,
        build_type: GITLAB_BUILD_TYPE.into(),
        builder_id: format!("{project_url}/-/runners/{runner_id}"),
        builder_version: version,
        external_parameters: external,
        internal_parameters: internal,
        source: Some(Source {
            uri: project_url,
            git_ref,
            commit: Some(sha.to_string()).filter(|s| !s.is_empty()),
        }),
        invocation_id: Some(invocation_id),
        started_on,
    })
}

fn generic(opts: &ProvenanceOptions) -> Result<CiContext> {
    let mut missing = Vec::new();
    if opts.builder_id.is_none() {
        missing.push("--builder-id");
    }
    if opts.build_type.is_none() {
        missing.push("--build-type");
    }
    if !missing.is_empty() {
        return Err(ProvenanceError::MissingFlags(missing));
    }
    Ok(CiContext {
        mode: CiMode::Generic,
        build_type: opts.build_type.clone().unwrap_or_default(),
        builder_id: opts.builder_id.clone().unwrap_or_default(),
        builder_version: BTreeMap::new(),
        external_parameters: Map::new(),
        internal_parameters: Map::new(),
        source: None,
        invocation_id: None,
        started_on: None,
    })
}

/// Parses a time given as Unix seconds or RFC 3339 (`2024-05-01T12:00:00Z`,
/// `2024-05-01T14:00:00.5+02:00`); fractions of a second are dropped.
pub fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let sep = |at: usize, chars: &[u8]| b.get(at).is_some_and(|c| chars.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = s.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = frac.get(digits..)?;
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes().get(3) != Some(&b':') {
                return None;
            }
            let h: i64 = rest.get(1..3)?.parse().ok()?;
            let m: i64 = rest.get(4..6)?.parse().ok()?;
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 3600 + m * 60)
        }
    };
    let days = crate::util::time::days_from_civil(year, month as u32, day as u32);
    Some(days * 86400 + hour * 3600 + minute * 60 + second - offset)
}

/// One external image of the Dockerfile, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedImage {
    /// The normalised reference as written (tag and/or digest).
    pub reference: Reference,
    /// What the reference names: the tag's manifest or index, or the pinned digest.
    pub digest: Digest,
    /// The manifest's media type, when it was fetched.
    pub media_type: Option<String>,
    /// The platform it is used for, when one applies.
    pub platform: Option<String>,
    /// For an index with a platform: that platform's manifest.
    pub platform_digest: Option<Digest>,
    /// Every use in the Dockerfile, in order.
    pub uses: Vec<ImageUse>,
}

impl ResolvedImage {
    /// The resource descriptor (see the module documentation).
    pub fn descriptor(&self) -> Value {
        let mut annotations = Map::new();
        insert_some(&mut annotations, "platform", self.platform.as_deref());
        if let Some(d) = &self.platform_digest {
            annotations.insert("platformDigest".into(), Value::String(d.to_string()));
        }
        let uses: Vec<Value> = self
            .uses
            .iter()
            .map(|u| {
                let mut m = Map::new();
                m.insert("use".into(), Value::String(u.kind.as_str().into()));
                m.insert("line".into(), json!(u.line));
                insert_some(&mut m, "stage", u.stage_name.as_deref());
                m.insert("text".into(), Value::String(u.reference_text.clone()));
                Value::Object(m)
            })
            .collect();
        annotations.insert("dockerfile".into(), Value::Array(uses));

        let mut d = Map::new();
        d.insert(
            "uri".into(),
            Value::String(purl(&self.reference, self.platform.as_deref())),
        );
        d.insert("name".into(), Value::String(self.reference.to_string()));
        d.insert(
            "digest".into(),
            json!({ self.digest.algorithm().name(): self.digest.hex() }),
        );
        insert_some(&mut d, "mediaType", self.media_type.as_deref());
        d.insert("annotations".into(), Value::Object(annotations));
        Value::Object(d)
    }
}

/// `pkg:docker/<repository>@<version>[?platform=…&repository_url=…]`.
pub fn purl(r: &Reference, platform: Option<&str>) -> String {
    let docker_hub = r.registry() == crate::oci::reference::DEFAULT_REGISTRY;
    let repo = match r.repository().strip_prefix("library/") {
        Some(name) if docker_hub => name,
        _ => r.repository(),
    };
    let version = match (r.tag(), r.digest()) {
        (Some(t), _) => t.to_string(),
        (None, Some(d)) => d.to_string(),
        (None, None) => "latest".to_string(),
    };
    let mut out = format!("pkg:docker/{repo}@{}", pct(&version));
    let mut qualifiers = Vec::new();
    if let Some(p) = platform {
        qualifiers.push(format!("platform={}", pct(p)));
    }
    if !docker_hub {
        qualifiers.push(format!("repository_url={}", pct(r.registry())));
    }
    if !qualifiers.is_empty() {
        out.push('?');
        out.push_str(&qualifiers.join("&"));
    }
    out
}

/// Percent-encodes all but unreserved characters.
fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `os/arch[/variant]`, each part non-empty.
fn check_platform(p: &str) -> Result<()> {
    let parts: Vec<&str> = p.split('/').collect();
    let ok = (2..=3).contains(&parts.len())
        && parts.iter().all(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        });
    if ok {
        Ok(())
    } else {
        Err(ProvenanceError::Invalid(format!(
            "platform {p:?} is not os/arch[/variant]"
        )))
    }
}

fn default_variant(arch: &str) -> Option<&'static str> {
    match arch {
        "arm64" => Some("v8"),
        "arm" => Some("v7"),
        "amd64" => Some("v1"),
        _ => None,
    }
}

/// The index entry for `want` (`os/arch[/variant]`): an exact match (a missing variant
/// standing for the architecture's default) first, then any variant when none was asked.
fn platform_entry<'a>(
    entries: &'a [crate::oci::Descriptor],
    want: &str,
) -> Option<&'a crate::oci::Descriptor> {
    let mut parts = want.splitn(3, '/');
    let (os, arch, variant) = (parts.next()?, parts.next()?, parts.next());
    let same = |p: &Platform| p.os == os && p.architecture == arch;
    let norm = |v: Option<&str>| v.or(default_variant(arch)).map(str::to_string);
    let exact = entries.iter().find(|d| {
        d.platform
            .as_ref()
            .is_some_and(|p| same(p) && norm(p.variant.as_deref()) == norm(variant))
    });
    exact.or_else(|| {
        variant.is_none().then(|| {
            entries
                .iter()
                .find(|d| d.platform.as_ref().is_some_and(same))
        })?
    })
}

fn kind_name(kind: dockerfile::UseKind) -> &'static str {
    match kind {
        dockerfile::UseKind::From => "base",
        dockerfile::UseKind::CopyFrom => "COPY --from",
        dockerfile::UseKind::MountFrom => "RUN --mount from=",
    }
}

/// The digest and media type of what a tag names and, for an index and a platform, the
/// platform's manifest digest; the error says why not.
async fn resolve_tag(
    reference: &Reference,
    platform: Option<&str>,
    client: &Arc<RegistryClient>,
) -> std::result::Result<(Digest, String, Option<Digest>), String> {
    let tag = reference.tag().unwrap_or("latest").to_string();
    let fetched = client
        .get_manifest(reference, &ManifestSel::Tag(tag))
        .await
        .map_err(|e| e.to_string())?;
    let platform_digest = match (&fetched.manifest, platform) {
        (Manifest::Index(idx), Some(p)) => {
            let Some(entry) = platform_entry(&idx.manifests, p) else {
                let have: Vec<String> = idx
                    .manifests
                    .iter()
                    .filter_map(|d| d.platform.as_ref().map(|p| p.to_string()))
                    .collect();
                return Err(format!(
                    "the index {} has no manifest for platform {p} (it has: {})",
                    fetched.digest,
                    if have.is_empty() {
                        "none with a platform".to_string()
                    } else {
                        have.join(", ")
                    }
                ));
            };
            Some(entry.digest.clone())
        }
        _ => None,
    };
    Ok((fetched.digest, fetched.media_type, platform_digest))
}

/// Resolves the Dockerfile's external images through the registry (pinned references keep
/// their digest with no lookup), one entry per distinct reference and platform.
pub async fn resolve_images(
    input: &DockerfileInput,
    build_args: &BTreeMap<String, String>,
    platform: Option<&str>,
    client: &Arc<RegistryClient>,
) -> Result<Vec<ResolvedImage>> {
    let df = Dockerfile::parse(&input.text).map_err(|error| ProvenanceError::Dockerfile {
        path: input.path.clone(),
        error,
    })?;
    let args = BuildArgs {
        values: build_args.clone(),
        target_platform: platform.map(str::to_string),
        build_platform: None,
    };
    let uses = df
        .external_images(&args)
        .map_err(|error| ProvenanceError::Dockerfile {
            path: input.path.clone(),
            error,
        })?;

    // Every reference is checked, and uses grouped, before the registry is asked anything.
    let mut groups: Vec<(Reference, Option<String>, Vec<ImageUse>)> = Vec::new();
    let mut seen: HashMap<(Reference, Option<String>), usize> = HashMap::new();
    for u in uses {
        let kind = kind_name(u.kind);
        let reference =
            Reference::parse(&u.expanded).map_err(|e| ProvenanceError::BadReference {
                path: input.path.clone(),
                line: u.line,
                kind,
                reference: u.expanded.clone(),
                detail: e.to_string(),
            })?;
        let use_platform = u.platform.clone().or(platform.map(str::to_string));
        if let Some(p) = &use_platform {
            check_platform(p).map_err(|e| {
                ProvenanceError::Invalid(format!(
                    "{}:{}: {kind} image {}: {e}",
                    input.path, u.line, u.expanded
                ))
            })?;
        }
        let key = (reference, use_platform);
        match seen.get(&key).and_then(|&i| groups.get_mut(i)) {
            Some((_, _, group)) => group.push(u),
            None => {
                seen.insert(key.clone(), groups.len());
                groups.push((key.0, key.1, vec![u]));
            }
        }
    }
    let mut images = Vec::with_capacity(groups.len());
    for (reference, platform, uses) in groups {
        let (digest, media_type, platform_digest) = match reference.digest() {
            Some(d) => (d.clone(), None, None),
            None => {
                let (line, kind) = uses
                    .first()
                    .map_or((0, "base"), |u| (u.line, kind_name(u.kind)));
                let (d, m, p) = resolve_tag(&reference, platform.as_deref(), client)
                    .await
                    .map_err(|detail| ProvenanceError::Unresolved {
                        path: input.path.clone(),
                        line,
                        kind,
                        reference: reference.to_string(),
                        detail,
                    })?;
                (d, Some(m), p)
            }
        };
        images.push(ResolvedImage {
            reference,
            digest,
            media_type,
            platform,
            platform_digest,
            uses,
        });
    }
    Ok(images)
}

/// The `dockerBuild` parameters: Dockerfile path and digest, build arguments, platform.
fn docker_build(opts: &ProvenanceOptions) -> Option<Value> {
    let mut m = Map::new();
    if let Some(df) = &opts.dockerfile {
        let digest = Digest::sha256_of(df.text.as_bytes());
        m.insert(
            "dockerfile".into(),
            json!({ "path": df.path, "digest": { "sha256": digest.hex() } }),
        );
    }
    if !opts.build_args.is_empty() {
        m.insert("buildArgs".into(), json!(opts.build_args));
    }
    insert_some(&mut m, "platform", opts.platform.as_deref());
    (!m.is_empty()).then_some(Value::Object(m))
}

/// Assembles the predicate from a CI context and resolved images.
pub fn predicate(
    ctx: &CiContext,
    opts: &ProvenanceOptions,
    images: &[ResolvedImage],
) -> Result<Value> {
    let finished = opts.finished_on.unwrap_or_else(crate::util::time::now_unix);
    if let Some(started) = ctx.started_on
        && started > finished
    {
        return Err(ProvenanceError::Invalid(format!(
            "the build cannot start ({}) after it finished ({})",
            crate::util::time::rfc3339(started),
            crate::util::time::rfc3339(finished)
        )));
    }
    let mut external = ctx.external_parameters.clone();
    let mut internal = ctx.internal_parameters.clone();
    if let Some(build) = docker_build(opts) {
        let target = if ctx.mode == CiMode::Generic {
            &mut external
        } else {
            &mut internal
        };
        target.entry("dockerBuild").or_insert(build);
    }

    let mut deps: Vec<Value> = Vec::new();
    if let Some(s) = &ctx.source {
        deps.push(s.descriptor());
    }
    deps.extend(images.iter().map(ResolvedImage::descriptor));

    let mut definition = Map::new();
    definition.insert("buildType".into(), Value::String(ctx.build_type.clone()));
    definition.insert("externalParameters".into(), Value::Object(external));
    if !internal.is_empty() {
        definition.insert("internalParameters".into(), Value::Object(internal));
    }
    definition.insert("resolvedDependencies".into(), Value::Array(deps));

    let mut builder = Map::new();
    builder.insert("id".into(), Value::String(ctx.builder_id.clone()));
    if !ctx.builder_version.is_empty() {
        builder.insert("version".into(), json!(ctx.builder_version));
    }
    let mut metadata = Map::new();
    insert_some(&mut metadata, "invocationId", ctx.invocation_id.as_deref());
    if let Some(t) = ctx.started_on {
        metadata.insert(
            "startedOn".into(),
            Value::String(crate::util::time::rfc3339(t)),
        );
    }
    metadata.insert(
        "finishedOn".into(),
        Value::String(crate::util::time::rfc3339(finished)),
    );

    Ok(json!({
        "buildDefinition": Value::Object(definition),
        "runDetails": { "builder": Value::Object(builder), "metadata": Value::Object(metadata) },
    }))
}

/// Generates the predicate: reads the CI context (failing before any network use when it
/// is incomplete), resolves the Dockerfile's images, and assembles the result.
pub async fn generate(opts: &ProvenanceOptions, client: &Arc<RegistryClient>) -> Result<Value> {
    if let Some(p) = &opts.platform {
        check_platform(p)?;
    }
    let ctx = ci_context(opts)?;
    let images = match &opts.dockerfile {
        Some(input) => {
            resolve_images(input, &opts.build_args, opts.platform.as_deref(), client).await?
        }
        None => Vec::new(),
    };
    predicate(&ctx, opts, &images)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "1c5b2c6b9e0e1f1a2b3c4d5e6f708192a3b4c5d6";

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn github_env() -> BTreeMap<String, String> {
        env(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "org/app"),
            ("GITHUB_REPOSITORY_ID", "123"),
            ("GITHUB_REPOSITORY_OWNER_ID", "45"),
            ("GITHUB_SHA", SHA),
            ("GITHUB_REF", "refs/heads/main"),
            (
                "GITHUB_WORKFLOW_REF",
                "org/app/.github/workflows/release@v2.yml@refs/heads/main",
            ),
            ("GITHUB_RUN_ID", "987654"),
            ("GITHUB_RUN_ATTEMPT", "2"),
            ("GITHUB_EVENT_NAME", "push"),
            ("RUNNER_ENVIRONMENT", "github-hosted"),
            ("RUNNER_OS", "Linux"),
        ])
    }

    fn gitlab_env() -> BTreeMap<String, String> {
        env(&[
            ("GITLAB_CI", "true"),
            ("CI_SERVER_URL", "https://gitlab.example.com"),
            ("CI_PROJECT_PATH", "group/app"),
            ("CI_COMMIT_SHA", SHA),
            ("CI_COMMIT_REF_NAME", "main"),
            ("CI_COMMIT_BRANCH", "main"),
            ("CI_PIPELINE_ID", "77"),
            ("CI_JOB_ID", "4242"),
            ("CI_JOB_NAME", "build-image"),
            (
                "CI_JOB_URL",
                "https://gitlab.example.com/group/app/-/jobs/4242",
            ),
            ("CI_JOB_STARTED_AT", "2024-05-01T12:00:00Z"),
            ("CI_CONFIG_PATH", ".gitlab-ci.yml"),
            ("CI_RUNNER_ID", "12"),
            ("CI_RUNNER_VERSION", "17.0.0"),
        ])
    }

    fn opts(env: BTreeMap<String, String>) -> ProvenanceOptions {
        ProvenanceOptions {
            env,
            finished_on: Some(1_714_568_400),
            ..ProvenanceOptions::default()
        }
    }

    /// The SLSA v1 predicate shape: required fields and the types of every field present;
    /// and what `sigil attest --type slsaprovenance1` accepts.
    fn check_slsa_v1(v: &Value) -> std::result::Result<(), String> {
        let kind = crate::attest::types::PredicateType::parse("slsaprovenance1").unwrap();
        crate::attest::predicate::load(&kind, v.to_string().as_bytes())
            .map_err(|e| e.to_string())?;
        let obj = |v: &Value, what: &str| -> std::result::Result<Map<String, Value>, String> {
            v.as_object()
                .cloned()
                .ok_or(format!("{what} is not an object"))
        };
        let string = |v: Option<&Value>, what: &str| -> std::result::Result<String, String> {
            v.and_then(Value::as_str)
                .map(str::to_string)
                .ok_or(format!("{what} is not a string"))
        };
        let top = obj(v, "predicate")?;
        let def = obj(
            top.get("buildDefinition").unwrap_or(&Value::Null),
            "buildDefinition",
        )?;
        let bt = string(def.get("buildType"), "buildType")?;
        check_uri("buildType", &bt).map_err(|e| e.to_string())?;
        obj(
            def.get("externalParameters").unwrap_or(&Value::Null),
            "externalParameters",
        )?;
        if let Some(i) = def.get("internalParameters") {
            obj(i, "internalParameters")?;
        }
        for d in def
            .get("resolvedDependencies")
            .map(|d| {
                d.as_array()
                    .cloned()
                    .ok_or("resolvedDependencies is not an array")
            })
            .transpose()?
            .unwrap_or_default()
        {
            let d = obj(&d, "resource descriptor")?;
            if !["uri", "digest", "content"]
                .iter()
                .any(|k| d.contains_key(*k))
            {
                return Err("a resource descriptor needs uri, digest or content".into());
            }
            for k in ["uri", "name", "mediaType", "downloadLocation"] {
                if d.contains_key(k) {
                    string(d.get(k), k)?;
                }
            }
            if let Some(digest) = d.get("digest") {
                for (alg, hex) in obj(digest, "digest")? {
                    let hex = hex
                        .as_str()
                        .ok_or(format!("digest.{alg} is not a string"))?;
                    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return Err(format!("digest.{alg} is not hex"));
                    }
                }
            }
            if let Some(a) = d.get("annotations") {
                obj(a, "annotations")?;
            }
        }
        let run = obj(top.get("runDetails").unwrap_or(&Value::Null), "runDetails")?;
        let builder = obj(run.get("builder").unwrap_or(&Value::Null), "builder")?;
        check_uri("builder.id", &string(builder.get("id"), "builder.id")?)
            .map_err(|e| e.to_string())?;
        if let Some(version) = builder.get("version") {
            for (k, v) in obj(version, "builder.version")? {
                string(Some(&v), &format!("builder.version.{k}"))?;
            }
        }
        if let Some(m) = run.get("metadata") {
            let m = obj(m, "metadata")?;
            if m.contains_key("invocationId") {
                string(m.get("invocationId"), "invocationId")?;
            }
            for k in ["startedOn", "finishedOn"] {
                if m.contains_key(k) {
                    let t = string(m.get(k), k)?;
                    parse_time(&t).ok_or(format!("{k} {t:?} is not RFC 3339"))?;
                }
            }
        }
        Ok(())
    }

    fn generate_now(o: &ProvenanceOptions) -> Result<Value> {
        let client = RegistryClient::new(crate::registry::ClientOptions {
            use_docker_config: false,
            cache_dir: None,
            max_retries: 0,
            allow_http: true,
            ..Default::default()
        })
        .unwrap();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(generate(o, &client))
    }

    #[test]
    fn github_actions_environment() {
        let p = generate_now(&opts(github_env())).unwrap();
        check_slsa_v1(&p).unwrap();
        let def = &p["buildDefinition"];
        assert_eq!(def["buildType"], GITHUB_BUILD_TYPE);
        assert_eq!(
            def["externalParameters"]["workflow"],
            json!({
                "ref": "refs/heads/main",
                "repository": "https://github.com/org/app",
                "path": ".github/workflows/release@v2.yml"
            })
        );
        assert_eq!(def["internalParameters"]["github"]["repository_id"], "123");
        assert_eq!(def["internalParameters"]["github"]["event_name"], "push");
        assert_eq!(
            def["resolvedDependencies"],
            json!([{
                "uri": "git+https://github.com/org/app@refs/heads/main",
                "digest": { "gitCommit": SHA }
            }])
        );
        let run = &p["runDetails"];
        assert_eq!(
            run["builder"]["id"],
            "https://github.com/org/app/.github/workflows/release@v2.yml@refs/heads/main"
        );
        assert_eq!(
            run["metadata"]["invocationId"],
            "https://github.com/org/app/actions/runs/987654/attempts/2"
        );
        assert_eq!(run["metadata"]["finishedOn"], "2024-05-01T13:00:00Z");
        assert!(run["metadata"].get("startedOn").is_none());
    }

    #[test]
    fn github_requires_its_variables_and_flags_override_them() {
        let mut e = github_env();
        for k in ["GITHUB_SHA", "GITHUB_RUN_ID", "GITHUB_WORKFLOW_REF"] {
            e.remove(k);
        }
        let err = ci_context(&opts(e.clone())).unwrap_err().to_string();
        assert!(
            err.contains("GITHUB_WORKFLOW_REF, GITHUB_SHA, GITHUB_RUN_ID are not set"),
            "{err}"
        );
        e.insert(
            "GITHUB_WORKFLOW_REF".into(),
            "org/app/.github/workflows/b.yml@refs/heads/main".into(),
        );
        let o = ProvenanceOptions {
            source_commit: Some(SHA.to_uppercase()),
            invocation_id: Some("run-1".into()),
            builder_id: Some("https://ci.example/builder".into()),
            build_type: Some("https://example.com/bt/v1".into()),
            source_ref: Some("refs/tags/v1".into()),
            started_on: Some(1_714_560_000),
            external_parameters: env(&[("target", "prod")]),
            ..opts(e)
        };
        let p = generate_now(&o).unwrap();
        check_slsa_v1(&p).unwrap();
        assert_eq!(
            p["runDetails"]["builder"]["id"],
            "https://ci.example/builder"
        );
        assert_eq!(
            p["buildDefinition"]["buildType"],
            "https://example.com/bt/v1"
        );
        assert_eq!(p["runDetails"]["metadata"]["invocationId"], "run-1");
        assert_eq!(
            p["runDetails"]["metadata"]["startedOn"],
            "2024-05-01T10:40:00Z"
        );
        assert_eq!(p["buildDefinition"]["externalParameters"]["target"], "prod");
        // Overriding the repository alone keeps the environment's ref and commit.
        let mirrored = ci_context(&ProvenanceOptions {
            source_uri: Some("https://mirror.example/app".into()),
            ..opts(github_env())
        })
        .unwrap();
        assert_eq!(
            mirrored.source.unwrap().descriptor(),
            json!({
                "uri": "git+https://mirror.example/app@refs/heads/main",
                "digest": { "gitCommit": SHA }
            })
        );
        assert_eq!(
            p["buildDefinition"]["resolvedDependencies"][0],
            json!({
                "uri": "git+https://github.com/org/app@refs/tags/v1",
                "digest": { "gitCommit": SHA }
            })
        );
    }

    #[test]
    fn github_dispatch_inputs_come_from_the_event() {
        let dir = tempfile::tempdir().unwrap();
        let event = dir.path().join("event.json");
        std::fs::write(
            &event,
            r#"{"inputs": {"env": "prod", "dry_run": false, "empty": "", "none": null}}"#,
        )
        .unwrap();
        let mut e = github_env();
        e.insert("GITHUB_EVENT_NAME".into(), "workflow_dispatch".into());
        e.insert("GITHUB_EVENT_PATH".into(), event.display().to_string());
        let ctx = ci_context(&opts(e.clone())).unwrap();
        assert_eq!(
            ctx.external_parameters["inputs"],
            json!({"env": "prod", "dry_run": false})
        );
        e.insert(
            "GITHUB_EVENT_PATH".into(),
            dir.path().join("nope").display().to_string(),
        );
        let err = ci_context(&opts(e)).unwrap_err().to_string();
        assert!(err.starts_with("GITHUB_EVENT_PATH"), "{err}");
    }

    #[test]
    fn gitlab_ci_environment() {
        let p = generate_now(&opts(gitlab_env())).unwrap();
        check_slsa_v1(&p).unwrap();
        let def = &p["buildDefinition"];
        assert_eq!(def["buildType"], GITLAB_BUILD_TYPE);
        assert_eq!(
            def["externalParameters"],
            json!({
                "source": "https://gitlab.example.com/group/app",
                "entryPoint": "build-image",
                "ref": "refs/heads/main",
                "configPath": ".gitlab-ci.yml"
            })
        );
        assert_eq!(def["internalParameters"]["job"], "4242");
        assert_eq!(
            def["resolvedDependencies"][0]["uri"],
            "git+https://gitlab.example.com/group/app@refs/heads/main"
        );
        let run = &p["runDetails"];
        assert_eq!(
            run["builder"],
            json!({
                "id": "https://gitlab.example.com/group/app/-/runners/12",
                "version": { "gitlab-runner": "17.0.0" }
            })
        );
        assert_eq!(
            run["metadata"]["invocationId"],
            "https://gitlab.example.com/group/app/-/jobs/4242"
        );
        assert_eq!(run["metadata"]["startedOn"], "2024-05-01T12:00:00Z");

        // Tags become refs/tags/…; without CI_JOB_URL the job URL is built.
        let mut e = gitlab_env();
        e.insert("CI_COMMIT_TAG".into(), "v1.2.0".into());
        e.remove("CI_JOB_URL");
        e.insert(
            "CI_PROJECT_URL".into(),
            "https://gitlab.example.com/group/app/".into(),
        );
        let ctx = ci_context(&opts(e)).unwrap();
        assert_eq!(
            ctx.source.unwrap().git_ref.as_deref(),
            Some("refs/tags/v1.2.0")
        );
        assert_eq!(
            ctx.invocation_id.as_deref(),
            Some("https://gitlab.example.com/group/app/-/jobs/4242")
        );

        let mut e = gitlab_env();
        e.remove("CI_RUNNER_ID");
        e.remove("CI_SERVER_URL");
        let err = ci_context(&opts(e)).unwrap_err().to_string();
        assert!(
            err.contains("CI_SERVER_URL, CI_RUNNER_ID are not set"),
            "{err}"
        );
        let mut e = gitlab_env();
        e.insert("CI_JOB_STARTED_AT".into(), "yesterday".into());
        assert!(ci_context(&opts(e)).is_err());
    }

    #[test]
    fn generic_mode_from_flags() {
        // GITHUB_ACTIONS other than "true" is not GitHub Actions.
        let e = env(&[("GITHUB_ACTIONS", "false"), ("GITHUB_SHA", SHA)]);
        let err = ci_context(&opts(e.clone())).unwrap_err().to_string();
        assert!(err.contains("--builder-id and --build-type"), "{err}");
        let o = ProvenanceOptions {
            builder_id: Some("https://builders.example.com/docker@v1".into()),
            build_type: Some("https://example.com/buildtypes/docker/v1".into()),
            source_uri: Some("git+https://git.example.com/app.git".into()),
            source_commit: Some(SHA.into()),
            invocation_id: Some("build-77".into()),
            build_args: env(&[("V", "1")]),
            platform: Some("linux/arm64".into()),
            dockerfile: Some(DockerfileInput {
                path: "Dockerfile".into(),
                text: "FROM scratch\n".into(),
            }),
            ..opts(e)
        };
        let p = generate_now(&o).unwrap();
        check_slsa_v1(&p).unwrap();
        let def = &p["buildDefinition"];
        assert_eq!(
            def["resolvedDependencies"],
            json!([{ "uri": "git+https://git.example.com/app.git", "digest": { "gitCommit": SHA } }])
        );
        let build = &def["externalParameters"]["dockerBuild"];
        assert_eq!(build["buildArgs"], json!({"V": "1"}));
        assert_eq!(build["platform"], "linux/arm64");
        assert_eq!(
            build["dockerfile"]["digest"]["sha256"],
            Digest::sha256_of(b"FROM scratch\n").hex()
        );
        assert!(def.get("internalParameters").is_none());
        assert_eq!(p["runDetails"]["metadata"]["invocationId"], "build-77");

        // In CI modes the build's inputs are internal parameters.
        let o = ProvenanceOptions {
            dockerfile: o.dockerfile.clone(),
            ..opts(github_env())
        };
        let p = generate_now(&o).unwrap();
        assert!(
            p["buildDefinition"]["externalParameters"]
                .get("dockerBuild")
                .is_none()
        );
        assert_eq!(
            p["buildDefinition"]["internalParameters"]["dockerBuild"]["dockerfile"]["path"],
            "Dockerfile"
        );
    }

    #[test]
    fn invalid_options_are_refused() {
        let base = || ProvenanceOptions {
            builder_id: Some("https://b.example".into()),
            build_type: Some("https://t.example".into()),
            ..opts(BTreeMap::new())
        };
        let cases = [
            (
                ProvenanceOptions {
                    source_commit: Some(SHA.into()),
                    ..base()
                },
                "need --source-uri",
            ),
            (
                ProvenanceOptions {
                    source_uri: Some("https://g.example/r".into()),
                    source_commit: Some("main".into()),
                    ..base()
                },
                "not a git commit id",
            ),
            (
                ProvenanceOptions {
                    builder_id: Some("my builder".into()),
                    ..base()
                },
                "builder id \"my builder\" is not a URI",
            ),
            (
                ProvenanceOptions {
                    platform: Some("linux".into()),
                    ..base()
                },
                "not os/arch",
            ),
            (
                ProvenanceOptions {
                    started_on: Some(2_000_000_000),
                    ..base()
                },
                "cannot start",
            ),
        ];
        for (o, want) in cases {
            let err = generate_now(&o).unwrap_err().to_string();
            assert!(err.contains(want), "{want}: {err}");
        }
    }

    #[test]
    fn times() {
        let cases = [
            ("1714568400", Some(1_714_568_400)),
            ("2024-05-01T13:00:00Z", Some(1_714_568_400)),
            ("2024-05-01t13:00:00.123456z", Some(1_714_568_400)),
            ("2024-05-01T15:30:00+02:30", Some(1_714_568_400)),
            ("2024-05-01 10:00:00-03:00", Some(1_714_568_400)),
            ("2024-05-01T13:00:00", None),
            ("2024-13-01T13:00:00Z", None),
            ("2024-05-01T13:00:00.Z", None),
            ("2024-05-01T13:00:00+0200", None),
            ("", None),
            ("é", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_time(s), want, "{s}");
        }
    }

    #[test]
    fn package_urls() {
        let r = |s: &str| Reference::parse(s).unwrap();
        let hex = "c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b";
        assert_eq!(purl(&r("alpine:3.19"), None), "pkg:docker/alpine@3.19");
        assert_eq!(
            purl(&r("user/app"), Some("linux/arm/v7")),
            "pkg:docker/user/app@latest?platform=linux%2Farm%2Fv7"
        );
        assert_eq!(
            purl(&r(&format!("ghcr.io/org/app@sha256:{hex}")), None),
            format!("pkg:docker/org/app@sha256%3A{hex}?repository_url=ghcr.io")
        );
        assert_eq!(
            purl(
                &r(&format!("127.0.0.1:5000/library/x:v1@sha256:{hex}")),
                Some("linux/amd64")
            ),
            "pkg:docker/library/x@v1?platform=linux%2Famd64&repository_url=127.0.0.1%3A5000"
        );
    }

    #[test]
    fn platform_entries() {
        let entry = |p: &str, n: u8| {
            let mut parts = p.split('/');
            let mut d = crate::oci::Descriptor::for_bytes("m", &[n]);
            d.platform = Some(Platform {
                os: parts.next().unwrap().into(),
                architecture: parts.next().unwrap().into(),
                variant: parts.next().map(Into::into),
                os_version: None,
                os_features: None,
            });
            d
        };
        let idx = [
            entry("linux/amd64", 0),
            entry("linux/arm/v6", 1),
            entry("linux/arm/v7", 2),
            entry("linux/arm64/v8", 3),
            entry("windows/amd64", 4),
        ];
        let pick = |want: &str| platform_entry(&idx, want).map(|d| d.digest.clone());
        assert_eq!(pick("linux/amd64"), Some(idx[0].digest.clone()));
        assert_eq!(pick("linux/amd64/v1"), Some(idx[0].digest.clone()));
        assert_eq!(pick("linux/arm"), Some(idx[2].digest.clone()));
        assert_eq!(pick("linux/arm/v6"), Some(idx[1].digest.clone()));
        assert_eq!(pick("linux/arm64"), Some(idx[3].digest.clone()));
        assert_eq!(pick("windows/amd64"), Some(idx[4].digest.clone()));
        assert_eq!(pick("linux/arm64/v9"), None);
        assert_eq!(pick("linux/s390x"), None);
    }

    #[test]
    fn pinned_images_need_no_registry_and_are_listed_once() {
        let hex = "c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b";
        let text = format!(
            "ARG BASE=alpine:3.19@sha256:{hex}\nFROM ${{BASE}} AS base\nFROM scratch\n\
COPY --from=base / /\nCOPY --from=alpine:3.19@sha256:{hex} /etc /etc\n\
FROM --platform=linux/arm64 ghcr.io/org/tool@sha256:{hex}\n"
        );
        let o = ProvenanceOptions {
            dockerfile: Some(DockerfileInput {
                path: "build/Dockerfile".into(),
                text,
            }),
            ..opts(github_env())
        };
        let p = generate_now(&o).unwrap();
        check_slsa_v1(&p).unwrap();
        let deps = p["buildDefinition"]["resolvedDependencies"]
            .as_array()
            .unwrap();
        assert_eq!(deps.len(), 3, "{deps:#?}");
        assert_eq!(
            deps[1],
            json!({
                "uri": "pkg:docker/alpine@3.19",
                "name": format!("docker.io/library/alpine:3.19@sha256:{hex}"),
                "digest": { "sha256": hex },
                "annotations": {
                    "dockerfile": [
                        { "use": "from", "line": 2, "stage": "base", "text": "${BASE}" },
                        { "use": "copy-from", "line": 5, "text": format!("alpine:3.19@sha256:{hex}") }
                    ]
                }
            })
        );
        assert_eq!(
            deps[2]["uri"],
            format!(
                "pkg:docker/org/tool@sha256%3A{hex}?platform=linux%2Farm64&repository_url=ghcr.io"
            )
        );
        assert_eq!(deps[2]["annotations"]["platform"], "linux/arm64");
    }

    /// The whole predicate for a GitHub Actions build of a Dockerfile whose images are all
    /// pinned (so no registry is involved), against `testdata/provenance/`. Regenerate with
    /// `SIGIL_UPDATE_GOLDEN=1` after a deliberate change of format.
    #[test]
    fn github_predicate_matches_the_golden_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let df = "testdata/dockerfiles/pinned.Dockerfile";
        let o = ProvenanceOptions {
            dockerfile: Some(DockerfileInput {
                path: df.into(),
                text: std::fs::read_to_string(root.join(df)).unwrap(),
            }),
            build_args: env(&[("VERSION", "1.4.2")]),
            platform: Some("linux/arm64".into()),
            started_on: Some(1_714_564_800),
            ..opts(github_env())
        };
        let p = generate_now(&o).unwrap();
        check_slsa_v1(&p).unwrap();
        let golden = root.join("testdata/provenance/github-actions-pinned.json");
        if std::env::var_os("SIGIL_UPDATE_GOLDEN").is_some() {
            let text = serde_json::to_string_pretty(&p).unwrap() + "\n";
            std::fs::write(&golden, text).unwrap();
        }
        let want: Value = serde_json::from_slice(&std::fs::read(&golden).unwrap()).unwrap();
        assert_eq!(p, want, "{}", serde_json::to_string_pretty(&p).unwrap());
    }

    #[test]
    fn dockerfile_and_reference_errors_name_the_place() {
        let run = |text: &str, args: &[(&str, &str)]| {
            let o = ProvenanceOptions {
                dockerfile: Some(DockerfileInput {
                    path: "ci/Dockerfile".into(),
                    text: text.into(),
                }),
                build_args: env(args),
                ..opts(github_env())
            };
            generate_now(&o).unwrap_err().to_string()
        };
        let e = run("FROM a\n  BOGUS x\n", &[]);
        assert_eq!(e, "ci/Dockerfile:2:3: unknown instruction: BOGUS");
        let e = run("ARG IMG\nFROM a\nCOPY --from=$IMG / /\n", &[]);
        assert!(e.starts_with("ci/Dockerfile:3:13: "), "{e}");
        let e = run("ARG IMG=x\nFROM $IMG\n", &[("IMG", "Upper/Case")]);
        assert!(
            e.starts_with(
                "ci/Dockerfile:2: base image \"Upper/Case\" is not a valid image reference"
            ),
            "{e}"
        );
        // A registry that cannot be reached is an error naming the image.
        let e = run("FROM scratch\nFROM 127.0.0.1:9/nothing/here:1\n", &[]);
        assert!(
            e.starts_with(
                "ci/Dockerfile:2: cannot resolve base image 127.0.0.1:9/nothing/here:1: "
            ),
            "{e}"
        );
    }
}
