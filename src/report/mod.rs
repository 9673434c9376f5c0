//! Findings, grouped by subject, and the formats they are written in for machines: JSON
//! (serde), SARIF 2.1.0 for code scanning ([`sarif`]) and JUnit XML for CI test views
//! ([`junit`]).
//!
//! It exists so that every command that judges things — `sigil lint` on Dockerfiles, and
//! later commands that judge images — reports them one way: a [`Report`] is a list of
//! [`Subject`]s (a file, or an image reference), each with [`Finding`]s (`code`, `name`,
//! `severity`, `message`, and a location when the subject is a file) or an error that kept it
//! from being judged.

pub mod catalog;
pub mod junit;
pub mod sarif;

use serde::Serialize;

pub use crate::policy::Severity;

/// A 1-based line and character column in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One thing found wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `SIGIL-DF-001`, or `package.rule` for a policy result without a code.
    pub code: String,
    /// The rule's name (`dockerfile-digest-pinned`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Anything else the rule said about it (`use`, `image`, `image_kind`, `user`, …).
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub details: serde_json::Map<String, serde_json::Value>,
}

/// What was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    /// A file, named by its path (findings have locations in it).
    File,
    /// An image, named by its reference.
    Image,
}

/// Why a subject could not be judged (unreadable, unparsable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectError {
    /// The rule-like code it is reported under (`SIGIL-DF-PARSE`).
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// One file or image and what was found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// The path as given, or the image reference.
    pub name: String,
    pub kind: SubjectKind,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<SubjectError>,
}

impl Subject {
    pub fn file(name: impl Into<String>) -> Subject {
        Subject {
            name: name.into(),
            kind: SubjectKind::File,
            findings: Vec::new(),
            error: None,
        }
    }

    pub fn denials(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Deny)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warn)
            .count()
    }
}

/// A rule that was applied, for the SARIF rule table and JUnit's passing test cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    pub code: String,
    pub name: String,
    /// One or two sentences: what the rule wants and how to satisfy it.
    pub help: String,
}

/// Counts over a whole report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub subjects: usize,
    pub denials: usize,
    pub warnings: usize,
    pub errors: usize,
}

/// Everything one command found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The command, for tool names and suite names (`lint`).
    pub command: String,
    /// The rules applied (SARIF's rule table, JUnit's passing cases).
    pub rules: Vec<RuleInfo>,
    pub subjects: Vec<Subject>,
}

impl Report {
    pub fn summary(&self) -> Summary {
        Summary {
            subjects: self.subjects.len(),
            denials: self.subjects.iter().map(Subject::denials).sum(),
            warnings: self.subjects.iter().map(Subject::warnings).sum(),
            errors: self.subjects.iter().filter(|s| s.error.is_some()).count(),
        }
    }

    /// The rule's entry, or one made from the code when the rule is not in the table (a
    /// user policy's result).
    pub fn rule(&self, code: &str) -> RuleInfo {
        self.rules
            .iter()
            .find(|r| r.code == code)
            .cloned()
            .or_else(|| catalog::lookup(code))
            .unwrap_or_else(|| RuleInfo {
                code: code.to_string(),
                name: code.to_string(),
                help: format!("Reported by the policy rule {code}."),
            })
    }

    /// Every code that appears: the table's, then those only findings name, in order.
    pub fn codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = self.rules.iter().map(|r| r.code.clone()).collect();
        for s in &self.subjects {
            for f in &s.findings {
                if !codes.contains(&f.code) {
                    codes.push(f.code.clone());
                }
            }
        }
        codes
    }
}
