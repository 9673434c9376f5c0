//! `sigil lint [PATH…]`: judges Dockerfiles with the policy library before they are built,
//! and reports findings with file:line:col as text, JSON, SARIF or JUnit XML. Exit 0 when
//! nothing denies, 1 when something does, 2 when a file cannot be read or parsed (the other
//! files are still linted and reported).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use serde_json::Value as Json;

use super::output::{self, BOLD, GREEN, RED, YELLOW, paint};
use crate::dockerfile::{BuildArgs, MAX_DOCKERFILE_BYTES};
use crate::lint::{self, Linter, Prepared};
use crate::policy::{
    EngineOptions, PolicyEngine, PolicySet, Severity, builtin, deep_merge, load_data_file,
};
use crate::report::{self, Report, RuleInfo, catalog};

use super::output::ReportFormat as LintFormat;

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Dockerfiles, or directories searched recursively for Dockerfile, *.Dockerfile,
    /// Dockerfile.* and Containerfile; `-` reads standard input; ./Dockerfile when none
    pub paths: Vec<PathBuf>,

    /// A build argument, as for `docker build` (NAME=value; NAME alone takes the value from
    /// the environment); repeatable
    #[arg(long = "build-arg", value_name = "NAME=VALUE")]
    pub build_args: Vec<String>,

    #[command(flatten)]
    pub policies: super::policy::PolicyArgs,

    /// The former name of --policy-timeout, still taken here, where no other deadline exists
    #[arg(long = "timeout", hide = true, value_name = "DURATION", conflicts_with = "timeout", value_parser = crate::policy::parse_timeout)]
    pub former_timeout: Option<Duration>,

    /// Never report this code or rule name (SIGIL-DF-002, dockerfile-no-latest); repeatable
    #[arg(long, value_name = "CODE")]
    pub ignore: Vec<String>,

    /// Output format
    #[arg(long, short = 'o', value_enum, default_value_t = LintFormat::Text)]
    pub output: LintFormat,
}

pub fn run(a: LintArgs) -> anyhow::Result<u8> {
    // SIGIL_LINT_TIMINGS=1 prints where the time went to stderr (for benchmarks).
    let timings = std::env::var_os("SIGIL_LINT_TIMINGS").is_some_and(|v| v == "1");
    let start = std::time::Instant::now();
    let args = build_args(&a.build_args)?;
    let mut inputs = Vec::new();
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from("Dockerfile")]
    } else {
        a.paths.clone()
    };
    for p in &paths {
        collect(p, &mut inputs);
    }
    // Files are read and parsed while the policies compile: neither needs the other.
    let (loaded, prepared) = std::thread::scope(|scope| {
        let loader = scope.spawn(|| {
            let loaded = load(&a);
            (loaded, start.elapsed())
        });
        let prepared = parallel(&inputs, |i| prepare(i, &args));
        (loader.join(), prepared)
    });
    let (loaded, compiled) =
        loaded.map_err(|_| anyhow::anyhow!("loading the policies failed unexpectedly"))?;
    let (engine, data) = loaded?;
    let prepared_at = start.elapsed();
    let rules = applied_rules(&data, a.policies.no_builtin, &a.ignore);
    let linter = Linter::new(engine, args, &a.ignore);
    let subjects = parallel(&prepared, |p| linter.judge(p));
    let linted = start.elapsed();
    let report = Report {
        command: "lint".into(),
        rules,
        subjects,
    };
    match a.output {
        LintFormat::Text => output::print(&render_text(&report))?,
        LintFormat::Json => write_json(&json_report(&report))?,
        LintFormat::Sarif => {
            let cwd = std::env::current_dir().ok();
            write_json(&report::sarif::render(&report, cwd.as_deref()))?
        }
        LintFormat::Junit => write_plain(report::junit::render(&report).as_bytes())?,
    }
    if timings {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        eprintln!(
            "sigil lint: policies compiled after {:.1} ms, {} files read and parsed after {:.1} ms, \
judged after {:.1} ms, output written after {:.1} ms",
            ms(compiled),
            report.subjects.len(),
            ms(prepared_at),
            ms(linted),
            ms(start.elapsed()),
        );
    }
    let summary = report.summary();
    // The process ends right after: handing the memory back piece by piece (every parsed
    // file, finding and the compiled engine) would only delay the exit.
    std::mem::forget((report, prepared, linter));
    Ok(super::exit_code(summary.errors > 0, summary.denials > 0))
}

/// Machine output has no colour to strip: it goes to stdout through a buffer, and a closed
/// pipe is not an error.
fn finish(r: std::io::Result<()>) -> anyhow::Result<()> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

fn write_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let r = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush());
    finish(r)
}

fn write_plain(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    finish(out.write_all(bytes).and_then(|_| out.flush()))
}

/// `--build-arg`s as BuildKit takes them.
fn build_args(given: &[String]) -> anyhow::Result<BuildArgs> {
    let mut values = BTreeMap::new();
    for g in given {
        match g.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                values.insert(k.to_string(), v.to_string());
            }
            Some(_) => anyhow::bail!("--build-arg {g:?}: expected NAME=value"),
            None if g.is_empty() => anyhow::bail!("--build-arg needs a NAME"),
            None => {
                if let Ok(v) = std::env::var(g) {
                    values.insert(g.clone(), v);
                }
            }
        }
    }
    Ok(BuildArgs::new(values))
}

/// The engine, and the data it was given merged over the defaults (to tell which rules are
/// on).
fn load(a: &LintArgs) -> anyhow::Result<(PolicyEngine, Json)> {
    let mut set = if a.policies.no_builtin {
        PolicySet::new()
    } else {
        crate::lint::builtin_policies()
    };
    for p in &a.policies.policy {
        set.add_path(p)?;
    }
    let mut data = Json::Null;
    for d in &a.policies.data {
        let doc = load_data_file(d)?;
        if data.is_null() {
            data = doc;
        } else {
            deep_merge(&mut data, doc);
        }
    }
    let mut effective = if a.policies.no_builtin {
        Json::Object(Default::default())
    } else {
        builtin::default_data()
    };
    if !data.is_null() {
        deep_merge(&mut effective, data.clone());
    }
    let options = EngineOptions {
        timeout: a.former_timeout.unwrap_or(a.policies.timeout),
        ..EngineOptions::default()
    };
    let engine = PolicyEngine::new(set, data, options)
        .map_err(|e| anyhow::anyhow!("cannot load the policies: {e}"))?;
    Ok((engine, effective))
}

/// The built-in Dockerfile rules that are on and not `--ignore`d.
fn applied_rules(data: &Json, no_builtin: bool, ignored: &[String]) -> Vec<RuleInfo> {
    if no_builtin {
        return Vec::new();
    }
    let names = [
        "dockerfile-digest-pinned",
        "dockerfile-no-latest",
        "dockerfile-non-root",
        "dockerfile-trusted-registries",
    ];
    names
        .iter()
        .filter(|n| {
            data.pointer(&format!("/sigil/config/rules/{n}/enabled")) == Some(&Json::Bool(true))
        })
        .filter_map(|n| catalog::by_name(n))
        .filter(|r| {
            !ignored
                .iter()
                .any(|i| i.eq_ignore_ascii_case(&r.code) || i.eq_ignore_ascii_case(&r.name))
        })
        .collect()
}

/// What to lint: a path as shown, and where to read it (None for standard input).
#[derive(Debug, Clone)]
struct Input {
    name: String,
    path: Option<PathBuf>,
}

/// Whether a file name is a Dockerfile's.
fn is_dockerfile_name(name: &str) -> bool {
    name == "Dockerfile"
        || name == "Containerfile"
        || name.starts_with("Dockerfile.")
        || name.starts_with("Containerfile.")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".Containerfile")
}

fn collect(path: &Path, out: &mut Vec<Input>) {
    if path.as_os_str() == "-" {
        out.push(Input {
            name: "-".into(),
            path: None,
        });
        return;
    }
    if path.is_dir() {
        walk(path, out);
    } else {
        out.push(Input {
            name: path.display().to_string(),
            path: Some(path.to_path_buf()),
        });
    }
}

/// Dockerfiles below a directory, sorted; `.git` and symbolic links to directories are not
/// entered.
fn walk(dir: &Path, out: &mut Vec<Input>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.push(Input {
            name: dir.display().to_string(),
            path: Some(dir.to_path_buf()),
        });
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let Ok(kind) = e.file_type() else { continue };
        let name = e.file_name().to_string_lossy().into_owned();
        if kind.is_dir() {
            if name != ".git" {
                walk(&path, out);
            }
        } else if is_dockerfile_name(&name) && (kind.is_file() || path.is_file()) {
            out.push(Input {
                name: path.display().to_string(),
                path: Some(path),
            });
        }
    }
}

fn prepare(input: &Input, args: &BuildArgs) -> Prepared {
    match &input.path {
        Some(p) => lint::prepare_path(&input.name, p, args),
        None => {
            let mut bytes = Vec::new();
            match std::io::stdin()
                .take(MAX_DOCKERFILE_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
            {
                Ok(_) => lint::prepare_bytes(&input.name, bytes, args),
                Err(e) => {
                    Prepared::unreadable(&input.name, format!("cannot read standard input: {e}"))
                }
            }
        }
    }
}

/// `f` over every item, on a few threads when there are many, keeping their order.
fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
        .min(items.len() / 16 + 1);
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// `path:line:col: CODE severity message`, aligned, then a summary line.
fn render_text(report: &Report) -> String {
    struct Row {
        at: String,
        code: String,
        label: &'static str,
        style: anstyle::Style,
        message: String,
    }
    let mut rows = Vec::new();
    for s in &report.subjects {
        if let Some(e) = &s.error {
            rows.push(Row {
                at: at(&s.name, e.location),
                code: e.code.clone(),
                label: "error",
                style: RED,
                message: printable(&e.message),
            });
        }
        for f in &s.findings {
            let (label, style) = match f.severity {
                Severity::Deny => ("deny", RED),
                Severity::Warn => ("warn", YELLOW),
            };
            rows.push(Row {
                at: at(&s.name, f.location),
                code: f.code.clone(),
                label,
                style,
                message: printable(&f.message),
            });
        }
    }
    let at_width = rows.iter().map(|r| r.at.chars().count()).max().unwrap_or(0);
    let code_width = rows.iter().map(|r| r.code.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in &rows {
        let pad = at_width - r.at.chars().count();
        out.push_str(&format!(
            "{}{} {:code_width$} {} {}\n",
            paint(BOLD, &r.at),
            " ".repeat(pad),
            r.code,
            paint(r.style, format!("{:5}", r.label)),
            r.message,
        ));
    }
    let s = report.summary();
    let files = if s.subjects == 1 { "file" } else { "files" };
    let line = format!(
        "{} {files} linted: {} denied, {} warning(s), {} error(s)",
        s.subjects, s.denials, s.warnings, s.errors
    );
    let style = if s.errors > 0 || s.denials > 0 {
        RED
    } else if s.warnings > 0 {
        YELLOW
    } else {
        GREEN
    };
    if !rows.is_empty() {
        out.push('\n');
    }
    out.push_str(&paint(style, line));
    out.push('\n');
    out
}

/// Control characters (from a hostile file) shown escaped, not sent to the terminal.
fn printable(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

fn at(name: &str, l: Option<report::Location>) -> String {
    match l {
        Some(l) => format!("{name}:{}:{}:", l.line, l.column),
        None => format!("{name}:"),
    }
}

/// `--output json`: `{files: [{path, findings: [{code, name, severity, message, line,
/// column, details}], error}], summary}`, serialized straight from the report.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    files: Vec<JsonFile<'a>>,
    summary: report::Summary,
}

#[derive(serde::Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    findings: Vec<JsonFinding<'a>>,
    error: Option<JsonError<'a>>,
}

#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    name: Option<&'a str>,
    severity: Severity,
    message: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    details: &'a serde_json::Map<String, Json>,
}

#[derive(serde::Serialize)]
struct JsonError<'a> {
    code: &'a str,
    message: &'a str,
    line: Option<usize>,
    column: Option<usize>,
}

fn json_report(report: &Report) -> JsonReport<'_> {
    let files = report
        .subjects
        .iter()
        .map(|s| JsonFile {
            path: &s.name,
            findings: s
                .findings
                .iter()
                .map(|f| JsonFinding {
                    code: &f.code,
                    name: f.name.as_deref(),
                    severity: f.severity,
                    message: &f.message,
                    line: f.location.map(|l| l.line),
                    column: f.location.map(|l| l.column),
                    details: &f.details,
                })
                .collect(),
            error: s.error.as_ref().map(|e| JsonError {
                code: &e.code,
                message: &e.message,
                line: e.location.map(|l| l.line),
                column: e.location.map(|l| l.column),
            }),
        })
        .collect();
    JsonReport {
        files,
        summary: report.summary(),
    }
}
