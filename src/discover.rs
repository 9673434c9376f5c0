//! Finding what is attached to an image: OCI 1.1 referrers (from the API, the fallback tag or
//! a layout's index) and cosign's legacy `sha256-<hex>.sig` / `.att` / `.sbom` tags.
//!
//! A listed referrer only counts once its own manifest has been fetched, hashed and found to
//! name this image as its `subject`; listings (the registry's index, the fallback tag) are
//! hints, and entries that fail the check are reported as rejected rather than used.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::oci::manifest::{Descriptor, Manifest};
use crate::oci::{Digest, Platform};
use crate::registry::{FetchedManifest, ManifestSel};
use crate::store::{ReferrerSource, Repository, Result};

/// A referrer whose manifest was fetched and checked.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Referrer {
    /// `repo@digest`, as `oras discover` prints it.
    pub reference: String,
    pub digest: Digest,
    pub media_type: String,
    pub size: u64,
    /// The manifest's own artifactType (or config media type), not the listing's claim.
    pub artifact_type: String,
    /// What the listing (referrers API or fallback index) claimed, when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listed_artifact_type: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(skip)]
    pub manifest: FetchedManifest,
}

/// A listed referrer that did not check out.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rejected {
    pub digest: Digest,
    pub reason: String,
}

/// Kinds of cosign legacy tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LegacyKind {
    Sig,
    Att,
    Sbom,
}

impl LegacyKind {
    pub const ALL: [LegacyKind; 3] = [LegacyKind::Sig, LegacyKind::Att, LegacyKind::Sbom];

    pub fn suffix(self) -> &'static str {
        match self {
            LegacyKind::Sig => "sig",
            LegacyKind::Att => "att",
            LegacyKind::Sbom => "sbom",
        }
    }

    /// The tag cosign uses for `subject`: `sha256-<hex>.sig`.
    pub fn tag_for(self, subject: &Digest) -> String {
        format!("{}.{}", subject.tag_form(), self.suffix())
    }
}

/// A cosign legacy tag and the layers of its manifest.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyTag {
    pub kind: LegacyKind,
    pub tag: String,
    pub digest: Digest,
    pub layers: Vec<Descriptor>,
    #[serde(skip)]
    pub manifest: FetchedManifest,
}

/// Everything attached to one manifest digest.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attached {
    pub referrers_source: ReferrerSource,
    pub referrers: Vec<Referrer>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<Rejected>,
    pub legacy: Vec<LegacyTag>,
}

/// Finds and checks everything attached to `subject` in `repo`. Requests run concurrently
/// (bounded by the registry client).
pub async fn attached(repo: &Repository, subject: &Digest) -> Result<Attached> {
    attached_with(repo, subject, &LegacyKind::ALL).await
}

/// Like [`attached`], looking only at the legacy tags of the given kinds (a verifier of
/// signatures has no use for `.att` and `.sbom`, and skips their round trips).
pub async fn attached_with(
    repo: &Repository,
    subject: &Digest,
    legacy: &[LegacyKind],
) -> Result<Attached> {
    let (list, legacy) = tokio::join!(repo.referrers(subject), legacy_tags(repo, subject, legacy));
    let list = list?;
    let legacy = legacy?;
    let mut tasks = tokio::task::JoinSet::new();
    let mut seen = std::collections::HashSet::new();
    for (i, d) in list.descriptors.into_iter().enumerate() {
        if !seen.insert(d.digest.clone()) {
            continue;
        }
        let repo = repo.clone();
        tasks.spawn(async move {
            let got = repo.manifest_of(&d).await;
            (i, d, got)
        });
    }
    let mut checked = Vec::new();
    let mut rejected = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (i, d, got) = joined.map_err(join_error)?;
        match got? {
            None => rejected.push(Rejected {
                digest: d.digest,
                reason: "listed, but its manifest does not exist".into(),
            }),
            Some(m) => match m.manifest.subject() {
                Some(s) if &s.digest == subject => {
                    let artifact_type = m.manifest.artifact_type().unwrap_or("").to_string();
                    let listed_artifact_type =
                        d.artifact_type.clone().filter(|l| *l != artifact_type);
                    checked.push((
                        i,
                        Referrer {
                            reference: format!("{}@{}", repo.describe(), m.digest),
                            listed_artifact_type,
                            digest: m.digest.clone(),
                            media_type: m.media_type.clone(),
                            size: m.bytes.len() as u64,
                            artifact_type,
                            annotations: m.manifest.annotations().cloned().unwrap_or_default(),
                            manifest: m,
                        },
                    ))
                }
                Some(s) => rejected.push(Rejected {
                    digest: d.digest,
                    reason: format!("its subject is {}, not this image", s.digest),
                }),
                None => rejected.push(Rejected {
                    digest: d.digest,
                    reason: "its manifest has no subject".into(),
                }),
            },
        }
    }
    checked.sort_by_key(|(i, _)| *i);
    rejected.sort_by(|a, b| a.digest.cmp(&b.digest));
    Ok(Attached {
        referrers_source: list.source,
        referrers: checked.into_iter().map(|(_, r)| r).collect(),
        rejected,
        legacy,
    })
}

/// The cosign legacy tags of the given kinds that exist for `subject`, with their layers.
pub async fn legacy_tags(
    repo: &Repository,
    subject: &Digest,
    kinds: &[LegacyKind],
) -> Result<Vec<LegacyTag>> {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, kind) in kinds.iter().copied().enumerate() {
        let repo = repo.clone();
        let tag = kind.tag_for(subject);
        tasks.spawn(async move {
            (
                i,
                kind,
                repo.manifest(&ManifestSel::Tag(tag.clone())).await,
                tag,
            )
        });
    }
    let mut found = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (i, kind, got, tag) = joined.map_err(join_error)?;
        if let Some(m) = got? {
            let layers = match &m.manifest {
                Manifest::Image(im) => im.layers.clone(),
                Manifest::Index(_) => Vec::new(),
            };
            found.push((
                i,
                LegacyTag {
                    kind,
                    tag,
                    digest: m.digest.clone(),
                    layers,
                    manifest: m,
                },
            ));
        }
    }
    found.sort_by_key(|(i, _)| *i);
    Ok(found.into_iter().map(|(_, t)| t).collect())
}

/// One platform manifest of an index.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Child {
    pub digest: Digest,
    pub media_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    #[serde(flatten)]
    pub attached: Attached,
}

/// An image and everything around it: what `sigil tree` shows.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTree {
    pub reference: String,
    pub digest: Digest,
    pub media_type: String,
    pub size: u64,
    #[serde(flatten)]
    pub attached: Attached,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub manifests: Vec<Child>,
}

/// Builds the tree of an already-resolved image (children of an index included).
pub async fn tree(
    repo: &Repository,
    reference: String,
    root: &FetchedManifest,
) -> Result<ImageTree> {
    let attached_root = attached(repo, &root.digest);
    let children = async {
        let mut out = Vec::new();
        if let Manifest::Index(idx) = &root.manifest {
            let mut tasks = tokio::task::JoinSet::new();
            for (i, d) in idx.manifests.iter().enumerate() {
                let repo = repo.clone();
                let d = d.clone();
                tasks.spawn(async move {
                    let a = attached(&repo, &d.digest).await;
                    (i, d, a)
                });
            }
            let mut got = Vec::new();
            while let Some(j) = tasks.join_next().await {
                got.push(j.map_err(join_error)?);
            }
            got.sort_by_key(|(i, _, _)| *i);
            for (_, d, a) in got {
                out.push(Child {
                    digest: d.digest,
                    media_type: d.media_type,
                    platform: d.platform,
                    attached: a?,
                });
            }
        }
        Ok::<_, crate::store::StoreError>(out)
    };
    let (attached_root, manifests) = tokio::join!(attached_root, children);
    Ok(ImageTree {
        reference,
        digest: root.digest.clone(),
        media_type: root.media_type.clone(),
        size: root.bytes.len() as u64,
        attached: attached_root?,
        manifests: manifests?,
    })
}

/// [`crate::store::task_failed`], for discovery's tasks.
fn join_error(e: tokio::task::JoinError) -> crate::store::StoreError {
    crate::store::task_failed("(discovery task)".into(), e)
}
