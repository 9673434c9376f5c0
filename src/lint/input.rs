//! Builds the policy input of `kind: dockerfile` (schema: `policies/README.md`) from a
//! parsed Dockerfile resolved with build arguments: every stage with its `FROM` classified
//! and its effective user, the final stage, and every image use (`FROM`, `COPY --from`,
//! `RUN --mount from=`) with its reference object.

use std::collections::BTreeMap;

use regorus::Value;

use crate::dockerfile::{Dockerfile, Resolved, ResolvedUse, StageUser, Target, UseKind};
use crate::oci::Reference;

// The input is built as regorus values directly: it is made once per file and only the
// policy engine reads it, so a JSON tree in between would be built and converted for nothing.

fn obj<const N: usize>(fields: [(&str, Value); N]) -> Value {
    let map: BTreeMap<Value, Value> = fields
        .into_iter()
        .map(|(k, v)| (Value::from(k), v))
        .collect();
    Value::from(map)
}

fn text(s: &str) -> Value {
    Value::from(s)
}

fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, Value::from)
}

fn opt_num(n: Option<usize>) -> Value {
    n.map_or(Value::Null, Value::from)
}

fn texts(items: &[String]) -> Value {
    Value::from(items.iter().map(|s| text(s)).collect::<Vec<_>>())
}

/// Adds fields to an object value.
fn extend(mut v: Value, fields: Vec<(&str, Value)>) -> Value {
    if let Ok(map) = v.as_object_mut() {
        for (k, f) in fields {
            map.insert(Value::from(k), f);
        }
    }
    v
}

/// The reference object (`policies/README.md`), as `policy::input::registry_reference`
/// builds it in JSON.
pub fn reference(given: &str, r: &Reference) -> Value {
    obj([
        ("given", text(given)),
        ("name", text(&r.repo_only())),
        ("registry", text(r.registry())),
        ("repository", text(r.repository())),
        ("tag", opt_text(r.tag())),
        ("tag_implicit", Value::from(r.tag_was_implicit())),
        (
            "digest",
            opt_text(r.digest().map(|d| d.to_string()).as_deref()),
        ),
        ("pinned", Value::from(r.digest().is_some())),
    ])
}

/// How a `FROM` / `--from` text is classified once expanded.
#[derive(Debug, Clone, PartialEq)]
pub struct Classified {
    /// `stage`, `scratch`, `digest`, `tagged`, `latest`, `implicit`, `unresolved` (needs
    /// an unset variable) or `invalid` (not an image reference).
    pub kind: &'static str,
    /// The reference object, for images.
    pub reference: Value,
    /// Why an `invalid` text is not a reference.
    pub error: Option<String>,
}

/// Classifies one use.
pub fn classify(u: &ResolvedUse) -> Classified {
    let plain = |kind| Classified {
        kind,
        reference: Value::Null,
        error: None,
    };
    match u.target {
        Target::Stage(_) => return plain("stage"),
        Target::Scratch => return plain("scratch"),
        Target::External => {}
    }
    if !u.missing.is_empty() {
        return plain("unresolved");
    }
    match Reference::parse(&u.image.expanded) {
        Ok(r) => {
            let kind = if r.digest().is_some() {
                "digest"
            } else if r.tag_was_implicit() {
                "implicit"
            } else if r.tag() == Some("latest") {
                "latest"
            } else {
                "tagged"
            };
            Classified {
                kind,
                reference: reference(&u.image.expanded, &r),
                error: None,
            }
        }
        Err(e) => Classified {
            kind: "invalid",
            reference: Value::Null,
            error: Some(e.to_string()),
        },
    }
}

fn user_fields(user: Option<&StageUser>) -> Vec<(&'static str, Value)> {
    match user {
        Some(u) => vec![
            ("user", text(&u.value)),
            ("user_text", text(&u.text)),
            ("user_line", Value::from(u.line)),
            ("user_column", Value::from(u.column)),
            ("user_stage", Value::from(u.stage)),
            ("user_unresolved", Value::from(!u.missing.is_empty())),
        ],
        None => vec![
            ("user", Value::Null),
            ("user_text", Value::Null),
            ("user_line", Value::Null),
            ("user_column", Value::Null),
            ("user_stage", Value::Null),
            ("user_unresolved", Value::from(false)),
        ],
    }
}

/// The `kind: dockerfile` input for a Dockerfile at `path` (as shown in messages).
pub fn build(path: &str, df: &Dockerfile, resolved: &Resolved) -> Value {
    let classes: Vec<Classified> = resolved.uses.iter().map(classify).collect();
    // Each stage's FROM, by stage index.
    let mut from_index: Vec<Option<usize>> = vec![None; resolved.stages.len()];
    for (i, u) in resolved.uses.iter().enumerate() {
        if u.image.kind == UseKind::From
            && let Some(slot) = from_index.get_mut(u.image.stage_index)
        {
            *slot = Some(i);
        }
    }
    let mut images = Vec::with_capacity(resolved.uses.len());
    for (u, c) in resolved.uses.iter().zip(&classes) {
        let mut extra = Vec::new();
        if let Target::Stage(s) = u.target {
            extra.push(("target_stage", Value::from(s)));
        }
        if let Some(e) = &c.error {
            extra.push(("error", text(e)));
        }
        let img = obj([
            ("use", text(u.image.kind.as_str())),
            ("line", Value::from(u.image.line)),
            ("column", Value::from(u.image.column)),
            ("stage", Value::from(u.image.stage_index)),
            ("stage_name", opt_text(u.image.stage_name.as_deref())),
            ("text", text(&u.image.reference_text)),
            ("expanded", text(&u.image.expanded)),
            ("kind", text(c.kind)),
            ("reference", c.reference.clone()),
            ("missing", texts(&u.missing)),
            ("platform", opt_text(u.image.platform.as_deref())),
        ]);
        images.push(if extra.is_empty() {
            img
        } else {
            extend(img, extra)
        });
    }
    let from_of = |stage: usize| {
        from_index
            .get(stage)
            .copied()
            .flatten()
            .and_then(|i| Some((resolved.uses.get(i)?, classes.get(i)?)))
    };
    let mut stages = Vec::with_capacity(resolved.stages.len());
    for (s, parsed) in resolved.stages.iter().zip(df.stages()) {
        let from = from_of(s.index).map_or(Value::Null, |(u, c)| {
            obj([
                ("text", text(&u.image.reference_text)),
                ("expanded", text(&u.image.expanded)),
                ("kind", text(c.kind)),
            ])
        });
        let stage = obj([
            ("index", Value::from(s.index)),
            ("name", opt_text(parsed.name.as_deref())),
            ("line", Value::from(parsed.line)),
            ("column", Value::from(parsed.column)),
            ("from", from),
            ("parent", opt_num(s.parent)),
            ("platform", opt_text(s.platform.as_deref())),
        ]);
        stages.push(extend(stage, user_fields(s.user.as_ref())));
    }
    let final_stage = resolved.stages.last().map_or(Value::Null, |last| {
        // The stage whose FROM is not another stage: its base says whose user an unset
        // USER falls back to.
        let mut root = last;
        let mut hops = 0;
        while let Some(p) = root.parent {
            match resolved.stages.get(p) {
                Some(parent) if hops < resolved.stages.len() => {
                    root = parent;
                    hops += 1;
                }
                _ => break,
            }
        }
        let base = from_of(root.index);
        let parsed = &df.stages()[last.index];
        let fin = obj([
            ("index", Value::from(last.index)),
            ("name", opt_text(parsed.name.as_deref())),
            ("line", Value::from(parsed.line)),
            ("column", Value::from(parsed.column)),
            ("base_stage", Value::from(root.index)),
            (
                "base_text",
                opt_text(base.map(|(u, _)| u.image.reference_text.as_str())),
            ),
            ("base_kind", opt_text(base.map(|(_, c)| c.kind))),
        ]);
        extend(fin, user_fields(last.user.as_ref()))
    });
    obj([
        ("kind", text("dockerfile")),
        (
            "dockerfile",
            obj([
                ("path", text(path)),
                ("stages", Value::from(stages)),
                ("final_stage", final_stage),
                ("images", Value::from(images)),
            ]),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::BuildArgs;
    use serde_json::{Value as Json, json};

    fn input(text: &str, args: &[(&str, &str)]) -> Json {
        let df = Dockerfile::parse(text).unwrap();
        let args = BuildArgs::new(
            args.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        let resolved = df.resolve(&args).unwrap();
        serde_json::to_value(build("Dockerfile", &df, &resolved)).unwrap()
    }

    #[test]
    fn references_match_the_shared_json_builder() {
        for given in [
            "nginx",
            "ghcr.io/acme/app:v1",
            "localhost:5000/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            let r = Reference::parse(given).unwrap();
            assert_eq!(
                serde_json::to_value(reference(given, &r)).unwrap(),
                crate::policy::input::registry_reference(given, &r),
                "{given}"
            );
        }
    }

    fn kinds(v: &Json) -> Vec<String> {
        v["dockerfile"]["images"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                format!(
                    "{}:{}",
                    i["use"].as_str().unwrap(),
                    i["kind"].as_str().unwrap()
                )
            })
            .collect()
    }

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn classifies_every_kind_of_from() {
        let text = format!(
            "FROM golang:1.22 AS build\nFROM build AS test\nFROM scratch\nFROM alpine\nFROM alpine:latest\nFROM ghcr.io/a/b@{D}\nFROM Alpine:3\n\
COPY --from=build /a /a\nCOPY --from=nginx:1.27 /b /b\nCOPY --from=0 /c /c\nRUN --mount=type=cache,from=busybox,target=/x true\n"
        );
        let v = input(&text, &[]);
        assert_eq!(
            kinds(&v),
            [
                "from:tagged",
                "from:stage",
                "from:scratch",
                "from:implicit",
                "from:latest",
                "from:digest",
                "from:invalid",
                "copy-from:stage",
                "copy-from:tagged",
                "copy-from:stage",
                "mount-from:implicit"
            ]
        );
        let images = v["dockerfile"]["images"].as_array().unwrap();
        assert_eq!(images[1]["target_stage"], 0);
        assert_eq!(images[5]["reference"]["registry"], "ghcr.io");
        assert_eq!(images[5]["reference"]["pinned"], true);
        assert!(images[6]["error"].is_string());
        assert_eq!(images[8]["line"], 9);
        assert_eq!(images[8]["column"], 13);
    }

    #[test]
    fn arg_driven_froms_resolve_or_are_unresolved() {
        let text = "ARG BASE=debian:12\nARG REGISTRY\nARG TAG\nFROM ${BASE} AS a\nFROM ${REGISTRY:-docker.io}/library/node:${NODE:-22} AS b\n\
FROM $REGISTRY/app:1 AS c\nFROM app:${TAG}\n";
        let v = input(text, &[]);
        assert_eq!(
            kinds(&v),
            [
                "from:tagged",
                "from:tagged",
                "from:unresolved",
                "from:unresolved"
            ]
        );
        let images = v["dockerfile"]["images"].as_array().unwrap();
        assert_eq!(images[1]["expanded"], "docker.io/library/node:22");
        assert_eq!(images[2]["missing"], json!(["REGISTRY"]));
        // --build-arg fills them in.
        let v = input(text, &[("REGISTRY", "ghcr.io"), ("TAG", "latest")]);
        assert_eq!(
            kinds(&v),
            ["from:tagged", "from:tagged", "from:tagged", "from:latest"]
        );
        assert_eq!(
            v["dockerfile"]["images"][2]["reference"]["registry"],
            "ghcr.io"
        );
    }

    #[test]
    fn effective_users_inherit_through_stages() {
        let text = "FROM alpine:3 AS base\nARG UID=10001\nUSER ${UID}\nFROM base AS mid\nRUN id\nFROM mid\n";
        let v = input(text, &[]);
        let fin = &v["dockerfile"]["final_stage"];
        assert_eq!(fin["index"], 2);
        assert_eq!(fin["user"], "10001");
        assert_eq!(fin["user_text"], "${UID}");
        assert_eq!(fin["user_line"], 3);
        assert_eq!(fin["user_stage"], 0);
        assert_eq!(fin["base_stage"], 0);
        assert_eq!(fin["base_kind"], "tagged");

        // USER root then USER app: the last one counts; another stage's USER does not.
        let v = input(
            "FROM alpine:3 AS b\nUSER root\nUSER app\nFROM scratch\nCOPY --from=b / /\n",
            &[],
        );
        let fin = &v["dockerfile"]["final_stage"];
        assert_eq!(fin["user"], Json::Null);
        assert_eq!(fin["base_kind"], "scratch");
        assert_eq!(v["dockerfile"]["stages"][0]["user"], "app");

        // ENV beats ARG; an unset variable is flagged.
        let v = input("FROM alpine:3\nARG U=arg\nENV U=env\nUSER $U:${GID}\n", &[]);
        let fin = &v["dockerfile"]["final_stage"];
        assert_eq!(fin["user"], "env:");
        assert_eq!(fin["user_unresolved"], true);

        // ONBUILD USER is the child image's business, not this one's.
        let v = input("FROM alpine:3\nUSER app\nONBUILD USER root\n", &[]);
        assert_eq!(v["dockerfile"]["final_stage"]["user"], "app");
    }
}
