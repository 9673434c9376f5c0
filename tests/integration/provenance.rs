//! `sigil provenance` against a real registry: a multi-stage Dockerfile whose base images
//! (one multi-arch index, one plain tag, one behind an ARG that a `--build-arg` overrides,
//! one through `COPY --from=<image>`) must come out in `resolvedDependencies` with exactly
//! the digests `crane digest` reports, under simulated GitHub Actions, GitLab CI and
//! generic environments; and the failures that must stop it with exit code 2.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{Env, Kind, Registry, Run, cosign_keys, crane_digest, push_image};

const HTTP: &str = "--allow-http-registry";
const SHA: &str = "0f3a9c2d4e5b6a7988776655443322110fedcba9";

fn json(run: &Run) -> Value {
    let out = run.ok();
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

/// Pushes an OCI image whose config names `platform`; returns its digest.
fn push_platform_image(env: &Env, reference: &str, content: &str, platform: &str) -> String {
    push_image(env, reference, content, true);
    env.peer(
        "crane",
        &[
            "mutate",
            "--insecure",
            "--set-platform",
            platform,
            reference,
            "-t",
            reference,
        ],
    )
    .ok();
    crane_digest(env, reference)
}

/// The images the tests build on.
struct Images {
    /// `base/golang:1.22`, an index of linux/amd64 and linux/arm64.
    golang: String,
    /// `base/golang:1.21`, the ARG default that the build argument overrides.
    golang_old: String,
    /// `base/alpine:3.19`, a single Docker v2 manifest.
    alpine: String,
    /// `tools/busybox:1.36`, a single OCI manifest used through COPY --from.
    busybox: String,
}

fn push_images(reg: &Registry, env: &Env) -> Images {
    let amd = reg.repo("base/golang:1.22-amd64");
    let arm = reg.repo("base/golang:1.22-arm64");
    push_platform_image(env, &amd, "go for amd64", "linux/amd64");
    push_platform_image(env, &arm, "go for arm64", "linux/arm64");
    let golang = reg.repo("base/golang:1.22");
    env.peer(
        "crane",
        &[
            "index",
            "append",
            "--insecure",
            "-m",
            &amd,
            "-m",
            &arm,
            "-t",
            &golang,
        ],
    )
    .ok();
    let golang_old = reg.repo("base/golang:1.21");
    push_image(env, &golang_old, "old go", true);
    let alpine = reg.repo("base/alpine:3.19");
    push_image(env, &alpine, "alpine", false);
    let busybox = reg.repo("tools/busybox:1.36");
    push_image(env, &busybox, "busybox", true);
    Images {
        golang,
        golang_old,
        alpine,
        busybox,
    }
}

const DOCKERFILE: &str = r#"# syntax=docker/dockerfile:1
ARG REGISTRY=registry.invalid
ARG GO_VERSION=1.21

FROM --platform=linux/amd64 ${REGISTRY}/base/golang:${GO_VERSION} AS build
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    go build -o /out/app .

FROM build AS test
RUN go test ./...

FROM scratch AS artifacts
COPY --from=build /out/app /app

FROM ${REGISTRY}/base/alpine:3.19
ARG REGISTRY
ARG GO_VERSION
COPY --from=build /out/app /usr/local/bin/app
COPY --from=${REGISTRY}/tools/busybox:1.36 /bin/busybox /bin/busybox
COPY --from=${REGISTRY}/base/golang:${GO_VERSION} /usr/local/go/bin/gofmt /usr/local/bin/
RUN --mount=type=bind,from=test,source=/src,target=/mnt true
"#;

fn write_dockerfile(env: &Env, text: &str) {
    std::fs::write(env.path().join("Dockerfile"), text).unwrap();
}

fn github_env(env: &mut Env) {
    for (k, v) in [
        ("GITHUB_ACTIONS", "true"),
        ("GITLAB_CI", "false"),
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_REPOSITORY", "acme/widget"),
        ("GITHUB_REPOSITORY_ID", "700100"),
        ("GITHUB_REPOSITORY_OWNER_ID", "800200"),
        ("GITHUB_SHA", SHA),
        ("GITHUB_REF", "refs/heads/main"),
        (
            "GITHUB_WORKFLOW_REF",
            "acme/widget/.github/workflows/image.yml@refs/heads/main",
        ),
        ("GITHUB_RUN_ID", "4242"),
        ("GITHUB_RUN_ATTEMPT", "3"),
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_EVENT_PATH", ""),
        ("GITHUB_ACTOR_ID", "900300"),
        ("RUNNER_ENVIRONMENT", "github-hosted"),
        ("RUNNER_OS", "Linux"),
        ("RUNNER_ARCH", "X64"),
    ] {
        env.set(k, v);
    }
}

fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

fn is_uri(s: &str) -> bool {
    s.split_once(':').is_some_and(|(scheme, rest)| {
        !scheme.is_empty() && !rest.is_empty() && !s.contains(char::is_whitespace)
    })
}

/// Checks the SLSA provenance v1 predicate shape: required fields present, every field that
/// is present of the type the specification gives it.
fn assert_slsa_v1(p: &Value) {
    let def = p["buildDefinition"]
        .as_object()
        .expect("buildDefinition object");
    assert!(is_uri(def["buildType"].as_str().expect("buildType string")));
    assert!(def["externalParameters"].is_object(), "externalParameters");
    if let Some(i) = def.get("internalParameters") {
        assert!(i.is_object(), "internalParameters");
    }
    for dep in def["resolvedDependencies"]
        .as_array()
        .expect("resolvedDependencies array")
    {
        let dep = dep.as_object().expect("resource descriptor object");
        assert!(
            dep.contains_key("uri") || dep.contains_key("digest"),
            "{dep:?}"
        );
        for k in ["uri", "name", "mediaType"] {
            if let Some(v) = dep.get(k) {
                assert!(v.is_string(), "{k}: {v}");
            }
        }
        if let Some(uri) = dep.get("uri") {
            assert!(is_uri(uri.as_str().unwrap()), "{uri}");
        }
        if let Some(digest) = dep.get("digest") {
            let digest = digest.as_object().expect("digest map");
            assert!(!digest.is_empty());
            for (alg, hex) in digest {
                let hex = hex.as_str().expect("digest value string");
                assert!(
                    !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()),
                    "{alg}: {hex}"
                );
            }
        }
        if let Some(a) = dep.get("annotations") {
            assert!(a.is_object());
        }
    }
    let run = p["runDetails"].as_object().expect("runDetails object");
    let builder = run["builder"].as_object().expect("builder object");
    assert!(is_uri(builder["id"].as_str().expect("builder.id string")));
    if let Some(v) = builder.get("version") {
        assert!(
            v.as_object()
                .expect("version map")
                .values()
                .all(Value::is_string)
        );
    }
    let meta = run["metadata"].as_object().expect("metadata object");
    if let Some(id) = meta.get("invocationId") {
        assert!(id.is_string());
    }
    for k in ["startedOn", "finishedOn"] {
        if let Some(t) = meta.get(k) {
            assert!(
                is_rfc3339(t.as_str().expect("timestamp string")),
                "{k}: {t}"
            );
        }
    }
}

/// The image entries of resolvedDependencies.
fn image_deps(p: &Value) -> Vec<&Value> {
    p["buildDefinition"]["resolvedDependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["uri"].as_str().unwrap().starts_with("pkg:docker/"))
        .collect()
}

fn hex(digest: &str) -> &str {
    digest.strip_prefix("sha256:").unwrap()
}

#[test]
fn github_actions_provenance_lists_the_dockerfiles_images_with_crane_digests_on_distribution() {
    github_actions_provenance(Kind::Distribution);
}

#[test]
fn github_actions_provenance_lists_the_dockerfiles_images_with_crane_digests_on_refreg() {
    github_actions_provenance(Kind::Refreg);
}

fn github_actions_provenance(kind: Kind) {
    let reg = Registry::start(kind);
    let mut env = Env::new();
    let images = push_images(&reg, &env);
    write_dockerfile(&env, DOCKERFILE);
    github_env(&mut env);

    let registry_arg = format!("REGISTRY={}", reg.host);
    let args = [
        "provenance",
        HTTP,
        "--dockerfile",
        "Dockerfile",
        "--build-arg",
        &registry_arg,
        "--build-arg",
        "GO_VERSION=1.22",
        "--platform",
        "linux/arm64",
        "--finished-on",
        "2024-05-01T13:00:00Z",
    ];
    let p = json(&env.sigil(&args));
    assert_slsa_v1(&p);

    // Builder, source and run come from the environment.
    let def = &p["buildDefinition"];
    assert_eq!(
        def["buildType"],
        "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1"
    );
    assert_eq!(
        p["runDetails"]["builder"]["id"],
        "https://github.com/acme/widget/.github/workflows/image.yml@refs/heads/main"
    );
    assert_eq!(
        p["runDetails"]["metadata"]["invocationId"],
        "https://github.com/acme/widget/actions/runs/4242/attempts/3"
    );
    assert_eq!(
        p["runDetails"]["metadata"]["finishedOn"],
        "2024-05-01T13:00:00Z"
    );
    assert_eq!(
        def["externalParameters"]["workflow"],
        serde_json::json!({
            "ref": "refs/heads/main",
            "repository": "https://github.com/acme/widget",
            "path": ".github/workflows/image.yml"
        })
    );
    assert_eq!(
        def["internalParameters"]["github"]["repository_id"],
        "700100"
    );
    assert_eq!(
        def["resolvedDependencies"][0],
        serde_json::json!({
            "uri": "git+https://github.com/acme/widget@refs/heads/main",
            "digest": { "gitCommit": SHA }
        })
    );
    let build = &def["internalParameters"]["dockerBuild"];
    assert_eq!(build["buildArgs"]["GO_VERSION"], "1.22");
    assert_eq!(build["platform"], "linux/arm64");
    assert_eq!(build["dockerfile"]["path"], "Dockerfile");

    // Exactly the external images, with crane's digests: the golang index twice (pulled
    // for linux/amd64 by FROM --platform and for the target platform by COPY --from),
    // alpine and busybox; never the ARG default, the stages or scratch.
    let deps = image_deps(&p);
    let got: BTreeSet<(String, String)> = deps
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_string(),
                d["annotations"]["platform"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String)> = [
        (&images.golang, "linux/amd64"),
        (&images.alpine, "linux/arm64"),
        (&images.busybox, "linux/arm64"),
        (&images.golang, "linux/arm64"),
    ]
    .into_iter()
    .map(|(n, p)| (n.clone(), p.to_string()))
    .collect();
    assert_eq!(got, want);
    assert_eq!(deps.len(), 4);
    assert!(
        deps.iter().all(|d| d["name"] != images.golang_old.as_str()),
        "the overridden ARG default must not appear"
    );
    for d in &deps {
        let name = d["name"].as_str().unwrap();
        assert_eq!(
            d["digest"]["sha256"].as_str().unwrap(),
            hex(&crane_digest(&env, name)),
            "{name}"
        );
    }

    // The index: its own digest, and the platform's manifest as crane picks it.
    let golang_for = |platform: &str| {
        *deps
            .iter()
            .find(|d| {
                d["name"] == images.golang.as_str() && d["annotations"]["platform"] == platform
            })
            .unwrap()
    };
    for platform in ["linux/amd64", "linux/arm64"] {
        let d = golang_for(platform);
        let crane_platform = env
            .peer(
                "crane",
                &[
                    "digest",
                    "--insecure",
                    "--platform",
                    platform,
                    &images.golang,
                ],
            )
            .ok()
            .trim()
            .to_string();
        assert_eq!(d["annotations"]["platformDigest"], crane_platform.as_str());
        assert_eq!(d["mediaType"], "application/vnd.oci.image.index.v1+json");
    }
    let amd = golang_for("linux/amd64");
    assert_eq!(
        amd["annotations"]["dockerfile"],
        serde_json::json!([{
            "use": "from",
            "line": 5,
            "stage": "build",
            "text": "${REGISTRY}/base/golang:${GO_VERSION}"
        }])
    );
    let uri_host = reg.host.replace(':', "%3A");
    assert_eq!(
        amd["uri"],
        format!("pkg:docker/base/golang@1.22?platform=linux%2Famd64&repository_url={uri_host}")
    );
    let arm = golang_for("linux/arm64");
    assert_eq!(arm["annotations"]["dockerfile"][0]["use"], "copy-from");
    assert_eq!(arm["annotations"]["dockerfile"][0]["line"], 22);

    // The single-platform images carry no platform digest.
    let alpine = deps
        .iter()
        .find(|d| d["name"] == images.alpine.as_str())
        .unwrap();
    assert!(alpine["annotations"].get("platformDigest").is_none());
    assert_eq!(
        alpine["mediaType"],
        "application/vnd.docker.distribution.manifest.v2+json"
    );

    // -o writes the same predicate atomically; flags override the environment.
    let mut with_file = args.to_vec();
    with_file.extend(["-o", "out/provenance.json"]);
    assert_eq!(env.sigil(&with_file).ok(), "");
    let written: Value =
        serde_json::from_slice(&std::fs::read(env.path().join("out/provenance.json")).unwrap())
            .unwrap();
    assert_eq!(written, p);
    // The predicate is accepted as SLSA v1 by sigil's attest checks and by cosign.
    let (key, public) = cosign_keys(&env, &env.path().join("keys"));
    let subject = format!(
        "{}@{}",
        reg.repo("base/alpine"),
        crane_digest(&env, &images.alpine)
    );
    let key = key.display().to_string();
    let public = public.display().to_string();
    env.sigil(&[
        "attest",
        HTTP,
        "--key",
        &key,
        "--type",
        "slsaprovenance1",
        "--predicate",
        "out/provenance.json",
        &subject,
    ])
    .ok();
    env.peer(
        "cosign",
        &[
            "verify-attestation",
            "--key",
            &public,
            "--insecure-ignore-tlog",
            HTTP,
            "--type",
            "slsaprovenance1",
            &subject,
        ],
    )
    .ok();

    let mut overridden = args.to_vec();
    overridden.extend([
        "--builder-id",
        "https://github.com/acme/reusable/.github/workflows/build.yml@refs/tags/v1",
        "--invocation-id",
        "run-override",
    ]);
    let o = json(&env.sigil(&overridden));
    assert_eq!(
        o["runDetails"]["builder"]["id"],
        "https://github.com/acme/reusable/.github/workflows/build.yml@refs/tags/v1"
    );
    assert_eq!(o["runDetails"]["metadata"]["invocationId"], "run-override");
    assert_eq!(
        o["buildDefinition"]["resolvedDependencies"],
        p["buildDefinition"]["resolvedDependencies"]
    );
}

#[test]
fn gitlab_ci_and_generic_provenance() {
    let reg = Registry::start(Kind::Distribution);
    let mut env = Env::new();
    let alpine = reg.repo("base/alpine:3.19");
    let digest = push_image(&env, &alpine, "alpine", false);
    write_dockerfile(
        &env,
        &format!("ARG BASE={alpine}\nFROM $BASE AS base\nFROM base\nRUN true\n"),
    );
    for (k, v) in [
        ("GITHUB_ACTIONS", "false"),
        ("GITLAB_CI", "true"),
        ("CI_SERVER_URL", "https://gitlab.example.com"),
        ("CI_PROJECT_PATH", "acme/widget"),
        ("CI_PROJECT_URL", "https://gitlab.example.com/acme/widget"),
        ("CI_COMMIT_SHA", SHA),
        ("CI_COMMIT_REF_NAME", "v2.0.0"),
        ("CI_COMMIT_TAG", "v2.0.0"),
        ("CI_COMMIT_BRANCH", ""),
        ("CI_PIPELINE_ID", "555"),
        ("CI_JOB_ID", "777"),
        ("CI_JOB_NAME", "image"),
        (
            "CI_JOB_URL",
            "https://gitlab.example.com/acme/widget/-/jobs/777",
        ),
        ("CI_JOB_STARTED_AT", "2024-05-01T12:00:00Z"),
        ("CI_CONFIG_PATH", ".gitlab-ci.yml"),
        ("CI_RUNNER_ID", "31"),
        ("CI_RUNNER_VERSION", "17.1.0"),
    ] {
        env.set(k, v);
    }
    let p = json(&env.sigil(&["provenance", HTTP, "--dockerfile", "Dockerfile"]));
    assert_slsa_v1(&p);
    assert_eq!(
        p["runDetails"]["builder"]["id"],
        "https://gitlab.example.com/acme/widget/-/runners/31"
    );
    assert_eq!(
        p["runDetails"]["builder"]["version"]["gitlab-runner"],
        "17.1.0"
    );
    assert_eq!(
        p["runDetails"]["metadata"]["invocationId"],
        "https://gitlab.example.com/acme/widget/-/jobs/777"
    );
    assert_eq!(
        p["runDetails"]["metadata"]["startedOn"],
        "2024-05-01T12:00:00Z"
    );
    let def = &p["buildDefinition"];
    assert_eq!(def["externalParameters"]["entryPoint"], "image");
    assert_eq!(
        def["resolvedDependencies"][0],
        serde_json::json!({
            "uri": "git+https://gitlab.example.com/acme/widget@refs/tags/v2.0.0",
            "digest": { "gitCommit": SHA }
        })
    );
    let deps = image_deps(&p);
    assert_eq!(deps.len(), 1);
    assert_eq!(deps[0]["name"], alpine.as_str());
    assert_eq!(deps[0]["digest"]["sha256"], hex(&digest));
    assert!(deps[0]["annotations"].get("platform").is_none());

    // Generic: everything from flags. A pinned reference keeps its digest without a lookup
    // (this one is not even in the registry).
    env.set("GITLAB_CI", "false");
    let pinned = format!("{}@sha256:{}", reg.repo("base/pinned:1"), "ab".repeat(32));
    write_dockerfile(
        &env,
        &format!("FROM {alpine}\nCOPY --from={pinned} /x /x\n"),
    );
    let generic = [
        "provenance",
        HTTP,
        "--dockerfile",
        "Dockerfile",
        "--builder-id",
        "https://ci.example.com/builders/docker",
        "--build-type",
        "https://example.com/buildtypes/dockerfile/v1",
        "--source-uri",
        "https://git.example.com/acme/widget",
        "--source-ref",
        "refs/heads/release",
        "--source-commit",
        SHA,
        "--invocation-id",
        "https://ci.example.com/runs/99",
        "--started-on",
        "1714564800",
        "--external-param",
        "target=prod",
    ];
    let p = json(&env.sigil(&generic));
    assert_slsa_v1(&p);
    assert_eq!(
        p["buildDefinition"]["buildType"],
        "https://example.com/buildtypes/dockerfile/v1"
    );
    assert_eq!(
        p["runDetails"]["builder"]["id"],
        "https://ci.example.com/builders/docker"
    );
    assert_eq!(
        p["runDetails"]["metadata"]["invocationId"],
        "https://ci.example.com/runs/99"
    );
    assert_eq!(
        p["runDetails"]["metadata"]["startedOn"],
        "2024-05-01T12:00:00Z"
    );
    let ext = &p["buildDefinition"]["externalParameters"];
    assert_eq!(ext["target"], "prod");
    assert_eq!(ext["dockerBuild"]["dockerfile"]["path"], "Dockerfile");
    assert_eq!(
        p["buildDefinition"]["resolvedDependencies"][0]["uri"],
        "git+https://git.example.com/acme/widget@refs/heads/release"
    );
    let deps = image_deps(&p);
    let names: Vec<&str> = deps.iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names, [alpine.as_str(), pinned.as_str()]);
    assert_eq!(deps[0]["digest"]["sha256"], hex(&digest));
    assert_eq!(deps[1]["digest"]["sha256"], "ab".repeat(32));
    assert_eq!(deps[1]["annotations"]["dockerfile"][0]["use"], "copy-from");

    // Generic mode without the flags it needs is a usage error.
    let missing = env.sigil(&["provenance", HTTP]);
    missing.code(2);
    assert!(
        missing.stderr.contains("--builder-id and --build-type"),
        "{}",
        missing.stderr
    );
}

#[test]
fn unresolvable_images_and_malformed_dockerfiles_fail_with_exit_2() {
    let reg = Registry::start(Kind::Distribution);
    let mut env = Env::new();
    let alpine = reg.repo("base/alpine:3.19");
    push_image(&env, &alpine, "alpine", false);
    github_env(&mut env);
    let out = "provenance.json";
    let run = |env: &Env, extra: &[&str]| {
        let mut args = vec!["provenance", HTTP, "--dockerfile", "Dockerfile", "-o", out];
        args.extend_from_slice(extra);
        env.sigil(&args)
    };

    // A base image the registry does not have: exit 2, naming it and where it is used.
    let missing = reg.repo("base/missing:1");
    write_dockerfile(
        &env,
        &format!("FROM {alpine} AS one\nRUN true\nFROM {missing}\nCOPY --from=one / /\n"),
    );
    let r = run(&env, &[]);
    r.code(2);
    assert!(
        r.stderr.contains(&format!(
            "Dockerfile:3: cannot resolve base image {missing}"
        )),
        "{}",
        r.stderr
    );
    assert!(!env.path().join(out).exists(), "nothing written on failure");

    // The same through COPY --from and a build argument.
    write_dockerfile(
        &env,
        "ARG TOOLS\nFROM scratch\nARG TOOLS\nCOPY --from=$TOOLS / /\n",
    );
    let tools = format!("TOOLS={}", reg.repo("tools/none:2"));
    let r = run(&env, &["--build-arg", &tools]);
    r.code(2);
    assert!(
        r.stderr.contains(&format!(
            "Dockerfile:4: cannot resolve COPY --from image {}",
            reg.repo("tools/none:2")
        )),
        "{}",
        r.stderr
    );

    // An index without the requested platform.
    let amd = reg.repo("base/only-amd:1");
    push_platform_image(&env, &amd, "amd only", "linux/amd64");
    let idx = reg.repo("base/index:1");
    env.peer(
        "crane",
        &["index", "append", "--insecure", "-m", &amd, "-t", &idx],
    )
    .ok();
    write_dockerfile(&env, &format!("FROM {idx}\n"));
    let r = run(&env, &["--platform", "linux/s390x"]);
    r.code(2);
    assert!(
        r.stderr
            .contains("no manifest for platform linux/s390x (it has: linux/amd64)"),
        "{}",
        r.stderr
    );

    // Malformed Dockerfiles: exit 2 with path:line:column.
    for (text, want) in [
        (
            format!("# syntax=docker/dockerfile:1\nFROM {alpine}\nFROM {alpine} AS\n"),
            "Dockerfile:3:",
        ),
        (
            "FROM a\nCOPY --from=${X:?needed} / /\n".to_string(),
            "Dockerfile:2:13: ",
        ),
        ("RUN echo before any FROM\n".to_string(), "Dockerfile:1:1: "),
        (
            "FROM a\nRUN <<EOF\nnever closed\n".to_string(),
            "Dockerfile:2:5: ",
        ),
        (
            "FROM a\nFROM Bad/Name\n".to_string(),
            "Dockerfile:2: base image \"Bad/Name\"",
        ),
    ] {
        write_dockerfile(&env, &text);
        let r = run(&env, &[]);
        r.code(2);
        assert_eq!(r.stderr.matches(want).count(), 1, "{text:?}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    }

    // An incomplete CI environment is refused before anything is resolved.
    env.set("GITHUB_SHA", "");
    write_dockerfile(&env, &format!("FROM {alpine}\n"));
    let r = run(&env, &[]);
    r.code(2);
    assert!(r.stderr.contains("GITHUB_SHA is not set"), "{}", r.stderr);
}

/// `sigil attest --provenance-from-env` generates, checks, signs and attaches in one step;
/// cosign verifies the result and its predicate names the Dockerfile's base images.
#[test]
fn attest_provenance_from_env_in_one_step() {
    let reg = Registry::start(Kind::Distribution);
    let mut env = Env::new();
    let images = push_images(&reg, &env);
    write_dockerfile(&env, DOCKERFILE);
    github_env(&mut env);
    let (key, public) = crate::harness::cosign_keys(&env, &env.path().join("keys"));
    let (key, public) = (key.display().to_string(), public.display().to_string());
    let target = push_image(&env, &reg.repo("acme/widget:v1"), "the built image", true);
    let image = format!("{}@{target}", reg.repo("acme/widget"));
    let registry_arg = format!("REGISTRY={}", reg.host);
    env.sigil(&[
        "attest",
        "--allow-http-registry",
        "--key",
        &key,
        "--provenance-from-env",
        "--dockerfile",
        "Dockerfile",
        "--build-arg",
        &registry_arg,
        "--build-arg",
        "GO_VERSION=1.22",
        &image,
    ])
    .ok();
    env.peer(
        "cosign",
        &[
            "verify-attestation",
            "--key",
            &public,
            "--insecure-ignore-tlog",
            "--allow-http-registry",
            "--type",
            "slsaprovenance1",
            &image,
        ],
    )
    .ok();
    let out = env.sigil(&[
        "verify-attestation",
        "--allow-http-registry",
        "--key",
        &public,
        "--type",
        "slsaprovenance1",
        "-o",
        "json",
        &image,
    ]);
    let statements: Value = serde_json::from_str(out.ok()).unwrap();
    let predicate = &statements[0]["predicate"];
    assert_slsa_v1(predicate);
    let names: Vec<&str> = image_deps(predicate)
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    for base in [&images.golang, &images.alpine, &images.busybox] {
        assert!(names.iter().any(|n| n == base), "{base} in {names:?}");
    }
    // --type other than slsaprovenance1 is refused with the flag.
    let out = env.sigil(&[
        "attest",
        "--allow-http-registry",
        "--key",
        &key,
        "--provenance-from-env",
        "--type",
        "cyclonedx",
        &image,
    ]);
    out.code(2);
    assert!(
        out.stderr.contains("--type slsaprovenance1"),
        "{}",
        out.stderr
    );
}
