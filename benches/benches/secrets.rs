//! Secret check benchmarks: what the PreToolUse check of written content adds to a hook call
//! with a 10 KB Write (budget: at most 10%), and a scan of a 10,000-line staged diff (budget:
//! under 100 ms).
//!
//! Each pair of hook figures decides the same event with the same compiled policy, in a real
//! git repository, once with `secrets.content: off` and once with the check on (the default);
//! the detector is built once per process, as in the hook. Two texts: generated TypeScript
//! dense with `key`/`token` names, and 10 KB of real code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use metalayer_kernel::{HookEnv, SecretScanner, pre_tool_use, staged_secrets};
use metalayer_test_support::{git, git_repo, write};

/// About 10 KB of ordinary TypeScript, no secret (the usual case: the check must find nothing
/// and let the call through).
fn source_10kb() -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 10 * 1024 {
        text.push_str(&format!(
            "export function handler{i}(req: Request, key: string): Response {{\n  const token = req.headers.get(\"authorization\");\n  return cache.get(`user:${{key}}:{i}`) ?? fetchUser(token, {i});\n}}\n\n"
        ));
        i += 1;
    }
    text
}

/// A 10,000-line source file of the kind a commit adds, with one secret near the end.
fn staged_10000_lines() -> String {
    let mut text = String::new();
    for i in 0..10_000 {
        if i == 9_990 {
            text.push_str(&format!(
                "const T = \"ghp_{}A1b2C3\";\n",
                "A1b2C3d4E5".repeat(3)
            ));
        } else {
            text.push_str(&format!(
                "  let value_{i} = compute(input, {i}); // apply the key mapping for row {i}\n"
            ));
        }
    }
    text
}

fn event(root: &Path, content: &str) -> Vec<u8> {
    serde_json::json!({
        "session_id": "bench",
        "hook_event_name": "PreToolUse",
        "tool_name": "Write",
        "cwd": root,
        "tool_input": {"file_path": root.join("src/handlers.ts"), "content": content},
    })
    .to_string()
    .into_bytes()
}

/// The first 10 KB of a file of this repository (`crates/gates/src/normalize/wrappers.rs` of
/// December 2026): real code, with the `…` and `→` its comments hold.
const REAL_10KB: &str = include_str!("../data/wrappers-10kb.rs.txt");

fn bench(c: &mut Criterion) {
    let content = source_10kb();
    let off = git_repo();
    write(
        off.path(),
        ".control/policy.yaml",
        &metalayer_kernel::DEFAULT_POLICY_YAML.replace("  content: deny", "  content: off"),
    );
    let on = git_repo();
    write(
        on.path(),
        ".control/policy.yaml",
        metalayer_kernel::DEFAULT_POLICY_YAML,
    );
    let mut group = c.benchmark_group("secrets");
    group.measurement_time(Duration::from_secs(8));
    for (name, repo, text) in [
        ("hook_write_10kb_check_off", &off, content.as_str()),
        ("hook_write_10kb_check_on", &on, content.as_str()),
        ("hook_write_real_10kb_check_off", &off, REAL_10KB),
        ("hook_write_real_10kb_check_on", &on, REAL_10KB),
    ] {
        let root = repo.path();
        let input = event(root, text);
        let env = HookEnv::new(Some(root.to_path_buf()), root.to_path_buf());
        let out = pre_tool_use(&input, &env);
        assert!(out.stdout.is_empty() && out.exit_code == 0, "{out:?}");
        group.bench_function(name, |b| b.iter(|| black_box(pre_tool_use(&input, &env))));
    }

    let staged = git_repo();
    let root = staged.path();
    write(root, "README.md", "readme\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "init"]);
    write(root, "src/big.rs", &staged_10000_lines());
    git(root, &["add", "-A"]);
    let scanner = SecretScanner::new(None).unwrap();
    assert_eq!(staged_secrets(root, &scanner).unwrap().len(), 1);
    group.sample_size(20);
    group.bench_function("staged_diff_10000_lines", |b| {
        b.iter(|| black_box(staged_secrets(root, &scanner).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
