//! `--data` files and a trust file's `data:` as YAML or JSON: checked against the rules'
//! schema and parsed, or refused at a line and column, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = sigil::policy::parse_data_document(text, true);
        let _ = sigil::policy::parse_data_document(text, false);
    }
});
