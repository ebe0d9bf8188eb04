//! `metalayer hook pre-tool-use`: the corpus and every bad input through the real binary.

use std::path::Path;

use assert_cmd::Command;
use serde::Deserialize;
use serde_json::{Value, json};

use metalayer_test_support::fake_repo;

#[derive(Debug, Deserialize)]
struct Case {
    policy: String,
    tool: String,
    command: Option<String>,
    file_path: Option<String>,
    expect: String,
}

#[derive(Debug, Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> Vec<Case> {
    let shared = manifest().join("../../../shared/corpus/gates.toml");
    let path = if shared.exists() {
        shared
    } else {
        manifest().join("../kernel/tests/data/gates-corpus.toml")
    };
    let corpus: Corpus = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    corpus.case
}

fn hook(root: &Path, stdin: impl Into<Vec<u8>>) -> std::process::Output {
    Command::cargo_bin("metalayer")
        .unwrap()
        .args(["hook", "pre-tool-use"])
        .env("CLAUDE_PROJECT_DIR", root)
        .current_dir(root)
        .write_stdin(stdin)
        .output()
        .unwrap()
}

fn decision(out: &std::process::Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if out.stdout.is_empty() {
        return "allow".into();
    }
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hookSpecificOutput"]["hookEventName"], "PreToolUse");
    let d = v["hookSpecificOutput"]["permissionDecision"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(d, "allow", "the hook never prints an explicit allow");
    d
}

#[test]
fn every_corpus_case_through_the_real_binary() {
    let seed =
        std::fs::read_to_string(manifest().join("../kernel/tests/data/seed-policy.yaml")).unwrap();
    let default_repo = fake_repo(None);
    let seed_repo = fake_repo(Some(&seed));
    let cases = corpus();
    assert!(cases.len() >= 50);
    for case in cases {
        let root = if case.policy == "seed" {
            seed_repo.path()
        } else {
            default_repo.path()
        };
        let mut input = serde_json::Map::new();
        if let Some(c) = &case.command {
            input.insert("command".into(), c.clone().into());
        }
        if let Some(p) = &case.file_path {
            input.insert(
                "file_path".into(),
                root.join(p).to_string_lossy().into_owned().into(),
            );
        }
        let event = json!({
            "session_id": "s", "transcript_path": "/dev/null", "cwd": root,
            "hook_event_name": "PreToolUse", "tool_name": case.tool, "tool_input": input,
        });
        let got = decision(&hook(root, event.to_string()));
        let ok = match case.expect.as_str() {
            "block" => got == "deny" || got == "ask",
            e => got == e,
        };
        assert!(ok, "{case:?}: got {got}");
    }
}

#[test]
fn bad_inputs_block_with_exit_2_and_a_reason_on_stderr() {
    let r = fake_repo(None);
    let oversize = vec![b' '; 9 * 1024 * 1024];
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("malformed", b"{not json".to_vec()),
        ("empty", Vec::new()),
        (
            "missing field",
            br#"{"tool_input":{"command":"ls"}}"#.to_vec(),
        ),
        (
            "mistyped field",
            br#"{"tool_name":"Bash","tool_input":{"command":42}}"#.to_vec(),
        ),
        (
            "invalid utf-8",
            b"{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"\xc3\x28\"}}".to_vec(),
        ),
        ("oversize", oversize),
    ];
    for (name, input) in inputs {
        let out = hook(r.path(), input);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(out.stdout.is_empty(), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("metalayer"), "{name}: {stderr}");
    }
}

#[test]
fn an_invalid_policy_blocks_naming_the_gate() {
    let r = fake_repo(Some(
        "version: \"1.0\"\ngates:\n  hard:\n    - {id: G7, rule: x, pattern: \"(?<=a)b\"}\n",
    ));
    let out = hook(
        r.path(),
        br#"{"tool_name":"Bash","tool_input":{"command":"ls"}}"#.to_vec(),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("G7") && stderr.contains("line 4"),
        "{stderr}"
    );
}

#[test]
fn codex_speaks_the_same_protocol() {
    let r = fake_repo(None);
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["hook", "pre-tool-use", "--harness", "codex"])
        .env("CLAUDE_PROJECT_DIR", r.path())
        .write_stdin(r#"{"tool_name":"Bash","tool_input":{"command":"git reset --hard"}}"#)
        .output()
        .unwrap();
    assert_eq!(decision(&out), "deny");
}

fn run_as(root: &Path, harness: Option<&str>, event: &Value) -> std::process::Output {
    let mut cmd = Command::cargo_bin("metalayer").unwrap();
    cmd.args(["hook", "pre-tool-use"]);
    if let Some(h) = harness {
        cmd.args(["--harness", h]);
    }
    cmd.env("CLAUDE_PROJECT_DIR", root)
        .write_stdin(event.to_string())
        .output()
        .unwrap()
}

/// A harness's name, its event for a command, and how to read its answer's decision.
type HarnessCase = (&'static str, Value, fn(&Value) -> String);

/// Each harness's event for a shell command, and how to read its answer's decision.
fn harness_cases(command: &str) -> Vec<HarnessCase> {
    vec![
        (
            "codex",
            json!({"session_id": "s", "turn_id": "t1", "hook_event_name": "PreToolUse",
                   "tool_name": "Bash", "tool_input": {"command": command}}),
            |v| {
                v["hookSpecificOutput"]["permissionDecision"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            },
        ),
        (
            "gemini",
            json!({"session_id": "s", "hook_event_name": "BeforeTool", "timestamp": "2026-11-23T10:00:00Z",
                   "tool_name": "run_shell_command", "tool_input": {"command": command}}),
            |v| v["decision"].as_str().unwrap().to_owned(),
        ),
        (
            "cursor",
            json!({"hook_event_name": "beforeShellExecution", "conversation_id": "c", "generation_id": "g",
                   "workspace_roots": ["/r"], "command": command, "cwd": "/r"}),
            |v| v["permission"].as_str().unwrap().to_owned(),
        ),
        (
            "copilot",
            json!({"timestamp": 1_763_892_000_000_u64, "cwd": "/r", "toolName": "bash",
                   "toolArgs": json!({"command": command}).to_string()}),
            |v| v["permissionDecision"].as_str().unwrap().to_owned(),
        ),
    ]
}

#[test]
fn every_harness_blocks_in_its_own_format_and_passes_the_harmless() {
    let r = fake_repo(None);
    for explicit in [true, false] {
        for (name, event, decision_of) in harness_cases("git reset --hard") {
            let out = run_as(r.path(), explicit.then_some(name), &event);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let v: Value =
                serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                decision_of(&v),
                "deny",
                "{name} (explicit: {explicit}): {v}"
            );
            assert!(v.to_string().contains("G2"), "{name}: {v}");
        }
        for (name, event, _) in harness_cases("ls -la") {
            let out = run_as(r.path(), explicit.then_some(name), &event);
            assert_eq!(out.status.code(), Some(0), "{name}");
            assert!(
                out.stdout.is_empty(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
}

#[test]
fn asks_never_fail_open_where_a_harness_has_no_ask() {
    let r = fake_repo(None);
    for (name, event, decision_of) in harness_cases("git restore .") {
        let out = run_as(r.path(), Some(name), &event);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let expected = if matches!(name, "codex" | "gemini") {
            "deny"
        } else {
            "ask"
        };
        assert_eq!(decision_of(&v), expected, "{name}: {v}");
    }
}

#[test]
fn each_harness_fails_closed_in_its_own_blocking_form() {
    let r = fake_repo(None);
    for name in ["claude", "codex", "gemini"] {
        let out = run_as(r.path(), Some(name), &json!({"unexpected": true}));
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            !out.stderr.is_empty(),
            "{name}: exit 2 needs a reason on stderr"
        );
    }
    let out = run_as(
        r.path(),
        Some("cursor"),
        &json!({"hook_event_name": "beforeShellExecution"}),
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["permission"], "deny", "{v}");
    let out = run_as(
        r.path(),
        Some("copilot"),
        &json!({"toolName": "bash", "toolArgs": "{not json"}),
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["permissionDecision"], "deny", "{v}");
}

#[test]
fn file_tools_of_other_harnesses_map_onto_the_gates() {
    let r = fake_repo(None);
    let gemini = json!({"hook_event_name": "BeforeTool", "tool_name": "write_file",
                        "tool_input": {"file_path": "/r/.env", "content": "A=1"}});
    let v: Value = serde_json::from_slice(&run_as(r.path(), None, &gemini).stdout).unwrap();
    assert_eq!(v["decision"], "deny", "{v}");
    let copilot = json!({"toolName": "edit", "toolArgs": {"path": "/r/.claude/settings.json", "new_str": "x"}});
    let v: Value = serde_json::from_slice(&run_as(r.path(), None, &copilot).stdout).unwrap();
    assert_eq!(v["permissionDecision"], "ask", "{v}");
}

#[test]
fn codex_patches_meet_the_file_gates() {
    let r = fake_repo(None);
    let patch = "*** Begin Patch\n*** Add File: config/.env.production\n+KEY=1\n*** End Patch\n";
    let event =
        json!({"turn_id": "t", "tool_name": "apply_patch", "tool_input": {"command": patch}});
    let out = run_as(r.path(), None, &event);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hookSpecificOutput"]["permissionDecision"], "deny", "{v}");
    let harmless = json!({"turn_id": "t", "tool_name": "apply_patch",
        "tool_input": {"command": "*** Begin Patch\n*** Update File: src/lib.rs\n@@\n-a\n+b\n*** End Patch\n"}});
    assert!(run_as(r.path(), None, &harmless).stdout.is_empty());
}
