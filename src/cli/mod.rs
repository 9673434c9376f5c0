//! The command line: clap definitions, one module per subcommand. Each turns flags into
//! library calls and results into text or JSON; none holds logic the library lacks.

mod attest;
mod check;
mod deadlines;
mod digest;
mod download;
mod keys;
mod lint;
pub mod output;
mod password;
mod pin;
mod policy;
mod provenance;
mod registry_args;
mod sign;
mod tree;
mod verify;
mod verify_blob;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use registry_args::RegistryArgs;

/// Exit codes: 0 pass, 1 denied or violations found, 2 usage or operational error.
pub const EXIT_OK: u8 = 0;
pub const EXIT_DENIED: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// The exit code of a run that judged several things: an error anywhere wins (an unchecked
/// thing never passes), then any denial.
pub fn exit_code(any_error: bool, any_denied: bool) -> u8 {
    if any_error {
        EXIT_ERROR
    } else if any_denied {
        EXIT_DENIED
    } else {
        EXIT_OK
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "sigil",
    version,
    about = "Sign, attest, pin and enforce container images",
    long_about = "sigil signs image digests (cosign-compatible), finds what is attached to them \
(OCI 1.1 referrers and cosign's legacy tags) and works on registries or on OCI image layouts \
on disk (oci:PATH[:tag|@digest]).\n\nExit codes: 0 success, 1 denied, 2 usage or operational error.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the digest of an image's manifest (like `crane digest`)
    Digest(digest::DigestArgs),
    /// Show an image, its platform manifests and everything attached to it
    Tree(tree::TreeArgs),
    /// Write a new cosign-format key pair (cosign.key, cosign.pub)
    GenerateKeyPair(keys::GenerateArgs),
    /// Print the public key of a private key
    PublicKey(keys::PublicKeyArgs),
    /// Convert a plain PKCS#8 / SEC1 EC key into a cosign-format key pair
    ImportKeyPair(keys::ImportArgs),
    /// Sign image digests (cosign-compatible; bundle referrer or legacy .sig)
    Sign(sign::SignArgs),
    /// Verify image signatures in both cosign formats
    Verify(verify::VerifyArgs),
    /// Attach a signed in-toto attestation (SLSA provenance, SBOM, VEX, custom) to images
    Attest(Box<attest::AttestArgs>),
    /// Verify attestations (in-toto statements) in both cosign formats
    VerifyAttestation(verify::VerifyAttestationArgs),
    /// Verify a Sigstore bundle for a file or digest, offline: keyless (Fulcio, Rekor, TSA) or key
    VerifyBlob(verify_blob::VerifyBlobArgs),
    /// Write signatures, attestations or an SBOM attached to an image to stdout
    #[command(subcommand)]
    Download(download::DownloadCommand),
    /// Generate a SLSA v1 provenance predicate for an image build from the CI environment
    Provenance(provenance::ProvenanceArgs),
    /// Lint Dockerfiles with the policy library: pinning, tags, USER, registries
    Lint(lint::LintArgs),
    /// Verify images and evaluate the policy library: a decision trace per image
    Check(Box<check::CheckArgs>),
    /// Work with Rego policies: run their unit tests
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Pin a Dockerfile's images to digests (name:tag@sha256:…), or check that they are
    Pin(Box<pin::PinArgs>),
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let code = match cli.command {
        Command::Digest(a) => digest::run(a).await?,
        Command::Tree(a) => tree::run(a).await?,
        Command::GenerateKeyPair(a) => keys::generate(a)?,
        Command::PublicKey(a) => keys::public_key(a)?,
        Command::ImportKeyPair(a) => keys::import(a)?,
        Command::Sign(a) => sign::run(a).await?,
        Command::Verify(a) => verify::run(a).await?,
        Command::Attest(a) => attest::run(*a).await?,
        Command::VerifyAttestation(a) => verify::run_attestations(a).await?,
        Command::VerifyBlob(a) => verify_blob::run(a)?,
        Command::Download(c) => download::run(c).await?,
        Command::Provenance(a) => provenance::run(a).await?,
        Command::Policy(c) => policy::run(c).await?,
        Command::Lint(a) => lint::run(a)?,
        Command::Check(a) => check::run(*a).await?,
        Command::Pin(a) => pin::run(*a).await?,
    };
    Ok(ExitCode::from(code))
}
