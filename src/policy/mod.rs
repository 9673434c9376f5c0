//! Rego policy on [regorus]: one engine for every stage (Dockerfile, image, admission).
//!
//! - [`PolicySet`] gathers Rego modules: the built-in library in `policies/` (embedded in
//!   the binary, see [`builtin`]) and any file or directory (`.rego`, sorted, recursive).
//! - [`PolicyEngine`] parses and prepares them once, with the data document (built-in
//!   defaults under `data.sigil.config`, then `--data` files, deep-merged), and evaluates
//!   many inputs: the built-in library on regorus's compiled VM (checked against the
//!   interpreter by a test), other packages on the interpreter, each evaluation on a warmed
//!   VM or engine taken from a pool. Rules follow conftest's convention: in every package, `deny`,
//!   `violation` (and `deny_*`, `violation_*`) deny, `warn` (and `warn_*`) warns; each
//!   result is a string or an object with `msg` (and, for sigil's rules, `code`).
//! - A policy error (a runtime error, the time limit) is a deny with the error shown, never
//!   a pass.
//! - [`testing`] runs the `test_*` rules, like `opa test`.
//!
//! The input schema, shared by all stages, is documented in `policies/README.md`;
//! [`input`] has helpers to build its parts.

pub mod builtin;
pub mod catalog;
mod data;
mod engine;
pub mod input;
mod limits;
mod recursion;
mod scan;
pub mod schema;
pub mod testing;
pub mod value;

pub use data::{deep_merge, load_data_file, parse_data, parse_data_document};
pub use engine::{
    DEFAULT_TIMEOUT, Decision, EngineOptions, PolicyEngine, PolicyError, PolicyFile, PolicySet,
    RuleResult, Severity, parse_timeout,
};
