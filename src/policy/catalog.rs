//! The built-in rules by name and code, for reports that list every rule evaluated (the
//! decision trace of `sigil check`, SARIF rule metadata), and the settings each takes, for
//! checking configuration at load ([`super::schema`]). The Rego files in `policies/` are the
//! rules themselves; unit tests check that this table, their codes and the settings they
//! read agree.

use super::schema::{ATTESTATION, BASE_IMAGE, Field, SIGNER, Type, field};

/// Which input kind a rule judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Any input (the input's own validity).
    Any,
    Image,
    Dockerfile,
}

/// One built-in rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: &'static str,
    /// The key under `data.sigil.config.rules`.
    pub name: &'static str,
    pub stage: Stage,
    /// What the rule wants and how to satisfy it (SARIF help, messages).
    pub summary: &'static str,
    /// The partial set rule in package `sigil` whose members are this rule's findings
    /// (`findings` gathers them when the rule is enabled).
    pub set: &'static str,
    /// Its settings besides `enabled` and `mode` ([`super::schema::COMMON`]), as a type:
    /// [`Type::Rule`].
    pub schema: Type,
}

impl RuleInfo {
    /// The rule's own settings (besides `enabled` and `mode`).
    pub fn settings(&self) -> &'static [Field] {
        match self.schema {
            Type::Rule { settings, .. } => settings,
            _ => &[],
        }
    }
}

const REGISTRIES: &[Field] = &[
    field("registries", Type::List(&Type::Str)),
    field("repositories", Type::List(&Type::Str)),
];

pub const RULES: &[RuleInfo] = &[
    rule(
        "SIGIL-INPUT-001",
        "input_findings",
        "input-valid",
        Stage::Any,
        "The policy input must say what it describes (image, dockerfile or admission) and carry the fields that kind needs.",
        &[],
    ),
    rule(
        "SIGIL-IMG-001",
        "img_pinning_findings",
        "digest-pinned",
        Stage::Image,
        "Refer to the image by digest (name@sha256:...), so that what runs is exactly what was checked.",
        &[],
    ),
    rule(
        "SIGIL-IMG-002",
        "img_tags_latest_findings",
        "no-latest",
        Stage::Image,
        "Do not use the tag latest or leave the tag out: name a version.",
        &[field("allow_when_pinned", Type::Bool)],
    ),
    rule(
        "SIGIL-IMG-003",
        "img_tags_tag_findings",
        "allowed-tags",
        Stage::Image,
        "The tag must match one of the configured patterns.",
        &[
            field("patterns", Type::List(&Type::Str)),
            field("allow_untagged", Type::Bool),
        ],
    ),
    rule(
        "SIGIL-IMG-004",
        "img_registries_findings",
        "trusted-registries",
        Stage::Image,
        "Use images only from the configured registries or repositories.",
        REGISTRIES,
    ),
    rule(
        "SIGIL-IMG-005",
        "img_user_findings",
        "non-root",
        Stage::Image,
        "The image must set a user that is not root.",
        &[
            field("require_numeric_uid", Type::Bool),
            field("min_uid", Type::Count),
            field("forbid_root_group", Type::Bool),
        ],
    ),
    rule(
        "SIGIL-IMG-006",
        "img_signatures_signed_findings",
        "signed",
        Stage::Image,
        "The image must carry a verified signature from the requested signers.",
        &[field("min_signers", Type::Count)],
    ),
    rule(
        "SIGIL-IMG-007",
        "img_signatures_signer_findings",
        "required-signers",
        Stage::Image,
        "Each configured signer (or one of them) must have signed the image.",
        &[
            field("signers", Type::List(&SIGNER)),
            field("match", Type::OneOf(&["all", "any"])),
        ],
    ),
    rule(
        "SIGIL-IMG-008",
        "img_attestations_findings",
        "required-attestations",
        Stage::Image,
        "Each configured attestation must be attached and verified.",
        &[field("attestations", Type::List(&ATTESTATION))],
    ),
    rule(
        "SIGIL-IMG-009",
        "img_platforms_findings",
        "platforms-signed",
        Stage::Image,
        "Every platform manifest of an index must be signed on its own.",
        &[],
    ),
    rule(
        "SIGIL-IMG-010",
        "img_base_findings",
        "approved-base-images",
        Stage::Image,
        "The image's base images must be among the approved ones.",
        &[
            field("images", Type::List(&BASE_IMAGE)),
            field("require_known", Type::Bool),
        ],
    ),
    rule(
        "SIGIL-DF-001",
        "df_pinning_findings",
        "dockerfile-digest-pinned",
        Stage::Dockerfile,
        "Pin every image the Dockerfile pulls (FROM, COPY --from, RUN --mount from=) by digest: image:tag@sha256:... (sigil pin does it).",
        &[],
    ),
    rule(
        "SIGIL-DF-002",
        "df_tags_findings",
        "dockerfile-no-latest",
        Stage::Dockerfile,
        "Give every image the Dockerfile pulls an explicit version tag, not latest and not none.",
        &[field("allow_when_pinned", Type::Bool)],
    ),
    rule(
        "SIGIL-DF-003",
        "df_user_findings",
        "dockerfile-non-root",
        Stage::Dockerfile,
        "End the final stage with USER set to a non-root user (a name or uid other than root/0).",
        &[],
    ),
    rule(
        "SIGIL-DF-004",
        "df_registries_findings",
        "dockerfile-trusted-registries",
        Stage::Dockerfile,
        "Pull images only from the configured trusted registries or repositories.",
        REGISTRIES,
    ),
];

const fn rule(
    code: &'static str,
    set: &'static str,
    name: &'static str,
    stage: Stage,
    summary: &'static str,
    settings: &'static [Field],
) -> RuleInfo {
    RuleInfo {
        code,
        name,
        stage,
        summary,
        set,
        schema: Type::Rule { name, settings },
    }
}

/// A rule by its configuration name.
pub fn by_name(name: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.name == name)
}

/// A rule by its code.
pub fn by_code(code: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code in the table is produced by the Rego file that names it, with its name.
    #[test]
    fn the_table_matches_the_policies() {
        let sources: String = super::super::builtin::FILES
            .iter()
            .filter(|f| f.path.ends_with(".rego") && !f.path.ends_with("_test.rego"))
            .map(|f| f.contents)
            .collect();
        for r in RULES {
            assert!(
                sources.contains(&format!("\"{}\"", r.code)),
                "{} not in policies",
                r.code
            );
            assert!(
                sources.contains(&format!("\"{}\"", r.name)),
                "{} not in policies",
                r.name
            );
        }
        let defaults = super::super::builtin::default_data();
        let configured = defaults
            .pointer("/sigil/config/rules")
            .unwrap()
            .as_object()
            .unwrap();
        assert_eq!(configured.len(), RULES.len());
        for name in configured.keys() {
            assert!(by_name(name).is_some(), "{name} has no catalog entry");
        }
    }
}
