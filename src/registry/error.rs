//! What can go wrong talking to a registry, with the URL or reference that went wrong.

use crate::oci::Digest;
use crate::oci::manifest::ManifestError;

/// A registry operation failed. Every variant is an operational error (exit code 2); none is
/// ever read as "no signature found, so allow".
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    #[error("request to {url} failed: {detail}")]
    Transport { url: String, detail: String },
    /// With plain HTTP allowed, both schemes were tried and neither answered.
    #[error("neither HTTPS nor plain HTTP reached {host}: {first}; then {then}")]
    BothSchemesFailed {
        host: String,
        first: Box<RegistryError>,
        then: Box<RegistryError>,
    },
    #[error("request to {url} timed out after {secs}s")]
    Timeout { url: String, secs: u64 },
    #[error(
        "{url}: plain HTTP is not allowed for registry {registry} (pass --allow-http-registry to permit it)"
    )]
    PlainHttpRefused { url: String, registry: String },
    #[error("{what} not found ({url})")]
    NotFound { what: String, url: String },
    #[error("{url}: access denied ({status}){detail}")]
    Denied {
        url: String,
        status: u16,
        detail: String,
    },
    #[error("{url}: registry answered {status}{detail}")]
    Status {
        url: String,
        status: u16,
        detail: String,
    },
    #[error("{url}: still answering {status} after {attempts} attempts")]
    RetriesExhausted {
        url: String,
        status: u16,
        attempts: u32,
    },
    #[error(
        "{url}: registry asked to retry after {asked_secs}s, more than the {max_secs}s sigil waits"
    )]
    RetryAfterTooLong {
        url: String,
        asked_secs: u64,
        max_secs: u64,
    },
    #[error("{url}: {what} declares {declared} bytes, over the {limit}-byte limit")]
    DeclaredTooLarge {
        url: String,
        what: String,
        declared: u64,
        limit: u64,
    },
    #[error("{url}: {what} is larger than the {limit}-byte limit; stopped reading")]
    TooLarge {
        url: String,
        what: String,
        limit: u64,
    },
    #[error("{url}: Content-Length said {declared} bytes but {actual} arrived")]
    LengthMismatch {
        url: String,
        declared: u64,
        actual: u64,
    },
    #[error("{url}: content does not match its digest: expected {expected}, got {actual}")]
    DigestMismatch {
        url: String,
        expected: Digest,
        actual: Digest,
    },
    #[error(
        "{url}: Docker-Content-Digest header {claimed} does not match the content's digest {actual}"
    )]
    HeaderDigestMismatch {
        url: String,
        claimed: String,
        actual: Digest,
    },
    #[error("{url}: {what} is {actual} bytes but its descriptor says {expected}")]
    SizeMismatch {
        url: String,
        what: String,
        expected: u64,
        actual: u64,
    },
    #[error("{url}: invalid manifest: {source}")]
    Manifest { url: String, source: ManifestError },
    #[error("{url}: invalid {what}: {detail}")]
    InvalidResponse {
        url: String,
        what: String,
        detail: String,
    },
    #[error(
        "{subject} has more than {limit} referrers; refusing to read more (raise --max-referrers)"
    )]
    TooManyReferrers { subject: Digest, limit: usize },
    #[error("{url}: pagination did not end after {pages} pages or revisited a page")]
    EndlessPagination { url: String, pages: usize },
    #[error(
        "authentication with {registry} failed: its credentials were withheld from the token \
         realm {realm} because {reason}, and without them {detail}{hint}"
    )]
    CredentialsWithheld {
        registry: String,
        realm: String,
        reason: String,
        detail: String,
        /// How to allow the realm, when a flag would.
        hint: String,
    },
    #[error("authentication with {registry} failed: {detail}")]
    Auth { registry: String, detail: String },
    #[error("credential helper docker-credential-{helper} failed for {registry}: {detail}")]
    CredentialHelper {
        helper: String,
        registry: String,
        detail: String,
    },
    #[error("docker config {path}: {detail}")]
    DockerConfig { path: String, detail: String },
    #[error("TLS setup: {0}")]
    Tls(String),
    #[error("{url}: redirect loop or too many redirects")]
    Redirects { url: String },
}

pub type Result<T> = std::result::Result<T, RegistryError>;
