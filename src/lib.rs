//! sigil: one binary that signs, attests, pins and enforces container images.
//!
//! The library is organised by job: [`oci`] is the data model (digests, references,
//! manifests, the on-disk layout), [`registry`] talks to registries without trusting them,
//! [`store`] puts registries and layouts behind one interface, [`discover`] finds what is
//! attached to an image, and [`cli`] turns flags into calls and results into output.

pub mod attest;
pub mod check;
pub mod cli;
pub mod deadline;
pub mod discover;
pub mod dockerfile;
pub mod lint;
pub mod oci;
pub mod policy;
pub mod registry;
pub mod report;
pub mod resolve;
pub mod sign;
pub mod store;
pub mod trust;
pub mod util;
pub mod verify;
