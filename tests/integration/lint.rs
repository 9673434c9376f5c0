//! `sigil lint` through the binary: exit codes, the four output formats, ignores, build
//! arguments, hostile input, the generated corpus, and agreement with hadolint on the checks
//! both tools make.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::harness::{Env, Run, peer, root};

const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn write(env: &Env, name: &str, text: &str) -> String {
    let path = env.path().join(name);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(&path, text).unwrap();
    name.to_string()
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr))
}

/// A Dockerfile every default rule accepts.
fn good() -> String {
    format!(
        "FROM golang:1.23@{DIGEST} AS build\nRUN go build -o /app .\n\
FROM gcr.io/distroless/static-debian12:nonroot@{DIGEST}\nCOPY --from=build /app /app\nUSER 65532:65532\n"
    )
}

/// (code, line, column) of every finding of the only file in a JSON report.
fn found(v: &Value) -> Vec<(String, u64, u64)> {
    v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn exit_codes_and_text_output() {
    let env = Env::new();
    let ok = write(&env, "ok/Dockerfile", &good());
    let bad = write(
        &env,
        "bad/Dockerfile",
        "FROM ubuntu\nRUN apt-get update\nCOPY --from=nginx:latest /etc/nginx /etc/nginx\nUSER root\n",
    );
    let broken = write(
        &env,
        "broken/Dockerfile",
        "FROM alpine:3.20\nRUN <<EOF\necho\n",
    );

    let out = env.sigil(&["lint", &ok]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("1 file linted: 0 denied, 0 warning(s), 0 error(s)"),
        "{}",
        out.stdout
    );

    let out = env.sigil(&["lint", &bad]);
    out.code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("bad/Dockerfile:1:6:"),
        "{}",
        out.stdout
    );
    assert!(
        lines[0].contains("SIGIL-DF-001 deny  FROM ubuntu is not pinned by digest"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "bad/Dockerfile:3:13: SIGIL-DF-002 deny  COPY --from nginx:latest uses the tag latest"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("bad/Dockerfile:4:1:  SIGIL-DF-003 deny  the final stage runs as \"root\""),
        "{}",
        out.stdout
    );
    // Aligned: every finding's code starts in the same column.
    let cols: BTreeSet<usize> = lines
        .iter()
        .filter(|l| l.contains(" SIGIL-"))
        .map(|l| l.find(" SIGIL-").unwrap())
        .collect();
    assert_eq!(cols.len(), 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("1 file linted: 5 denied, 0 warning(s), 0 error(s)"),
        "{}",
        out.stdout
    );

    // A broken file: exit 2, positioned, and the other files are still linted.
    let out = env.sigil(&["lint", &ok, &broken, &bad]);
    out.code(2);
    assert!(
        out.stdout.contains("broken/Dockerfile:2:5:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("heredoc <<EOF is not terminated"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("bad/Dockerfile:1:6:"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("3 files linted: 5 denied, 0 warning(s), 1 error(s)"),
        "{}",
        out.stdout
    );

    // No path: ./Dockerfile; a missing one is an error.
    let out = env.sigil(&["lint"]);
    out.code(2);
    assert!(
        out.stdout
            .contains("Dockerfile: SIGIL-DF-PARSE error cannot read the file"),
        "{}",
        out.stdout
    );
    write(&env, "Dockerfile", &good());
    env.sigil(&["lint"]).code(0);
}

#[test]
fn json_output() {
    let env = Env::new();
    let f = write(
        &env,
        "Dockerfile",
        "ARG BASE=alpine:3.20\nFROM ${BASE} AS base\nFROM scratch\nCOPY --from=base /bin/sh /sh\n",
    );
    let out = env.sigil(&["lint", "-o", "json", &f]);
    out.code(1);
    let v = json(&out);
    assert_eq!(v["files"][0]["path"], "Dockerfile");
    assert_eq!(v["files"][0]["error"], Value::Null);
    assert_eq!(
        found(&v),
        [
            ("SIGIL-DF-001".to_string(), 2, 6),
            ("SIGIL-DF-003".to_string(), 3, 6),
        ]
    );
    let first = &v["files"][0]["findings"][0];
    assert_eq!(first["severity"], "deny");
    assert_eq!(first["name"], "dockerfile-digest-pinned");
    assert_eq!(
        first["message"],
        "FROM ${BASE} (alpine:3.20) is not pinned by digest (NAME:TAG@sha256:…)"
    );
    assert_eq!(first["details"]["use"], "from");
    assert_eq!(first["details"]["image_kind"], "tagged");
    assert_eq!(
        v["files"][0]["findings"][1]["message"],
        "the final stage sets no USER and its base is scratch, so it runs as root"
    );
    assert_eq!(v["summary"]["denials"], 2);
    assert_eq!(v["summary"]["subjects"], 1);
}

#[test]
fn user_rules() {
    let env = Env::new();
    let case = |text: &str| {
        let f = write(&env, "Dockerfile", text);
        let out = env.sigil(&["lint", "-o", "json", "--ignore", "SIGIL-DF-001", &f]);
        let v = json(&out);
        let findings = v["files"][0]["findings"].as_array().unwrap().clone();
        (out.code, findings)
    };
    // No USER on an image: a warning (the base's user is unknown), not a denial.
    let (code, f) = case("FROM debian:12\nRUN true\n");
    assert_eq!(code, 0);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["severity"], "warn");
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("debian:12's user")
    );
    // Explicit root in its forms.
    for user in ["root", "0", "0:0", "root:staff"] {
        let (code, f) = case(&format!("FROM debian:12\nUSER app\nUSER {user}\n"));
        assert_eq!(code, 1, "{user}");
        assert_eq!(f[0]["line"], 3, "{user}");
        assert_eq!(f[0]["details"]["user"], user, "{user}");
    }
    // USER root then a user; inherited through stages; set through ARG.
    assert_eq!(case("FROM debian:12\nUSER root\nRUN id\nUSER app\n").0, 0);
    assert_eq!(
        case("FROM debian:12 AS b\nUSER 10001\nFROM b\nRUN id\n").0,
        0
    );
    let (code, f) = case("FROM debian:12 AS b\nUSER root\nFROM b\nRUN id\n");
    assert_eq!((code, f[0]["line"].as_u64()), (1, Some(2)));
    assert_eq!(case("FROM debian:12\nARG U=0\nUSER ${U}\n").0, 1);
    // Another stage's root does not make the image run as root.
    assert_eq!(
        case("FROM debian:12 AS b\nUSER root\nFROM debian:12\nUSER app\n").0,
        0
    );
}

#[test]
fn sarif_output() {
    let env = Env::new();
    let f = write(
        &env,
        "svc/app.Dockerfile",
        "FROM alpine:latest\nUSER 1000\n",
    );
    write(
        &env,
        "svc/Dockerfile.broken",
        "FROM alpine:3.20\nRUN <<EOF\n",
    );
    let out = env.sigil(&["lint", "-o", "sarif", "svc"]);
    out.code(2);
    let v = json(&out);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "sigil");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(
        ids.starts_with(&["SIGIL-DF-001", "SIGIL-DF-002", "SIGIL-DF-003"]),
        "{ids:?}"
    );
    assert!(ids.contains(&"SIGIL-DF-PARSE"), "{ids:?}");
    assert!(
        rules
            .iter()
            .all(|r| r["help"]["text"].as_str().is_some_and(|t| !t.is_empty()))
    );
    let results = run["results"].as_array().unwrap();
    let tagged: Vec<_> = results
        .iter()
        .filter(|r| r["ruleId"] == "SIGIL-DF-002")
        .collect();
    assert_eq!(tagged.len(), 1);
    assert_eq!(tagged[0]["level"], "error");
    let loc = &tagged[0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], f.as_str());
    assert_eq!(loc["region"]["startLine"], 1);
    assert_eq!(loc["region"]["startColumn"], 6);
    let i = tagged[0]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[i]["id"], "SIGIL-DF-002");
    let broken: Vec<_> = results
        .iter()
        .filter(|r| r["ruleId"] == "SIGIL-DF-PARSE")
        .collect();
    assert_eq!(broken.len(), 1);
    assert_eq!(
        broken[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    // Warnings are SARIF warnings.
    write(&env, "w/Dockerfile", &format!("FROM debian:12@{DIGEST}\n"));
    let v = json(env.sigil(&["lint", "-o", "sarif", "w/Dockerfile"]).code(0));
    assert_eq!(v["runs"][0]["results"][0]["level"], "warning");
}

/// Checks that tags are balanced and that no raw `<`, `&` or `"` sits where it should have
/// been escaped; returns the names of the elements opened.
fn check_xml(xml: &str) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut opened = Vec::new();
    let mut rest = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("declaration");
    while let Some(i) = rest.find('<') {
        let text = &rest[..i];
        assert!(
            !text.contains('>') && !text.contains('"'),
            "unescaped text {text:?}"
        );
        check_entities(text);
        let end = rest[i..].find('>').expect("unclosed tag") + i;
        let tag = &rest[i + 1..end];
        assert!(!tag.contains('<'), "{tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "unbalanced </{name}>");
        } else {
            let self_closing = tag.ends_with('/');
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            // Attribute values: quotes pair up and hold no raw '<' or '&' outside entities.
            let attrs = &tag[name.len()..];
            assert_eq!(attrs.matches('"').count() % 2, 0, "{tag}");
            check_entities(attrs);
            opened.push(name.clone());
            if !self_closing {
                stack.push(name);
            }
        }
        rest = &rest[end + 1..];
    }
    assert!(rest.trim().is_empty());
    assert!(stack.is_empty(), "unclosed {stack:?}");
    opened
}

fn check_entities(s: &str) {
    for (i, _) in s.match_indices('&') {
        let tail = &s[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| tail.starts_with(e)),
            "raw & in {s:?}"
        );
    }
}

#[test]
fn junit_output() {
    let env = Env::new();
    // A user policy whose message needs escaping.
    write(
        &env,
        "policy/main.rego",
        "package main\n\nimport rego.v1\n\ndeny contains \"bad <&\\\"'> thing\" if input.kind == \"dockerfile\"\n",
    );
    write(&env, "a/Dockerfile", "FROM alpine:latest\nUSER app\n");
    write(&env, "b/Dockerfile", &good());
    write(&env, "c/Dockerfile", "FROM\n");
    let out = env.sigil(&["lint", "-o", "junit", "--policy", "policy", "a", "b", "c"]);
    out.code(2);
    let xml = &out.stdout;
    let opened = check_xml(xml);
    assert_eq!(
        opened.iter().filter(|n| *n == "testsuite").count(),
        3,
        "{xml}"
    );
    assert!(
        xml.contains("<testsuite name=\"a/Dockerfile\" tests=\"4\" failures=\"3\" errors=\"0\""),
        "{xml}"
    );
    assert!(
        xml.contains("message=\"bad &lt;&amp;&quot;&apos;&gt; thing\""),
        "{xml}"
    );
    assert!(xml.contains("<failure type=\"SIGIL-DF-002\""), "{xml}");
    // The clean file: one passing case per rule applied.
    assert!(
        xml.contains(
            "<testcase classname=\"b/Dockerfile\" name=\"SIGIL-DF-001 dockerfile-digest-pinned\"/>"
        ),
        "{xml}"
    );
    assert!(
        xml.contains("<testsuite name=\"c/Dockerfile\" tests=\"1\" failures=\"0\" errors=\"1\""),
        "{xml}"
    );
    assert!(xml.contains("<error type=\"SIGIL-DF-PARSE\""), "{xml}");
}

#[test]
fn ignores_inline_and_global() {
    let env = Env::new();
    let f = write(
        &env,
        "Dockerfile",
        &format!(
            "# sigil ignore=SIGIL-DF-001,SIGIL-DF-002 the builder is rebuilt daily\nFROM golang:latest AS build\n\n\
# sigil ignore=SIGIL-DF-001\n\nFROM alpine:3.20\n# sigil ignore=dockerfile-non-root\nUSER root\n\
COPY --from=build /a /a\nCOPY --from=busybox:1.36@{DIGEST} /bin/busybox /bin/\n"
        ),
    );
    let v = json(env.sigil(&["lint", "-o", "json", &f]).code(1));
    // The FROM golang findings and USER root are ignored; the blank line detaches the
    // ignore above FROM alpine.
    assert_eq!(found(&v), [("SIGIL-DF-001".to_string(), 6, 6)]);
    let v = json(
        env.sigil(&["lint", "-o", "json", "--ignore", "sigil-df-001", &f])
            .code(0),
    );
    assert!(found(&v).is_empty());
    // The rule names work with --ignore too, and an ignored rule is not listed as applied.
    let out = env.sigil(&[
        "lint",
        "-o",
        "sarif",
        "--ignore",
        "dockerfile-digest-pinned",
        &f,
    ]);
    out.code(0);
    assert!(
        !out.stdout.contains("\"id\": \"SIGIL-DF-001\""),
        "{}",
        out.stdout
    );
}

#[test]
fn build_args_and_configuration() {
    let env = Env::new();
    let f = write(
        &env,
        "Dockerfile",
        "ARG REGISTRY\nARG TAG=1.0\nFROM ${REGISTRY}/app:${TAG}\nUSER app\n",
    );
    let v = json(env.sigil(&["lint", "-o", "json", &f]).code(1));
    assert_eq!(found(&v), [("SIGIL-DF-001".to_string(), 3, 6)]);
    let msg = v["files"][0]["findings"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("cannot be resolved (unset: REGISTRY;"),
        "{msg}"
    );
    let pinned = format!("TAG=1.0@{DIGEST}");
    let out = env.sigil(&[
        "lint",
        "--build-arg",
        "REGISTRY=ghcr.io/acme",
        "--build-arg",
        &pinned,
        &f,
    ]);
    out.code(0);
    // Trusted registries apply once configured.
    write(
        &env,
        "sigil.yaml",
        "sigil:\n  config:\n    rules:\n      dockerfile-trusted-registries: {enabled: true, registries: [docker.io]}\n      dockerfile-digest-pinned: {mode: warn}\n",
    );
    let out = env.sigil(&[
        "lint",
        "-o",
        "json",
        "--data",
        "sigil.yaml",
        "--build-arg",
        "REGISTRY=ghcr.io/acme",
        &f,
    ]);
    out.code(1);
    let v = json(&out);
    let codes: Vec<(String, String)> = v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().into(),
                f["severity"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("SIGIL-DF-001".to_string(), "warn".to_string()),
            ("SIGIL-DF-004".to_string(), "deny".to_string())
        ]
    );
    env.sigil(&["lint", "--build-arg", "=x", &f]).code(2);
}

#[test]
fn directories_and_stdin() {
    let env = Env::new();
    for name in [
        "Dockerfile",
        "svc/api.Dockerfile",
        "svc/Dockerfile.dev",
        "svc/deep/Containerfile",
        ".devcontainer/Dockerfile",
    ] {
        write(&env, &format!("tree/{name}"), &good());
    }
    write(&env, "tree/README.md", "FROM nothing");
    write(&env, "tree/Dockerfile-notes.txt", "not a Dockerfile");
    let v = json(env.sigil(&["lint", "-o", "json", "tree"]).code(0));
    let paths: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "tree/.devcontainer/Dockerfile",
            "tree/Dockerfile",
            "tree/svc/Dockerfile.dev",
            "tree/svc/api.Dockerfile",
            "tree/svc/deep/Containerfile",
        ]
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_sigil"))
        .args(["lint", "-"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"FROM ubuntu:24.04\nUSER root\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("-:2:1:"), "{stdout}");
}

#[test]
fn malformed_dockerfiles_are_positioned_errors() {
    let env = Env::new();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "heredoc",
            b"FROM alpine:3.20\nCOPY <<a <<b /x/\none\na\n".to_vec(),
            ":2:10:",
        ),
        (
            "escape",
            b"# escape=x\nFROM alpine:3.20\n".to_vec(),
            ":1:1:",
        ),
        (
            "junk",
            (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect(),
            ":1:",
        ),
        (
            "latin1",
            b"FROM alpine:3.20\nLABEL a=\"caf\xe9\"\n".to_vec(),
            ":2:13:",
        ),
        ("nul", b"FROM alpine:3.20\n\x00RUN x\n".to_vec(), ":2:1:"),
        ("no-from", b"RUN echo\n".to_vec(), ":1:1:"),
        // ENV doubling: 2^60 bytes if expanded; refused where it passes 1 MiB.
        (
            "env-bomb",
            format!(
                "FROM alpine:3.20\nENV A=xxxxxxxxxxxxxxxx\n{}USER $A\n",
                "ENV A=$A$A\n".repeat(60)
            )
            .into_bytes(),
            ":19:9:",
        ),
    ];
    for (name, bytes, at) in &cases {
        std::fs::write(env.path().join(name), bytes).unwrap();
        let out = env.sigil(&["lint", name]);
        out.code(2);
        assert!(
            out.stdout.contains("SIGIL-DF-PARSE error"),
            "{name}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains(&format!("{name}{at}")),
            "{name}: {}",
            out.stdout
        );
        assert!(!out.stderr.contains("panicked"), "{name}: {}", out.stderr);
    }

    // 10 MB of continuation lines: parsed (and refused for what it is) in seconds.
    let mut big = String::from("FROM alpine:3.20\nRUN echo start \\\n");
    while big.len() < 10_000_000 {
        big.push_str("    && echo more and more continuation text here \\\n");
    }
    big.push_str("    && echo end\nUSER app\n");
    std::fs::write(env.path().join("big"), &big).unwrap();
    let out = env.sigil(&["lint", "-o", "json", "big"]);
    assert!(
        out.elapsed < Duration::from_secs(20),
        "took {:?}",
        out.elapsed
    );
    out.code(1);
    assert_eq!(
        json(&out)["files"][0]["findings"][0]["code"],
        "SIGIL-DF-001"
    );

    // 10 MB of stages, each built from the previous one and each with an ignore comment:
    // nothing in lint may be quadratic in them.
    let mut many = String::from("FROM alpine:3.20 AS s0\n");
    let mut i = 1;
    while many.len() < 10_000_000 {
        many.push_str(&format!(
            "# sigil ignore=SIGIL-DF-002\nFROM s{} AS s{i}\n",
            i - 1
        ));
        i += 1;
    }
    many.push_str("USER root\n");
    std::fs::write(env.path().join("many"), &many).unwrap();
    // (Evaluating 200,000 images may outlast the default 1 s policy time limit, which
    // would deny with SIGIL-POLICY-ERROR; give it time to show the real findings.)
    let out = env.sigil(&["lint", "-o", "json", "--timeout", "60s", "many"]);
    assert!(
        out.elapsed < Duration::from_secs(40),
        "took {:?}",
        out.elapsed
    );
    out.code(1);
    let codes: Vec<String> = found(&json(&out)).into_iter().map(|f| f.0).collect();
    assert_eq!(codes, ["SIGIL-DF-001", "SIGIL-DF-003"]);

    // A continuation that never ends, and a file over the limit.
    let endless = format!("FROM alpine:3.20\nRUN x \\\n{}", "y \\\n".repeat(2_000_000));
    std::fs::write(env.path().join("endless"), &endless).unwrap();
    let out = env.sigil(&["lint", "endless"]);
    assert!(
        out.elapsed < Duration::from_secs(20),
        "took {:?}",
        out.elapsed
    );
    assert!(out.code == 1 || out.code == 2, "{}", out.stdout);
    let huge = "# padding\n".repeat(1_100_000);
    std::fs::write(env.path().join("huge"), format!("FROM alpine:3.20\n{huge}")).unwrap();
    let out = env.sigil(&["lint", "huge"]);
    out.code(2);
    assert!(
        out.stdout.contains("larger than the 10485760-byte limit"),
        "{}",
        out.stdout
    );
}

fn corpus() -> PathBuf {
    root().join("testdata/dockerfiles/corpus")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "Dockerfile"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_corpus_parses() {
    let files = corpus_files();
    assert!(files.len() >= 300, "{} files", files.len());
    let env = Env::new();
    let out = env.sigil(&["lint", "-o", "json", corpus().to_str().unwrap()]);
    out.code(1);
    let v = json(&out);
    let reported = v["files"].as_array().unwrap();
    assert_eq!(reported.len(), files.len());
    for f in reported {
        assert_eq!(f["error"], Value::Null, "{}", f["path"]);
    }
    // The corpus exercises every outcome.
    let codes: BTreeSet<&str> = reported
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap())
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.is_superset(&BTreeSet::from([
        "SIGIL-DF-001",
        "SIGIL-DF-002",
        "SIGIL-DF-003"
    ])));
    assert!(
        reported
            .iter()
            .any(|f| f["findings"].as_array().unwrap().is_empty())
    );
}

/// One comparable finding: a hadolint code and the line it is on.
type Claim = (&'static str, usize);

/// Claims by file name, and the files hadolint could not parse with its message.
type Claims = (Vec<(String, Claim)>, Vec<(String, String)>);

/// hadolint's findings on the overlapping checks, by file name; files it could not parse map
/// to its DL1000 message.
fn hadolint_claims(files: &[PathBuf], config: &Path) -> Claims {
    let mut args: Vec<String> = vec![
        "--config".into(),
        config.display().to_string(),
        "--format".into(),
        "json".into(),
        "--no-fail".into(),
    ];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let out = Command::new(peer("hadolint")).args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut claims = Vec::new();
    let mut unparsed = Vec::new();
    for r in v.as_array().unwrap() {
        let file = Path::new(r["file"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let line = r["line"].as_u64().unwrap() as usize;
        let code: &'static str = match r["code"].as_str().unwrap() {
            "DL3006" => "DL3006",
            "DL3007" => "DL3007",
            "DL3002" => "DL3002",
            "DL3026" => "DL3026",
            "DL1000" => {
                unparsed.push((file, r["message"].as_str().unwrap().replace('\n', " ")));
                continue;
            }
            _ => continue,
        };
        claims.push((file, (code, line)));
    }
    (claims, unparsed)
}

/// sigil's findings mapped onto hadolint's codes: DL3006 (a FROM without tag) and DL3007 (a
/// FROM tagged latest) from SIGIL-DF-002 on `from` uses — hadolint checks tags only on FROM;
/// DL3002 from SIGIL-DF-003 denials of an explicit root user; DL3026 from SIGIL-DF-004 on
/// every use (hadolint checks COPY --from and RUN --mount images there too).
fn sigil_claims(report: &Value) -> Vec<(String, Claim)> {
    let mut claims = Vec::new();
    for f in report["files"].as_array().unwrap() {
        let file = Path::new(f["path"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for x in f["findings"].as_array().unwrap() {
            let line = x["line"].as_u64().unwrap_or(0) as usize;
            let d = &x["details"];
            let code = match x["code"].as_str().unwrap() {
                "SIGIL-DF-002" if d["use"] == "from" && d["image_kind"] == "implicit" => "DL3006",
                "SIGIL-DF-002" if d["use"] == "from" => "DL3007",
                "SIGIL-DF-003" if x["severity"] == "deny" => {
                    let user = d["user"].as_str().unwrap_or_default();
                    if !matches!(user.split(':').next(), Some("root" | "0")) {
                        continue;
                    }
                    "DL3002"
                }
                "SIGIL-DF-004" => "DL3026",
                _ => continue,
            };
            claims.push((file.clone(), (code, line)));
        }
    }
    claims
}

/// Why a disagreement is hadolint's mistake (or a documented difference), judged from the
/// Dockerfile itself; None when it is not explained.
fn explain(text: &str, claim: Claim, hadolint_only: bool) -> Option<String> {
    let df = sigil::dockerfile::Dockerfile::parse(text).ok()?;
    let (code, line) = claim;
    let ins = df
        .instructions()
        .iter()
        .find(|i| (i.line..=i.end_line).contains(&line))?;
    let kw = ins.keyword;
    use sigil::dockerfile::Keyword;
    if kw == Keyword::From && ins.text().contains('$') {
        return Some(format!(
            "line {line}: FROM {} uses ARGs; hadolint checks the unexpanded text, sigil the image BuildKit pulls",
            ins.args_text()
        ));
    }
    if kw == Keyword::From {
        let image = ins.args.first().map(|w| w.raw.as_str()).unwrap_or_default();
        let host = image.split_once('/').map(|(h, _)| h).unwrap_or_default();
        if !hadolint_only && matches!(code, "DL3006" | "DL3026") && host.contains(':') {
            return Some(format!(
                "line {line}: {image} names a registry with a port; hadolint reads host:port as name:tag"
            ));
        }
        if !hadolint_only && code == "DL3026" && host == "localhost" {
            return Some(format!(
                "line {line}: {image} is on the registry localhost (Docker's rule); hadolint takes localhost for a Docker Hub namespace"
            ));
        }
        if hadolint_only && code == "DL3026" && host == "index.docker.io" {
            return Some(format!(
                "line {line}: {image} is on Docker Hub (index.docker.io is docker.io); hadolint compares the text"
            ));
        }
        if hadolint_only && code == "DL3006" {
            // The stage it names, declared in other case: BuildKit stores stage names
            // lower-cased, so `FROM builder` is the stage declared `AS Builder`.
            let declared = df
                .instructions()
                .iter()
                .find_map(|i| match i.args.as_slice() {
                    [_, as_word, name]
                        if i.keyword == Keyword::From
                            && as_word.raw.eq_ignore_ascii_case("as")
                            && name.raw != image
                            && name.raw.to_ascii_lowercase() == image =>
                    {
                        Some(name.raw.clone())
                    }
                    _ => None,
                });
            if let Some(declared) = declared {
                return Some(format!(
                    "line {line}: FROM {image} is the stage declared AS {declared} (BuildKit lower-cases stage names); hadolint compares them as written"
                ));
            }
        }
    }
    if code == "DL3007"
        && !hadolint_only
        && kw == Keyword::From
        && ins.args_text().contains(":latest@sha256:")
    {
        return Some(format!(
            "line {line}: {} is pinned by digest; hadolint ignores a tag next to a digest, sigil's no-latest does not (allow_when_pinned)",
            ins.args_text()
        ));
    }
    if code == "DL3002" && hadolint_only && kw == Keyword::User {
        let input = sigil::lint::dockerfile_input("Dockerfile", text, &Default::default()).ok()?;
        let effective = &input["dockerfile"]["final_stage"]["user_line"];
        if effective.as_u64() != Some(line as u64) {
            return Some(format!(
                "line {line}: USER {} is not the user the image runs as (the final stage's is on line {effective}); hadolint judges every stage's last USER",
                ins.args_text()
            ));
        }
    }
    if code == "DL3002" && kw == Keyword::User && ins.text().contains('$') {
        return Some(format!(
            "line {line}: USER {} uses variables; hadolint checks the unexpanded text",
            ins.args_text()
        ));
    }
    None
}

#[test]
fn agrees_with_hadolint() {
    let files = corpus_files();
    let env = Env::new();
    let hl_config = env.path().join("hadolint.yaml");
    std::fs::write(
        &hl_config,
        "trustedRegistries:\n  - docker.io\n  - ghcr.io\n  - gcr.io\n",
    )
    .unwrap();
    let data = env.path().join("trusted.json");
    std::fs::write(
        &data,
        r#"{"sigil": {"config": {"rules": {"dockerfile-trusted-registries": {"enabled": true, "registries": ["docker.io", "ghcr.io", "gcr.io"]}}}}}"#,
    )
    .unwrap();
    let (hl, unparsed) = hadolint_claims(&files, &hl_config);
    let mut args = vec![
        "lint".to_string(),
        "-o".into(),
        "json".into(),
        "--data".into(),
        data.display().to_string(),
    ];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let report = json(&env.sigil(&args));
    let sg = sigil_claims(&report);

    let hl: BTreeSet<(String, Claim)> = hl.into_iter().collect();
    let sg: BTreeSet<(String, Claim)> = sg.into_iter().collect();
    let unparsed_names: BTreeSet<&str> = unparsed.iter().map(|(f, _)| f.as_str()).collect();
    let mut explained = Vec::new();
    let mut unexplained = Vec::new();
    for (file, m) in &unparsed {
        // Valid syntax only if sigil parsed it.
        let sigil_error = report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with(file.as_str()))
            })
            .map(|f| f["error"].clone());
        if sigil_error == Some(Value::Null) {
            explained.push(format!("{file}: hadolint cannot parse valid syntax: {m}"));
        } else {
            unexplained.push(format!("{file}: neither tool parses it: {m}"));
        }
    }
    let mut compared = 0;
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if unparsed_names.contains(name.as_str()) {
            continue;
        }
        compared += 1;
        let text = std::fs::read_to_string(f).unwrap();
        for (only, a, b) in [("hadolint", &hl, &sg), ("sigil", &sg, &hl)] {
            for (file, claim) in a.iter().filter(|(file, _)| *file == name) {
                if b.contains(&(file.clone(), *claim)) {
                    continue;
                }
                match explain(&text, *claim, only == "hadolint") {
                    Some(why) => explained.push(format!("{file}: {} only {only}: {why}", claim.0)),
                    None => unexplained.push(format!(
                        "{file}: {} on line {} only from {only}",
                        claim.0, claim.1
                    )),
                }
            }
        }
    }
    let agreed = hl.intersection(&sg).count();
    println!(
        "compared {compared} files; {agreed} findings agree; {} exceptions:",
        explained.len()
    );
    for e in &explained {
        println!("  {e}");
    }
    assert!(compared >= 280, "hadolint parsed only {compared} files");
    assert!(
        agreed >= 200,
        "only {agreed} findings in common: the comparison is not exercised"
    );
    assert!(
        unexplained.is_empty(),
        "disagreements:\n{}",
        unexplained.join("\n")
    );
}
