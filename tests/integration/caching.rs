//! The content cache: only what is addressed by digest is cached, every entry is re-checked
//! against its digest when read, and tags (signature listings) are always asked afresh, so a
//! removed signature stops counting at once.

use std::path::Path;

use serde_json::Value;

use crate::harness::{Env, Kind, Registry, cosign_keys, push_image, push_tagged_manifest};

fn cached_files(home: &Path) -> Vec<std::path::PathBuf> {
    let dir = home.join(".cache/sigil/content/sha256");
    match std::fs::read_dir(&dir) {
        Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn cache_is_by_digest_checked_on_read_and_never_hides_a_removed_signature() {
    let reg = Registry::start(Kind::Distribution);
    let env = Env::new();
    let (key, public) = cosign_keys(&env, &env.path().join("keys"));
    let (key, public) = (key.display().to_string(), public.display().to_string());
    let digest = push_image(&env, &reg.repo("app:v1"), "cache test", false);
    let image = format!("{}@{digest}", reg.repo("app"));
    let http = "--allow-http-registry";
    env.sigil(&["sign", http, "--key", &key, &image]).ok();

    env.sigil(&["verify", http, "--key", &public, &image]).ok();
    let files = cached_files(env.path());
    let tree: Value =
        serde_json::from_str(env.sigil(&["tree", http, "-o", "json", &image]).ok()).unwrap();
    let referrer = tree["referrers"][0]["digest"]
        .as_str()
        .unwrap()
        .trim_start_matches("sha256:")
        .to_string();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.contains(&referrer),
        "the referrer manifest is cached: {names:?}"
    );
    assert!(
        names.contains(&digest.trim_start_matches("sha256:").to_string()),
        "the image manifest too"
    );
    for (f, n) in files.iter().zip(&names) {
        let bytes = std::fs::read(f).unwrap();
        assert_eq!(
            sigil::oci::Digest::sha256_of(&bytes).hex(),
            n,
            "entries are stored under their own digest"
        );
    }

    // Corrupt every entry: verification still passes, from the registry, and what it read heals.
    for f in &files {
        std::fs::write(f, b"corrupted").unwrap();
    }
    env.sigil(&["verify", http, "--key", &public, &image]).ok();
    let referrer_entry = files.iter().find(|f| f.ends_with(&referrer)).unwrap();
    let healed = std::fs::read(referrer_entry).unwrap();
    assert_eq!(
        sigil::oci::Digest::sha256_of(&healed).hex(),
        referrer,
        "the entry verify read was replaced"
    );

    // Remove the signature from the listing (the fallback tag now lists nothing): the cached
    // referrer content must not keep it alive.
    let empty = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;
    let empty_file = env.path().join("empty.json");
    std::fs::write(&empty_file, empty).unwrap();
    let fallback = format!("{}:{}", reg.repo("app"), digest.replace(':', "-"));
    env.peer("crane", &["manifest", "--insecure", &fallback])
        .ok();
    push_tagged_manifest(&fallback, empty, "application/vnd.oci.image.index.v1+json");
    let out = env.sigil(&["verify", http, "--key", &public, &image]);
    out.code(1);
    assert!(out.stdout.contains("no signatures found"), "{}", out.stdout);

    // A deleted image is not verified from the cache: its presence is asked every time.
    let gone_digest = push_image(&env, &reg.repo("gone:v1"), "to be deleted", false);
    let gone = format!("{}@{gone_digest}", reg.repo("gone"));
    env.sigil(&[
        "sign",
        http,
        "--key",
        &key,
        "--signature-format",
        "legacy",
        &gone,
    ])
    .ok();
    env.sigil(&["verify", http, "--key", &public, &gone]).ok();
    // (check denies it for running as root, but reads and caches it.)
    env.sigil(&["check", http, "--key", &public, &gone]).code(1);
    env.peer("crane", &["delete", "--insecure", &gone]).ok();
    let out = env.sigil(&["verify", http, "--key", &public, &gone]);
    out.code(2);
    assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
    let out = env.sigil(&["check", http, "--key", &public, &gone]);
    out.code(2);
    assert!(out.stdout.contains("does not exist"), "{}", out.stdout);

    // --no-cache reads and writes nothing.
    let fresh = Env::new();
    fresh
        .sigil(&["sign", http, "--key", &key, "--no-cache", &image])
        .ok();
    fresh
        .sigil(&["verify", http, "--key", &public, "--no-cache", &image])
        .ok();
    assert!(cached_files(fresh.path()).is_empty());
}
