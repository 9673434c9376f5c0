//! Sigstore bundles as a registry might serve them in a referrer: the bundle, its DSSE
//! envelope, the in-toto statement inside and the certificates it carries are parsed or
//! refused, never a panic. No key is trusted here, so this reaches every parser a bundle
//! passes through before and after the signature check, not the check itself.
#![no_main]

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use sigil::oci::Digest;
use sigil::sign::bundle::Bundle;
use sigil::sign::dsse::Statement;
use sigil::verify::certificate;

const SUBJECT: &str = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fuzz_target!(|data: &[u8]| {
    // The statement parser on its own, as a DSSE payload would reach it.
    if let Ok(s) = Statement::parse(data) {
        let _ = s.subject_for(&SUBJECT.parse::<Digest>().expect("digest"));
    }
    let Ok(bundle) = Bundle::parse(data) else {
        return;
    };
    if let Some(env) = &bundle.dsse_envelope {
        let _ = env.signed_bytes();
        if let Ok(payload) = env.payload_bytes() {
            let _ = Statement::parse(&payload);
        }
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let vm = &bundle.verification_material;
    let mut ders: Vec<Vec<u8>> = Vec::new();
    if let Some(c) = &vm.certificate {
        ders.extend(b64.decode(&c.raw_bytes).ok());
    }
    if let Some(chain) = &vm.x509_certificate_chain {
        ders.extend(
            chain
                .certificates
                .iter()
                .filter_map(|c| b64.decode(&c.raw_bytes).ok()),
        );
    }
    for der in &ders {
        let _ = certificate::parse(der);
        let _ = certificate::public_key_of(der);
        let _ = certificate::check_validity(der, 1_700_000_000);
    }
    if let Some((leaf, chain)) = ders.split_first() {
        let _ = certificate::verify_chain(leaf, chain, 1_700_000_000);
    }
});
