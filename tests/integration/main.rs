//! sigil's integration tests: the built binary against real registries (docker-registry,
//! refreg) and real peer tools (cosign, oras, crane).

mod auth;
mod harness;
mod interop;
mod layout;
mod signing;
