//! Attestations against the real cosign in both directions and both formats, on both
//! registries; the forgeries a verifier must reject; bad predicates that must push nothing.

use serde_json::Value;

use crate::harness::{COSIGN_OFFLINE, Kind, Setup, cosign_keys, push_image, root, setup};

const HTTP: &str = "--allow-http-registry";

fn fixture(path: &str) -> String {
    root().join(path).display().to_string()
}

impl Setup {
    fn cosign_verify(&self, args: &[&str]) -> crate::harness::Run {
        let mut all = vec![
            "verify-attestation",
            "--key",
            &self.public,
            "--insecure-ignore-tlog",
            HTTP,
        ];
        all.extend_from_slice(args);
        self.env.peer("cosign", &all)
    }

    /// `sigil attest` of the predicate in `file` (under the repository root) as `ty`, in
    /// `format` (bundle or legacy).
    fn sigil_attest(&self, ty: &str, file: &str, format: &str, image: &str) {
        let pred = fixture(file);
        let args = [
            "attest",
            "--key",
            &self.key,
            "--type",
            ty,
            "--predicate",
            &pred,
        ];
        let format = ["--signature-format", format, image];
        self.sigil(&[&args[..], &format[..]].concat()).ok();
    }

    /// The attestations `sigil tree` lists for an image (referrers plus .att layers).
    fn attestation_count(&self, image: &str) -> usize {
        let tree: Value =
            serde_json::from_str(self.sigil(&["tree", "-o", "json", image]).ok()).unwrap();
        let referrers = tree["referrers"].as_array().map_or(0, |r| {
            r.iter()
                .filter(|r| {
                    r["annotations"]["dev.sigstore.bundle.predicateType"]
                        != "https://sigstore.dev/cosign/sign/v1"
                })
                .count()
        });
        let legacy: usize = tree["legacy"].as_array().map_or(0, |l| {
            l.iter()
                .filter(|t| t["kind"] == "att")
                .map(|t| t["layers"].as_array().unwrap().len())
                .sum()
        });
        referrers + legacy
    }
}

const CASES: &[(&str, &str)] = &[
    ("spdxjson", "testdata/sbom/spdx.json"),
    ("cyclonedx", "testdata/sbom/cyclonedx.json"),
    (
        "slsaprovenance1",
        "testdata/predicates/slsa-provenance-v1.json",
    ),
];

fn sigil_attestations_verify_with_cosign(kind: Kind) {
    let s = setup(kind);
    for (i, (ty, file)) in CASES.iter().enumerate() {
        let image = s.image(&format!("att{i}"), ty);
        s.sigil_attest(ty, file, "bundle", &image);
        s.sigil_attest(ty, file, "legacy", &image);
        s.cosign_verify(&["--type", ty, &image]).ok();
        s.cosign_verify(&["--type", ty, "--new-bundle-format=false", &image])
            .ok();
        let out = s.sigil(&[
            "verify-attestation",
            "--key",
            &s.public,
            "--type",
            ty,
            "-o",
            "json",
            &image,
        ]);
        let statements: Vec<Value> = serde_json::from_str(out.ok()).unwrap();
        assert_eq!(statements.len(), 2, "one per format: {statements:?}");
        assert_eq!(
            statements[0]["subject"][0]["digest"]["sha256"],
            image.rsplit(':').next().unwrap()
        );
        // The wrong type finds nothing that counts.
        let other = if *ty == "cyclonedx" {
            "spdxjson"
        } else {
            "cyclonedx"
        };
        let out = s.sigil(&[
            "verify-attestation",
            "--key",
            &s.public,
            "--type",
            other,
            &image,
        ]);
        out.code(1);
        assert!(
            out.stdout.contains("no attestations found") || out.stdout.contains("predicate type"),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn sigil_attestations_verify_with_cosign_on_distribution() {
    sigil_attestations_verify_with_cosign(Kind::Distribution);
}

#[test]
fn sigil_attestations_verify_with_cosign_on_refreg() {
    sigil_attestations_verify_with_cosign(Kind::Refreg);
}

fn cosign_attestations_verify_with_sigil(kind: Kind) {
    let s = setup(kind);
    let image = s.image("from-cosign", "cosign attests");
    let pred = fixture("testdata/sbom/cyclonedx.json");
    for extra in [&[][..], &["--new-bundle-format=false"][..]] {
        let mut args = vec![
            "attest",
            "--key",
            &s.key,
            "--type",
            "cyclonedx",
            "--predicate",
            &pred,
        ];
        args.extend_from_slice(COSIGN_OFFLINE);
        args.extend_from_slice(extra);
        args.push(&image);
        s.env.peer("cosign", &args).ok();
    }
    let out = s.sigil(&[
        "verify-attestation",
        "--key",
        &s.public,
        "--type",
        "cyclonedx",
        &image,
    ]);
    let text = out.ok();
    assert!(
        text.contains("✔ bundle") && text.contains("✔ legacy"),
        "{text}"
    );
    // Another key: exit 1, naming why.
    let other = cosign_keys(&s.env, &s.env.path().join("other"))
        .1
        .display()
        .to_string();
    let out = s.sigil(&[
        "verify-attestation",
        "--key",
        &other,
        "--type",
        "cyclonedx",
        &image,
    ]);
    out.code(1);
    assert!(
        out.stdout.contains("signature does not verify with"),
        "{}",
        out.stdout
    );
    // download gives the SBOM back as the document cosign attested.
    let sbom = s.sigil(&["download", "sbom", "--key", &s.public, &image]);
    let first: Value = serde_json::from_str(sbom.ok().lines().next().unwrap()).unwrap();
    let original: Value = serde_json::from_slice(&std::fs::read(&pred).unwrap()).unwrap();
    assert_eq!(first, original);
    let envelopes = s.sigil(&[
        "download",
        "attestation",
        "--predicate-type",
        "cyclonedx",
        &image,
    ]);
    assert_eq!(envelopes.ok().lines().count(), 2);
}

#[test]
fn cosign_attestations_verify_with_sigil_on_distribution() {
    cosign_attestations_verify_with_sigil(Kind::Distribution);
}

#[test]
fn cosign_attestations_verify_with_sigil_on_refreg() {
    cosign_attestations_verify_with_sigil(Kind::Refreg);
}

#[test]
fn forged_attestations_are_rejected_on_distribution() {
    forged_attestations_are_rejected(Kind::Distribution);
}

#[test]
fn forged_attestations_are_rejected_on_refreg() {
    forged_attestations_are_rejected(Kind::Refreg);
}

fn forged_attestations_are_rejected(kind: Kind) {
    let s = setup(kind);
    let a = s.image("forge", "image A");
    let b_digest = push_image(&s.env, &s.reg.repo("forge:b"), "image B", false);
    let b = format!("{}@{b_digest}", s.reg.repo("forge"));
    let a_digest = a.rsplit('@').next().unwrap().to_string();
    let pred = fixture("testdata/predicates/slsa-provenance-v1.json");
    s.sigil(&[
        "attest",
        "--key",
        &s.key,
        "--type",
        "slsaprovenance1",
        "--predicate",
        &pred,
        "--signature-format",
        "legacy",
        &a,
    ])
    .ok();

    // A's .att copied to B: the statement names A.
    let tag = |d: &str| format!("{}:{}.att", s.reg.repo("forge"), d.replace(':', "-"));
    s.env
        .peer(
            "crane",
            &["copy", "--insecure", &tag(&a_digest), &tag(&b_digest)],
        )
        .ok();
    let out = s.sigil(&["verify-attestation", "--key", &s.public, &b]);
    out.code(1);
    assert!(
        out.stdout
            .contains(&format!("statement is about {a_digest}, not {b_digest}")),
        "{}",
        out.stdout
    );

    // A statement naming another digest is refused before anything is pushed.
    let statement = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "x", "digest": {"sha256": a_digest.trim_start_matches("sha256:")}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": serde_json::from_slice::<Value>(&std::fs::read(&pred).unwrap()).unwrap(),
    });
    let stmt_file = s.env.path().join("statement.json");
    std::fs::write(&stmt_file, statement.to_string()).unwrap();
    let c = s.image("other", "image C");
    let out = s.sigil(&[
        "attest",
        "--key",
        &s.key,
        "--statement",
        stmt_file.to_str().unwrap(),
        &c,
    ]);
    out.code(2);
    assert!(
        out.stderr.contains("subject does not name"),
        "{}",
        out.stderr
    );
    assert_eq!(s.attestation_count(&c), 0);
    // The same statement for its own image is accepted.
    s.sigil(&[
        "attest",
        "--key",
        &s.key,
        "--statement",
        stmt_file.to_str().unwrap(),
        &a,
    ])
    .ok();

    // A DSSE envelope signed over the raw payload instead of PAE.
    let d = s.image("rawsig", "image D");
    let d_digest = d.rsplit('@').next().unwrap();
    let key_pem = std::fs::read_to_string(&s.key).unwrap();
    let key =
        sigil::sign::keys::PrivateKey::from_encrypted_pem(&key_pem, b"test-password").unwrap();
    let stmt = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"digest": {"sha256": d_digest.trim_start_matches("sha256:")}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": serde_json::from_slice::<Value>(&std::fs::read(&pred).unwrap()).unwrap(),
    })
    .to_string();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let envelope = serde_json::json!({
        "payloadType": "application/vnd.in-toto+json",
        "payload": b64.encode(&stmt),
        "signatures": [{"sig": b64.encode(key.sign(stmt.as_bytes()))}],
    })
    .to_string();
    let att_tag = format!(
        "{}:{}.att",
        s.reg.repo("rawsig"),
        d_digest.replace(':', "-")
    );
    crate::harness::push_single_layer(
        &att_tag,
        envelope.as_bytes(),
        "application/vnd.dsse.envelope.v1+json",
        ("predicateType", "https://slsa.dev/provenance/v1"),
    );
    let out = s.sigil(&["verify-attestation", "--key", &s.public, &d]);
    out.code(1);
    assert!(
        out.stdout.contains("signature does not verify"),
        "{}",
        out.stdout
    );
}

#[test]
fn bad_predicates_push_nothing_on_distribution() {
    bad_predicates_push_nothing(Kind::Distribution);
}

#[test]
fn bad_predicates_push_nothing_on_refreg() {
    bad_predicates_push_nothing(Kind::Refreg);
}

fn bad_predicates_push_nothing(kind: Kind) {
    let s = setup(kind);
    let image = s.image("bad", "bad predicates");
    let dir = s.env.path();
    let write = |name: &str, body: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p.display().to_string()
    };
    let not_json = write("broken.json", b"{\"spdxVersion\": ");
    let tag_value = write(
        "sbom.spdx",
        b"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n",
    );
    let no_builder = write(
        "prov.json",
        br#"{"buildDefinition":{"buildType":"x","externalParameters":{}},"runDetails":{}}"#,
    );
    let cyclonedx_xml = write(
        "bom.xml",
        b"<?xml version=\"1.0\"?><bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"/>",
    );
    for (ty, file) in [
        ("spdxjson", &not_json),
        ("spdxjson", &tag_value),
        ("slsaprovenance1", &no_builder),
        ("cyclonedx", &cyclonedx_xml),
    ] {
        let out = s.sigil(&[
            "attest",
            "--key",
            &s.key,
            "--type",
            ty,
            "--predicate",
            file,
            &image,
        ]);
        out.code(2);
        assert!(
            out.stderr.contains("predicate"),
            "{ty} {file}: {}",
            out.stderr
        );
    }
    // 100 MB: refused without reading it whole.
    let huge = dir.join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    let out = s.sigil(&[
        "attest",
        "--key",
        &s.key,
        "--type",
        "custom",
        "--predicate",
        huge.to_str().unwrap(),
        &image,
    ]);
    out.code(2);
    assert!(out.elapsed.as_secs() < 5, "{:?}", out.elapsed);
    // Unknown type: a usage error naming the accepted ones.
    let out = s.sigil(&[
        "attest",
        "--key",
        &s.key,
        "--type",
        "sbom",
        "--predicate",
        &not_json,
        &image,
    ]);
    out.code(2);
    assert!(
        out.stderr.contains("unknown predicate type") && out.stderr.contains("cyclonedx"),
        "{}",
        out.stderr
    );
    assert_eq!(s.attestation_count(&image), 0, "nothing was pushed");
}

/// An image with attestations but no signature: `verify` denies it and says what it found
/// instead (both formats), and `verify-attestation` does the same the other way round.
#[test]
fn verify_says_what_it_found_instead() {
    for kind in [Kind::Distribution, Kind::Refreg] {
        let s = setup(kind);
        let image = s.image("attested-only", "attested, never signed");
        let denied = |verb: &str, extra: &[&str], target: &str| {
            let args = [&[verb, "--key", &s.public][..], extra, &[target][..]].concat();
            let run = s.sigil(&args);
            run.code(1);
            run
        };
        let slsa = (
            "slsaprovenance1",
            "testdata/predicates/slsa-provenance-v1.json",
        );
        s.sigil_attest(slsa.0, slsa.1, "bundle", &image);
        denied("verify", &[], &image)
            .stdout_has("no signatures found (referrers of sha256:")
            .stdout_has(
                "; found 1 attestation (https://slsa.dev/provenance/v1) instead, which sigil \
                 verify-attestation checks",
            );
        // A legacy `.att` layer is found too (verify does not otherwise read that tag).
        s.sigil_attest("spdxjson", "testdata/sbom/spdx.json", "legacy", &image);
        let both = "found 2 attestations (https://slsa.dev/provenance/v1, \
                    https://spdx.dev/Document) instead";
        denied("verify", &[], &image).stdout_has(both);
        // Attestations of another type than asked for.
        denied("verify-attestation", &["--type", "cyclonedx"], &image)
            .stdout_has("no attestations found (")
            .stdout_has(both);
        // A signed image without attestations, in either format.
        for format in ["bundle", "legacy"] {
            let signed = s.image(&format!("signed-only-{format}"), format);
            let args = [
                "sign",
                "--key",
                &s.key,
                "--signature-format",
                format,
                &signed,
            ];
            s.sigil(&args).ok();
            denied("verify-attestation", &[], &signed)
                .stdout_has("no attestations found (")
                .stdout_has("; found 1 signature instead");
        }
    }
}
