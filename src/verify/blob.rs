//! Verifying a Sigstore bundle against a blob (`sigil verify-blob`), offline, from a trusted
//! root: keyless (Fulcio certificate, SCT, Rekor entry with inclusion proof, checkpoint and
//! SET, RFC 3161 timestamps) or with a managed public key.
//!
//! The cryptographic and transparency-log checks are the Sigstore project's own
//! `sigstore-verify` crate (it passes the sigstore-conformance suite); this module only reads
//! the inputs within bounds, applies sigil's identity policy (exact values as the crate
//! checks them, whole-string regular expressions on top of what it verified), and sorts every
//! outcome into "not verified" (a denial, with its reason) or "could not judge" (an
//! operational error), so that nothing malformed is ever read as an allow.

use std::path::{Path, PathBuf};

use regex::Regex;
use sigstore_verify::trust_root::{SIGSTORE_PRODUCTION_TRUSTED_ROOT, TrustedRoot};
use sigstore_verify::types::{Bundle, DerPublicKey, Sha256Hash};
use sigstore_verify::{PublicKeyVerificationPolicy, VerificationPolicy, Verifier};

use crate::util::fs::read_text;

/// Largest artifact read whole (only for signature schemes that cannot be checked from a
/// digest, e.g. Ed25519); other artifacts are streamed.
pub const MAX_WHOLE_ARTIFACT_BYTES: u64 = 256 << 20;

/// When the embedded Sigstore public-good trusted root was taken (the newest `validFor.start`
/// it holds is 2025-09-23; it ships with sigstore-trust-root 0.15.1, released 2026-10-23).
pub const EMBEDDED_ROOT_DATE: &str = "2026-10-23";

/// What was signed: a file, or the SHA-256 digest of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobArtifact {
    Path(PathBuf),
    Sha256([u8; 32]),
}

impl BlobArtifact {
    /// Reads the command-line form as the conformance protocol defines it: `sha256:` followed
    /// by 64 hex digits is a digest unless a file by that name exists; anything else is a path.
    pub fn parse(arg: &str) -> BlobArtifact {
        if let Some(hex_digest) = arg.strip_prefix("sha256:")
            && hex_digest.len() == 64
            && !Path::new(arg).exists()
        {
            let mut digest = [0u8; 32];
            if hex::decode_to_slice(hex_digest, &mut digest).is_ok() {
                return BlobArtifact::Sha256(digest);
            }
        }
        BlobArtifact::Path(PathBuf::from(arg))
    }
}

/// Who must have signed.
#[derive(Debug, Clone)]
pub enum BlobSigner {
    /// A managed key (PEM `PUBLIC KEY`); the bundle carries no certificate.
    Key(PathBuf),
    /// A Fulcio certificate naming this identity and issuer (exact and/or whole-string
    /// regular expressions; at least one of each).
    Identity {
        identity: Option<String>,
        identity_regexp: Option<Regex>,
        issuer: Option<String>,
        issuer_regexp: Option<Regex>,
    },
}

impl BlobSigner {
    /// Checks that an identity policy constrains both the identity and the issuer, as cosign
    /// requires.
    pub fn validate(&self) -> Result<(), BlobError> {
        if let BlobSigner::Identity {
            identity,
            identity_regexp,
            issuer,
            issuer_regexp,
        } = self
        {
            if identity.is_none() && identity_regexp.is_none() {
                return Err(BlobError::Incomplete(
                    "--certificate-identity or --certificate-identity-regexp",
                ));
            }
            if issuer.is_none() && issuer_regexp.is_none() {
                return Err(BlobError::Incomplete(
                    "--certificate-oidc-issuer or --certificate-oidc-issuer-regexp",
                ));
            }
        }
        Ok(())
    }
}

/// Why a blob was not verified (a denial) or could not be judged (an operational error).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    #[error("cannot read {what} {path}: {error}")]
    Read {
        what: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("malformed bundle {path}: {error}")]
    MalformedBundle { path: PathBuf, error: String },
    #[error("malformed trusted root {source_name}: {error}")]
    MalformedTrustedRoot { source_name: String, error: String },
    #[error("malformed public key {path}: {error}")]
    MalformedKey { path: PathBuf, error: String },
    #[error("verification needs {0}")]
    Incomplete(&'static str),
    #[error("cannot check this bundle: {0}")]
    Unsupported(String),
    #[error("not verified: {0}")]
    NotVerified(String),
}

impl BlobError {
    /// A denial (the bundle was judged and refused), as opposed to an operational error.
    pub fn is_denial(&self) -> bool {
        matches!(self, BlobError::NotVerified(_))
    }
}

/// What a verified bundle established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobVerified {
    /// The certificate's identity and issuer (keyless), or `None` for a managed key.
    pub identity: Option<(String, String)>,
    /// The Rekor integrated time, when a log entry vouched for the signing time.
    pub integrated_time: Option<String>,
    /// How many RFC 3161 timestamps verified.
    pub timestamps: usize,
}

/// Reads the trusted root at `path`, or the embedded public-good root when `None`.
pub fn load_trusted_root(path: Option<&Path>) -> Result<TrustedRoot, BlobError> {
    let (json, source_name) = match path {
        Some(p) => (read_input("trusted root", p)?, p.display().to_string()),
        None => (
            SIGSTORE_PRODUCTION_TRUSTED_ROOT.to_string(),
            format!("(embedded public-good root of {EMBEDDED_ROOT_DATE})"),
        ),
    };
    TrustedRoot::from_json(&json).map_err(|e| BlobError::MalformedTrustedRoot {
        source_name,
        error: e.to_string(),
    })
}

/// Verifies the bundle at `bundle_path` for `artifact`, signed as `signer` says, under
/// `trusted_root`.
pub fn verify_blob(
    bundle_path: &Path,
    artifact: &BlobArtifact,
    signer: &BlobSigner,
    trusted_root: &TrustedRoot,
) -> Result<BlobVerified, BlobError> {
    signer.validate()?;
    let json = read_input("bundle", bundle_path)?;
    let bundle = Bundle::from_json(&json).map_err(|e| BlobError::MalformedBundle {
        path: bundle_path.to_path_buf(),
        error: e.to_string(),
    })?;
    let verifier = Verifier::new(trusted_root).map_err(|e| BlobError::MalformedTrustedRoot {
        source_name: "in use".to_string(),
        error: e.to_string(),
    })?;
    match signer {
        BlobSigner::Key(path) => {
            let pem = read_input("public key", path)?;
            let key = DerPublicKey::from_pem(&pem).map_err(|e| BlobError::MalformedKey {
                path: path.clone(),
                error: e.to_string(),
            })?;
            let policy = PublicKeyVerificationPolicy::new(key);
            let result = run(&verifier, &bundle, artifact, &policy)?;
            Ok(BlobVerified {
                identity: None,
                integrated_time: result.integrated_time().map(|t| t.to_string()),
                timestamps: result.verified_timestamps().len(),
            })
        }
        BlobSigner::Identity {
            identity,
            identity_regexp,
            issuer,
            issuer_regexp,
        } => {
            let mut policy = VerificationPolicy::any_identity();
            if let Some(id) = identity {
                policy = policy.require_identity(id);
            }
            if let Some(iss) = issuer {
                policy = policy.require_issuer(iss);
            }
            let result = run(&verifier, &bundle, artifact, &policy)?;
            let san = result
                .identity()
                .map(|s| s.as_str().to_string())
                .ok_or_else(|| {
                    BlobError::NotVerified("the certificate names no identity".into())
                })?;
            let iss = result.issuer().map(str::to_string).ok_or_else(|| {
                BlobError::NotVerified("the certificate names no OIDC issuer".into())
            })?;
            check_regexp("identity", identity_regexp, &san)?;
            check_regexp("OIDC issuer", issuer_regexp, &iss)?;
            Ok(BlobVerified {
                identity: Some((san, iss)),
                integrated_time: result.integrated_time().map(|t| t.to_string()),
                timestamps: result.verified_timestamps().len(),
            })
        }
    }
}

/// A local input file as text, within [`crate::util::fs::MAX_LOCAL_FILE_BYTES`].
fn read_input(what: &'static str, path: &Path) -> Result<String, BlobError> {
    read_text(path).map_err(|error| BlobError::Read {
        what,
        path: path.to_path_buf(),
        error,
    })
}

fn check_regexp(what: &str, re: &Option<Regex>, value: &str) -> Result<(), BlobError> {
    match re {
        Some(re) if !re.is_match(value) => Err(BlobError::NotVerified(format!(
            "certificate {what} {value:?} does not match regexp {:?}",
            re.as_str()
        ))),
        _ => Ok(()),
    }
}

fn run<P: sigstore_verify::Policy>(
    verifier: &Verifier,
    bundle: &Bundle,
    artifact: &BlobArtifact,
    policy: &P,
) -> Result<sigstore_verify::VerificationResult, BlobError> {
    let result = match artifact {
        BlobArtifact::Sha256(digest) => verifier.verify(Sha256Hash::new(*digest), bundle, policy),
        BlobArtifact::Path(path) => {
            let read_err = |error| BlobError::Read {
                what: "artifact",
                path: path.clone(),
                error,
            };
            let file = std::fs::File::open(path).map_err(read_err)?;
            match verifier.verify_reader(file, bundle, policy) {
                // The signature scheme needs the whole message (e.g. Ed25519).
                Err(sigstore_verify::Error::UnsupportedArtifact(_)) => {
                    let bytes = crate::util::fs::read_bounded(path, MAX_WHOLE_ARTIFACT_BYTES)
                        .map_err(read_err)?;
                    verifier.verify(&bytes, bundle, policy)
                }
                other => other,
            }
        }
    };
    result.map_err(classify)
}

/// Sorts the crate's errors: what it could not read or run is operational, everything else
/// is a refusal with the crate's reason.
fn classify(e: sigstore_verify::Error) -> BlobError {
    use sigstore_verify::Error as E;
    match e {
        E::ArtifactRead(error) => BlobError::Read {
            what: "artifact",
            path: PathBuf::from("(input)"),
            error,
        },
        E::UnsupportedArtifact(m) => BlobError::Unsupported(m),
        E::InvalidTrustRoot(m) => BlobError::MalformedTrustedRoot {
            source_name: "in use".to_string(),
            error: m,
        },
        other => BlobError::NotVerified(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_argument_is_a_digest_only_when_well_formed() {
        let hex64 = "ab".repeat(32);
        assert_eq!(
            BlobArtifact::parse(&format!("sha256:{hex64}")),
            BlobArtifact::Sha256([0xab; 32])
        );
        // Too short, not hex, other algorithm: a path.
        for arg in [
            "sha256:abcd",
            &format!("sha256:{}", "zz".repeat(32)),
            "sha512:ab",
        ] {
            assert_eq!(BlobArtifact::parse(arg), BlobArtifact::Path(arg.into()));
        }
    }

    #[test]
    fn embedded_root_parses() {
        let root = load_trusted_root(None).expect("embedded root");
        assert!(!root.fulcio_certs().is_empty());
    }

    #[test]
    fn identity_policy_needs_identity_and_issuer() {
        let root = load_trusted_root(None).unwrap();
        let signer = BlobSigner::Identity {
            identity: Some("x".into()),
            identity_regexp: None,
            issuer: None,
            issuer_regexp: None,
        };
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("b.json");
        std::fs::write(&bundle, "{}").unwrap();
        let e = verify_blob(&bundle, &BlobArtifact::Sha256([0; 32]), &signer, &root);
        assert!(matches!(e, Err(BlobError::Incomplete(_))), "{e:?}");
        let e = verify_blob(
            &bundle,
            &BlobArtifact::Sha256([0; 32]),
            &BlobSigner::Identity {
                identity: Some("x".into()),
                identity_regexp: None,
                issuer: Some("y".into()),
                issuer_regexp: None,
            },
            &root,
        );
        // "{}" is no bundle: an operational error, not a denial.
        assert!(matches!(e, Err(BlobError::MalformedBundle { .. })), "{e:?}");
    }
}
