//! The embedded default: OCI image layouts on disk, with no registry running. Reads the
//! layout under testdata/ (made by the real cosign and oras), writes referrers into a copy,
//! and checks that `oras` reads what sigil wrote.

use std::path::Path;

use serde_json::Value;

use crate::harness::{Env, copy_dir, root, with_repo};

/// A private copy of testdata/oci/app.
fn layout_copy(env: &Env) -> String {
    let dest = env.path().join("app");
    copy_dir(&root().join("testdata/oci/app"), &dest);
    dest.display().to_string()
}

fn tagged_digest(layout: &str, tag: &str) -> String {
    let index: Value =
        serde_json::from_slice(&std::fs::read(Path::new(layout).join("index.json")).unwrap())
            .unwrap();
    index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["annotations"]["org.opencontainers.image.ref.name"] == tag)
        .unwrap()["digest"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn tree_of_a_layout_shows_cosign_signatures_and_attestations() {
    let env = Env::new();
    let layout = layout_copy(&env);
    let v1 = tagged_digest(&layout, "v1");
    let out = env.sigil(&["tree", "-o", "json", &format!("oci:{layout}:v1")]);
    let tree: Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(tree["digest"], v1.as_str());
    assert_eq!(tree["referrersSource"], "layout");
    let types: Vec<&str> = tree["referrers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["annotations"]["dev.sigstore.bundle.predicateType"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(types.len(), 2, "{tree:#}");
    assert!(types.contains(&"https://sigstore.dev/cosign/sign/v1"));
    assert_eq!(tree["legacy"][0]["kind"], "sig");
    // By digest gives the same image.
    let by_digest = env.sigil(&["digest", &format!("oci:{layout}@{v1}")]);
    assert_eq!(by_digest.ok().trim(), v1);
}

#[test]
fn index_children_and_platform_digests_in_a_layout() {
    let env = Env::new();
    let layout = layout_copy(&env);
    let multi = format!("oci:{layout}:multi");
    let tree: Value =
        serde_json::from_str(env.sigil(&["tree", "-o", "json", &multi]).ok()).unwrap();
    let children = tree["manifests"].as_array().unwrap();
    assert_eq!(children.len(), 2);
    let amd = children
        .iter()
        .find(|c| c["platform"]["architecture"] == "amd64")
        .unwrap();
    assert_eq!(
        amd["digest"],
        tagged_digest(&layout, "v1").as_str(),
        "v1 is the amd64 child"
    );
    assert_eq!(
        amd["referrers"].as_array().unwrap().len(),
        2,
        "the signed child shows its referrers"
    );
    let arm = children
        .iter()
        .find(|c| c["platform"]["architecture"] == "arm64")
        .unwrap();
    assert!(
        arm["referrers"].as_array().unwrap().is_empty(),
        "the arm64 child is unsigned"
    );
    let d = env.sigil(&["digest", "--platform", "linux/arm64", &multi]);
    assert_eq!(d.ok().trim(), arm["digest"].as_str().unwrap());
    let none = env.sigil(&["digest", "--platform", "linux/s390x", &multi]);
    none.code(2);
    assert!(
        none.stderr.contains("no manifest for platform linux/s390x"),
        "{}",
        none.stderr
    );
}

#[test]
fn unusable_layouts_are_clear_errors() {
    let env = Env::new();
    let layout = layout_copy(&env);
    let ambiguous = env.sigil(&["digest", &format!("oci:{layout}")]);
    ambiguous.code(2);
    assert!(
        ambiguous.stderr.contains("tags: v1, multi"),
        "{}",
        ambiguous.stderr
    );

    let not_layout = env.sigil(&["tree", &format!("oci:{}", env.path().display())]);
    not_layout.code(2);
    assert!(
        not_layout.stderr.contains("not an OCI image layout"),
        "{}",
        not_layout.stderr
    );

    let missing_tag = env.sigil(&["digest", &format!("oci:{layout}:nope")]);
    missing_tag.code(2);
    assert!(
        missing_tag.stderr.contains("tag \"nope\" not found"),
        "{}",
        missing_tag.stderr
    );

    // A blob whose content was swapped no longer matches its digest.
    let v1 = tagged_digest(&layout, "v1");
    let blob = Path::new(&layout)
        .join("blobs/sha256")
        .join(v1.trim_start_matches("sha256:"));
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes.push(b' ');
    std::fs::write(&blob, bytes).unwrap();
    let tampered = env.sigil(&["tree", &format!("oci:{layout}:v1")]);
    tampered.code(2);
    assert!(
        tampered.stderr.contains("does not match its digest"),
        "{}",
        tampered.stderr
    );

    let bad_ref = env.sigil(&["digest", "Not/A/Valid:Ref:"]);
    bad_ref.code(2);
    assert!(
        bad_ref.stderr.contains("invalid reference"),
        "{}",
        bad_ref.stderr
    );
}

#[test]
fn referrers_written_into_a_layout_are_read_by_oras() {
    use sigil::oci::manifest::Descriptor;
    let env = Env::new();
    let layout = layout_copy(&env);
    let v1 = tagged_digest(&layout, "v1");
    let image = format!("oci:{layout}:v1");
    let image_ref: sigil::oci::ImageRef = image.parse().unwrap();
    let pushed = with_repo(&image, async |repo| {
        let subject = repo.resolve(&image_ref).await.unwrap();
        repo.push_blob(b"{}").await.unwrap();
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "artifactType": "application/vnd.sigil.layout-test",
            "config": Descriptor::for_bytes("application/vnd.oci.empty.v1+json", b"{}"),
            "layers": [Descriptor::for_bytes("application/vnd.oci.empty.v1+json", b"{}")],
            "subject": subject.descriptor(),
        });
        let bytes = serde_json::to_vec(&manifest).unwrap();
        let (d, via) = repo
            .push_referrer(&bytes, "application/vnd.oci.image.manifest.v1+json")
            .await
            .unwrap();
        assert_eq!(via, sigil::store::ReferrerSource::Layout);
        d.to_string()
    });
    let oras = env.peer(
        "oras",
        &[
            "discover",
            "--oci-layout",
            "--format",
            "json",
            &format!("{layout}@{v1}"),
        ],
    );
    let oras: Value = serde_json::from_str(oras.ok()).unwrap();
    let found: Vec<&str> = oras["referrers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["digest"].as_str().unwrap())
        .collect();
    assert!(
        found.contains(&pushed.as_str()),
        "oras sees the new referrer: {oras:#}"
    );
    assert_eq!(found.len(), 3);
    let tree: Value = serde_json::from_str(
        env.sigil(&["tree", "-o", "json", &format!("oci:{layout}:v1")])
            .ok(),
    )
    .unwrap();
    let ours: Vec<&str> = tree["referrers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["digest"].as_str().unwrap())
        .collect();
    assert!(ours.contains(&pushed.as_str()));
    // No temporary files are left in the layout.
    let leftovers: Vec<_> = std::fs::read_dir(&layout)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
