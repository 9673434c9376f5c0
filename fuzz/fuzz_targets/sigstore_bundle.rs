//! Sigstore bundles as `sigil verify-blob` reads them, through the sigstore-verify crate sigil
//! builds on: parsed, then verified against the embedded public-good trusted root for a
//! fixed digest, with any identity. Every outcome must be a result or an error — never a
//! panic, whatever the log entries, proofs, checkpoints or certificates say.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigstore_verify::trust_root::{SIGSTORE_PRODUCTION_TRUSTED_ROOT, TrustedRoot};
use sigstore_verify::types::{Bundle, Sha256Hash};
use sigstore_verify::{VerificationPolicy, Verifier};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(bundle) = Bundle::from_json(text) else {
        return;
    };
    let root = TrustedRoot::from_json(SIGSTORE_PRODUCTION_TRUSTED_ROOT).expect("embedded root");
    let verifier = Verifier::new(&root).expect("verifier");
    let policy = VerificationPolicy::any_identity();
    let _ = verifier.verify(Sha256Hash::new([7; 32]), &bundle, &policy);
    let _ = verifier.verify(&b"artifact"[..], &bundle, &policy);
});
