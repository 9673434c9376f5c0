//! `sigil verify-blob`: check a Sigstore bundle for a file or a digest, offline, as cosign's
//! `verify-blob --bundle` does. Exit 0 verified, 1 not verified (with the reason), 2 when the
//! inputs cannot be read or judged.

use std::path::PathBuf;

use clap::Args;

use super::output::{GREEN, RED, paint};
use super::verify::IdentityFlags;
use super::{EXIT_DENIED, EXIT_ERROR, EXIT_OK};
use crate::verify::blob::{BlobArtifact, BlobSigner, load_trusted_root, verify_blob};

#[derive(Debug, Args)]
pub struct VerifyBlobArgs {
    /// The signed file, or its digest as sha256:HEX (for a DSSE in-toto bundle: a subject of
    /// the statement)
    #[arg(value_name = "FILE|sha256:HEX")]
    pub artifact: String,
    /// The Sigstore bundle (.sigstore.json; media types v0.1, v0.2, v0.3)
    #[arg(long, value_name = "FILE")]
    pub bundle: PathBuf,
    /// Verify with this public key (PEM) instead of a certificate identity
    #[arg(long, value_name = "FILE", conflicts_with = "IdentityFlags")]
    pub key: Option<PathBuf>,
    #[command(flatten)]
    pub identity: IdentityFlags,
    /// Sigstore trusted root (trusted_root.json); default: the embedded public-good root
    #[arg(long, value_name = "FILE")]
    pub trusted_root: Option<PathBuf>,
}

pub fn run(a: VerifyBlobArgs) -> anyhow::Result<u8> {
    let signer = match &a.key {
        Some(k) => BlobSigner::Key(k.clone()),
        None => {
            let (identity_regexp, issuer_regexp) = a.identity.regexps()?;
            BlobSigner::Identity {
                identity: a.identity.certificate_identity.clone(),
                identity_regexp,
                issuer: a.identity.certificate_oidc_issuer.clone(),
                issuer_regexp,
            }
        }
    };
    signer.validate()?;
    let root = load_trusted_root(a.trusted_root.as_deref())?;
    let artifact = BlobArtifact::parse(&a.artifact);
    match verify_blob(&a.bundle, &artifact, &signer, &root) {
        Ok(v) => {
            let mut line = format!("{}: {}", paint(GREEN, "Verified OK"), a.artifact);
            if let Some((id, iss)) = &v.identity {
                line.push_str(&format!(", signed by {id} (issuer {iss})"));
            }
            match (&v.integrated_time, v.timestamps) {
                (Some(t), n) if n > 0 => {
                    line.push_str(&format!(", logged at {t} and {n} timestamp(s)"))
                }
                (Some(t), _) => line.push_str(&format!(", logged at {t}")),
                (None, n) if n > 0 => line.push_str(&format!(", {n} timestamp(s)")),
                _ => {}
            }
            anstream::eprintln!("{line}");
            Ok(EXIT_OK)
        }
        Err(e) if e.is_denial() => {
            anstream::eprintln!("{}: {}: {e}", paint(RED, "denied"), a.artifact);
            Ok(EXIT_DENIED)
        }
        Err(e) => {
            anstream::eprintln!("{}: {e}", paint(RED, "error"));
            Ok(EXIT_ERROR)
        }
    }
}
