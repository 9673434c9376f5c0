//! `sigil check` on real registries: images built for the purpose (root and non-root
//! configurations, tag and digest references, signed with sigil and with cosign, with and
//! without provenance, a multi-platform index with one unsigned platform), judged by a
//! trust file; each denial must name its rule code and reason.

use serde_json::Value;

use crate::harness::{
    COSIGN_OFFLINE, Kind, Setup, cosign_keys, crane_digest, push_image, push_tagged_manifest, root,
    setup, with_repo,
};

/// Pushes `repo:v1` (a one-layer image), with `user` set in its configuration when given;
/// returns `host/repo@digest`.
fn image(s: &Setup, repo: &str, content: &str, user: Option<&str>) -> String {
    let tag = s.reg.repo(&format!("{repo}:v1"));
    push_image(&s.env, &tag, content, true);
    if let Some(u) = user {
        s.env
            .peer(
                "crane",
                &["mutate", "--insecure", "--user", u, "-t", &tag, &tag],
            )
            .ok();
    }
    format!("{}@{}", s.reg.repo(repo), crane_digest(&s.env, &tag))
}

fn check_json(s: &Setup, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "-o", "json"];
    all.extend_from_slice(args);
    let out = s.sigil(&all);
    let v: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    (out.code, v)
}

/// The rule outcomes of one image's evaluations: (code, outcome, messages joined).
fn outcomes(verdict: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for e in verdict["evaluations"].as_array().unwrap() {
        for r in e["rules"].as_array().unwrap() {
            let msgs: Vec<&str> = r["messages"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            out.push((
                r["code"].as_str().unwrap().to_string(),
                r["outcome"].as_str().unwrap().to_string(),
                msgs.join("; "),
            ));
        }
    }
    out
}

fn denied_codes(verdict: &Value) -> Vec<String> {
    let mut codes: Vec<String> = outcomes(verdict)
        .into_iter()
        .filter(|(_, o, _)| o == "deny")
        .map(|(c, _, _)| c)
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

fn trust_scenario(kind: Kind) {
    let s = setup(kind);
    let other = cosign_keys(&s.env, &s.env.path().join("other"));
    let other_key = other.0.display().to_string();
    let other_pub = other.1.display().to_string();
    let provenance = root()
        .join("testdata/predicates/slsa-provenance-v1.json")
        .display()
        .to_string();
    let sign = |img: &str| {
        s.sigil(&["sign", "--key", &s.key, img]).ok();
    };
    let attest = |img: &str| {
        s.sigil(&[
            "attest",
            "--key",
            &s.key,
            "--type",
            "slsaprovenance1",
            "--predicate",
            &provenance,
            img,
        ])
        .ok();
    };
    let cosign_sign = |key: &str, img: &str| {
        let mut args = vec!["sign", "--key", key, "--new-bundle-format=false", img];
        args.extend_from_slice(COSIGN_OFFLINE);
        s.env.peer("cosign", &args).ok();
    };

    // releases/good: non-root, signed by sigil, with provenance.
    let good = image(&s, "releases/good", "good", Some("65532"));
    sign(&good);
    attest(&good);
    // releases/cosigned: non-root, signed by cosign with the trusted key, with provenance.
    let cosigned = image(&s, "releases/cosigned", "cosigned", Some("app"));
    cosign_sign(&s.key, &cosigned);
    attest(&cosigned);
    // releases/root: signed and attested, but runs as root.
    let rooted = image(&s, "releases/root", "root", None);
    sign(&rooted);
    attest(&rooted);
    // releases/zero: runs as 0:0.
    let zero = image(&s, "releases/zero", "zero", Some("0:0"));
    sign(&zero);
    attest(&zero);
    // releases/noprov: signed, non-root, without provenance.
    let noprov = image(&s, "releases/noprov", "noprov", Some("1000"));
    sign(&noprov);
    // releases/unsigned: non-root with provenance, no signature.
    let unsigned = image(&s, "releases/unsigned", "unsigned", Some("1000"));
    attest(&unsigned);
    // releases/wrongkey: signed by an untrusted key (with cosign).
    let wrongkey = image(&s, "releases/wrongkey", "wrongkey", Some("1000"));
    cosign_sign(&other_key, &wrongkey);
    attest(&wrongkey);
    // legacy/old: signed by the other key, runs as root; its entry only warns.
    let old = image(&s, "legacy/old", "old", None);
    cosign_sign(&other_key, &old);
    // sbom/with (a CycloneDX SBOM attached) and sbom/without: their entry requires an SBOM.
    let sbom_file = root()
        .join("testdata/sbom/cyclonedx.json")
        .display()
        .to_string();
    let with_sbom = image(&s, "sbom/with", "with sbom", Some("1000"));
    sign(&with_sbom);
    s.sigil(&[
        "attest",
        "--key",
        &s.key,
        "--type",
        "cyclonedx",
        "--predicate",
        &sbom_file,
        &with_sbom,
    ])
    .ok();
    let without_sbom = image(&s, "sbom/without", "without sbom", Some("1000"));
    sign(&without_sbom);
    attest(&without_sbom);
    // stray/app: matches no entry.
    let stray = image(&s, "stray/app", "stray", Some("1000"));
    // multi: an index of two non-root platforms; the index and amd64 are signed, arm64 not.
    let amd = image(&s, "parts/amd", "amd64 part", Some("1000"));
    let arm = image(&s, "parts/arm", "arm64 part", Some("1000"));
    for (img, platform) in [(&amd, "linux/amd64"), (&arm, "linux/arm64")] {
        let tag = format!("{}:v1", img.split('@').next().unwrap());
        s.env
            .peer(
                "crane",
                &[
                    "mutate",
                    "--insecure",
                    "--set-platform",
                    platform,
                    "-t",
                    &tag,
                    &tag,
                ],
            )
            .ok();
    }
    let amd_tag = format!("{}:v1", amd.split('@').next().unwrap());
    let arm_tag = format!("{}:v1", arm.split('@').next().unwrap());
    let multi_tag = s.reg.repo("multi:v1");
    s.env
        .peer(
            "crane",
            &[
                "index",
                "append",
                "--insecure",
                "-m",
                &amd_tag,
                "-m",
                &arm_tag,
                "-t",
                &multi_tag,
            ],
        )
        .ok();
    let multi = format!(
        "{}@{}",
        s.reg.repo("multi"),
        crane_digest(&s.env, &multi_tag)
    );
    sign(&multi);
    let amd_in_multi = format!("{}@{}", s.reg.repo("multi"), crane_digest(&s.env, &amd_tag));
    sign(&amd_in_multi);

    let host = s.reg.repo("");
    let host = host.trim_end_matches('/');
    let trust = s.env.path().join("sigil.yaml");
    std::fs::write(
        &trust,
        format!(
            r#"version: 1
images:
  - name: releases
    match: "{host}/releases/*"
    signers:
      - key: {public}
    attestations:
      - name: SLSA provenance
        predicate_type: https://slsa.dev/provenance/v1
  - name: multi-arch
    match: ["{host}/multi"]
    signers: [{{key: {public}}}]
    rules:
      platforms-signed: {{enabled: true}}
  - name: sbom
    match: "{host}/sbom/*"
    signers: [{{key: {public}}}]
    attestations:
      - name: SBOM
        predicate_types: [https://cyclonedx.org/bom, https://spdx.dev/Document]
        conditions: [{{path: components, exists: true}}]
  - name: legacy
    match: "{host}/legacy/**"
    mode: warn
    signers: [{{key: {other_pub}}}]
"#,
            public = s.public
        ),
    )
    .unwrap();
    let trust = trust.display().to_string();

    // One run over every image, concurrently.
    let tagged = s.reg.repo("releases/good:v1");
    let all = [
        &good,
        &cosigned,
        &tagged,
        &rooted,
        &zero,
        &noprov,
        &unsigned,
        &wrongkey,
        &old,
        &stray,
        &multi,
        &with_sbom,
        &without_sbom,
    ];
    let mut args = vec!["--trust", trust.as_str()];
    args.extend(all.iter().map(|s| s.as_str()));
    let (status, v) = check_json(&s, &args);
    assert_eq!(status, 1, "{v:#}");
    let verdicts = v["images"].as_array().unwrap();
    assert_eq!(verdicts.len(), all.len());
    let expect: &[(&str, bool, &[&str])] = &[
        ("good", true, &[]),
        ("cosigned", true, &[]),
        ("tagged", false, &["SIGIL-IMG-001"]),
        ("root", false, &["SIGIL-IMG-005"]),
        ("zero", false, &["SIGIL-IMG-005"]),
        ("noprov", false, &["SIGIL-IMG-008"]),
        ("unsigned", false, &["SIGIL-IMG-006"]),
        ("wrongkey", false, &["SIGIL-IMG-006"]),
        ("old", true, &[]),
        ("stray", false, &["SIGIL-TRUST-001"]),
        ("multi", false, &["SIGIL-IMG-009"]),
        ("with sbom", true, &[]),
        ("without sbom", false, &["SIGIL-IMG-008"]),
    ];
    for ((what, allowed, codes), verdict) in expect.iter().zip(verdicts) {
        assert_eq!(verdict["allowed"], *allowed, "{what}: {verdict:#}");
        assert_eq!(denied_codes(verdict), *codes, "{what}: {verdict:#}");
        // Every denial names its rule and says why.
        for (code, outcome, msg) in outcomes(verdict) {
            if outcome == "deny" {
                assert!(
                    code.starts_with("SIGIL-") && !msg.is_empty(),
                    "{what}: {code}"
                );
            }
        }
    }
    assert_eq!(v["summary"]["allowed"], 4);
    assert_eq!(v["summary"]["denied"], 9);
    // The tag was resolved once, to the digest that was checked.
    assert_eq!(verdicts[2]["given_by_digest"], false);
    assert_eq!(
        verdicts[2]["digest"].as_str().unwrap(),
        good.split('@').nth(1).unwrap()
    );
    // The reasons a user reads.
    let msgs = |i: usize| {
        outcomes(&verdicts[i])
            .into_iter()
            .map(|(_, _, m)| m)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        msgs(3).contains("sets no user, so it runs as root"),
        "{}",
        msgs(3)
    );
    assert!(msgs(4).contains("\"0:0\""), "{}", msgs(4));
    assert!(msgs(5).contains("SLSA provenance"), "{}", msgs(5));
    assert!(msgs(10).contains("linux/arm64"), "{}", msgs(10));
    assert!(msgs(12).contains("SBOM"), "{}", msgs(12));
    // The wrong key: the trace shows what was found and why it did not count.
    let findings = &verdicts[7]["evaluations"][0]["signatures"]["findings"];
    assert_eq!(findings.as_array().unwrap().len(), 1, "{findings:#}");
    assert!(
        findings[0]["reason"]
            .as_str()
            .unwrap()
            .contains("does not verify with"),
        "{findings:#}"
    );
    // The warn-only entry: the root user is a warning, the image passes.
    let old_rules = outcomes(&verdicts[8]);
    assert!(
        old_rules
            .iter()
            .any(|(c, o, _)| c == "SIGIL-IMG-005" && o == "warn"),
        "{old_rules:?}"
    );

    // Text output: the decision trace names the entry, the signer and each rule.
    let out = s.sigil(&["check", "--trust", &trust, &rooted]);
    out.code(1);
    assert!(
        out.stdout.contains("trust entry releases (enforce)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("signed by {}", s.public)),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("DENY SIGIL-IMG-005"), "{}", out.stdout);
    assert!(out.stdout.contains("pass SIGIL-IMG-008"), "{}", out.stdout);

    // Signing the missing platform lets the index through.
    let arm_in_multi = format!("{}@{}", s.reg.repo("multi"), crane_digest(&s.env, &arm_tag));
    sign(&arm_in_multi);
    s.sigil(&["check", "--trust", &trust, &multi]).ok();

    // Without a trust file: the defaults (pinning, no latest, non-root; signatures when a
    // key is given).
    s.sigil(&["check", &good]).ok();
    s.sigil(&["check", "--key", &s.public, &good]).ok();
    let out = s.sigil(&["check", "--key", &other_pub, &good]);
    out.code(1);
    assert!(out.stdout.contains("SIGIL-IMG-006"), "{}", out.stdout);
    s.env
        .peer("crane", &["tag", "--insecure", &tagged, "latest"])
        .ok();
    let (status, v) = check_json(&s, &[&s.reg.repo("releases/good")]);
    assert_eq!(status, 1);
    assert_eq!(
        denied_codes(&v["images"][0]),
        ["SIGIL-IMG-001", "SIGIL-IMG-002"]
    );
    // A missing image is an error, not a pass.
    let out = s.sigil(&["check", &s.reg.repo("releases/none:v1")]);
    out.code(2);
}

#[test]
fn trust_file_decides_on_distribution() {
    trust_scenario(Kind::Distribution);
}

#[test]
fn trust_file_decides_on_refreg() {
    trust_scenario(Kind::Refreg);
}

/// An entry without signers accepts unsigned images only when it says `signatures: none`;
/// `signers: []` and an entry with no signers are refused at load, where they are written,
/// before any image is looked at.
#[test]
fn unsigned_images_pass_only_when_the_trust_file_says_so() {
    let s = setup(Kind::Distribution);
    let unsigned = image(&s, "tools/app", "tools", Some("65532"));
    let host = s.reg.repo("");
    let host = host.trim_end_matches('/');
    let trust = |name: &str, entry: &str| {
        let head = format!("version: 1\nimages:\n  - name: tools\n    match: '{host}/tools/*'\n");
        s.env.write(name, &format!("{head}{entry}"))
    };

    let explicit = trust("explicit.yaml", "    signatures: none\n");
    let (status, v) = check_json(&s, &["--trust", &explicit, &unsigned]);
    assert_eq!(status, 0, "{v:#}");
    assert_eq!(v["images"][0]["allowed"], true, "{v:#}");

    // The same image under an entry with a signer is denied for want of a signature.
    let signed = trust(
        "signed.yaml",
        &format!("    signers: [{{key: {}}}]\n", s.public),
    );
    let (status, v) = check_json(&s, &["--trust", &signed, &unsigned]);
    assert_eq!(status, 1, "{v:#}");
    assert_eq!(denied_codes(&v["images"][0]), ["SIGIL-IMG-006"], "{v:#}");

    for (name, entry, at, needle) in [
        (
            "empty.yaml",
            "    signers: []\n",
            "empty.yaml:5:14: ",
            "`signers` is empty, so the entry would accept unsigned images",
        ),
        (
            "none.yaml",
            "    mode: enforce\n",
            "none.yaml:3:5: ",
            "entry \"tools\": lists no `signers`, so it would accept unsigned images",
        ),
    ] {
        let path = trust(name, entry);
        let out = s.sigil(&["check", "--trust", &path, &unsigned]);
        out.code(2);
        assert!(out.stderr.contains(at), "{name}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{name}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{name}: {}", out.stdout);
    }
}

/// The fixture layout `testdata/oci/app`, its signing key and the image pinned by digest:
/// (layout, key, digest, `oci:LAYOUT@DIGEST`).
fn fixture_layout(env: &crate::harness::Env) -> (String, String, String, String) {
    let layout = root().join("testdata/oci/app").display().to_string();
    let key = root()
        .join("testdata/keys/cosign.pub")
        .display()
        .to_string();
    let digest = env
        .sigil(&["digest", &format!("oci:{layout}:v1")])
        .ok()
        .trim()
        .to_string();
    let pinned = format!("oci:{layout}@{digest}");
    (layout, key, digest, pinned)
}

/// Rule settings in a trust file's `rules`, in `--data` files (check, lint, policy eval) and
/// in data files a trust file names are checked against the rules' schema at load: a
/// mistake is an error at its file, line and column (exit 2), not a rule left off.
#[test]
fn rule_settings_are_checked_at_load() {
    let env = crate::harness::Env::new();
    let (_, key, _, pinned) = fixture_layout(&env);
    let write = |name: &str, text: &str| env.write(name, text);
    let yes = write(
        "yes.yaml",
        "sigil:\n  config:\n    rules:\n      non-root: {enabled: yes}\n",
    );
    let typo = write(
        "typo.json",
        "{\"sigil\": {\"config\": {\"rules\": {\"non-root\": {\n  \"min-uid\": 1000}}}}}\n",
    );
    let rules = write(
        "rules.yaml",
        "version: 1\nunmatched: allow\nrules:\n  trusted-registry: {enabled: true}\n",
    );
    let names_data = write(
        "names-data.yaml",
        &format!(
            "version: 1\nunmatched: allow\ndata: [{}]\n",
            env.path().join("yes.yaml").display()
        ),
    );
    let dockerfile = write("Dockerfile", "FROM scratch\nUSER 65532\n");
    let input = write("input.json", "{\"kind\": \"image\"}");
    let runs: [(Vec<&str>, &str, &str); 5] = [
        (
            vec!["check", "--key", &key, "--data", &yes, &pinned],
            "yes.yaml:4:27: ",
            "`sigil.config.rules.non-root.enabled` must be true or false, not the string \"yes\"",
        ),
        (
            vec!["check", "--trust", &rules, &pinned],
            "rules.yaml:4:3: ",
            "unknown rule `trusted-registry` in `rules` (did you mean `trusted-registries`?)",
        ),
        (
            vec!["check", "--trust", &names_data, &pinned],
            "yes.yaml:4:27: ",
            "must be true or false",
        ),
        (
            vec!["lint", "--data", &typo, &dockerfile],
            "typo.json:2:11: ",
            "rule `non-root` has no setting `min-uid` (did you mean `min_uid`?)",
        ),
        (
            vec!["policy", "eval", "--input", &input, "--data", &yes],
            "yes.yaml:4:27: ",
            "must be true or false",
        ),
    ];
    for (args, at, needle) in runs {
        let out = env.sigil(&args);
        out.code(2);
        assert!(out.stderr.contains(at), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
    }
    // Correct settings load, and apply.
    let fine = write(
        "fine.yaml",
        "sigil:\n  config:\n    rules:\n      non-root: {enabled: true, min_uid: 100000}\n",
    );
    env.sigil(&["lint", "--data", &fine, &dockerfile])
        .code(1)
        .stdout_has("below the minimum uid 100000");
}

/// On an OCI layout, offline: the defaults, a conftest-style user policy, and broken
/// policies, each of which denies with the error shown, within the time limit.
#[test]
fn layout_checks_offline_and_broken_policies_deny() {
    let env = crate::harness::Env::new();
    let (layout, key, digest, pinned) = fixture_layout(&env);
    let out = env.sigil(&["check", "--key", &key, &pinned]);
    out.ok();
    assert!(out.stdout.contains("ALLOWED"), "{}", out.stdout);
    assert!(out.stdout.contains("pass SIGIL-IMG-006"), "{}", out.stdout);
    // No rule reads attestations, so they are not fetched; a user policy might, so they are.
    assert!(
        out.stdout
            .contains("attestations: not looked up (no rule reads them)"),
        "{}",
        out.stdout
    );
    // By tag: resolved once, and denied for not being pinned.
    let out = env.sigil(&["check", "--key", &key, &format!("oci:{layout}:v1")]);
    out.code(1);
    assert!(
        out.stdout.contains(&format!("→ {digest}")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("DENY SIGIL-IMG-001"), "{}", out.stdout);

    // Machine formats: SARIF (a result per denial, every evaluated rule in the table) and
    // JUnit (a suite per image, a failing case per denial, a passing case per other rule).
    let tagged = format!("oci:{layout}:v1");
    let out = env.sigil(&["check", "--key", &key, "-o", "sarif", &tagged]);
    out.code(1);
    let sarif: Value = serde_json::from_str(&out.stdout).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(sarif["version"], "2.1.0");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif:#}");
    assert_eq!(results[0]["ruleId"], "SIGIL-IMG-001");
    assert_eq!(results[0]["level"], "error");
    let rule_ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(rule_ids.contains(&"SIGIL-IMG-005") && rule_ids.contains(&"SIGIL-IMG-006"));
    let out = env.sigil(&["check", "--key", &key, "-o", "junit", &tagged, &pinned]);
    out.code(1);
    let xml = &out.stdout;
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert_eq!(xml.matches("</testsuite>").count(), 2, "{xml}");
    assert_eq!(
        xml.matches("<failure type=\"SIGIL-IMG-001\"").count(),
        1,
        "{xml}"
    );
    assert!(xml.contains("name=\"SIGIL-IMG-005 non-root\"/>"), "{xml}");

    let write = |name: &str, text: &str| env.write(name, text);
    // A conftest policy, unchanged.
    let labels = write(
        "labels.rego",
        "package main\n\ndeny contains msg if {\n  not input.image.config.labels.owner\n  msg := \"images must carry an owner label\"\n}\n",
    );
    let out = env.sigil(&["check", "--key", &key, "-p", &labels, &pinned]);
    out.code(1);
    assert!(
        out.stdout.lines().any(|l| l.contains("DENY data.main.deny")
            && l.ends_with("images must carry an owner label")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("attestations: looked in"),
        "{}",
        out.stdout
    );

    let broken: &[(&str, &str, &[&str], &str)] = &[
        (
            "syntax.rego",
            "package main\n\ndeny contains msg if {\n  msg := \"unterminated\n}\n",
            &[],
            "syntax.rego:4",
        ),
        (
            "runtime.rego",
            "package main\n\nx := 1 if input.kind\nx := 2 if input.kind\n\ndeny contains \"x\" if x == 3\n",
            &[],
            "main.deny:",
        ),
        (
            "recursion.rego",
            "package main\n\nf(x) := y if y := g(x)\n\ng(x) := f(x + 1)\n\ndeny contains \"r\" if f(1) > 0\n",
            &[],
            "recursion is not allowed",
        ),
        (
            "slow.rego",
            "package main\n\ndeny contains \"slow\" if {\n  n := count([x | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); x := i * j])\n  n < 0\n}\n",
            &["--policy-timeout", "300ms"],
            "time limit",
        ),
    ];
    for (name, text, extra, needle) in broken {
        let p = write(name, text);
        let mut args = vec!["check", "--key", &key, "-p", &p, &pinned];
        args.extend_from_slice(extra);
        let out = env.sigil(&args);
        out.code(1);
        assert!(out.stdout.contains("DENIED"), "{name}: {}", out.stdout);
        assert!(out.stdout.contains(needle), "{name}: {}", out.stdout);
        assert!(out.elapsed < std::time::Duration::from_secs(10), "{name}");
    }

    // A trust file with a mistake is refused with its line, before any image is looked at.
    let trust = write(
        "sigil.yaml",
        "version: 1\nimages:\n  - name: all\n    match: '**'\n    signer: []\n",
    );
    let out = env.sigil(&["check", "--trust", &trust, &pinned]);
    out.code(2);
    assert!(out.stderr.contains("sigil.yaml:5:5"), "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown field `signer`"),
        "{}",
        out.stderr
    );
    // A trust file whose entries match nothing here denies the image.
    let trust = write(
        "other.yaml",
        &format!(
            "version: 1\nimages:\n  - name: elsewhere\n    match: 'ghcr.io/**'\n    signers: [{{key: {key}}}]\n"
        ),
    );
    let out = env.sigil(&["check", "--trust", &trust, &pinned]);
    out.code(1);
    assert!(out.stdout.contains("SIGIL-TRUST-001"), "{}", out.stdout);
}

/// A builtin runs to its end once called, so regorus's clock alone let `numbers.range(1,
/// 3e7)` run far past `--timeout 100ms` (0.8 s, 720 MB) and, as the rule then failed, allowed
/// the image. Such builtins now stop at the deadline or refuse to start, and a late result
/// is refused: each policy denies, near the limit.
#[test]
fn policies_stop_inside_builtins_at_the_time_limit() {
    let env = crate::harness::Env::new();
    let (_, key, _, pinned) = fixture_layout(&env);
    let cases: &[(&str, &str, &str)] = &[
        (
            "range.rego",
            "count(numbers.range(1, 3e7)) < 0",
            "more than sigil allows in one call",
        ),
        (
            "ranges.rego",
            "sum([count(numbers.range(1, 1e6)) | some i in numbers.range(1, 1000)]) < 0",
            "time limit",
        ),
        ("sleep.rego", "test.sleep(\"30s\")\n  false", "time limit"),
        (
            "cidr.rego",
            "count(net.cidr_expand(\"10.0.0.0/8\")) < 0",
            "more than sigil allows in one call",
        ),
    ];
    for (name, body, needle) in cases {
        let p = env.path().join(name);
        std::fs::write(
            &p,
            format!("package main\n\ndeny contains \"never\" if {{\n  {body}\n}}\n"),
        )
        .unwrap();
        let policy = p.display().to_string();
        let args = [
            "check",
            "--key",
            &key,
            "-p",
            &policy,
            "--policy-timeout",
            "100ms",
        ];
        let out = env.sigil(&[&args[..], &[pinned.as_str()]].concat());
        out.code(1);
        let (text, took) = (&out.stdout, out.elapsed);
        assert!(
            text.contains("DENIED") && text.contains(needle),
            "{name}: {text}"
        );
        assert!(took < std::time::Duration::from_secs(2), "{name}: {took:?}");
    }
}

/// Checks `img`, which must be denied (exit 1) by SIGIL-IMG-005 alone; its messages.
fn denied_as_root(s: &Setup, img: &str) -> String {
    let (code, v) = check_json(s, &[img]);
    let verdict = &v["images"][0];
    assert_eq!(code, 1, "{img}: {verdict:#}");
    assert_eq!(
        denied_codes(verdict),
        ["SIGIL-IMG-005"],
        "{img}: {verdict:#}"
    );
    outcomes(verdict)
        .into_iter()
        .find(|(c, _, _)| c == "SIGIL-IMG-005")
        .unwrap()
        .2
}

/// runc and containerd read a `User` as Go's strconv.Atoi reads it: `00`, `+0`, `-0` and
/// `000:000` are uid 0, no user before the colon keeps uid 0, and containerd keeps the low 32
/// bits of an id (4294967296 is 0). Each is denied as root; `01000` is uid 1000 and passes.
#[test]
fn check_denies_uid_0_however_go_spells_it() {
    let s = setup(Kind::Distribution);
    let cases = [
        ("00", "which is root"),
        ("+0", "which is root"),
        ("-0", "which is root"),
        ("000:000", "which is root"),
        (":1000", "which is root"),
        ("4294967296", "outside 0..4294967295"),
    ];
    for (i, (user, needle)) in cases.iter().enumerate() {
        let img = image(&s, &format!("users/u{i}"), user, Some(user));
        let msgs = denied_as_root(&s, &img);
        assert!(
            msgs.contains(&format!("runs as \"{user}\"")) && msgs.contains(needle),
            "{user}: {msgs}"
        );
    }
    let img = image(&s, "users/leading-zeros", "01000", Some("01000"));
    let (code, verdict) = check_json(&s, &[&img]);
    assert_eq!(code, 0, "{verdict:#}");
}

/// Pushes `repo:v1` with exactly these configuration bytes (and one small layer); returns
/// `host/repo@digest`.
fn image_with_config(s: &Setup, repo: &str, config: &str) -> String {
    let tag = s.reg.repo(&format!("{repo}:v1"));
    let layer = format!("layer of {repo}").into_bytes();
    with_repo(&tag, async |r| {
        r.push_blob(config.as_bytes()).await.unwrap();
        r.push_blob(&layer).await.unwrap();
    });
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": sigil::oci::media::OCI_MANIFEST,
        "config": sigil::oci::Descriptor::for_bytes(sigil::oci::media::OCI_CONFIG, config.as_bytes()),
        "layers": [sigil::oci::Descriptor::for_bytes("application/vnd.oci.image.layer.v1.tar", &layer)],
    }))
    .unwrap();
    push_tagged_manifest(&tag, &manifest, sigil::oci::media::OCI_MANIFEST);
    format!(
        "{}@{}",
        s.reg.repo(repo),
        sigil::oci::Digest::sha256_of(&manifest)
    )
}

/// Go's encoding/json matches keys to struct fields case-insensitively, the last one winning
/// and a second object merged into the first, so to containerd, Docker and crane each of
/// these configurations runs as uid 0, where reading the exact key `User` saw "1000" and
/// allowed the image. crane (Go) shows what it reads; sigil reads the same and denies, and
/// refuses a configuration Go's readers disagree on.
#[test]
fn check_reads_the_configuration_as_go_runtimes_do() {
    let s = setup(Kind::Distribution);
    let platform =
        r#""architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}"#;
    let cases = [
        (
            "folded",
            format!(r#"{{{platform},"config":{{"User":"1000","user":"0"}}}}"#),
        ),
        (
            "merged",
            format!(
                r#"{{{platform},"config":{{"User":"1000","Env":["A=1"]}},"Config":{{"User":"0"}}}}"#
            ),
        ),
        ("lone", format!(r#"{{{platform},"config":{{"user":"0"}}}}"#)),
        (
            "longs",
            format!("{{{platform},\"config\":{{\"User\":\"1000\",\"u\u{17f}er\":\"0\"}}}}"),
        ),
    ];
    for (name, config) in &cases {
        let img = image_with_config(&s, &format!("gojson/{name}"), config);
        // What a Go reader makes of it: crane rewrites the configuration it decoded.
        let tag = s.reg.repo(&format!("gojson/{name}:go"));
        s.env
            .peer(
                "crane",
                &["mutate", "--insecure", "-l", "x=y", "-t", &tag, &img],
            )
            .ok();
        let seen: Value =
            serde_json::from_str(s.env.peer("crane", &["config", "--insecure", &tag]).ok())
                .unwrap();
        assert_eq!(seen["config"]["User"], "0", "{name}: Go reads {seen}");

        let msgs = denied_as_root(&s, &img);
        assert!(
            msgs.contains("runs as \"0\", which is root"),
            "{name}: {msgs}"
        );
    }
    // An object then null: Docker's *Config pointer is emptied, containerd's value is kept.
    let img = image_with_config(
        &s,
        "gojson/nulled",
        &format!(r#"{{{platform},"config":{{"User":"1000"}},"Config":null}}"#),
    );
    let out = s.sigil(&["check", &img]);
    out.code(2);
    assert!(
        out.stdout
            .contains(r#"the keys "config", "Config" all name the field "config""#),
        "{}{}",
        out.stdout,
        out.stderr
    );
}
