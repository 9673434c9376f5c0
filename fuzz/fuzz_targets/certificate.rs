//! PEM text as sigil reads it from certificate annotations on a `.sig` layer, `--ca-roots`,
//! `--certificate-chain` and public-key files: every block is parsed or refused, never a
//! panic, and a chain built from them is checked or refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigil::sign::keys::PublicKey;
use sigil::sign::pem;
use sigil::verify::certificate;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        // Raw bytes are what a bundle's base64 certificate decodes to.
        let _ = certificate::parse(data);
        let _ = certificate::public_key_of(data);
        return;
    };
    let _ = pem::parse_all(text);
    let _ = PublicKey::from_pem(text);
    if let Ok(ders) = certificate::pem_certificates(text, "fuzz input", 10) {
        if let Some((leaf, chain)) = ders.split_first() {
            let _ = certificate::verify_chain(leaf, chain, 1_700_000_000);
        }
    }
});
