//! The shell normaliser and the gate set on arbitrary commands: no panic, no hang.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use metalayer_gates::{NormalizeOptions, ToolCall};

fuzz_target!(|data: &[u8]| {
    let Ok(command) = std::str::from_utf8(data) else { return };
    let normalized = metalayer_gates::normalize(command, &NormalizeOptions::default());
    for c in normalized.commands() {
        let _ = c.precise_text();
    }
    static KERNEL: OnceLock<Option<metalayer_kernel::Kernel>> = OnceLock::new();
    if let Some(kernel) = KERNEL.get_or_init(|| metalayer_kernel::Kernel::embedded_default().ok()) {
        let _ = kernel.decide(&ToolCall::bash(command));
    }
});
