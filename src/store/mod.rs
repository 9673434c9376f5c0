//! One interface over the two places images live — a registry repository or an OCI image
//! layout on disk — so that tree, sign and verify are written once.
//!
//! This is also where OCI 1.1 referrers are unified: the referrers API where the registry
//! has it, the `sha256-<hex>` fallback tag where it does not (read, and updated on push when
//! the registry did not answer with `OCI-Subject`), and `index.json` in a layout.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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
    #[error(
        "{image}: reading it takes more than {limit} bytes (manifests, configuration, signatures \
         and attestations together); refusing to read more (raise --max-read-per-image)"
    )]
    ReadBudget { image: String, limit: u64 },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A task that panicked or was cancelled is an error, never a silently missing result.
pub(crate) fn task_failed(reference: String, e: tokio::task::JoinError) -> StoreError {
    StoreError::Invalid {
        reference,
        detail: e.to_string(),
    }
}

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

/// A repository in a registry, or an OCI layout, opened for one image: clones share the
/// image's [`ReadBudget`].
#[derive(Clone)]
pub struct Repository {
    place: Place,
    budget: Arc<ReadBudget>,
}

#[derive(Clone)]
enum Place {
    Registry {
        client: Arc<RegistryClient>,
        reference: Reference,
    },
    Layout {
        layout: OciLayout,
    },
}

/// What one image may have read into memory: its manifests, configuration, signatures and
/// attestations together (the referrers listing has its own cap). However a registry shapes
/// what it serves — one blob listed a thousand times, a thousand large referrers — checking
/// one image holds no more than this. Blobs are reserved at their declared size before they
/// are fetched (see [`Repository::blob_of`]); manifests are counted as they arrive.
#[derive(Debug)]
pub struct ReadBudget {
    image: String,
    limit: u64,
    used: AtomicU64,
}

impl ReadBudget {
    fn new(image: String, limit: u64) -> ReadBudget {
        ReadBudget {
            image,
            limit,
            used: AtomicU64::new(0),
        }
    }

    /// Counts `bytes` as read, or refuses when that would pass the limit.
    fn take(&self, bytes: u64) -> Result<()> {
        self.used
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |used| {
                used.checked_add(bytes).filter(|total| *total <= self.limit)
            })
            .map(|_| ())
            .map_err(|_| StoreError::ReadBudget {
                image: self.image.clone(),
                limit: self.limit,
            })
    }
}

impl Repository {
    /// Opens where `image` lives, with a fresh [`ReadBudget`] for it (the client's
    /// `image_bytes` limit). Layouts must exist.
    pub fn open(image: &ImageRef, client: &Arc<RegistryClient>) -> Result<Repository> {
        let place = match image {
            ImageRef::Registry(r) => Place::Registry {
                client: client.clone(),
                reference: r.clone(),
            },
            ImageRef::Layout(l) => Place::Layout {
                layout: OciLayout::open(&l.path)?,
            },
        };
        let limit = client.options().limits.image_bytes;
        Ok(Repository {
            place,
            budget: Arc::new(ReadBudget::new(image.to_string(), limit)),
        })
    }

    /// What to call this repository in messages: `localhost:5000/app` or `oci:path`.
    pub fn describe(&self) -> String {
        match &self.place {
            Place::Registry { reference, .. } => reference.repo_only(),
            Place::Layout { layout } => format!("oci:{}", layout.root().display()),
        }
    }

    fn limits(&self) -> crate::registry::Limits {
        match &self.place {
            Place::Registry { client, .. } => client.options().limits,
            Place::Layout { .. } => crate::registry::Limits::default(),
        }
    }

    /// Resolves an image reference to its manifest, once: by digest when the reference has
    /// one (`repo:tag@sha256:D` means D), else by tag (for layouts: the tag, or the only image).
    pub async fn resolve(&self, image: &ImageRef) -> Result<FetchedManifest> {
        let m = self.resolve_uncounted(image).await?;
        self.budget.take(m.bytes.len() as u64)?;
        Ok(m)
    }

    async fn resolve_uncounted(&self, image: &ImageRef) -> Result<FetchedManifest> {
        match (&self.place, image) {
            (Place::Registry { client, .. }, ImageRef::Registry(r)) => {
                let sel = match r.digest() {
                    Some(d) => ManifestSel::Digest(d.clone()),
                    None => ManifestSel::Tag(r.tag().unwrap_or("latest").to_string()),
                };
                Ok(client.get_manifest(r, &sel).await?)
            }
            (Place::Layout { layout }, ImageRef::Layout(l)) => {
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
        match &self.place {
            Place::Registry { client, reference } => Ok(client
                .head_manifest(reference, &ManifestSel::Digest(digest.clone()))
                .await?
                .is_some()),
            Place::Layout { layout } => Ok(layout.has_blob(digest)),
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

    /// The manifest a descriptor names (a listed referrer), `None` when absent. Its declared
    /// size is reserved from the image's budget before it is fetched, so that many listed
    /// manifests fetched at once cannot together pass the budget; a manifest larger than its
    /// descriptor said is counted in full once read.
    pub async fn manifest_of(&self, d: &Descriptor) -> Result<Option<FetchedManifest>> {
        let reserved = d.size.min(self.limits().manifest_bytes);
        self.budget.take(reserved)?;
        let m = self
            .manifest_uncounted(&ManifestSel::Digest(d.digest.clone()), true)
            .await?;
        if let Some(m) = &m {
            self.budget
                .take((m.bytes.len() as u64).saturating_sub(reserved))?;
        }
        Ok(m)
    }

    async fn manifest_with(
        &self,
        sel: &ManifestSel,
        use_cache: bool,
    ) -> Result<Option<FetchedManifest>> {
        let m = self.manifest_uncounted(sel, use_cache).await?;
        if let Some(m) = &m {
            self.budget.take(m.bytes.len() as u64)?;
        }
        Ok(m)
    }

    async fn manifest_uncounted(
        &self,
        sel: &ManifestSel,
        use_cache: bool,
    ) -> Result<Option<FetchedManifest>> {
        match &self.place {
            Place::Registry { client, reference } if use_cache => {
                Ok(client.fetch_manifest(reference, sel).await?)
            }
            Place::Registry { client, reference } => {
                Ok(client.fetch_manifest_fresh(reference, sel).await?)
            }
            Place::Layout { layout } => {
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

    /// A blob, read whole (capped at the blob limit), digest-checked, and counted against the
    /// image's budget once read.
    pub async fn blob(&self, digest: &Digest) -> Result<Vec<u8>> {
        let limit = self.limits().blob_bytes;
        let bytes = self.read_blob(digest, limit).await?;
        self.budget.take(bytes.len() as u64)?;
        Ok(bytes)
    }

    /// The blob a descriptor names, read no further than its declared size (and the blob
    /// limit), which is reserved from the image's budget before it is fetched.
    pub async fn blob_of(&self, d: &Descriptor) -> Result<Vec<u8>> {
        let limit = d.size.min(self.limits().blob_bytes);
        self.budget.take(limit)?;
        self.read_blob(&d.digest, limit).await
    }

    /// The blobs `descriptors` name, each fetched once however many descriptors name it (an
    /// honest `.sig` manifest names one payload once per signer), concurrently (bounded by the
    /// registry client). Their declared sizes are reserved from the image's budget together
    /// before anything is fetched, so an over-budget set is refused without reading any of it.
    /// Any fetch error is an error for the whole set.
    pub async fn blobs_of<'a>(
        &self,
        descriptors: impl IntoIterator<Item = &'a Descriptor>,
    ) -> Result<HashMap<Digest, Vec<u8>>> {
        let cap = self.limits().blob_bytes;
        let mut wanted: HashMap<Digest, u64> = HashMap::new();
        for d in descriptors {
            // Descriptors that disagree on a digest's size are read to the largest claim;
            // the content is what its digest says either way.
            let size = wanted.entry(d.digest.clone()).or_default();
            *size = (*size).max(d.size.min(cap));
        }
        let total = wanted
            .values()
            .try_fold(0u64, |sum, s| sum.checked_add(*s))
            .unwrap_or(u64::MAX);
        self.budget.take(total)?;
        let mut tasks = tokio::task::JoinSet::new();
        for (digest, limit) in wanted {
            let repo = self.clone();
            tasks.spawn(async move {
                let got = repo.read_blob(&digest, limit).await;
                (digest, got)
            });
        }
        let mut out = HashMap::new();
        while let Some(joined) = tasks.join_next().await {
            let (digest, got) = joined.map_err(|e| task_failed(self.describe(), e))?;
            out.insert(digest, got?);
        }
        Ok(out)
    }

    async fn read_blob(&self, digest: &Digest, limit: u64) -> Result<Vec<u8>> {
        match &self.place {
            Place::Registry { client, reference } => {
                Ok(client.get_blob(reference, digest, limit).await?)
            }
            Place::Layout { layout } => Ok(layout.read_blob(digest, limit)?),
        }
    }

    /// Stores a blob (skipped when present).
    pub async fn push_blob(&self, bytes: &[u8]) -> Result<Digest> {
        match &self.place {
            Place::Registry { client, reference } => Ok(client.push_blob(reference, bytes).await?),
            Place::Layout { layout } => Ok(layout.write_blob(bytes)?),
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
        match &self.place {
            Place::Registry { client, reference } => {
                let p = client
                    .push_manifest(reference, sel, bytes, media_type)
                    .await?;
                Ok((p.digest, p.subject_indexed.is_some()))
            }
            Place::Layout { layout } => {
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
        match &self.place {
            Place::Registry { client, reference } => {
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
            Place::Layout { layout } => Ok(ReferrerList {
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
        let Place::Registry { client, reference } = &self.place else {
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
        if let Place::Layout { .. } = &self.place {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_refuses_the_first_byte_past_it_naming_the_image() {
        let b = ReadBudget::new("reg.example/app@sha256:1".into(), 100);
        b.take(60).unwrap();
        b.take(40).unwrap();
        let e = b.take(1).unwrap_err().to_string();
        assert!(
            e.starts_with("reg.example/app@sha256:1: reading it takes more than 100 bytes"),
            "{e}"
        );
        // A refused take counts nothing; an overflowing one is refused.
        b.take(0).unwrap();
        assert!(b.take(u64::MAX).is_err());
        assert_eq!(b.used.load(Ordering::SeqCst), 100);
    }
}
