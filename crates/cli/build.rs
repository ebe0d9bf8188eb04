//! Links the functions of the hook's path next to each other, and on request links the binary
//! position-dependent.
//!
//! Position-dependent (`METALAYER_NO_PIE=1` at build time, Linux with glibc and the default
//! linker driver only): as a position-independent executable (the default) the binary carries
//! 22,073 relative relocations, which the dynamic loader applies at every start: 0.29 M of the
//! 0.87 M instructions of an allowed hook call and about 100 of its 225 page faults, one per
//! 4 KB page of the 394 KB of pointer tables it writes (callgrind and `perf record -e
//! page-faults`, December 2026). Linked with `-no-pie` the linker resolves them once: 125
//! faults, 0.58 M instructions and about 0.2 ms less per hook process (README,
//! "Performance"). It is not the default because the executable's own code would then sit at
//! a fixed address, and the binary holds libgit2's C code, which reads repository files the
//! governed agent can write: a security tool that parses such input keeps its address
//! randomised unless its user chooses speed.
//!
//! Every tool call of every agent starts this binary, and on the machines measured a page
//! fault costs more than the hook's instructions: the kernel maps the code 64 KB at a time,
//! and the path of one call touched 53 such windows scattered over 9 MB of text. The linker
//! puts the functions listed in `hook-order.txt` (written by `scripts/hook-order.sh` from
//! callgrind runs of the hook) first, in one run: 21-27 fewer page faults and 8-15 % less
//! time per hook process (README, "Performance").
//!
//! Only where the linker is known to be lld, which reads `--symbol-ordering-file`: the
//! `x86_64-unknown-linux-gnu` target of Rust 1.90 and later, whose default linker is the
//! bundled rust-lld, with no linker configured instead. Anywhere else nothing changes. A name
//! the list has and the binary does not (the list is older than the code) is skipped.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=hook-order.txt");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    println!("cargo:rerun-if-env-changed=METALAYER_NO_PIE");
    if std::env::var("METALAYER_NO_PIE").is_ok_and(|v| v == "1") {
        if links_position_dependent() {
            println!("cargo:rustc-link-arg-bins=-no-pie");
        } else {
            println!(
                "cargo:warning=METALAYER_NO_PIE=1 is honoured only on Linux with glibc and \
                 rustc's default linker: this build stays position-independent"
            );
        }
    }
    if !links_with_bundled_lld() {
        return;
    }
    let Ok(dir) = std::env::var("CARGO_MANIFEST_DIR") else {
        return;
    };
    let order = Path::new(&dir).join("hook-order.txt");
    if order.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// Whether `-no-pie` can be passed: Linux with glibc and rustc's default linker driver (cc),
/// which reads the option.
fn links_position_dependent() -> bool {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && std::env::var_os("RUSTC_LINKER").is_none()
        && !var("CARGO_ENCODED_RUSTFLAGS").contains("link")
}

/// Whether rustc links this build with its bundled rust-lld.
fn links_with_bundled_lld() -> bool {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("TARGET") != "x86_64-unknown-linux-gnu" || var("HOST") != var("TARGET") {
        return false;
    }
    // A linker of the user's choice (`target.….linker`, `-C linker=`, `-C linker-flavor=`,
    // `-Z linker-features`) may not read the option.
    if std::env::var_os("RUSTC_LINKER").is_some() || var("CARGO_ENCODED_RUSTFLAGS").contains("link")
    {
        return false;
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let Ok(out) = Command::new(rustc).arg("-vV").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    // `release: 1.95.0`: rust-lld is the default from 1.90.
    let minor = text
        .lines()
        .find_map(|l| l.strip_prefix("release: 1."))
        .and_then(|r| r.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    minor.is_some_and(|m| m >= 90)
}
