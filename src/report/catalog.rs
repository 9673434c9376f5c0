//! The built-in rules' codes, names and help texts, for report formats that describe the
//! rules they report (SARIF's rule table, JUnit's test cases). The Rego files in
//! `policies/` are the rules themselves; `policies/README.md` documents them at length.

use super::RuleInfo;

/// Codes sigil reports that are not rules of the library: code, name, help.
const OTHER: &[(&str, &str, &str)] = &[
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
    (
        crate::check::UNMATCHED_CODE,
        "trust-entry-matched",
        "With a trust file, every image must match one of its entries (or the file must say `unmatched: allow`).",
    ),
    (
        crate::check::FETCH_ERROR_CODE,
        "image-readable",
        "The image, its configuration and what is attached to it must be readable from the registry; an image that cannot be checked is not allowed.",
    ),
];

/// The rule with this code: the library's (`policy::catalog`), or one of sigil's own.
pub fn lookup(code: &str) -> Option<RuleInfo> {
    if let Some(r) = crate::policy::catalog::by_code(code) {
        return Some(RuleInfo {
            code: r.code.to_string(),
            name: r.name.to_string(),
            help: r.summary.to_string(),
        });
    }
    OTHER
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(code, name, help)| RuleInfo {
            code: code.to_string(),
            name: name.to_string(),
            help: help.to_string(),
        })
}

/// The library's rule with this configuration name.
pub fn by_name(name: &str) -> Option<RuleInfo> {
    crate::policy::catalog::by_name(name).and_then(|r| lookup(r.code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_rules_and_sigils_own_codes_are_found() {
        assert_eq!(by_name("dockerfile-non-root").unwrap().code, "SIGIL-DF-003");
        assert!(lookup("SIGIL-IMG-001").unwrap().help.contains("digest"));
        for (code, _, _) in OTHER {
            assert!(lookup(code).is_some(), "{code}");
            assert!(crate::policy::catalog::by_code(code).is_none(), "{code}");
        }
        assert!(lookup("data.main.deny").is_none());
    }
}
