use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::*;
use crate::policy::builtin;
use crate::policy::data::parse_data_document;

fn data_err(text: &str, yaml: bool) -> crate::util::located::Located {
    parse_data_document(text, yaml).expect_err("must be refused")
}

#[test]
fn the_defaults_follow_the_schema() {
    let defaults = builtin::FILES
        .iter()
        .find(|f| f.path == "data.json")
        .unwrap()
        .contents;
    assert_eq!(
        parse_data_document(defaults, false).unwrap(),
        builtin::default_data()
    );
}

#[test]
fn valid_documents_read_as_plain_ones() {
    let yaml = "\
other: {anything: [1, two, {three: null}], 1.5: x}
sigil:
  config:
    rules:
      non-root: {enabled: true, mode: warn, min_uid: 1000}
      required-attestations:
        attestations:
          - name: provenance
            predicate_types: [a, b]
            signers: [{identity_regexp: x, issuer: y}]
            conditions: [{path: a.b, equals: {any: [thing]}}, {path: c, one_of: [1, x]}]
";
    let v = parse_data_document(yaml, true).unwrap();
    assert_eq!(v["other"]["anything"], json!([1, "two", {"three": null}]));
    assert_eq!(v["sigil"]["config"]["rules"]["non-root"]["min_uid"], 1000);
    assert_eq!(
        v["sigil"]["config"]["rules"]["required-attestations"]["attestations"][0]["conditions"][0]
            ["equals"],
        json!({"any": ["thing"]})
    );
    let as_json = serde_json::to_string(&v).unwrap();
    assert_eq!(parse_data_document(&as_json, false).unwrap(), v);
    // A document without sigil's settings is anybody's.
    assert_eq!(
        parse_data_document("{\"main\": {\"x\": [true]}}", false).unwrap(),
        json!({"main": {"x": [true]}})
    );
}

#[test]
fn each_mistake_is_refused_at_its_position() {
    // (document, YAML?, line, column, message part)
    let cases: &[(&str, bool, usize, usize, &str)] = &[
        (
            "sigil:\n  config:\n    rules:\n      trusted-registry: {enabled: true}\n",
            true,
            4,
            7,
            "unknown rule `trusted-registry` in `sigil.config.rules` (did you mean `trusted-registries`?)",
        ),
        (
            "sigil:\n  config:\n    rules:\n      non-root: {min-uid: 1000}\n",
            true,
            4,
            18,
            "rule `non-root` has no setting `min-uid` (did you mean `min_uid`?)",
        ),
        (
            "sigil:\n  config:\n    rules:\n      non-root: {enabled: yes}\n",
            true,
            4,
            27,
            "`sigil.config.rules.non-root.enabled` must be true or false, not the string \"yes\"",
        ),
        (
            "sigil:\n  config:\n    rules:\n      non-root:\n        enabled: \"true\"\n",
            true,
            5,
            18,
            "must be true or false, not the string \"true\"",
        ),
        (
            "sigil:\n  config:\n    rules:\n      non-root: {mode: wran}\n",
            true,
            4,
            24,
            "must be one of \"deny\", \"warn\", not the string \"wran\"",
        ),
        (
            "sigil:\n  config:\n    rules:\n      non-root: {min_uid: -1}\n",
            true,
            4,
            27,
            "must be a whole number (0 or more), not the number -1",
        ),
        (
            "sigil:\n  config:\n    rules:\n      non-root: {min_uid: 1.5}\n",
            true,
            4,
            27,
            "not the number 1.5",
        ),
        (
            "sigil:\n  config:\n    rules:\n      non-root:\n",
            true,
            4,
            16,
            "`sigil.config.rules.non-root` must be a map of settings, not null",
        ),
        (
            "sigil:\n  config:\n    rules: ~\n",
            true,
            3,
            12,
            "must be a map of rule names to their settings, not null",
        ),
        (
            "sigil:\n  config:\n    rule: {}\n",
            true,
            3,
            5,
            "unknown key `rule` in `sigil.config` (did you mean `rules`?)",
        ),
        (
            "sigil:\n  config:\n    rules:\n      allowed-tags: {patterns: v1}\n",
            true,
            4,
            32,
            "must be a list of strings, not the string \"v1\"",
        ),
        (
            "sigil:\n  config:\n    rules:\n      approved-base-images:\n        images: [{name: a, digest: [x]}]\n",
            true,
            5,
            28,
            "unknown key `digest` in `sigil.config.rules.approved-base-images.images[0]`",
        ),
        (
            "sigil:\n  config:\n    rules:\n      required-signers: {signers: [{key: x}], match: all}\n",
            true,
            4,
            37,
            "unknown key `key`",
        ),
        (
            "sigil:\n  config:\n    rules:\n      required-signers: {match: every}\n",
            true,
            4,
            33,
            "must be one of \"all\", \"any\"",
        ),
        (
            "sigil:\n  config:\n    rules:\n      signed: {min_signers: 1, min_signers: 2}\n",
            true,
            4,
            15,
            "`sigil.config.rules.signed.min_signers` is given twice",
        ),
        ("[1, 2]\n", false, 1, 1, "a data document"),
        (
            "{\"sigil\": {\"config\": {\"rules\": {\n  \"trusted-registry\": {}}}}}",
            false,
            2,
            20,
            "unknown rule `trusted-registry`",
        ),
        (
            "{\"sigil\": {\"config\": {\"rules\": {\"non-root\": {\n  \"min-uid\": 1000}}}}}",
            false,
            2,
            11,
            "rule `non-root` has no setting `min-uid`",
        ),
        (
            "{\"sigil\": {\"config\": {\"rules\": {\"non-root\": {\n  \"enabled\": \"true\"}}}}}",
            false,
            2,
            19,
            "`sigil.config.rules.non-root.enabled` must be true or false, not the string \"true\"",
        ),
        // Not JSON, so YAML: the setting is still placed.
        (
            "sigil:\n  config:\n    rules:\n      non-root: {min-uid: 1000}\n",
            false,
            4,
            18,
            "no setting `min-uid`",
        ),
    ];
    for (text, yaml, line, column, needle) in cases {
        let e = data_err(text, *yaml);
        assert_eq!((e.line, e.column), (*line, *column), "{text:?}: {e:?}");
        assert!(e.message.contains(needle), "{text:?}: {e:?}");
    }
    // Neither JSON nor YAML is said so, without a position.
    let e = data_err("{\"a\": [\n", false);
    assert!(e.message.starts_with("neither JSON"), "{e:?}");
}

#[test]
fn suggestions_are_for_typos_only() {
    let names = ["trusted-registries", "non-root", "min_uid"];
    assert_eq!(suggest("min-uid", &names), Some("min_uid"));
    assert_eq!(suggest("nonroot", &names), Some("non-root"));
    assert_eq!(suggest("registry", &names), None);
    assert_eq!(edit_distance("kitten", "sitting"), 3);
}

/// The settings of each rule the Rego library reads, found in its source: `param(R, "key"`,
/// `object.get(cfg, [R, "key"]` and `cfg[R].key`, where R is the rule's name or a
/// `*_name := "…"` constant. Reads through a variable rule name (`cfg[name].mode`) are
/// returned under "*". Every use of `cfg` must be one of these, so a new way of reading a
/// setting fails the test instead of going unseen.
fn settings_read_by_the_library() -> BTreeMap<String, BTreeSet<String>> {
    let sources: Vec<&str> = builtin::FILES
        .iter()
        .filter(|f| f.path.ends_with(".rego") && !f.path.ends_with("_test.rego"))
        .map(|f| f.contents)
        .collect();
    let code: Vec<&str> = sources
        .iter()
        .flat_map(|s| s.lines())
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect();
    let constant = regex::Regex::new(r#"^(\w+_name) := "([a-z-]+)"$"#).unwrap();
    let names: BTreeMap<&str, &str> = code
        .iter()
        .filter_map(|l| constant.captures(l.trim()))
        .map(|c| (c.get(1).unwrap().as_str(), c.get(2).unwrap().as_str()))
        .collect();
    let rule = r#"("[a-z-]+"|[\w.]+)"#;
    let reads = [
        format!(r#"\bparam\({rule}, "(\w+)""#),
        format!(r#"object\.get\(cfg, \[{rule}, "(\w+)"\]"#),
        format!(r#"\bcfg\[{rule}\]\.(\w+)"#),
    ]
    .map(|r| regex::Regex::new(&r).unwrap());
    let cfg_word = regex::Regex::new(r"\bcfg\b").unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in &code {
        let trimmed = line.trim();
        // The definitions of `cfg` and of `param` itself.
        if trimmed.starts_with("cfg :=") || trimmed.starts_with("param(name, key, fallback)") {
            continue;
        }
        let mut found = 0;
        for r in &reads {
            for c in r.captures_iter(line) {
                let r = c.get(1).unwrap().as_str();
                let rule = match r.strip_prefix('"') {
                    Some(n) => n.trim_end_matches('"').to_string(),
                    None => names.get(r).map_or("*".to_string(), |n| n.to_string()),
                };
                let key = c.get(2).unwrap().as_str().to_string();
                out.entry(rule).or_default().insert(key);
                if c.get(0).unwrap().as_str().contains("cfg") {
                    found += 1;
                }
            }
        }
        assert_eq!(
            cfg_word.find_iter(line).count(),
            found,
            "a use of cfg this test does not understand: {line}"
        );
    }
    out
}

#[test]
fn the_schema_covers_every_setting_the_library_reads() {
    let read = settings_read_by_the_library();
    let common: BTreeSet<String> = COMMON.iter().map(|f| f.name.to_string()).collect();
    assert!(read["*"].is_subset(&common), "{:?}", read["*"]);
    for r in catalog::RULES {
        let declared: BTreeSet<String> = r.settings().iter().map(|f| f.name.to_string()).collect();
        let mut used = read.get(r.name).cloned().unwrap_or_default();
        assert!(used.remove("enabled"), "{} is never enabled", r.name);
        used.remove("mode");
        // SIGIL-DF-003 takes non-root's settings.
        assert_eq!(used, declared, "settings of {}", r.name);
    }
    let unknown: Vec<&String> = read
        .keys()
        .filter(|k| *k != "*" && catalog::by_name(k).is_none())
        .collect();
    assert!(unknown.is_empty(), "{unknown:?}");
}

/// The keys of the maps inside settings (a required signer, attestation, condition, base
/// image), read in the Rego as `VAR.key` or `object.get(VAR, "key"`.
#[test]
fn the_schema_covers_every_key_of_nested_settings() {
    let file = |path: &str| {
        builtin::FILES
            .iter()
            .find(|f| f.path == path)
            .unwrap()
            .contents
    };
    let cases = [
        ("image/attestations.rego", "req", &ATTESTATION),
        ("image/attestations.rego", "c", &CONDITION),
        ("image/base.rego", "e", &BASE_IMAGE),
        ("lib/sigil.rego", "e", &SIGNER),
    ];
    for (path, var, ty) in cases {
        let read =
            regex::Regex::new(&format!(r#"\b{var}\.(\w+)|object\.get\({var}, "(\w+)""#)).unwrap();
        let used: BTreeSet<&str> = file(path)
            .lines()
            .map(|l| l.split('#').next().unwrap_or(""))
            .flat_map(|l| read.captures_iter(l).collect::<Vec<_>>())
            .map(|c| c.get(1).or(c.get(2)).unwrap().as_str())
            .collect();
        let Type::Object(fields) = ty else {
            panic!("{var} is a map")
        };
        let declared: BTreeSet<&str> = fields.iter().map(|f| f.name).collect();
        assert_eq!(used, declared, "{path}: {var}");
    }
}
