//! Arbitrary bytes through the whole pipeline: if the bytes are UTF-8, `check` and
//! `compile`; when it compiles, SVG, JSON (then `quality::check` on it) and PNG for small
//! canvases. Diagnostics must point inside the input; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        archdraw_fuzz::exercise(text);
    }
});
