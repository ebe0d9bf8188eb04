//! The PreToolUse event parser and hook on arbitrary bytes: no panic, and every outcome is
//! either silence, a JSON decision, or a blocking exit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use metalayer_kernel::{HookEnv, pre_tool_use};

fuzz_target!(|data: &[u8]| {
    let env = HookEnv::new(None, std::env::temp_dir());
    let out = pre_tool_use(data, &env);
    assert!(out.exit_code == 0 || out.exit_code == 2);
    if !out.stdout.is_empty() {
        assert!(serde_json_is_object(&out.stdout));
    }
    if out.exit_code == 2 {
        assert!(!out.stderr.is_empty());
    }
});

fn serde_json_is_object(text: &str) -> bool {
    text.trim_start().starts_with('{') && text.trim_end().ends_with('}')
}
