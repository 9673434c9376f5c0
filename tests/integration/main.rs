//! sigil's integration tests: the built binary against real registries (docker-registry,
//! refreg) and real peer tools (cosign, oras, crane), plus an in-process lying registry for
//! the malicious cases no real registry produces on cue.

mod attestations;
mod auth;
mod caching;
mod certificates;
mod check;
mod conformance;
mod harness;
mod interop;
mod layout;
mod liar;
mod lint;
mod lying;
mod memory;
mod parsers;
mod pin;
mod policy;
mod provenance;
mod signing;
mod terminal;
