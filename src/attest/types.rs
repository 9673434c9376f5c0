//! Predicate types: cosign's `--type` names and the predicate-type URIs they stand for.

/// What kind of predicate a `--type` names, which decides how its content is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PredicateKind {
    SlsaProvenance02,
    SlsaProvenance1,
    Spdx,
    CycloneDx,
    OpenVex,
    Vuln,
    /// cosign's `custom`: any content, wrapped as `{"Data": …, "Timestamp": …}`.
    Custom,
    /// A predicate-type URI sigil has no rules for: any JSON object.
    Other,
}

/// A resolved `--type`: its URI and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredicateType {
    pub uri: String,
    pub kind: PredicateKind,
}

pub const SLSA_PROVENANCE_V02: &str = "https://slsa.dev/provenance/v0.2";
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
pub const SPDX: &str = "https://spdx.dev/Document";
pub const CYCLONEDX: &str = "https://cyclonedx.org/bom";
pub const OPENVEX: &str = "https://openvex.dev/ns";
pub const VULN: &str = "https://cosign.sigstore.dev/attestation/vuln/v1";
pub const CUSTOM: &str = "https://cosign.sigstore.dev/attestation/v1";

/// The names `--type` accepts, as cosign spells them.
pub const NAMES: &[&str] = &[
    "slsaprovenance",
    "slsaprovenance02",
    "slsaprovenance1",
    "spdx",
    "spdxjson",
    "cyclonedx",
    "openvex",
    "vuln",
    "custom",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown predicate type {0:?}: use one of {names} or a predicate-type URI", names = NAMES.join(", "))]
pub struct UnknownType(pub String);

impl PredicateType {
    /// Resolves a cosign `--type` name or a predicate-type URI.
    pub fn parse(s: &str) -> Result<PredicateType, UnknownType> {
        let (uri, kind) = match s {
            "slsaprovenance" | "slsaprovenance02" => {
                (SLSA_PROVENANCE_V02, PredicateKind::SlsaProvenance02)
            }
            "slsaprovenance1" => (SLSA_PROVENANCE_V1, PredicateKind::SlsaProvenance1),
            "spdx" | "spdxjson" => (SPDX, PredicateKind::Spdx),
            "cyclonedx" => (CYCLONEDX, PredicateKind::CycloneDx),
            "openvex" => (OPENVEX, PredicateKind::OpenVex),
            "vuln" => (VULN, PredicateKind::Vuln),
            "custom" => (CUSTOM, PredicateKind::Custom),
            uri if uri.starts_with("https://") || uri.starts_with("http://") => {
                return Ok(PredicateType {
                    uri: uri.to_string(),
                    kind: Self::kind_of(uri),
                });
            }
            other => return Err(UnknownType(other.to_string())),
        };
        Ok(PredicateType {
            uri: uri.to_string(),
            kind,
        })
    }

    /// The kind a predicate-type URI denotes.
    pub fn kind_of(uri: &str) -> PredicateKind {
        match uri {
            SLSA_PROVENANCE_V02 => PredicateKind::SlsaProvenance02,
            SLSA_PROVENANCE_V1 => PredicateKind::SlsaProvenance1,
            SPDX => PredicateKind::Spdx,
            CYCLONEDX => PredicateKind::CycloneDx,
            OPENVEX => PredicateKind::OpenVex,
            VULN => PredicateKind::Vuln,
            CUSTOM => PredicateKind::Custom,
            _ => PredicateKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosign_names_and_uris() {
        assert_eq!(
            PredicateType::parse("slsaprovenance1").unwrap().uri,
            SLSA_PROVENANCE_V1
        );
        assert_eq!(
            PredicateType::parse("spdxjson").unwrap().kind,
            PredicateKind::Spdx
        );
        assert_eq!(
            PredicateType::parse(CYCLONEDX).unwrap().kind,
            PredicateKind::CycloneDx
        );
        let other = PredicateType::parse("https://example.com/p/v1").unwrap();
        assert_eq!(other.kind, PredicateKind::Other);
        let err = PredicateType::parse("sbom").unwrap_err().to_string();
        assert!(
            err.contains("unknown predicate type \"sbom\"") && err.contains("cyclonedx"),
            "{err}"
        );
    }
}
