//! How the registry client behaves: transport security, credentials, limits and patience.
//! The CLI fills this from flags; tests fill it directly.

use std::path::PathBuf;
use std::time::Duration;

/// Size caps for everything read from a registry. A body over its cap is an error, read no
/// further than cap + 1 bytes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Manifests, indexes and referrers lists (the OCI spec expects 4 MiB to work).
    pub manifest_bytes: u64,
    /// Blobs read into memory: configs, signature payloads, attestations.
    pub blob_bytes: u64,
    /// Everything read for one image together: manifests, configuration, signatures and
    /// attestations (see [`crate::store::ReadBudget`]).
    pub image_bytes: u64,
    /// Token endpoint responses.
    pub token_bytes: u64,
    /// Referrers of one subject, and entries of one index.
    pub referrers: usize,
    /// Pages followed through `Link` headers.
    pub pages: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            manifest_bytes: 4 * 1024 * 1024,
            blob_bytes: 64 * 1024 * 1024,
            image_bytes: 256 * 1024 * 1024,
            token_bytes: 1024 * 1024,
            referrers: 1000,
            pages: 1000,
        }
    }
}

/// Registry client configuration.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Permit plain HTTP (tried after HTTPS fails to connect), as cosign's --allow-http-registry.
    pub allow_http: bool,
    /// Accept TLS certificates that do not validate (self-signed), as --allow-insecure-registry.
    pub allow_insecure_tls: bool,
    /// Extra CA certificates (PEM files) to trust for registries.
    pub ca_files: Vec<PathBuf>,
    /// Credentials given on the command line; they override the Docker config.
    pub username: Option<String>,
    pub password: Option<String>,
    /// Hosts the user allowed to receive credentials as a bearer token realm, beyond the
    /// registry's own host and domain (`--allow-token-realm`).
    pub token_realms: Vec<super::auth::AllowedRealm>,
    /// Read `~/.docker/config.json` and friends (off in tests that want isolation).
    pub use_docker_config: bool,
    pub limits: Limits,
    /// Whole-request deadline, body included.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries after the first attempt on 429/5xx and connection failures.
    pub max_retries: u32,
    /// First backoff; doubles each retry.
    pub initial_backoff: Duration,
    /// Longest Retry-After sigil honours; a registry asking for more gets an error instead.
    pub max_retry_after: Duration,
    /// Requests in flight at once across the whole client.
    pub max_concurrency: usize,
    /// Blobs larger than this are uploaded in chunks of this size.
    pub chunk_bytes: usize,
    /// Identifies sigil to the registry.
    pub user_agent: String,
    /// Where content fetched by digest is cached (None: no cache).
    pub cache_dir: Option<PathBuf>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            allow_http: false,
            allow_insecure_tls: false,
            ca_files: Vec::new(),
            username: None,
            password: None,
            token_realms: Vec::new(),
            use_docker_config: true,
            limits: Limits::default(),
            request_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_retry_after: Duration::from_secs(10),
            max_concurrency: 32,
            chunk_bytes: 16 * 1024 * 1024,
            user_agent: format!("sigil/{}", env!("CARGO_PKG_VERSION")),
            cache_dir: None,
        }
    }
}
