use serde_json::json;

use super::*;

fn engine_with(sources: &[(&str, &str)], builtin: bool) -> Result<PolicyEngine, PolicyError> {
    let mut set = if builtin {
        PolicySet::builtin()
    } else {
        PolicySet::new()
    };
    for (label, src) in sources {
        set.add_source(*label, *src);
    }
    PolicyEngine::new(set, Json::Null, EngineOptions::default())
}

const CONFTEST: &str = r#"package main

import rego.v1

deny contains msg if {
	input.kind == "Deployment"
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := "Containers must not run as root"
}

warn contains {"msg": "old api", "code": "W1"} if input.apiVersion == "v1beta1"
"#;

#[test]
fn conftest_policy_denies_and_warns() {
    let e = engine_with(&[("main.rego", CONFTEST)], false).unwrap();
    let d = e.evaluate(&json!({"kind": "Deployment", "apiVersion": "v1beta1"}));
    assert!(!d.allowed);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.results.len(), 2, "{:?}", d.results);
    let deny = d.denials().next().unwrap();
    assert_eq!(deny.msg, "Containers must not run as root");
    assert_eq!(deny.package, "main");
    assert_eq!(deny.rule, "deny");
    let warn = d.warnings().next().unwrap();
    assert_eq!(warn.code.as_deref(), Some("W1"));
    let d = e.evaluate(&json!({"kind": "Service"}));
    assert!(d.allowed, "{d:?}");
    assert!(d.results.is_empty());
}

#[test]
fn rego_v0_policies_load() {
    let v0 = "package main\n\ndeny[msg] {\n  input.x == 1\n  msg := \"x is 1\"\n}\n";
    let e = engine_with(&[("v0.rego", v0)], false).unwrap();
    let d = e.evaluate(&json!({"x": 1}));
    assert_eq!(d.denials().count(), 1, "{d:?}");
}

#[test]
fn syntax_errors_name_file_and_line() {
    let bad = "package main\n\ndeny contains msg if {\n  msg := \n}\n";
    let err = engine_with(&[("dir/bad.rego", bad)], false).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, PolicyError::Syntax { .. }), "{text}");
    assert!(text.contains("dir/bad.rego"), "{text}");
    assert!(text.contains(":5:") || text.contains(":4:"), "{text}");
}

#[test]
fn runtime_errors_deny_with_the_error() {
    let src = "package main\n\nimport rego.v1\n\nx := 1 if input.a\nx := 2 if input.a\n\n\
               deny contains \"never\" if x == 3\n";
    let ok = "package other\n\nimport rego.v1\n\nwarn contains \"w\" if true\n";
    let e = engine_with(&[("conflict.rego", src), ("ok.rego", ok)], false).unwrap();
    let d = e.evaluate(&json!({"a": true}));
    assert!(!d.allowed);
    assert_eq!(d.errors.len(), 1, "{d:?}");
    assert!(d.errors[0].starts_with("main.deny:"), "{:?}", d.errors);
    // The other package's results are kept.
    assert_eq!(d.warnings().count(), 1);
    // And the engine still works for the next input.
    assert!(e.evaluate(&json!({})).allowed);
}

/// An engine with one module and a time limit of `ms` milliseconds.
fn with_timeout(label: &str, src: &str, ms: u64) -> PolicyEngine {
    let mut set = PolicySet::new();
    set.add_source(label, src);
    let opts = EngineOptions {
        timeout: Duration::from_millis(ms),
        ..EngineOptions::default()
    };
    PolicyEngine::new(set, Json::Null, opts).unwrap()
}

#[test]
fn endless_evaluation_stops_at_the_time_limit() {
    let src = "package main\n\nimport rego.v1\n\ndeny contains \"slow\" if {\n\
               n := count([x | some i in numbers.range(1, 4000); some j in numbers.range(1, 4000); x := i * j])\n\
               n < 0\n}\n";
    let e = with_timeout("slow.rego", src, 200);
    let start = std::time::Instant::now();
    let d = e.evaluate(&json!({}));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(!d.allowed);
    assert!(d.errors[0].contains("time limit"), "{:?}", d.errors);
}

/// A builtin that runs past the limit gives regorus no step at which to look at the clock;
/// a rule that then fails must not pass for it.
#[test]
fn a_result_after_the_time_limit_denies() {
    let src = "package main\n\nimport rego.v1\n\ndeny contains \"wide\" if {\n\
               count(sprintf(\"%020000000d\", [1])) < 0\n}\n";
    let d = with_timeout("wide.rego", src, 5).evaluate(&json!({}));
    assert!(!d.allowed, "{d:?}");
    assert!(d.errors[0].contains("time limit"), "{:?}", d.errors);
}

#[test]
fn recursion_is_an_error() {
    let src = "package main\n\nimport rego.v1\n\nf(x) := y if y := f(x + 1)\n\n\
               deny contains \"r\" if f(1) > 0\n";
    match engine_with(&[("rec.rego", src)], false) {
        Err(e) => assert!(e.to_string().contains("rec"), "{e}"),
        Ok(e) => {
            let d = e.evaluate(&json!({}));
            assert!(!d.allowed);
            assert!(!d.errors.is_empty(), "{d:?}");
        }
    }
}

#[test]
fn builtin_library_loads_and_has_rules_and_tests() {
    let e = PolicyEngine::new(PolicySet::builtin(), Json::Null, EngineOptions::default()).unwrap();
    assert!(e.rule_names().contains(&"sigil.deny".to_string()));
    assert!(!e.run_tests(None).unwrap().results.is_empty());
}

#[test]
fn data_overrides_defaults() {
    let input = json!({"kind": "image", "image": {
        "reference": {"given": "nginx", "name": "docker.io/library/nginx", "registry": "docker.io",
                      "repository": "library/nginx", "tag": "latest", "tag_implicit": true,
                      "digest": null, "pinned": false},
        "config": {"user": "1000"}}});
    let e = PolicyEngine::new(PolicySet::builtin(), Json::Null, EngineOptions::default()).unwrap();
    let d = e.evaluate(&input);
    let codes: Vec<_> = d.denials().filter_map(|r| r.code.clone()).collect();
    assert!(codes.contains(&"SIGIL-IMG-001".into()), "{codes:?}");
    assert!(codes.contains(&"SIGIL-IMG-002".into()), "{codes:?}");
    let data = json!({"sigil": {"config": {"rules": {
        "digest-pinned": {"mode": "warn"}, "no-latest": {"enabled": false}}}}});
    let e = PolicyEngine::new(PolicySet::builtin(), data, EngineOptions::default()).unwrap();
    let d = e.evaluate(&input);
    assert!(d.allowed, "{d:?}");
    assert_eq!(
        d.warnings().next().unwrap().code.as_deref(),
        Some("SIGIL-IMG-001")
    );
}

#[test]
fn builtin_tests_pass() {
    let e = PolicyEngine::new(PolicySet::builtin(), Json::Null, EngineOptions::default()).unwrap();
    let report = e.run_tests(None).unwrap();
    let failures: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.outcome != crate::policy::testing::Outcome::Pass)
        .map(|r| format!("{}.{}: {:?} {:?}", r.package, r.name, r.outcome, r.error))
        .collect();
    assert!(report.ok(), "{failures:#?}");
    assert!(report.passed > 20, "{}", report.passed);
}

#[test]
fn timeouts_parse() {
    assert_eq!(parse_timeout("1s").unwrap(), Duration::from_secs(1));
    assert_eq!(parse_timeout("250ms").unwrap(), Duration::from_millis(250));
    assert_eq!(parse_timeout("1.5").unwrap(), Duration::from_millis(1500));
    assert!(parse_timeout("0").is_err());
    assert!(parse_timeout("soon").is_err());
}

#[test]
fn engine_is_shareable_between_threads() {
    fn check<T: Send + Sync>() {}
    check::<PolicyEngine>();
}

/// The compiled VM and the interpreter must decide alike on the built-in library.
#[test]
fn compiled_and_interpreted_agree() {
    let digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let reference = |given: &str, tag: Json, implicit: bool, d: Json| {
        json!({"given": given, "name": "ghcr.io/acme/app", "registry": "ghcr.io",
               "repository": "acme/app", "tag": tag, "tag_implicit": implicit,
               "digest": d, "pinned": !d.is_null()})
    };
    let image = |r: Json, user: Json, sigs: Json| {
        json!({"kind": "image", "image": {"reference": r, "config": {"user": user},
               "signatures": sigs, "platforms": [
                   {"platform": "linux/arm64", "digest": digest, "config": {"user": "0"}, "signatures": []}],
               "base_images": [{"name": "docker.io/library/alpine", "digest": digest}],
               "attestations": [{"predicate_type": "https://slsa.dev/provenance/v1",
                                 "signer": {"key_id": "k"},
                                 "predicate": {"runDetails": {"builder": {"id": "https://ci.example/b"}}}}]},
               "verification": {"requested": true}})
    };
    let mut inputs = vec![
        image(
            reference("a", json!("v1.2.3"), false, json!(digest)),
            json!("1000"),
            json!([{"signer": {"key_id": "k"}}]),
        ),
        image(
            reference("b", json!("latest"), true, Json::Null),
            json!("root"),
            json!([]),
        ),
        image(
            reference("c", Json::Null, false, json!(digest)),
            Json::Null,
            json!([{"signer": {"identity": "i", "issuer": "s"}}]),
        ),
        json!({"kind": "dockerfile", "dockerfile": {"final_stage": {"user": "0"}, "images": [
            {"use": "from", "line": 1, "text": "alpine", "kind": "implicit",
             "reference": reference("alpine", json!("latest"), true, Json::Null)}]}}),
        json!({"kind": "pod"}),
        json!({}),
    ];
    // The user spellings Go reads as numbers (policies/lib/sigil.rego).
    for user in ["+0", "-00", ":1000", "4294967296", "0005:+0", "1_000"] {
        inputs.push(image(
            reference("u", json!("v1"), false, json!(digest)),
            json!(user),
            json!([]),
        ));
    }
    let everything = json!({"sigil": {"config": {"rules": {
        "allowed-tags": {"enabled": true},
        "trusted-registries": {"enabled": true, "registries": ["docker.io"]},
        "approved-base-images": {"enabled": true, "images": [{"name": "gcr.io/**"}]},
        "required-signers": {"enabled": true, "signers": [{"key_id": "k"}], "match": "any"},
        "required-attestations": {"enabled": true, "attestations": [
            {"predicate_type": "https://slsa.dev/provenance/v1", "builder_ids": ["https://github.com/**"]}]},
        "platforms-signed": {"enabled": true, "mode": "warn"},
        "dockerfile-trusted-registries": {"enabled": true},
        "no-latest": {"mode": "warn"},
        "non-root": {"enabled": true, "forbid_root_group": true, "min_uid": 100}}}}});
    for data in [Json::Null, everything] {
        let vm = PolicyEngine::new(PolicySet::builtin(), data.clone(), EngineOptions::default())
            .unwrap();
        assert!(vm.is_compiled() && vm.is_direct());
        let interpreted = EngineOptions {
            compiled: false,
            ..EngineOptions::default()
        };
        let it = PolicyEngine::new(PolicySet::builtin(), data, interpreted).unwrap();
        assert!(!it.is_compiled());
        for input in &inputs {
            let (a, b) = (vm.evaluate(input), it.evaluate(input));
            assert_eq!(a, b, "{input}");
        }
    }
}

/// Other packages loaded beside the library are evaluated too when the library's rules take
/// the direct path on the VM.
#[test]
fn user_rules_run_beside_the_direct_path() {
    let mut set = PolicySet::builtin();
    set.add_source(
        "labels.rego",
        "package main\n\ndeny contains \"no owner label\" if not input.image.config.labels.owner\n",
    );
    let engine = PolicyEngine::new(set, Json::Null, EngineOptions::default()).unwrap();
    assert!(engine.is_direct());
    let d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let input = json!({"kind": "image", "image": {
        "reference": {"given": "a", "name": "ghcr.io/a", "registry": "ghcr.io", "repository": "a",
                      "tag": null, "tag_implicit": false, "digest": d, "pinned": true},
        "config": {"user": "1000", "labels": {}}}, "verification": {"requested": false}});
    let decision = engine.evaluate(&input);
    assert!(!decision.allowed);
    assert_eq!(decision.results.len(), 1, "{decision:#?}");
    assert_eq!(decision.results[0].msg, "no owner label");
    assert_eq!(decision.results[0].package, "main");
}
