//! The policy engine through the binary: `sigil policy test` on the built-in library (a
//! failing Rego test must fail this suite), conftest-style user policies, data overrides,
//! and broken policies, which must deny with a clear error within the time limit.

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{Env, copy_dir, root};

fn write(path: &Path, text: &str) -> String {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, text).unwrap();
    path.display().to_string()
}

const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// An image input every default rule accepts.
fn good_image() -> Value {
    json!({
        "kind": "image",
        "image": {
            "reference": {
                "given": format!("ghcr.io/acme/app:v1.2.3@{DIGEST}"), "name": "ghcr.io/acme/app",
                "registry": "ghcr.io", "repository": "acme/app", "tag": "v1.2.3",
                "tag_implicit": false, "digest": DIGEST, "pinned": true
            },
            "digest": DIGEST,
            "config": {"user": "65532", "labels": {"maintainer": "team@acme.example"}},
            "signatures": [{"format": "bundle", "signer": {"key_id": "SHA256:k"}}]
        },
        "verification": {"requested": true}
    })
}

/// `nginx` as given: no digest, implicit latest, running as root, unsigned.
fn bad_image() -> Value {
    json!({
        "kind": "image",
        "image": {
            "reference": {
                "given": "nginx", "name": "docker.io/library/nginx", "registry": "docker.io",
                "repository": "library/nginx", "tag": "latest", "tag_implicit": true,
                "digest": null, "pinned": false
            },
            "config": {"user": ""},
            "signatures": []
        },
        "verification": {"requested": true}
    })
}

fn input(env: &Env, name: &str, v: &Value) -> String {
    write(&env.path().join(name), &v.to_string())
}

#[test]
fn builtin_library_tests_pass() {
    let env = Env::new();
    let run = env.sigil(&["policy", "test"]);
    let out = run.ok();
    assert!(out.contains(" passed, 0 failed"), "{out}");
    let verbose = env.sigil(&["policy", "test", "-v"]);
    assert!(
        verbose
            .ok()
            .contains("data.sigil_test.image.pinning.test_tag_only_denied: PASS"),
        "{}",
        verbose.stdout
    );
    let json: Value =
        serde_json::from_str(env.sigil(&["policy", "test", "-o", "json"]).ok()).unwrap();
    assert_eq!(json["failed"], 0);
    assert!(json["passed"].as_u64().unwrap() > 50, "{json}");
    // The same library from disk (the repository's policies/, with its data.json).
    let disk = root().join("policies").display().to_string();
    let run = env.sigil(&["policy", "test", "--no-builtin", &disk]);
    assert!(run.ok().contains(" passed, 0 failed"), "{}", run.stdout);
}

#[test]
fn a_failing_rego_test_fails() {
    let env = Env::new();
    let copy = env.path().join("policies");
    copy_dir(&root().join("policies"), &copy);
    let test_file = copy.join("image/pinning_test.rego");
    let text = std::fs::read_to_string(&test_file).unwrap();
    // Expect the wrong code: the test can no longer pass.
    let broken = text.replacen(
        "r.code == \"SIGIL-IMG-001\"",
        "r.code == \"SIGIL-IMG-999\"",
        1,
    );
    assert_ne!(broken, text);
    std::fs::write(&test_file, broken).unwrap();
    let copy = copy.display().to_string();
    let run = env.sigil(&["policy", "test", "--no-builtin", &copy]);
    run.code(1);
    assert!(
        run.stdout
            .contains("data.sigil_test.image.pinning.test_tag_only_denied: FAIL"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(" passed, 1 failed"), "{}", run.stdout);
    // A test file that does not parse is a load error: exit 2, naming file and line.
    write(
        &env.path().join("policies/extra_test.rego"),
        "package extra\n\ntest_x if {\n  1 ==\n}\n",
    );
    let run = env.sigil(&["policy", "test", "--no-builtin", &copy]);
    run.code(2);
    assert!(
        run.stderr.contains("extra_test.rego:5") || run.stderr.contains("extra_test.rego:4"),
        "{}",
        run.stderr
    );
}

#[test]
fn defaults_deny_unpinned_latest_root_and_unsigned() {
    let env = Env::new();
    let good = input(&env, "good.json", &good_image());
    let run = env.sigil(&["policy", "eval", "--input", &good]);
    assert!(run.ok().contains("ALLOWED"), "{}", run.stdout);

    let bad = input(&env, "bad.json", &bad_image());
    let run = env.sigil(&["policy", "eval", "--input", &bad, "-o", "json"]);
    run.code(1);
    let decision: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(decision["allowed"], false);
    let mut codes: Vec<&str> = decision["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["severity"] == "deny")
        .filter_map(|r| r["code"].as_str())
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            "SIGIL-IMG-001",
            "SIGIL-IMG-002",
            "SIGIL-IMG-005",
            "SIGIL-IMG-006"
        ],
        "{decision:#}"
    );

    // No key or identity given: an unsigned image is not denied for that.
    let mut unverified = good_image();
    unverified["verification"]["requested"] = json!(false);
    unverified["image"]["signatures"] = json!([]);
    let path = input(&env, "unverified.json", &unverified);
    env.sigil(&["policy", "eval", "--input", &path]).ok();
}

#[test]
fn data_switches_rules_off_or_to_warn() {
    let env = Env::new();
    let bad = input(&env, "bad.json", &bad_image());
    let data = write(
        &env.path().join("relaxed.yaml"),
        "sigil:\n  config:\n    rules:\n      digest-pinned: {mode: warn}\n      no-latest: {mode: warn}\n      non-root: {enabled: false}\n      signed: {enabled: false}\n",
    );
    let run = env.sigil(&["policy", "eval", "--input", &bad, "--data", &data]);
    let out = run.ok();
    assert!(out.contains("WARN SIGIL-IMG-001"), "{out}");
    assert!(out.contains("WARN SIGIL-IMG-002"), "{out}");
    assert!(out.contains("ALLOWED (2 warning(s))"), "{out}");
    // Enabling a rule through data: trusted registries.
    let good = input(&env, "good.json", &good_image());
    let data = write(
        &env.path().join("trusted.json"),
        r#"{"sigil": {"config": {"rules": {"trusted-registries": {"enabled": true, "repositories": ["registry.example.com/**"]}}}}}"#,
    );
    let run = env.sigil(&["policy", "eval", "--input", &good, "--data", &data]);
    run.code(1);
    assert!(run.stdout.contains("DENY SIGIL-IMG-004"), "{}", run.stdout);
}

const CONFTEST_POLICY: &str = r#"package main

deny contains msg if {
	input.kind == "Deployment"
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := "Containers must not run as root"
}

warn contains msg if {
	input.kind == "Deployment"
	not input.metadata.labels.app
	msg := "Deployments should have an app label"
}
"#;

#[test]
fn conftest_policies_work_unchanged() {
    let env = Env::new();
    let policy = write(&env.path().join("policy/deployment.rego"), CONFTEST_POLICY);
    let v0 = write(
        &env.path().join("policy/v0.rego"),
        "package main\n\ndeny[msg] {\n  input.kind == \"Deployment\"\n  input.spec.replicas > 10\n  msg := \"too many replicas\"\n}\n",
    );
    let deployment = input(
        &env,
        "deployment.json",
        &json!({"kind": "Deployment", "metadata": {"name": "app"}, "spec": {"replicas": 20, "template": {"spec": {}}}}),
    );
    let run = env.sigil(&[
        "policy",
        "eval",
        "--no-builtin",
        "-i",
        &deployment,
        "-p",
        &policy,
        "-p",
        &v0,
    ]);
    run.code(1);
    assert!(
        run.stdout
            .contains("DENY Containers must not run as root (data.main.deny)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("DENY too many replicas"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("WARN Deployments should have an app label"),
        "{}",
        run.stdout
    );
    // A directory is loaded recursively.
    let dir = env.path().join("policy").display().to_string();
    let run = env.sigil(&[
        "policy",
        "eval",
        "--no-builtin",
        "-i",
        &deployment,
        "-p",
        &dir,
        "-o",
        "json",
    ]);
    run.code(1);
    let d: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(d["results"].as_array().unwrap().len(), 3, "{d:#}");

    // With the built-in library: a user rule on an image input adds to sigil's rules.
    let labels = write(
        &env.path().join("labels.rego"),
        "package main\n\ndeny contains msg if {\n  not input.image.config.labels.owner\n  msg := \"images must carry an owner label\"\n}\n",
    );
    let good = input(&env, "good.json", &good_image());
    let run = env.sigil(&["policy", "eval", "-i", &good, "-p", &labels]);
    run.code(1);
    assert!(
        run.stdout.contains("DENY images must carry an owner label"),
        "{}",
        run.stdout
    );
}

#[test]
fn broken_policies_deny_with_a_clear_error() {
    let env = Env::new();
    let good = input(&env, "good.json", &good_image());

    // Syntax error: named by file and line.
    let syntax = write(
        &env.path().join("syntax.rego"),
        "package main\n\ndeny contains msg if {\n  msg := \"unterminated\n}\n",
    );
    let run = env.sigil(&["policy", "eval", "-i", &good, "-p", &syntax]);
    run.code(1);
    assert!(run.stdout.contains("syntax.rego:4"), "{}", run.stdout);
    assert!(run.stdout.contains("DENIED"), "{}", run.stdout);

    // Runtime error: two values for one complete rule.
    let runtime = write(
        &env.path().join("runtime.rego"),
        "package main\n\nx := 1 if input.kind\nx := 2 if input.kind\n\ndeny contains \"x\" if x == 3\n",
    );
    let run = env.sigil(&["policy", "eval", "-i", &good, "-p", &runtime, "-o", "json"]);
    run.code(1);
    let d: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(d["allowed"], false);
    let errors = d["errors"].as_array().unwrap();
    assert!(
        errors[0].as_str().unwrap().starts_with("main.deny:"),
        "{d:#}"
    );

    // Endless recursion: refused before it can overflow the stack.
    let recursion = write(
        &env.path().join("recursion.rego"),
        "package main\n\nf(x) := y if y := g(x)\n\ng(x) := f(x + 1)\n\ndeny contains \"r\" if f(1) > 0\n",
    );
    let run = env.sigil(&["policy", "eval", "-i", &good, "-p", &recursion]);
    run.code(1);
    assert!(
        run.stdout.contains("recursion is not allowed"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("recursion.rego:3"), "{}", run.stdout);

    // A policy that would run for minutes stops at the time limit.
    let slow = write(
        &env.path().join("slow.rego"),
        "package main\n\ndeny contains \"slow\" if {\n  n := count([x | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); x := i * j])\n  n < 0\n}\n",
    );
    let run = env.sigil(&[
        "policy",
        "eval",
        "-i",
        &good,
        "-p",
        &slow,
        "--timeout",
        "300ms",
    ]);
    run.code(1);
    assert!(run.stdout.contains("time limit"), "{}", run.stdout);
    assert!(run.elapsed < Duration::from_secs(10), "{:?}", run.elapsed);

    // The same failures in `sigil policy test`: a runtime error is an ERROR, not a pass.
    let tests = write(
        &env.path().join("t/broken_test.rego"),
        "package t\n\nx := 1 if true\nx := 2 if true\n\ntest_conflict if x == 1\n\ntest_ok if true\n",
    );
    let run = env.sigil(&["policy", "test", "--no-builtin", &tests]);
    run.code(1);
    assert!(
        run.stdout.contains("data.t.test_conflict: ERROR"),
        "{}",
        run.stdout
    );
}

#[test]
fn input_that_is_not_sigils_schema_is_denied() {
    let env = Env::new();
    let path = input(&env, "odd.json", &json!({"image": "nginx"}));
    let run = env.sigil(&["policy", "eval", "-i", &path]);
    run.code(1);
    assert!(run.stdout.contains("SIGIL-INPUT-001"), "{}", run.stdout);
    // Unreadable input: an operational error.
    env.sigil(&["policy", "eval", "-i", "missing.json"]).code(2);
}
