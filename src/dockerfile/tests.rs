use super::*;
use proptest::prelude::*;

fn fixture(name: &str) -> Dockerfile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/dockerfiles")
        .join(name);
    let text = read_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Dockerfile::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn args(pairs: &[(&str, &str)]) -> BuildArgs {
    BuildArgs {
        values: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        target_platform: Some("linux/arm64".into()),
        build_platform: Some("linux/amd64".into()),
    }
}

/// (expanded, line, column, kind, stage name, platform) of every use.
type Row = (
    String,
    usize,
    usize,
    UseKind,
    Option<String>,
    Option<String>,
);

fn rows(uses: &[ImageUse]) -> Vec<Row> {
    uses.iter()
        .map(|u| {
            (
                u.expanded.clone(),
                u.line,
                u.column,
                u.kind,
                u.stage_name.clone(),
                u.platform.clone(),
            )
        })
        .collect()
}

fn row(
    image: &str,
    line: usize,
    column: usize,
    kind: UseKind,
    stage: Option<&str>,
    platform: Option<&str>,
) -> Row {
    (
        image.into(),
        line,
        column,
        kind,
        stage.map(Into::into),
        platform.map(Into::into),
    )
}

fn parse_err(text: &str) -> ParseError {
    Dockerfile::parse(text).expect_err(text)
}

fn images_err(text: &str, a: &BuildArgs) -> ParseError {
    let df = Dockerfile::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    df.external_images(a).expect_err(text)
}

#[test]
fn multi_stage_go_build() {
    let df = fixture("go-multistage.Dockerfile");
    assert_eq!(
        df.directives().syntax.as_deref(),
        Some("docker/dockerfile:1.7")
    );
    assert_eq!(df.directives().check.as_deref(), Some("error=true"));
    assert_eq!(df.global_args().len(), 3);
    let names: Vec<_> = df.stages().iter().map(|s| s.name.as_deref()).collect();
    assert_eq!(names, [Some("xx"), Some("build"), Some("test"), None]);

    let amd = Some("linux/amd64");
    let uses = df.external_images(&args(&[])).unwrap();
    assert_eq!(
        rows(&uses),
        [
            row(
                "tonistiigi/xx:1.4.0",
                10,
                32,
                UseKind::From,
                Some("xx"),
                amd
            ),
            row(
                "golang:1.22-alpine3.19",
                12,
                32,
                UseKind::From,
                Some("build"),
                amd
            ),
            row(
                "docker.io/golangci/golangci-lint:v1.57.2",
                28,
                28,
                UseKind::MountFrom,
                Some("test"),
                amd
            ),
            row(
                "gcr.io/distroless/static-debian12:nonroot",
                31,
                6,
                UseKind::From,
                None,
                None
            ),
            row(
                "ghcr.io/grpc-ecosystem/grpc-health-probe:v0.4.25",
                33,
                20,
                UseKind::CopyFrom,
                None,
                None
            ),
        ]
    );
    assert_eq!(
        uses[1].reference_text,
        "golang:${GO_VERSION}-alpine${ALPINE_VERSION}"
    );
    assert_eq!(uses[1].stage_index, 1);

    // --build-arg overrides a default; BUILDPLATFORM follows the build platform.
    let mut a = args(&[("GO_VERSION", "1.23"), ("XX_IMAGE", "reg.local/xx:2")]);
    a.build_platform = Some("linux/riscv64".into());
    let uses = df.external_images(&a).unwrap();
    assert_eq!(uses[0].expanded, "reg.local/xx:2");
    assert_eq!(uses[1].expanded, "golang:1.23-alpine3.19");
    assert_eq!(uses[1].platform.as_deref(), Some("linux/riscv64"));
}

#[test]
fn arg_driven_bases_stage_references_and_indexes() {
    let df = fixture("arg-driven.Dockerfile");
    let uses = df.external_images(&args(&[])).unwrap();
    assert_eq!(
        rows(&uses),
        [
            row(
                "docker.io/library/ubuntu:22.04",
                8,
                6,
                UseKind::From,
                Some("base"),
                None
            ),
            row("python:3.12-slim", 16, 6, UseKind::From, None, None),
            row(
                "docker.io/library/busybox:1.36",
                21,
                13,
                UseKind::CopyFrom,
                None,
                None
            ),
        ]
    );
    assert_eq!(uses[0].reference_text, "${BASE}");
    assert_eq!(uses[2].reference_text, "${TOOLS}");

    // Overrides flow through computed defaults, into stages that re-declare the global ARG.
    let a = args(&[("BASE_TAG", "24.04"), ("REGISTRY", "r.example:5000")]);
    let got: Vec<_> = df
        .external_images(&a)
        .unwrap()
        .into_iter()
        .map(|u| u.expanded)
        .collect();
    assert_eq!(
        got,
        [
            "r.example:5000/library/ubuntu:24.04",
            "python:3.12-slim",
            "r.example:5000/library/busybox:1.36"
        ]
    );
    // An override of the computed ARG wins over its default; undeclared build args are ignored.
    let a = args(&[("BASE", "mine:1"), ("TOOLS", "t:2"), ("UNDECLARED", "x")]);
    let got: Vec<_> = df
        .external_images(&a)
        .unwrap()
        .into_iter()
        .map(|u| u.expanded)
        .collect();
    assert_eq!(got, ["mine:1", "python:3.12-slim", "t:2"]);
}

#[test]
fn backtick_escape_for_windows() {
    let df = fixture("windows.Dockerfile");
    assert_eq!(df.directives().escape, '`');
    let run = df
        .instructions()
        .iter()
        .find(|i| i.keyword == Keyword::Run)
        .unwrap();
    assert_eq!((run.line, run.end_line), (6, 7));
    assert!(
        run.text()
            .contains(r"C:\tool.zip ;     Expand-Archive C:\tool.zip")
    );
    let uses = df.external_images(&args(&[])).unwrap();
    assert_eq!(
        rows(&uses),
        [
            row(
                "mcr.microsoft.com/windows/servercore:ltsc2022",
                4,
                6,
                UseKind::From,
                Some("download"),
                None
            ),
            row(
                "mcr.microsoft.com/windows/nanoserver:ltsc2022",
                9,
                6,
                UseKind::From,
                None,
                None
            ),
        ]
    );
}

#[test]
fn heredocs_pinned_digests_and_lower_case_keywords() {
    let df = fixture("heredoc-pinned.Dockerfile");
    let kws: Vec<_> = df.instructions().iter().map(|i| i.keyword).collect();
    use Keyword::*;
    assert_eq!(kws, [From, Run, Copy, From, Run]);
    let run = &df.instructions()[1];
    assert_eq!(run.heredocs.len(), 1);
    assert!(run.heredocs[0].body.contains("FROM not-an-image:really\n"));
    let copy = &df.instructions()[2];
    assert_eq!(copy.heredocs[0].body, "listen = ${PORT}\n");
    assert!(!copy.heredocs[0].expand && copy.heredocs[0].strip_tabs);
    assert_eq!(df.stages()[0].name.as_deref(), Some("builder"));
    let uses = df.external_images(&args(&[])).unwrap();
    assert_eq!(uses.len(), 1, "{uses:?}");
    assert_eq!(
        uses[0].expanded,
        "alpine:3.19@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b"
    );
    assert_eq!((uses[0].line, uses[0].column), (3, 6));
}

#[test]
fn continuations_with_comments_and_blank_lines() {
    let df = fixture("continuations.Dockerfile");
    assert_eq!(df.instructions().len(), 3);
    let from = &df.instructions()[0];
    assert_eq!((from.line, from.end_line), (1, 6));
    assert_eq!(df.stages()[0].name.as_deref(), Some("base"));
    let uses = df.external_images(&args(&[])).unwrap();
    assert_eq!(
        rows(&uses),
        [row(
            "debian:bookworm-slim",
            3,
            3,
            UseKind::From,
            Some("base"),
            None
        )]
    );
    let run = &df.instructions()[1];
    assert!(
        run.text()
            .contains("apt-get update;     apt-get install -y curl;")
    );
    assert_eq!(run.end_line, 11);
    assert!(df.instructions()[2].text().contains("\"multi line\""));
}

#[test]
fn scoping_follows_buildkit() {
    let a = args(&[("V", "from-build-arg")]);
    // FROM sees only global ARGs: a stage ARG or ENV does not leak into later FROMs.
    let text = "ARG V=g\nFROM a:$V AS one\nARG V=s\nENV E=e\nFROM b:${V}-${E:-none}\n";
    let got: Vec<_> = Dockerfile::parse(text)
        .unwrap()
        .external_images(&args(&[]))
        .unwrap()
        .into_iter()
        .map(|u| u.expanded)
        .collect();
    assert_eq!(got, ["a:g", "b:g-none"]);
    // Inside a stage: global ARGs only once re-declared; ENV beats ARG; ENV is inherited
    // through FROM <stage>, ARG is not.
    let text = "ARG V=g\nFROM a AS one\nCOPY --from=x:${V:-unset} / /\nARG V\nCOPY --from=y:$V / /\n\
ENV W=env\nARG W=arg\nCOPY --from=z:$W / /\nARG S=stage\nFROM one\nCOPY --from=w:$W-${S:-gone} / /\n";
    let df = Dockerfile::parse(text).unwrap();
    let got: Vec<_> = df
        .external_images(&args(&[]))
        .unwrap()
        .into_iter()
        .map(|u| u.expanded)
        .collect();
    assert_eq!(got, ["a", "x:unset", "y:g", "z:env", "w:env-gone"]);
    let got = df.external_images(&a).unwrap();
    assert_eq!(got[2].expanded, "y:from-build-arg");
    // Automatic platform ARGs: global for FROM, declared for stages.
    let text = "FROM --platform=$TARGETPLATFORM a:$TARGETARCH\nCOPY --from=b:${TARGETOS:-x} / /\n\
ARG TARGETOS\nCOPY --from=c:${TARGETOS}${TARGETVARIANT:-novariant} / /\n";
    let uses = Dockerfile::parse(text)
        .unwrap()
        .external_images(&args(&[]))
        .unwrap();
    let got: Vec<_> = uses.iter().map(|u| u.expanded.as_str()).collect();
    assert_eq!(got, ["a:arm64", "b:x", "c:linuxnovariant"]);
    assert_eq!(uses[0].platform.as_deref(), Some("linux/arm64"));
}

#[test]
fn stage_references_are_not_images() {
    let text = "FROM a AS Build\nFROM build AS two\nFROM scratch\nCOPY --from=build / /\n\
COPY --from=TWO / /\nCOPY --from=2 / /\nRUN --mount=from=two,target=/x --mount=type=cache,from=build,target=/c \
--mount=type=secret,id=s,from=ignored true\nCOPY --from=later / /\nFROM later AS three\nFROM final AS later\n";
    let uses = Dockerfile::parse(text)
        .unwrap()
        .external_images(&args(&[]))
        .unwrap();
    let got: Vec<_> = uses.iter().map(|u| (u.expanded.as_str(), u.kind)).collect();
    // `FROM later` is an image: FROM only refers to earlier stages.
    assert_eq!(
        got,
        [
            ("a", UseKind::From),
            ("later", UseKind::From),
            ("final", UseKind::From)
        ]
    );
    // Stage names are lower-cased; FROM compares its text with them as written (BuildKit's
    // addState), while --from compares case-insensitively (findStateByName).
    let uses = Dockerfile::parse("FROM a AS Build\nFROM BUILD\nCOPY --from=BUILD / /\n")
        .unwrap()
        .external_images(&args(&[]))
        .unwrap();
    let got: Vec<_> = uses.iter().map(|u| (u.expanded.as_str(), u.kind)).collect();
    assert_eq!(got, [("a", UseKind::From), ("BUILD", UseKind::From)]);
    // An image used through a mount of type bind (the default) or cache is external.
    let text = "FROM a\nRUN --mount=target=/x,from=tools:1 --mount=type=cache,target=/c,from=\"seed:2\" true\n";
    let uses = Dockerfile::parse(text)
        .unwrap()
        .external_images(&args(&[]))
        .unwrap();
    let got: Vec<_> = uses
        .iter()
        .map(|u| (u.expanded.as_str(), u.column))
        .collect();
    assert_eq!(got, [("a", 6), ("tools:1", 28), ("seed:2", 70)]);
}

#[test]
fn parse_errors_carry_line_and_column() {
    let cases: &[(&str, (usize, usize), &str)] = &[
        ("", (1, 1), "no instructions"),
        ("# just a comment\n", (1, 1), "no instructions"),
        ("ARG A=1\n", (1, 1), "no FROM"),
        ("FROM\n", (1, 5), "FROM requires an image"),
        ("FROM a b\n", (1, 8), "one or three"),
        ("FROM a b c d\n", (1, 8), "one or three"),
        ("FROM a FOR b\n", (1, 8), "expected AS"),
        ("FROM a AS 1x\n", (1, 11), "invalid stage name"),
        (
            "FROM a AS x\nFROM b AS X\n",
            (2, 11),
            "duplicate stage name",
        ),
        ("FROM --plat=x a\n", (1, 6), "unknown flag --plat"),
        ("FROM --platform a\n", (1, 6), "needs a value"),
        ("  FROMM a\n", (1, 3), "unknown instruction: FROMM"),
        ("RUN true\nFROM a\n", (1, 1), "RUN before the first FROM"),
        (
            "ARG\nFROM a\n",
            (1, 4),
            "ARG requires at least one argument",
        ),
        ("ARG =x\nFROM a\n", (1, 5), "names can not be blank"),
        ("FROM a\nENV X\n", (2, 5), "has no value"),
        ("FROM a\nENV X=1 Y\n", (2, 9), "expected name=value"),
        ("FROM a\nCOPY --from x y\n", (2, 6), "COPY --from needs"),
        (
            "FROM a\nRUN --mount=type=bind,from=,target=/x y\n",
            (2, 28),
            "from= needs",
        ),
        ("FROM a\nRUN <<EOF\nno end\n", (2, 5), "not terminated"),
        ("# escape=!\nFROM a\n", (1, 1), "invalid escape"),
        ("FROM a \\\n  AS \\\n  9\n", (3, 3), "invalid stage name"),
    ];
    for (text, (line, column), msg) in cases {
        let e = parse_err(text);
        assert_eq!((e.line, e.column), (*line, *column), "{text:?}: {e}");
        assert!(e.message.contains(msg), "{text:?}: {e}");
        assert!(e.to_string().starts_with(&format!("{line}:{column}: ")));
    }
    let big = "#".repeat(MAX_DOCKERFILE_BYTES + 1);
    assert!(parse_err(&big).message.contains("limit"));
}

#[test]
fn expansion_errors_carry_line_and_column() {
    let a = args(&[]);
    let cases: &[(&str, (usize, usize), &str)] = &[
        ("FROM ${IMG:?set_IMG}\n", (1, 6), "IMG: set_IMG"),
        ("ARG X\nFROM $X\n", (2, 6), "expands to an empty name"),
        ("ARG X=${Y\nFROM a\n", (1, 7), "missing '}'"),
        ("FROM a:${T#v}\n", (1, 11), "unsupported substitution"),
        ("FROM a\nCOPY --from=7 x y\n", (2, 13), "out of range"),
        (
            "FROM a\nCOPY \\\n  --from=${B:?need\\\n_B} x y\n",
            (3, 10),
            "B: need_B",
        ),
        ("FROM --platform=${P:?p} a\n", (1, 17), "P: p"),
        ("FROM a\nARG E\nCOPY --from=$E / /\n", (3, 13), "empty name"),
    ];
    for (text, (line, column), msg) in cases {
        let e = images_err(text, &a);
        assert_eq!((e.line, e.column), (*line, *column), "{text:?}: {e}");
        assert!(e.message.contains(msg), "{text:?}: {e}");
    }
}

#[test]
fn read_file_bounds_and_checks_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big");
    std::fs::write(&big, vec![b'#'; MAX_DOCKERFILE_BYTES + 10]).unwrap();
    let e = read_file(&big).unwrap_err();
    assert!(e.to_string().contains("limit"), "{e}");
    let bad = dir.path().join("bad");
    std::fs::write(&bad, b"FROM a\n\xff\n").unwrap();
    assert!(read_file(&bad).unwrap_err().to_string().contains("UTF-8"));
}

#[test]
fn automatic_platform_arguments() {
    let a = BuildArgs {
        target_platform: Some("linux/arm/v7".into()),
        ..BuildArgs::default()
    };
    let auto = a.automatic();
    assert_eq!(auto["TARGETARCH"], "arm");
    assert_eq!(auto["TARGETVARIANT"], "v7");
    assert_eq!(auto["BUILDPLATFORM"], host_platform());
    assert!(host_platform().starts_with("linux/"));
}

#[test]
fn large_files_parse_in_linear_time() {
    let mut text = String::from("ARG T=1\nFROM base:$T AS s0\n");
    let mut n = 1;
    while text.len() < 4 * 1024 * 1024 {
        text.push_str(&format!(
            "FROM s{} AS s{n}\nCOPY --from=s{} / /\nRUN --mount=from=img{n}:$T true\n",
            n - 1,
            n / 2
        ));
        n += 1;
    }
    let start = std::time::Instant::now();
    let df = Dockerfile::parse(&text).unwrap();
    let uses = df.external_images(&BuildArgs::default()).unwrap();
    assert_eq!(df.stages().len(), n);
    assert_eq!(uses.len(), n);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn inherited_env_is_shared_not_copied() {
    // 50k ENV variables under 100 chained stages that each set one more.
    let mut text = String::from("FROM a AS s0\n");
    for i in 0..50_000 {
        text.push_str(&format!("ENV V{i}=x\n"));
    }
    for n in 1..100 {
        text.push_str(&format!("FROM s{} AS s{n}\nENV W{n}=$V1\n", n - 1));
    }
    let df = Dockerfile::parse(&text).unwrap();
    let e = df.external_images(&BuildArgs::default()).unwrap_err();
    assert!(e.message.contains("too much inherited ENV"), "{e}");
    // Stages that only read their inherited ENV share it.
    let text = text.replace("ENV W", "COPY --from=s0 / /\nARG W");
    let uses = Dockerfile::parse(&text)
        .unwrap()
        .external_images(&BuildArgs::default())
        .unwrap();
    assert_eq!(uses.len(), 1);
}

#[test]
fn substitution_bombs_are_positioned_errors_in_bounded_time() {
    let start = std::time::Instant::now();
    let refused = |text: &str| {
        let df = Dockerfile::parse(text).unwrap();
        df.external_images(&BuildArgs::default()).unwrap_err()
    };
    // Doubling on every line: refused where the value passes 1 MiB (line 2 + 17 doublings).
    let mut text = String::from("FROM base\nENV A=xxxxxxxxxxxxxxxx\n");
    text.push_str(&"ENV A=$A$A\n".repeat(60));
    text.push_str("USER $A\n");
    let e = refused(&text);
    assert_eq!((e.line, e.column), (19, 9), "{e}");
    assert!(
        e.message.contains("expands to more than 1048576 bytes"),
        "{e}"
    );
    // A large value copied line after line: refused when the file's substitutions pass 64 MiB.
    let big = "y".repeat(900 * 1024);
    let text = format!("FROM base\nENV A={big}\n{}", "ENV B=$A\n".repeat(200));
    let e = refused(&text);
    assert!(e.message.contains("more than 64 MiB"), "{e}");
    assert!((60..80).contains(&e.line), "{e}");
    // A large ENV inherited down a chain of stages that each change it: refused by the
    // inherited-ENV budget rather than copied 200 times.
    let mut text = format!("FROM base AS s0\nENV A={big}\n");
    for n in 1..200 {
        text.push_str(&format!("FROM s{} AS s{n}\nENV W{n}=1\n", n - 1));
    }
    let e = refused(&text);
    assert!(e.message.contains("too much inherited ENV"), "{e}");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

fn dockerfile_ish() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "FROM ",
        "from ",
        "ARG ",
        "ENV ",
        "COPY ",
        "RUN ",
        " AS ",
        "--from=",
        "--platform=",
        "--mount=",
        "type=cache,",
        "from=",
        "${",
        "}",
        ":-",
        ":+",
        ":?",
        "$",
        "A",
        "B=",
        "=",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\\\n",
        "`\n",
        "# escape=`\n",
        "# syntax=x\n",
        "#",
        "<<EOF",
        "<<-'E'",
        "EOF\n",
        "\tE\n",
        "\"",
        "'",
        "scratch",
        "a:1",
        "0",
        "9",
        ",",
        "é",
        "\u{feff}",
        "[\"x\"]",
    ]);
    prop::collection::vec(token, 0..60).prop_map(|t| t.concat())
}

fn check_no_panic(text: &str) {
    if let Ok(df) = Dockerfile::parse(text) {
        for a in [BuildArgs::default(), args(&[("A", "x"), ("B", "")])] {
            if let Ok(uses) = df.external_images(&a) {
                for u in uses {
                    assert!(!u.expanded.is_empty() && u.line >= 1 && u.column >= 1);
                }
            }
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}|[ -~\\n\\t]{0,300}") {
        check_no_panic(&text);
    }

    #[test]
    fn dockerfile_like_text_never_panics(text in dockerfile_ish()) {
        check_no_panic(&text);
    }
}
