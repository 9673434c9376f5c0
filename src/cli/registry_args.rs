//! Registry connection flags shared by every subcommand that reads or writes images. Names
//! follow cosign's where they overlap.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use crate::registry::auth::AllowedRealm;
use crate::registry::{ClientOptions, Limits, RegistryClient};

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Registry")]
pub struct RegistryArgs {
    /// Allow plain HTTP to registries (tried when HTTPS cannot connect)
    #[arg(long, global = true)]
    pub allow_http_registry: bool,

    /// Accept registry TLS certificates that do not validate (self-signed)
    #[arg(long, global = true)]
    pub allow_insecure_registry: bool,

    /// Extra CA certificate(s) (PEM) to trust for registries; repeatable
    #[arg(long, value_name = "FILE", global = true)]
    pub registry_cacert: Vec<PathBuf>,

    /// Registry user name (overrides the Docker config)
    #[arg(long, env = "SIGIL_REGISTRY_USERNAME", global = true)]
    pub registry_username: Option<String>,

    /// Registry password or token (overrides the Docker config)
    #[arg(
        long,
        env = "SIGIL_REGISTRY_PASSWORD",
        hide_env_values = true,
        global = true
    )]
    pub registry_password: Option<String>,

    /// Also send registry credentials to this bearer-token realm (HOST or HOST:PORT);
    /// repeatable. Without it they go only to the registry's own host, its registrable
    /// domain and Docker Hub's auth server
    #[arg(long, value_name = "HOST[:PORT]", global = true)]
    pub allow_token_realm: Vec<AllowedRealm>,

    /// Largest manifest, index or referrers list read, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = 4 * 1024 * 1024, global = true)]
    pub max_manifest_size: u64,

    /// Largest blob (config, signature, attestation) read into memory, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024, global = true)]
    pub max_blob_size: u64,

    /// Most bytes read for one image: manifests, configuration, signatures and attestations
    /// together
    #[arg(long, value_name = "BYTES", default_value_t = 256 * 1024 * 1024, global = true)]
    pub max_read_per_image: u64,

    /// Most referrers read for one image
    #[arg(long, value_name = "N", default_value_t = 1000, global = true)]
    pub max_referrers: usize,

    /// Deadline for each registry request, body included, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 60, global = true)]
    pub registry_timeout: u64,

    /// Retries on 429/5xx and connection failures
    #[arg(long, value_name = "N", default_value_t = 3, global = true)]
    pub registry_retries: u32,

    /// Registry requests in flight at once (and images worked on at once by verify and check)
    #[arg(long, value_name = "N", default_value_t = 32, global = true)]
    pub max_concurrency: usize,

    /// Cache for content fetched by digest (default: $SIGIL_CACHE_DIR, $XDG_CACHE_HOME/sigil or ~/.cache/sigil)
    #[arg(long, value_name = "DIR", global = true)]
    pub cache_dir: Option<PathBuf>,

    /// Do not read or write the content cache
    #[arg(long, global = true)]
    pub no_cache: bool,
}

impl RegistryArgs {
    pub fn client_options(&self) -> ClientOptions {
        ClientOptions {
            allow_http: self.allow_http_registry,
            allow_insecure_tls: self.allow_insecure_registry,
            ca_files: self.registry_cacert.clone(),
            username: self.registry_username.clone(),
            password: self.registry_password.clone(),
            token_realms: self.allow_token_realm.clone(),
            limits: Limits {
                manifest_bytes: self.max_manifest_size,
                blob_bytes: self.max_blob_size,
                image_bytes: self.max_read_per_image,
                referrers: self.max_referrers,
                ..Limits::default()
            },
            request_timeout: Duration::from_secs(self.registry_timeout.max(1)),
            max_retries: self.registry_retries,
            max_concurrency: self.max_concurrency.max(1),
            cache_dir: if self.no_cache {
                None
            } else {
                self.cache_dir
                    .clone()
                    .or_else(crate::registry::cache::default_dir)
            },
            ..ClientOptions::default()
        }
    }

    pub fn client(&self) -> anyhow::Result<Arc<RegistryClient>> {
        Ok(RegistryClient::new(self.client_options())?)
    }
}
