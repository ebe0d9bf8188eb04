//! `promote`: lessons into AGENTS.md and into the policy, as insertions that keep every byte.

use std::path::Path;

use metalayer_kernel::promote::{
    self, Candidate, HistoryCall, Outcome, Plan, PromoteError, SessionRef, Target, is_insertion,
    plan_text,
};
use metalayer_kernel::{
    Decision, Kernel, LESSONS_BEGIN, LESSONS_END, SessionContext, ToolCall, check_examples,
};
use metalayer_policy::{LoadOptions, Policy};
use proptest::prelude::*;
use serde::Deserialize;

fn lesson() -> Candidate {
    Candidate::new(
        "use-pnpm",
        "failed-then-worked",
        "npm fails in this repository; pnpm works",
        "Use pnpm, not npm",
    )
    .with_session(
        SessionRef::new("3f2a91c0-aaaa", "claude", "2026-12-01")
            .with_markdown("docs/conversations/session-2026-12-01-3f2a91c0.md"),
    )
    .with_session(SessionRef::new("77b1e2d4-bbbb", "codex", "2026-12-02"))
    .with_block(["npm install left-pad", "npm i react"])
    .with_allow(["pnpm install left-pad", "npm --version"])
}

fn history() -> Vec<HistoryCall> {
    vec![
        HistoryCall::new(
            "s1",
            "claude",
            "Bash",
            "npm install left-pad",
            Outcome::Error,
        ),
        HistoryCall::new("s1", "claude", "Bash", "pnpm install left-pad", Outcome::Ok),
        HistoryCall::new("s2", "codex", "Bash", "npm i react", Outcome::Error),
        HistoryCall::new("s2", "codex", "Bash", "npm --version", Outcome::Ok),
        HistoryCall::new("s3", "claude", "Bash", "git status", Outcome::Ok),
        HistoryCall::new("s3", "claude", "Write", "src/a.rs", Outcome::Ok),
    ]
}

fn load(text: &str) -> (Policy, usize) {
    let loaded = metalayer_policy::load_str_with(text, "p.yaml", LoadOptions::default()).unwrap();
    (loaded.policy, loaded.warnings.len())
}

#[derive(Deserialize)]
struct Case {
    name: String,
    target: String,
    policy: String,
    #[serde(default)]
    crlf: bool,
    #[serde(default)]
    inserted: Vec<String>,
    #[serde(default)]
    after_contains: Vec<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

/// Every check a gate plan must pass, whatever the file.
fn check_gate_plan(name: &str, plan: &Plan, target: Target) {
    let before = plan.before();
    let after = plan.after();
    assert!(is_insertion(before, after), "{name}: not an insertion");
    let (old, old_warnings) = load(before);
    let (new, new_warnings) = load(after);
    assert!(new_warnings <= old_warnings, "{name}: new warnings");
    let gate = plan.gate().unwrap();
    let (old_list, new_list, other_old, other_new) = match target {
        Target::Deny => (
            &old.gates.hard,
            &new.gates.hard,
            &old.gates.soft,
            &new.gates.soft,
        ),
        _ => (
            &old.gates.soft,
            &new.gates.soft,
            &old.gates.hard,
            &new.gates.hard,
        ),
    };
    assert_eq!(new_list.len(), old_list.len() + 1, "{name}");
    assert_eq!(&new_list[..old_list.len()], &old_list[..], "{name}");
    assert_eq!(new_list.last().unwrap(), gate, "{name}");
    assert_eq!(other_new, other_old, "{name}");
    let mut expected = old.clone();
    match target {
        Target::Deny => expected.gates.hard.push(gate.clone()),
        _ => expected.gates.soft.push(gate.clone()),
    }
    assert_eq!(new, expected, "{name}: the rest of the policy changed");
    assert!(
        check_examples(&new)
            .failures
            .iter()
            .all(|f| f.gate != gate.id.as_str()),
        "{name}: the gate does not honour its examples"
    );
    // The hook's engine, on the file as written, decides as the lesson says.
    let kernel = Kernel::from_policy(new, metalayer_kernel::PolicySource::Embedded).unwrap();
    let decision = if target == Target::Deny {
        Decision::Deny
    } else {
        Decision::Ask
    };
    let decided = |c: &str| kernel.decide(&ToolCall::bash(c));
    assert!(
        decided("npm install left-pad")
            .matches()
            .iter()
            .any(|m| m.id.as_ref() == gate.id.as_str() && m.decision == decision),
        "{name}"
    );
    assert!(
        decided("pnpm install left-pad")
            .matches()
            .iter()
            .all(|m| m.id.as_ref() != gate.id.as_str()),
        "{name}"
    );
}

#[test]
fn gates_go_into_every_shape_of_policy() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/promote_policies.toml"),
    )
    .unwrap();
    let cases: Cases = toml::from_str(&text).unwrap();
    assert!(cases.case.len() >= 15);
    for case in cases.case {
        let name = case.name.as_str();
        let target: Target = case.target.parse().unwrap();
        let policy = if case.crlf {
            case.policy.replace('\n', "\r\n")
        } else {
            case.policy.clone()
        };
        let result = plan_text(
            Path::new(".control/policy.yaml"),
            Some(&policy),
            &lesson(),
            target,
            &history(),
            false,
        );
        if let Some(kind) = &case.error {
            let err = result.err().unwrap_or_else(|| panic!("{name}: planned"));
            assert!(
                format!("{err:?}").starts_with(kind.as_str()),
                "{name}: {err:?}"
            );
            continue;
        }
        let plan = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        check_gate_plan(name, &plan, target);
        assert!(plan.after().len() > plan.before().len(), "{name}");
        for want in &case.inserted {
            assert!(
                plan.after().contains(want.as_str()),
                "{name}: no {want:?} in\n{}",
                plan.after()
            );
            assert!(!plan.before().contains(want.as_str()), "{name}");
        }
        for want in &case.after_contains {
            assert!(
                plan.after().contains(want.as_str()),
                "{name}: no {want:?} in\n{}",
                plan.after()
            );
        }
        if case.crlf {
            assert!(
                !plan.after().replace("\r\n", "").contains('\n'),
                "{name}: a bare line feed"
            );
        }
        assert!(plan.diff().contains("+"), "{name}");
    }
}

fn repo(policy: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if let Some(policy) = policy {
        std::fs::create_dir_all(dir.path().join(".control")).unwrap();
        std::fs::write(dir.path().join(".control/policy.yaml"), policy).unwrap();
    }
    dir
}

const POLICY: &str = "version: \"1.0\"\n# mine\ngates:\n  hard:\n    - id: G1\n      pattern: \"git push.*--force\"  # keep\n";

#[test]
fn an_over_broad_gate_is_refused_unless_forced() {
    let dir = repo(Some(POLICY));
    // `^npm(\s|$)` would stop `npm --version`, which worked, and `npm test`.
    let broad = Candidate::new("npm-broad", "denied-again", "", "No npm at all")
        .with_pattern(r"^npm(\s|$)")
        .with_block(["npm install x"]);
    let mut calls = history();
    calls.push(HistoryCall::new(
        "s4",
        "claude",
        "Bash",
        "npm test",
        Outcome::Ok,
    ));
    let err = promote::plan(dir.path(), &broad, Target::Deny, &calls, false).unwrap_err();
    let PromoteError::OverBroad {
        gate,
        collateral,
        replay,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(gate, "npm-broad");
    let subjects: Vec<&str> = collateral.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(subjects, ["npm --version", "npm test"]);
    assert_eq!(replay.checked, calls.len());
    assert_eq!(replay.blocked_lesson.len(), 2, "the two that failed");
    let message = err.to_string();
    assert!(
        message.contains("`npm test`") && message.contains("--force"),
        "{message}"
    );
    // Nothing was written.
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".control/policy.yaml")).unwrap(),
        POLICY
    );

    let plan = promote::plan(dir.path(), &broad, Target::Deny, &calls, true).unwrap();
    assert!(plan.forced());
    assert_eq!(plan.replay().unwrap().collateral.len(), 2);
    assert!(plan.to_string().contains("(forced)"), "{plan}");
    plan.apply().unwrap();
    let written = std::fs::read_to_string(dir.path().join(".control/policy.yaml")).unwrap();
    assert!(written.starts_with(POLICY), "{written}");
}

#[test]
fn the_replay_separates_the_lesson_from_the_rest() {
    let dir = repo(Some(POLICY));
    let plan = promote::plan(dir.path(), &lesson(), Target::Ask, &history(), false).unwrap();
    let replay = plan.replay().unwrap();
    assert_eq!(replay.checked, 6);
    let stopped: Vec<&str> = replay
        .blocked_lesson
        .iter()
        .map(|c| c.subject.as_str())
        .collect();
    assert_eq!(stopped, ["npm install left-pad", "npm i react"]);
    assert!(replay.collateral.is_empty());
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["target"], "ask");
    assert_eq!(json["gate"]["pattern"], r"^npm\s+(install|i)(\s|$)");
    assert_eq!(json["gate"]["origin"]["sessions"][1], "77b1e2d4-bbbb");
    assert!(
        json["diff"]
            .as_str()
            .unwrap()
            .contains("+    - id: 'use-pnpm'")
    );
    let shown = plan.to_string();
    assert!(
        shown.contains("ask gate `use-pnpm`") && shown.contains("gates.soft"),
        "{shown}"
    );
}

#[test]
fn the_embedded_default_policy_is_not_guessed_at() {
    let dir = repo(None);
    let err = promote::plan(dir.path(), &lesson(), Target::Deny, &history(), false).unwrap_err();
    assert!(matches!(err, PromoteError::NoPolicyFile { .. }));
    assert!(err.to_string().contains("metalayer init"), "{err}");
}

#[test]
fn a_gate_that_misses_its_commands_is_not_written() {
    let dir = repo(Some(POLICY));
    let wrong = lesson().with_pattern(r"^yarn(\s|$)");
    let err = promote::plan(dir.path(), &wrong, Target::Deny, &history(), false).unwrap_err();
    assert!(matches!(err, PromoteError::Unusable { .. }), "{err:?}");
    let bad = lesson().with_pattern("(");
    let err = promote::plan(dir.path(), &bad, Target::Deny, &history(), false).unwrap_err();
    assert!(matches!(err, PromoteError::Unusable { .. }), "{err:?}");
}

#[test]
fn promoting_twice_is_refused_and_a_changed_file_is_not_overwritten() {
    let dir = repo(Some(POLICY));
    let plan = promote::plan(dir.path(), &lesson(), Target::Deny, &history(), false).unwrap();
    let stale = plan.clone();
    plan.apply().unwrap();
    let err = promote::plan(dir.path(), &lesson(), Target::Deny, &history(), false).unwrap_err();
    assert!(
        matches!(err, PromoteError::AlreadyPromoted { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("gate `use-pnpm`"), "{err}");
    // The first plan, applied again, finds the file changed.
    assert!(matches!(stale.apply(), Err(PromoteError::Changed { .. })));
    // As a rule, too.
    let rule = promote::plan(dir.path(), &lesson(), Target::Rule, &[], false).unwrap();
    rule.apply().unwrap();
    let err = promote::plan(dir.path(), &lesson(), Target::Rule, &[], false).unwrap_err();
    assert!(
        matches!(err, PromoteError::AlreadyPromoted { .. }),
        "{err:?}"
    );
}

#[cfg(unix)]
#[test]
fn apply_keeps_the_files_permissions() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = repo(Some(POLICY));
    let path = dir.path().join(".control/policy.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let plan = promote::plan(dir.path(), &lesson(), Target::Deny, &history(), false).unwrap();
    plan.apply().unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
}

const USER_AGENTS: &str = "# Agents\n\n- never push on Fridays\n";

#[test]
fn rules_go_into_the_marked_section_only() {
    // No file: created with the section.
    let dir = repo(None);
    let plan = promote::plan(dir.path(), &lesson(), Target::Rule, &[], false).unwrap();
    assert!(plan.creates_file());
    assert!(plan.after().contains(LESSONS_BEGIN) && plan.after().contains(LESSONS_END));
    plan.apply().unwrap();

    // A file without the section: appended at its end, the user's text untouched.
    let after = rule_after(Some(USER_AGENTS));
    assert!(after.starts_with(USER_AGENTS), "{after}");
    assert!(after.contains("\n\n## Lessons learned\n"), "{after}");

    // A section with user text after it: the bullet goes last in the section.
    let before = format!(
        "# Agents\n{LESSONS_BEGIN}\n- Run `just test` (lesson `L0`)\n{LESSONS_END}\n\n- a bullet after the section\n"
    );
    let after = rule_after(Some(&before));
    assert!(is_insertion(&before, &after));
    let expected_line = "- Use pnpm, not npm (lesson `use-pnpm`; sessions: [2026-12-01 claude 3f2a91c0](docs/conversations/session-2026-12-01-3f2a91c0.md), 2026-12-02 codex 77b1e2d4)";
    assert!(
        after.contains(&format!(
            "(lesson `L0`)\n{expected_line}\n{LESSONS_END}\n\n- a bullet after"
        )),
        "{after}"
    );

    // CRLF and no final line ending.
    let after = rule_after(Some("# Agents\r\n\r\nBe kind."));
    assert!(
        after.starts_with("# Agents\r\n\r\nBe kind.\r\n\r\n## Lessons learned"),
        "{after:?}"
    );
    assert!(!after.replace("\r\n", "").contains('\n'), "{after:?}");

    // A section that never closes is not guessed at.
    let err = plan_text(
        Path::new("AGENTS.md"),
        Some(&format!("{LESSONS_BEGIN}\n- x\n")),
        &lesson(),
        Target::Rule,
        &[],
        false,
    )
    .unwrap_err();
    assert!(matches!(err, PromoteError::CannotEdit { .. }), "{err:?}");
}

fn rule_after(before: Option<&str>) -> String {
    plan_text(
        Path::new("AGENTS.md"),
        before,
        &lesson(),
        Target::Rule,
        &[],
        false,
    )
    .unwrap()
    .after()
    .to_owned()
}

#[test]
fn the_session_context_shows_promoted_rules_without_their_provenance() {
    let dir = repo(None);
    std::fs::write(dir.path().join("AGENTS.md"), USER_AGENTS).unwrap();
    promote::plan(dir.path(), &lesson(), Target::Rule, &[], false)
        .unwrap()
        .apply()
        .unwrap();
    let context = SessionContext::gather(dir.path(), None);
    assert_eq!(context.rules, ["Use pnpm, not npm"]);
    let text = context.render();
    assert!(
        text.contains("- Use pnpm, not npm\n") || text.ends_with("- Use pnpm, not npm"),
        "{text}"
    );
    assert!(!text.contains("3f2a91c0"), "{text}");
}

fn policy_shape() -> impl Strategy<Value = String> {
    let comment = prop::sample::select(vec!["", "# a comment\n", "  # indented\n", "\n"]);
    let indent = prop::sample::select(vec![2usize, 3, 4]);
    let gates = prop::collection::vec("[a-z]{1,6}( [a-z-]{1,5}){0,2}", 0..4);
    let style = prop::sample::select(vec!["block", "flow-items", "flow-list", "none"]);
    (
        comment.clone(),
        comment,
        indent,
        gates,
        style,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(c1, c2, n, gates, style, crlf, final_nl)| {
            let sp = " ".repeat(n);
            let mut text = format!("{c1}version: \"1.0\"\n{c2}");
            if style != "none" {
                text.push_str("gates:\n");
                text.push_str(&format!(
                    "{sp}hard:{}",
                    if style == "flow-list" { " [" } else { "\n" }
                ));
                for (i, p) in gates.iter().enumerate() {
                    let id = format!("G{i}");
                    let pattern = format!("'{}'", p.replace('\'', "''"));
                    match style {
                        "block" => text.push_str(&format!(
                            "{sp}{sp}- id: {id}\n{sp}{sp}  pattern: {pattern}\n{c2}"
                        )),
                        "flow-items" => {
                            text.push_str(&format!("{sp}{sp}- {{id: {id}, pattern: {pattern}}}\n"));
                        }
                        _ => text.push_str(&format!(
                            "{}{{id: {id}, pattern: {pattern}}}",
                            if i == 0 { "" } else { ", " }
                        )),
                    }
                }
                if style == "flow-list" {
                    text.push_str("]\n");
                }
                text.push_str(c1);
            }
            text.push_str("setpoints: []\n");
            if !final_nl {
                text.pop();
            }
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_gate_insertion_keeps_every_byte(policy in policy_shape(), deny in any::<bool>()) {
        let target = if deny { Target::Deny } else { Target::Ask };
        let plan = plan_text(Path::new("p.yaml"), Some(&policy), &lesson(), target, &history(), false);
        // A generated gate may itself stop `npm install`; the only acceptable refusal is then
        // over-breadth, never a failed edit.
        match plan {
            Ok(plan) => {
                prop_assert!(is_insertion(&policy, plan.after()));
                check_gate_plan("proptest", &plan, target);
            }
            Err(PromoteError::OverBroad { .. }) => {}
            Err(e) => prop_assert!(false, "{e}\n{policy:?}"),
        }
    }

    #[test]
    fn yaml_like_noise_never_breaks_the_planner(
        pieces in prop::collection::vec(
            prop::sample::select(vec![
                "version: \"1.0\"\n", "gates:\n", "gates: {", "  hard:", "  soft:", " [", "]", "}",
                "\n", "\r\n", "    - id: G1\n", "      pattern: x\n", "    - {id: G2}\n", "  - id: G3\n",
                " # c\n", "'", "\"", "\t", ",", " ", "-", ":", "hard: null\n", "|\n", "  text\n",
            ]),
            0..24,
        ),
        deny in any::<bool>(),
    ) {
        let policy: String = pieces.concat();
        let target = if deny { Target::Deny } else { Target::Ask };
        if let Ok(plan) = plan_text(Path::new("p.yaml"), Some(&policy), &lesson(), target, &history(), true) {
            prop_assert!(is_insertion(&policy, plan.after()));
            check_gate_plan("noise", &plan, target);
        }
    }

    #[test]
    fn a_rule_insertion_keeps_every_byte(user in "(#{0,2} ?[a-zA-Z`*<>!-]{0,12}(\r?\n)?){0,8}", section in any::<bool>()) {
        let before = if section {
            format!("{user}\n{LESSONS_BEGIN}\n- an old rule\n{LESSONS_END}\n{user}")
        } else {
            user.clone()
        };
        match plan_text(Path::new("AGENTS.md"), Some(&before), &lesson(), Target::Rule, &[], false) {
            Ok(plan) => {
                prop_assert!(is_insertion(&before, plan.after()));
                prop_assert!(plan.after().contains("- Use pnpm, not npm (lesson `use-pnpm`"));
            }
            // The user's own text may open a section it never closes, or hold the rule.
            Err(PromoteError::CannotEdit { .. } | PromoteError::AlreadyPromoted { .. }) => {}
            Err(e) => prop_assert!(false, "{e}"),
        }
    }
}

#[test]
fn a_subfolder_names_its_repository() {
    let dir = repo(Some(POLICY));
    let deep = dir.path().join("web/src");
    std::fs::create_dir_all(&deep).unwrap();
    let plan = promote::plan(&deep, &lesson(), Target::Deny, &history(), false).unwrap();
    assert_eq!(plan.path(), dir.path().join(".control/policy.yaml"));
    let rule = promote::plan(&deep, &lesson(), Target::Rule, &[], false).unwrap();
    assert_eq!(rule.path(), dir.path().join("AGENTS.md"));
}
