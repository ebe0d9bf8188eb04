//! The floor of a hook process: a minimal Rust program that reads the whole event from
//! standard input, as `metalayer hook pre-tool-use` does, and exits 0 without a word. The
//! whole-process benchmark (`scripts/bench-hook.sh`) measures the hook as a ratio to this
//! program in the same run (issue #14: at most 1.3× for allow and deny calls).

use std::io::Read as _;

fn main() {
    let mut input = Vec::new();
    if std::io::stdin().lock().read_to_end(&mut input).is_err() {
        std::process::exit(2);
    }
    std::hint::black_box(&input);
}
