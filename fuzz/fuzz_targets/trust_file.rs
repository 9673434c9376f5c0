//! The trust file parser on arbitrary text: a line-numbered error or a trust file, never a
//! panic. (Relative paths resolve below a directory that does not exist.)
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = sigil::trust::TrustFile::parse(
            text,
            std::path::Path::new("sigil.yaml"),
            std::path::Path::new("/nonexistent-sigil-fuzz"),
        );
    }
});
