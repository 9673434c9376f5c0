//! `sigil policy test` (like `opa test`) and `sigil policy eval` (one input, one decision).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use serde_json::Value as Json;

use super::output::{self, BOLD, DIM, Format, GREEN, RED, YELLOW, paint};
use crate::policy::testing::{Outcome, TestReport};
use crate::policy::{
    Decision, EngineOptions, PolicyEngine, PolicyError, PolicySet, deep_merge, load_data_file,
    parse_timeout,
};

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run the `test_*` rules of the built-in library and of PATHs (like `opa test`)
    Test(TestArgs),
    /// Evaluate one input document against the policies and print the decision
    Eval(EvalArgs),
}

/// Where policies and data come from, shared by both subcommands.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Data file (JSON or YAML), deep-merged over the built-in defaults (data.sigil.config);
    /// repeatable, later files win
    #[arg(long, value_name = "FILE")]
    pub data: Vec<PathBuf>,

    /// Leave out the built-in policy library (and its default data)
    #[arg(long)]
    pub no_builtin: bool,

    /// Time limit of one evaluation (or one test): 1s, 250ms, 1.5
    #[arg(long = "policy-timeout", visible_alias = "timeout", value_name = "DURATION", default_value = "1s", value_parser = parse_timeout)]
    pub timeout: Duration,

    /// Output format
    #[arg(long, short = 'o', value_enum, default_value_t = Format::Text)]
    pub output: Format,
}

/// Which policies judge and how, for the commands that judge things (`lint`, `check`).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Policies")]
pub struct PolicyArgs {
    /// Policy file or directory (.rego, recursive) evaluated with the built-in library;
    /// repeatable
    #[arg(long, short = 'p', value_name = "PATH")]
    pub policy: Vec<PathBuf>,

    /// Data file (JSON or YAML) deep-merged over the built-in defaults (rule configuration
    /// under sigil.config.rules); repeatable, later files win
    #[arg(long, value_name = "FILE")]
    pub data: Vec<PathBuf>,

    /// Leave out the built-in policy library (and its default data)
    #[arg(long)]
    pub no_builtin: bool,

    /// Time limit of one evaluation: 1s, 250ms, 1.5
    #[arg(long = "policy-timeout", value_name = "DURATION", default_value = "1s", value_parser = parse_timeout)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Policy files or directories (.rego, recursive) to test with the built-in library
    pub paths: Vec<PathBuf>,

    /// Show every test, not only failures
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// Only run tests whose `package.name` matches this regular expression
    #[arg(long, value_name = "REGEX")]
    pub run: Option<String>,

    #[command(flatten)]
    pub sources: SourceArgs,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The input document (JSON or YAML), `-` for standard input
    #[arg(long, short = 'i', value_name = "FILE")]
    pub input: PathBuf,

    /// Policy file or directory (.rego, recursive) to evaluate with the built-in library;
    /// repeatable
    #[arg(long, short = 'p', value_name = "PATH")]
    pub policy: Vec<PathBuf>,

    #[command(flatten)]
    pub sources: SourceArgs,
}

pub async fn run(cmd: PolicyCommand) -> anyhow::Result<u8> {
    match cmd {
        PolicyCommand::Test(a) => test(a),
        PolicyCommand::Eval(a) => eval(a),
    }
}

fn load(paths: &[PathBuf], sources: &SourceArgs) -> Result<PolicyEngine, PolicyError> {
    let mut set = if sources.no_builtin {
        PolicySet::new()
    } else {
        PolicySet::builtin()
    };
    for p in paths {
        set.add_path(p)?;
    }
    let mut data = Json::Null;
    for d in &sources.data {
        let doc = load_data_file(d)?;
        if data.is_null() {
            data = doc;
        } else {
            deep_merge(&mut data, doc);
        }
    }
    let options = EngineOptions {
        timeout: sources.timeout,
        ..EngineOptions::default()
    };
    PolicyEngine::new(set, data, options)
}

fn test(a: TestArgs) -> anyhow::Result<u8> {
    let filter = a
        .run
        .as_deref()
        .map(regex::Regex::new)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--run: {e}"))?;
    let report = match load(&a.paths, &a.sources).and_then(|e| e.run_tests(filter.as_ref())) {
        Ok(r) => r,
        Err(e) => {
            if a.sources.output == Format::Json {
                output::print_json(&serde_json::json!({"error": e.to_string()}))?;
            }
            anyhow::bail!("{e}");
        }
    };
    match a.sources.output {
        Format::Json => output::print_json(&report)?,
        Format::Text => output::print(&render_tests(&report, a.verbose))?,
    }
    Ok(if report.ok() {
        super::EXIT_OK
    } else {
        super::EXIT_DENIED
    })
}

fn render_tests(report: &TestReport, verbose: bool) -> String {
    let mut out = String::new();
    let mut file = "";
    for r in &report.results {
        let show = verbose || matches!(r.outcome, Outcome::Fail | Outcome::Error);
        if !show {
            continue;
        }
        if r.file != file {
            file = &r.file;
            out.push_str(&format!("{}:\n", paint(BOLD, file)));
        }
        let status = match r.outcome {
            Outcome::Pass => paint(GREEN, "PASS"),
            Outcome::Fail => paint(RED, "FAIL"),
            Outcome::Error => paint(RED, "ERROR"),
            Outcome::Skip => paint(YELLOW, "SKIPPED"),
        };
        out.push_str(&format!(
            "data.{}.{}: {status} {}\n",
            r.package,
            r.name,
            paint(DIM, format!("({:?})", r.duration))
        ));
        if let Some(e) = &r.error {
            for line in e.lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        if !r.output.is_empty() && r.outcome != Outcome::Pass {
            for line in &r.output {
                out.push_str(&format!("  {}\n", line.trim_end()));
            }
        }
    }
    if !out.is_empty() {
        out.push_str(&"-".repeat(80));
        out.push('\n');
    }
    let total = report.passed + report.failed + report.errors + report.skipped;
    let mut summary = vec![];
    if report.passed > 0 {
        summary.push(paint(GREEN, format!("PASS: {}/{total}", report.passed)));
    }
    if report.failed > 0 {
        summary.push(paint(RED, format!("FAIL: {}/{total}", report.failed)));
    }
    if report.errors > 0 {
        summary.push(paint(RED, format!("ERROR: {}/{total}", report.errors)));
    }
    if report.skipped > 0 {
        summary.push(paint(
            YELLOW,
            format!("SKIPPED: {}/{total}", report.skipped),
        ));
    }
    if total == 0 {
        summary.push("no tests found".into());
    }
    out.push_str(&summary.join("\n"));
    out.push('\n');
    // A plain closing line that test-log readers understand.
    out.push_str(&format!(
        "{} passed, {} failed\n",
        report.passed,
        report.failed + report.errors
    ));
    out
}

fn read_input(path: &std::path::Path) -> anyhow::Result<Json> {
    let text = if path.as_os_str() == "-" {
        let limit = crate::util::fs::MAX_LOCAL_FILE_BYTES;
        crate::util::fs::read_to_end_bounded(std::io::stdin(), limit)
            .and_then(crate::util::fs::utf8)
            .map_err(|e| anyhow::anyhow!("cannot read the input on standard input: {e}"))?
    } else {
        crate::util::fs::read_text(path)
            .map_err(|e| anyhow::anyhow!("cannot read the input {}: {e}", path.display()))?
    };
    let yaml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    crate::policy::parse_data(&text, yaml)
        .map_err(|e| anyhow::anyhow!("the input {}: {e}", path.display()))
}

fn eval(a: EvalArgs) -> anyhow::Result<u8> {
    let input = read_input(&a.input)?;
    // A policy that cannot be loaded denies: the error is the decision.
    let decision = match load(&a.policy, &a.sources) {
        Ok(engine) => engine.evaluate(&input),
        Err(
            e @ (PolicyError::Io { .. } | PolicyError::Data { .. } | PolicyError::DataAt { .. }),
        ) => anyhow::bail!("{e}"),
        Err(e) => Decision::from_error(e.to_string()),
    };
    match a.sources.output {
        Format::Json => output::print_json(&decision)?,
        Format::Text => output::print(&render_decision(&decision))?,
    }
    Ok(if decision.allowed {
        super::EXIT_OK
    } else {
        super::EXIT_DENIED
    })
}

fn render_decision(d: &Decision) -> String {
    let mut out = String::new();
    for r in &d.results {
        let label = match r.severity {
            crate::policy::Severity::Deny => paint(RED, "DENY"),
            crate::policy::Severity::Warn => paint(YELLOW, "WARN"),
        };
        let code = r
            .code
            .as_deref()
            .map(|c| format!("{c} "))
            .unwrap_or_default();
        out.push_str(&format!(
            "{label} {code}{} {}\n",
            r.msg,
            paint(DIM, format!("(data.{}.{})", r.package, r.rule))
        ));
    }
    for e in &d.errors {
        out.push_str(&format!("{} {e}\n", paint(RED, "ERROR")));
    }
    let denials = d.denials().count();
    let warnings = d.warnings().count();
    if d.allowed {
        out.push_str(&format!(
            "{} ({warnings} warning(s))\n",
            paint(GREEN, "ALLOWED")
        ));
    } else {
        out.push_str(&format!(
            "{} ({denials} denial(s), {warnings} warning(s), {} error(s))\n",
            paint(RED, "DENIED"),
            d.errors.len()
        ));
    }
    out
}
