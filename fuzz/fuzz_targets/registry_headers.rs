//! Headers a registry sends that sigil parses: the `WWW-Authenticate` challenge (its realm
//! decides where a token request goes). Parsed or ignored, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigil::registry::auth::parse_challenge;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_challenge(text);
    }
});
