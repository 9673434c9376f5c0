//! Bounded memory: the peak resident memory of the sigil binary, as the kernel counted it,
//! when a registry serves the same large signature blob hundreds of times, more blobs than
//! one image may read, or hundreds of images with large configurations.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{Value, json};
use sigil::oci::Digest;
use sigil::sign::keys::PrivateKey;

use crate::harness::{Env, Kind, Registry, push_tagged_manifest, with_repo};
use crate::liar::{Liar, Reply};
use crate::lying::{OCI_MANIFEST, digest, empty_descriptor, image, manifest_reply};

const MIB: usize = 1 << 20;
/// The most any of these runs may hold at once.
const PEAK: u64 = 300 * MIB as u64;
const SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
const DSSE: &str = "application/vnd.dsse.envelope.v1+json";

/// A liar serving the image `subject`, its cosign legacy tag of `suffix` (`sig`, `att`) as
/// an image manifest of `layers`, and the blobs in `blobs`; 404 to anything else (no
/// referrers API, no fallback tag).
fn legacy_liar(subject: Vec<u8>, suffix: &str, layers: Vec<Value>, blobs: Vec<Vec<u8>>) -> Liar {
    let subject_digest = digest(&subject);
    let tag = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": empty_descriptor(),
        "layers": layers,
    }))
    .unwrap();
    let subject_path = format!("/v2/app/manifests/{subject_digest}");
    let tag_path = format!(
        "/v2/app/manifests/{}.{suffix}",
        subject_digest.replace(':', "-")
    );
    let blobs: BTreeMap<String, Vec<u8>> = blobs
        .into_iter()
        .map(|b| (format!("/v2/app/blobs/{}", digest(&b)), b))
        .collect();
    Liar::start(move |r| {
        if r.path() == subject_path {
            manifest_reply(&subject)
        } else if r.is("GET", &tag_path) {
            manifest_reply(&tag)
        } else if let Some(b) = blobs.get(r.path()).filter(|_| r.method == "GET") {
            Reply::ok("application/octet-stream", b.clone())
        } else {
            Reply::not_found()
        }
    })
}

/// Runs sigil against plain HTTP and returns the run and its peak memory.
fn sigil_measured(env: &Env, args: &[&str]) -> (crate::harness::Run, u64) {
    let mut all = args.to_vec();
    all.extend(["--allow-http-registry", "--no-cache"]);
    env.sigil_peak_memory(&all)
}

/// Writes `key`'s public half as `name` in `env`; returns its path.
fn public_key(env: &Env, key: &PrivateKey, name: &str) -> String {
    let path = env.path().join(name);
    std::fs::write(&path, key.public().to_pem()).unwrap();
    path.display().to_string()
}

/// One 8 MiB signature of `subject` by `key`, as `kind` (`sig`: a simple-signing payload;
/// `att`: a DSSE envelope) with the layer annotations cosign gives it.
fn large_signature(
    kind: &str,
    key: &PrivateKey,
    subject: &Digest,
) -> (Vec<u8>, &'static str, BTreeMap<String, String>) {
    let b64 = base64::engine::general_purpose::STANDARD;
    let pad = "x".repeat(8 * MIB);
    match kind {
        "sig" => {
            let payload = sigil::sign::simple_signing::Payload::new(
                "127.0.0.1/app",
                &subject.to_string(),
                &BTreeMap::from([("pad".to_string(), pad)]),
            );
            let bytes = serde_json::to_vec(&payload).unwrap();
            let sig = b64.encode(key.sign(&bytes));
            let annotations =
                BTreeMap::from([("dev.cosignproject.cosign/signature".to_string(), sig)]);
            (bytes, SIMPLE_SIGNING, annotations)
        }
        _ => {
            use sigil::sign::dsse::{
                Envelope, EnvelopeSignature, INTOTO_PAYLOAD_TYPE, Statement, pae,
            };
            let predicate_type = "https://example.com/padded/v1";
            let statement = Statement::for_digest(
                subject,
                predicate_type,
                json!({"pad": pad}),
                &BTreeMap::new(),
            );
            let payload = serde_json::to_vec(&statement).unwrap();
            let envelope = Envelope {
                payload: b64.encode(&payload),
                payload_type: INTOTO_PAYLOAD_TYPE.into(),
                signatures: vec![EnvelopeSignature {
                    sig: b64.encode(key.sign(&pae(INTOTO_PAYLOAD_TYPE, &payload))),
                    keyid: None,
                }],
            };
            let annotations =
                BTreeMap::from([("predicateType".to_string(), predicate_type.to_string())]);
            (serde_json::to_vec(&envelope).unwrap(), DSSE, annotations)
        }
    }
}

/// A legacy tag listing one valid 8 MiB signature 250 times: the blob is fetched once, the
/// repeats do not count as more signers, and the whole run stays under [`PEAK`]. (Before,
/// each layer was fetched and held: 2.1 GB for 250, and 1,000 aborted the process.)
fn one_large_blob_listed_250_times(kind: &str, verb: &str) {
    let env = Env::new();
    let subject = image("large signature");
    let subject_digest: Digest = digest(&subject).parse().unwrap();
    let signer = PrivateKey::generate().unwrap();
    let (blob, media_type, annotations) = large_signature(kind, &signer, &subject_digest);
    let layer = json!({
        "mediaType": media_type,
        "digest": digest(&blob),
        "size": blob.len(),
        "annotations": annotations,
    });
    let liar = legacy_liar(subject, kind, vec![layer; 250], vec![blob]);
    let keys = [
        public_key(&env, &signer, "signer.pub"),
        public_key(&env, &PrivateKey::generate().unwrap(), "other.pub"),
    ];
    let target = format!("{}/app@{subject_digest}", liar.host());
    let (run, peak) = sigil_measured(
        &env,
        &[
            verb,
            "--key",
            &keys[0],
            "--key",
            &keys[1],
            "--min-signatures",
            "2",
            &target,
        ],
    );
    assert!(peak <= PEAK, "{verb} peaked at {} MiB", peak / MIB as u64);
    assert_eq!(liar.requests("GET", "/v2/app/blobs/").len(), 1, "one fetch");
    run.code(1).stdout_has("1 verified signer(s), 2 required");
    assert_eq!(run.stdout.matches("listed again").count(), 249);
}

#[test]
fn verify_reads_a_signature_blob_listed_250_times_once() {
    one_large_blob_listed_250_times("sig", "verify");
}

#[test]
fn verify_attestation_reads_an_envelope_listed_250_times_once() {
    one_large_blob_listed_250_times("att", "verify-attestation");
}

/// `count` simple-signing layers of distinct blobs of `size` bytes each (junk signatures).
fn distinct_layers(count: usize, size: usize) -> (Vec<Value>, Vec<Vec<u8>>) {
    (0..count)
        .map(|i| {
            let mut blob = format!("{{\"n\":{i},\"pad\":\"").into_bytes();
            blob.resize(size - 2, b'x');
            blob.extend_from_slice(b"\"}");
            let layer = json!({
                "mediaType": SIMPLE_SIGNING,
                "digest": digest(&blob),
                "size": blob.len(),
                "annotations": {"dev.cosignproject.cosign/signature": "MEUCIQ=="},
            });
            (layer, blob)
        })
        .unzip()
}

#[test]
fn verify_refuses_more_signature_bytes_than_one_image_may_read() {
    let env = Env::new();
    let key = public_key(&env, &PrivateKey::generate().unwrap(), "cosign.pub");
    // 40 distinct blobs declared at 8 MiB each (320 MiB): over the default 256 MiB, refused
    // before any is fetched (the liar does not even have them).
    let subject = image("over budget");
    let subject_digest = digest(&subject);
    let (layers, _) = distinct_layers(40, 1024);
    let layers = layers
        .into_iter()
        .map(|mut l| {
            l["size"] = json!(8 * MIB);
            l
        })
        .collect();
    let liar = legacy_liar(subject, "sig", layers, Vec::new());
    let target = format!("{}/app@{subject_digest}", liar.host());
    let (run, _) = sigil_measured(&env, &["verify", "--key", &key, &target]);
    run.code(2)
        .stderr_has(&target)
        .stderr_has("more than 268435456 bytes")
        .stderr_has("--max-read-per-image");
    assert!(liar.requests("GET", "/v2/app/blobs/").is_empty());

    // Five real 1 MiB blobs: refused under a 4 MiB budget, read under a 16 MiB one.
    let subject = image("budget flag");
    let subject_digest = digest(&subject);
    let (layers, blobs) = distinct_layers(5, MIB);
    let liar = legacy_liar(subject, "sig", layers, blobs);
    let target = format!("{}/app@{subject_digest}", liar.host());
    let verify = |budget: &str| {
        let args = [
            "verify",
            "--key",
            &key,
            "--max-read-per-image",
            budget,
            &target,
        ];
        sigil_measured(&env, &args).0
    };
    verify("4194304")
        .code(2)
        .stderr_has("more than 4194304 bytes");
    assert!(liar.requests("GET", "/v2/app/blobs/").is_empty());
    verify("16777216")
        .code(1)
        .stdout_has("none of 5 signature(s)");
    assert_eq!(liar.requests("GET", "/v2/app/blobs/").len(), 5);
}

/// 200 references (distinct tags, pinned by digest) to one image whose configuration is
/// 3.7 MB, checked against a real registry: memory stays under [`PEAK`], and lower still
/// with `--max-concurrency 4`. (Before, every image's data was held at once: about 700 MB,
/// and 785 MB with `--max-concurrency 4`.)
#[test]
fn check_of_200_images_with_large_configurations_stays_bounded() {
    let reg = Registry::start(Kind::Distribution);
    let env = Env::new();
    let env_vars: Vec<String> = (0..2000)
        .map(|i| format!("V{i}={}", "x".repeat(1850)))
        .collect();
    let config = serde_json::to_vec(&json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {"User": "1000", "Env": env_vars},
    }))
    .unwrap();
    assert!(config.len() > 3_700_000);
    let layer = b"layer".to_vec();
    let base = reg.repo("big");
    with_repo(&format!("{base}:latest"), async |repo| {
        repo.push_blob(&config).await.unwrap();
        repo.push_blob(&layer).await.unwrap();
    });
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": digest(&config),
            "size": config.len(),
        },
        "layers": [{
            "mediaType": "application/vnd.oci.image.layer.v1.tar",
            "digest": digest(&layer),
            "size": layer.len(),
        }],
    }))
    .unwrap();
    let manifest_digest = digest(&manifest);
    let mut list = String::new();
    for i in 0..200 {
        push_tagged_manifest(&format!("{base}:t{i}"), &manifest, OCI_MANIFEST);
        list.push_str(&format!("{base}:t{i}@{manifest_digest}\n"));
    }
    let file = env.path().join("images.txt");
    std::fs::write(&file, list).unwrap();
    let file = file.display().to_string();
    let (run, peak) = sigil_measured(&env, &["check", "--from-file", &file]);
    run.code(0)
        .stdout_has("200 image(s): 200 allowed, 0 denied, 0 error(s)");
    assert!(peak <= PEAK, "check peaked at {} MiB", peak / MIB as u64);
    let four = ["check", "--max-concurrency", "4", "--from-file", &file];
    let (run, peak) = sigil_measured(&env, &four);
    run.code(0);
    assert!(
        peak <= PEAK / 2,
        "with 4 at once, {} MiB",
        peak / MIB as u64
    );
}
