//! Helpers that build parts of the policy input (schema: `policies/README.md`), so that
//! every stage describes references, signers and base images the same way.

use serde_json::{Map, Value as Json, json};

use crate::oci::{ImageRef, Reference};

/// The reference object: `{given, name, registry, repository, tag, tag_implicit, digest,
/// pinned}`. `given` is the text as the user wrote it; `tag` is `latest` when neither tag
/// nor digest was given (and then `tag_implicit` is true). For an OCI layout, `name` is
/// `oci:PATH`, `registry` is null and `repository` is the path.
pub fn reference(given: &str, image: &ImageRef) -> Json {
    match image {
        ImageRef::Registry(r) => registry_reference(given, r),
        ImageRef::Layout(l) => json!({
            "given": given,
            "name": format!("oci:{}", l.path.display()),
            "registry": null,
            "repository": l.path.display().to_string(),
            "tag": l.tag,
            "tag_implicit": false,
            "digest": l.digest.as_ref().map(|d| d.to_string()),
            "pinned": l.digest.is_some(),
        }),
    }
}

/// [`reference`] for a registry reference.
pub fn registry_reference(given: &str, r: &Reference) -> Json {
    json!({
        "given": given,
        "name": r.repo_only(),
        "registry": r.registry(),
        "repository": r.repository(),
        "tag": r.tag(),
        "tag_implicit": r.tag_was_implicit(),
        "digest": r.digest().map(|d| d.to_string()),
        "pinned": r.digest().is_some(),
    })
}

/// A signer: `{key_id}` for a key, `{identity, issuer}` for a certificate (nulls left out).
pub fn signer(key_id: Option<&str>, identity: Option<&str>, issuer: Option<&str>) -> Json {
    let mut m = Map::new();
    for (k, v) in [
        ("key_id", key_id),
        ("identity", identity),
        ("issuer", issuer),
    ] {
        if let Some(v) = v {
            m.insert(k.into(), Json::String(v.into()));
        }
    }
    Json::Object(m)
}

/// One base image entry: `{name, reference, tag, digest, source}`, with `name` the
/// normalised `registry/repository` a policy matches globs against.
fn base_entry(reference: &str, digest: Option<String>, source: &str) -> Option<Json> {
    let parsed = Reference::parse(reference).ok()?;
    let digest = digest.or_else(|| parsed.digest().map(|d| d.to_string()));
    Some(json!({
        "name": parsed.repo_only(),
        "reference": reference,
        "tag": if parsed.tag_was_implicit() { None } else { parsed.tag() },
        "digest": digest,
        "source": source,
    }))
}

/// The image's base images, for `input.image.base_images`: from SLSA provenance predicates
/// (`resolvedDependencies` entries with a `name` that a Dockerfile used in `FROM`, as
/// `sigil provenance` records them, or any image dependency when the uses are not recorded),
/// and from the OCI annotations `org.opencontainers.image.base.name` / `.base.digest`.
/// Duplicates (same name and digest) are listed once.
pub fn base_images(annotations: Option<&Map<String, Json>>, provenance: &[&Json]) -> Vec<Json> {
    let mut out: Vec<Json> = Vec::new();
    let mut push = |entry: Option<Json>| {
        if let Some(e) = entry
            && !out
                .iter()
                .any(|o| o["name"] == e["name"] && o["digest"] == e["digest"])
        {
            out.push(e);
        }
    };
    for predicate in provenance {
        let deps = predicate
            .pointer("/buildDefinition/resolvedDependencies")
            .and_then(Json::as_array);
        for dep in deps.into_iter().flatten() {
            let Some(name) = dep.get("name").and_then(Json::as_str) else {
                continue;
            };
            let uses = dep
                .pointer("/annotations/dockerfile")
                .and_then(Json::as_array);
            let from = match uses {
                Some(uses) => uses
                    .iter()
                    .any(|u| u.get("use").and_then(Json::as_str) == Some("from")),
                None => dep
                    .get("uri")
                    .and_then(Json::as_str)
                    .is_some_and(|u| u.starts_with("pkg:docker/")),
            };
            if !from {
                continue;
            }
            let digest = dep
                .pointer("/digest/sha256")
                .and_then(Json::as_str)
                .map(|h| format!("sha256:{h}"));
            push(base_entry(name, digest, "provenance"));
        }
    }
    if let Some(a) = annotations
        && let Some(name) = a
            .get("org.opencontainers.image.base.name")
            .and_then(Json::as_str)
    {
        let digest = a
            .get("org.opencontainers.image.base.digest")
            .and_then(Json::as_str)
            .map(String::from);
        push(base_entry(name, digest, "annotation"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let r = reference("nginx", &"nginx".parse().unwrap());
        assert_eq!(r["name"], "docker.io/library/nginx");
        assert_eq!(r["tag"], "latest");
        assert_eq!(r["tag_implicit"], true);
        assert_eq!(r["pinned"], false);
        let d = "sha256:".to_string() + &"a".repeat(64);
        let r = reference(
            &format!("ghcr.io/o/a:v1@{d}"),
            &format!("ghcr.io/o/a:v1@{d}").parse().unwrap(),
        );
        assert_eq!(r["registry"], "ghcr.io");
        assert_eq!(r["repository"], "o/a");
        assert_eq!(r["tag"], "v1");
        assert_eq!(r["digest"], d);
        assert_eq!(r["pinned"], true);
        let r = reference("oci:dir/app:v1", &"oci:dir/app:v1".parse().unwrap());
        assert_eq!(r["name"], "oci:dir/app");
        assert_eq!(r["registry"], Json::Null);
        assert_eq!(r["pinned"], false);
    }

    #[test]
    fn base_images_from_provenance_and_annotations() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("testdata/provenance/github-actions-pinned.json"),
        )
        .unwrap();
        let statement: Json = serde_json::from_str(&text).unwrap();
        let predicate = statement.get("predicate").unwrap_or(&statement);
        let mut ann = Map::new();
        ann.insert(
            "org.opencontainers.image.base.name".into(),
            json!("docker.io/library/alpine:3.20"),
        );
        let bases = base_images(Some(&ann), &[predicate]);
        let names: Vec<&str> = bases.iter().filter_map(|b| b["name"].as_str()).collect();
        assert!(names.contains(&"docker.io/library/golang"), "{names:?}");
        assert!(
            names.contains(&"gcr.io/distroless/static-debian12"),
            "{names:?}"
        );
        // Used only by COPY --from / RUN --mount: not a base.
        assert!(!names.contains(&"ghcr.io/acme/protoc"), "{names:?}");
        assert_eq!(bases.last().unwrap()["source"], "annotation");
        assert_eq!(bases[0]["digest"].as_str().unwrap().len(), 71);
    }
}
