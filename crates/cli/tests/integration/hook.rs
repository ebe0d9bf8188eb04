//! `metalayer hook pre-tool-use`: the corpus and every bad input through the real binary.

use std::path::Path;

use assert_cmd::Command;
use serde::Deserialize;
use serde_json::{Value, json};

use metalayer_test_support::fake_repo;

#[derive(Debug, Deserialize)]
struct Case {
    #[serde(default = "default_policy")]
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

fn default_policy() -> String {
    "default".to_owned()
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
fn every_command_reading_case_through_the_real_binary() {
    // Issue 12's classes (git's option spellings, commands that run commands, computed
    // arguments, paths, history and hook-skipping gates, inline code), governed profile.
    let path = manifest().join("../kernel/tests/data/command_reading.toml");
    let cases: Corpus = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(cases.case.len() >= 200);
    let root = fake_repo(None);
    let mut failures = Vec::new();
    for case in cases.case {
        let event = json!({
            "session_id": "s", "transcript_path": "/dev/null", "cwd": root.path(),
            "hook_event_name": "PreToolUse", "tool_name": case.tool,
            "tool_input": {"command": case.command},
        });
        let got = decision(&hook(root.path(), event.to_string()));
        if got != case.expect {
            failures.push(format!(
                "{:?}: got {got}, expected {}",
                case.command, case.expect
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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

/// The decision of an answer in any harness's format (`allow` for no answer).
fn any_decision(out: &std::process::Output) -> String {
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
    [
        &v["hookSpecificOutput"]["permissionDecision"],
        &v["permissionDecision"],
        &v["decision"],
        &v["permission"],
    ]
    .iter()
    .find_map(|d| d.as_str())
    .unwrap_or_else(|| panic!("no decision in {v}"))
    .to_owned()
}

/// Sends the exact bytes a harness sends (no re-serialisation) and reads the decision.
fn decide_raw(root: &Path, event: &str) -> String {
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["hook", "pre-tool-use"])
        .env("CLAUDE_PROJECT_DIR", root)
        .write_stdin(event)
        .output()
        .unwrap();
    any_decision(&out)
}

#[test]
fn copilot_patches_are_read_not_refused() {
    let r = fake_repo(None);
    let harmless = "{\"sessionId\":\"s\",\"timestamp\":1,\"cwd\":\"/repo\",\"toolName\":\"apply_patch\",\"toolArgs\":\"*** Begin Patch\\n*** Add File: notes.txt\\n+hello\\n*** End Patch\\n\"}";
    assert_eq!(decide_raw(r.path(), harmless), "allow");
    let secret = harmless.replace("notes.txt", ".env");
    assert_eq!(decide_raw(r.path(), &secret), "deny");
    let hook = harmless.replace("notes.txt", ".github/hooks/metalayer.json");
    assert_eq!(decide_raw(r.path(), &hook), "ask");
    let git_hook = harmless.replace("Add File: notes.txt", "Update File: .git/hooks/pre-commit");
    assert_eq!(decide_raw(r.path(), &git_hook), "deny");
    // A patch metalayer cannot read still fails closed, in Copilot's form (a deny).
    let unknown = harmless.replace("Add File", "Copy File");
    assert_eq!(decide_raw(r.path(), &unknown), "deny");
}

#[test]
fn every_harness_s_file_tools_meet_the_governance_gates() {
    let r = fake_repo(None);
    let cases: [(&str, &str); 9] = [
        (
            r#"{"sessionId":"s","timestamp":1,"cwd":"/repo","toolName":"create","toolArgs":"{\"path\":\"/repo/.github/hooks/metalayer.json\",\"file_text\":\"true\"}"}"#,
            "ask",
        ),
        (
            r#"{"sessionId":"s","timestamp":1,"cwd":"/repo","toolName":"edit","toolArgs":{"path":"/repo/.git/hooks/pre-commit","old_str":"metalayer","new_str":"true"}}"#,
            "deny",
        ),
        (
            r#"{"sessionId":"s","timestamp":1,"cwd":"/repo","toolName":"bash","toolArgs":"{\"command\":\"echo true > .github/hooks/metalayer.json\"}"}"#,
            "ask",
        ),
        (
            r#"{"sessionId":"s","timestamp":1,"cwd":"/repo","toolName":"create","toolArgs":"{\"path\":\"/repo/.github/workflows/ci.yml\",\"file_text\":\"on: push\"}"}"#,
            "allow",
        ),
        (
            r#"{"session_id":"s","turn_id":"t","hook_event_name":"PreToolUse","tool_name":"apply_patch","tool_input":{"command":"*** Begin Patch\n*** Update File: .codex/config.toml\n@@\n+[features]\n+hooks = false\n*** End Patch\n"}}"#,
            "deny",
        ),
        (
            r#"{"session_id":"s","hook_event_name":"BeforeTool","tool_name":"write_file","tool_input":{"file_path":"/repo/.gemini/settings.json","content":"{}"}}"#,
            "deny",
        ),
        (
            r#"{"session_id":"s","hook_event_name":"BeforeTool","tool_name":"replace","tool_input":{"file_path":"/repo/docs/gemini/settings.json","old_string":"a","new_string":"b"}}"#,
            "allow",
        ),
        (
            r#"{"hook_event_name":"beforeShellExecution","conversation_id":"c","generation_id":"g","command":"chmod -x .git/hooks/pre-commit","cwd":"/repo"}"#,
            "deny",
        ),
        (
            r#"{"session_id":"s","hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"file_path":"/repo/.cursor/hooks.json","content":"{}"}}"#,
            "ask",
        ),
    ];
    // Codex and Gemini have no working ask: theirs come as denials naming the confirmation.
    for (event, expected) in cases {
        assert_eq!(decide_raw(r.path(), event), expected, "{event}");
    }
}

#[test]
fn content_gates_see_what_every_harness_writes() {
    let policy = "version: \"1.0\"\ngates:\n  hard:\n    - id: C1\n      rule: \"No private keys in files\"\n      field: content\n      pattern: 'BEGIN [A-Z ]*PRIVATE KEY'\n";
    let r = fake_repo(Some(policy));
    let key = "-----BEGIN RSA PRIVATE KEY-----";
    let events = [
        json!({"sessionId": "s", "timestamp": 1, "cwd": "/repo", "toolName": "create",
               "toolArgs": json!({"path": "/repo/k.txt", "file_text": key}).to_string()}),
        json!({"toolName": "edit", "toolArgs": {"path": "/repo/k.txt", "old_str": "x", "new_str": key}}),
        json!({"toolName": "apply_patch",
               "toolArgs": format!("*** Begin Patch\n*** Add File: k.txt\n+{key}\n*** End Patch\n")}),
        json!({"turn_id": "t", "tool_name": "apply_patch", "tool_input": {
               "command": format!("*** Begin Patch\n*** Update File: k.txt\n@@\n x\n+{key}\n*** End Patch\n")}}),
        json!({"hook_event_name": "BeforeTool", "tool_name": "write_file",
               "tool_input": {"file_path": "/repo/k.txt", "content": key}}),
        json!({"hook_event_name": "BeforeTool", "tool_name": "replace",
               "tool_input": {"file_path": "/repo/k.txt", "old_string": "x", "new_string": key}}),
        json!({"tool_name": "Write", "tool_input": {"file_path": "/repo/k.txt", "content": key}}),
        json!({"tool_name": "Edit", "tool_input": {"file_path": "/repo/k.txt", "old_string": "x", "new_string": key}}),
        json!({"tool_name": "MultiEdit", "tool_input": {"file_path": "/repo/k.txt",
               "edits": [{"old_string": "a", "new_string": "b"}, {"old_string": "x", "new_string": key}]}}),
        json!({"tool_name": "NotebookEdit", "tool_input": {"notebook_path": "/repo/n.ipynb", "new_source": key}}),
    ];
    for event in &events {
        assert_eq!(decide_raw(r.path(), &event.to_string()), "deny", "{event}");
    }
    // A patch that only removes the key adds nothing a content gate objects to.
    let removal = json!({"turn_id": "t", "tool_name": "apply_patch", "tool_input": {
        "command": format!("*** Begin Patch\n*** Update File: k.txt\n@@\n-{key}\n+redacted\n*** End Patch\n")}});
    assert_eq!(decide_raw(r.path(), &removal.to_string()), "allow");
}
