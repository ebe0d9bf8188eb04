//! `metalayer promote`, run for real: lessons `metalayer distill` finds in sessions captured
//! by `metalayer capture`, written into AGENTS.md or the policy, replayed against history.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use metalayer_test_support::fake_repo;

use super::distill::claude_transcript_with;

const POLICY: &str = r#"# Our policy: comments and order must survive a promotion.
version: "1.0"
gates:
  hard:                        # decision deny
    - id: G1
      rule: "No force push to main/master"
      pattern: "git push.*--force.*(main|master)"
"#;

const AGENTS: &str = "# Agents\n\nOur own rules, never touched.\n\n- Keep commits small.\n";

fn metalayer(root: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("metalayer")
        .unwrap()
        .args(args)
        .current_dir(root)
        .output()
        .unwrap()
}

fn text(out: &std::process::Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A repository with the policy and AGENTS.md above and three captured sessions in which
/// `npm test` fails and `pnpm test` works; `extra` calls end the third session.
fn repository(extra: &[(&str, &str, bool)]) -> tempfile::TempDir {
    let repo = fake_repo(Some(POLICY));
    let root = repo.path();
    fs::write(root.join("AGENTS.md"), AGENTS).unwrap();
    let transcripts = tempfile::tempdir().unwrap();
    for (day, id) in [(1, "aaaa0001"), (2, "bbbb0002"), (3, "cccc0003")] {
        let calls = if day == 3 { extra } else { &[] };
        let t = claude_transcript_with(transcripts.path(), id, day, calls);
        let out = metalayer(root, &["capture", "--transcript", t.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out));
    }
    repo
}

/// The id of the use-instead lesson `distill` finds.
fn lesson_id(root: &Path) -> String {
    let out = metalayer(root, &["distill", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "use_instead")
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .unwrap()
}

#[test]
fn a_rule_is_added_to_agents_md_once_and_a_dry_run_writes_nothing() {
    let repo = repository(&[]);
    let root = repo.path();
    let id = lesson_id(root);

    let out = metalayer(root, &["promote", &id, "--to", "rule", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("dry run: nothing written"), "{stdout}");
    assert!(stdout.contains("+- Use `pnpm`, not `npm`."), "{stdout}");
    assert_eq!(fs::read_to_string(root.join("AGENTS.md")).unwrap(), AGENTS);

    let out = metalayer(root, &["promote", &id, "--to", "rule"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let agents = fs::read_to_string(root.join("AGENTS.md")).unwrap();
    assert!(
        agents.starts_with(AGENTS),
        "the user's text is kept:\n{agents}"
    );
    let section = &agents[AGENTS.len()..];
    assert!(
        section.contains(metalayer_kernel::LESSONS_BEGIN),
        "{section}"
    );
    assert!(section.contains("Use `pnpm`, not `npm`."), "{section}");
    assert!(section.contains(&id), "the lesson is named:\n{section}");
    for session in ["aaaa0001", "bbbb0002", "cccc0003"] {
        assert!(
            section.contains(&format!(
                "docs/conversations/session-2026-12-0{}-{session}.md",
                &session[7..]
            )),
            "links the session {session}:\n{section}"
        );
    }

    // Again: nothing to do, nothing changed.
    let out = metalayer(root, &["promote", &id, "--to", "rule", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["already_promoted"], true, "{json}");
    assert_eq!(fs::read_to_string(root.join("AGENTS.md")).unwrap(), agents);

    // The next session starts knowing the rule.
    let out = Command::cargo_bin("metalayer")
        .unwrap()
        .args(["hook", "session-start"])
        .current_dir(root)
        .write_stdin(format!(
            r#"{{"session_id":"next","hook_event_name":"SessionStart","source":"startup","cwd":"{}"}}"#,
            root.display()
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Use `pnpm`, not `npm`."), "{stdout}");
}

#[test]
fn a_deny_gate_keeps_the_policy_text_and_stops_the_command_in_the_hook() {
    let repo = repository(&[]);
    let root = repo.path();
    let id = lesson_id(root);
    let policy_path = root.join(".control/policy.yaml");

    let out = metalayer(root, &["promote", &id, "--to", "deny", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["written"], true, "{json}");
    assert_eq!(
        json["replay"]["collateral"],
        serde_json::json!([]),
        "{json}"
    );
    assert!(json["replay"]["checked"].as_u64().unwrap() >= 6, "{json}");
    let after = fs::read_to_string(&policy_path).unwrap();
    assert!(
        after.starts_with(POLICY),
        "only an insertion at the end:\n{after}"
    );
    assert!(after.contains("origin:"), "{after}");
    assert!(
        after.contains("npm test"),
        "the example from history:\n{after}"
    );

    // The policy still validates, with the gate's examples honoured.
    let out = metalayer(root, &["validate"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // The gate stops the command and lets the working one through.
    let check = |command: &str| metalayer(root, &["check", "--", command]).status.code();
    assert_eq!(check("npm test"), Some(1));
    assert_eq!(check("pnpm test"), Some(0));
}

#[test]
fn an_over_broad_gate_is_refused_unless_forced() {
    // In the third session `npm --version` worked: the lesson's gate (`\bnpm\b`, every npm
    // call) would have stopped it, so it is too broad.
    let repo = repository(&[("npm --version", "10.2.0", false)]);
    let root = repo.path();
    let id = lesson_id(root);
    let policy_path = root.join(".control/policy.yaml");

    let out = metalayer(
        root,
        &["promote", &id, "--to", "deny", "--dry-run", "--json"],
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let collateral: Vec<&str> = json["replay"]["collateral"]
        .as_array()
        .map(|list| list.iter().filter_map(|c| c["subject"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(json["kind"], "over_broad", "{json}");
    assert_eq!(collateral, ["npm --version"]);
    assert_eq!(fs::read_to_string(&policy_path).unwrap(), POLICY);

    let out = metalayer(root, &["promote", &id, "--to", "deny"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(fs::read_to_string(&policy_path).unwrap(), POLICY);

    let out = metalayer(root, &["promote", &id, "--to", "deny", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        fs::read_to_string(&policy_path)
            .unwrap()
            .starts_with(POLICY)
    );
}

#[test]
fn errors_say_what_to_do() {
    let repo = repository(&[]);
    let root = repo.path();

    let out = metalayer(root, &["promote", "L-00000000", "--to", "rule"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("metalayer distill"), "{stderr}");

    let out = metalayer(root, &["promote", "L-00000000", "--to", "gate"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rule") && stderr.contains("deny"),
        "{stderr}"
    );

    // No policy file: a gate cannot be added; the error names `metalayer init`.
    let id = lesson_id(root);
    fs::remove_file(root.join(".control/policy.yaml")).unwrap();
    let out = metalayer(root, &["promote", &id, "--to", "ask"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("metalayer init"), "{stderr}");

    // No history at all.
    let empty = fake_repo(None);
    let out = metalayer(empty.path(), &["promote", &id, "--to", "rule", "--json"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["kind"], "no_history");
}
