//! Attestations: in-toto statements about an image digest (provenance, SBOMs, VEX, custom),
//! signed as DSSE and stored as cosign stores them.

pub mod predicate;
pub mod provenance;
pub mod types;
