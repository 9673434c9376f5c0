//! `opa test` for sigil: every `test_*` rule of the loaded modules must be true.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::limits::Deadline;
use super::{PolicyEngine, PolicyError};

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    /// The rule was undefined or false.
    Fail,
    /// Evaluation failed (a runtime error, the time limit).
    Error,
    /// A `todo_test_*` rule, not run.
    Skip,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    pub package: String,
    pub name: String,
    pub file: String,
    pub outcome: Outcome,
    #[serde(serialize_with = "as_micros")]
    pub duration: Duration,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What the test printed (`print(...)`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub output: Vec<String>,
}

fn as_micros<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TestReport {
    pub results: Vec<TestResult>,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub skipped: usize,
}

impl TestReport {
    /// True when no test failed or errored (skipped tests do not count).
    pub fn ok(&self) -> bool {
        self.failed == 0 && self.errors == 0
    }
}

impl PolicyEngine {
    /// Runs every `test_*` rule whose `package.name` matches `filter` (all when `None`),
    /// each with no input and the loaded data, under the time limit.
    /// Fails only when the test files cannot be loaded.
    pub fn run_tests(&self, filter: Option<&regex::Regex>) -> Result<TestReport, PolicyError> {
        let (prepared, tests) = self.test_engine()?;
        let mut report = TestReport::default();
        let mut engine = prepared.clone();
        for t in tests {
            let full = format!("{}.{}", t.package, t.rule);
            if filter.is_some_and(|f| !f.is_match(&full)) {
                continue;
            }
            let start = Instant::now();
            let deadline = Deadline::start(self.options().timeout);
            let (outcome, error) = if t.skipped {
                (Outcome::Skip, None)
            } else {
                match engine.eval_rule(t.path.clone()) {
                    // A result that came after the time limit is not one.
                    Ok(_) if deadline.passed() => {
                        engine = prepared.clone();
                        (Outcome::Error, Some(deadline.error()))
                    }
                    Ok(regorus::Value::Undefined) | Ok(regorus::Value::Bool(false)) => {
                        (Outcome::Fail, None)
                    }
                    Ok(_) => (Outcome::Pass, None),
                    Err(e) => {
                        // A failed evaluation may leave state behind: start afresh.
                        engine = prepared.clone();
                        (Outcome::Error, Some(super::engine::text(&e)))
                    }
                }
            };
            drop(deadline);
            let duration = start.elapsed();
            let output = engine.take_prints().unwrap_or_default();
            match outcome {
                Outcome::Pass => report.passed += 1,
                Outcome::Fail => report.failed += 1,
                Outcome::Error => report.errors += 1,
                Outcome::Skip => report.skipped += 1,
            }
            report.results.push(TestResult {
                package: t.package.clone(),
                name: t.rule.clone(),
                file: t.file.clone(),
                outcome,
                duration,
                error,
                output,
            });
        }
        Ok(report)
    }
}
