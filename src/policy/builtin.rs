//! The built-in policy library (`policies/` at the repository root), embedded in the binary
//! so that an installed `sigil` needs no checkout. A unit test checks that this list and the
//! directory agree, so a file added to `policies/` and not here fails the test suite.

/// One embedded file: its path relative to `policies/` and its contents.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinFile {
    pub path: &'static str,
    pub contents: &'static str,
}

macro_rules! builtin {
    ($($path:literal),* $(,)?) => {
        &[$(BuiltinFile { path: $path, contents: include_str!(concat!("../../policies/", $path)) }),*]
    };
}

/// Every file of `policies/` that sigil loads: Rego modules (rules and their tests) and the
/// default data document, sorted by path.
pub const FILES: &[BuiltinFile] = builtin![
    "data.json",
    "dockerfile/pinning.rego",
    "dockerfile/pinning_test.rego",
    "dockerfile/registries.rego",
    "dockerfile/registries_test.rego",
    "dockerfile/tags.rego",
    "dockerfile/tags_test.rego",
    "dockerfile/user.rego",
    "dockerfile/user_test.rego",
    "image/attestations.rego",
    "image/attestations_test.rego",
    "image/base.rego",
    "image/base_test.rego",
    "image/pinning.rego",
    "image/pinning_test.rego",
    "image/platforms.rego",
    "image/platforms_test.rego",
    "image/registries.rego",
    "image/registries_test.rego",
    "image/signatures.rego",
    "image/signatures_test.rego",
    "image/tags.rego",
    "image/tags_test.rego",
    "image/user.rego",
    "image/user_test.rego",
    "input.rego",
    "input_test.rego",
    "lib/fixtures_test.rego",
    "lib/sigil.rego",
    "lib/sigil_test.rego",
];

/// What the labels of embedded files start with.
pub const LABEL_PREFIX: &str = "<builtin>/";

/// The label under which an embedded file is loaded (and named in errors).
pub fn label(path: &str) -> String {
    format!("{LABEL_PREFIX}{path}")
}

/// The default data document (`policies/data.json`): `data.sigil.config`.
pub fn default_data() -> serde_json::Value {
    let file = FILES
        .iter()
        .find(|f| f.path == "data.json")
        .expect("policies/data.json is embedded");
    serde_json::from_str(file.contents).expect("policies/data.json is valid JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "rego" || e == "json" || e == "yaml")
            {
                let rel = path.strip_prefix(root).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }

    #[test]
    fn embedded_list_matches_the_policies_directory() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        let mut on_disk = Vec::new();
        walk(&root, &root, &mut on_disk);
        on_disk.sort();
        let embedded: Vec<String> = FILES.iter().map(|f| f.path.to_string()).collect();
        assert_eq!(
            embedded, on_disk,
            "src/policy/builtin.rs must list every policy file"
        );
    }

    #[test]
    fn default_data_has_the_rule_configuration() {
        let d = default_data();
        assert_eq!(
            d["sigil"]["config"]["rules"]["digest-pinned"]["mode"],
            "deny"
        );
    }
}
