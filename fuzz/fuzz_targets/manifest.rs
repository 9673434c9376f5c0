//! Manifests, indexes and referrer lists as a registry might send them: parsed or refused,
//! never a panic, whatever the claimed media type.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigil::oci::manifest::Manifest;

fuzz_target!(|data: &[u8]| {
    let _ = Manifest::parse(data, None);
    let _ = Manifest::parse(data, Some("application/vnd.oci.image.index.v1+json"));
    let _ = Manifest::parse(
        data,
        Some("application/vnd.docker.distribution.manifest.v2+json"),
    );
});
