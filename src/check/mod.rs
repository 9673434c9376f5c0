//! `sigil check`: the image verifier that feeds the policy engine. For each image it
//! resolves the reference once, gathers the configuration and everything attached
//! ([`gather`]), and then, for every trust entry that applies, checks the signatures and
//! attestations against that entry's signers, builds the `kind: image` input ([`input`])
//! and evaluates the entry's policies. The result is a [`Verdict`] that records the whole
//! decision trace: where sigil looked, what it found, which signer matched or why none did,
//! and every rule with pass, warn or deny.
//!
//! Fail closed: an image whose facts cannot be fetched is an error (never a pass), a policy
//! error denies, and with a trust file an image that no entry matches is denied
//! (`SIGIL-TRUST-001`) unless the file says `unmatched: allow`.

pub mod gather;
pub mod input;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Value as Json, json};

use crate::oci::{Digest, ImageRef};
use crate::policy::catalog::{self, Stage};
use crate::policy::{
    Decision, EngineOptions, PolicyEngine, PolicyError, PolicySet, RuleResult, Severity,
    deep_merge, load_data_file,
};
use crate::registry::RegistryClient;
use crate::store::Repository;
use crate::trust::{Entry, Mode, TrustFile, Unmatched};
use crate::verify::Report;

/// The code of the denial for an image that no trust entry matches.
pub const UNMATCHED_CODE: &str = "SIGIL-TRUST-001";

/// The code an image that could not be fetched is reported under in machine formats.
pub const FETCH_ERROR_CODE: &str = "SIGIL-FETCH";

/// What a check is made of, before anything is loaded.
#[derive(Debug, Default)]
pub struct Setup {
    pub trust: Option<TrustFile>,
    /// An entry made of the command line's signer flags; applies to every image.
    pub command_line: Option<Entry>,
    /// `--policy` paths and `--data` files, for every image.
    pub policies: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
    pub no_builtin: bool,
    pub options: EngineOptions,
}

/// Why a check could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("{0}")]
    Policy(#[from] PolicyError),
    #[error("trust entry {entry:?}: {error}")]
    Entry { entry: String, error: PolicyError },
}

impl SetupError {
    /// True when the policies themselves are broken (they do not parse or compile), as
    /// opposed to a file that cannot be read: the former denies, the latter is an error.
    pub fn is_policy_defect(&self) -> bool {
        let e = match self {
            SetupError::Policy(e) | SetupError::Entry { error: e, .. } => e,
        };
        matches!(e, PolicyError::Syntax { .. } | PolicyError::Compile { .. })
    }
}

/// Loaded policies, one engine per trust entry, ready to check many images.
pub struct Checker {
    /// The command-line entry first, then the trust file's.
    entries: Vec<Entry>,
    engines: Vec<PolicyEngine>,
    /// For images no entry matches (no trust file, or `unmatched: allow`); not built when
    /// every image matches an entry (the command line's matches all) or is denied unmatched.
    global: Option<PolicyEngine>,
    trust_path: Option<PathBuf>,
    unmatched: Unmatched,
    /// Whether any rule can read attestations (else they are not looked up).
    attestations: bool,
}

impl Checker {
    /// Loads and compiles every engine once.
    pub fn new(setup: Setup) -> Result<Checker, SetupError> {
        let (global_policies, global_data, global_rules) = match &setup.trust {
            Some(t) => (t.policies.clone(), t.data.clone(), t.rules.clone()),
            None => (Vec::new(), Vec::new(), None),
        };
        let build = |extra_policies: &[PathBuf],
                     extra_data: &[PathBuf],
                     rules: Option<serde_json::Map<String, Json>>|
         -> Result<PolicyEngine, PolicyError> {
            let mut set = if setup.no_builtin {
                PolicySet::new()
            } else {
                PolicySet::builtin()
            };
            for p in global_policies
                .iter()
                .chain(extra_policies)
                .chain(&setup.policies)
            {
                set.add_path(p)?;
            }
            let mut data = json!({});
            for d in global_data.iter().chain(extra_data).chain(&setup.data) {
                deep_merge(&mut data, load_data_file(d)?);
            }
            if let Some(r) = &global_rules {
                deep_merge(&mut data, json!({"sigil": {"config": {"rules": r}}}));
            }
            if let Some(r) = rules {
                deep_merge(&mut data, json!({"sigil": {"config": {"rules": r}}}));
            }
            PolicyEngine::new(set, data, setup.options)
        };
        let needs_global = setup.command_line.is_none()
            && setup
                .trust
                .as_ref()
                .is_none_or(|t| t.unmatched == Unmatched::Allow);
        let mut entries: Vec<Entry> = setup.command_line.into_iter().collect();
        if let Some(t) = &setup.trust {
            entries.extend(t.entries.iter().cloned());
        }
        let mut engines = Vec::new();
        for e in &entries {
            engines.push(
                build(&e.policies, &e.data, Some(e.rules_config())).map_err(|error| {
                    SetupError::Entry {
                        entry: e.name.clone(),
                        error,
                    }
                })?,
            );
        }
        let global = needs_global.then(|| build(&[], &[], None)).transpose()?;
        let attestations = engines.iter().chain(&global).any(reads_attestations);
        Ok(Checker {
            attestations,
            entries,
            engines,
            global,
            trust_path: setup.trust.as_ref().map(|t| t.path.clone()),
            unmatched: setup.trust.map(|t| t.unmatched).unwrap_or(Unmatched::Allow),
        })
    }

    /// Checks one image: fetch once, then judge under every entry that applies.
    pub async fn check(&self, client: &Arc<RegistryClient>, image: &ImageRef) -> Verdict {
        let given = image.to_string();
        let name = match image {
            ImageRef::Registry(r) => r.repo_only(),
            ImageRef::Layout(l) => format!("oci:{}", l.path.display()),
        };
        let matched: Vec<usize> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.patterns.iter().any(|g| g.matches(&name)))
            .map(|(i, _)| i)
            .collect();
        let gathered = match Repository::open(image, client) {
            Ok(repo) => gather::gather(&repo, image, self.attestations).await,
            Err(e) => Err(e),
        };
        let g = match gathered {
            Ok(g) => g,
            Err(e) => return Verdict::failed(given, format!("{e}")),
        };
        let mut evaluations = Vec::new();
        if matched.is_empty() {
            match (&self.trust_path, self.unmatched) {
                (Some(path), Unmatched::Deny) => {
                    evaluations.push(Evaluation::unmatched(&name, path))
                }
                _ => match &self.global {
                    Some(engine) => {
                        evaluations.push(self.evaluate(None, engine, &given, image, &g))
                    }
                    // Cannot happen (the engine is built whenever an image can be
                    // unmatched); if it did, the image is denied, never passed.
                    None => evaluations.push(Evaluation::unmatched(&name, Path::new("(none)"))),
                },
            }
        }
        for i in matched {
            evaluations.push(self.evaluate(
                Some(&self.entries[i]),
                &self.engines[i],
                &given,
                image,
                &g,
            ));
        }
        let allowed = evaluations.iter().all(|e| e.allowed);
        Verdict {
            image: given,
            digest: Some(g.root.digest.clone()),
            given_by_digest: g.given_by_digest,
            platforms: g
                .platforms
                .iter()
                .filter_map(|p| p.platform.clone())
                .collect(),
            allowed,
            error: None,
            evaluations,
        }
    }

    fn evaluate(
        &self,
        entry: Option<&Entry>,
        engine: &PolicyEngine,
        given: &str,
        image: &ImageRef,
        g: &gather::Gathered,
    ) -> Evaluation {
        let empty = crate::verify::VerifyOptions::default();
        let opts = entry.map(|e| &e.verify).unwrap_or(&empty);
        let subjects: Vec<&gather::Subject> =
            std::iter::once(&g.root).chain(&g.platforms).collect();
        let reports: Vec<(Report, Report)> = subjects
            .iter()
            .map(|s| (s.signatures.check(opts), s.attestations.check(opts, None)))
            .collect();
        let verdicts: Vec<input::Verdicts<'_>> = reports
            .iter()
            .map(|(s, a)| input::Verdicts {
                signatures: s,
                attestations: a,
            })
            .collect();
        let requested = entry.is_some_and(Entry::requires_signatures);
        let input = input::image_input(given, image, g, &verdicts, requested);
        let mut decision = engine.evaluate(&input);
        let mode = entry.map(|e| e.mode).unwrap_or_default();
        if mode == Mode::Warn {
            for r in &mut decision.results {
                r.severity = Severity::Warn;
            }
            decision.allowed = decision.errors.is_empty();
        }
        let rules = rule_outcomes(engine.rules_config(), &decision, requested);
        let mut reports = reports.into_iter();
        let (signatures, attestations) = reports.next().expect("the root's reports");
        let platforms = g
            .platforms
            .iter()
            .zip(reports)
            .map(|(p, (s, a))| PlatformTrace {
                platform: p.platform.clone().unwrap_or_default(),
                digest: p.digest.clone(),
                signatures: s,
                attestations: a,
            })
            .collect();
        Evaluation {
            entry: entry.map(|e| e.name.clone()),
            mode,
            requested,
            allowed: decision.allowed,
            signatures: Some(signatures),
            attestations: Some(attestations),
            platforms,
            rules,
            decision,
        }
    }
}

/// The verdicts as a findings report (for SARIF and JUnit): one subject per image, each
/// denial or warning a finding (policy errors as `SIGIL-POLICY-ERROR`), an image that could
/// not be checked an error; the rules listed are every rule that was evaluated.
pub fn to_report(verdicts: &[Verdict]) -> crate::report::Report {
    use crate::report::{Finding, Subject, SubjectError, SubjectKind};
    let mut rules: Vec<crate::report::RuleInfo> = Vec::new();
    let mut subjects = Vec::new();
    for v in verdicts {
        let mut findings = Vec::new();
        for e in &v.evaluations {
            let entry = e
                .entry
                .as_deref()
                .map(|n| format!(" (trust entry {n})"))
                .unwrap_or_default();
            for r in &e.rules {
                if !rules.iter().any(|k| k.code == r.code) {
                    rules.push(crate::report::catalog::lookup(&r.code).unwrap_or_else(|| {
                        crate::report::RuleInfo {
                            code: r.code.clone(),
                            name: r.name.clone(),
                            help: format!("Reported by the policy rule {}.", r.code),
                        }
                    }));
                }
            }
            for r in &e.decision.results {
                let code = r
                    .code
                    .clone()
                    .unwrap_or_else(|| format!("data.{}.{}", r.package, r.rule));
                findings.push(Finding {
                    name: catalog::by_code(&code).map(|i| i.name.to_string()),
                    code,
                    severity: r.severity,
                    message: format!("{}{entry}", r.msg),
                    location: None,
                    details: serde_json::Map::new(),
                });
            }
            for err in &e.decision.errors {
                findings.push(Finding {
                    code: "SIGIL-POLICY-ERROR".into(),
                    name: Some("policy-error".into()),
                    severity: Severity::Deny,
                    message: format!("{err}{entry}"),
                    location: None,
                    details: serde_json::Map::new(),
                });
            }
        }
        let name = match &v.digest {
            Some(d) if !v.given_by_digest => format!("{} ({d})", v.image),
            _ => v.image.clone(),
        };
        subjects.push(Subject {
            name,
            kind: SubjectKind::Image,
            findings,
            error: v.error.as_ref().map(|e| SubjectError {
                code: FETCH_ERROR_CODE.into(),
                message: e.clone(),
                location: None,
            }),
        });
    }
    crate::report::Report {
        command: "check".into(),
        rules,
        subjects,
    }
}

/// Whether an engine's rules can read `image.attestations` (or what is derived from them):
/// the built-in rules that do when enabled, and any rule sigil did not write.
fn reads_attestations(engine: &PolicyEngine) -> bool {
    let config = engine.rules_config();
    let enabled =
        |name: &str| config.pointer(&format!("/{name}/enabled")) == Some(&Json::Bool(true));
    engine.has_other_rules() || enabled("required-attestations") || enabled("approved-base-images")
}

/// The outcome for one image.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The reference as given.
    pub image: String,
    /// The digest checked (resolved once from a tag, or given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<Digest>,
    pub given_by_digest: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub platforms: Vec<String>,
    pub allowed: bool,
    /// An operational error (the image could not be fetched): never a pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub evaluations: Vec<Evaluation>,
}

impl Verdict {
    /// The verdict for every image when the policies cannot be loaded (a syntax error,
    /// recursion): denied, with the error as the reason — a broken policy never passes.
    pub fn policy_failure(image: String, error: String) -> Verdict {
        Verdict {
            image,
            digest: None,
            given_by_digest: false,
            platforms: Vec::new(),
            allowed: false,
            error: None,
            evaluations: vec![Evaluation::denied_outright(
                Decision::from_error(error),
                Vec::new(),
            )],
        }
    }

    /// An image that could not be checked.
    pub fn failed(image: String, error: String) -> Verdict {
        Verdict {
            image,
            digest: None,
            given_by_digest: false,
            platforms: Vec::new(),
            allowed: false,
            error: Some(error),
            evaluations: Vec::new(),
        }
    }
}

/// The judgement of one image under one trust entry (or under the global rules).
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// The trust entry's name; null for the global rules.
    pub entry: Option<String>,
    pub mode: Mode,
    /// Whether signers were given (so signatures are required).
    pub requested: bool,
    pub allowed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signatures: Option<Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestations: Option<Report>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub platforms: Vec<PlatformTrace>,
    /// Every rule evaluated, with its outcome.
    pub rules: Vec<RuleOutcome>,
    pub decision: Decision,
}

impl Evaluation {
    /// A denial decided before any evidence was judged (no trust entry matched, or the
    /// policies could not be loaded).
    fn denied_outright(decision: Decision, rules: Vec<RuleOutcome>) -> Evaluation {
        Evaluation {
            entry: None,
            mode: Mode::Enforce,
            requested: false,
            allowed: false,
            signatures: None,
            attestations: None,
            platforms: Vec::new(),
            rules,
            decision,
        }
    }

    fn unmatched(name: &str, trust: &std::path::Path) -> Evaluation {
        let msg = format!(
            "{name} matches no entry of the trust file {}, which denies unmatched images",
            trust.display()
        );
        let result = RuleResult {
            code: Some(UNMATCHED_CODE.into()),
            severity: Severity::Deny,
            msg: msg.clone(),
            package: "sigil".into(),
            rule: "deny".into(),
            details: Json::Null,
        };
        Evaluation::denied_outright(
            Decision {
                allowed: false,
                results: vec![result],
                errors: Vec::new(),
            },
            vec![RuleOutcome {
                code: UNMATCHED_CODE.into(),
                name: "trust-entry-matched".into(),
                outcome: Outcome::Deny,
                messages: vec![msg],
            }],
        )
    }
}

/// One platform of an index, under one entry.
#[derive(Debug, Clone, Serialize)]
pub struct PlatformTrace {
    pub platform: String,
    pub digest: Digest,
    pub signatures: Report,
    pub attestations: Report,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Warn,
    Deny,
}

/// A rule and what it decided.
#[derive(Debug, Clone, Serialize)]
pub struct RuleOutcome {
    /// The rule's code, or `data.<package>.<rule>` for a result without one.
    pub code: String,
    pub name: String,
    pub outcome: Outcome,
    pub messages: Vec<String>,
}

/// Every enabled built-in image rule (passing ones too), then any other results (user
/// policies), each with its outcome and messages.
fn rule_outcomes(config: &Json, decision: &Decision, requested: bool) -> Vec<RuleOutcome> {
    let mut out: Vec<RuleOutcome> = Vec::new();
    for info in catalog::RULES {
        // `signed` only applies when signers were given.
        if info.stage == Stage::Dockerfile || (info.name == "signed" && !requested) {
            continue;
        }
        let enabled = config
            .pointer(&format!("/{}/enabled", info.name))
            .and_then(Json::as_bool)
            .unwrap_or(false);
        if enabled {
            out.push(RuleOutcome {
                code: info.code.into(),
                name: info.name.into(),
                outcome: Outcome::Pass,
                messages: Vec::new(),
            });
        }
    }
    for r in &decision.results {
        let code = r
            .code
            .clone()
            .unwrap_or_else(|| format!("data.{}.{}", r.package, r.rule));
        let outcome = match r.severity {
            Severity::Deny => Outcome::Deny,
            Severity::Warn => Outcome::Warn,
        };
        let slot = match out.iter_mut().position(|o| o.code == code) {
            Some(i) => &mut out[i],
            None => {
                let name = catalog::by_code(&code)
                    .map(|i| i.name.to_string())
                    .or_else(|| {
                        r.details
                            .get("name")
                            .and_then(Json::as_str)
                            .map(String::from)
                    })
                    .unwrap_or_else(|| r.rule.clone());
                out.push(RuleOutcome {
                    code,
                    name,
                    outcome: Outcome::Pass,
                    messages: Vec::new(),
                });
                out.last_mut().expect("just pushed")
            }
        };
        if outcome == Outcome::Deny || slot.outcome == Outcome::Pass {
            slot.outcome = outcome;
        }
        slot.messages.push(r.msg.clone());
    }
    out
}
