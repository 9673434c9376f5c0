//! One interface over the two places images live — a registry repository or an OCI image
//! layout on disk — so that tree, sign and verify are written once.
//!
//! This is also where OCI 1.1 referrers are unified: the referrers API where the registry
//! has it, the `sha256-<hex>` fallback tag where it does not (read, and updated on push when
//! the registry did not answer with `OCI-Subject`), and `index.json` in a layout.

use std::sync::Arc;

use crate::oci::layout::{LayoutError, OciLayout};
use crate::oci::manifest::{Descriptor, ImageIndex, Manifest};
use crate::oci::{Digest, ImageRef, Reference, media};
use crate::registry::{FetchedManifest, ManifestSel, RegistryClient, RegistryError};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Layout(#[from] LayoutError),
    #[error("{reference}: {detail}")]
    Invalid { reference: String, detail: String },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// How referrers were found (reported to people; verification treats them alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferrerSource {
    /// `GET /v2/<name>/referrers/<digest>`.
    ReferrersApi,
    /// The OCI 1.1 fallback tag `sha256-<hex>`.
    FallbackTag,
    /// `index.json` of an OCI layout.
    Layout,
}

impl std::fmt::Display for ReferrerSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ReferrerSource::ReferrersApi => "referrers API",
            ReferrerSource::FallbackTag => "fallback tag",
            ReferrerSource::Layout => "layout index",
        })
    }
}

/// Referrer descriptors as the store lists them (not yet checked against their manifests).
#[derive(Debug, Clone)]
pub struct ReferrerList {
    pub source: ReferrerSource,
    pub descriptors: Vec<Descriptor>,
}

/// A repository in a registry, or an OCI layout.
#[derive(Clone)]
pub enum Repository {
    Registry {
        client: Arc<RegistryClient>,
        reference: Reference,
    },
    Layout {
        layout: OciLayout,
    },
}

impl Repository {
    /// Opens where `image` lives. Layouts must exist (use [`Repository::open_layout_for_write`]
    /// to create one).
    pub fn open(image: &ImageRef, client: &Arc<RegistryClient>) -> Result<Repository> {
        Ok(match image {
            ImageRef::Registry(r) => Repository::Registry {
                client: client.clone(),
                reference: r.clone(),
            },
            ImageRef::Layout(l) => Repository::Layout {
                layout: OciLayout::open(&l.path)?,
            },
        })
    }

    /// What to call this repository in messages: `localhost:5000/app` or `oci:path`.
    pub fn describe(&self) -> String {
        match self {
            Repository::Registry { reference, .. } => reference.repo_only(),
            Repository::Layout { layout } => format!("oci:{}", layout.root().display()),
        }
    }

    fn limits(&self) -> crate::registry::Limits {
        match self {
            Repository::Registry { client, .. } => client.options().limits,
            Repository::Layout { .. } => crate::registry::Limits::default(),
        }
    }

    /// Resolves an image reference to its manifest, once: by digest when the reference has
    /// one (`repo:tag@sha256:D` means D), else by tag (for layouts: the tag, or the only image).
    pub async fn resolve(&self, image: &ImageRef) -> Result<FetchedManifest> {
        match (self, image) {
            (Repository::Registry { client, .. }, ImageRef::Registry(r)) => {
                let sel = match r.digest() {
                    Some(d) => ManifestSel::Digest(d.clone()),
                    None => ManifestSel::Tag(r.tag().unwrap_or("latest").to_string()),
                };
                Ok(client.get_manifest(r, &sel).await?)
            }
            (Repository::Layout { layout }, ImageRef::Layout(l)) => {
                let desc = match (&l.digest, &l.tag) {
                    (Some(d), _) => Descriptor::for_bytes("", b"").with_digest(d.clone()),
                    (None, Some(t)) => {
                        layout
                            .resolve_tag(t)?
                            .ok_or_else(|| LayoutError::NotFound {
                                path: layout.root().to_path_buf(),
                                what: format!("tag {t:?}"),
                            })?
                    }
                    (None, None) => layout.default_image()?,
                };
                let claimed = Some(desc.media_type.as_str()).filter(|m| !m.is_empty());
                let m = layout.read_manifest(&desc.digest, claimed)?;
                Ok(FetchedManifest {
                    digest: m.digest,
                    media_type: m.media_type,
                    bytes: m.bytes,
                    manifest: m.manifest,
                })
            }
            _ => Err(StoreError::Invalid {
                reference: image.to_string(),
                detail: "reference does not belong to this repository".into(),
            }),
        }
    }

    /// The digest an image reference names, taken from the reference when it carries one (no
    /// round trip), otherwise resolved once through its tag.
    pub fn given_digest(image: &ImageRef) -> Option<&Digest> {
        match image {
            ImageRef::Registry(r) => r.digest(),
            ImageRef::Layout(l) => l.digest.as_ref(),
        }
    }

    /// Whether the repository still has the manifest `digest` (asked every time, never from
    /// the content cache: content is immutable, its presence in a repository is not).
    pub async fn manifest_exists(&self, digest: &Digest) -> Result<bool> {
        match self {
            Repository::Registry { client, reference } => Ok(client
                .head_manifest(reference, &ManifestSel::Digest(digest.clone()))
                .await?
                .is_some()),
            Repository::Layout { layout } => Ok(layout.has_blob(digest)),
        }
    }

    /// A manifest by tag or digest; `None` when absent.
    pub async fn manifest(&self, sel: &ManifestSel) -> Result<Option<FetchedManifest>> {
        self.manifest_with(sel, true).await
    }

    /// A manifest by tag or digest, asked of the registry even when its content is cached
    /// (so `None` means the repository no longer has it).
    pub async fn manifest_fresh(&self, sel: &ManifestSel) -> Result<Option<FetchedManifest>> {
        self.manifest_with(sel, false).await
    }

    async fn manifest_with(
        &self,
        sel: &ManifestSel,
        use_cache: bool,
    ) -> Result<Option<FetchedManifest>> {
        match self {
            Repository::Registry { client, reference } if use_cache => {
                Ok(client.fetch_manifest(reference, sel).await?)
            }
            Repository::Registry { client, reference } => {
                Ok(client.fetch_manifest_fresh(reference, sel).await?)
            }
            Repository::Layout { layout } => {
                let digest = match sel {
                    ManifestSel::Digest(d) => {
                        if !layout.has_blob(d) {
                            return Ok(None);
                        }
                        d.clone()
                    }
                    ManifestSel::Tag(t) => match layout.resolve_tag(t)? {
                        Some(desc) => desc.digest,
                        None => return Ok(None),
                    },
                };
                let m = layout.read_manifest(&digest, None)?;
                Ok(Some(FetchedManifest {
                    digest: m.digest,
                    media_type: m.media_type,
                    bytes: m.bytes,
                    manifest: m.manifest,
                }))
            }
        }
    }

    /// A blob, read whole (capped at the blob limit) and digest-checked.
    pub async fn blob(&self, digest: &Digest) -> Result<Vec<u8>> {
        let limit = self.limits().blob_bytes;
        match self {
            Repository::Registry { client, reference } => {
                Ok(client.get_blob(reference, digest, limit).await?)
            }
            Repository::Layout { layout } => Ok(layout.read_blob(digest, limit)?),
        }
    }

    /// Stores a blob (skipped when present).
    pub async fn push_blob(&self, bytes: &[u8]) -> Result<Digest> {
        match self {
            Repository::Registry { client, reference } => {
                Ok(client.push_blob(reference, bytes).await?)
            }
            Repository::Layout { layout } => Ok(layout.write_blob(bytes)?),
        }
    }

    /// Stores a manifest under a tag or by digest.
    pub async fn push_manifest(
        &self,
        bytes: &[u8],
        media_type: &str,
        sel: &ManifestSel,
    ) -> Result<Digest> {
        Ok(self.push_manifest_full(bytes, media_type, sel).await?.0)
    }

    async fn push_manifest_full(
        &self,
        bytes: &[u8],
        media_type: &str,
        sel: &ManifestSel,
    ) -> Result<(Digest, bool)> {
        match self {
            Repository::Registry { client, reference } => {
                let p = client
                    .push_manifest(reference, sel, bytes, media_type)
                    .await?;
                Ok((p.digest, p.subject_indexed.is_some()))
            }
            Repository::Layout { layout } => {
                let tag = match sel {
                    ManifestSel::Tag(t) => Some(t.as_str()),
                    ManifestSel::Digest(_) => None,
                };
                Ok((layout.put_manifest(bytes, media_type, tag)?, true))
            }
        }
    }

    /// Lists the referrers of `subject`: the API, else the fallback tag; the layout's index.
    pub async fn referrers(&self, subject: &Digest) -> Result<ReferrerList> {
        let limit = self.limits().referrers;
        match self {
            Repository::Registry { client, reference } => {
                let (api, speculative) = if client.claim_referrers_probe(reference) {
                    let (api, fallback) = tokio::join!(
                        client.referrers(reference, subject, None),
                        self.fallback_index(subject)
                    );
                    (api?, Some(fallback))
                } else {
                    (client.referrers(reference, subject, None).await?, None)
                };
                if let Some(list) = api {
                    return Ok(ReferrerList {
                        source: ReferrerSource::ReferrersApi,
                        descriptors: list,
                    });
                }
                let index = match speculative {
                    Some(fallback) => fallback?,
                    None => self.fallback_index(subject).await?,
                };
                let descriptors = index.map(|i| i.manifests).unwrap_or_default();
                if descriptors.len() > limit {
                    return Err(RegistryError::TooManyReferrers {
                        subject: subject.clone(),
                        limit,
                    }
                    .into());
                }
                Ok(ReferrerList {
                    source: ReferrerSource::FallbackTag,
                    descriptors,
                })
            }
            Repository::Layout { layout } => Ok(ReferrerList {
                source: ReferrerSource::Layout,
                descriptors: layout.referrers(subject, limit)?,
            }),
        }
    }

    async fn fallback_index(&self, subject: &Digest) -> Result<Option<ImageIndex>> {
        let Some(m) = self.manifest(&ManifestSel::Tag(subject.tag_form())).await? else {
            return Ok(None);
        };
        match m.manifest {
            Manifest::Index(i) => Ok(Some(i)),
            Manifest::Image(_) => Err(StoreError::Invalid {
                reference: format!("{}:{}", self.describe(), subject.tag_form()),
                detail: "the referrers fallback tag is an image manifest, not an index".into(),
            }),
        }
    }

    /// True when the registry's referrers API lists `referrer` for `subject`. Registries that
    /// index subjects without answering `OCI-Subject` (go-containerregistry's) are caught
    /// here, so no redundant fallback tag is written for them.
    async fn api_lists(&self, subject: &Digest, referrer: &Digest) -> Result<bool> {
        let Repository::Registry { client, reference } = self else {
            return Ok(false);
        };
        Ok(client
            .referrers(reference, subject, None)
            .await?
            .is_some_and(|list| list.iter().any(|d| &d.digest == referrer)))
    }

    /// Pushes a manifest that has a `subject`. Where the registry did not index the subject
    /// (no `OCI-Subject` header, and its referrers API does not list the new manifest), adds it to the fallback tag's index, carrying the manifest's
    /// true artifactType and annotations. Returns the digest and how it can be found.
    pub async fn push_referrer(
        &self,
        bytes: &[u8],
        media_type: &str,
    ) -> Result<(Digest, ReferrerSource)> {
        let manifest =
            Manifest::parse(bytes, Some(media_type)).map_err(|e| StoreError::Invalid {
                reference: self.describe(),
                detail: format!("referrer manifest: {e}"),
            })?;
        let subject = manifest
            .subject()
            .cloned()
            .ok_or_else(|| StoreError::Invalid {
                reference: self.describe(),
                detail: "referrer manifest has no subject".into(),
            })?;
        let digest = Digest::sha256_of(bytes);
        let (digest, indexed) = self
            .push_manifest_full(bytes, media_type, &ManifestSel::Digest(digest))
            .await?;
        if let Repository::Layout { .. } = self {
            return Ok((digest, ReferrerSource::Layout));
        }
        if indexed || self.api_lists(&subject.digest, &digest).await? {
            return Ok((digest, ReferrerSource::ReferrersApi));
        }
        let mut index = self
            .fallback_index(&subject.digest)
            .await?
            .unwrap_or_else(ImageIndex::empty);
        if !index.manifests.iter().any(|d| d.digest == digest) {
            let mut d = Descriptor::for_bytes(media_type, bytes);
            d.artifact_type = manifest.artifact_type().map(str::to_string);
            d.annotations = manifest.annotations().cloned();
            index.manifests.push(d);
            index.media_type = Some(media::OCI_INDEX.to_string());
            let body = serde_json::to_vec(&index).map_err(|e| StoreError::Invalid {
                reference: self.describe(),
                detail: e.to_string(),
            })?;
            self.push_manifest(
                &body,
                media::OCI_INDEX,
                &ManifestSel::Tag(subject.digest.tag_form()),
            )
            .await?;
        }
        Ok((digest, ReferrerSource::FallbackTag))
    }
}

impl Descriptor {
    fn with_digest(mut self, d: Digest) -> Descriptor {
        self.digest = d;
        self
    }
}
