//! `sigil pin` on Dockerfiles whose images live on real registries: the digests written
//! equal `crane digest` (with `--platform` too), the pinned file names the same images
//! apart from the pins and passes hadolint and sigil's own Dockerfile rules (digest pinned,
//! no latest), which the original fails; a second run changes nothing, a moved
//! tag fails `--check` by name, `--dry-run` only prints, a missing tag or an unreachable or
//! silent registry writes nothing, and `--verify` pins the signed image and refuses the
//! unsigned one.

use serde_json::Value;

use crate::harness::{Env, Kind, Registry, crane_digest, push_image, setup};
use sigil::dockerfile::{BuildArgs, Dockerfile, ImageUse};
use sigil::oci::Reference;

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn images(text: &str) -> Vec<ImageUse> {
    Dockerfile::parse(text)
        .unwrap()
        .external_images(&BuildArgs::default())
        .unwrap()
}

/// Pushes two single-platform images and an index of both as `repo:tag`.
fn push_index(env: &Env, reg: &Registry, repo: &str, tag: &str) -> String {
    let base = reg.repo(&format!("{repo}:single"));
    push_image(env, &base, &format!("{repo} index"), true);
    let mut platforms = Vec::new();
    for p in ["linux/amd64", "linux/arm64"] {
        let t = reg.repo(&format!("{repo}:{}", p.replace('/', "-")));
        env.peer(
            "crane",
            &["mutate", "--insecure", "--set-platform", p, &base, "-t", &t],
        )
        .ok();
        platforms.push(t);
    }
    let idx = reg.repo(&format!("{repo}:{tag}"));
    env.peer(
        "crane",
        &[
            "index",
            "append",
            "--insecure",
            "-m",
            &platforms[0],
            "-m",
            &platforms[1],
            "-t",
            &idx,
        ],
    )
    .ok();
    idx
}

fn dockerfile(reg: &Registry) -> String {
    let h = &reg.host;
    format!(
        "# syntax=docker/dockerfile:1\n\
# The base comes from an ARG.\n\
ARG BASE=\"{h}/base:multi\"\n\
FROM --platform=$BUILDPLATFORM ${{BASE}} AS build\n\
RUN --mount=type=cache,target=/root/.cache \\\n  \
  --mount=type=bind,from={h}/tools:2,source=/,target=/t \\\n  \
  true\n\
\n\
FROM {h}/lib\n\
# copied from an image, twice\n\
COPY --from={h}/app:v1 /a /a\n\
COPY --from={h}/app:v1 /b /b\n\
COPY --from=build /c /c\n"
    )
}

fn pin_end_to_end(kind: Kind) {
    let reg = Registry::start(kind);
    let env = Env::new();
    push_image(&env, &reg.repo("app:v1"), "app one", false);
    push_image(&env, &reg.repo("tools:2"), "tools", true);
    push_image(&env, &reg.repo("lib:latest"), "lib", false);
    push_index(&env, &reg, "base", "multi");
    let file = env.path().join("Dockerfile");
    let original = dockerfile(&reg);
    std::fs::write(&file, &original).unwrap();
    set_mode(&file, 0o640);

    // --dry-run: a diff on stdout, the file untouched.
    let dry = env.sigil(&["pin", "--allow-http-registry", "--dry-run"]);
    let diff = dry.ok();
    assert!(
        diff.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n@@ "),
        "{diff}"
    );
    let count = |mark: &str, header: &str| {
        diff.lines()
            .filter(|l| l.starts_with(mark) && !l.starts_with(header))
            .count()
    };
    assert_eq!((count("-", "---"), count("+", "+++")), (5, 5), "{diff}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);

    let run = env.sigil(&["pin", "--allow-http-registry"]);
    let out = run.ok().to_string();
    let pinned = std::fs::read_to_string(&file).unwrap();
    assert_ne!(pinned, original);
    assert_eq!(
        mode(&file),
        0o640,
        "the rewrite keeps the file's permissions"
    );
    let leftovers: Vec<_> = std::fs::read_dir(env.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Every digest is crane's; every image is the same apart from the pin.
    let (before, after) = (images(&original), images(&pinned));
    assert_eq!(before.len(), 5);
    assert_eq!(after.len(), before.len());
    for (b, a) in before.iter().zip(&after) {
        let (name, digest) = a.expanded.split_once('@').expect("pinned");
        assert_eq!(digest, crane_digest(&env, &b.expanded), "{}", b.expanded);
        let (old, new) = (
            Reference::parse(&b.expanded).unwrap(),
            Reference::parse(name).unwrap(),
        );
        assert_eq!(old, new, "{} became {name}", b.expanded);
        assert_eq!(
            (a.line, a.column, a.kind, &a.stage_name, &a.platform),
            (b.line, b.column, b.kind, &b.stage_name, &b.platform)
        );
        // Written in place, the pin is in the instruction; from an ARG, in its default.
        if b.reference_text.contains('$') {
            assert_eq!(a.reference_text, b.reference_text);
        } else {
            assert_eq!(a.reference_text, a.expanded);
        }
        assert!(
            out.contains(&format!("Dockerfile:{}", b.line)) && out.contains(digest),
            "{out}"
        );
    }
    // Instruction by instruction, the same Dockerfile apart from the pins.
    let strip = regex::Regex::new("@sha256:[0-9a-f]{64}").unwrap();
    let (was, now) = (
        Dockerfile::parse(&original).unwrap(),
        Dockerfile::parse(&pinned).unwrap(),
    );
    assert_eq!(was.instructions().len(), now.instructions().len());
    for (w, n) in was.instructions().iter().zip(now.instructions()) {
        assert_eq!(
            (w.keyword, w.line, w.end_line),
            (n.keyword, n.line, n.end_line)
        );
        assert_eq!(w.text(), strip.replace_all(n.text(), ""));
    }
    // Without a tag, the digest alone (as Docker writes it); the ARG default keeps its quotes.
    assert!(pinned.contains(&format!("FROM {}/lib@sha256:", reg.host)));
    assert!(pinned.contains(&format!("ARG BASE=\"{}/base:multi@sha256:", reg.host)));
    // Only the pinned lines differ.
    let changed: Vec<usize> = original
        .lines()
        .zip(pinned.lines())
        .enumerate()
        .filter(|(_, (o, p))| o != p)
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(changed, [3, 6, 9, 11, 12]);
    assert_eq!(original.lines().count(), pinned.lines().count());
    // A linter that wants explicit tags or digests is now satisfied; it was not before.
    env.peer("hadolint", &["--no-color", "Dockerfile"]).ok();
    std::fs::write(env.path().join("original.Dockerfile"), &original).unwrap();
    let before_lint = env.peer("hadolint", &["--no-color", "original.Dockerfile"]);
    assert!(
        before_lint.code(1).stdout.contains("DL3006"),
        "{}",
        before_lint.stdout
    );

    // `sigil lint` (digest pinning, no latest) passes on the pinned file and fails on the
    // original. (These Dockerfiles set no USER; that rule is switched off here.)
    let data = env.path().join("rules.json");
    std::fs::write(
        &data,
        r#"{"sigil": {"config": {"rules": {"dockerfile-non-root": {"enabled": false}}}}}"#,
    )
    .unwrap();
    let data = data.display().to_string();
    env.sigil(&["lint", "--data", &data, "Dockerfile"]).ok();
    let denied = env.sigil(&["lint", "--data", &data, "original.Dockerfile"]);
    denied.code(1);
    for code in ["SIGIL-DF-001", "SIGIL-DF-002"] {
        assert!(denied.stdout.contains(code), "{}", denied.stdout);
    }

    // Idempotent: nothing changes, everything is already pinned.
    let again = env.sigil(&["pin", "--allow-http-registry"]);
    assert_eq!(
        again.ok().matches("already pinned").count(),
        4,
        "{}",
        again.stdout
    );
    assert_eq!(
        again.stdout.matches("pinned by digest").count(),
        1,
        "{}",
        again.stdout
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), pinned);
    env.sigil(&["pin", "--allow-http-registry", "--check"]).ok();

    // The tag moves: --check fails and names the image, the line and both digests.
    let old = crane_digest(&env, &reg.repo("app:v1"));
    let new = push_image(&env, &reg.repo("app:v1"), "app two", false);
    let check = env.sigil(&["pin", "--allow-http-registry", "--check"]);
    check.code(1);
    let moved: Vec<&str> = check
        .stdout
        .lines()
        .filter(|l| l.contains("moved"))
        .collect();
    assert_eq!(moved.len(), 2, "{}", check.stdout);
    for (line, n) in moved.iter().zip([11, 12]) {
        assert!(line.starts_with(&format!("Dockerfile:{n} ")), "{line}");
        assert!(line.contains(&format!("{}/app:v1", reg.host)), "{line}");
        assert!(line.contains(&format!("{old} → {new}")), "{line}");
    }
    // Without --update a plain pin leaves the old pins alone; with it they follow the tag.
    env.sigil(&["pin", "--allow-http-registry"]).ok();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), pinned);
    let upd = env.sigil(&["pin", "--allow-http-registry", "--update"]);
    assert_eq!(upd.ok().matches("updated").count(), 2, "{}", upd.stdout);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        pinned.replace(&old, &new)
    );
    env.sigil(&["pin", "--allow-http-registry", "--check"]).ok();
}

#[test]
fn pin_end_to_end_on_distribution() {
    pin_end_to_end(Kind::Distribution);
}

#[test]
fn pin_end_to_end_on_refreg() {
    pin_end_to_end(Kind::Refreg);
}

#[test]
fn platform_pins_the_platform_manifest() {
    let reg = Registry::start(Kind::Distribution);
    let env = Env::new();
    let idx = push_index(&env, &reg, "base", "multi");
    let single = reg.repo("base:linux-amd64");
    // The Dockerfile is a symlink: its target is rewritten, the link stays.
    let real = env.path().join("real.Dockerfile");
    let file = env.path().join("Dockerfile");
    std::os::unix::fs::symlink("real.Dockerfile", &file).unwrap();
    let text = format!("FROM {idx}\nFROM --platform=linux/amd64 {idx} AS amd\n");
    std::fs::write(&real, &text).unwrap();
    env.sigil(&["pin", "--allow-http-registry", "--platform", "linux/arm64"])
        .ok();
    let arm = env
        .peer(
            "crane",
            &["digest", "--insecure", "--platform", "linux/arm64", &idx],
        )
        .ok()
        .trim()
        .to_string();
    let amd = env
        .peer(
            "crane",
            &["digest", "--insecure", "--platform", "linux/amd64", &idx],
        )
        .ok()
        .trim()
        .to_string();
    assert_ne!(arm, amd);
    // The stage's own FROM --platform wins over --platform.
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("FROM {idx}@{arm}\nFROM --platform=linux/amd64 {idx}@{amd} AS amd\n")
    );
    assert!(std::fs::symlink_metadata(&file).unwrap().is_symlink());
    // A platform pin still matches its tag.
    env.sigil(&["pin", "--allow-http-registry", "--check"]).ok();

    // A platform the index lacks, or a single-platform image for another: exit 2, by name,
    // nothing written.
    for (image, want) in [
        (idx.clone(), "has no manifest for platform linux/s390x"),
        (single.clone(), "is a single-platform image for linux/amd64"),
    ] {
        let text = format!("FROM {image}\n");
        std::fs::write(&file, &text).unwrap();
        let run = env.sigil(&["pin", "--allow-http-registry", "--platform", "linux/s390x"]);
        run.code(2);
        assert!(run.stdout.contains(want), "{}", run.stdout);
        assert!(run.stdout.contains(&image), "{}", run.stdout);
        assert_eq!(std::fs::read_to_string(&real).unwrap(), text);
    }
}

#[test]
fn verify_accepts_a_platform_manifest_of_a_signed_index() {
    let s = setup(Kind::Refreg);
    let idx = push_index(&s.env, &s.reg, "base", "multi");
    let file = s.env.path().join("Dockerfile");
    let text = format!("FROM {idx}\n");
    std::fs::write(&file, &text).unwrap();
    let pin = |extra: &[&str]| {
        let mut args = vec![
            "pin",
            "--verify",
            "--key",
            &s.public,
            "--platform",
            "linux/arm64",
        ];
        args.extend_from_slice(extra);
        s.sigil(&args)
    };
    // Unsigned: refused, whichever of index and manifest was looked at.
    let run = pin(&[]);
    run.code(1);
    assert!(
        run.stdout.contains("refused: no signatures on"),
        "{}",
        run.stdout
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    // The index signed: its arm64 manifest is pinned.
    s.sigil(&["sign", "--key", &s.key, &idx]).ok();
    pin(&[]).ok();
    let arm = s
        .env
        .peer(
            "crane",
            &["digest", "--insecure", "--platform", "linux/arm64", &idx],
        )
        .ok()
        .trim()
        .to_string();
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("FROM {idx}@{arm}\n")
    );
}

#[test]
fn a_missing_tag_exits_2_and_writes_nothing() {
    let reg = Registry::start(Kind::Refreg);
    let env = Env::new();
    push_image(&env, &reg.repo("app:v1"), "app", false);
    let good = env.path().join("good.Dockerfile");
    let bad = env.path().join("bad.Dockerfile");
    let good_text = format!("FROM {}\n", reg.repo("app:v1"));
    let bad_text = format!(
        "FROM {}\nFROM {}\n",
        reg.repo("app:v1"),
        reg.repo("app:nope")
    );
    std::fs::write(&good, &good_text).unwrap();
    std::fs::write(&bad, &bad_text).unwrap();
    let run = env.sigil(&[
        "pin",
        "--allow-http-registry",
        "good.Dockerfile",
        "bad.Dockerfile",
    ]);
    run.code(2);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("bad.Dockerfile:2 "))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(line.contains(&reg.repo("app:nope")), "{line}");
    assert!(
        line.contains("error: manifest") && line.contains("not found"),
        "{line}"
    );
    assert!(
        run.stderr.contains("bad.Dockerfile: not changed"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), bad_text);
    // The other file is independent and was pinned.
    let d = crane_digest(&env, &reg.repo("app:v1"));
    assert_eq!(
        std::fs::read_to_string(&good).unwrap(),
        format!("FROM {}@{d}\n", reg.repo("app:v1"))
    );
    // A file that does not parse, or does not exist: exit 2 as well.
    std::fs::write(&good, "FROM\n").unwrap();
    let run = env.sigil(&["pin", "--allow-http-registry", "good.Dockerfile"]);
    run.code(2);
    assert!(
        run.stderr.contains("FROM requires an image"),
        "{}",
        run.stderr
    );
    env.sigil(&["pin", "--allow-http-registry", "absent"])
        .code(2);
}

#[test]
fn an_unreachable_or_silent_registry_exits_2_and_writes_nothing() {
    let env = Env::new();
    // Nothing listens on this port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_host = closed.local_addr().unwrap().to_string();
    drop(closed);
    // This one accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_host = silent.local_addr().unwrap().to_string();
    let _held = std::thread::spawn(move || {
        let mut conns = Vec::new();
        for c in silent.incoming() {
            conns.push(c);
        }
    });
    for (host, says) in [(&closed_host, "connect"), (&silent_host, "timed out")] {
        let file = env.path().join("Dockerfile");
        let text = format!("FROM {host}/app:v1\n");
        std::fs::write(&file, &text).unwrap();
        let started = std::time::Instant::now();
        let run = env.sigil(&[
            "pin",
            "--allow-http-registry",
            "--registry-timeout",
            "1",
            "--registry-retries",
            "0",
        ]);
        run.code(2);
        let all = format!("{}{}", run.stdout, run.stderr).to_lowercase();
        assert!(all.contains(host.as_str()) && all.contains(says), "{all}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{host}: took {:?}",
            started.elapsed()
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    }
}

#[test]
fn check_reports_unpinned_and_unpinnable_images_in_json() {
    let reg = Registry::start(Kind::Distribution);
    let env = Env::new();
    let d = push_image(&env, &reg.repo("app:v1"), "app", false);
    let text = format!(
        "ARG REG={h}\nFROM {h}/app:v1\nFROM ${{REG}}/app:v1\nFROM {h}/app@{d}\n",
        h = reg.host
    );
    std::fs::write(env.path().join("Dockerfile"), &text).unwrap();
    let run = env.sigil(&["pin", "--allow-http-registry", "--check", "-o", "json"]);
    run.code(1);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let images = v["files"][0]["images"].as_array().unwrap();
    let statuses: Vec<&str> = images
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["unpinned", "unpinned", "digest-only"]);
    assert!(
        images[1]["reason"]
            .as_str()
            .unwrap()
            .contains("built from several pieces"),
        "{}",
        images[1]
    );
    // Pinning pins what it can and says why it skipped the rest; --check still fails on it.
    let run = env.sigil(&["pin", "--allow-http-registry"]);
    assert!(
        run.ok()
            .contains("skipped: ${REG}/app:v1 is built from several pieces")
    );
    let pinned = std::fs::read_to_string(env.path().join("Dockerfile")).unwrap();
    assert_eq!(
        pinned,
        text.replace(
            &format!("FROM {}/app:v1\n", reg.host),
            &format!("FROM {}/app:v1@{d}\n", reg.host)
        )
    );
    env.sigil(&["pin", "--allow-http-registry", "--check"])
        .code(1);

    // A --build-arg decides the image, so its ARG default is not the place to pin it.
    let text = format!("ARG IMG={}\nFROM $IMG\n", reg.repo("app:v1"));
    std::fs::write(env.path().join("Dockerfile"), &text).unwrap();
    let other = format!("IMG={}", reg.repo("app:v2"));
    let run = env.sigil(&["pin", "--allow-http-registry", "--build-arg", &other]);
    let line = run.ok().lines().next().unwrap_or_default().to_string();
    assert!(line.contains(&reg.repo("app:v2")), "{line}");
    assert!(
        line.contains("skipped: $IMG is set by --build-arg"),
        "{line}"
    );
    assert_eq!(
        std::fs::read_to_string(env.path().join("Dockerfile")).unwrap(),
        text
    );
}

fn verify_pins_only_signed_images(kind: Kind) {
    let s = setup(kind);
    let signed = reg_image(&s, "signed");
    let unsigned = reg_image(&s, "unsigned");
    s.sigil(&["sign", "--key", &s.key, &signed]).ok();
    let text = format!("FROM {signed}\nCOPY --from={unsigned} /a /a\n");
    let file = s.env.path().join("Dockerfile");
    std::fs::write(&file, &text).unwrap();
    let run = s.sigil(&["pin", "--verify", "--key", &s.public]);
    run.code(1);
    let refused = run
        .stdout
        .lines()
        .find(|l| l.contains("refused"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        refused.starts_with(&format!("Dockerfile:2  {unsigned}  refused: no signatures")),
        "{refused}"
    );
    let d = crane_digest(&s.env, &signed);
    let pinned = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Dockerfile:1 "))
        .unwrap();
    assert!(
        pinned.contains(&format!("→ {d}")) && pinned.contains("signed by "),
        "{pinned}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("FROM {signed}@{d}\nCOPY --from={unsigned} /a /a\n")
    );
    // Another key's signature does not count either.
    let other = s.env.path().join("other");
    let (_, other_pub) = crate::harness::cosign_keys(&s.env, &other);
    std::fs::write(&file, &text).unwrap();
    let run = s.sigil(&["pin", "--verify", "--key", &other_pub.display().to_string()]);
    run.code(1);
    assert_eq!(run.stdout.matches("refused").count(), 2, "{}", run.stdout);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    // --verify needs something to verify against.
    s.sigil(&["pin", "--verify"]).code(2);

    // With a trust file: the entry matching each image says who must have signed it; an
    // image no entry matches is refused (unmatched: deny).
    let host = s.reg.repo("");
    let host = host.trim_end_matches('/');
    let trust = s.env.path().join("sigil.yaml");
    std::fs::write(
        &trust,
        format!(
            "version: 1\nimages:\n  - name: ours\n    match: '{host}/signed'\n    signers: [{{key: {}}}]\n",
            s.public
        ),
    )
    .unwrap();
    std::fs::write(&file, &text).unwrap();
    let trust = trust.display().to_string();
    let run = s.sigil(&["pin", "--verify", "--trust", &trust]);
    run.code(1);
    assert!(
        run.stdout.contains("matches no entry of the trust file"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("FROM {signed}@{d}\nCOPY --from={unsigned} /a /a\n")
    );
    // The entry's signer is another key: nothing is pinned.
    std::fs::write(
        s.env.path().join("sigil.yaml"),
        format!(
            "version: 1\nunmatched: allow\nimages:\n  - name: ours\n    match: '{host}/signed'\n    signers: [{{key: {}}}]\n",
            other_pub.display()
        ),
    )
    .unwrap();
    std::fs::write(&file, &text).unwrap();
    let run = s.sigil(&["pin", "--verify", "--trust", &trust]);
    run.code(1);
    assert_eq!(run.stdout.matches("refused").count(), 1, "{}", run.stdout);
    // unmatched: allow lets the unmatched image through without signatures.
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains(&format!("COPY --from={unsigned}@sha256:")),
        "{}",
        run.stdout
    );
}

fn reg_image(s: &crate::harness::Setup, repo: &str) -> String {
    let r = s.reg.repo(&format!("{repo}:v1"));
    push_image(&s.env, &r, repo, false);
    r
}

#[test]
fn verify_pins_only_signed_images_on_distribution() {
    verify_pins_only_signed_images(Kind::Distribution);
}

#[test]
fn verify_pins_only_signed_images_on_refreg() {
    verify_pins_only_signed_images(Kind::Refreg);
}

#[test]
fn each_distinct_reference_is_resolved_once_per_run() {
    use crate::liar::{Liar, Reply};
    const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
    let manifest = |label: &str| {
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": "application/vnd.oci.empty.v1+json", "size": 2,
                "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
            "layers": [],
            "annotations": {"label": label},
        }))
        .unwrap()
    };
    let liar = Liar::start(move |r| {
        for repo in ["a", "b"] {
            if r.is("GET", &format!("/v2/{repo}/manifests/1")) {
                let body = manifest(repo);
                let d = sigil::oci::Digest::sha256_of(&body).to_string();
                return Reply::ok(OCI_MANIFEST, body).header("Docker-Content-Digest", d);
            }
        }
        Reply::not_found()
    });
    let h = liar.host();
    let env = Env::new();
    let one = format!(
        "ARG A={h}/a:1\nFROM $A AS x\nFROM {h}/a:1\nCOPY --from={h}/a:1 /a /a\n\
         RUN --mount=from={h}/b:1,target=/b true\n"
    );
    std::fs::write(env.path().join("one"), &one).unwrap();
    std::fs::write(
        env.path().join("two"),
        format!("FROM {h}/b:1\nFROM {h}/a:1\n"),
    )
    .unwrap();
    env.sigil(&["pin", "--allow-http-registry", "one", "two"])
        .ok();
    for repo in ["a", "b"] {
        let gets = liar.requests("GET", &format!("/v2/{repo}/manifests/"));
        assert_eq!(gets.len(), 1, "{repo}: {gets:?}");
    }
    let pinned = std::fs::read_to_string(env.path().join("one")).unwrap();
    assert_eq!(pinned.matches("@sha256:").count(), 4, "{pinned}");
}

#[test]
fn crlf_and_backtick_escape_files_keep_every_other_byte() {
    let reg = Registry::start(Kind::Refreg);
    let env = Env::new();
    let base = push_image(&env, &reg.repo("win:ltsc"), "windows-ish", false);
    let tool = push_image(&env, &reg.repo("tool:1"), "tool", true);
    let h = &reg.host;
    let text = format!(
        "# escape=`\r\n\
         # a comment\r\n\
         FROM --platform=windows/amd64 `\r\n\
         \x20   {h}/win:ltsc `\r\n\
         \x20   AS base\r\n\
         RUN dir c:\\ `\r\n\
         \x20   /b\r\n\
         COPY --from=\"{h}/tool:1\" c:\\x c:\\y\r\n"
    );
    std::fs::write(env.path().join("Dockerfile"), &text).unwrap();
    env.sigil(&["pin", "--allow-http-registry"]).ok();
    assert_eq!(
        std::fs::read_to_string(env.path().join("Dockerfile")).unwrap(),
        text.replace("win:ltsc `", &format!("win:ltsc@{base} `"))
            .replace("tool:1\"", &format!("tool:1@{tool}\""))
    );
}
