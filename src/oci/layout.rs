//! OCI image layouts on disk (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`): the embedded
//! default store, so signing and verification work with no registry at all.
//!
//! Reads are treated as untrusted exactly like registry reads (size-capped, digest-checked);
//! writes are atomic (blob files and `index.json` are renamed into place). Tags live in
//! `index.json` as `org.opencontainers.image.ref.name` annotations; referrers are the
//! manifests listed in `index.json` whose `subject` names the image.

use std::path::{Path, PathBuf};

use super::digest::{Digest, DigestError};
use super::manifest::{Descriptor, ImageIndex, Manifest, ManifestError};
use super::media;
use crate::util::fs::write_atomic;

/// The annotation that names a tag in `index.json`.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";
const LAYOUT_FILE: &str = "oci-layout";
const LAYOUT_VERSION: &str = "1.0.0";
/// Cap on `index.json`, like a manifest on a registry.
const INDEX_LIMIT: u64 = 4 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is not an OCI image layout (no oci-layout file)")]
    NotALayout(PathBuf),
    #[error("{path}: {detail}")]
    Invalid { path: PathBuf, detail: String },
    #[error("{path}: is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{path}: content does not match its digest: expected {expected}, got {actual}")]
    DigestMismatch {
        path: PathBuf,
        expected: Digest,
        actual: Digest,
    },
    #[error("{what} not found in layout {path}")]
    NotFound { path: PathBuf, what: String },
    #[error(
        "layout {path} holds {count} tagged images; name one with oci:PATH:TAG or oci:PATH@DIGEST (tags: {tags})"
    )]
    Ambiguous {
        path: PathBuf,
        count: usize,
        tags: String,
    },
    #[error("{path}: invalid manifest: {source}")]
    Manifest {
        path: PathBuf,
        source: ManifestError,
    },
    #[error("{path}: {source}")]
    Digest { path: PathBuf, source: DigestError },
}

type Result<T> = std::result::Result<T, LayoutError>;

/// An OCI image layout directory.
#[derive(Debug, Clone)]
pub struct OciLayout {
    root: PathBuf,
}

/// A manifest read from the layout, verified against its digest.
#[derive(Debug, Clone)]
pub struct LayoutManifest {
    pub digest: Digest,
    pub media_type: String,
    pub bytes: Vec<u8>,
    pub manifest: Manifest,
}

impl OciLayout {
    /// Opens an existing layout.
    pub fn open(root: &Path) -> Result<OciLayout> {
        let marker = root.join(LAYOUT_FILE);
        let text = crate::util::fs::read(&marker).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LayoutError::NotALayout(root.to_path_buf()),
            _ => LayoutError::Io {
                path: marker.clone(),
                source: e,
            },
        })?;
        let v: serde_json::Value =
            serde_json::from_slice(&text).map_err(|e| LayoutError::Invalid {
                path: marker.clone(),
                detail: format!("not JSON: {e}"),
            })?;
        if v.get("imageLayoutVersion")
            .and_then(|x| x.as_str())
            .is_none()
        {
            return Err(LayoutError::Invalid {
                path: marker,
                detail: "no imageLayoutVersion".into(),
            });
        }
        Ok(OciLayout {
            root: root.to_path_buf(),
        })
    }

    /// Opens a layout, creating an empty one if the directory has none.
    pub fn open_or_create(root: &Path) -> Result<OciLayout> {
        if root.join(LAYOUT_FILE).exists() {
            return OciLayout::open(root);
        }
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LayoutError::Io { path, source }
        };
        std::fs::create_dir_all(root.join("blobs").join("sha256")).map_err(io(root))?;
        let marker = root.join(LAYOUT_FILE);
        write_atomic(
            &marker,
            format!("{{\"imageLayoutVersion\":\"{LAYOUT_VERSION}\"}}").as_bytes(),
            None,
        )
        .map_err(io(&marker))?;
        let layout = OciLayout {
            root: root.to_path_buf(),
        };
        if !layout.index_path().exists() {
            layout.write_index(&ImageIndex::empty())?;
        }
        Ok(layout)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn index_path(&self) -> PathBuf {
        self.root.join("index.json")
    }

    /// Where a blob lives. The digest type guarantees the path stays inside `blobs/`.
    pub fn blob_path(&self, d: &Digest) -> PathBuf {
        self.root
            .join("blobs")
            .join(d.algorithm().name())
            .join(d.hex())
    }

    /// The layout's `index.json`.
    pub fn index(&self) -> Result<ImageIndex> {
        let path = self.index_path();
        let bytes = read_capped(&path, INDEX_LIMIT)?;
        super::gojson::from_slice(&bytes, &super::gojson::MANIFEST).map_err(|e| {
            LayoutError::Invalid {
                path,
                detail: format!("index.json is not an image index: {e}"),
            }
        })
    }

    fn write_index(&self, index: &ImageIndex) -> Result<()> {
        let path = self.index_path();
        let bytes = serde_json::to_vec(index).map_err(|e| LayoutError::Invalid {
            path: path.clone(),
            detail: e.to_string(),
        })?;
        write_atomic(&path, &bytes, None).map_err(|source| LayoutError::Io { path, source })
    }

    /// Reads a blob of at most `limit` bytes and checks its digest.
    pub fn read_blob(&self, d: &Digest, limit: u64) -> Result<Vec<u8>> {
        let path = self.blob_path(d);
        if !path.exists() {
            return Err(LayoutError::NotFound {
                path: self.root.clone(),
                what: format!("blob {d}"),
            });
        }
        let bytes = read_capped(&path, limit)?;
        let actual = d.same_algorithm_of(&bytes);
        if &actual != d {
            return Err(LayoutError::DigestMismatch {
                path,
                expected: d.clone(),
                actual,
            });
        }
        Ok(bytes)
    }

    pub fn has_blob(&self, d: &Digest) -> bool {
        self.blob_path(d).is_file()
    }

    /// Stores a blob (atomically; a no-op when already present).
    pub fn write_blob(&self, bytes: &[u8]) -> Result<Digest> {
        let d = Digest::sha256_of(bytes);
        let path = self.blob_path(&d);
        if !path.is_file() {
            write_atomic(&path, bytes, None).map_err(|source| LayoutError::Io { path, source })?;
        }
        Ok(d)
    }

    /// The descriptor `index.json` holds for a tag.
    pub fn resolve_tag(&self, tag: &str) -> Result<Option<Descriptor>> {
        Ok(self
            .index()?
            .manifests
            .into_iter()
            .find(|d| d.annotation(REF_NAME) == Some(tag)))
    }

    /// The single image of a layout named without a tag or digest: the one tagged entry
    /// that is not a cosign/fallback tag, or the only entry.
    pub fn default_image(&self) -> Result<Descriptor> {
        let index = self.index()?;
        let is_attachment = |d: &Descriptor| {
            d.annotation(REF_NAME)
                .is_some_and(|t| t.starts_with("sha256-") || t.starts_with("sha512-"))
        };
        let tagged: Vec<&Descriptor> = index
            .manifests
            .iter()
            .filter(|d| d.annotation(REF_NAME).is_some() && !is_attachment(d))
            .collect();
        match (tagged.as_slice(), index.manifests.as_slice()) {
            ([one], _) => Ok((*one).clone()),
            ([], [only]) => Ok(only.clone()),
            ([], []) => Err(LayoutError::NotFound {
                path: self.root.clone(),
                what: "any image".into(),
            }),
            _ => Err(LayoutError::Ambiguous {
                path: self.root.clone(),
                count: tagged.len(),
                tags: tagged
                    .iter()
                    .filter_map(|d| d.annotation(REF_NAME))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Reads and verifies a manifest blob.
    pub fn read_manifest(&self, d: &Digest, claimed: Option<&str>) -> Result<LayoutManifest> {
        let bytes = self.read_blob(d, INDEX_LIMIT)?;
        let manifest =
            Manifest::parse(&bytes, claimed).map_err(|source| LayoutError::Manifest {
                path: self.blob_path(d),
                source,
            })?;
        Ok(LayoutManifest {
            digest: d.clone(),
            media_type: manifest.media_type(claimed).to_string(),
            bytes,
            manifest,
        })
    }

    /// Stores a manifest and lists it in `index.json`: under `tag` (replacing that tag's
    /// previous entry) or untagged (once per digest).
    pub fn put_manifest(
        &self,
        bytes: &[u8],
        media_type: &str,
        tag: Option<&str>,
    ) -> Result<Digest> {
        let manifest =
            Manifest::parse(bytes, Some(media_type)).map_err(|source| LayoutError::Manifest {
                path: self.root.clone(),
                source,
            })?;
        let d = self.write_blob(bytes)?;
        let mut desc = Descriptor::for_bytes(media_type, bytes);
        desc.artifact_type = manifest
            .artifact_type()
            .filter(|_| manifest.subject().is_some())
            .map(str::to_string);
        let mut index = self.index()?;
        match tag {
            Some(t) => {
                index
                    .manifests
                    .retain(|e| e.annotation(REF_NAME) != Some(t));
                desc.annotations = Some([(REF_NAME.to_string(), t.to_string())].into());
            }
            None => {
                if index.manifests.iter().any(|e| e.digest == d) {
                    return Ok(d);
                }
            }
        }
        index.manifests.push(desc);
        self.write_index(&index)?;
        Ok(d)
    }

    /// Manifests in `index.json` whose `subject` is `subject`, with their true artifact type
    /// and annotations. At most `limit`.
    pub fn referrers(&self, subject: &Digest, limit: usize) -> Result<Vec<Descriptor>> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for entry in self.index()?.manifests {
            if !seen.insert(entry.digest.clone()) {
                continue;
            }
            let m = self.read_manifest(&entry.digest, Some(&entry.media_type))?;
            if m.manifest.subject().map(|s| &s.digest) != Some(subject) {
                continue;
            }
            if out.len() >= limit {
                return Err(LayoutError::Invalid {
                    path: self.root.clone(),
                    detail: format!("{subject} has more than {limit} referrers"),
                });
            }
            let mut d = Descriptor::for_bytes(&m.media_type, &m.bytes);
            d.artifact_type = m.manifest.artifact_type().map(str::to_string);
            d.annotations = m.manifest.annotations().cloned();
            out.push(d);
        }
        Ok(out)
    }

    /// All tags in `index.json`.
    pub fn tags(&self) -> Result<Vec<String>> {
        Ok(self
            .index()?
            .manifests
            .iter()
            .filter_map(|d| d.annotation(REF_NAME).map(str::to_string))
            .collect())
    }
}

/// Reads a file after checking its size, and stops at the cap even if it grows meanwhile.
fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let io = |source| LayoutError::Io {
        path: path.to_path_buf(),
        source,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let size = f.metadata().map_err(io)?.len();
    if size > limit {
        return Err(LayoutError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
        });
    }
    let mut buf = Vec::with_capacity(size as usize);
    f.take(limit + 1).read_to_end(&mut buf).map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(LayoutError::TooLarge {
            path: path.to_path_buf(),
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

/// Writes a minimal single-platform image (config + one layer) into a layout, for fixtures
/// and tests. `user` goes into the config's `User`.
pub fn write_test_image(layout: &OciLayout, tag: &str, user: &str, layer: &[u8]) -> Result<Digest> {
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": {"User": user, "Entrypoint": ["/app"]},
        "rootfs": {"type": "layers", "diff_ids": [Digest::sha256_of(layer).to_string()]}
    });
    let config = serde_json::to_vec(&config).unwrap_or_default();
    layout.write_blob(&config)?;
    layout.write_blob(layer)?;
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": media::OCI_MANIFEST,
        "config": Descriptor::for_bytes(media::OCI_CONFIG, &config),
        "layers": [Descriptor::for_bytes("application/vnd.oci.image.layer.v1.tar", layer)],
    });
    let bytes = serde_json::to_vec(&manifest).unwrap_or_default();
    layout.put_manifest(&bytes, media::OCI_MANIFEST, Some(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_reads_and_finds_referrers() {
        let dir = tempfile::tempdir().unwrap();
        let l = OciLayout::open_or_create(dir.path()).unwrap();
        let img = write_test_image(&l, "v1", "1000", b"layer").unwrap();
        assert_eq!(l.resolve_tag("v1").unwrap().unwrap().digest, img);
        assert_eq!(l.default_image().unwrap().digest, img);
        let subject = l.resolve_tag("v1").unwrap().unwrap();
        let referrer = serde_json::json!({
            "schemaVersion": 2, "mediaType": media::OCI_MANIFEST,
            "artifactType": "application/example",
            "config": Descriptor::for_bytes(media::OCI_EMPTY, b"{}"),
            "layers": [], "subject": subject,
            "annotations": {"a": "b"}
        });
        l.write_blob(b"{}").unwrap();
        let rd = l
            .put_manifest(
                &serde_json::to_vec(&referrer).unwrap(),
                media::OCI_MANIFEST,
                None,
            )
            .unwrap();
        let found = l.referrers(&img, 10).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].digest, rd);
        assert_eq!(
            found[0].artifact_type.as_deref(),
            Some("application/example")
        );
        assert!(l.referrers(&rd, 10).unwrap().is_empty());
        // Reopening sees the same content.
        let again = OciLayout::open(dir.path()).unwrap();
        assert_eq!(again.tags().unwrap(), vec!["v1".to_string()]);
    }

    #[test]
    fn tampered_blobs_and_non_layouts_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            OciLayout::open(dir.path()),
            Err(LayoutError::NotALayout(_))
        ));
        let l = OciLayout::open_or_create(dir.path()).unwrap();
        let d = write_test_image(&l, "v1", "", b"x").unwrap();
        std::fs::write(l.blob_path(&d), b"{\"schemaVersion\":2}").unwrap();
        assert!(matches!(
            l.read_manifest(&d, None),
            Err(LayoutError::DigestMismatch { .. })
        ));
    }
}
