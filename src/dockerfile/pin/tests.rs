use super::*;

fn d(seed: &str) -> Digest {
    Digest::sha256_of(seed.as_bytes())
}

fn plan(text: &str, a: &BuildArgs) -> Vec<Target> {
    let df = Dockerfile::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    targets(text, &df, a).unwrap()
}

/// Pins every pinnable target to `digest(expanded)` and returns the new text.
fn pin_all(text: &str, a: &BuildArgs) -> (String, Vec<Edit>) {
    let ts = plan(text, a);
    let pins: Vec<(usize, Digest)> = ts
        .iter()
        .enumerate()
        .filter(|(_, t)| t.site.is_ok())
        .map(|(i, t)| (i, d(&t.image.expanded)))
        .collect();
    apply(text, a, &ts, &pins).unwrap()
}

fn none() -> BuildArgs {
    BuildArgs::default()
}

#[test]
fn literal_references_keep_everything_else() {
    let text = concat!(
        "# syntax=docker/dockerfile:1\n",
        "# base image\n",
        "FROM --platform=$BUILDPLATFORM golang:1.22   AS build\n",
        "RUN --mount=type=cache,target=/root/.cache \\\n",
        "    --mount=type=bind,from=ghcr.io/x/tools:2,source=/bin,target=/t \\\n",
        "    go build ./...\n",
        "COPY --from=\"busybox:1.36\" /bin/sh /sh\n",
        "FROM build\n",
        "COPY --from=build /out /out\n",
    );
    let (new, edits) = pin_all(text, &none());
    let g = d("golang:1.22");
    let t = d("ghcr.io/x/tools:2");
    let b = d("busybox:1.36");
    let want = text
        .replace("golang:1.22 ", &format!("golang:1.22@{g} "))
        .replace("tools:2,", &format!("tools:2@{t},"))
        .replace("\"busybox:1.36\"", &format!("\"busybox:1.36@{b}\""));
    assert_eq!(new, want);
    let lines: Vec<usize> = edits.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 5, 7]);
    assert_eq!(edits[0].before, "golang:1.22");
    assert_eq!(edits[0].after, format!("golang:1.22@{g}"));
}

#[test]
fn crlf_and_byte_order_mark_survive() {
    let text = "\u{feff}FROM alpine:3.20\r\n# c\r\nRUN echo hi\r\nFROM 127.0.0.1:5000/app\r\n";
    let (new, _) = pin_all(text, &none());
    let a = d("alpine:3.20");
    let app = d("127.0.0.1:5000/app");
    assert_eq!(
        new,
        format!(
            "\u{feff}FROM alpine:3.20@{a}\r\n# c\r\nRUN echo hi\r\nFROM 127.0.0.1:5000/app@{app}\r\n"
        )
    );
}

#[test]
fn backtick_escape_and_a_continuation_inside_from() {
    let text = concat!(
        "# escape=`\n",
        "FROM --platform=windows/amd64 `\n",
        "    mcr.microsoft.com/windows/servercore:ltsc2022 `\n",
        "    AS base\n",
        "RUN dir c:\\ `\n",
        "    /b\n",
    );
    let (new, edits) = pin_all(text, &none());
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].line, 3);
    let w = d("mcr.microsoft.com/windows/servercore:ltsc2022");
    assert_eq!(new, text.replace("ltsc2022 `", &format!("ltsc2022@{w} `")));
}

#[test]
fn the_same_image_twice_is_pinned_twice() {
    let text = "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\nCOPY --from=alpine:3.20 /x /x\n";
    let (new, edits) = pin_all(text, &none());
    assert_eq!(edits.len(), 3);
    let a = d("alpine:3.20");
    assert_eq!(new.matches(&format!("alpine:3.20@{a}")).count(), 3);
}

#[test]
fn an_arg_used_by_two_froms_is_pinned_once_in_its_default() {
    let text = "ARG BASE=\"golang:1.22\"\nARG OTHER=x\nFROM ${BASE} AS one\nFROM $BASE AS two\n";
    let ts = plan(text, &none());
    assert_eq!(ts.len(), 2);
    for t in &ts {
        let s = t.site.as_ref().unwrap();
        assert_eq!((s.line, s.arg.as_deref()), (1, Some("BASE")));
    }
    let (new, edits) = pin_all(text, &none());
    assert_eq!(edits.len(), 1);
    let g = d("golang:1.22");
    assert_eq!(
        new,
        text.replace("\"golang:1.22\"", &format!("\"golang:1.22@{g}\""))
    );
    // A later `ARG BASE` without a default keeps the earlier value, and its default.
    let text = "ARG BASE=alpine:3\nARG BASE\nFROM $BASE\n";
    let s = plan(text, &none())[0].site.clone().unwrap();
    assert_eq!(s.line, 1);
}

#[test]
fn stage_args_feed_copy_from_and_mounts() {
    let text = "ARG TOOLS=busybox:1.36\n\
FROM alpine:3.20\n\
ARG TOOLS\n\
ARG LINT='golangci/golangci-lint:v1.57'\n\
COPY --from=${TOOLS} /bin/sh /sh\n\
RUN --mount=from=$LINT,target=/l true\n";
    let ts = plan(text, &none());
    let sites: Vec<_> = ts.iter().map(|t| t.site.clone().unwrap()).collect();
    assert_eq!(sites[1].line, 1);
    assert_eq!(sites[1].arg.as_deref(), Some("TOOLS"));
    assert_eq!(sites[2].line, 4);
    let (new, _) = pin_all(text, &none());
    let lint = d("golangci/golangci-lint:v1.57");
    assert!(
        new.contains(&format!("ARG LINT='golangci/golangci-lint:v1.57@{lint}'\n")),
        "{new}"
    );
    assert!(new.contains(&format!("ARG TOOLS=busybox:1.36@{}\n", d("busybox:1.36"))));
}

fn reason(t: &Target) -> &str {
    t.site.as_ref().expect_err("should not be pinnable")
}

#[test]
fn what_cannot_be_pinned_says_why() {
    let text = "ARG REG=r.io\nARG VER=1\nARG COMPUTED=${REG}/x:1\n\
FROM ${REG}/app:${VER}\n\
FROM $COMPUTED\n\
FROM ${NOPE:-alpine:3}\n\
FROM alpine:3 AS s\n\
ENV IMG=busybox:1\n\
COPY --from=$IMG /a /a\n\
FROM s\n\
ARG IMG=other:1\n\
COPY --from=$IMG /b /b\n\
FROM alp\\\n\
ine:3\n";
    let ts = plan(text, &none());
    assert!(
        reason(&ts[0]).contains("several pieces"),
        "{}",
        reason(&ts[0])
    );
    assert!(
        reason(&ts[1]).contains("ARG COMPUTED"),
        "{}",
        reason(&ts[1])
    );
    assert!(
        reason(&ts[2]).contains("several pieces"),
        "{}",
        reason(&ts[2])
    );
    assert!(ts[3].site.is_ok());
    assert!(
        reason(&ts[4]).contains("ENV in stage s"),
        "{}",
        reason(&ts[4])
    );
    // ENV in the parent stage beats the child's ARG.
    assert_eq!(ts[5].image.expanded, "busybox:1");
    assert!(
        reason(&ts[5]).contains("ENV in stage s"),
        "{}",
        reason(&ts[5])
    );
    assert!(
        reason(&ts[6]).contains("split across lines"),
        "{}",
        reason(&ts[6])
    );

    // A --build-arg decides the value, not the file.
    let a = BuildArgs::new([("BASE".to_string(), "x:1".to_string())].into());
    let ts = plan("ARG BASE=alpine:3\nFROM $BASE\n", &a);
    assert!(reason(&ts[0]).contains("--build-arg"));
    // An ARG that also feeds another reference is not pinned: the pin would break it.
    let ts = plan(
        "ARG BASE=alpine:3\nFROM $BASE\nFROM ${BASE}-slim\n",
        &none(),
    );
    assert!(
        reason(&ts[0]).contains("also feeds ${BASE}-slim"),
        "{}",
        reason(&ts[0])
    );
    // Also through an ENV.
    let ts = plan(
        "ARG BASE=alpine:3\nFROM $BASE AS a\nARG BASE\nENV IMG=$BASE\nCOPY --from=$IMG /x /x\n",
        &none(),
    );
    assert!(
        reason(&ts[0]).contains("also feeds $IMG on line 5"),
        "{}",
        reason(&ts[0])
    );
    assert!(
        reason(&ts[1]).contains("ENV in stage a"),
        "{}",
        reason(&ts[1])
    );
    // $BASE_IMAGE is not $BASE.
    let ts = plan(
        "ARG BASE=alpine:3\nARG BASE_IMAGE=x:1\nFROM $BASE\nFROM $BASE_IMAGE\n",
        &none(),
    );
    assert!(ts.iter().all(|t| t.site.is_ok()));
}

#[test]
fn heredocs_comments_and_stages_are_not_images() {
    let text = "FROM alpine:3 AS a\nRUN <<EOF\nFROM evil:1\nEOF\n# FROM evil:2\nFROM scratch\nCOPY --from=a /x /x\nCOPY --from=0 /y /y\n";
    let ts = plan(text, &none());
    assert_eq!(ts.len(), 1);
    let (new, _) = pin_all(text, &none());
    assert_eq!(
        new,
        text.replace("alpine:3 ", &format!("alpine:3@{} ", d("alpine:3")))
    );
}

#[test]
fn pinning_is_idempotent_and_updates_replace_the_digest() {
    let text = "ARG B=alpine:3\nFROM $B\nFROM busybox\n";
    let (once, _) = pin_all(text, &none());
    // The pinned file pins to the same digests again: nothing changes.
    let ts = plan(&once, &none());
    let pins: Vec<(usize, Digest)> = vec![(0, d("alpine:3")), (1, d("busybox"))];
    let (twice, edits) = apply(&once, &none(), &ts, &pins).unwrap();
    assert_eq!(twice, once);
    assert!(edits.is_empty());
    // A new digest replaces the old one in place.
    let (moved, edits) = apply(&once, &none(), &ts, &[(1, d("new"))]).unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].before, format!("busybox@{}", d("busybox")));
    assert_eq!(
        moved,
        once.replace(&d("busybox").to_string(), &d("new").to_string())
    );
}

#[test]
fn pinned_spelling() {
    let x = d("x");
    assert_eq!(pinned_reference("alpine", &x), format!("alpine@{x}"));
    assert_eq!(pinned_reference("alpine:3", &x), format!("alpine:3@{x}"));
    assert_eq!(
        pinned_reference("localhost:5000/a/b", &x),
        format!("localhost:5000/a/b@{x}")
    );
    assert_eq!(
        pinned_reference(&format!("a:1@{}", d("old")), &x),
        format!("a:1@{x}")
    );
}

#[test]
fn the_rewrite_is_checked_by_parsing_it_again() {
    let text = "ARG V=3\nFROM alpine:3\nFROM busybox:1\n";
    let mut ts = plan(text, &none());
    // Two different digests for one site.
    let e = apply(text, &none(), &ts, &[(0, d("a")), (0, d("b"))]).unwrap_err();
    assert!(matches!(e, PinError::Conflict { line: 2, .. }), "{e}");
    // A site that does not hold the reference it claims (here: the ARG's value) is caught.
    ts[0].site = Ok(Site {
        span: 6..7,
        line: 1,
        arg: None,
    });
    let e = apply(text, &none(), &ts, &[(0, d("a"))]).unwrap_err();
    assert!(matches!(e, PinError::Changed { line: 2, .. }), "{e}");
    // Not pinnable targets are refused, not silently skipped.
    ts[1].site = Err("no".into());
    let e = apply(text, &none(), &ts, &[(1, d("a"))]).unwrap_err();
    assert!(matches!(e, PinError::NotPinnable { line: 3, .. }), "{e}");
}

mod generated {
    use super::*;
    use proptest::prelude::*;

    const IMAGES: &[&str] = &[
        "alpine",
        "alpine:3.20",
        "r.io:5000/x/y:1",
        "\"ghcr.io/o/q:2\"",
        "$BASE",
        "${BASE}",
    ];

    /// (kind of line, image) for [`render`].
    fn line() -> impl Strategy<Value = (usize, usize)> {
        (0..9usize, 0..IMAGES.len())
    }

    /// One instruction (or comment, blank line, heredoc) using `image`, with `e` as the
    /// escape character and `n` as the line ending; new stages are named `s{stage}`.
    fn render(kind: usize, image: &str, stage: usize, e: char, n: &str) -> String {
        match kind {
            0 => format!("# FROM {image} in a comment{n}"),
            1 => n.to_string(),
            2 => format!("FROM {image} AS s{stage}{n}ARG BASE{n}"),
            3 => format!(
                "FROM --platform=linux/amd64 {e}{n}    {image} {e}{n}  AS s{stage}{n}ARG BASE{n}"
            ),
            4 => format!("COPY --from={image} /a /b{n}"),
            5 => format!("RUN --mount=type=bind,from={image},target=/t {e}{n}    true{n}"),
            6 => format!("RUN <<EOF{n}FROM {image}{n}EOF{n}"),
            7 => format!("ARG BASE{n}ENV X=1{n}"),
            _ => format!("COPY --from=s0 /x /y{n}"),
        }
    }

    proptest! {
        #[test]
        fn pins_change_nothing_but_the_pins(
            crlf in any::<bool>(),
            backtick in any::<bool>(),
            lines in proptest::collection::vec(line(), 0..12),
        ) {
            let n = if crlf { "\r\n" } else { "\n" };
            let e = if backtick { '`' } else { '\\' };
            let mut text = String::new();
            if backtick {
                text.push_str(&format!("# escape=`{n}"));
            }
            text.push_str(&format!("ARG BASE=alpine:3.19{n}FROM alpine:3.19 AS s0{n}ARG BASE{n}"));
            for (stage, (kind, image)) in lines.into_iter().enumerate() {
                text.push_str(&render(kind, IMAGES[image], stage + 1, e, n));
            }
            let ts = plan(&text, &none());
            let pins: Vec<(usize, Digest)> = ts
                .iter()
                .enumerate()
                .filter(|(_, t)| t.site.is_ok())
                .map(|(i, t)| (i, d(&t.image.expanded)))
                .collect();
            let (new, edits) = apply(&text, &none(), &ts, &pins).unwrap();
            // Removing the pins gives back the original, byte for byte.
            let unpinned = regex::Regex::new(r"@sha256:[0-9a-f]{64}")
                .unwrap()
                .replace_all(&new, "");
            prop_assert_eq!(unpinned.as_ref(), text.as_str());
            // Every pinnable image is pinned; a second pass changes nothing.
            let again = plan(&new, &none());
            prop_assert!(again.iter().zip(&ts).all(|(a, t)| t.site.is_err() || a.image.expanded.contains("@sha256:")));
            let (twice, more) = apply(&new, &none(), &again, &[]).unwrap();
            prop_assert_eq!(twice, new.clone());
            prop_assert!(more.is_empty());
            // Every generated reference is pinnable, and pinned.
            prop_assert_eq!(pins.len(), ts.len());
            prop_assert_eq!(edits.is_empty(), pins.is_empty());
        }
    }
}

#[test]
fn arg_trials_are_capped() {
    let n = MAX_ARG_TRIALS + 4;
    let mut text: String = (0..n).map(|i| format!("ARG B{i}=r.io/x{i}:1\n")).collect();
    for i in 0..n {
        text.push_str(&format!("FROM $B{i}\nFROM ${{B{i}}}-slim\n"));
    }
    let ts = plan(&text, &none());
    let reasons: Vec<&str> = ts.iter().step_by(2).map(reason).collect();
    assert!(
        reasons[..MAX_ARG_TRIALS]
            .iter()
            .all(|r| r.contains("also feeds"))
    );
    assert!(
        reasons[MAX_ARG_TRIALS..]
            .iter()
            .all(|r| r.contains("not tried"))
    );
}
