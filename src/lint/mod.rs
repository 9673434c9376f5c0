//! `sigil lint`'s library: judges Dockerfiles with the Rego policy library before they are
//! built. Each file is parsed ([`crate::dockerfile`]), resolved with the build arguments,
//! turned into the `kind: dockerfile` policy input ([`input`]), evaluated by a
//! [`PolicyEngine`] compiled once for all files, and its decision turned into located
//! findings ([`Subject`]) with inline ignores ([`ignore`]) and `--ignore`d codes left out.
//!
//! A file that cannot be read or parsed is not judged: its subject carries the error, with
//! line and column, under the code [`PARSE_CODE`].

pub mod ignore;
pub mod input;

use std::io::Read;

use serde_json::Value as Json;

use crate::dockerfile::{BuildArgs, Dockerfile, MAX_DOCKERFILE_BYTES, ParseError};
use crate::policy::{Decision, PolicyEngine, PolicySet, Severity, builtin};
use crate::report::{Finding, Location, Subject, SubjectError};

pub use ignore::Ignores;

/// The code under which unreadable or unparsable Dockerfiles are reported.
pub const PARSE_CODE: &str = "SIGIL-DF-PARSE";

/// The code under which a policy evaluation error is reported (it denies).
pub const POLICY_ERROR_CODE: &str = "SIGIL-POLICY-ERROR";

/// The built-in library as `sigil lint` loads it: everything but the rules that only judge
/// images (`policies/image/`), which never fire on a Dockerfile input and would only cost
/// time to compile and evaluate. The shared helpers, `input-valid`, the Dockerfile rules and
/// the default data are all there.
pub fn builtin_policies() -> PolicySet {
    let mut set = PolicySet::new();
    for f in builtin::FILES {
        if f.path.ends_with(".rego") && !f.path.starts_with("image/") {
            set.add_source(builtin::label(f.path), f.contents);
        }
    }
    set.data.push(builtin::default_data());
    set
}

/// The policy input of a Dockerfile's text, as `sigil lint` evaluates it.
pub fn dockerfile_input(path: &str, text: &str, args: &BuildArgs) -> Result<Json, ParseError> {
    let df = Dockerfile::parse(text)?;
    let resolved = df.resolve(args)?;
    Ok(serde_json::to_value(input::build(path, &df, &resolved)).unwrap_or(Json::Null))
}

/// Lints Dockerfiles with one compiled engine; shareable between threads.
#[derive(Debug)]
pub struct Linter {
    engine: PolicyEngine,
    args: BuildArgs,
    /// Codes or rule names never reported (`--ignore`), upper-cased.
    ignored: Vec<String>,
}

impl Linter {
    pub fn new(engine: PolicyEngine, args: BuildArgs, ignored: &[String]) -> Linter {
        Linter {
            engine,
            args,
            ignored: ignored
                .iter()
                .map(|c| c.trim().to_ascii_uppercase())
                .collect(),
        }
    }

    pub fn engine(&self) -> &PolicyEngine {
        &self.engine
    }

    /// Reads and lints one file; `name` is how it is shown.
    pub fn lint_path(&self, name: &str, path: &std::path::Path) -> Subject {
        self.judge(&prepare_path(name, path, &self.args))
    }

    /// Lints a Dockerfile's bytes: refused when over [`MAX_DOCKERFILE_BYTES`] or not UTF-8
    /// (with the position of the first bad byte).
    pub fn lint_bytes(&self, name: &str, bytes: Vec<u8>) -> Subject {
        self.judge(&prepare_bytes(name, bytes, &self.args))
    }

    /// Lints one Dockerfile's text.
    pub fn lint_text(&self, name: &str, text: &str) -> Subject {
        self.judge(&prepare_text(name, text, &self.args))
    }

    /// Judges a prepared Dockerfile: builds its input, evaluates it, and reports the
    /// findings that are not ignored (or the error that kept it from being parsed).
    pub fn judge(&self, prepared: &Prepared) -> Subject {
        let mut subject = Subject::file(&prepared.name);
        match &prepared.parsed {
            Err(e) => subject.error = Some(e.clone()),
            Ok(p) => {
                let input = input::build(&prepared.name, &p.dockerfile, &p.resolved);
                let decision = self.engine.evaluate_value(input);
                subject.findings = self.findings(&decision, &p.ignores);
            }
        }
        subject
    }

    /// The decision's results as findings, sorted by position, without ignored ones.
    fn findings(&self, decision: &Decision, ignores: &Ignores) -> Vec<Finding> {
        let mut out = Vec::new();
        for r in &decision.results {
            let code = r
                .code
                .clone()
                .unwrap_or_else(|| format!("{}.{}", r.package, r.rule));
            let name = r
                .details
                .get("name")
                .and_then(Json::as_str)
                .map(String::from);
            let location = location(&r.details);
            if self.is_ignored(&code, name.as_deref()) {
                continue;
            }
            if let Some(l) = location
                && ignores.suppresses(l.line, &code, name.as_deref())
            {
                continue;
            }
            let mut details = r.details.as_object().cloned().unwrap_or_default();
            for k in ["code", "name", "msg", "line", "column", "level"] {
                details.remove(k);
            }
            out.push(Finding {
                code,
                name,
                severity: r.severity,
                message: r.msg.clone(),
                location,
                details,
            });
        }
        for e in &decision.errors {
            out.push(Finding {
                code: POLICY_ERROR_CODE.into(),
                name: Some("policy-error".into()),
                severity: Severity::Deny,
                message: e.clone(),
                location: None,
                details: Default::default(),
            });
        }
        out.sort_by(|a, b| {
            (a.location, &a.code, &a.message).cmp(&(b.location, &b.code, &b.message))
        });
        out.dedup_by(|a, b| a.location == b.location && a.code == b.code && a.message == b.message);
        out
    }

    fn is_ignored(&self, code: &str, name: Option<&str>) -> bool {
        self.ignored.iter().any(|i| {
            i.eq_ignore_ascii_case(code) || name.is_some_and(|n| i.eq_ignore_ascii_case(n))
        })
    }
}

/// A Dockerfile read, parsed and resolved with the build arguments: the work that needs no
/// policy engine, so that it can run while the engine is compiled.
#[derive(Debug)]
pub struct Prepared {
    /// How the file is shown.
    pub name: String,
    parsed: Result<Parsed, SubjectError>,
}

#[derive(Debug)]
struct Parsed {
    dockerfile: Dockerfile,
    resolved: crate::dockerfile::Resolved,
    ignores: Ignores,
}

impl Prepared {
    /// A file that could not be read.
    pub fn unreadable(name: &str, message: String) -> Prepared {
        Prepared {
            name: name.to_string(),
            parsed: Err(SubjectError {
                code: PARSE_CODE.into(),
                message,
                location: None,
            }),
        }
    }
}

/// Reads a file (bounded) and prepares it.
pub fn prepare_path(name: &str, path: &std::path::Path, args: &BuildArgs) -> Prepared {
    let read = std::fs::File::open(path).and_then(|f| {
        let mut bytes = Vec::new();
        f.take(MAX_DOCKERFILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    });
    match read {
        Ok(bytes) => prepare_bytes(name, bytes, args),
        Err(e) => Prepared::unreadable(name, format!("cannot read the file: {e}")),
    }
}

/// Prepares a Dockerfile's bytes: refused when over [`MAX_DOCKERFILE_BYTES`] or not UTF-8
/// (with the position of the first bad byte).
pub fn prepare_bytes(name: &str, bytes: Vec<u8>, args: &BuildArgs) -> Prepared {
    match text(bytes) {
        Ok(t) => prepare_text(name, &t, args),
        Err(e) => Prepared {
            name: name.to_string(),
            parsed: Err(e),
        },
    }
}

/// Parses and resolves a Dockerfile's text and finds its inline ignores.
pub fn prepare_text(name: &str, text: &str, args: &BuildArgs) -> Prepared {
    let parsed = Dockerfile::parse(text)
        .and_then(|dockerfile| {
            let resolved = dockerfile.resolve(args)?;
            let ignores = Ignores::find(text, &dockerfile);
            Ok(Parsed {
                dockerfile,
                resolved,
                ignores,
            })
        })
        .map_err(|e| SubjectError {
            code: PARSE_CODE.into(),
            message: e.message,
            location: Some(Location {
                line: e.line,
                column: e.column,
            }),
        });
    Prepared {
        name: name.to_string(),
        parsed,
    }
}

/// A Dockerfile's bytes as text, or why not.
fn text(bytes: Vec<u8>) -> Result<String, SubjectError> {
    if bytes.len() > MAX_DOCKERFILE_BYTES {
        return Err(SubjectError {
            code: PARSE_CODE.into(),
            message: format!(
                "the file is larger than the {MAX_DOCKERFILE_BYTES}-byte limit for a Dockerfile"
            ),
            location: None,
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]);
        let line = prefix.matches('\n').count() + 1;
        let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        SubjectError {
            code: PARSE_CODE.into(),
            message: format!("not UTF-8 text (invalid byte at offset {valid})"),
            location: Some(Location { line, column }),
        }
    })
}

/// `line` / `column` of a result object, when it has them.
fn location(details: &Json) -> Option<Location> {
    let line = details.get("line").and_then(Json::as_u64)?;
    let column = details.get("column").and_then(Json::as_u64).unwrap_or(1);
    Some(Location {
        line: usize::try_from(line).ok()?.max(1),
        column: usize::try_from(column).ok()?.max(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::EngineOptions;

    fn corpus() -> Vec<(String, String)> {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/dockerfiles/corpus");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect()
    }

    fn linter(compiled: bool) -> Linter {
        let data = serde_json::json!({"sigil": {"config": {"rules": {
            "dockerfile-trusted-registries": {"enabled": true, "registries": ["docker.io", "gcr.io"]}
        }}}});
        let options = EngineOptions {
            compiled,
            ..EngineOptions::default()
        };
        let engine = PolicyEngine::new(builtin_policies(), data, options).unwrap();
        assert_eq!(engine.is_compiled(), compiled);
        Linter::new(engine, BuildArgs::default(), &[])
    }

    /// The compiled VM, which lint uses, decides every corpus file exactly as the
    /// interpreter (the reference semantics) does.
    #[test]
    fn compiled_and_interpreted_agree_on_the_corpus() {
        let files = corpus();
        assert!(files.len() >= 300);
        let (vm, interpreter) = (linter(true), linter(false));
        let mut findings = 0;
        for (name, text) in &files {
            let a = vm.lint_text(name, text);
            let b = interpreter.lint_text(name, text);
            assert_eq!(a.error, None, "{name}");
            assert_eq!(a, b, "{name}");
            findings += a.findings.len();
        }
        assert!(findings > files.len(), "{findings}");
    }

    /// Leaving the image rules out changes no decision on a Dockerfile.
    #[test]
    fn the_image_rules_never_fire_on_dockerfiles() {
        let full = PolicyEngine::new(
            PolicySet::builtin(),
            serde_json::Value::Null,
            EngineOptions::default(),
        )
        .unwrap();
        let full = Linter::new(full, BuildArgs::default(), &[]);
        let lint = Linter::new(
            PolicyEngine::new(
                builtin_policies(),
                serde_json::Value::Null,
                EngineOptions::default(),
            )
            .unwrap(),
            BuildArgs::default(),
            &[],
        );
        assert!(lint.engine().files().len() < full.engine().files().len());
        for (name, text) in corpus() {
            assert_eq!(
                lint.lint_text(&name, &text),
                full.lint_text(&name, &text),
                "{name}"
            );
        }
    }
}
