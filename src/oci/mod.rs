//! The OCI data model: digests, image references, media types, manifests and the on-disk
//! image layout. Nothing here talks to the network.

pub mod digest;
pub mod gojson;
pub mod layout;
pub mod manifest;
pub mod media;
pub mod reference;

pub use digest::Digest;
pub use manifest::{Descriptor, ImageIndex, ImageManifest, Manifest, Platform};
pub use reference::{ImageRef, LayoutReference, Reference};
