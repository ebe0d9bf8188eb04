//! Fuzz the fast YAML reader of `metalayer_policy` against yaml-rust2: any text loads the same
//! through `LoadOptions::fast()` (which reads the block-style subset without yaml-rust2) and
//! through the same options with positions (always yaml-rust2): same policy and warnings, or
//! the same errors at the same places.
#![no_main]

use libfuzzer_sys::fuzz_target;
use metalayer_policy::{LoadOptions, Loaded, PolicyError, load_str_with};

fn outcome(result: Result<Loaded, PolicyError>) -> Result<Loaded, (String, Vec<String>)> {
    result.map_err(|e| {
        let diagnostics = e.report().map_or_else(Vec::new, |r| {
            r.diagnostics()
                .iter()
                .map(|d| format!("{} {}:{} {}", d.code, d.line, d.column, d.message))
                .collect()
        });
        (e.to_string(), diagnostics)
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let fast = outcome(load_str_with(text, "fuzz.yaml", LoadOptions::fast()));
        let mut with_spans = LoadOptions::fast();
        with_spans.spans = true;
        let slow = outcome(load_str_with(text, "fuzz.yaml", with_spans));
        assert_eq!(fast, slow, "the fast reader differs on {text:?}");
    }
});
