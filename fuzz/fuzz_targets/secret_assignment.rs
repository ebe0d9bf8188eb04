//! The hand-written matchers of the two assignment rules against their regexes: on any text,
//! the same matches and the same capture groups (the fast-path contract in ARCHITECTURE.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use metalayer_bridge::secrets::assignment_matchers_agree;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        assert!(assignment_matchers_agree(text), "{text:?}");
    }
});
