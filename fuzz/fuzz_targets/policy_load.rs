//! Fuzz `metalayer_policy::load_str`: any bytes, taken as text, load or fail with a report,
//! never panic, overflow the stack or run away.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match metalayer_policy::load_str(text, "fuzz.yaml") {
            Ok(loaded) => {
                // What loads must write back and load again to the same policy.
                let yaml = metalayer_policy::to_yaml(&loaded.policy).expect("a loaded policy writes back");
                let again = metalayer_policy::load_str(&yaml, "again.yaml").expect("written policy loads");
                assert_eq!(again.policy, loaded.policy);
            }
            Err(e) => {
                if let Some(report) = e.report() {
                    assert!(report.error_count() > 0);
                }
            }
        }
    }
});
