use super::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

fn parse(text: &str) -> Result<TrustFile, TrustError> {
    TrustFile::parse(text, Path::new("sigil.yaml"), &root())
}

fn err(text: &str) -> TrustError {
    parse(text).expect_err("must be refused")
}

const GOOD: &str = r#"
version: 1
unmatched: allow
rules:
  non-root: {mode: warn}
images:
  - name: releases
    match: ["localhost:*/acme/**", "ghcr.io/acme/*"]
    signers:
      - key: keys/cosign.pub
      - identity_regexp: ^https://github\.com/sigil-test/.+$
        issuer: https://token.actions.githubusercontent.com
    roots: ca/root.pem
    threshold: 1
    attestations:
      - name: provenance
        predicate_type: https://slsa.dev/provenance/v1
  - name: everything else
    match: "**"
    mode: warn
    signatures: none
"#;

#[test]
fn a_valid_file_loads() {
    let t = parse(GOOD).unwrap();
    assert_eq!(t.unmatched, Unmatched::Allow);
    assert_eq!(t.entries.len(), 2);
    let e = &t.entries[0];
    assert_eq!(e.line, 7);
    assert_eq!(e.verify.keys.len(), 1);
    assert_eq!(e.verify.certificates.len(), 1);
    assert_eq!(e.signers.len(), 2);
    assert!(
        e.signers[0]["key_id"]
            .as_str()
            .unwrap()
            .starts_with("SHA256:")
    );
    assert_eq!(t.entries[1].mode, Mode::Warn);
    let names: Vec<&str> = t
        .matching("localhost:5000/acme/team/app")
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(names, ["releases", "everything else"]);
    assert_eq!(t.matching("ghcr.io/acme-evil/app").len(), 1);
    let rules = e.rules_config();
    assert_eq!(rules["signed"]["min_signers"], 1);
    assert_eq!(
        rules["required-attestations"]["attestations"][0]["predicate_type"],
        "https://slsa.dev/provenance/v1"
    );
    assert!(rules.get("required-signers").is_none());
}

#[test]
fn threshold_all_requires_every_signer() {
    let t = parse(
        "version: 1\nimages:\n  - name: a\n    match: '**'\n    threshold: all\n    signers:\n      - key: keys/cosign.pub\n",
    )
    .unwrap();
    let rules = t.entries[0].rules_config();
    assert_eq!(rules["required-signers"]["match"], "all");
    assert_eq!(rules["signed"]["min_signers"], 1);
}

#[test]
fn mistakes_are_refused_with_their_line() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "version: 1\nimage:\n  - name: a\n",
            2,
            "unknown field `image`",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    signer: []\n",
            5,
            "unknown field `signer`",
        ),
        ("version: 2\n", 1, "version 2 is not supported"),
        (
            "version: 1\nunmatched: maybe\n",
            2,
            "unknown variant `maybe`",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    mode: audit\n",
            5,
            "unknown variant `audit`",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    threshold: 0\n    signers: [{key: keys/cosign.pub}]\n",
            5,
            "threshold 0",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: 'a/***'\n",
            3,
            "ambiguous",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: []\n",
            3,
            "lists no image globs",
        ),
        (
            "version: 1\n\nimages:\n  - name: a\n    match: '**'\n    signers:\n      - key: keys/missing.pub\n",
            7,
            "key keys/missing.pub",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    signers:\n      - key: ca/root.pem\n",
            6,
            "key ca/root.pem",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    roots: ca/root.pem\n    signers:\n      - identity_regexp: '(unclosed'\n        issuer: x\n",
            3,
            "identity_regexp",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    roots: ca/root.pem\n    signers:\n      - identity: me\n",
            3,
            "exactly one of `issuer`",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    signers:\n      - identity: me\n        issuer: x\n",
            3,
            "needs `roots`",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    signers:\n      - key: keys/cosign.pub\n        identity: me\n",
            3,
            "not both",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    threshold: 2\n    signers:\n      - key: keys/cosign.pub\n",
            3,
            "can never be met",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    signers: [{key: keys/cosign.pub}]\n    attestations: [{name: x}]\n",
            3,
            "predicate_type",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    attestations: [{predicate_type: x}]\n",
            3,
            "none are listed",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    roots: ca/missing.pem\n",
            5,
            "ca/missing.pem",
        ),
        ("version: 1\npolicies: [nowhere/]\n", 2, "nowhere/"),
        ("version: 1\nimages: {name: a}\n", 2, "invalid type"),
        ("version: [1\n", 1, ""),
    ];
    for (text, line, needle) in cases {
        let e = err(text);
        assert_eq!(e.line, *line, "{text:?}: {e}");
        assert!(e.message.contains(needle), "{text:?}: {e}");
        assert!(
            e.to_string().starts_with(&format!("sigil.yaml:{line}")),
            "{e}"
        );
    }
}

#[test]
fn oversized_and_missing_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    std::fs::write(&big, "#".repeat(MAX_TRUST_FILE_BYTES as usize + 1)).unwrap();
    assert!(
        TrustFile::load(&big)
            .unwrap_err()
            .message
            .contains("more than")
    );
    let e = TrustFile::load(&dir.path().join("none.yaml")).unwrap_err();
    assert!(e.message.starts_with("cannot read"), "{e}");
}

/// Rule settings are checked against each rule's schema as the file is parsed, at the line
/// and column of the key or value (they used to load silently and leave the rule off).
#[test]
fn rule_settings_are_checked_where_they_are_written() {
    let cases: &[(&str, usize, usize, &str)] = &[
        (
            "version: 1\nrules:\n  trusted-registry: {enabled: true}\n",
            3,
            3,
            "unknown rule `trusted-registry` in `rules` (did you mean `trusted-registries`?)",
        ),
        (
            "version: 1\nrules:\n  non-root: {min-uid: 1000}\n",
            3,
            14,
            "rule `non-root` has no setting `min-uid` (did you mean `min_uid`?)",
        ),
        (
            "version: 1\nrules:\n  non-root: {enabled: yes}\n",
            3,
            23,
            "`rules.non-root.enabled` must be true or false, not the string \"yes\"",
        ),
        (
            "version: 1\nrules:\n  non-root:\n    enabled: \"true\"\n",
            4,
            14,
            "must be true or false, not the string \"true\"",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    signers: [{key: keys/cosign.pub}]\n    rules:\n      signed: {min_signers: two}\n",
            7,
            29,
            "`rules.signed.min_signers` must be a whole number",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    signers: [{key: keys/cosign.pub}]\n    attestations:\n      - {predicate_type: x, builder_id: [y]}\n",
            7,
            29,
            "unknown key `builder_id` in `attestations[0]` (did you mean `builder_ids`?)",
        ),
    ];
    for (text, line, column, needle) in cases {
        let e = err(text);
        assert_eq!((e.line, e.column), (*line, *column), "{text:?}: {e}");
        assert!(e.message.contains(needle), "{text:?}: {e}");
        assert!(
            e.to_string()
                .starts_with(&format!("sigil.yaml:{line}:{column}: ")),
            "{e}"
        );
    }
}

/// An entry without signers accepts unsigned images, as `threshold: 0` would: it must say so
/// with `signatures: none`, and `signers: []` is refused where it is written.
#[test]
fn unsigned_by_configuration_must_be_explicit() {
    let cases: &[(&str, usize, usize, &str)] = &[
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    signers: []\n",
            5,
            14,
            "`signers` is empty, so the entry would accept unsigned images",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    signers:\n",
            5,
            13,
            "`signers` is empty",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    mode: warn\n",
            3,
            5,
            "entry \"a\": lists no `signers`, so it would accept unsigned images",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    signatures: none\n    signers: [{key: keys/cosign.pub}]\n",
            3,
            5,
            "`signatures: none` accepts unsigned images, yet `signers` are listed",
        ),
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    signatures: optional\n",
            5,
            17,
            "unknown variant `optional`, expected `required` or `none`",
        ),
        // Attestations are verified with the entry's signers, so they still need some.
        (
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    signatures: none\n    attestations: [{predicate_type: x}]\n",
            3,
            5,
            "none are listed",
        ),
    ];
    for (text, line, column, needle) in cases {
        let e = err(text);
        assert_eq!((e.line, e.column), (*line, *column), "{text:?}: {e}");
        assert!(e.message.contains(needle), "{text:?}: {e}");
    }
    let t = parse(
        "version: 1\nimages:\n  - name: tools\n    match: 'docker.io/**'\n    signatures: none\n",
    )
    .unwrap();
    let e = &t.entries[0];
    assert!(e.signers.is_empty());
    assert!(!e.requires_signatures());
    assert!(e.rules_config().get("signed").is_none());
}
