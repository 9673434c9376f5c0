//! Interop with the real tools on the real registries: `sigil tree` against what `cosign`
//! attached and what `oras discover` reports, `sigil digest` against `crane digest`, and a
//! referrer pushed by sigil's client found by `oras discover`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{
    COSIGN_OFFLINE, Env, Kind, Registry, cosign_keys, crane_digest, push_image, with_repo,
};

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

fn cosign(env: &Env, verb: &str, key: &str, extra: &[&str], image: &str) {
    let mut args = vec![verb, "--key", key];
    args.extend_from_slice(COSIGN_OFFLINE);
    args.extend_from_slice(extra);
    args.push(image);
    env.peer("cosign", &args).ok();
}

/// Referrer digests with media type and size, as a set of strings.
fn referrer_set(v: &Value) -> BTreeSet<String> {
    v["referrers"]
        .as_array()
        .unwrap_or_else(|| panic!("no referrers array in {v}"))
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["digest"].as_str().unwrap(),
                r["mediaType"].as_str().unwrap(),
                r["size"]
            )
        })
        .collect()
}

fn tree_after_cosign(kind: Kind) {
    let reg = Registry::start(kind);
    let env = Env::new();
    let (key, _) = cosign_keys(&env, &env.path().join("keys"));
    let key = key.display().to_string();
    let digest = push_image(&env, &reg.repo("app:v1"), "tree test", false);
    let image = format!("{}@{digest}", reg.repo("app"));

    cosign(&env, "sign", &key, &[], &image);
    cosign(&env, "sign", &key, &["--new-bundle-format=false"], &image);
    let pred = env.path().join("pred.json");
    std::fs::write(&pred, r#"{"builder":"test"}"#).unwrap();
    let pred = pred.display().to_string();
    cosign(
        &env,
        "attest",
        &key,
        &["--type", "custom", "--predicate", &pred],
        &image,
    );

    let out = env.sigil(&[
        "tree",
        "--allow-http-registry",
        "--output",
        "json",
        &reg.repo("app:v1"),
    ]);
    let tree = json(out.ok());
    assert_eq!(tree["digest"], digest.as_str());
    let expected_source = if kind == Kind::Refreg {
        "referrers-api"
    } else {
        "fallback-tag"
    };
    assert_eq!(tree["referrersSource"], expected_source);

    // Exactly one bundle signature and one bundle attestation, told apart by predicate type.
    let refs = tree["referrers"].as_array().unwrap();
    assert_eq!(refs.len(), 2, "{tree:#}");
    let predicate_types: BTreeSet<&str> = refs
        .iter()
        .map(|r| {
            r["annotations"]["dev.sigstore.bundle.predicateType"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        predicate_types,
        BTreeSet::from([
            "https://sigstore.dev/cosign/sign/v1",
            "https://cosign.sigstore.dev/attestation/v1"
        ])
    );
    for r in refs {
        assert_eq!(
            r["artifactType"],
            "application/vnd.dev.sigstore.bundle.v0.3+json"
        );
    }
    assert!(tree["rejected"].is_null(), "{tree:#}");

    // The legacy signature tag, with one signature layer.
    let legacy = tree["legacy"].as_array().unwrap();
    assert_eq!(legacy.len(), 1, "{tree:#}");
    assert_eq!(legacy[0]["kind"], "sig");
    assert_eq!(
        legacy[0]["tag"],
        format!("{}.sig", digest.replace(':', "-"))
    );
    let layers = legacy[0]["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(
        layers[0]["mediaType"],
        "application/vnd.dev.cosign.simplesigning.v1+json"
    );
    let sig_tag_digest = crane_digest(
        &env,
        &format!("{}:{}", reg.repo("app"), legacy[0]["tag"].as_str().unwrap()),
    );
    assert_eq!(legacy[0]["digest"], sig_tag_digest.as_str());

    // The same referrers, digests, media types and sizes as oras reports.
    let oras = env.peer(
        "oras",
        &[
            "discover",
            "--plain-http",
            "--format",
            "json",
            &reg.repo("app:v1"),
        ],
    );
    let oras = json(oras.ok());
    assert_eq!(
        referrer_set(&tree),
        referrer_set(&oras),
        "sigil: {tree:#}\noras: {oras:#}"
    );
    assert_eq!(tree["digest"], oras["digest"]);
    assert_eq!(tree["mediaType"], oras["mediaType"]);
    assert_eq!(tree["size"], oras["size"]);
    let oras_refs: BTreeSet<&str> = oras["referrers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    let sigil_refs: BTreeSet<&str> = refs
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(sigil_refs, oras_refs);

    // The text tree names every artifact.
    let text = env.sigil(&["tree", "--allow-http-registry", &reg.repo("app:v1")]);
    let text = text.ok();
    for r in refs {
        assert!(text.contains(r["digest"].as_str().unwrap()), "{text}");
    }
    assert!(text.contains(".sig (cosign legacy)"), "{text}");

    // A legacy attestation shows up as the .att tag with its predicate type.
    cosign(
        &env,
        "attest",
        &key,
        &[
            "--type",
            "custom",
            "--predicate",
            &pred,
            "--new-bundle-format=false",
        ],
        &image,
    );
    let tree = json(
        env.sigil(&["tree", "--allow-http-registry", "-o", "json", &image])
            .ok(),
    );
    let kinds: BTreeSet<&str> = tree["legacy"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, BTreeSet::from(["sig", "att"]));
    assert_eq!(
        tree["referrers"].as_array().unwrap().len(),
        2,
        "legacy attest adds no referrer"
    );
}

#[test]
fn tree_lists_exactly_what_cosign_attached_on_distribution() {
    tree_after_cosign(Kind::Distribution);
}

#[test]
fn tree_lists_exactly_what_cosign_attached_on_refreg() {
    tree_after_cosign(Kind::Refreg);
}

fn digest_equals_crane(kind: Kind) {
    let reg = Registry::start(kind);
    let env = Env::new();
    let docker = push_image(&env, &reg.repo("app:docker"), "docker types", false);
    let oci = push_image(&env, &reg.repo("app:oci"), "oci types", true);
    let other = push_image(&env, &reg.repo("app:other"), "second platform", true);
    let idx = reg.repo("app:multi");
    env.peer(
        "crane",
        &[
            "index",
            "append",
            "--insecure",
            "-m",
            &reg.repo("app:oci"),
            "-m",
            &reg.repo("app:other"),
            "-t",
            &idx,
        ],
    )
    .ok();
    for tag in ["app:docker", "app:oci", "app:multi"] {
        let r = reg.repo(tag);
        let ours = env.sigil(&["digest", "--allow-http-registry", &r]);
        assert_eq!(ours.ok().trim(), crane_digest(&env, &r), "{tag}");
    }
    // By digest, and tag@digest (the digest wins).
    let by_digest = format!("{}@{docker}", reg.repo("app"));
    assert_eq!(
        env.sigil(&["digest", "--allow-http-registry", &by_digest])
            .ok()
            .trim(),
        docker
    );
    let both = format!("{}@{oci}", reg.repo("app:docker"));
    assert_eq!(
        env.sigil(&["digest", "--allow-http-registry", &both])
            .ok()
            .trim(),
        oci
    );
    // An index's media type and platform children.
    let manifest = env.peer("crane", &["manifest", "--insecure", &idx]);
    let m = json(manifest.ok());
    let child0 = m["manifests"][0]["digest"].as_str().unwrap().to_string();
    assert!(child0 == oci || child0 == other);
    let tree = json(
        env.sigil(&["tree", "--allow-http-registry", "-o", "json", &idx])
            .ok(),
    );
    let children: Vec<&str> = tree["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["digest"].as_str().unwrap())
        .collect();
    assert_eq!(children.len(), 2);
    assert!(children.contains(&oci.as_str()) && children.contains(&other.as_str()));
    // Not found is an operational error, exit 2, naming what was missing.
    let missing = env.sigil(&["digest", "--allow-http-registry", &reg.repo("app:nope")]);
    missing.code(2);
    assert!(missing.stderr.contains("not found"), "{}", missing.stderr);
    // Plain HTTP only when asked.
    let refused = env.sigil(&["digest", "--registry-retries", "0", &reg.repo("app:docker")]);
    refused.code(2);
}

#[test]
fn digest_equals_crane_on_distribution() {
    digest_equals_crane(Kind::Distribution);
}

#[test]
fn digest_equals_crane_on_refreg() {
    digest_equals_crane(Kind::Refreg);
}

/// Pushes a small artifact whose subject is `image` through sigil's own client.
fn push_referrer(reg: &Registry, image_digest: &str) -> (String, sigil::store::ReferrerSource) {
    use sigil::oci::manifest::Descriptor;
    let image = format!("{}@{image_digest}", reg.repo("app"));
    let image_ref: sigil::oci::ImageRef = image.parse().unwrap();
    with_repo(&image, async |repo| {
        let subject = repo.resolve(&image_ref).await.unwrap();
        let layer = br#"{"hello":"referrer"}"#;
        repo.push_blob(b"{}").await.unwrap();
        repo.push_blob(layer).await.unwrap();
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "artifactType": "application/vnd.sigil.test+json",
            "config": Descriptor::for_bytes("application/vnd.oci.empty.v1+json", b"{}"),
            "layers": [Descriptor::for_bytes("application/vnd.sigil.test+json", layer)],
            "subject": subject.descriptor(),
            "annotations": {"org.example.note": "pushed by sigil"}
        });
        let bytes = serde_json::to_vec(&manifest).unwrap();
        let (d, via) = repo
            .push_referrer(&bytes, "application/vnd.oci.image.manifest.v1+json")
            .await
            .unwrap();
        (d.to_string(), via)
    })
}

fn referrer_push_is_discoverable(kind: Kind) {
    let reg = Registry::start(kind);
    let env = Env::new();
    let digest = push_image(&env, &reg.repo("app:v1"), "referrer push", true);
    let (pushed, via) = push_referrer(&reg, &digest);
    let fallback_tag = digest.replace(':', "-");
    let tags = env.peer("crane", &["ls", "--insecure", &reg.repo("app")]);
    let has_fallback = tags.ok().lines().any(|t| t == fallback_tag);
    match kind {
        Kind::Distribution => {
            assert_eq!(via, sigil::store::ReferrerSource::FallbackTag);
            assert!(
                has_fallback,
                "fallback tag written on a registry without the API"
            );
        }
        Kind::Refreg => {
            assert_eq!(via, sigil::store::ReferrerSource::ReferrersApi);
            assert!(
                !has_fallback,
                "no fallback tag where the registry indexed the subject"
            );
        }
    }
    let image = format!("{}@{digest}", reg.repo("app"));
    let oras = json(
        env.peer(
            "oras",
            &["discover", "--plain-http", "--format", "json", &image],
        )
        .ok(),
    );
    let found: Vec<&Value> = oras["referrers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["digest"] == pushed.as_str())
        .collect();
    assert_eq!(found.len(), 1, "{oras:#}");
    let filtered = json(
        env.peer(
            "oras",
            &[
                "discover",
                "--plain-http",
                "--format",
                "json",
                "--artifact-type",
                "application/vnd.sigil.test+json",
                &image,
            ],
        )
        .ok(),
    );
    // go-containerregistry's registry reports artifactType from the config media type, so
    // the filter only finds it in the fallback index that sigil itself wrote.
    let expect = if kind == Kind::Distribution { 1 } else { 0 };
    assert_eq!(
        filtered["referrers"].as_array().map(Vec::len).unwrap_or(0),
        expect,
        "{filtered:#}"
    );
    // Pushing the same referrer again does not duplicate it.
    let (again, _) = push_referrer(&reg, &digest);
    assert_eq!(again, pushed);
    let tree = json(
        env.sigil(&["tree", "--allow-http-registry", "-o", "json", &image])
            .ok(),
    );
    assert_eq!(tree["referrers"].as_array().unwrap().len(), 1, "{tree:#}");
    assert_eq!(
        tree["referrers"][0]["artifactType"],
        "application/vnd.sigil.test+json"
    );
}

#[test]
fn referrer_pushed_to_distribution_is_found_through_the_fallback_tag() {
    referrer_push_is_discoverable(Kind::Distribution);
}

#[test]
fn referrer_pushed_to_refreg_is_found_through_the_api_without_a_fallback_tag() {
    referrer_push_is_discoverable(Kind::Refreg);
}
