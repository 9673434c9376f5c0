//! Builds the policy input of `kind: dockerfile` (schema: `policies/README.md`) from a
//! parsed Dockerfile resolved with build arguments: every stage with its `FROM` classified
//! and its effective user, the final stage, and every image use (`FROM`, `COPY --from`,
//! `RUN --mount from=`) with its reference object.

use serde_json::{Value as Json, json};

use crate::dockerfile::{Dockerfile, Resolved, ResolvedUse, StageUser, Target};
use crate::oci::Reference;
use crate::policy::input::registry_reference;

/// How a `FROM` / `--from` text is classified once expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    /// `stage`, `scratch`, `digest`, `tagged`, `latest`, `implicit`, `unresolved` (needs
    /// an unset variable) or `invalid` (not an image reference).
    pub kind: &'static str,
    /// The reference object, for images.
    pub reference: Json,
    /// Why an `invalid` text is not a reference.
    pub error: Option<String>,
}

/// Classifies one use.
pub fn classify(u: &ResolvedUse) -> Classified {
    let plain = |kind| Classified {
        kind,
        reference: Json::Null,
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
                reference: registry_reference(&u.image.expanded, &r),
                error: None,
            }
        }
        Err(e) => Classified {
            kind: "invalid",
            reference: Json::Null,
            error: Some(e.to_string()),
        },
    }
}

fn user_fields(user: Option<&StageUser>) -> Json {
    match user {
        Some(u) => json!({
            "user": u.value,
            "user_text": u.text,
            "user_line": u.line,
            "user_column": u.column,
            "user_stage": u.stage,
            "user_unresolved": !u.missing.is_empty(),
        }),
        None => json!({
            "user": null, "user_text": null, "user_line": null, "user_column": null,
            "user_stage": null, "user_unresolved": false,
        }),
    }
}

fn merge(mut a: Json, b: Json) -> Json {
    if let (Some(a), Json::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

/// The `kind: dockerfile` input for a Dockerfile at `path` (as shown in messages).
pub fn build(path: &str, df: &Dockerfile, resolved: &Resolved) -> Json {
    let from_uses: Vec<&ResolvedUse> = resolved
        .uses
        .iter()
        .filter(|u| u.image.kind == crate::dockerfile::UseKind::From)
        .collect();
    let mut images = Vec::with_capacity(resolved.uses.len());
    for u in &resolved.uses {
        let c = classify(u);
        let mut img = json!({
            "use": u.image.kind.as_str(),
            "line": u.image.line,
            "column": u.image.column,
            "stage": u.image.stage_index,
            "stage_name": u.image.stage_name,
            "text": u.image.reference_text,
            "expanded": u.image.expanded,
            "kind": c.kind,
            "reference": c.reference,
            "missing": u.missing,
            "platform": u.image.platform,
        });
        if let Target::Stage(s) = u.target {
            img["target_stage"] = json!(s);
        }
        if let Some(e) = c.error {
            img["error"] = json!(e);
        }
        images.push(img);
    }
    let mut stages = Vec::with_capacity(resolved.stages.len());
    for (s, parsed) in resolved.stages.iter().zip(df.stages()) {
        let from = from_uses
            .iter()
            .find(|u| u.image.stage_index == s.index)
            .map(|u| {
                let c = classify(u);
                json!({"text": u.image.reference_text, "expanded": u.image.expanded, "kind": c.kind})
            })
            .unwrap_or(Json::Null);
        stages.push(merge(
            json!({
                "index": s.index,
                "name": parsed.name,
                "line": parsed.line,
                "column": parsed.column,
                "from": from,
                "parent": s.parent,
                "platform": s.platform,
            }),
            user_fields(s.user.as_ref()),
        ));
    }
    let final_stage = resolved.stages.last().map(|last| {
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
        let base = from_uses
            .iter()
            .find(|u| u.image.stage_index == root.index)
            .map(|u| (u.image.reference_text.clone(), classify(u).kind));
        let parsed = &df.stages()[last.index];
        merge(
            json!({
                "index": last.index,
                "name": parsed.name,
                "line": parsed.line,
                "column": parsed.column,
                "base_stage": root.index,
                "base_text": base.as_ref().map(|b| b.0.clone()),
                "base_kind": base.map(|b| b.1),
            }),
            user_fields(last.user.as_ref()),
        )
    });
    json!({
        "kind": "dockerfile",
        "dockerfile": {
            "path": path,
            "stages": stages,
            "final_stage": final_stage,
            "images": images,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::BuildArgs;

    fn input(text: &str, args: &[(&str, &str)]) -> Json {
        let df = Dockerfile::parse(text).unwrap();
        let args = BuildArgs::new(
            args.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        let resolved = df.resolve(&args).unwrap();
        build("Dockerfile", &df, &resolved)
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
