//! `audit` on repositories built by hand the way `init` writes them: healthy, then broken one
//! way at a time.

use std::path::Path;
use std::time::{Duration, Instant, UNIX_EPOCH};

use metalayer_kernel::{
    AGENTS_DOC, CLAUDE_DOC, DEFAULT_POLICY_YAML, METALAYER_DOC, POLICY_FILE, REGRESSION_MAP_FILE,
    SchemaKind, settings_path,
};
use metalayer_kernel::{Harness, HookSub, hook_command, policy::Severity};
use metalayer_setup::{
    AuditOptions, AuditReport, CheckStatus, SetpointReport, SetpointStatus, audit, render_audit,
};

/// A stand-in for the `metalayer` binary that answers the audit's probe as metalayer does:
/// the nonce on standard error, exit 2 for the gate (Claude Code's blocking form), else 0.
const FAKE_METALAYER: &str = "#!/bin/sh\necho \"metalayer probe $METALAYER_PROBE\" >&2\n[ \"$2\" = pre-tool-use ] && exit 2\nexit 0\n";

/// Installs the stand-in as `ROOT/.git/fake bin/metalayer` (a path with a space).
fn fake_metalayer(root: &Path) -> std::path::PathBuf {
    let bin = root.join(".git/fake bin/metalayer");
    write(root, ".git/fake bin/metalayer", FAKE_METALAYER);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

/// Claude Code's settings as `init` writes them, running `bin`.
fn claude_settings(bin: &Path) -> String {
    let cmd = |sub| serde_json::to_string(&hook_command(Some(bin), sub, Harness::Claude)).unwrap();
    let group = |sub| {
        format!(
            r#"[{{"matcher": "Bash|Write|Edit|MultiEdit|NotebookEdit", "hooks": [{{"type": "command", "command": {}, "timeout": 10}}]}}]"#,
            cmd(sub)
        )
    };
    format!(
        r#"{{"hooks": {{"PreToolUse": {}, "PostToolUse": {}, "PostToolUseFailure": {},
            "Stop": [{{"hooks": [{{"type": "command", "command": {}, "timeout": 60}}]}}],
            "SessionStart": [{{"hooks": [{{"type": "command", "command": {}, "timeout": 10}}]}}]}}}}"#,
        group(HookSub::PreToolUse),
        group(HookSub::PostToolUse),
        group(HookSub::PostToolUse),
        cmd(HookSub::Stop),
        cmd(HookSub::SessionStart)
    )
}

const SESSION: &str = "docs/conversations/session-2025-01-02-abcdef12.md";

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn decision(kind: &str, n: usize) -> String {
    format!(
        r#"{{"time":{n},"session_id":"s","harness":"claude","tool":"Bash","decision":"{kind}","gates":["G2"],"subject":"git reset --hard","reason":"r"}}"#
    ) + "\n"
}

/// A repository as `init` leaves it, plus one captured session and a ledger of 3 denies,
/// 1 ask and 16 allows.
fn healthy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git/hooks")).unwrap();
    write(root, POLICY_FILE, DEFAULT_POLICY_YAML);
    write(
        root,
        REGRESSION_MAP_FILE,
        "features:\n  auth:\n    patterns: [\"src/auth/**\"]\n    scenarios: [\"log in\"]\n",
    );
    for kind in SchemaKind::ALL {
        write(root, kind.path(), &kind.render());
    }
    write(root, METALAYER_DOC, "# METALAYER\n\n## Setpoints\n");
    write(root, AGENTS_DOC, "# Agents\n");
    write(root, CLAUDE_DOC, "# Claude\n");
    let bin = fake_metalayer(root);
    write(root, settings_path(Harness::Claude), &claude_settings(&bin));
    write(root, SESSION, "---\nsession: abcdef12\n---\n");
    write(
        root,
        "docs/conversations/Conversations.md",
        "# Conversations\n",
    );
    write(
        root,
        ".control/ledger/.gitignore",
        "# metalayer's decision ledger\n*\n",
    );
    let mut lines = String::new();
    for n in 0..3 {
        lines.push_str(&decision("deny", n));
    }
    lines.push_str(&decision("ask", 3));
    write(root, ".control/ledger/decisions.jsonl", &lines);
    write(root, ".control/ledger/allows.tally", &".".repeat(16));
    dir
}

/// Options that measure freshness 100 s after the session file was written.
fn options(root: &Path) -> AuditOptions {
    let written = std::fs::metadata(root.join(SESSION))
        .unwrap()
        .modified()
        .unwrap();
    AuditOptions::default().with_now(written + Duration::from_secs(100))
}

fn setpoint<'a>(report: &'a AuditReport, id: &str) -> &'a SetpointReport {
    report
        .setpoints
        .iter()
        .find(|s| s.id.as_str() == id)
        .unwrap_or_else(|| panic!("no setpoint {id} in {report:#?}"))
}

#[test]
fn a_healthy_repository_audits_clean() {
    let dir = healthy();
    let report = audit(dir.path(), &options(dir.path()));
    assert!(report.ok, "{:#?}", report.failures);
    assert!(report.failures.is_empty());
    for s in &report.setpoints {
        if s.severity == Severity::Blocking {
            assert_eq!(s.status, SetpointStatus::Ok, "{s:?}");
        }
    }
    assert_eq!(setpoint(&report, "S11").value, Some(5.0));
    assert_eq!(setpoint(&report, "S12").value, Some(5.0));
    assert_eq!(setpoint(&report, "S13").value, Some(100.0));
    assert_eq!(setpoint(&report, "S14").value, Some(1.0));
    assert!(!report.policy.embedded_default);
    assert_eq!(report.policy.profile.as_deref(), Some("governed"));
    // Every check of every section is ok.
    let not_ok: Vec<_> = report
        .sections
        .iter()
        .flat_map(|s| &s.checks)
        .filter(|c| c.status != CheckStatus::Ok)
        .collect();
    assert!(not_ok.is_empty(), "{not_ok:#?}");
}

#[test]
fn the_human_form_of_a_healthy_repository() {
    let dir = healthy();
    let report = audit(dir.path(), &options(dir.path()));
    let text = render_audit(&report).replace(&dir.path().display().to_string(), "[ROOT]");
    insta::assert_snapshot!("healthy", text);
}

#[test]
fn the_ledger_gives_exact_rates() {
    let dir = healthy();
    let report = audit(dir.path(), &options(dir.path()));
    let s1 = setpoint(&report, "S1");
    assert_eq!(s1.value, Some(0.8));
    assert_eq!(s1.status, SetpointStatus::Ok);
    let s4 = setpoint(&report, "S4");
    // 3 denies, and the one ask never ran (the outcome hook is wired): 4 of 20.
    assert_eq!(s4.value, Some(0.2));
    // 0.2 > alert_above 0.05, but S4 is informational: a warning, not a failure.
    assert_eq!(s4.status, SetpointStatus::Alert);
    assert!(report.ok);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.starts_with("S4 shield_intervention_rate = 0.2"))
    );
    let ledger = &report.sections[6];
    assert_eq!(ledger.name, "Ledger");
    assert_eq!(
        ledger.checks[0].detail,
        "3 deny, 1 ask (0 approved and ran), 16 allow"
    );
}

#[test]
fn a_deleted_doc_fails_naming_it_and_s11() {
    let dir = healthy();
    std::fs::remove_file(dir.path().join(CLAUDE_DOC)).unwrap();
    let report = audit(dir.path(), &options(dir.path()));
    assert!(!report.ok);
    assert!(
        report.failures.contains(&"CLAUDE.md is missing".to_owned()),
        "{:#?}",
        report.failures
    );
    assert!(
        report
            .failures
            .iter()
            .any(|f| f == "S11 governance_files_present = 4 (alert below 5)"),
        "{:#?}",
        report.failures
    );
    assert_eq!(report.failures.len(), 2, "{:#?}", report.failures);
    let text = render_audit(&report);
    assert!(text.contains("   [missing] CLAUDE.md\n"), "{text}");
    assert!(text.ends_with(
        "Audit failed: 2 blocking issues: CLAUDE.md is missing; S11 governance_files_present = 4 (alert below 5)\n"
    ));
}

#[test]
fn a_missing_schema_is_blocking_and_a_stale_one_a_warning() {
    let dir = healthy();
    let policy_schema = dir.path().join(SchemaKind::Policy.path());
    std::fs::write(&policy_schema, "{\"type\": \"object\"}\n").unwrap();
    let report = audit(dir.path(), &options(dir.path()));
    assert!(report.ok, "{:#?}", report.failures);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("schemas/policy.schema.json: stale"))
    );

    std::fs::remove_file(dir.path().join(SchemaKind::DecisionRecord.path())).unwrap();
    let report = audit(dir.path(), &options(dir.path()));
    assert!(!report.ok);
    assert!(
        report
            .failures
            .contains(&"schemas/decision-record.schema.json is missing".to_owned())
    );
    // `schemas/` no longer counts as present.
    assert_eq!(setpoint(&report, "S11").value, Some(4.0));
}

#[test]
fn a_schema_with_init_s_comment_is_current() {
    let dir = healthy();
    let kind = SchemaKind::FeatureMap;
    let mut value: serde_json::Value = serde_json::from_str(&kind.render()).unwrap();
    value["$comment"] = "generated by metalayer init".into();
    std::fs::write(dir.path().join(kind.path()), value.to_string()).unwrap();
    let report = audit(dir.path(), &options(dir.path()));
    let schemas = &report.sections[2];
    assert_eq!(schemas.name, "Schemas");
    let check = schemas
        .checks
        .iter()
        .find(|c| c.subject == kind.path())
        .unwrap();
    assert_eq!(check.status, CheckStatus::Ok, "{check:?}");
}

#[test]
fn broken_settings_fail_naming_the_file_and_line() {
    let dir = healthy();
    write(
        dir.path(),
        ".claude/settings.json",
        "{\n  \"hooks\": {\n    \"PreToolUse\": [,]\n  }\n}\n",
    );
    let report = audit(dir.path(), &options(dir.path()));
    assert!(!report.ok);
    let named: Vec<_> = report
        .failures
        .iter()
        .filter(|f| f.starts_with(".claude/settings.json: not valid JSON, line 3 column"))
        .collect();
    assert_eq!(named.len(), 1, "{:#?}", report.failures);
    // Without its settings, no hook is wired: S12 fails too.
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.starts_with("S12 hooks_wired = 0"))
    );
}

#[test]
fn an_invalid_policy_fails_naming_the_line() {
    let dir = healthy();
    write(
        dir.path(),
        POLICY_FILE,
        "version: \"1.0\"\ngates:\n  hard:\n    - id: G1\n      rule: \"x\"\n      pattern: \"(unclosed\"\n",
    );
    let report = audit(dir.path(), &options(dir.path()));
    assert!(!report.ok);
    let first = report.failures.first().unwrap();
    assert!(
        first.starts_with(".control/policy.yaml: line 6:"),
        "{first}"
    );
    assert!(!report.policy.valid);
    assert!(report.policy.embedded_default);
    // The rest is audited with the embedded default's setpoints.
    assert_eq!(report.setpoints.len(), 6);
}

#[test]
fn a_missing_policy_is_blocking() {
    let dir = healthy();
    std::fs::remove_file(dir.path().join(POLICY_FILE)).unwrap();
    let report = audit(dir.path(), &options(dir.path()));
    assert!(!report.ok);
    assert_eq!(
        report.failures.first().map(String::as_str),
        Some(".control/policy.yaml is missing (using the embedded default; run `metalayer init`)")
    );
    assert_eq!(report.policy.path, "<embedded default policy>");
}

/// The healthy repository with a policy of only these setpoints.
fn with_setpoints(setpoints: &str) -> tempfile::TempDir {
    let dir = healthy();
    write(
        dir.path(),
        POLICY_FILE,
        &format!("version: \"1.0\"\nprofile: governed\nsetpoints:\n{setpoints}"),
    );
    dir
}

#[test]
fn command_measurements() {
    let dir = with_setpoints(
        "  - {id: S20, name: coverage, target: 0.9, alert_below: 0.8, measurement: {type: command, spec: \"echo 0.9\"}, severity: blocking}\n\
         \x20 - {id: S21, name: broken, alert_below: 1, measurement: {type: command, spec: \"echo nope >&2; exit 7\"}, severity: blocking}\n\
         \x20 - {id: S22, name: slow, alert_below: 1, measurement: {type: command, spec: \"sleep 5; echo 1\", timeout_seconds: 1}, severity: advisory}\n\
         \x20 - {id: S23, name: audit_pass_rate, target: 1.0, alert_below: 0.95, measurement: \"make control-audit exit code\", severity: blocking}\n\
         \x20 - {id: S24, name: low, alert_below: 1, measurement: {type: command, spec: \"printf 'x\\\\n0.5\\\\n'\"}, severity: blocking}\n",
    );
    let start = Instant::now();
    let report = audit(dir.path(), &options(dir.path()));
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );

    let ok = setpoint(&report, "S20");
    assert_eq!((ok.value, ok.status), (Some(0.9), SetpointStatus::Ok));

    let broken = setpoint(&report, "S21");
    assert_eq!(broken.status, SetpointStatus::Error);
    assert!(broken.detail.contains("status 7") && broken.detail.contains("nope"));

    let slow = setpoint(&report, "S22");
    assert_eq!(slow.status, SetpointStatus::Error);
    assert!(
        slow.detail.contains("timed out after 1 s"),
        "{}",
        slow.detail
    );

    let text = setpoint(&report, "S23");
    assert_eq!(
        (text.value, text.status),
        (None, SetpointStatus::Unmeasured)
    );

    let low = setpoint(&report, "S24");
    assert_eq!((low.value, low.status), (Some(0.5), SetpointStatus::Alert));

    assert!(!report.ok);
    assert_eq!(report.failures.len(), 2, "{:#?}", report.failures);
    assert!(
        report.failures[0]
            .starts_with("S21 broken could not be measured: the command exited with status 7")
    );
    assert_eq!(report.failures[1], "S24 low = 0.5 (alert below 1)");
    // The advisory timeout is a warning; the free-text setpoint neither passes nor fails.
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.starts_with("S22 slow could not be measured"))
    );
    assert!(!report.warnings.iter().any(|w| w.contains("S23")));
    assert_eq!(report.unmeasured(), 1);
}

#[test]
fn commands_can_be_skipped() {
    let dir = with_setpoints(
        "  - {id: S21, name: broken, alert_below: 1, measurement: {type: command, spec: \"exit 7\"}, severity: blocking}\n",
    );
    let report = audit(dir.path(), &options(dir.path()).with_commands(false));
    assert!(report.ok);
    assert_eq!(setpoint(&report, "S21").status, SetpointStatus::Unmeasured);
}

#[test]
fn a_git_pre_commit_hook_counts_when_executable() {
    let dir = healthy();
    let hook = dir.path().join(".git/hooks/pre-commit");
    std::fs::write(&hook, "#!/bin/sh\nexec metalayer hook pre-commit\n").unwrap();
    #[cfg(unix)]
    {
        // Not executable yet: git would skip it.
        let report = audit(dir.path(), &options(dir.path()));
        assert_eq!(setpoint(&report, "S12").value, Some(5.0));
        assert!(report.warnings.iter().any(|w| w.contains("not executable")));
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let report = audit(dir.path(), &options(dir.path()));
    let s12 = setpoint(&report, "S12");
    assert_eq!(s12.value, Some(6.0));
    assert!(
        s12.detail.ends_with("pre-commit regression gate"),
        "{}",
        s12.detail
    );
}

#[test]
fn a_fresh_repository_without_sessions_or_ledger_passes_with_warnings() {
    let dir = healthy();
    std::fs::remove_dir_all(dir.path().join("docs")).unwrap();
    std::fs::remove_dir_all(dir.path().join(".control/ledger")).unwrap();
    let report = audit(dir.path(), &AuditOptions::default());
    assert!(report.ok, "{:#?}", report.failures);
    assert_eq!(setpoint(&report, "S13").status, SetpointStatus::Unmeasured);
    assert_eq!(setpoint(&report, "S1").status, SetpointStatus::Unmeasured);
    assert_eq!(setpoint(&report, "S14").status, SetpointStatus::Alert);
    let text = render_audit(&report);
    assert!(
        text.ends_with("Audit passed (2 warnings, 3 unmeasured).\n"),
        "{text}"
    );
}

#[test]
fn a_broken_feature_map_is_blocking() {
    let dir = healthy();
    write(dir.path(), REGRESSION_MAP_FILE, "features: [1, 2\n");
    let report = audit(dir.path(), &options(dir.path()));
    assert!(!report.ok);
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.starts_with(".control/regression-map.yaml: ")),
        "{:#?}",
        report.failures
    );
}

#[test]
fn the_json_form() {
    let dir = healthy();
    std::fs::remove_file(dir.path().join(AGENTS_DOC)).unwrap();
    let value = audit(dir.path(), &options(dir.path())).to_json();
    assert_eq!(value["ok"], false);
    assert_eq!(value["policy"]["path"], POLICY_FILE);
    assert_eq!(value["sections"][1]["name"], "Governance docs");
    let agents = &value["sections"][1]["checks"][2];
    assert_eq!(agents["subject"], "AGENTS.md");
    assert_eq!(agents["status"], "missing");
    assert_eq!(agents["blocking"], true);
    let s11 = value["setpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "S11")
        .unwrap();
    assert_eq!(s11["value"], 4.0);
    assert_eq!(s11["status"], "alert");
    assert_eq!(s11["severity"], "blocking");
    assert_eq!(s11["measurement"], "builtin `governance_files_present`");
    assert_eq!(value["failures"][0], "AGENTS.md is missing");
}

/// The healthy repository with two gates of its own added to `gates.hard`: `no-npm` (with
/// examples) and `no-yarn`, and a ledger line of `no-npm` matching at `matched`.
fn with_own_gates(examples: &str, matched: u64) -> tempfile::TempDir {
    let dir = healthy();
    let root = dir.path();
    let own = format!(
        "  hard:\n    - id: no-npm\n      rule: This project uses pnpm\n      pattern: '\\bnpm\\s+install\\b'\n      examples:\n{examples}    - id: no-yarn\n      rule: This project uses pnpm\n      pattern: '\\byarn\\s+add\\b'\n"
    );
    let policy = DEFAULT_POLICY_YAML.replacen("  hard:\n", &own, 1);
    assert_ne!(
        policy, DEFAULT_POLICY_YAML,
        "the default policy has a `  hard:` list"
    );
    write(root, POLICY_FILE, &policy);
    let line = format!(
        r#"{{"time":{matched},"session_id":"s","harness":"claude","tool":"Bash","decision":"deny","gates":["no-npm"],"subject":"npm install x","reason":"r"}}"#
    );
    let path = root.join(".control/ledger/decisions.jsonl");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&line);
    text.push('\n');
    std::fs::write(path, text).unwrap();
    dir
}

fn check<'a>(report: &'a AuditReport, subject: &str) -> Option<&'a metalayer_setup::AuditCheck> {
    report
        .sections
        .iter()
        .flat_map(|s| &s.checks)
        .find(|c| c.subject == subject)
}

const DAY: u64 = 86_400;

#[test]
fn gates_of_the_repository_s_own_that_stopped_matching_are_reported_for_retirement() {
    let matched = 1_000 * DAY;
    let examples = "        block: ['npm install x']\n        allow: ['pnpm install x']\n";
    let dir = with_own_gates(examples, matched);
    let at = |days: u64| UNIX_EPOCH + Duration::from_secs(matched + days * DAY);
    let report = audit(dir.path(), &options(dir.path()).with_now(at(100)));
    let npm = check(&report, "gate no-npm").expect("no-npm is stale after 100 days");
    assert!(
        npm.detail
            .contains("no match in 90 days (last matched 100 days ago)"),
        "{}",
        npm.detail
    );
    assert!(
        npm.detail.contains("move it to `gates.soft`"),
        "{}",
        npm.detail
    );
    let yarn = check(&report, "gate no-yarn").expect("no-yarn never matched");
    assert!(
        yarn.detail.contains("never matched in the ledger"),
        "{}",
        yarn.detail
    );
    // The gates every profile ships are safety nets: never suggested for retirement.
    assert!(check(&report, "gate G2").is_none());
    let examples_check = check(&report, "gate examples").unwrap();
    assert_eq!(examples_check.detail, "2 examples honoured by their gate");
    // Within the window, and with a longer window, no-npm is not stale.
    let report = audit(dir.path(), &options(dir.path()).with_now(at(10)));
    assert!(check(&report, "gate no-npm").is_none());
    assert!(check(&report, "gate no-yarn").is_some());
    let longer = options(dir.path())
        .with_now(at(100))
        .with_stale_after(Duration::from_secs(365 * DAY));
    let report = audit(dir.path(), &longer);
    assert!(check(&report, "gate no-npm").is_none());
}

#[test]
fn a_ledger_younger_than_the_window_says_nothing_about_staleness() {
    let dir = with_own_gates("        block: ['npm install x']\n", 1_000 * DAY);
    // Rewrite the ledger with only recent lines.
    let now = 2_000 * DAY;
    let line = format!(
        r#"{{"time":{},"session_id":"s","harness":"claude","tool":"Bash","decision":"deny","gates":["G2"],"subject":"git reset --hard","reason":"r"}}"#,
        now - 5 * DAY
    );
    write(
        dir.path(),
        ".control/ledger/decisions.jsonl",
        &(line + "\n"),
    );
    let report = audit(
        dir.path(),
        &options(dir.path()).with_now(UNIX_EPOCH + Duration::from_secs(now)),
    );
    assert!(check(&report, "gate no-yarn").is_none());
}

#[test]
fn a_gate_example_the_gate_does_not_honour_fails_the_audit() {
    let examples = "        block: ['npm install x']\n        allow: ['npm install y']\n";
    let dir = with_own_gates(examples, 1_000 * DAY);
    let report = audit(dir.path(), &options(dir.path()));
    assert!(!report.ok);
    let c = check(&report, "gate examples").unwrap();
    assert!(c.blocking);
    assert!(
        c.detail
            .contains("gate no-npm stops `npm install y`, listed under `allow`"),
        "{}",
        c.detail
    );
}
