//! Signing and verification, proven against the real cosign in both directions on both
//! registries, plus the forgeries a verifier must reject and the offline layout path.

use serde_json::Value;

use crate::harness::{
    COSIGN_OFFLINE, Env, Kind, Setup, copy_dir, cosign_keys, push_image, root, setup, with_repo,
};

const HTTP: &str = "--allow-http-registry";

impl Setup {
    fn cosign(&self, args: &[&str]) -> crate::harness::Run {
        let mut all: Vec<&str> = args.to_vec();
        if matches!(args.first(), Some(&"sign") | Some(&"attest")) {
            all.extend_from_slice(COSIGN_OFFLINE);
        } else {
            all.extend_from_slice(&["--insecure-ignore-tlog", HTTP]);
        }
        self.env.peer("cosign", &all)
    }
}

fn payloads(stdout: &str) -> Vec<Value> {
    let start = stdout
        .find('[')
        .unwrap_or_else(|| panic!("no JSON array in {stdout}"));
    serde_json::from_str(stdout[start..].trim()).unwrap()
}

fn sigil_to_cosign(kind: Kind) {
    let s = setup(kind);
    let image = s.image("app", "sigil signs");
    s.sigil(&["sign", "--key", &s.key, &image]).ok();
    let out = s.cosign(&["verify", "--key", &s.public, &image]);
    assert_eq!(payloads(out.ok()).len(), 1);
    s.sigil(&[
        "sign",
        "--key",
        &s.key,
        "--signature-format",
        "legacy",
        "-a",
        "team=release",
        &image,
    ])
    .ok();
    let out = s.cosign(&[
        "verify",
        "--key",
        &s.public,
        "--new-bundle-format=false",
        "-a",
        "team=release",
        &image,
    ]);
    let p = payloads(out.ok());
    assert_eq!(
        p[0]["critical"]["image"]["docker-manifest-digest"],
        image.split('@').nth(1).unwrap()
    );
    assert_eq!(p[0]["optional"]["team"], "release");
    // And sigil verifies its own signatures in both formats.
    let out = s.sigil(&["verify", "--key", &s.public, "-o", "json", &image]);
    assert_eq!(payloads(out.ok()).len(), 2);
    // download signature: cosign's JSON for the legacy layer, the bundle for the referrer;
    // with --key, the verified payloads.
    let raw = s.sigil(&["download", "signature", &image]);
    let docs: Vec<Value> = raw
        .ok()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 2, "{docs:?}");
    assert!(
        docs.iter()
            .any(|d| d["Base64Signature"].is_string() && d["Payload"].is_string())
    );
    assert!(
        docs.iter()
            .any(|d| d["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json")
    );
    let verified = s.sigil(&["download", "signature", "--key", &s.public, &image]);
    assert_eq!(verified.ok().lines().count(), 2);
    let other = crate::harness::cosign_keys(&s.env, &s.env.path().join("dl-other"))
        .1
        .display()
        .to_string();
    let none = s.sigil(&["download", "signature", "--key", &other, &image]);
    none.code(2);
    assert!(
        none.stderr.contains("no signatures found"),
        "{}",
        none.stderr
    );
}

#[test]
fn sigil_signatures_verify_with_cosign_on_distribution() {
    sigil_to_cosign(Kind::Distribution);
}

#[test]
fn sigil_signatures_verify_with_cosign_on_refreg() {
    sigil_to_cosign(Kind::Refreg);
}

fn cosign_to_sigil(kind: Kind) {
    let s = setup(kind);
    let bundle_img = s.image("bundle", "cosign bundle");
    let legacy_img = s.image("legacy", "cosign legacy");
    s.cosign(&["sign", "--key", &s.key, &bundle_img]).ok();
    s.cosign(&[
        "sign",
        "--key",
        &s.key,
        "--new-bundle-format=false",
        "-a",
        "env=prod",
        &legacy_img,
    ])
    .ok();
    let out = s.sigil(&["verify", "--key", &s.public, &bundle_img]);
    assert!(out.ok().contains("✔ bundle"), "{}", out.stdout);
    let out = s.sigil(&["verify", "--key", &s.public, "-a", "env=prod", &legacy_img]);
    assert!(out.ok().contains("✔ legacy"), "{}", out.stdout);

    // Another key: exit 1, naming what was found and why it did not verify.
    let other = crate::harness::cosign_keys(&s.env, &s.env.path().join("other"))
        .1
        .display()
        .to_string();
    for img in [&bundle_img, &legacy_img] {
        let out = s.sigil(&["verify", "--key", &other, img]);
        out.code(1);
        assert!(out.stdout.contains("denied"), "{}", out.stdout);
        assert!(
            out.stdout.contains("signature does not verify with"),
            "{}",
            out.stdout
        );
        assert!(out.stdout.contains(&other), "names the key: {}", out.stdout);
    }
    // An annotation constraint that the signature does not meet.
    let out = s.sigil(&[
        "verify",
        "--key",
        &s.public,
        "-a",
        "env=staging",
        &legacy_img,
    ]);
    out.code(1);
    assert!(
        out.stdout
            .contains("annotation env=\"prod\", required \"staging\""),
        "{}",
        out.stdout
    );
    // Nothing attached at all.
    let bare = s.image("bare", "nothing attached");
    let out = s.sigil(&["verify", "--key", &s.public, &bare]);
    out.code(1);
    assert!(out.stdout.contains("no signatures found"), "{}", out.stdout);
}

#[test]
fn cosign_signatures_verify_with_sigil_on_distribution() {
    cosign_to_sigil(Kind::Distribution);
}

#[test]
fn cosign_signatures_verify_with_sigil_on_refreg() {
    cosign_to_sigil(Kind::Refreg);
}

#[test]
fn keys_are_interchangeable_with_cosign() {
    let s = setup(Kind::Refreg);
    let dir = s.env.path().join("sigilkeys");
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = dir.join("release").display().to_string();
    s.env
        .sigil(&["generate-key-pair", "--output-key-prefix", &prefix])
        .ok();
    let meta = std::fs::metadata(format!("{prefix}.key")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    let again = s
        .env
        .sigil(&["generate-key-pair", "--output-key-prefix", &prefix]);
    again.code(2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    let before = std::fs::read(format!("{prefix}.key")).unwrap();
    assert_eq!(
        before.len() as u64,
        meta.len(),
        "refused overwrite left the key intact"
    );

    let image = s.image("keys", "key interop");
    let sigil_key = format!("{prefix}.key");
    let sigil_pub = format!("{prefix}.pub");
    s.cosign(&["sign", "--key", &sigil_key, &image]).ok();
    s.cosign(&["verify", "--key", &sigil_pub, &image]).ok();
    s.sigil(&["verify", "--key", &sigil_pub, &image]).ok();
    // public-key derives the same public key as written.
    let derived = s.env.sigil(&["public-key", "--key", &sigil_key]);
    assert_eq!(derived.ok(), std::fs::read_to_string(&sigil_pub).unwrap());
    let cosign_pub = s.env.sigil(&["public-key", "--key", &s.key]);
    assert_eq!(cosign_pub.ok(), std::fs::read_to_string(&s.public).unwrap());

    // Wrong passphrase: a clear error, nothing pushed.
    let mut env = Env::new();
    env.set("COSIGN_PASSWORD", "not the password");
    let fresh = s.image("wrongpw", "wrong passphrase");
    let out = env.sigil(&["sign", "--key", &s.key, HTTP, &fresh]);
    out.code(2);
    assert!(
        out.stderr.contains("incorrect passphrase"),
        "{}",
        out.stderr
    );
    let tree: Value = serde_json::from_str(s.sigil(&["tree", "-o", "json", &fresh]).ok()).unwrap();
    assert_eq!(tree["referrers"].as_array().unwrap().len(), 0);
    // A truncated key and a foreign file.
    let truncated = s.env.path().join("truncated.key");
    let text = std::fs::read_to_string(&s.key).unwrap();
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    let out = s.sigil(&["sign", "--key", truncated.to_str().unwrap(), &fresh]);
    out.code(2);
    assert!(
        out.stderr.contains("no matching END line"),
        "{}",
        out.stderr
    );
    let out = s.sigil(&["verify", "--key", &s.key, &fresh]);
    out.code(2);
    assert!(
        out.stderr
            .contains("this is a cosign encrypted private key, not a public key"),
        "{}",
        out.stderr
    );

    // import-key-pair: a plain PKCS#8 key becomes a cosign key that cosign accepts.
    let pkcs8 = s.env.path().join("plain.pem");
    let made = std::process::Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
        ])
        .arg(&pkcs8)
        .status()
        .unwrap();
    assert!(made.success());
    let imported = s.env.path().join("imported").display().to_string();
    s.env
        .sigil(&[
            "import-key-pair",
            "--key",
            pkcs8.to_str().unwrap(),
            "--output-key-prefix",
            &imported,
        ])
        .ok();
    let img2 = s.image("imported", "imported key");
    s.cosign(&["sign", "--key", &format!("{imported}.key"), &img2])
        .ok();
    s.sigil(&["verify", "--key", &format!("{imported}.pub"), &img2])
        .ok();
}

/// Forgeries: each is a valid signature somewhere, presented for something else.
fn forgeries(kind: Kind) {
    let s = setup(kind);
    let a = s.image("forge", "image A");
    let b_digest = push_image(&s.env, &s.reg.repo("forge:b"), "image B", false);
    let b = format!("{}@{b_digest}", s.reg.repo("forge"));
    let a_digest = a.split('@').nth(1).unwrap().to_string();
    s.sigil(&["sign", "--key", &s.key, "--signature-format", "legacy", &a])
        .ok();
    s.sigil(&["sign", "--key", &s.key, &a]).ok();

    // 1. A's legacy .sig manifest copied to B's .sig tag.
    let a_sig = format!("{}:{}.sig", s.reg.repo("forge"), a_digest.replace(':', "-"));
    let b_sig = format!("{}:{}.sig", s.reg.repo("forge"), b_digest.replace(':', "-"));
    s.env
        .peer("crane", &["copy", "--insecure", &a_sig, &b_sig])
        .ok();
    let out = s.sigil(&["verify", "--key", &s.public, &b]);
    out.code(1);
    assert!(
        out.stdout
            .contains(&format!("payload signs {a_digest}, not {b_digest}")),
        "{}",
        out.stdout
    );
    // cosign agrees it is no signature for B.
    assert_ne!(
        s.cosign(&[
            "verify",
            "--key",
            &s.public,
            "--new-bundle-format=false",
            &b
        ])
        .code,
        0
    );

    // 2. A's bundle re-attached to B: same bundle blob, manifest subject rewritten to B.
    let tree: Value = serde_json::from_str(s.sigil(&["tree", "-o", "json", &a]).ok()).unwrap();
    let referrer = tree["referrers"][0]["digest"].as_str().unwrap().to_string();
    let manifest = s.env.peer(
        "crane",
        &[
            "manifest",
            "--insecure",
            &format!("{}@{referrer}", s.reg.repo("forge")),
        ],
    );
    let mut m: Value = serde_json::from_str(manifest.ok()).unwrap();
    let b_manifest = s.env.peer("crane", &["manifest", "--insecure", &b]);
    m["subject"]["digest"] = Value::String(b_digest.clone());
    m["subject"]["size"] = Value::from(b_manifest.stdout.len());
    m["subject"]["mediaType"] =
        Value::String("application/vnd.docker.distribution.manifest.v2+json".into());
    push_referrer_json(&b, &m);
    let out = s.sigil(&["verify", "--key", &s.public, &b]);
    out.code(1);
    assert!(
        out.stdout
            .contains(&format!("statement is about {a_digest}, not {b_digest}")),
        "{}",
        out.stdout
    );

    // 3. A payload for another repository when the repository is pinned.
    let other = format!("{}@{a_digest}", s.reg.repo("mirror"));
    s.env
        .peer(
            "crane",
            &[
                "copy",
                "--insecure",
                &s.reg.repo("forge:v1"),
                &s.reg.repo("mirror:v1"),
            ],
        )
        .ok();
    s.env
        .peer(
            "crane",
            &[
                "copy",
                "--insecure",
                &a_sig,
                &format!(
                    "{}:{}.sig",
                    s.reg.repo("mirror"),
                    a_digest.replace(':', "-")
                ),
            ],
        )
        .ok();
    s.sigil(&["verify", "--key", &s.public, &other]).ok();
    let out = s.sigil(&["verify", "--key", &s.public, "--pin-repository", &other]);
    out.code(1);
    assert!(
        out.stdout
            .contains(&format!("payload names repository {}", s.reg.repo("forge"))),
        "{}",
        out.stdout
    );

    // 4. Tampered annotations: the payload's optional field edited, the signature kept.
    let c = s.image("tamper", "image C");
    s.sigil(&[
        "sign",
        "--key",
        &s.key,
        "--signature-format",
        "legacy",
        "-a",
        "env=dev",
        &c,
    ])
    .ok();
    let c_digest = c.split('@').nth(1).unwrap();
    let sig_tag = format!(
        "{}:{}.sig",
        s.reg.repo("tamper"),
        c_digest.replace(':', "-")
    );
    let sig_manifest: Value = serde_json::from_str(
        s.env
            .peer("crane", &["manifest", "--insecure", &sig_tag])
            .ok(),
    )
    .unwrap();
    let layer = &sig_manifest["layers"][0];
    let payload = s.env.peer(
        "crane",
        &[
            "blob",
            "--insecure",
            &format!(
                "{}@{}",
                s.reg.repo("tamper"),
                layer["digest"].as_str().unwrap()
            ),
        ],
    );
    let forged = payload.ok().replace("\"env\":\"dev\"", "\"env\":\"prod\"");
    assert_ne!(forged, payload.stdout);
    let signature = layer["annotations"]["dev.cosignproject.cosign/signature"]
        .as_str()
        .unwrap();
    push_legacy_layer(&sig_tag, forged.as_bytes(), signature);
    let out = s.sigil(&["verify", "--key", &s.public, "-a", "env=prod", &c]);
    out.code(1);
    assert!(
        out.stdout.contains("signature does not verify"),
        "{}",
        out.stdout
    );
}

/// Pushes a referrer manifest (its blobs already exist in the repository) via the library.
fn push_referrer_json(image: &str, manifest: &Value) {
    with_repo(image, async |repo| {
        let bytes = serde_json::to_vec(manifest).unwrap();
        repo.push_referrer(&bytes, "application/vnd.oci.image.manifest.v1+json")
            .await
            .unwrap();
    });
}

/// Replaces the `.sig` manifest with one layer of `payload` carrying `signature`.
fn push_legacy_layer(tag_ref: &str, payload: &[u8], signature: &str) {
    crate::harness::push_single_layer(
        tag_ref,
        payload,
        "application/vnd.dev.cosign.simplesigning.v1+json",
        ("dev.cosignproject.cosign/signature", signature),
    );
}

#[test]
fn forgeries_are_rejected_on_distribution() {
    forgeries(Kind::Distribution);
}

#[test]
fn forgeries_are_rejected_on_refreg() {
    forgeries(Kind::Refreg);
}

fn existing_signatures_are_kept(kind: Kind) {
    let s = setup(kind);
    let image = s.image("keep", "keep existing");
    let other = crate::harness::cosign_keys(&s.env, &s.env.path().join("other"));
    let (okey, opub) = (other.0.display().to_string(), other.1.display().to_string());
    s.cosign(&["sign", "--key", &okey, "--new-bundle-format=false", &image])
        .ok();
    s.cosign(&["sign", "--key", &okey, &image]).ok();
    s.sigil(&[
        "sign",
        "--key",
        &s.key,
        "--signature-format",
        "legacy",
        &image,
    ])
    .ok();
    s.sigil(&["sign", "--key", &s.key, &image]).ok();
    // Signing the same payload with the same key again does not duplicate the legacy layer.
    s.sigil(&[
        "sign",
        "--key",
        &s.key,
        "--signature-format",
        "legacy",
        &image,
    ])
    .ok();
    let tree: Value = serde_json::from_str(s.sigil(&["tree", "-o", "json", &image]).ok()).unwrap();
    assert_eq!(
        tree["legacy"][0]["layers"].as_array().unwrap().len(),
        2,
        "{tree:#}"
    );
    assert_eq!(tree["referrers"].as_array().unwrap().len(), 2, "{tree:#}");
    // cosign still sees both signers in both formats.
    for key in [&s.public, &opub] {
        s.cosign(&["verify", "--key", key, "--new-bundle-format=false", &image])
            .ok();
        s.cosign(&["verify", "--key", key, &image]).ok();
    }
    // Two distinct signers satisfy a threshold of 2; one key listed twice does not.
    let keydir = s.env.path().join("trusted");
    std::fs::create_dir_all(&keydir).unwrap();
    std::fs::copy(&s.public, keydir.join("a.pub")).unwrap();
    std::fs::copy(&opub, keydir.join("b.pub")).unwrap();
    s.sigil(&[
        "verify",
        "--key",
        keydir.to_str().unwrap(),
        "--min-signatures",
        "2",
        &image,
    ])
    .ok();
    // One key given twice is one signer: a threshold of 2 can never be met, which is a
    // usage error before the registry is asked anything.
    let out = s.sigil(&[
        "verify",
        "--key",
        &s.public,
        "--key",
        &s.public,
        "--min-signatures",
        "2",
        &image,
    ]);
    out.code(2);
    assert!(
        out.stderr
            .contains("--min-signatures 2: 2 distinct signers are required, but only 1 can sign"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn existing_signatures_are_kept_on_distribution() {
    existing_signatures_are_kept(Kind::Distribution);
}

#[test]
fn existing_signatures_are_kept_on_refreg() {
    existing_signatures_are_kept(Kind::Refreg);
}

#[test]
fn sign_and_verify_an_oci_layout_with_no_registry() {
    let env = Env::new();
    let layout = env.path().join("app");
    copy_dir(&root().join("testdata/oci/app"), &layout);
    let l = format!("oci:{}", layout.display());
    let test_pub = root()
        .join("testdata/keys/cosign.pub")
        .display()
        .to_string();
    // The cosign signatures made when the fixture was built verify offline.
    let out = env.sigil(&["verify", "--key", &test_pub, &format!("{l}:v1")]);
    assert!(
        out.ok().contains("✔ bundle") && out.stdout.contains("✔ legacy"),
        "{}",
        out.stdout
    );
    // Sign the unsigned platform of the index with a new key, in both formats.
    let (key, public) = cosign_keys(&env, &env.path().join("k"));
    let (key, public) = (key.display().to_string(), public.display().to_string());
    let arm = env.sigil(&["digest", "--platform", "linux/arm64", &format!("{l}:multi")]);
    let arm = format!("{l}@{}", arm.ok().trim());
    env.sigil(&["verify", "--key", &public, &arm]).code(1);
    env.sigil(&["sign", "--key", &key, &arm]).ok();
    env.sigil(&["sign", "--key", &key, "--signature-format", "legacy", &arm])
        .ok();
    let out = env.sigil(&["verify", "--key", &public, "-o", "json", &arm]);
    assert_eq!(payloads(out.ok()).len(), 2);
    // --recursive signs the index and each platform.
    env.sigil(&["sign", "--key", &key, "--recursive", &format!("{l}:multi")])
        .ok();
    env.sigil(&["verify", "--key", &public, &format!("{l}:multi")])
        .ok();
    let amd = env.sigil(&["digest", "--platform", "linux/amd64", &format!("{l}:multi")]);
    env.sigil(&[
        "verify",
        "--key",
        &public,
        &format!("{l}@{}", amd.ok().trim()),
    ])
    .ok();
    // oras reads the referrers sigil wrote into the layout.
    let oras = env.peer(
        "oras",
        &[
            "discover",
            "--oci-layout",
            "--format",
            "json",
            &format!("{}@{}", layout.display(), arm.rsplit('@').next().unwrap()),
        ],
    );
    let oras: Value = serde_json::from_str(oras.ok()).unwrap();
    // Two signings within one second produce the same bytes (RFC 6979 signatures, second
    // timestamps) and so one referrer; either way oras and sigil must list the same set.
    let digests = |v: &Value| -> std::collections::BTreeSet<String> {
        v["referrers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["digest"].as_str().unwrap().to_string())
            .collect()
    };
    let tree: Value = serde_json::from_str(env.sigil(&["tree", "-o", "json", &arm]).ok()).unwrap();
    assert!(!digests(&oras).is_empty());
    assert_eq!(digests(&oras), digests(&tree));
}

#[test]
fn upload_false_writes_files_only_and_require_digest_refuses_tags() {
    let env = Env::new();
    let layout = env.path().join("app");
    copy_dir(&root().join("testdata/oci/app"), &layout);
    let (key, public) = cosign_keys(&env, &env.path().join("k"));
    let l = format!("oci:{}", layout.display());
    let index_before = std::fs::read(layout.join("index.json")).unwrap();
    let sig = env.path().join("sig.b64");
    let payload = env.path().join("payload.json");
    let bundle = env.path().join("bundle.json");
    env.sigil(&[
        "sign",
        "--key",
        key.to_str().unwrap(),
        "--upload=false",
        "--output-signature",
        sig.to_str().unwrap(),
        "--output-payload",
        payload.to_str().unwrap(),
        "--bundle",
        bundle.to_str().unwrap(),
        &format!("{l}:v1"),
    ])
    .ok();
    assert_eq!(
        std::fs::read(layout.join("index.json")).unwrap(),
        index_before,
        "nothing attached"
    );
    let stmt: Value = serde_json::from_slice(&std::fs::read(&payload).unwrap()).unwrap();
    assert_eq!(stmt["predicateType"], "https://sigstore.dev/cosign/sign/v1");
    let b: Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    assert_eq!(
        b["mediaType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert!(!std::fs::read_to_string(&sig).unwrap().is_empty());
    env.sigil(&[
        "verify",
        "--key",
        public.to_str().unwrap(),
        &format!("{l}:v1"),
    ])
    .code(1);

    let out = env.sigil(&[
        "sign",
        "--key",
        key.to_str().unwrap(),
        "--require-digest",
        &format!("{l}:v1"),
    ]);
    out.code(2);
    assert!(
        out.stderr.contains("not pinned by digest"),
        "{}",
        out.stderr
    );
}

/// Key mistakes are usage errors named for what they are, found before any request (the
/// registry here does not exist, so a request would fail differently): a P-384 private key
/// where a public or a P-256 private key is read, a public key file with two PEM blocks, and
/// `--min-signatures` above the distinct signers given.
#[test]
fn key_mistakes_are_named_before_any_request() {
    use p384::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _};
    let env = Env::new();
    let write = |name: &str, text: &str| env.write(name, text);
    let sk = p384::SecretKey::from_slice(&[7u8; 48]).unwrap();
    let pem = |label: &str, der: &[u8]| sigil::sign::pem::encode(label, der);
    let p384_key = write(
        "p384.key",
        &pem("PRIVATE KEY", sk.to_pkcs8_der().unwrap().as_bytes()),
    );
    let p384_sec1 = write(
        "p384-ec.key",
        &pem("EC PRIVATE KEY", &sk.to_sec1_der().unwrap()),
    );
    let p384_pub = write(
        "p384.pub",
        &pem(
            "PUBLIC KEY",
            sk.public_key().to_public_key_der().unwrap().as_bytes(),
        ),
    );
    let cosign_pub = root().join("testdata/keys/cosign.pub");
    let cosign_pub = cosign_pub.to_str().unwrap();
    let release = std::fs::read_to_string(cosign_pub).unwrap();
    let other = sigil::sign::keys::PrivateKey::generate()
        .unwrap()
        .public()
        .to_pem();
    let two = write("two.pub", &format!("{release}{other}"));
    let image = format!("127.0.0.1:1/app@sha256:{}", "0".repeat(64));

    let private_for_public =
        "this is an ECDSA P-384 private key, not a public key: give the public key";
    let unsupported =
        "this is an ECDSA P-384 private key; sigil signs and verifies with ECDSA P-256 keys only";
    let unreachable = "--min-signatures 2: 2 distinct signers are required, but only 1 can sign";
    let threshold: &[&str] = &["--min-signatures", "2"];
    // (command, --key, more flags, what stderr says)
    let cases: [(&str, &str, &[&str], String); 10] = [
        (
            "verify",
            &p384_key,
            &[],
            format!("public key {p384_key}: {private_for_public}"),
        ),
        (
            "verify",
            &p384_sec1,
            &[],
            format!("public key {p384_sec1}: {private_for_public}"),
        ),
        (
            "check",
            &p384_key,
            &[],
            format!("public key {p384_key}: {private_for_public}"),
        ),
        (
            "sign",
            &p384_key,
            &[],
            format!("key {p384_key}: {unsupported}"),
        ),
        (
            "sign",
            &p384_sec1,
            &[],
            format!("key {p384_sec1}: {unsupported}"),
        ),
        (
            "verify",
            &p384_pub,
            &[],
            format!("public key {p384_pub}: this is an ECDSA P-384 public key;"),
        ),
        (
            "verify",
            &two,
            &[],
            format!("public key {two}: holds 2 PEM blocks; a public key file holds one key"),
        ),
        ("verify", cosign_pub, threshold, unreachable.into()),
        (
            "verify-attestation",
            cosign_pub,
            threshold,
            unreachable.into(),
        ),
        ("check", cosign_pub, threshold, unreachable.into()),
    ];
    for (command, key, more, needle) in cases {
        let mut args = vec![command, "--key", key];
        args.extend_from_slice(more);
        args.push(&image);
        let out = env.sigil(&args);
        out.code(2).stderr_has(&needle);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    }
    // A trust file's key is read the same way, and the mistake placed at its line.
    let trust = write(
        "sigil.yaml",
        &format!(
            "version: 1\nimages:\n  - name: a\n    match: '**'\n    signers:\n      - key: {two}\n"
        ),
    );
    env.sigil(&["check", "--trust", &trust, &image])
        .code(2)
        .stderr_has(&format!("sigil.yaml:6: key {two}: holds 2 PEM blocks"));
    // A certificate identity given by regular expression may match any number of signers.
    let out = env.sigil(&[
        "verify",
        "--key",
        cosign_pub,
        "--certificate-identity-regexp",
        ".*",
        "--certificate-oidc-issuer",
        "https://issuer.example",
        "--ca-roots",
        root().join("testdata/ca/root.pem").to_str().unwrap(),
        "--min-signatures",
        "2",
        &image,
    ]);
    // So verification goes ahead (and fails here only because the registry is not there).
    out.code(2);
    assert!(!out.stderr.contains("--min-signatures"), "{}", out.stderr);
    assert!(out.stderr.contains("request to"), "{}", out.stderr);
}
