//! Malicious-registry tests: the `liar` answers with wrong digests, wrong lengths, endless or
//! enormous bodies, wrong media types, floods of referrers, endless pagination, redirect loops
//! and 429 storms. Every case must end in a clear error (exit code 2 from the CLI) naming the
//! problem, in bounded time, without reading unbounded data and without writing anything.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use sigil::oci::{Digest, Reference};
use sigil::registry::{ClientOptions, Limits, RegistryClient, RegistryError};
use sigil::store::{ReferrerSource, Repository, StoreError};

use crate::harness::{Env, Run};
use crate::liar::{Body, Framing, Liar, Reply, Request};

pub(crate) const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
const EMPTY_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
const SBOM: &str = "application/vnd.example.sbom.v1+json";
const MIB: u64 = 1 << 20;
/// The default manifest cap, as it appears in messages.
const CAP: &str = "4194304-byte limit";
/// More than any honest answer here, far less than an unbounded read.
const READ_BOUND: u64 = 64 * MIB;

pub(crate) fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

pub(crate) fn empty_descriptor() -> Value {
    json!({"mediaType": OCI_EMPTY, "digest": EMPTY_DIGEST, "size": 2})
}

/// A small valid OCI image manifest, made distinct by `label`.
pub(crate) fn image(label: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": empty_descriptor(),
        "layers": [empty_descriptor()],
        "annotations": {"label": label},
    }))
    .unwrap()
}

/// An SBOM-typed artifact manifest whose `subject` is `subject`.
fn referrer(subject: &[u8], label: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": SBOM,
        "config": empty_descriptor(),
        "layers": [empty_descriptor()],
        "subject": {"mediaType": OCI_MANIFEST, "digest": digest(subject), "size": subject.len()},
        "annotations": {"label": label},
    }))
    .unwrap()
}

fn descriptor(bytes: &[u8], artifact_type: Option<&str>) -> Value {
    let mut d = json!({"mediaType": OCI_MANIFEST, "digest": digest(bytes), "size": bytes.len()});
    if let Some(a) = artifact_type {
        d["artifactType"] = json!(a);
    }
    d
}

fn index(manifests: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}))
        .unwrap()
}

/// An honest manifest answer: right type, right digest header.
pub(crate) fn manifest_reply(bytes: &[u8]) -> Reply {
    let media_type = if bytes.windows(11).any(|w| w == b"\"manifests\"") {
        OCI_INDEX
    } else {
        OCI_MANIFEST
    };
    Reply::ok(media_type, bytes).header("Docker-Content-Digest", digest(bytes))
}

/// A liar that answers `GET /v2/app/manifests/v1` with `reply()` and 404 to everything else.
fn serving_tag(reply: impl Fn() -> Reply + Send + Sync + 'static) -> Liar {
    Liar::start(move |r| {
        if r.is("GET", "/v2/app/manifests/v1") {
            reply()
        } else {
            Reply::not_found()
        }
    })
}

/// Runs sigil against plain HTTP with a 5 s timeout and 1 retry unless `args` say otherwise.
fn sigil(args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.push("--allow-http-registry");
    for (flag, default) in [("--registry-timeout", "5"), ("--registry-retries", "1")] {
        if !args.contains(&flag) {
            all.extend([flag, default]);
        }
    }
    Env::new().sigil(&all)
}

/// Asserts exit code 2, a message containing each of `needles`, and a run under `secs`.
#[track_caller]
fn refused(run: &Run, needles: &[&str], secs: u64) {
    run.code(2);
    for n in needles {
        assert!(
            run.stderr.contains(n),
            "stderr lacks {n:?}:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stdout.is_empty(),
        "nothing may be printed on error: {}",
        run.stdout
    );
    assert!(
        run.elapsed < Duration::from_secs(secs),
        "took {:?}: {}",
        run.elapsed,
        run.stderr
    );
}

/// The exchanges for `GET /v2/app/manifests/v1`.
fn tag_fetches(liar: &Liar) -> Vec<crate::liar::Exchange> {
    liar.log()
        .into_iter()
        .filter(|e| e.request.is("GET", "/v2/app/manifests/v1"))
        .collect()
}

#[test]
fn an_honest_trickling_answer_is_accepted() {
    let m = image("honest");
    let expected = digest(&m);
    let liar = serving_tag(move || {
        manifest_reply(&m).body(Body::Trickle {
            bytes: m.clone(),
            piece: 16,
            pause: Duration::from_millis(1),
        })
    });
    let run = sigil(&["digest", &format!("{}/app:v1", liar.host())]);
    assert_eq!(run.ok().trim(), expected);
    let fetches = tag_fetches(&liar);
    assert_eq!(fetches.len(), 1);
    assert!(
        !fetches[0].request.has_auth(),
        "no credentials were configured"
    );
    assert!(
        fetches[0]
            .request
            .header("accept")
            .is_some_and(|a| a.contains(OCI_INDEX))
    );
}

#[test]
fn manifest_by_digest_must_hash_to_that_digest() {
    let (asked, served) = (image("asked"), image("served"));
    let (want, got) = (digest(&asked), digest(&served));
    let path = format!("/v2/app/manifests/{want}");
    let claimed = want.clone();
    let liar = Liar::start(move |r| {
        if r.is("GET", &path) {
            // The header repeats the digest asked for: only hashing the bytes exposes the lie.
            Reply::ok(OCI_MANIFEST, served.clone()).header("Docker-Content-Digest", claimed.clone())
        } else {
            Reply::not_found()
        }
    });
    let run = sigil(&["digest", &format!("{}/app@{want}", liar.host())]);
    refused(&run, &["does not match its digest", &want, &got], 5);
}

#[test]
fn tag_fetch_rejects_a_docker_content_digest_that_disagrees_with_the_body() {
    let (served, other) = (image("served"), image("other"));
    let claimed = digest(&other);
    let liar = serving_tag(move || {
        Reply::ok(OCI_MANIFEST, served.clone()).header("Docker-Content-Digest", claimed.clone())
    });
    let run = sigil(&["digest", &format!("{}/app:v1", liar.host())]);
    refused(
        &run,
        &[
            "Docker-Content-Digest header",
            &digest(&other),
            "does not match",
        ],
        5,
    );
}

/// An endless manifest body is cut off at the cap: an error, quickly, and the liar sees the
/// client hang up after a few mebibytes.
fn endless_manifest(framing: Framing) {
    let liar = serving_tag(move || {
        Reply::status(200)
            .header("Content-Type", OCI_MANIFEST)
            .body(Body::Flood(framing))
    });
    let run = sigil(&["digest", &format!("{}/app:v1", liar.host())]);
    refused(
        &run,
        &["manifest is larger than the", CAP, "stopped reading"],
        5,
    );
    let fetches = tag_fetches(&liar);
    assert_eq!(fetches.len(), 1, "a body over the cap is not retried");
    assert!(
        fetches[0].hung_up,
        "the client must hang up: {:?}",
        fetches[0].body_sent
    );
    assert!(
        fetches[0].body_sent >= 4 * MIB,
        "stopped before the cap? {}",
        fetches[0].body_sent
    );
    assert!(
        fetches[0].body_sent < READ_BOUND,
        "read far past the cap: {}",
        fetches[0].body_sent
    );
}

#[test]
fn endless_manifest_without_length_stops_at_the_cap() {
    endless_manifest(Framing::UntilClose);
}

#[test]
fn endless_chunked_manifest_stops_at_the_cap() {
    endless_manifest(Framing::Chunked);
}

#[test]
fn a_huge_declared_length_is_refused_before_reading() {
    let liar = serving_tag(|| {
        Reply::status(200)
            .header("Content-Type", OCI_MANIFEST)
            .body(Body::Flood(Framing::Declared(5 << 30)))
    });
    let run = sigil(&["digest", &format!("{}/app:v1", liar.host())]);
    refused(&run, &["declares 5368709120 bytes", CAP], 5);
    let fetches = tag_fetches(&liar);
    assert_eq!(fetches.len(), 1);
    assert!(
        fetches[0].hung_up && fetches[0].body_sent < READ_BOUND,
        "{:?}",
        fetches[0].body_sent
    );
}

#[test]
fn a_body_shorter_than_its_content_length_is_an_error() {
    let m = image("short");
    let liar = serving_tag(move || {
        manifest_reply(&m).body(Body::Lie {
            bytes: m[..10].to_vec(),
            declared: 1000,
        })
    });
    let run = sigil(&["digest", &format!("{}/app:v1", liar.host())]);
    refused(&run, &["of 1000 declared bytes"], 5);
}

#[test]
fn bytes_past_the_content_length_are_never_read() {
    // Content-Length covers 10 bytes of a valid manifest: the rest must not complete it.
    let m = image("long");
    let liar = serving_tag(move || {
        Reply::ok(OCI_MANIFEST, Vec::new()).body(Body::Lie {
            bytes: m.clone(),
            declared: 10,
        })
    });
    let run = sigil(&["digest", &format!("{}/app:v1", liar.host())]);
    refused(&run, &["manifest is not valid JSON"], 5);
}

#[test]
fn an_oversized_manifest_is_refused_unless_the_cap_is_raised() {
    let padded = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": empty_descriptor(),
        "layers": [],
        "annotations": {"padding": " ".repeat(5 * MIB as usize)},
    }))
    .unwrap();
    let (len, expected) = (padded.len(), digest(&padded));
    let liar = serving_tag(move || manifest_reply(&padded));
    let image = format!("{}/app:v1", liar.host());
    let run = sigil(&["digest", &image]);
    refused(&run, &[&format!("declares {len} bytes"), CAP], 5);
    let run = sigil(&["digest", &image, "--max-manifest-size", "8388608"]);
    assert_eq!(run.ok().trim(), expected);
}

fn refused_manifest(content_type: &str, body: Vec<u8>, needle: &str) {
    let content_type = content_type.to_string();
    let liar = serving_tag(move || Reply::ok(&content_type, body.clone()));
    let run = sigil(&["digest", &format!("{}/app:v1", liar.host())]);
    refused(&run, &["invalid manifest", needle], 5);
}

#[test]
fn an_image_manifest_served_as_an_index_is_refused() {
    refused_manifest(OCI_INDEX, image("posing"), "media type mismatch");
}

#[test]
fn an_index_served_as_an_image_manifest_is_refused() {
    let idx = index(vec![descriptor(&image("child"), None)]);
    refused_manifest(OCI_MANIFEST, idx, "media type mismatch");
}

#[test]
fn a_schema1_manifest_is_refused() {
    let s1 = br#"{"schemaVersion":1,"name":"app","tag":"v1","architecture":"amd64","fsLayers":[],"history":[]}"#;
    refused_manifest(
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
        s1.to_vec(),
        "schema 1",
    );
}

/// A liar for `sigil tree`: the subject at tag v1, `referrers(req)` for the referrers API,
/// the manifests in `extra` by digest, 404 for the rest.
fn tree_liar(
    subject: Vec<u8>,
    extra: Vec<Vec<u8>>,
    referrers: impl Fn(&Request) -> Reply + Send + Sync + 'static,
) -> Liar {
    let prefix = format!("/v2/app/referrers/{}", digest(&subject));
    Liar::start(move |r| {
        if r.is("GET", "/v2/app/manifests/v1") {
            return manifest_reply(&subject);
        }
        if r.method == "GET" && r.path() == prefix {
            return referrers(r);
        }
        match extra
            .iter()
            .find(|m| r.is("GET", &format!("/v2/app/manifests/{}", digest(m))))
        {
            Some(m) => manifest_reply(m),
            None => Reply::not_found(),
        }
    })
}

#[test]
fn tree_refuses_ten_thousand_referrers() {
    let subject = image("popular");
    let listed: Vec<Value> = (0..10_000)
        .map(|i| descriptor(format!("r{i}").as_bytes(), Some(SBOM)))
        .collect();
    let body = Arc::new(index(listed));
    let liar = tree_liar(subject, vec![], move |_| {
        Reply::ok(OCI_INDEX, body.to_vec())
    });
    let run = sigil(&["tree", &format!("{}/app:v1", liar.host())]);
    refused(&run, &["more than 1000 referrers"], 5);
    let fetched = liar.requests("GET", "/v2/app/manifests/sha256:");
    assert!(
        fetched.is_empty(),
        "no listed referrer may be fetched: {} were",
        fetched.len()
    );
}

#[test]
fn verify_refuses_a_sig_manifest_with_more_layers_than_signatures_allowed() {
    // A `.sig` manifest of 1,001 simple-signing layers (well under the manifest cap): verify
    // refuses it by count, fetches none of the layers, and does not pass.
    let subject = image("flooded");
    let subject_digest = digest(&subject);
    let layers: Vec<Value> = (0..1001)
        .map(|i| {
            json!({
                "mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                "digest": digest(format!("payload {i}").as_bytes()),
                "size": 200,
                "annotations": {"dev.cosignproject.cosign/signature": "MEUCIQ=="}
            })
        })
        .collect();
    let sig = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": empty_descriptor(),
        "layers": layers,
    }))
    .unwrap();
    let sig_path = format!("/v2/app/manifests/{}.sig", subject_digest.replace(':', "-"));
    let subject_path = format!("/v2/app/manifests/{subject_digest}");
    let liar = Liar::start(move |r| {
        if r.path() == subject_path {
            manifest_reply(&subject)
        } else if r.is("GET", &sig_path) {
            manifest_reply(&sig)
        } else {
            Reply::not_found()
        }
    });
    let key = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/cosign.pub");
    let image = format!("{}/app@{subject_digest}", liar.host());
    for verb in ["verify", "check"] {
        let run = sigil(&[verb, "--key", key, &image]);
        assert_eq!(
            run.code, 2,
            "{verb} must not pass: {}{}",
            run.stdout, run.stderr
        );
        let said = format!("{}{}", run.stdout, run.stderr);
        assert!(
            said.contains("1001 signatures attached, more than 1000"),
            "{verb}: {said}"
        );
    }
    let fetched = liar.requests("GET", "/v2/app/blobs/");
    assert!(
        fetched.is_empty(),
        "no signature layer may be fetched: {} were",
        fetched.len()
    );
}

#[test]
fn check_refuses_an_index_with_more_platforms_than_it_reads() {
    // An index of 65 platforms (a few kilobytes): check refuses it by count instead of
    // fetching 65 manifests and configs, and the image is not allowed.
    let platforms: Vec<Value> = (0..65)
        .map(|i| {
            let mut d = descriptor(&image(&format!("platform {i}")), None);
            d["platform"] = json!({"os": "linux", "architecture": format!("arch{i}")});
            d
        })
        .collect();
    let multi = index(platforms);
    let multi_digest = digest(&multi);
    let path = format!("/v2/app/manifests/{multi_digest}");
    let liar = Liar::start(move |r| {
        if r.path() == path {
            manifest_reply(&multi)
        } else {
            Reply::not_found()
        }
    });
    let run = sigil(&["check", &format!("{}/app@{multi_digest}", liar.host())]);
    run.code(2);
    assert!(
        run.stdout
            .contains("index lists 65 platforms, more than 64"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    let children = liar
        .log()
        .into_iter()
        .filter(|e| e.request.path().starts_with("/v2/app/manifests/sha256:"))
        .filter(|e| !e.request.path().ends_with(&multi_digest[7..]))
        .count();
    assert_eq!(children, 0, "no platform manifest may be fetched");
}

#[test]
fn check_refuses_an_image_configuration_over_its_cap_before_reading_it() {
    // The manifest declares a 5 MiB configuration: refused from the descriptor, never fetched.
    let config = json!({
        "mediaType": "application/vnd.oci.image.config.v1+json",
        "digest": digest(b"a very large configuration"),
        "size": 5 * MIB,
    });
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config,
        "layers": [empty_descriptor()],
    }))
    .unwrap();
    let manifest_digest = digest(&manifest);
    let path = format!("/v2/app/manifests/{manifest_digest}");
    let liar = Liar::start(move |r| {
        if r.path() == path {
            manifest_reply(&manifest)
        } else {
            Reply::not_found()
        }
    });
    let image = format!("{}/app@{manifest_digest}", liar.host());
    let run = sigil(&["check", &image]);
    run.code(2);
    // The message names the image checked; the configuration's digest is the detail.
    let error = run
        .stdout
        .lines()
        .find(|l| l.contains("5242880"))
        .unwrap_or_else(|| panic!("{}{}", run.stdout, run.stderr));
    assert!(
        error.contains(&format!("{image}: its image configuration"))
            && error.contains(&format!(
                "({}) is 5242880 bytes, more than the 4194304 sigil reads",
                digest(b"a very large configuration")
            )),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(liar.requests("GET", "/v2/app/blobs/").is_empty());
}

#[test]
fn tree_detects_a_referrers_pagination_cycle() {
    let subject = image("paged");
    let pages = Arc::new(AtomicUsize::new(0));
    let counter = pages.clone();
    let liar = tree_liar(subject.clone(), vec![], move |r| {
        counter.fetch_add(1, Ordering::SeqCst);
        // Page 1 → 2 → 3 → 1 → …, each with one (nonexistent) referrer.
        let page: usize = r
            .target
            .split("page=")
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        let next = format!("<{}?page={}>; rel=\"next\"", r.path(), page % 3 + 1);
        let one = index(vec![descriptor(format!("p{page}").as_bytes(), Some(SBOM))]);
        Reply::ok(OCI_INDEX, one).header("Link", next)
    });
    let run = sigil(&["tree", &format!("{}/app:v1", liar.host())]);
    refused(
        &run,
        &[
            "pagination did not end",
            &format!("/v2/app/referrers/{}", digest(&subject)),
        ],
        5,
    );
    let n = pages.load(Ordering::SeqCst);
    assert!(
        (4..=10).contains(&n),
        "the cycle must be noticed on its first revisit: {n} pages"
    );
}

/// A registry holding one image by digest whose referrers never end: each page takes about
/// 300 ms (well inside the request timeout), lists nothing and links to a next one (so the
/// page limit alone would allow 1,000 pages, 5 minutes). Returns
/// the liar, the image reference and the count of pages served.
fn endless_slow_referrers() -> (Liar, String, Arc<AtomicUsize>) {
    let subject = image("patient");
    let subject_digest = digest(&subject);
    let (manifest_path, referrers_path) = (
        format!("/v2/app/manifests/{subject_digest}"),
        format!("/v2/app/referrers/{subject_digest}"),
    );
    let pages = Arc::new(AtomicUsize::new(0));
    let counter = pages.clone();
    let liar = Liar::start(move |r| {
        if r.path() == manifest_path {
            manifest_reply(&subject)
        } else if r.is("GET", &referrers_path) {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let empty = index(vec![]);
            Reply::ok(OCI_INDEX, Vec::new())
                .header("Link", format!("<{}?page={n}>; rel=\"next\"", r.path()))
                .body(Body::Trickle {
                    piece: empty.len().div_ceil(2),
                    bytes: empty,
                    pause: Duration::from_millis(300),
                })
        } else {
            Reply::not_found()
        }
    });
    let reference = format!("{}/app@{subject_digest}", liar.host());
    (liar, reference, pages)
}

#[test]
fn endless_slow_referrers_end_at_the_image_and_command_deadlines() {
    let key = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/cosign.pub");
    for verb in ["verify", "check"] {
        for (flag, said) in [
            (
                "--image-timeout",
                "not finished within the per-image deadline of 2s (--image-timeout)",
            ),
            (
                "--timeout",
                "not finished when the deadline of 2s for the whole command passed (--timeout)",
            ),
        ] {
            let (liar, reference, pages) = endless_slow_referrers();
            let run = sigil(&[verb, "--key", key, flag, "2s", &reference]);
            let all = format!("{}{}", run.stdout, run.stderr);
            assert_eq!(run.code, 2, "{verb} {flag}: {all}");
            for needle in [
                reference.as_str(),
                said,
                "registry request(s), the last GET",
            ] {
                assert!(
                    all.contains(needle),
                    "{verb} {flag} lacks {needle:?}: {all}"
                );
            }
            assert!(
                all.contains(&format!("{}/v2/app/referrers/sha256:", liar.host())),
                "{verb} {flag}: the last request names the referrers page: {all}"
            );
            assert!(
                run.elapsed < Duration::from_secs(6),
                "{verb} {flag}: took {:?}",
                run.elapsed
            );
            let served = pages.load(Ordering::SeqCst);
            assert!(
                (3..20).contains(&served),
                "{verb} {flag}: {served} pages in 2 s at 300 ms each"
            );
        }
    }
}

#[test]
fn tree_rejects_a_referrer_whose_subject_is_another_image() {
    let subject = image("mine");
    let good = referrer(&subject, "good");
    let foreign = referrer(&image("someone else"), "foreign");
    let listed = index(vec![
        descriptor(&good, Some(SBOM)),
        descriptor(&foreign, Some(SBOM)),
    ]);
    let liar = tree_liar(subject, vec![good.clone(), foreign.clone()], move |_| {
        Reply::ok(OCI_INDEX, listed.clone())
    });
    let run = sigil(&[
        "tree",
        &format!("{}/app:v1", liar.host()),
        "--output",
        "json",
    ]);
    let tree: Value = serde_json::from_str(run.ok()).expect("JSON output");
    let digests = |key: &str| -> Vec<String> {
        tree[key]
            .as_array()
            .unwrap_or(&vec![])
            .iter()
            .map(|r| r["digest"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(digests("referrers"), vec![digest(&good)], "{tree:#}");
    assert_eq!(digests("rejected"), vec![digest(&foreign)], "{tree:#}");
    let reason = tree["rejected"][0]["reason"].as_str().unwrap();
    assert!(reason.contains(&digest(&image("someone else"))), "{reason}");
}

#[test]
fn a_redirect_loop_is_an_error() {
    let liar = serving_tag(|| Reply::status(307).header("Location", "/v2/app/manifests/v1"));
    let run = sigil(&["digest", &format!("{}/app:v1", liar.host())]);
    refused(&run, &["redirect"], 5);
    let n = tag_fetches(&liar).len();
    assert!(
        (2..=12).contains(&n),
        "redirects must be followed a bounded number of times: {n}"
    );
}

#[test]
fn an_unreachable_host_names_both_urls_tried() {
    // Nothing listens there: plain HTTP (loopback goes first) and HTTPS both fail, and the
    // error shows each URL with its own failure.
    let host = format!("127.0.0.1:{}", crate::harness::free_port());
    let run = sigil(&["digest", &format!("{host}/app:v1")]);
    let path = format!("{host}/v2/app/manifests/v1");
    refused(
        &run,
        &[
            &format!("neither HTTPS nor plain HTTP reached {host}"),
            &format!("request to http://{path} failed"),
            &format!("request to https://{path} failed"),
            "Connection refused",
        ],
        10,
    );
}

#[test]
fn a_429_storm_ends_after_the_configured_attempts() {
    let liar = serving_tag(|| Reply::status(429));
    let run = sigil(&[
        "digest",
        &format!("{}/app:v1", liar.host()),
        "--registry-retries",
        "2",
    ]);
    refused(&run, &["still answering 429 after 3 attempts"], 5);
    let fetches = tag_fetches(&liar);
    assert!(fetches.iter().all(|e| e.status == 429));
    assert_eq!(
        fetches.len(),
        3,
        "1 attempt + 2 retries must reach the registry"
    );
}

#[test]
fn a_long_retry_after_fails_at_once() {
    let liar = serving_tag(|| Reply::status(429).header("Retry-After", "3600"));
    let run = sigil(&[
        "digest",
        &format!("{}/app:v1", liar.host()),
        "--registry-retries",
        "3",
    ]);
    refused(
        &run,
        &["retry after 3600s", "more than the 10s sigil waits"],
        2,
    );
    assert_eq!(tag_fetches(&liar).len(), 1);
}

#[test]
fn a_short_retry_after_is_honoured() {
    let m = image("patient");
    let expected = digest(&m);
    let calls = AtomicUsize::new(0);
    let liar = serving_tag(move || {
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::status(429).header("Retry-After", "1")
        } else {
            manifest_reply(&m)
        }
    });
    let run = sigil(&[
        "digest",
        &format!("{}/app:v1", liar.host()),
        "--registry-retries",
        "2",
    ]);
    assert_eq!(run.ok().trim(), expected);
    assert!(
        run.elapsed >= Duration::from_secs(1),
        "Retry-After ignored: {:?}",
        run.elapsed
    );
    assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
    assert_eq!(tag_fetches(&liar).len(), 2);
}

#[test]
fn one_retry_survives_one_503() {
    // With --registry-retries 1, a single transient failure must still be retried once.
    let m = image("transient");
    let expected = digest(&m);
    let calls = AtomicUsize::new(0);
    let liar = serving_tag(move || {
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::status(503)
        } else {
            manifest_reply(&m)
        }
    });
    let run = sigil(&[
        "digest",
        &format!("{}/app:v1", liar.host()),
        "--registry-retries",
        "1",
    ]);
    assert_eq!(run.ok().trim(), expected);
    assert_eq!(tag_fetches(&liar).len(), 2);
}

#[test]
fn a_trickling_body_hits_the_timeout() {
    let m = image("slow");
    let liar = serving_tag(move || {
        manifest_reply(&m).body(Body::Trickle {
            bytes: m.clone(),
            piece: 1,
            pause: Duration::from_millis(100),
        })
    });
    let run = sigil(&[
        "digest",
        &format!("{}/app:v1", liar.host()),
        "--registry-timeout",
        "2",
    ]);
    refused(&run, &["timed out after 2s"], 6);
    assert!(
        run.elapsed >= Duration::from_secs(2),
        "gave up before the timeout: {:?}",
        run.elapsed
    );
}

#[test]
fn an_endless_error_body_is_not_read() {
    let liar = serving_tag(|| Reply::status(400).body(Body::Flood(Framing::Chunked)));
    let run = sigil(&["digest", &format!("{}/app:v1", liar.host())]);
    refused(&run, &["registry answered 400"], 5);
    let fetches = tag_fetches(&liar);
    assert_eq!(fetches.len(), 1);
    assert!(
        fetches[0].hung_up && fetches[0].body_sent < READ_BOUND,
        "{:?}",
        fetches[0].body_sent
    );
}

#[test]
fn an_endless_token_response_is_cut_at_its_cap() {
    let liar = Liar::start(|r| {
        if r.is("GET", "/v2/app/manifests/v1") {
            // The Host header names the liar itself: its /token is the realm.
            let realm = format!("http://{}/token", r.header("host").unwrap_or_default());
            Reply::status(401).header(
                "WWW-Authenticate",
                format!("Bearer realm=\"{realm}\",service=\"liar\""),
            )
        } else if r.is("GET", "/token") {
            Reply::status(200)
                .header("Content-Type", "application/json")
                .body(Body::Flood(Framing::UntilClose))
        } else {
            Reply::not_found()
        }
    });
    let run = sigil(&["digest", &format!("{}/app:v1", liar.host())]);
    refused(
        &run,
        &["token response is larger than the 1048576-byte limit"],
        5,
    );
    let tokens = liar
        .log()
        .into_iter()
        .filter(|e| e.request.path() == "/token")
        .collect::<Vec<_>>();
    assert_eq!(tokens.len(), 1);
    assert!(
        tokens[0]
            .request
            .target
            .contains("scope=repository%3Aapp%3Apull"),
        "{}",
        tokens[0].request.target
    );
    assert!(
        tokens[0].hung_up && tokens[0].body_sent < READ_BOUND,
        "{:?}",
        tokens[0].body_sent
    );
    assert_eq!(
        tag_fetches(&liar).len(),
        1,
        "no retry with a token that never came"
    );
}

// ---- The library, where the CLI has no such path ----

fn client(limits: Limits) -> Arc<RegistryClient> {
    RegistryClient::new(ClientOptions {
        allow_http: true,
        use_docker_config: false,
        max_retries: 1,
        request_timeout: Duration::from_secs(5),
        limits,
        ..ClientOptions::default()
    })
    .unwrap()
}

fn reference(liar: &Liar) -> Reference {
    Reference::parse(&format!("{}/app:v1", liar.host())).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_blob_checks_the_digest_and_the_cap() {
    let (honest, asked, served) = (
        b"honest blob".to_vec(),
        b"asked".to_vec(),
        b"served".to_vec(),
    );
    let honest_path = format!("/v2/app/blobs/{}", digest(&honest));
    let lying_path = format!("/v2/app/blobs/{}", digest(&asked));
    let (h, s) = (honest.clone(), served.clone());
    let liar = Liar::start(move |r| match r.path() {
        p if p == honest_path => Reply::ok("application/octet-stream", h.clone()),
        p if p == lying_path => Reply::ok("application/octet-stream", s.clone()),
        p if p.starts_with("/v2/app/blobs/") => {
            Reply::status(200).body(Body::Flood(Framing::UntilClose))
        }
        _ => Reply::not_found(),
    });
    let (c, r) = (client(Limits::default()), reference(&liar));
    let started = Instant::now();
    let got = c
        .get_blob(&r, &digest(&honest).parse().unwrap(), MIB)
        .await
        .unwrap();
    assert_eq!(got, honest);
    let err = c
        .get_blob(&r, &digest(&asked).parse().unwrap(), MIB)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, RegistryError::DigestMismatch { actual, .. } if actual.to_string() == digest(&served)),
        "{err}"
    );
    let endless: Digest = digest(b"endless").parse().unwrap();
    let err = c.get_blob(&r, &endless, MIB).await.unwrap_err();
    assert!(
        matches!(err, RegistryError::TooLarge { limit, .. } if limit == MIB),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let flood = liar
        .log()
        .into_iter()
        .find(|e| e.request.path().ends_with(endless.hex()))
        .unwrap();
    assert!(
        flood.hung_up && flood.body_sent < READ_BOUND,
        "{:?}",
        flood.body_sent
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_tags_notices_a_link_cycle() {
    let liar = Liar::start(|r| {
        if !r.is("GET", "/v2/app/tags/list") {
            return Reply::not_found();
        }
        // The first page links to the second, which links back to the first.
        let (tag, next) = if r.target.contains("last=") {
            ("b", "/v2/app/tags/list?n=1000")
        } else {
            ("a", "/v2/app/tags/list?n=1000&last=a")
        };
        let body = serde_json::to_vec(&json!({"name": "app", "tags": [tag]})).unwrap();
        Reply::ok("application/json", body).header("Link", format!("<{next}>; rel=\"next\""))
    });
    let started = Instant::now();
    let err = client(Limits::default())
        .list_tags(&reference(&liar))
        .await
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::EndlessPagination { .. }),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        liar.requests("GET", "/v2/app/tags/list").len(),
        3,
        "noticed on the first revisit"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_tags_stops_after_the_page_limit() {
    let liar = Liar::start(|r| {
        if !r.is("GET", "/v2/app/tags/list") {
            return Reply::not_found();
        }
        // Always a new page: only the page limit ends this.
        let n: usize = r
            .target
            .split("page=")
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        let body = serde_json::to_vec(&json!({"name": "app", "tags": [format!("t{n}")]})).unwrap();
        let next = format!("</v2/app/tags/list?page={}>; rel=\"next\"", n + 1);
        Reply::ok("application/json", body).header("Link", next)
    });
    let limits = Limits {
        pages: 20,
        ..Limits::default()
    };
    let err = client(limits)
        .list_tags(&reference(&liar))
        .await
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::EndlessPagination { pages: 20, .. }),
        "{err}"
    );
    assert_eq!(liar.requests("GET", "/v2/app/tags/list").len(), 20);
}

/// Pushes a referrer to a liar without `OCI-Subject` support whose referrers API answers
/// `api()` and whose fallback tag answers `fallback()`; returns the result, the liar (for its
/// log) and the fallback tag's path.
async fn push_referrer_to(
    api: fn() -> Reply,
    fallback: fn() -> Reply,
) -> (Result<(Digest, ReferrerSource), StoreError>, Liar, String) {
    let subject = image("subject");
    let tag = digest(&subject).replace(':', "-");
    let fallback_path = format!("/v2/app/manifests/{tag}");
    let fb = fallback_path.clone();
    let liar = Liar::start(move |r| match r.method.as_str() {
        "PUT" if r.path().starts_with("/v2/app/manifests/") => {
            Reply::status(201).header("Docker-Content-Digest", digest(&r.body))
        }
        "GET" if r.path() == fb => fallback(),
        "GET" if r.path().starts_with("/v2/app/referrers/") => api(),
        _ => Reply::not_found(),
    });
    let repo = Repository::open(
        &sigil::oci::ImageRef::Registry(reference(&liar)),
        &client(Limits::default()),
    )
    .unwrap();
    let started = Instant::now();
    let result = repo
        .push_referrer(&referrer(&subject, "pushed"), OCI_MANIFEST)
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    (result, liar, fallback_path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_referrer_updates_an_honest_fallback_tag() {
    // The control for the lying cases below: here the fallback tag is written.
    let (result, liar, fallback_path) = push_referrer_to(Reply::not_found, Reply::not_found).await;
    let (d, source) = result.unwrap();
    assert_eq!(source, ReferrerSource::FallbackTag);
    let puts = liar.requests("PUT", &fallback_path);
    assert_eq!(puts.len(), 1);
    let idx: Value = serde_json::from_slice(&puts[0].body).unwrap();
    assert_eq!(idx["manifests"][0]["digest"], json!(d.to_string()));
    assert_eq!(idx["manifests"][0]["artifactType"], json!(SBOM));
}

async fn push_referrer_refuses_lying_fallback(fallback: fn() -> Reply, what: &str) -> StoreError {
    push_referrer_refuses_liar(Reply::not_found, fallback, what).await
}

async fn push_referrer_refuses_liar(
    api: fn() -> Reply,
    fallback: fn() -> Reply,
    what: &str,
) -> StoreError {
    let (result, liar, fallback_path) = push_referrer_to(api, fallback).await;
    let err = result.expect_err(what);
    for e in liar.log() {
        assert!(
            e.body_sent < READ_BOUND,
            "{what}: {} read past the cap: {}",
            e.request.target,
            e.body_sent
        );
    }
    let puts = liar.requests("PUT", "/v2/app/manifests/");
    assert_eq!(
        puts.len(),
        1,
        "{what}: only the referrer itself may be written"
    );
    assert!(
        puts.iter().all(|p| p.path() != fallback_path),
        "{what}: fallback tag written"
    );
    err
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_referrer_writes_nothing_after_an_oversized_fallback_index() {
    let huge = || {
        Reply::status(200)
            .header("Content-Type", OCI_INDEX)
            .body(Body::Flood(Framing::Declared(5 << 30)))
    };
    let err = push_referrer_refuses_lying_fallback(huge, "declared 5 GiB").await;
    assert!(
        matches!(
            err,
            StoreError::Registry(RegistryError::DeclaredTooLarge { .. })
        ),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_referrer_writes_nothing_after_an_endless_fallback_index() {
    let endless = || {
        Reply::status(200)
            .header("Content-Type", OCI_INDEX)
            .body(Body::Flood(Framing::Chunked))
    };
    let err = push_referrer_refuses_lying_fallback(endless, "endless").await;
    assert!(
        matches!(err, StoreError::Registry(RegistryError::TooLarge { .. })),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_referrer_writes_nothing_after_a_fallback_index_with_a_lying_digest() {
    let lying = || {
        Reply::ok(OCI_INDEX, index(vec![]))
            .header("Docker-Content-Digest", digest(b"something else"))
    };
    let err = push_referrer_refuses_lying_fallback(lying, "lying digest").await;
    assert!(
        matches!(
            err,
            StoreError::Registry(RegistryError::HeaderDigestMismatch { .. })
        ),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_referrer_writes_nothing_when_the_fallback_tag_is_not_an_index() {
    let image_there = || manifest_reply(&image("squatter"));
    let err = push_referrer_refuses_lying_fallback(image_there, "image at fallback tag").await;
    assert!(err.to_string().contains("not an index"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_referrer_writes_nothing_after_an_endless_referrers_list() {
    // Asked whether it already lists the new referrer, the API answers forever.
    let endless = || {
        Reply::status(200)
            .header("Content-Type", OCI_INDEX)
            .body(Body::Flood(Framing::UntilClose))
    };
    let err = push_referrer_refuses_liar(endless, Reply::not_found, "endless referrers list").await;
    assert!(
        matches!(err, StoreError::Registry(RegistryError::TooLarge { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("referrers list"), "{err}");
}
