//! Links the `metalayer` binary as a position-dependent executable on Linux with glibc.
//!
//! Why: the hook is a fresh process before every tool call of every agent, and a
//! position-independent build spends its start-up relocating 21,325 pointers (376 KB of
//! `.data.rel.ro`: vtables, the tables of `&str` the command model and the rules are made of),
//! one copy-on-write page fault per 4 KB. Linked at a fixed address, the same binary takes
//! 183 page faults instead of 282 to print `--version` and 196 instead of 293 for an allowed
//! hook call with the seed policy (`perf stat -r 300 -e page-faults`, README "Performance"):
//! 0.2 to 0.3 ms of a 2 ms call on this project's machines. The cost is that the executable's own image is not placed at a
//! random address (its heap, stack and shared libraries still are); the hook holds no secrets
//! and parses its input in safe Rust.
//!
//! Only where the linker is the C compiler driver of a glibc target and the C runtime is not
//! linked statically (`-static-pie` has its own rules); `METALAYER_PIE=1` keeps the
//! platform's default.

fn main() {
    println!("cargo:rerun-if-env-changed=METALAYER_PIE");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    let static_crt = var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    if linux_gnu && !static_crt && var("METALAYER_PIE") != "1" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
