//! Verifying what is attached to an image: signatures in both cosign formats (bundle
//! referrers, legacy `.sig` layers), each checked cryptographically and bound to the image.
//!
//! A signature counts only when (1) it verifies with a trusted key, or with the key of the
//! certificate it carries when that certificate chains to a trusted root and names the required
//! identity and OIDC issuer ([`certificate`]), (2) its payload names the digest being verified,
//! (3) it satisfies the repository pin and annotation constraints. Each candidate ends as a
//! [`Finding`] saying which of these failed, so a denial can always be explained. Fetch errors are operational errors, never "unsigned".

pub mod attestations;
pub mod blob;
pub mod certificate;
pub mod signatures;
mod signer;
mod statement;

pub use attestations::AttestationEvidence;
pub use attestations::verify_attestations;
pub use certificate::{CertError, CertificatePolicy, Identity};
pub use signatures::{
    Finding, Report, SignatureEvidence, SignatureFormat, TrustedKey, UnreachableThreshold,
    VerifyOptions, verify_signatures,
};
