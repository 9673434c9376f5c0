//! The built-in rules' codes, names and help texts, for report formats that describe the
//! rules they report (SARIF's rule table, JUnit's test cases). The Rego files in
//! `policies/` are the rules themselves; `policies/README.md` documents them at length.

use super::RuleInfo;

/// Code, name, help.
const RULES: &[(&str, &str, &str)] = &[
    (
        "SIGIL-INPUT-001",
        "input-valid",
        "The policy input must say what it describes (image, dockerfile or admission) and carry the fields that kind needs.",
    ),
    (
        "SIGIL-IMG-001",
        "digest-pinned",
        "Refer to the image by digest (name@sha256:...), so that what runs is exactly what was checked.",
    ),
    (
        "SIGIL-IMG-002",
        "no-latest",
        "Do not use the tag latest or leave the tag out: name a version.",
    ),
    (
        "SIGIL-IMG-003",
        "allowed-tags",
        "The tag must match one of the configured patterns.",
    ),
    (
        "SIGIL-IMG-004",
        "trusted-registries",
        "Use images only from the configured registries or repositories.",
    ),
    (
        "SIGIL-IMG-005",
        "non-root",
        "The image must set a user that is not root.",
    ),
    (
        "SIGIL-IMG-006",
        "signed",
        "The image must carry a verified signature from the requested signers.",
    ),
    (
        "SIGIL-IMG-007",
        "required-signers",
        "Each configured signer (or one of them) must have signed the image.",
    ),
    (
        "SIGIL-IMG-008",
        "required-attestations",
        "Each configured attestation must be attached and verified.",
    ),
    (
        "SIGIL-IMG-009",
        "platforms-signed",
        "Every platform manifest of an index must be signed on its own.",
    ),
    (
        "SIGIL-IMG-010",
        "approved-base-images",
        "The image's base images must be among the approved ones.",
    ),
    (
        "SIGIL-DF-001",
        "dockerfile-digest-pinned",
        "Pin every image the Dockerfile pulls (FROM, COPY --from, RUN --mount from=) by digest: image:tag@sha256:... (sigil pin does it).",
    ),
    (
        "SIGIL-DF-002",
        "dockerfile-no-latest",
        "Give every image the Dockerfile pulls an explicit version tag, not latest and not none.",
    ),
    (
        "SIGIL-DF-003",
        "dockerfile-non-root",
        "End the final stage with USER set to a non-root user (a name or uid other than root/0).",
    ),
    (
        "SIGIL-DF-004",
        "dockerfile-trusted-registries",
        "Pull images only from the configured trusted registries or repositories.",
    ),
    (
        "SIGIL-DF-PARSE",
        "dockerfile-syntax",
        "The Dockerfile must be readable UTF-8 text that parses; the error says where it does not.",
    ),
    (
        "SIGIL-POLICY-ERROR",
        "policy-error",
        "A policy failed to evaluate (a runtime error or the time limit); a failed policy denies.",
    ),
];

/// The built-in rule with this code.
pub fn lookup(code: &str) -> Option<RuleInfo> {
    RULES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(code, name, help)| RuleInfo {
            code: code.to_string(),
            name: name.to_string(),
            help: help.to_string(),
        })
}

/// The built-in rule with this name.
pub fn by_name(name: &str) -> Option<RuleInfo> {
    RULES
        .iter()
        .find(|(_, n, _)| *n == name)
        .and_then(|(code, _, _)| lookup(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code and name in the table is one the Rego library defines.
    #[test]
    fn the_table_matches_the_library() {
        let mut library = String::new();
        for f in crate::policy::builtin::FILES {
            library.push_str(f.contents);
        }
        for (code, name, _) in RULES {
            if code.starts_with("SIGIL-DF-PARSE") || code.starts_with("SIGIL-POLICY") {
                continue;
            }
            assert!(library.contains(&format!("\"{code}\"")), "{code}");
            assert!(library.contains(&format!("\"{name}\"")), "{name}");
        }
        assert_eq!(by_name("dockerfile-non-root").unwrap().code, "SIGIL-DF-003");
    }
}
