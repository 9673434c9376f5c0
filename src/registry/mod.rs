//! The registry client: OCI distribution-spec 1.1 over HTTPS with Docker-style auth, and a
//! refusal to believe anything the registry sends without checking its size and digest.

pub mod auth;
pub mod cache;
pub mod client;
pub mod credentials;
pub mod error;
pub mod options;
mod transport;

pub use client::{Activity, FetchedManifest, ManifestSel, PushedManifest, RegistryClient};
pub use error::RegistryError;
pub use options::{ClientOptions, Limits};
