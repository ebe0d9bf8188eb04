//! Fixtures shared by the criterion benchmarks in `benches/benches/`.
//!
//! The benchmarks themselves live in `benches/benches/*.rs`; this library only holds the
//! generators of synthetic inputs (large policies, many paths, long transcripts) so that every
//! benchmark builds its inputs the same way.
#![deny(missing_docs)]

/// The four hard-gate patterns of the seed policy
/// (shared/bench/naive-hook/.control/policy.yaml), as `(id, rule, pattern)`.
pub const SEED_GATES: [(&str, &str, &str); 4] = [
    (
        "G1",
        "No force push to main/master",
        "git push.*--force.*(main|master)",
    ),
    ("G2", "No destructive git reset", "git reset --hard"),
    (
        "G3",
        "No rm -rf on home/root directories",
        r"rm -rf\s+(~/|/Users/|/)",
    ),
    (
        "G4",
        "No writing to secrets files",
        r"(\.env|credentials|secrets)",
    ),
];

/// A command of about 100 bytes that no seed gate matches: the common case of the hook.
pub const EVERYDAY_COMMAND_100B: &str =
    "cd /home/user/project && git status --short && cargo test --workspace -- --nocapture 2>&1";

/// A command of about 100 bytes that the seed's G2 matches, with quoting to normalise.
pub const DENIED_COMMAND_100B: &str = "cd /home/user/project && FOO=1 sudo git 'reset' \"--hard\" origin/main && echo done >/dev/null";

/// The seed policy's gates as engine rules (deny, with their rule text as the message).
#[must_use]
pub fn seed_rules() -> Vec<metalayer_gates::Rule> {
    SEED_GATES
        .iter()
        .map(|(id, rule, pattern)| {
            metalayer_gates::Rule::new(*id, metalayer_gates::Decision::Deny, *pattern)
                .with_message(*rule)
        })
        .collect()
}

/// The seed's rules plus synthetic ones (see [`synthetic_gate_patterns`]): `n` rules in all.
#[must_use]
pub fn rules_with_synthetic(n: usize) -> Vec<metalayer_gates::Rule> {
    let mut rules = seed_rules();
    rules.extend(
        synthetic_gate_patterns(n.saturating_sub(rules.len()))
            .into_iter()
            .map(|(id, p)| metalayer_gates::Rule::new(id, metalayer_gates::Decision::Deny, p)),
    );
    rules
}

/// `n` gate patterns of the shapes real policies hold (a command word with options, a path,
/// a subcommand with a flag), each with its own literals, as `(id, pattern)`.
#[must_use]
pub fn synthetic_gate_patterns(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let pattern = match i % 4 {
                0 => format!(r"tool{i}\s+(?:--force|-f)\b"),
                1 => format!(r"deploy-{i}\b.*\bprod(?:uction)?\b"),
                2 => format!(r"(?:^|/)secret{i}\.(?:json|ya?ml)$"),
                _ => format!(r"svc{i}\s+(?:stop|kill|rm)\s+\S+"),
            };
            (format!("N{i}"), pattern)
        })
        .collect()
}

/// `n` features of a regression map as `(name, patterns)`, in the shapes real maps hold (a
/// package folder, an app's pages, a file-name suffix anywhere, a single file), readable in
/// both dialects. Pairs with [`synthetic_changed_paths`].
#[must_use]
pub fn synthetic_features(n: usize) -> Vec<(String, Vec<String>)> {
    (0..n)
        .map(|i| {
            let patterns = vec![
                format!("packages/pkg{i}/src/**"),
                format!("apps/app{i}/*.tsx"),
                format!("**/*.feature{i}.ts"),
                format!("config/feature{i}.json"),
            ];
            (format!("feature-{i}"), patterns)
        })
        .collect()
}

/// `n` repo-relative paths of the kinds a large commit touches, about a third of them outside
/// every feature of [`synthetic_features`] (docs, tests, root files).
#[must_use]
pub fn synthetic_changed_paths(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match i % 6 {
            0 => format!("packages/pkg{}/src/mod{}/file{i}.ts", i % 700, i % 13),
            1 => format!("apps/app{}/page{i}.tsx", i % 600),
            2 => format!("lib/shared/util{i}.feature{}.ts", i % 900),
            3 => format!("docs/guide/chapter{i}.md"),
            4 => format!("tests/e2e/spec{i}.test.ts"),
            _ => format!("config/feature{}.json", i % 800),
        })
        .collect()
}

/// A `git fast-import` stream that commits `files` files (spread over nested folders, 64
/// distinct contents) to `refs/heads/main` in one commit: a large repository made in well
/// under a second.
#[must_use]
pub fn fast_import_stream(files: usize) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(files * 48);
    for blob in 0..64 {
        let data = format!("content of blob {blob}\n");
        let _ = write!(s, "blob\nmark :{}\ndata {}\n{data}\n", blob + 1, data.len());
    }
    s.push_str(
        "commit refs/heads/main\ncommitter bench <bench@example.com> 0 +0000\ndata 5\nbase\n",
    );
    for i in 0..files {
        let _ = writeln!(
            s,
            "M 100644 :{} src/d{}/e{}/file{i}.txt",
            i % 64 + 1,
            i % 50,
            i % 20
        );
    }
    s.push('\n');
    s
}

/// Writes a synthetic Claude Code transcript (JSONL) of at least `target_bytes` bytes to
/// `out` and returns the number of bytes written.
///
/// Each turn holds the record mix of a real session: a typed prompt, an assistant message
/// split over three lines with the same `message.id` (thinking, text, `tool_use`) and repeated
/// usage, a `tool_result` with a 4 KiB output and its `toolUseResult` copy, a `progress`
/// record and a `file-history-snapshot` (the unknown bulk that real transcripts carry).
/// Every 50th turn commits, and one line in 1,000 is garbage. About 11 KiB per turn.
///
/// # Errors
///
/// Any error of `out`.
pub fn write_claude_transcript(
    out: &mut impl std::io::Write,
    target_bytes: u64,
) -> std::io::Result<u64> {
    let output: String = (0..64)
        .map(|i| format!("line {i:03} of the tool output: compiling crate number {i} ... ok\\n"))
        .collect();
    let backup: String = (0..40)
        .map(|i| {
            format!("\"src/module{i}.rs\":{{\"backupFileName\":\"abc{i}@v2\",\"version\":2}},")
        })
        .collect();
    let backup = backup.trim_end_matches(',');
    let mut written: u64 = 0;
    let mut turn: u64 = 0;
    while written < target_bytes {
        let secs = turn * 20;
        let ts = |offset: u64| {
            let s = secs + offset;
            format!(
                "2026-08-24T{:02}:{:02}:{:02}.000Z",
                (s / 3600) % 24,
                (s / 60) % 60,
                s % 60
            )
        };
        let env = |kind: &str, n: u64| {
            format!(
                "\"parentUuid\":\"u{turn}-{}\",\"isSidechain\":false,\"userType\":\"external\",\"cwd\":\"/home/u/proj\",\"sessionId\":\"6151b6fd-bench\",\"version\":\"2.1.240\",\"gitBranch\":\"main\",\"type\":\"{kind}\",\"uuid\":\"u{turn}-{n}\",\"timestamp\":\"{}\"",
                n.saturating_sub(1),
                ts(n)
            )
        };
        let usage = "\"usage\":{\"input_tokens\":4,\"cache_creation_input_tokens\":2130,\"cache_read_input_tokens\":18000,\"output_tokens\":57,\"service_tier\":\"standard\"}";
        let msg = |block: &str| {
            format!(
                "{{\"id\":\"msg_{turn}\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[{block}],\"stop_reason\":null,\"stop_sequence\":null,{usage}}}"
            )
        };
        let command = if turn % 50 == 49 {
            "git commit -am 'step'"
        } else {
            "cargo test --workspace"
        };
        let result = if turn % 50 == 49 {
            format!("[main {:07x}] step\\n", turn + 0x100_0000)
        } else {
            output.clone()
        };
        let mut lines = vec![
            format!(
                "{{{},\"message\":{{\"role\":\"user\",\"content\":\"Please run the tests and fix failure number {turn} in src/module{}.rs\"}}}}",
                env("user", 0),
                turn % 40
            ),
            format!(
                "{{{},\"requestId\":\"req_{turn}\",\"message\":{}}}",
                env("assistant", 1),
                msg(
                    "{\"type\":\"thinking\",\"thinking\":\"The user wants the tests run. I will run them and look at the failures before editing anything.\",\"signature\":\"EqQBCkYIBxgCKkB0c2lnbmF0dXJlLWJ5dGVz\"}"
                )
            ),
            format!(
                "{{{},\"requestId\":\"req_{turn}\",\"message\":{}}}",
                env("assistant", 2),
                msg(
                    "{\"type\":\"text\",\"text\":\"I'll run the test suite first to see what fails.\"}"
                )
            ),
            format!(
                "{{{},\"requestId\":\"req_{turn}\",\"message\":{}}}",
                env("assistant", 3),
                msg(&format!(
                    "{{\"type\":\"tool_use\",\"id\":\"toolu_{turn}\",\"name\":\"Bash\",\"input\":{{\"command\":\"{command}\",\"description\":\"Run tests\"}}}}"
                ))
            ),
            format!(
                "{{{},\"message\":{{\"role\":\"user\",\"content\":[{{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_{turn}\",\"content\":\"{result}\",\"is_error\":false}}]}},\"toolUseResult\":{{\"stdout\":\"{result}\",\"stderr\":\"\",\"interrupted\":false,\"isImage\":false}}}}",
                env("user", 4)
            ),
            format!(
                "{{{},\"data\":{{\"type\":\"hook_progress\",\"hookEvent\":\"PostToolUse\",\"hookName\":\"PostToolUse:Bash\",\"command\":\"metalayer hook post-tool-use\"}},\"toolUseID\":\"toolu_{turn}\",\"parentToolUseID\":\"toolu_{turn}\"}}",
                env("progress", 5)
            ),
            format!(
                "{{\"type\":\"file-history-snapshot\",\"messageId\":\"msg_{turn}\",\"snapshot\":{{\"messageId\":\"msg_{turn}\",\"trackedFileBackups\":{{{backup}}},\"timestamp\":\"{}\"}},\"isSnapshotUpdate\":false}}",
                ts(6)
            ),
        ];
        if turn % 1000 == 999 {
            lines.push(
                "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"te".to_owned(),
            );
        }
        for line in lines {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
            written += line.len() as u64 + 1;
        }
        turn += 1;
    }
    Ok(written)
}

/// A valid `.control/policy.yaml` with `n` hard gates, in the block style the seed guide writes
/// (`id`, `rule`, `pattern`, one key per line), plus the seed's setpoint S13.
///
/// The patterns are those of [`synthetic_gate_patterns`], so a policy made here compiles to
/// the same gate set the gate benchmarks use. About 110 bytes per gate.
#[must_use]
pub fn policy_yaml_with_gates(n: usize) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(200 + n * 110);
    s.push_str("version: \"1.0\"\nprofile: governed\nsetpoints:\n");
    s.push_str("  - id: S13\n    name: \"bridge_freshness_seconds\"\n    target: 120\n    alert_above: 3600\n    measurement: \"seconds since last conversation bridge run\"\n    severity: informational\n");
    s.push_str("gates:\n  hard:\n");
    for (id, pattern) in synthetic_gate_patterns(n) {
        // Single quotes: the pattern's backslashes stay as they are.
        let _ = write!(
            s,
            "    - id: {id}\n      rule: \"Synthetic gate {id}\"\n      pattern: '{}'\n",
            pattern.replace('\'', "''")
        );
    }
    s
}

/// Shell commands of a synthetic history (`{n}` is replaced by a number).
const HISTORY_COMMANDS: [&str; 12] = [
    "git status --short",
    "cargo test -p crate{n} -- --nocapture",
    "ls -la src/module{n}",
    "rg -n 'fn handler{n}' crates",
    "cargo clippy --workspace --all-targets -- -D warnings",
    "git diff --stat HEAD~{n}",
    "python3 scripts/check{n}.py",
    "cat docs/notes{n}.md",
    "cd web && pnpm build",
    "git log --oneline -n {n}",
    "make -C build target{n}",
    "grep -rn TODO src/file{n}.rs",
];

/// Writes a synthetic governed history under `root`: `sessions` session records in
/// `docs/conversations/` with `calls` tool calls in all (shell commands, file edits, failures
/// followed by the command that works, denials, refusals, corrections), a ledger of denies,
/// asks and outcomes, and an `AGENTS.md` with rules some calls break. Deterministic: the same
/// arguments write the same bytes.
///
/// # Errors
///
/// When a file cannot be written.
pub fn write_history(root: &std::path::Path, sessions: usize, calls: usize) -> std::io::Result<()> {
    use metalayer_bridge::{
        CallOutcome, Correction, RecordHeader, RecordedCall, SessionRecord, SubjectKind, Timestamp,
        record_name,
    };
    use std::io::Write as _;

    let folder = root.join("docs/conversations");
    std::fs::create_dir_all(&folder)?;
    std::fs::create_dir_all(root.join(".git"))?;
    std::fs::write(
        root.join("AGENTS.md"),
        "# Agents\n\n- Never use yarn in this repository.\n- Do not edit `Cargo.lock` by hand.\n",
    )?;
    let ledger_dir = root.join(".control/ledger");
    std::fs::create_dir_all(&ledger_dir)?;
    let mut ledger =
        std::io::BufWriter::new(std::fs::File::create(ledger_dir.join("decisions.jsonl"))?);
    let harnesses = ["claude", "codex", "gemini"];
    let per_session = calls / sessions.max(1);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let start = 1_764_547_200_i64; // 2025-12-01
    for s in 0..sessions {
        let id = format!("{s:08x}-bench-session");
        let at = start + i64::try_from(s).unwrap_or(0) * 3_000;
        let date = Timestamp::from_unix_seconds(at).date();
        let markdown = format!("session-{date}-{}.md", id.get(..8).unwrap_or(&id));
        let harness = harnesses
            .get(s % harnesses.len())
            .copied()
            .unwrap_or("claude");
        let mut header = RecordHeader::new(id.as_str(), harness, date.as_str(), markdown.as_str());
        header.started = Some(Timestamp::from_unix_seconds(at));
        header.title = format!("work on module {s}");
        let mut record = SessionRecord::new(header);
        let mut c = 0;
        while c < per_session {
            let r = next();
            let n = (r >> 8) % 50;
            let call = match r % 20 {
                0 if c + 1 < per_session => {
                    // A failure, and the command that works instead.
                    record.calls.push(
                        RecordedCall::new(
                            "Bash",
                            SubjectKind::Shell,
                            "npm test",
                            CallOutcome::Error,
                        )
                        .with_error("npm ERR! Missing script: \"test\""),
                    );
                    c += 1;
                    RecordedCall::new("Bash", SubjectKind::Shell, "pnpm test", CallOutcome::Ok)
                }
                1 => RecordedCall::new(
                    "Bash",
                    SubjectKind::Shell,
                    "git push --force origin main",
                    CallOutcome::Denied,
                )
                .with_error("Safety shield G1: No force push to main/master"),
                2 => RecordedCall::new("Write", SubjectKind::File, ".env", CallOutcome::Denied),
                3 => RecordedCall::new(
                    "Bash",
                    SubjectKind::Shell,
                    format!("yarn add dep{n}"),
                    CallOutcome::Ok,
                ),
                4..=6 => RecordedCall::new(
                    "Edit",
                    SubjectKind::File,
                    format!("crates/crate{n}/src/lib.rs"),
                    CallOutcome::Ok,
                ),
                7 => RecordedCall::new(
                    "Bash",
                    SubjectKind::Shell,
                    format!("cargo build -p crate{n}"),
                    CallOutcome::Error,
                )
                .with_error(format!(
                    "error[E0425]: cannot find value `x{n}` in this scope"
                )),
                _ => {
                    let command = HISTORY_COMMANDS
                        .get(usize::try_from(r % 12).unwrap_or(0))
                        .copied()
                        .unwrap_or_default()
                        .replace("{n}", &n.to_string());
                    RecordedCall::new("Bash", SubjectKind::Shell, command, CallOutcome::Ok)
                }
            };
            record
                .calls
                .push(call.with_at(Timestamp::from_unix_seconds(at)));
            c += 1;
        }
        if s % 4 == 0 {
            record.corrections.push(Correction::new(
                "don't use npm here, this is a pnpm workspace",
            ));
        }
        if s % 7 == 0 {
            record
                .corrections
                .push(Correction::new(format!("never touch module{}", s % 5)));
        }
        std::fs::write(folder.join(record_name(&markdown)), record.render())?;
        // Two ledger lines a session: a deny, and an ask that (mostly) ran.
        let time = u64::try_from(at).unwrap_or(0);
        writeln!(
            ledger,
            r#"{{"time":{time},"session_id":"{id}","harness":"{harness}","tool":"Bash","decision":"deny","gates":["G1"],"subject":"git push --force origin main","reason":"No force push"}}"#
        )?;
        writeln!(
            ledger,
            r#"{{"time":{time},"session_id":"{id}","harness":"{harness}","tool":"Bash","decision":"ask","gates":["S3"],"subject":"git commit -m 'change {s}'","reason":"regression"}}"#
        )?;
        if s % 20 != 0 {
            writeln!(
                ledger,
                r#"{{"time":{time},"session_id":"{id}","harness":"{harness}","tool":"Bash","decision":"ran","gates":["S3"],"subject":"git commit -m 'change {s}'","reason":"asked, approved and ran (ok)","result":"ok"}}"#
            )?;
        }
    }
    ledger.flush()
}
