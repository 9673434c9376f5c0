//! Policy evaluation throughput: one realistic image input (pinned, signed, with SLSA
//! provenance and an SBOM attestation, multi-platform) against the full built-in library
//! with its default configuration. Target: at least 50,000 evaluations per second on one
//! core.
//!
//! 2026-11-23, 2 cores (the other busy with compiles, so figures are upper bounds),
//! `cargo bench --bench policy`:
//!
//! | case | time | evaluations/s |
//! |---|---|---|
//! | image input (10 KB JSON with SLSA provenance), full library, defaults, converted each time | 41 µs | 24,300 |
//! | converting that input from JSON to a regorus value alone | 18 µs | — |
//! | the same input already converted (what the engine evaluates) | 15.5 µs | 64,600 |
//! | a minimal image input, converted | 13.1 µs | 76,300 |
//! | every rule off (the VM's fixed cost per evaluation) | 0.93 µs | 1,080,000 |
//! | every image rule enabled and configured | 121 µs | 8,300 |
//!
//! The built-in rules evaluate only the finding sets of the rules enabled for the input's
//! kind (`FastPlan` in the engine); before that, every evaluation walked every rule's
//! `findings` definition: 31 µs for the converted input, 13.8 µs with every rule off.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};
use sigil::policy::{EngineOptions, PolicyEngine, PolicySet};

const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const BASE: &str = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

fn image_input() -> Value {
    let statement: Value = serde_json::from_str(include_str!(
        "../testdata/provenance/github-actions-pinned.json"
    ))
    .expect("provenance fixture");
    let provenance = statement.get("predicate").cloned().unwrap_or(statement);
    let signer = json!({
        "identity": "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main",
        "issuer": "https://token.actions.githubusercontent.com"
    });
    let platform = |p: &str, d: &str| {
        json!({
            "platform": p, "digest": d,
            "config": {"user": "65532:65532", "entrypoint": ["/app"], "os": "linux",
                       "architecture": p.split('/').nth(1)},
            "signatures": [{"format": "bundle", "signer": {"key_id": "SHA256:team-key"}}]
        })
    };
    json!({
        "kind": "image",
        "image": {
            "reference": {
                "given": format!("ghcr.io/acme/app:v1.2.3@{DIGEST}"),
                "name": "ghcr.io/acme/app", "registry": "ghcr.io", "repository": "acme/app",
                "tag": "v1.2.3", "tag_implicit": false, "digest": DIGEST, "pinned": true
            },
            "digest": DIGEST,
            "media_type": "application/vnd.oci.image.index.v1+json",
            "config": {
                "user": "65532:65532", "entrypoint": ["/app"], "cmd": ["serve"],
                "env": ["PATH=/usr/local/bin:/usr/bin:/bin"], "working_dir": "/",
                "labels": {"org.opencontainers.image.source": "https://github.com/acme/app"},
                "os": "linux", "architecture": "amd64"
            },
            "annotations": {
                "org.opencontainers.image.base.name": "gcr.io/distroless/static-debian12:nonroot",
                "org.opencontainers.image.base.digest": BASE,
                "org.opencontainers.image.created": "2026-01-01T00:00:00Z"
            },
            "signatures": [
                {"format": "bundle", "signer": {"key_id": "SHA256:team-key"}, "annotations": {}},
                {"format": "legacy", "signer": signer.clone(), "annotations": {"team": "release"}}
            ],
            "attestations": [
                {"predicate_type": "https://slsa.dev/provenance/v1", "signer": signer.clone(),
                 "predicate": provenance},
                {"predicate_type": "https://cyclonedx.org/bom", "signer": signer,
                 "predicate": {"bomFormat": "CycloneDX", "specVersion": "1.6",
                               "components": [{"name": "openssl", "version": "3.0.13"}]}}
            ],
            "base_images": [{
                "name": "gcr.io/distroless/static-debian12",
                "reference": format!("gcr.io/distroless/static-debian12:nonroot@{BASE}"),
                "tag": "nonroot", "digest": BASE, "source": "provenance"
            }],
            "platforms": [platform("linux/amd64", DIGEST), platform("linux/arm64", BASE)]
        },
        "verification": {"requested": true}
    })
}

/// Data that enables every image rule, configured so that the input passes.
fn all_rules() -> Value {
    json!({"sigil": {"config": {"rules": {
        "allowed-tags": {"enabled": true},
        "trusted-registries": {"enabled": true, "repositories": ["ghcr.io/acme/*"]},
        "approved-base-images": {"enabled": true, "images": [{"name": "gcr.io/distroless/*"}]},
        "required-signers": {"enabled": true, "signers": [{"key_id": "SHA256:team-key"}]},
        "required-attestations": {"enabled": true, "attestations": [
            {"name": "provenance", "predicate_type": "https://slsa.dev/provenance/v1",
             "builder_ids": ["https://github.com/**"]},
            {"name": "SBOM", "predicate_types": ["https://cyclonedx.org/bom", "https://spdx.dev/Document"],
             "conditions": [{"path": "bomFormat", "equals": "CycloneDX"}]}
        ]},
        "platforms-signed": {"enabled": true}
    }}}})
}

fn bench(c: &mut Criterion) {
    let engine = PolicyEngine::new(PolicySet::builtin(), Value::Null, EngineOptions::default())
        .expect("the built-in library loads");
    let input = image_input();
    let decision = engine.evaluate(&input);
    assert!(decision.allowed, "{decision:#?}");
    let value: regorus::Value = serde::Deserialize::deserialize(&input).expect("input");

    let mut group = c.benchmark_group("policy");
    group.throughput(Throughput::Elements(1));
    group.bench_function("evaluate image input (full library, defaults)", |b| {
        b.iter(|| black_box(engine.evaluate(black_box(&input))))
    });
    group.bench_function("convert the image input (JSON to regorus value)", |b| {
        b.iter(|| black_box(sigil::policy::value::to_regorus(black_box(&input))))
    });
    group.bench_function("evaluate pre-converted image input", |b| {
        b.iter(|| black_box(engine.evaluate_value(black_box(value.clone()))))
    });
    let minimal = json!({"kind": "image", "image": {"reference": input["image"]["reference"].clone(), "config": {"user": "1000"}}, "verification": {"requested": false}});
    let minimal_value: regorus::Value = serde::Deserialize::deserialize(&minimal).expect("input");
    group.bench_function("evaluate minimal image input (pre-converted)", |b| {
        b.iter(|| black_box(engine.evaluate_value(black_box(minimal_value.clone()))))
    });
    let none = PolicyEngine::new(PolicySet::builtin(), json!({"sigil": {"config": {"rules": {
        "input-valid": {"enabled": false}, "digest-pinned": {"enabled": false}, "no-latest": {"enabled": false},
        "non-root": {"enabled": false}, "signed": {"enabled": false}, "dockerfile-digest-pinned": {"enabled": false},
        "dockerfile-no-latest": {"enabled": false}, "dockerfile-non-root": {"enabled": false}}}}}), EngineOptions::default())
        .expect("the built-in library loads");
    group.bench_function(
        "evaluate minimal input, every rule off (VM overhead)",
        |b| b.iter(|| black_box(none.evaluate_value(black_box(minimal_value.clone())))),
    );
    let strict = PolicyEngine::new(PolicySet::builtin(), all_rules(), EngineOptions::default())
        .expect("the built-in library loads");
    let decision = strict.evaluate(&input);
    assert!(decision.allowed, "{decision:#?}");
    group.bench_function("evaluate image input (every rule enabled)", |b| {
        b.iter(|| black_box(strict.evaluate(black_box(&input))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
