//! Tags to digests, for pinning: what a tag points at now, or the manifest of one platform
//! in it. `sigil pin` asks for many references at once; each distinct (reference, platform)
//! is resolved once, a bounded number at a time.
//!
//! Without a platform the answer is the digest the tag points at — for a multi-platform
//! image, the index, which keeps every platform buildable. With a platform it is the digest
//! of that platform's manifest in the index; a single-platform manifest must be for that
//! platform (its config says which), or the request is refused rather than pinning an
//! image the build would not use.

use std::sync::Arc;

use crate::oci::{Digest, ImageRef, Manifest, Platform, Reference};
use crate::registry::RegistryClient;
use crate::store::{Repository, StoreError};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{image} has no manifest for platform {platform} (it has {available})")]
    NoPlatform {
        image: String,
        platform: String,
        available: String,
    },
    #[error(
        "{image} has several manifests for platform {platform} ({candidates}); name the variant"
    )]
    Ambiguous {
        image: String,
        platform: String,
        candidates: String,
    },
    #[error("{image} is a single-platform image for {actual}, not {platform}")]
    WrongPlatform {
        image: String,
        platform: String,
        actual: String,
    },
    #[error("{image}: the image config does not say its platform: {detail}")]
    Config { image: String, detail: String },
    #[error("resolution task failed: {0}")]
    Task(String),
}

/// What a tag resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// What the tag points at (an index or a manifest).
    pub root: Digest,
    /// What to pin: `root`, or the platform's manifest in it.
    pub digest: Digest,
    /// When `root` is an index, the manifests it lists (a pin to one of them still matches
    /// the tag).
    pub children: Vec<Digest>,
}

impl Resolved {
    /// Whether a pin to `digest` still matches what the tag points at: the tag's own
    /// digest, or one of the platform manifests of its index.
    pub fn matches(&self, digest: &Digest) -> bool {
        self.root == *digest || self.children.contains(digest)
    }
}

/// Resolves `reference`'s tag (any digest in it is ignored), for `platform`
/// (`os/arch[/variant]`) when given.
pub async fn resolve(
    client: &Arc<RegistryClient>,
    reference: &Reference,
    platform: Option<&str>,
) -> Result<Resolved, ResolveError> {
    let tag = reference.tag().unwrap_or("latest");
    let tagged = reference.with_tag(tag).map_err(|e| StoreError::Invalid {
        reference: reference.to_string(),
        detail: e.to_string(),
    })?;
    let image = ImageRef::Registry(tagged.clone());
    let repo = Repository::open(&image, client)?;
    let root = repo.resolve(&image).await?;
    let name = tagged.to_string();
    match root.manifest {
        Manifest::Index(index) => {
            let children: Vec<Digest> = index.manifests.iter().map(|d| d.digest.clone()).collect();
            let digest = match platform {
                None => root.digest.clone(),
                Some(p) => {
                    let platforms: Vec<(&Platform, &Digest)> = index
                        .manifests
                        .iter()
                        .filter_map(|d| Some((d.platform.as_ref()?, &d.digest)))
                        .collect();
                    pick(&name, p, &platforms)?.clone()
                }
            };
            Ok(Resolved {
                root: root.digest,
                digest,
                children,
            })
        }
        Manifest::Image(m) => {
            if let Some(p) = platform {
                let config = repo.blob(&m.config.digest).await?;
                let actual = config_platform(&config).map_err(|detail| ResolveError::Config {
                    image: name.clone(),
                    detail,
                })?;
                if !platform_matches(&actual, p) {
                    return Err(ResolveError::WrongPlatform {
                        image: name,
                        platform: p.to_string(),
                        actual: actual.to_string(),
                    });
                }
            }
            Ok(Resolved {
                root: root.digest.clone(),
                digest: root.digest,
                children: Vec::new(),
            })
        }
    }
}

/// Resolves every request, each at most `concurrency` at a time; results in request order.
pub async fn resolve_all(
    client: &Arc<RegistryClient>,
    requests: &[(Reference, Option<String>)],
    concurrency: usize,
) -> Vec<Result<Resolved, ResolveError>> {
    let permits = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    let mut ids = std::collections::HashMap::new();
    for (i, (reference, platform)) in requests.iter().cloned().enumerate() {
        let client = client.clone();
        let permits = permits.clone();
        let handle = tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            resolve(&client, &reference, platform.as_deref()).await
        });
        ids.insert(handle.id(), i);
    }
    let mut out: Vec<Option<Result<Resolved, ResolveError>>> =
        (0..requests.len()).map(|_| None).collect();
    while let Some(joined) = tasks.join_next_with_id().await {
        let (id, result) = match joined {
            Ok((id, r)) => (id, r),
            Err(e) => (e.id(), Err(ResolveError::Task(e.to_string()))),
        };
        if let Some(slot) = ids.get(&id).and_then(|&i| out.get_mut(i)) {
            *slot = Some(result);
        }
    }
    out.into_iter()
        .map(|r| r.unwrap_or_else(|| Err(ResolveError::Task("no result".into()))))
        .collect()
}

/// Whether `platform` (an index entry or a config's) is what `wanted` (`os/arch[/variant]`)
/// asks for; a request without a variant accepts any variant.
pub fn platform_matches(platform: &Platform, wanted: &str) -> bool {
    let mut parts = wanted.splitn(3, '/');
    let (os, arch, variant) = (parts.next(), parts.next(), parts.next());
    Some(platform.os.as_str()) == os
        && Some(platform.architecture.as_str()) == arch
        && variant.is_none_or(|v| platform.variant.as_deref() == Some(v))
}

/// The one manifest of an index for `wanted`: an exact match first, else the only one whose
/// os and architecture match.
fn pick<'a>(
    image: &str,
    wanted: &str,
    platforms: &[(&Platform, &'a Digest)],
) -> Result<&'a Digest, ResolveError> {
    if let Some((_, d)) = platforms.iter().find(|(p, _)| p.to_string() == wanted) {
        return Ok(d);
    }
    let matching: Vec<&(&Platform, &Digest)> = platforms
        .iter()
        .filter(|(p, _)| platform_matches(p, wanted))
        .collect();
    match matching.as_slice() {
        [(_, d)] => Ok(d),
        [] => Err(ResolveError::NoPlatform {
            image: image.to_string(),
            platform: wanted.to_string(),
            available: if platforms.is_empty() {
                "no platforms listed".into()
            } else {
                platforms
                    .iter()
                    .map(|(p, _)| p.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        }),
        many => Err(ResolveError::Ambiguous {
            image: image.to_string(),
            platform: wanted.to_string(),
            candidates: many
                .iter()
                .map(|(p, _)| p.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// The platform an image config declares (`os`, `architecture`, `variant`), read as Go reads
/// it.
fn config_platform(config: &[u8]) -> Result<Platform, String> {
    #[derive(serde::Deserialize)]
    struct Config {
        #[serde(default)]
        os: String,
        #[serde(default)]
        architecture: String,
        #[serde(default)]
        variant: Option<String>,
    }
    let c: Config = crate::oci::gojson::from_slice(config, &crate::oci::gojson::IMAGE_CONFIG)
        .map_err(|e| e.to_string())?;
    if c.os.is_empty() || c.architecture.is_empty() {
        return Err("no os or architecture".into());
    }
    Ok(Platform {
        architecture: c.architecture,
        os: c.os,
        os_version: None,
        os_features: None,
        variant: c.variant.filter(|v| !v.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(os: &str, arch: &str, variant: Option<&str>) -> Platform {
        Platform {
            architecture: arch.into(),
            os: os.into(),
            os_version: None,
            os_features: None,
            variant: variant.map(Into::into),
        }
    }

    #[test]
    fn platform_selection() {
        let (a, b, c, d) = (
            Digest::sha256_of(b"a"),
            Digest::sha256_of(b"b"),
            Digest::sha256_of(b"c"),
            Digest::sha256_of(b"d"),
        );
        let amd = p("linux", "amd64", None);
        let v6 = p("linux", "arm", Some("v6"));
        let v7 = p("linux", "arm", Some("v7"));
        let arm64 = p("linux", "arm64", Some("v8"));
        let all = [(&amd, &a), (&v6, &b), (&v7, &c), (&arm64, &d)];
        assert_eq!(pick("i", "linux/amd64", &all).unwrap(), &a);
        assert_eq!(pick("i", "linux/arm/v7", &all).unwrap(), &c);
        // No variant asked: the only arm64 is taken, whatever its variant.
        assert_eq!(pick("i", "linux/arm64", &all).unwrap(), &d);
        let e = pick("i", "linux/arm", &all).unwrap_err();
        assert!(e.to_string().contains("linux/arm/v6, linux/arm/v7"), "{e}");
        let e = pick("i", "linux/s390x", &all).unwrap_err();
        assert!(
            e.to_string()
                .contains("i has no manifest for platform linux/s390x (it has linux/amd64, "),
            "{e}"
        );
        assert!(!platform_matches(&amd, "windows/amd64"));
    }

    #[test]
    fn config_platforms() {
        let c = config_platform(br#"{"os":"linux","architecture":"arm","variant":"v7"}"#);
        assert_eq!(c.unwrap().to_string(), "linux/arm/v7");
        assert!(config_platform(b"{}").is_err());
        assert!(config_platform(b"not json").is_err());
    }
}
