//! The Dockerfile front end on arbitrary text: parsing, ARG resolution, the images a build
//! pulls, the lint input, and the pin planner must return a positioned error or a result —
//! never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigil::dockerfile::{BuildArgs, Dockerfile};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(df) = Dockerfile::parse(text) else {
        return;
    };
    let args = BuildArgs::default();
    let _ = df.external_images(&args);
    let _ = sigil::lint::dockerfile_input("Dockerfile", text, &args);
    let _ = sigil::dockerfile::pin::targets(text, &df, &args);
});
