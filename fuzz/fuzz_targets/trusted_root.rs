//! Sigstore `trusted_root.json` files (`--trusted-root`): parsed and turned into a verifier,
//! or refused, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigstore_verify::Verifier;
use sigstore_verify::trust_root::TrustedRoot;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(root) = TrustedRoot::from_json(text)
    {
        let _ = Verifier::new(&root);
    }
});
