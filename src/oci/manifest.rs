//! OCI / Docker manifests and descriptors, parsed strictly enough that a registry cannot pass
//! off one kind of document as another.
//!
//! The wire bytes are the source of truth (their digest is the manifest's identity), so
//! [`Manifest::parse`] takes bytes plus the media type the server claimed and checks that the
//! claim, the document's own `mediaType` field and its shape all agree. The bytes are read as
//! Go's runtimes read them ([`super::gojson`]): `"Config"` is `config` to containerd.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::digest::Digest;
use super::gojson::{self, GoJsonError};
use super::media;

/// A content descriptor: what a manifest, index or referrers list points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

impl Descriptor {
    /// A descriptor for `bytes` of the given media type.
    pub fn for_bytes(media_type: &str, bytes: &[u8]) -> Descriptor {
        Descriptor {
            media_type: media_type.to_string(),
            digest: Digest::sha256_of(bytes),
            size: bytes.len() as u64,
            artifact_type: None,
            platform: None,
            annotations: None,
            urls: None,
            data: None,
        }
    }

    /// One annotation's value.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.as_ref()?.get(key).map(String::as_str)
    }
}

/// The platform of one entry in an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    pub architecture: String,
    pub os: String,
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
    #[serde(
        rename = "os.features",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_features: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// A single-platform image manifest (OCI or Docker v2 schema 2), also the shape of artifacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    pub config: Descriptor,
    #[serde(default)]
    pub layers: Vec<Descriptor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Descriptor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

impl ImageManifest {
    /// The artifact type as OCI 1.1 defines it: `artifactType`, else the config's media type.
    pub fn effective_artifact_type(&self) -> &str {
        self.artifact_type
            .as_deref()
            .unwrap_or(&self.config.media_type)
    }
}

/// An image index (OCI) or manifest list (Docker); also the body of a referrers response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageIndex {
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Descriptor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

impl ImageIndex {
    /// An empty OCI index, the starting point of a referrers fallback tag.
    pub fn empty() -> ImageIndex {
        ImageIndex {
            schema_version: 2,
            media_type: Some(media::OCI_INDEX.to_string()),
            artifact_type: None,
            manifests: Vec::new(),
            subject: None,
            annotations: None,
        }
    }
}

/// Either kind of manifest. (Both variants are a few hundred bytes; boxing buys nothing.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manifest {
    Image(ImageManifest),
    Index(ImageIndex),
}

/// Why bytes are not an acceptable manifest.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    #[error("manifest is not valid JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// JSON that Go's runtimes would read differently from one another, or not at all.
    #[error("manifest cannot be read as Go's runtimes read it: {0}")]
    Unreadable(#[source] GoJsonError),
    #[error("manifest has neither `manifests` (an index) nor `config` (an image manifest)")]
    UnknownShape,
    #[error("manifest is malformed: {0}")]
    Malformed(#[source] serde_json::Error),
    #[error("unsupported manifest schema version {0} (expected 2)")]
    SchemaVersion(u32),
    #[error("Docker schema 1 manifests ({0}) are not supported")]
    Schema1(String),
    #[error("unsupported manifest media type {0:?}")]
    UnsupportedMediaType(String),
    #[error(
        "media type mismatch: the registry said {claimed:?} but the document is {actual} \
         (its mediaType field is {field:?})"
    )]
    MediaTypeMismatch {
        claimed: String,
        actual: &'static str,
        field: Option<String>,
    },
}

impl Manifest {
    /// Parses manifest bytes. `claimed` is the media type the server or index gave for them
    /// (a Content-Type or a descriptor's mediaType), if any.
    ///
    /// The document's shape decides what it is; its own `mediaType` field and the claimed
    /// type, where present, must both name that same kind.
    pub fn parse(bytes: &[u8], claimed: Option<&str>) -> Result<Manifest, ManifestError> {
        let value = gojson::decode(bytes, &gojson::MANIFEST).map_err(|e| match e {
            GoJsonError::Syntax(e) => ManifestError::NotJson(e),
            other => ManifestError::Unreadable(other),
        })?;
        let obj = value.as_object().ok_or(ManifestError::UnknownShape)?;
        let field = obj
            .get("mediaType")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let schema = obj
            .get("schemaVersion")
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        if schema == 1 {
            return Err(ManifestError::Schema1(
                field.unwrap_or_else(|| media::DOCKER_SCHEMA1.to_string()),
            ));
        }
        let is_index = obj.contains_key("manifests");
        let is_image = obj.contains_key("config");
        let kind = match (is_index, is_image) {
            (true, false) => "an index",
            (false, true) => "an image manifest",
            _ => return Err(ManifestError::UnknownShape),
        };
        let fits = |mt: &str| {
            if is_index {
                media::is_index(mt)
            } else {
                media::is_image_manifest(mt)
            }
        };
        for mt in [field.as_deref(), claimed.map(media::essence)]
            .into_iter()
            .flatten()
        {
            if mt == media::DOCKER_SCHEMA1 || mt == media::DOCKER_SCHEMA1_SIGNED {
                return Err(ManifestError::Schema1(mt.to_string()));
            }
            if !media::is_manifest(mt) {
                return Err(ManifestError::UnsupportedMediaType(mt.to_string()));
            }
            if !fits(mt) {
                return Err(ManifestError::MediaTypeMismatch {
                    claimed: mt.to_string(),
                    actual: kind,
                    field: field.clone(),
                });
            }
        }
        // A Content-Type naming the other manifest standard than the document's own field
        // (OCI vs Docker) is tolerated, as registries commonly do that; the kind must agree.
        if schema != 2 {
            return Err(ManifestError::SchemaVersion(schema as u32));
        }
        if is_index {
            serde_json::from_value(value)
                .map(Manifest::Index)
                .map_err(ManifestError::Malformed)
        } else {
            serde_json::from_value(value)
                .map(Manifest::Image)
                .map_err(ManifestError::Malformed)
        }
    }

    /// The media type to store or serve these bytes under: the document's own field, else
    /// the claimed one, else the OCI type of its kind.
    pub fn media_type<'a>(&'a self, claimed: Option<&'a str>) -> &'a str {
        let own = match self {
            Manifest::Image(m) => m.media_type.as_deref(),
            Manifest::Index(i) => i.media_type.as_deref(),
        };
        own.or(claimed.map(media::essence)).unwrap_or(match self {
            Manifest::Image(_) => media::OCI_MANIFEST,
            Manifest::Index(_) => media::OCI_INDEX,
        })
    }

    /// The `subject` of a referrer, if any.
    pub fn subject(&self) -> Option<&Descriptor> {
        match self {
            Manifest::Image(m) => m.subject.as_ref(),
            Manifest::Index(i) => i.subject.as_ref(),
        }
    }

    /// Manifest-level annotations.
    pub fn annotations(&self) -> Option<&BTreeMap<String, String>> {
        match self {
            Manifest::Image(m) => m.annotations.as_ref(),
            Manifest::Index(i) => i.annotations.as_ref(),
        }
    }

    /// The OCI 1.1 artifact type (`artifactType`, else the config media type for images).
    pub fn artifact_type(&self) -> Option<&str> {
        match self {
            Manifest::Image(m) => Some(m.effective_artifact_type()),
            Manifest::Index(i) => i.artifact_type.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMAGE: &str = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
      "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},
      "layers":[]}"#;
    const INDEX: &str = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;

    #[test]
    fn parses_by_shape_and_agrees_with_claims() {
        assert!(matches!(
            Manifest::parse(IMAGE.as_bytes(), None),
            Ok(Manifest::Image(_))
        ));
        assert!(matches!(
            Manifest::parse(
                INDEX.as_bytes(),
                Some("application/vnd.oci.image.index.v1+json; charset=utf-8")
            ),
            Ok(Manifest::Index(_))
        ));
        assert!(matches!(
            Manifest::parse(IMAGE.as_bytes(), Some(media::DOCKER_MANIFEST)),
            Ok(Manifest::Image(_))
        ));
    }

    /// containerd reads `Config`, `MEDIATYPE` and a second `config` key as the fields they
    /// fold onto; so does sigil, and a document Go's readers disagree on is refused.
    #[test]
    fn reads_keys_as_go_does() {
        let folded = r#"{"SchemaVersion":2,"MEDIATYPE":"application/vnd.oci.image.manifest.v1+json",
          "Config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},
          "config":{"Digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000"},
          "layers":[]}"#;
        let Ok(Manifest::Image(m)) = Manifest::parse(folded.as_bytes(), None) else {
            panic!("not read as an image manifest");
        };
        assert_eq!(m.media_type.as_deref(), Some(media::OCI_MANIFEST));
        assert_eq!(
            m.config.digest.to_string(),
            "sha256:0000000000000000000000000000000000000000000000000000000000000000"
        );
        assert_eq!(m.config.size, 2);
        let twice = r#"{"schemaVersion":2,"config":{},"layers":[{}],"Layers":[{}]}"#;
        assert!(matches!(
            Manifest::parse(twice.as_bytes(), None),
            Err(ManifestError::Unreadable(_))
        ));
    }

    #[test]
    fn rejects_a_claim_that_contradicts_the_content() {
        let err = Manifest::parse(IMAGE.as_bytes(), Some(media::OCI_INDEX)).unwrap_err();
        assert!(
            matches!(err, ManifestError::MediaTypeMismatch { .. }),
            "{err}"
        );
        let lying_field = INDEX.replace("image.index", "image.manifest");
        let err = Manifest::parse(lying_field.as_bytes(), None).unwrap_err();
        assert!(
            matches!(err, ManifestError::MediaTypeMismatch { .. }),
            "{err}"
        );
    }

    #[test]
    fn rejects_schema1_junk_and_ambiguous_shapes() {
        let s1 = r#"{"schemaVersion":1,"name":"x","tag":"y","fsLayers":[]}"#;
        assert!(matches!(
            Manifest::parse(s1.as_bytes(), None),
            Err(ManifestError::Schema1(_))
        ));
        assert!(matches!(
            Manifest::parse(b"\x00\x01", None),
            Err(ManifestError::NotJson(_))
        ));
        let both = r#"{"schemaVersion":2,"manifests":[],"config":{}}"#;
        assert!(matches!(
            Manifest::parse(both.as_bytes(), None),
            Err(ManifestError::UnknownShape)
        ));
        // Keys in another case are the fields they name, to Go and so here: a document
        // with `manifests` and `CONFIG` is both.
        let both = r#"{"schemaVersion":2,"manifests":[],"CONFIG":{}}"#;
        assert!(matches!(
            Manifest::parse(both.as_bytes(), None),
            Err(ManifestError::UnknownShape)
        ));
        let bad_digest = IMAGE.replace("sha256:4413", "sha256:../");
        assert!(matches!(
            Manifest::parse(bad_digest.as_bytes(), None),
            Err(ManifestError::Malformed(_))
        ));
    }
}
