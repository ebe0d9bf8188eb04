//! Fuzzes the git index reader behind `staged_changes`: any bytes must parse or be refused,
//! never panic, and a successful parse must describe no more entries than the bytes can hold.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((entries, tree_nodes)) = metalayer_regression_map::parse_git_index(data) {
        // Every entry takes at least 62 bytes plus its path's NUL, every cache-tree node 5.
        assert!(entries.saturating_mul(63) <= data.len());
        assert!(tree_nodes.saturating_mul(5) <= data.len());
    }
});
