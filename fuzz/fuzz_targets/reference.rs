//! Image references (registry and `oci:` layouts): parse, and what parses must print and
//! parse back to the same reference.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(r) = text.parse::<sigil::oci::ImageRef>()
    {
        let again: sigil::oci::ImageRef = r.to_string().parse().expect("printed reference parses");
        assert_eq!(again.to_string(), r.to_string());
    }
});
