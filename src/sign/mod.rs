//! Keys and cosign-compatible signatures: the payload formats (simple signing, in-toto
//! statements in DSSE envelopes, Sigstore bundles) and attaching them to images.

pub mod attach;
pub mod bundle;
pub mod dsse;
pub mod keys;
pub mod pem;
pub mod simple_signing;
