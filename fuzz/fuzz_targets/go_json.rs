//! Registry JSON read as Go's encoding/json reads it (image configurations, manifests,
//! descriptors, simple-signing payloads): decoded or refused, never a panic. What comes out
//! is already in Go's canonical form, so reading it again must give the same document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigil::oci::gojson::{self, Shape};

fuzz_target!(|data: &[u8]| {
    let shapes: [&Shape; 4] = [
        &gojson::IMAGE_CONFIG,
        &gojson::MANIFEST,
        &gojson::DESCRIPTOR,
        &gojson::SIMPLE_SIGNING,
    ];
    for shape in shapes {
        if let Ok(doc) = gojson::decode(data, shape) {
            let again = serde_json::to_vec(&doc).expect("a decoded document serialises");
            let reread = gojson::decode(&again, shape).expect("a decoded document reads again");
            assert_eq!(doc, reread, "decoding is not idempotent");
        }
    }
});
