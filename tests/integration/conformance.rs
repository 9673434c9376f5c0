//! `sigil verify-blob` against the Sigstore conformance suite's verification vectors
//! (testdata/sigstore-conformance, copied from sigstore/sigstore-conformance): every
//! directory once with the artifact's path and once with its digest, as the suite's client
//! protocol runs them. A `_fail` directory must be refused (exit 1 or 2, never a crash);
//! every other one must verify. Vectors without a trusted_root.json use the embedded
//! public-good root. Plus the exit codes and reasons a user sees.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::harness::{Env, root};

/// The identity and issuer the suite assumes when a vector names none.
const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";
/// The flags that name them.
const SIGNER: [&str; 4] = [
    "--certificate-identity",
    IDENTITY,
    "--certificate-oidc-issuer",
    ISSUER,
];

fn vectors() -> std::path::PathBuf {
    root().join("testdata/sigstore-conformance")
}

/// The `verify-blob` arguments for one vector directory, without the artifact.
fn args_for(dir: &Path) -> Vec<String> {
    let mut args = vec![
        "verify-blob".to_string(),
        "--bundle".to_string(),
        dir.join("bundle.sigstore.json").display().to_string(),
    ];
    let read = |name: &str, default: &str| {
        std::fs::read_to_string(dir.join(name))
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| default.to_string())
    };
    if dir.join("key.pub").exists() {
        args.push("--key".into());
        args.push(dir.join("key.pub").display().to_string());
    } else {
        args.push("--certificate-identity".into());
        args.push(read("identity", IDENTITY));
        args.push("--certificate-oidc-issuer".into());
        args.push(read("issuer", ISSUER));
    }
    if dir.join("trusted_root.json").exists() {
        args.push("--trusted-root".into());
        args.push(dir.join("trusted_root.json").display().to_string());
    }
    args
}

fn artifact_for(dir: &Path) -> std::path::PathBuf {
    let own = dir.join("artifact");
    if own.exists() {
        own
    } else {
        vectors().join("a.txt")
    }
}

#[test]
fn conformance_vectors_all_pass() {
    let env = Env::new();
    let mut dirs: Vec<_> = std::fs::read_dir(vectors())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 70, "the suite has 70 verification vectors");
    let (mut passed, mut failures, mut embedded) = (0, Vec::new(), 0);
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let must_fail = name.ends_with("_fail");
        if !dir.join("trusted_root.json").exists() {
            embedded += 1;
        }
        let artifact = artifact_for(dir);
        let digest = format!(
            "sha256:{}",
            hex::encode(Sha256::digest(std::fs::read(&artifact).unwrap()))
        );
        for input in [artifact.display().to_string(), digest] {
            let mut args = args_for(dir);
            args.push(input.clone());
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = env.sigil(&argv);
            let ok = if must_fail {
                run.code == 1 || run.code == 2
            } else {
                run.code == 0
            };
            if ok {
                passed += 1;
            } else {
                failures.push(format!(
                    "{name} ({input}): exit {}: {}",
                    run.code,
                    run.stderr.trim()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 140 failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(passed, 140);
    assert!(embedded > 0, "some vectors rely on the embedded root");
}

fn happy() -> std::path::PathBuf {
    vectors().join("happy-path-v0.3")
}

fn run_blob(env: &Env, extra: &[&str]) -> crate::harness::Run {
    let bundle = happy().join("bundle.sigstore.json").display().to_string();
    let artifact = vectors().join("a.txt").display().to_string();
    let mut args = vec!["verify-blob", "--bundle", &bundle];
    args.extend_from_slice(extra);
    args.push(&artifact);
    env.sigil(&args)
}

#[test]
fn verify_blob_reports_who_signed_and_when() {
    let env = Env::new();
    run_blob(
        &env,
        &[
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            ISSUER,
        ],
    )
    .code(0)
    .stderr_has("Verified OK")
    .stderr_has(IDENTITY)
    .stderr_has("logged at");
    // Whole-string regular expressions, on the embedded root.
    run_blob(
        &env,
        &[
            "--certificate-identity-regexp",
            "https://github\\.com/sigstore-conformance/.*",
            "--certificate-oidc-issuer-regexp",
            "https://token\\.actions\\..*",
        ],
    )
    .code(0);
}

#[test]
fn verify_blob_denies_another_signer_with_the_reason() {
    let env = Env::new();
    run_blob(
        &env,
        &[
            "--certificate-identity",
            "someone@example.com",
            "--certificate-oidc-issuer",
            ISSUER,
        ],
    )
    .code(1)
    .stderr_has("identity mismatch");
    run_blob(
        &env,
        &[
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            "https://accounts.google.com",
        ],
    )
    .code(1)
    .stderr_has("issuer mismatch");
    // A regexp must match the whole identity, not a part of it.
    run_blob(
        &env,
        &[
            "--certificate-identity-regexp",
            "sigstore-conformance",
            "--certificate-oidc-issuer",
            ISSUER,
        ],
    )
    .code(1)
    .stderr_has("does not match regexp");
    run_blob(
        &env,
        &[
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer-regexp",
            "https://token",
        ],
    )
    .code(1)
    .stderr_has("OIDC issuer");
}

#[test]
fn verify_blob_usage_and_unreadable_inputs_exit_2() {
    let env = Env::new();
    // No signer at all, or only half of an identity policy.
    run_blob(&env, &[])
        .code(2)
        .stderr_has("--certificate-identity");
    run_blob(&env, &["--certificate-identity", IDENTITY])
        .code(2)
        .stderr_has("--certificate-oidc-issuer");
    // A key and an identity together.
    run_blob(
        &env,
        &["--key", "k.pub", "--certificate-identity", IDENTITY],
    )
    .code(2);
    // Unreadable or malformed inputs are operational errors, not denials.
    run_blob(
        &env,
        &[&SIGNER[..], &["--trusted-root", "missing.json"]].concat(),
    )
    .code(2)
    .stderr_has("cannot read trusted root");
    let garbage = env.write("root.json", "{\"mediaType\": 7");
    run_blob(&env, &[&SIGNER[..], &["--trusted-root", &garbage]].concat())
        .code(2)
        .stderr_has("malformed trusted root");
    let bundle = env.write("bundle.json", "[]");
    let real = happy().join("bundle.sigstore.json").display().to_string();
    for (bundle, artifact, says) in [
        (bundle.as_str(), "a.txt", "malformed bundle"),
        (real.as_str(), "no-such-file", "cannot read artifact"),
    ] {
        let args = [
            &["verify-blob", "--bundle", bundle][..],
            &SIGNER,
            &[artifact],
        ]
        .concat();
        env.sigil(&args).code(2).stderr_has(says);
    }
}

#[test]
fn conformance_client_speaks_the_suite_protocol() {
    let mut env = Env::new();
    env.set("SIGIL", env!("CARGO_BIN_EXE_sigil"));
    let client = root().join("scripts/sigstore-conformance-client");
    let bundle = happy().join("bundle.sigstore.json").display().to_string();
    let artifact = vectors().join("a.txt").display().to_string();
    let verify = |issuer: &str| {
        let args = [
            "verify-bundle",
            "--bundle",
            &bundle,
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            issuer,
            &artifact,
        ];
        env.run(&client, &args)
    };
    verify(ISSUER).code(0).stderr_has("Verified OK");
    verify("https://accounts.google.com")
        .code(1)
        .stderr_has("issuer mismatch");
    // Staging and signing need the network: refused as unsupported, never "verified".
    env.run(
        &client,
        &["verify-bundle", "--staging", "--bundle", &bundle, &artifact],
    )
    .code(2);
    env.run(&client, &["sign-bundle", "--bundle", &bundle, &artifact])
        .code(2)
        .stderr_has("unsupported subcommand");
}
