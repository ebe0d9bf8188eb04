//! Links the functions of the hook's path next to each other.
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
