//! `sigil provenance [--dockerfile PATH] [--build-arg K=V]… [--platform os/arch] …`: a SLSA
//! provenance v1 predicate for an image build, from the CI environment (GitHub Actions,
//! GitLab CI, or flags), with the Dockerfile's base images resolved to digests. The format
//! is documented in [`crate::attest::provenance`].
//!
//! [`ProvenanceFlags`] and [`predicate_from_env`] are shared with `sigil attest
//! --provenance-from-env`, which signs the same predicate in one step.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use super::RegistryArgs;
use super::output;
use crate::attest::provenance::{self, CiMode, DockerfileInput, ProvenanceOptions};
use crate::registry::RegistryClient;
use crate::util::fs::write_atomic;

/// `--ci`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Ci {
    /// GitHub Actions when GITHUB_ACTIONS=true, GitLab CI when GITLAB_CI=true, else generic
    #[default]
    Auto,
    /// GitHub Actions variables (GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_WORKFLOW_REF, …)
    Github,
    /// GitLab CI variables (CI_PROJECT_PATH, CI_COMMIT_SHA, CI_JOB_ID, CI_RUNNER_ID, …)
    Gitlab,
    /// Flags only (--builder-id and --build-type required)
    Generic,
}

impl From<Ci> for CiMode {
    fn from(c: Ci) -> CiMode {
        match c {
            Ci::Auto => CiMode::Auto,
            Ci::Github => CiMode::GitHub,
            Ci::Gitlab => CiMode::GitLab,
            Ci::Generic => CiMode::Generic,
        }
    }
}

/// What describes a build. Flags override what the CI environment says.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Provenance")]
pub struct ProvenanceFlags {
    /// Where the build's facts come from
    #[arg(long, value_enum, default_value_t = Ci::Auto)]
    pub ci: Ci,

    /// Dockerfile whose external images (FROM, COPY --from, RUN --mount from=) are recorded
    /// in resolvedDependencies, tags resolved to digests through the registry
    #[arg(long, value_name = "PATH")]
    pub dockerfile: Option<PathBuf>,

    /// Build argument for the Dockerfile's ARGs (NAME=VALUE, or NAME to take the value from
    /// the environment); repeatable
    #[arg(long = "build-arg", value_name = "NAME[=VALUE]")]
    pub build_args: Vec<String>,

    /// Target platform (os/arch[/variant]): selects the platform manifest of multi-arch
    /// images and sets TARGETPLATFORM
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,

    /// runDetails.builder.id (required in generic mode)
    #[arg(long, value_name = "URI")]
    pub builder_id: Option<String>,

    /// runDetails.builder.version entry; repeatable
    #[arg(long = "builder-version", value_name = "KEY=VALUE", value_parser = parse_pair)]
    pub builder_version: Vec<(String, String)>,

    /// buildDefinition.buildType (required in generic mode)
    #[arg(long, value_name = "URI")]
    pub build_type: Option<String>,

    /// Source repository (https://… or git+https://…)
    #[arg(long, value_name = "URI")]
    pub source_uri: Option<String>,

    /// Source git ref (refs/heads/main, refs/tags/v1)
    #[arg(long, value_name = "REF")]
    pub source_ref: Option<String>,

    /// Source commit (40 or 64 hex digits)
    #[arg(long, value_name = "SHA")]
    pub source_commit: Option<String>,

    /// runDetails.metadata.invocationId (a URL of the run, ideally)
    #[arg(long, value_name = "ID")]
    pub invocation_id: Option<String>,

    /// When the build started (RFC 3339 or Unix seconds)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub started_on: Option<i64>,

    /// When the build finished (RFC 3339 or Unix seconds; default: now)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub finished_on: Option<i64>,

    /// Extra externalParameters entry; repeatable
    #[arg(long = "external-param", value_name = "KEY=VALUE", value_parser = parse_pair)]
    pub external_params: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct ProvenanceArgs {
    #[command(flatten)]
    pub flags: ProvenanceFlags,

    /// Write the predicate to FILE (atomically) instead of standard output
    #[arg(short = 'o', long = "output-file", value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    #[command(flatten)]
    pub registry: RegistryArgs,
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected KEY=VALUE, got {s:?}")),
    }
}

fn parse_time(s: &str) -> Result<i64, String> {
    provenance::parse_time(s)
        .ok_or_else(|| format!("{s:?} is neither an RFC 3339 time nor Unix seconds"))
}

/// The process environment (variables that are not UTF-8 are skipped).
pub fn process_env() -> BTreeMap<String, String> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

impl ProvenanceFlags {
    /// Library options from these flags and an environment; reads the Dockerfile.
    pub fn options(&self, env: BTreeMap<String, String>) -> anyhow::Result<ProvenanceOptions> {
        let mut build_args = BTreeMap::new();
        for arg in &self.build_args {
            match arg.split_once('=') {
                Some(("", _)) => bail!("--build-arg {arg:?}: the name is empty"),
                Some((k, v)) => {
                    build_args.insert(k.to_string(), v.to_string());
                }
                // As docker does: NAME alone takes its value from the environment, if set.
                None => {
                    if let Some(v) = env.get(arg) {
                        build_args.insert(arg.clone(), v.clone());
                    }
                }
            }
        }
        let dockerfile = match &self.dockerfile {
            Some(path) => Some(DockerfileInput {
                path: path.display().to_string(),
                text: crate::dockerfile::read_file(path)
                    .with_context(|| format!("reading the Dockerfile {}", path.display()))?,
            }),
            None => None,
        };
        Ok(ProvenanceOptions {
            mode: self.ci.into(),
            env,
            builder_id: self.builder_id.clone(),
            builder_version: self.builder_version.iter().cloned().collect(),
            build_type: self.build_type.clone(),
            source_uri: self.source_uri.clone(),
            source_ref: self.source_ref.clone(),
            source_commit: self.source_commit.clone(),
            invocation_id: self.invocation_id.clone(),
            started_on: self.started_on,
            finished_on: self.finished_on,
            external_parameters: self.external_params.iter().cloned().collect(),
            dockerfile,
            build_args,
            platform: self.platform.clone(),
        })
    }
}

/// The provenance predicate for these flags and the process environment, base images
/// resolved through `client`.
pub async fn predicate_from_env(
    flags: &ProvenanceFlags,
    client: &Arc<RegistryClient>,
) -> anyhow::Result<serde_json::Value> {
    let opts = flags.options(process_env())?;
    Ok(provenance::generate(&opts, client).await?)
}

pub async fn run(a: ProvenanceArgs) -> anyhow::Result<u8> {
    let client = a.registry.client()?;
    let predicate = predicate_from_env(&a.flags, &client).await?;
    let mut text = serde_json::to_string_pretty(&predicate)?;
    text.push('\n');
    match &a.output_file {
        Some(path) => write_atomic(path, text.as_bytes(), None)
            .with_context(|| format!("writing {}", path.display()))?,
        None => output::print(&text)?,
    }
    Ok(super::EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        flags: ProvenanceFlags,
    }

    fn flags(args: &[&str]) -> ProvenanceFlags {
        Cli::try_parse_from(std::iter::once("x").chain(args.iter().copied()))
            .unwrap()
            .flags
    }

    #[test]
    fn flags_become_options() {
        let dir = tempfile::tempdir().unwrap();
        let df = dir.path().join("Dockerfile");
        std::fs::write(&df, "FROM scratch\n").unwrap();
        let f = flags(&[
            "--ci",
            "generic",
            "--dockerfile",
            df.to_str().unwrap(),
            "--build-arg",
            "A=1=2",
            "--build-arg",
            "FROM_ENV",
            "--build-arg",
            "UNSET",
            "--builder-version",
            "sigil=0.1",
            "--started-on",
            "2024-05-01T12:00:00Z",
            "--finished-on",
            "1714568400",
            "--external-param",
            "k=v",
        ]);
        let env: BTreeMap<_, _> = [("FROM_ENV".to_string(), "e".to_string())].into();
        let o = f.options(env).unwrap();
        assert_eq!(o.mode, CiMode::Generic);
        assert_eq!(o.dockerfile.unwrap().text, "FROM scratch\n");
        let args: Vec<_> = o.build_args.into_iter().collect();
        assert_eq!(
            args,
            [("A".into(), "1=2".into()), ("FROM_ENV".into(), "e".into())]
        );
        assert_eq!(o.builder_version["sigil"], "0.1");
        assert_eq!(o.started_on, Some(1_714_564_800));
        assert_eq!(o.finished_on, Some(1_714_568_400));
        assert_eq!(o.external_parameters["k"], "v");
    }

    #[test]
    fn bad_flags_are_refused() {
        for bad in [
            &["--started-on", "soon"][..],
            &["--external-param", "=v"],
            &["--builder-version", "novalue"],
            &["--ci", "jenkins"],
        ] {
            let args = std::iter::once("x").chain(bad.iter().copied());
            assert!(Cli::try_parse_from(args).is_err(), "{bad:?}");
        }
        let e = flags(&["--build-arg", "=x"])
            .options(BTreeMap::new())
            .unwrap_err();
        assert!(e.to_string().contains("name is empty"), "{e}");
        let e = flags(&["--dockerfile", "/nonexistent/Dockerfile"])
            .options(BTreeMap::new())
            .unwrap_err();
        assert!(format!("{e:#}").contains("reading the Dockerfile /nonexistent/Dockerfile"));
    }
}
