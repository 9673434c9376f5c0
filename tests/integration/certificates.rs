//! Certificate-backed signatures with the Fulcio-shaped test CA in testdata/ca: sigil signs
//! with `--certificate`/`--certificate-chain` and verifies identities, issuers and chains; each
//! negative fixture is denied for its reason; and cosign reads what sigil signs and the other
//! way round, on both registries.

use serde_json::Value;

use crate::harness::{COSIGN_OFFLINE, Env, Kind, Registry, Run, push_image, root};

const HTTP: &str = "--allow-http-registry";
const WORKFLOW: &str =
    "https://github.com/sigil-test/app/.github/workflows/release.yml@refs/heads/main";
const GITHUB: &str = "https://token.actions.githubusercontent.com";

fn ca(name: &str) -> String {
    root().join("testdata/ca").join(name).display().to_string()
}

struct Setup {
    reg: Registry,
    env: Env,
}

fn setup(kind: Kind) -> Setup {
    Setup {
        reg: Registry::start(kind),
        env: Env::new(),
    }
}

impl Setup {
    fn image(&self, repo: &str) -> String {
        let d = push_image(
            &self.env,
            &self.reg.repo(&format!("{repo}:v1")),
            &format!("certificates {repo}"),
            false,
        );
        format!("{}@{d}", self.reg.repo(repo))
    }

    fn sigil(&self, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        all.push(HTTP);
        self.env.sigil(&all)
    }

    /// `sigil sign` with the leaf key and a certificate (and chain).
    fn sign(&self, format: &str, cert: &str, chain: Option<&str>, image: &str) -> Run {
        let (key, cert) = (ca("leaf.key"), ca(cert));
        let mut args = vec![
            "sign",
            "--key",
            &key,
            "--certificate",
            &cert,
            "--signature-format",
            format,
        ];
        let chain = chain.map(ca);
        if let Some(c) = &chain {
            args.extend(["--certificate-chain", c.as_str()]);
        }
        args.push(image);
        self.sigil(&args)
    }

    /// `sigil verify` for the test identity and issuer, plus `extra` flags.
    fn verify(&self, extra: &[&str], image: &str) -> Run {
        let mut args = vec![
            "verify",
            "--certificate-identity",
            WORKFLOW,
            "--certificate-oidc-issuer",
            GITHUB,
        ];
        args.extend_from_slice(extra);
        args.push(image);
        self.sigil(&args)
    }

    fn cosign(&self, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        if args.first() == Some(&"sign") {
            all.extend_from_slice(COSIGN_OFFLINE);
        } else {
            all.extend_from_slice(&["--insecure-ignore-tlog", "--insecure-ignore-sct", HTTP]);
        }
        self.env.peer("cosign", &all)
    }
}

#[track_caller]
fn denied(run: &Run, reason: &str) {
    run.code(1);
    assert!(run.stdout.contains("denied"), "{}", run.stdout);
    assert!(
        run.stdout.contains(reason),
        "expected {reason:?} in:\n{}",
        run.stdout
    );
}

fn payloads(stdout: &str) -> Vec<Value> {
    let start = stdout
        .find('[')
        .unwrap_or_else(|| panic!("no JSON array in {stdout}"));
    serde_json::from_str(stdout[start..].trim()).unwrap()
}

fn sign_and_verify(kind: Kind) {
    let s = setup(kind);
    let (root_pem, chain_pem, inter_pem) =
        (ca("root.pem"), ca("chain.pem"), ca("intermediate.pem"));
    let signer = format!("by {WORKFLOW} (issuer {GITHUB})");
    let public = s.env.path().join("leaf.pub").display().to_string();
    s.env
        .sigil(&["public-key", "--key", &ca("leaf.key"), "--outfile", &public])
        .ok();
    let other_key = s.env.path().join("other");
    let (_, other_pub) = crate::harness::cosign_keys(&s.env, &other_key);
    let other_pub = other_pub.display().to_string();
    for format in ["bundle", "legacy"] {
        let image = s.image(format);
        s.sign(format, "leaf.pem", Some("chain.pem"), &image).ok();

        // The chain: a legacy signature carries it, so the root is enough; a v0.3 bundle
        // holds the leaf only, so the verifier supplies the intermediate.
        let roots_only = s.verify(&["--ca-roots", &root_pem], &image);
        if format == "legacy" {
            assert!(roots_only.ok().contains(&signer), "{}", roots_only.stdout);
        } else {
            denied(&roots_only, "no trusted root or intermediate named");
        }
        for flags in [
            vec!["--certificate-chain", chain_pem.as_str()],
            vec!["--ca-roots", &root_pem, "--ca-intermediates", &inter_pem],
        ] {
            let out = s.verify(&flags, &image);
            assert!(out.ok().contains(&signer), "{format}: {}", out.stdout);
        }
        let out = s.verify(&["--certificate-chain", &chain_pem, "-o", "json"], &image);
        assert_eq!(payloads(out.ok()).len(), 1);

        // Regular expressions match whole strings.
        let chain = ["--certificate-chain", chain_pem.as_str()];
        let regexp = |identity: &str, issuer: &str| {
            let mut args = vec![
                "verify",
                "--certificate-identity-regexp",
                identity,
                "--certificate-oidc-issuer-regexp",
                issuer,
            ];
            args.extend_from_slice(&chain);
            args.push(&image);
            s.sigil(&args)
        };
        regexp(
            r"https://github\.com/sigil-test/.*@refs/heads/main",
            r"https://token\.actions\..*",
        )
        .ok();
        denied(
            &regexp(r"https://github\.com/sigil-test/app", GITHUB),
            "does not match regexp",
        );
        denied(
            &regexp(".*", "https://token"),
            "certificate OIDC issuer \"https://token.actions.githubusercontent.com\" does not match",
        );

        // Another identity, another issuer, another root: exit 1 naming the reason.
        let mut other = vec![
            "verify",
            "--certificate-identity",
            "https://github.com/sigil-test/other/.github/workflows/release.yml@refs/heads/main",
            "--certificate-oidc-issuer",
            GITHUB,
        ];
        other.extend_from_slice(&chain);
        other.push(&image);
        denied(
            &s.sigil(&other),
            "does not match \"https://github.com/sigil-test/other/",
        );
        let mut other = vec![
            "verify",
            "--certificate-identity",
            WORKFLOW,
            "--certificate-oidc-issuer",
            "https://accounts.example.com",
        ];
        other.extend_from_slice(&chain);
        other.push(&image);
        denied(
            &s.sigil(&other),
            "certificate OIDC issuer \"https://token.actions.githubusercontent.com\" does not match \"https://accounts.example.com\"",
        );
        let untrusted = ca("untrusted-root.pem");
        denied(
            &s.verify(
                &["--ca-roots", &untrusted, "--ca-intermediates", &inter_pem],
                &image,
            ),
            "untrusted certificate chain",
        );

        // A key still verifies certificate-carrying signatures, alone or with a certificate
        // policy; a key that did not sign leaves only the certificate to count.
        let out = s.sigil(&["verify", "--key", &public, &image]);
        assert!(out.ok().contains(&format!("by {public}")), "{}", out.stdout);
        let out = s.verify(
            &["--key", &other_pub, "--certificate-chain", &chain_pem],
            &image,
        );
        assert!(out.ok().contains(&signer), "{}", out.stdout);
        denied(
            &s.sigil(&["verify", "--key", &other_pub, &image]),
            "signature does not verify with",
        );
    }
}

#[test]
fn certificate_signatures_verify_on_distribution() {
    sign_and_verify(Kind::Distribution);
}

#[test]
fn certificate_signatures_verify_on_refreg() {
    sign_and_verify(Kind::Refreg);
}

fn negative_fixtures(kind: Kind) {
    let s = setup(kind);
    // Both trusted intermediates (the current one and the one that expired in 2020).
    let inters = s.env.path().join("intermediates.pem");
    let text = std::fs::read_to_string(ca("intermediate.pem")).unwrap()
        + &std::fs::read_to_string(ca("intermediate-expired.pem")).unwrap();
    std::fs::write(&inters, text).unwrap();
    let inters = inters.display().to_string();
    let root_pem = ca("root.pem");
    let flags = [
        "--ca-roots",
        root_pem.as_str(),
        "--ca-intermediates",
        &inters,
    ];
    let cases: &[(&str, Option<&str>, &str)] = &[
        (
            "leaf-other-identity.pem",
            Some("chain.pem"),
            "certificate identity \"https://github.com/sigil-test/other/",
        ),
        (
            "leaf-other-issuer.pem",
            Some("chain.pem"),
            "certificate OIDC issuer \"https://issuer.example.com\" does not match",
        ),
        // sigil sign refuses to attach a chain to these (see below), so they travel alone.
        (
            "leaf-no-codesigning.pem",
            None,
            "is not for code signing: its extendedKeyUsage lacks codeSigning",
        ),
        ("leaf-expired.pem", None, "expired at 2020-01-02T00:00:00Z"),
        (
            "leaf-expired-intermediate.pem",
            None,
            "CN=sigil test intermediate expired,O=sigil test expired at 2020-01-02T00:00:00Z",
        ),
        (
            "leaf-untrusted.pem",
            Some("chain-untrusted.pem"),
            "untrusted certificate chain",
        ),
    ];
    for (i, (leaf, chain, reason)) in cases.iter().enumerate() {
        for format in ["bundle", "legacy"] {
            let image = s.image(&format!("neg{i}-{format}"));
            s.sign(format, leaf, *chain, &image).ok();
            denied(&s.verify(&flags, &image), reason);
        }
    }
    // The untrusted chain carried by a legacy signature ends at a root that copies the
    // trusted root's name.
    let image = s.image("untrusted-legacy");
    s.sign(
        "legacy",
        "leaf-untrusted.pem",
        Some("chain-untrusted.pem"),
        &image,
    )
    .ok();
    denied(
        &s.verify(&["--ca-roots", &root_pem], &image),
        "which is not a trusted root (a trusted root has the same name, but another key)",
    );

    // A raw public-key signature where a certificate belongs.
    let image = s.image("raw-key");
    s.sigil(&["sign", "--key", &ca("leaf.key"), &image]).ok();
    denied(
        &s.verify(&flags, &image),
        "signature carries no certificate, and a certificate identity is required",
    );

    // The signer checks what it attaches.
    let image = s.image("refused");
    for (leaf, chain, why) in [
        (
            "leaf.pem",
            "chain-untrusted.pem",
            "does not verify with the key of",
        ),
        ("leaf-expired.pem", "chain.pem", "expired"),
        ("leaf-no-codesigning.pem", "chain.pem", "lacks codeSigning"),
    ] {
        let out = s.sign("legacy", leaf, Some(chain), &image);
        out.code(2);
        assert!(out.stderr.contains(why), "{}", out.stderr);
    }
    let out = s.sign("bundle", "leaf-expired.pem", None, &image);
    assert!(out.stderr.contains("warning:"), "{}", out.stderr);
    let other = s.env.path().join("otherkey");
    let (other_key, _) = crate::harness::cosign_keys(&s.env, &other);
    let cert = ca("leaf.pem");
    let out = s.sigil(&[
        "sign",
        "--key",
        &other_key.display().to_string(),
        "--certificate",
        &cert,
        &image,
    ]);
    out.code(2);
    assert!(out.stderr.contains("for another key"), "{}", out.stderr);
}

#[test]
fn negative_certificates_are_denied_on_distribution() {
    negative_fixtures(Kind::Distribution);
}

#[test]
fn negative_certificates_are_denied_on_refreg() {
    negative_fixtures(Kind::Refreg);
}

#[test]
fn verify_flags_fail_closed() {
    let s = setup(Kind::Refreg);
    let image = s.image("flags");
    let root_pem = ca("root.pem");
    let cases: &[(&[&str], &str)] = &[
        (&[], "nothing to verify against"),
        (
            &["--certificate-identity", WORKFLOW, "--ca-roots", &root_pem],
            "--certificate-oidc-issuer",
        ),
        (
            &["--certificate-oidc-issuer", GITHUB, "--ca-roots", &root_pem],
            "--certificate-identity",
        ),
        (
            &[
                "--certificate-identity",
                WORKFLOW,
                "--certificate-oidc-issuer",
                GITHUB,
            ],
            "needs a trusted root",
        ),
        (
            &[
                "--certificate-identity-regexp",
                "a)|(b",
                "--certificate-oidc-issuer",
                GITHUB,
                "--ca-roots",
                &root_pem,
            ],
            "invalid --certificate-identity-regexp",
        ),
        (
            &[
                "--certificate-identity",
                WORKFLOW,
                "--certificate-oidc-issuer-regexp",
                "(",
                "--ca-roots",
                &root_pem,
            ],
            "invalid --certificate-oidc-issuer-regexp",
        ),
    ];
    for (flags, why) in cases {
        let mut args = vec!["verify"];
        args.extend_from_slice(flags);
        args.push(&image);
        let out = s.sigil(&args);
        out.code(2);
        assert!(out.stderr.contains(why), "{flags:?}: {}", out.stderr);
    }
    // A roots file that is not certificates.
    let key = ca("leaf.key");
    let out = s.sigil(&[
        "verify",
        "--certificate-identity",
        WORKFLOW,
        "--certificate-oidc-issuer",
        GITHUB,
        "--ca-roots",
        &key,
        &image,
    ]);
    out.code(2);
    assert!(
        out.stderr.contains("no CERTIFICATE block"),
        "{}",
        out.stderr
    );
}

fn cosign_interop(kind: Kind) {
    let s = setup(kind);
    let (chain_pem, trusted_root) = (ca("chain.pem"), ca("trusted_root.json"));
    let identity = [
        "--certificate-identity",
        WORKFLOW,
        "--certificate-oidc-issuer",
        GITHUB,
    ];

    // sigil signs, cosign verifies: the legacy format with the chain cosign reads
    // (--certificate-chain), the bundle format with a trusted root (cosign v3 takes CA
    // certificates for bundles only from --trusted-root).
    let legacy = s.image("sigil-legacy");
    s.sign("legacy", "leaf.pem", Some("chain.pem"), &legacy)
        .ok();
    let mut args = vec!["verify", "--new-bundle-format=false"];
    args.extend_from_slice(&identity);
    args.extend(["--certificate-chain", &chain_pem, &legacy]);
    let out = s.cosign(&args);
    let p = payloads(out.ok());
    assert_eq!(
        p[0]["critical"]["image"]["docker-manifest-digest"],
        legacy.split('@').nth(1).unwrap()
    );
    // cosign also reads the chain sigil attaches: the root alone is enough.
    let root_pem = ca("root.pem");
    let mut args = vec!["verify", "--new-bundle-format=false"];
    args.extend_from_slice(&identity);
    args.extend(["--ca-roots", &root_pem, &legacy]);
    assert_eq!(payloads(s.cosign(&args).ok()).len(), 1);
    // … and denies an untrusted chain as sigil does.
    let untrusted = s.image("sigil-untrusted");
    s.sign(
        "legacy",
        "leaf-untrusted.pem",
        Some("chain-untrusted.pem"),
        &untrusted,
    )
    .ok();
    let mut args = vec!["verify", "--new-bundle-format=false"];
    args.extend_from_slice(&identity);
    args.extend(["--certificate-chain", &chain_pem, &untrusted]);
    let out = s.cosign(&args);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr
            .contains("certificate signed by unknown authority"),
        "{}",
        out.stderr
    );
    let bundle = s.image("sigil-bundle");
    s.sign("bundle", "leaf.pem", Some("chain.pem"), &bundle)
        .ok();
    let mut args = vec!["verify"];
    args.extend_from_slice(&identity);
    args.extend(["--trusted-root", &trusted_root, &bundle]);
    assert_eq!(payloads(s.cosign(&args).ok()).len(), 1);
    // cosign denies another identity on what sigil signed, too.
    let mut args = vec![
        "verify",
        "--certificate-identity",
        "https://github.com/sigil-test/other/.github/workflows/release.yml@refs/heads/main",
        "--certificate-oidc-issuer",
        GITHUB,
        "--trusted-root",
        &trusted_root,
    ];
    args.push(&bundle);
    let out = s.cosign(&args);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("expected SAN value"), "{}", out.stderr);

    // cosign signs with the certificate, sigil verifies. cosign reads only its own key format.
    let keys = s.env.path().join("cosign-import");
    std::fs::create_dir_all(&keys).unwrap();
    let prefix = keys.join("leaf").display().to_string();
    s.env
        .peer(
            "cosign",
            &[
                "import-key-pair",
                "--key",
                &ca("leaf.key"),
                "-o",
                &prefix,
                "-y",
            ],
        )
        .ok();
    let key = format!("{prefix}.key");
    let cert = ca("leaf.pem");
    for (repo, extra) in [
        ("cosign-bundle", None),
        ("cosign-legacy", Some("--new-bundle-format=false")),
    ] {
        let image = s.image(repo);
        let mut args = vec![
            "sign",
            "--key",
            &key,
            "--certificate",
            &cert,
            "--certificate-chain",
            &chain_pem,
        ];
        args.extend(extra);
        args.push(&image);
        s.cosign(&args).ok();
        let out = s.verify(&["--certificate-chain", &chain_pem], &image);
        assert!(
            out.ok()
                .contains(&format!("by {WORKFLOW} (issuer {GITHUB})")),
            "{repo}: {}",
            out.stdout
        );
        let mut args = vec![
            "verify",
            "--certificate-identity",
            WORKFLOW,
            "--certificate-oidc-issuer",
            "https://accounts.example.com",
            "--certificate-chain",
            &chain_pem,
        ];
        args.push(&image);
        denied(&s.sigil(&args), "certificate OIDC issuer");
    }
}

#[test]
fn certificate_signatures_interoperate_with_cosign_on_distribution() {
    cosign_interop(Kind::Distribution);
}

#[test]
fn certificate_signatures_interoperate_with_cosign_on_refreg() {
    cosign_interop(Kind::Refreg);
}
