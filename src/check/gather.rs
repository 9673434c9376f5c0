//! Fetching what a check needs about one image, once: its manifest (by the digest given, or
//! by resolving the tag once), its configuration, its annotations, and the signatures and
//! attestations attached to it — for an index, also for each platform manifest. Nothing is
//! judged here; the evidence is checked per trust entry by [`super`].

use serde_json::{Map, Value as Json, json};

use crate::discover::{self, LegacyKind};
use crate::oci::gojson;
use crate::oci::manifest::{ImageManifest, Manifest};
use crate::oci::{Digest, ImageRef};
use crate::registry::client::{FetchedManifest, ManifestSel};
use crate::store::{Repository, Result, StoreError};
use crate::verify::{AttestationEvidence, SignatureEvidence};

/// Most platform manifests of an index that are checked.
pub const MAX_PLATFORMS: usize = 64;

/// Largest image configuration read.
pub const MAX_CONFIG_BYTES: usize = 4 * 1024 * 1024;

/// One manifest — the image itself or one platform of it — and what is attached to it.
pub struct Subject {
    pub digest: Digest,
    pub media_type: String,
    /// `os/arch[/variant]`, for a platform manifest or an image whose config names it.
    pub platform: Option<String>,
    /// The configuration's fields for the policy input; null for an index.
    pub config: Json,
    pub annotations: Map<String, Json>,
    pub signatures: SignatureEvidence,
    pub attestations: AttestationEvidence,
}

/// Everything fetched about one image reference.
pub struct Gathered {
    /// True when the digest came from the reference itself, not from resolving a tag.
    pub given_by_digest: bool,
    pub root: Subject,
    pub platforms: Vec<Subject>,
}

/// Fetches the image `image` names in `repo`, its configuration and evidence, and for an
/// index each platform's (attestation manifests of `unknown/unknown` are skipped). An image
/// given by digest is fetched from the registry, never from the content cache, so that
/// signatures for an image that was deleted do not pass.
pub async fn gather(repo: &Repository, image: &ImageRef, attestations: bool) -> Result<Gathered> {
    let (fetched, given_by_digest) = match Repository::given_digest(image) {
        Some(d) => {
            let m = repo
                .manifest_fresh(&ManifestSel::Digest(d.clone()))
                .await?
                .ok_or_else(|| StoreError::Invalid {
                    reference: image.to_string(),
                    detail: format!("manifest {d} does not exist"),
                })?;
            (m, true)
        }
        None => (repo.resolve(image).await?, false),
    };
    let children: Vec<(Digest, String)> = match &fetched.manifest {
        Manifest::Index(ix) => ix
            .manifests
            .iter()
            .filter_map(|d| {
                let p = d.platform.as_ref()?;
                (p.os != "unknown").then(|| (d.digest.clone(), p.to_string()))
            })
            .collect(),
        Manifest::Image(_) => Vec::new(),
    };
    if children.len() > MAX_PLATFORMS {
        return Err(StoreError::Invalid {
            reference: image.to_string(),
            detail: format!(
                "index lists {} platforms, more than {MAX_PLATFORMS}",
                children.len()
            ),
        });
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (digest, platform)) in children.into_iter().enumerate() {
        let repo = repo.clone();
        let reference = image.to_string();
        tasks.spawn(async move {
            let got = async {
                let m = repo
                    .manifest(&ManifestSel::Digest(digest.clone()))
                    .await?
                    .ok_or_else(|| StoreError::Invalid {
                        reference: reference.clone(),
                        detail: format!("platform {platform} manifest {digest} does not exist"),
                    })?;
                let whose = format!("{reference} ({platform})");
                subject(&repo, m, Some(platform), &whose, attestations).await
            };
            (i, got.await)
        });
    }
    let root = subject(repo, fetched, None, &image.to_string(), attestations).await?;
    let mut platforms = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (i, got) = joined.map_err(|e| crate::store::task_failed(image.to_string(), e))?;
        platforms.push((i, got?));
    }
    platforms.sort_by_key(|(i, _)| *i);
    Ok(Gathered {
        given_by_digest,
        root,
        platforms: platforms.into_iter().map(|(_, s)| s).collect(),
    })
}

/// The configuration and evidence of one fetched manifest; attestations only when
/// `attestations` (skipping the `.att` tag and the attestation blobs otherwise). `whose`
/// names the image (and platform) in errors.
async fn subject(
    repo: &Repository,
    m: FetchedManifest,
    platform: Option<String>,
    whose: &str,
    attestations: bool,
) -> Result<Subject> {
    let digest = m.digest.clone();
    let evidence = async {
        let kinds: &[LegacyKind] = if attestations {
            &[LegacyKind::Sig, LegacyKind::Att]
        } else {
            &[LegacyKind::Sig]
        };
        let attached = discover::attached_with(repo, &digest, kinds).await?;
        let atts = async {
            if attestations {
                AttestationEvidence::gather(repo, &digest, &attached, None).await
            } else {
                Ok(AttestationEvidence::not_gathered(
                    &digest,
                    attached.referrers_source,
                ))
            }
        };
        let (signatures, attestations) =
            tokio::join!(SignatureEvidence::gather(repo, &digest, &attached), atts);
        Ok::<_, StoreError>((signatures?, attestations?))
    };
    let config = async {
        match &m.manifest {
            Manifest::Image(im) => config_of(repo, im, whose).await,
            Manifest::Index(_) => Ok(Json::Null),
        }
    };
    let (evidence, config) = tokio::join!(evidence, config);
    let (signatures, attestations) = evidence?;
    let config = config?;
    let platform = platform.or_else(|| platform_of(&config));
    let annotations = m
        .manifest
        .annotations()
        .map(|a| {
            a.iter()
                .map(|(k, v)| (k.clone(), Json::String(v.clone())))
                .collect()
        })
        .unwrap_or_default();
    Ok(Subject {
        digest,
        media_type: m.media_type,
        platform,
        config,
        annotations,
        signatures,
        attestations,
    })
}

/// The image configuration's fields the policy input carries; null when the manifest is
/// an artifact whose config is not an image configuration. Errors name `whose`, the image
/// being checked, with the configuration's digest as detail.
async fn config_of(repo: &Repository, m: &ImageManifest, whose: &str) -> Result<Json> {
    let is_image_config = matches!(
        m.config.media_type.as_str(),
        crate::oci::media::OCI_CONFIG | crate::oci::media::DOCKER_CONFIG
    );
    if !is_image_config {
        return Ok(Json::Null);
    }
    if m.config.size > MAX_CONFIG_BYTES as u64 {
        return Err(StoreError::Invalid {
            reference: whose.to_string(),
            detail: format!(
                "its image configuration ({}) is {} bytes, more than the {MAX_CONFIG_BYTES} sigil reads",
                m.config.digest, m.config.size
            ),
        });
    }
    let bytes = repo.blob_of(&m.config).await?;
    // Read as containerd and Docker read it: `{"User":"1000","user":"0"}` runs as 0.
    let raw = gojson::decode(&bytes, &gojson::IMAGE_CONFIG).map_err(|e| StoreError::Invalid {
        reference: whose.to_string(),
        detail: format!("its image configuration ({}): {e}", m.config.digest),
    })?;
    Ok(config_fields(&raw))
}

/// `{user, entrypoint, cmd, env, working_dir, labels, os, architecture, variant, created}`
/// from an image configuration (OCI or Docker) as [`gojson::decode`] reads it with
/// [`gojson::IMAGE_CONFIG`]: fields under their canonical names. Absent fields are null,
/// `user` "" is null.
pub fn config_fields(raw: &Json) -> Json {
    let c = raw.get("config").unwrap_or(&Json::Null);
    let field = |v: Option<&Json>| v.cloned().unwrap_or(Json::Null);
    let user = c
        .get("User")
        .and_then(Json::as_str)
        .filter(|u| !u.trim().is_empty())
        .map(|u| Json::String(u.to_string()))
        .unwrap_or(Json::Null);
    json!({
        "user": user,
        "entrypoint": field(c.get("Entrypoint")),
        "cmd": field(c.get("Cmd")),
        "env": field(c.get("Env")),
        "working_dir": field(c.get("WorkingDir")),
        "labels": c.get("Labels").filter(|l| l.is_object()).cloned().unwrap_or(json!({})),
        "os": field(raw.get("os")),
        "architecture": field(raw.get("architecture")),
        "variant": field(raw.get("variant")),
        "created": field(raw.get("created")),
    })
}

fn platform_of(config: &Json) -> Option<String> {
    let os = config.get("os")?.as_str()?;
    let arch = config.get("architecture")?.as_str()?;
    Some(match config.get("variant").and_then(Json::as_str) {
        Some(v) => format!("{os}/{arch}/{v}"),
        None => format!("{os}/{arch}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_fields_from_a_docker_config() {
        let raw = json!({
            "architecture": "arm64", "os": "linux", "variant": "v8",
            "config": {"User": "65532:65532", "Entrypoint": ["/app"], "Labels": null, "Env": ["A=1"]}
        });
        let c = config_fields(&raw);
        assert_eq!(c["user"], "65532:65532");
        assert_eq!(c["entrypoint"], json!(["/app"]));
        assert_eq!(c["labels"], json!({}));
        assert_eq!(platform_of(&c).unwrap(), "linux/arm64/v8");
        // No user at all, or an empty one, is null: the image runs as root.
        assert_eq!(
            config_fields(&json!({"config": {"User": ""}}))["user"],
            Json::Null
        );
        assert_eq!(config_fields(&json!({}))["user"], Json::Null);
    }

    #[test]
    fn config_fields_as_go_reads_the_configuration() {
        let read = |text: &str| {
            config_fields(&gojson::decode(text.as_bytes(), &gojson::IMAGE_CONFIG).unwrap())
        };
        assert_eq!(
            read(r#"{"config":{"User":"1000","user":"0"}}"#)["user"],
            "0"
        );
        assert_eq!(read(r#"{"Config":{"USER":"0"},"OS":"linux"}"#)["user"], "0");
        assert_eq!(
            read(r#"{"Config":{"USER":"0"},"OS":"linux"}"#)["os"],
            "linux"
        );
        let c = read(r#"{"config":{"Labels":{"a":"1"}},"config":{"Labels":{"b":"2"}}}"#);
        assert_eq!(c["labels"], json!({"a": "1", "b": "2"}));
    }
}
