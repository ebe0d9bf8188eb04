//! Claude Code's PreToolUse protocol through `pre_tool_use`.

use std::path::Path;

use metalayer_kernel::{HookEnv, HookOutcome, pre_tool_use};
use metalayer_test_support::fake_repo as repo;
use serde_json::Value;

use super::support::{PROFILES, command_reading, corpus, git, governance_variants, seed_policy};

fn run(input: &[u8], root: &Path) -> HookOutcome {
    pre_tool_use(
        input,
        &HookEnv::new(Some(root.to_path_buf()), root.to_path_buf()),
    )
}

/// The decision printed on stdout, or `allow` for none.
/// The decision on a Bash call of `command` made in the repository at `root`.
fn decide_bash(root: &Path, command: &str) -> String {
    let event = serde_json::json!({
        "session_id": "s", "transcript_path": "/dev/null", "cwd": root,
        "hook_event_name": "PreToolUse", "tool_name": "Bash",
        "tool_input": {"command": command},
    });
    decision(&run(event.to_string().as_bytes(), root)).0
}

fn decision(out: &HookOutcome) -> (String, String) {
    assert_eq!(out.exit_code, 0, "stderr: {}", out.stderr);
    if out.stdout.is_empty() {
        return ("allow".into(), String::new());
    }
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let h = &v["hookSpecificOutput"];
    assert_eq!(h["hookEventName"], "PreToolUse");
    assert_eq!(
        v.as_object().unwrap().len(),
        1,
        "only hookSpecificOutput: {v}"
    );
    (
        h["permissionDecision"].as_str().unwrap().to_owned(),
        h["permissionDecisionReason"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn the_corpus_passes_through_the_hook_protocol() {
    let default_repo = repo(None);
    let seed_repo = repo(Some(&seed_policy()));
    for case in corpus() {
        let root = if case.policy == "seed" {
            seed_repo.path()
        } else {
            default_repo.path()
        };
        let out = run(case.event(root).as_bytes(), root);
        let (got, reason) = decision(&out);
        assert!(case.accepts(&got), "{case:?}: got {got} ({reason})");
        assert_ne!(got, "allow-explicit");
        if got != "allow" {
            assert!(reason.starts_with("Safety shield"), "{reason}");
        }
    }
}

#[test]
fn command_reading_cases_pass_through_the_hook_protocol_in_every_profile() {
    let cases = command_reading();
    for (profile, yaml) in PROFILES {
        let r = repo(Some(yaml));
        std::fs::write(
            r.path().join(".control/regression-map.yaml"),
            "features: {}\n",
        )
        .unwrap();
        for case in &cases {
            let expected = case.expected_in(profile);
            let (got, reason) = decision(&run(case.event(r.path()).as_bytes(), r.path()));
            assert_eq!(got, expected, "{}: {case:?} ({reason})", profile);
        }
    }
}

#[test]
fn a_checkout_of_one_operand_is_read_against_the_repository() {
    // `git checkout NAME` switches to a ref of that name, else restores the path NAME from
    // the index, discarding its changes (checked with git 2.47).
    let r = metalayer_test_support::worktree_fixture();
    let decide = |command: &str| decide_bash(r.path(), command);
    git(r.path(), &["branch", "dev"]);
    git(r.path(), &["tag", "v1"]);
    for command in [
        "git checkout src/auth/login.py",
        "git checkout docs",
        "git checkout README.md",
        "git checkout -q docs/guide.md",
        "git checkout -f docs/guide.md",
        "git checkout ./docs/guide.md",
        "git checkout 'src/*.py'",
        "git checkout docs/",
        "git checkout :/docs",
    ] {
        assert_eq!(decide(command), "ask", "{command}: restores a path");
    }
    for command in [
        "git checkout dev",
        "git checkout v1",
        "git checkout main",
        "git checkout HEAD~0",
        "git checkout -",
        "git checkout -b docs",
        "git checkout --detach dev",
        // Neither a ref nor a path: git refuses, nothing is lost.
        "git checkout no-such-thing",
        // Deleted, not staged: restoring it loses nothing.
        "git checkout src/ui/button.py",
    ] {
        assert_eq!(
            decide(command),
            "allow",
            "{command}: switches or does nothing"
        );
    }
    // A branch named like a folder is switched to.
    git(r.path(), &["branch", "docs"]);
    assert_eq!(decide("git checkout docs"), "allow", "the branch docs");
    // The folder git runs in: `-C` and `cd`.
    for command in [
        "git -C src checkout auth/login.py",
        "cd src && git checkout auth/login.py",
        "cd src/auth && git checkout login.py",
    ] {
        assert_eq!(decide(command), "ask", "{command}: restores a path");
    }
    for command in ["git -C src checkout dev", "cd src && git checkout v1"] {
        assert_eq!(decide(command), "allow", "{command}: switches");
    }
}

#[test]
fn renaming_onto_an_existing_main_is_read_as_moving_it() {
    // `git branch -M main` renames the current branch to main: harmless where there is no
    // main (GitHub's quick start), moving main where there is one.
    let r = metalayer_test_support::git_repo();
    git(r.path(), &["commit", "-q", "--allow-empty", "-m", "first"]);
    git(r.path(), &["branch", "-M", "master"]);
    let decide = |command: &str| decide_bash(r.path(), command);
    assert_eq!(decide("git branch -M main"), "allow", "no main yet");
    git(r.path(), &["branch", "main"]);
    assert_eq!(decide("git branch -M main"), "ask", "main exists");
    assert_eq!(decide("git branch -C main"), "ask", "main exists");
    assert_eq!(
        decide("git branch -m main"),
        "allow",
        "git refuses without force"
    );
    git(r.path(), &["checkout", "-q", "main"]);
    assert_eq!(decide("git branch -M main"), "allow", "already on main");
}

#[test]
fn relative_paths_that_climb_out_are_read_from_the_calls_folder() {
    // `..` is resolved against the folder the call runs in (the event's cwd): climbing to the
    // root or a top-level folder is what it is.
    let r = metalayer_test_support::git_repo();
    let deep = r.path().join("a/b/c");
    std::fs::create_dir_all(&deep).unwrap();
    let depth = deep.components().count();
    let up = |n: usize| vec![".."; n].join("/");
    let decide = |command: &str| decide_bash(&deep, command);
    for command in [
        format!("rm -rf {}", up(depth)),
        format!("rm -rf {}/etc", up(depth)),
        format!("rm -rf {}/*", up(depth)),
        format!("cd {} && rm -rf *", up(depth)),
        format!("chmod -R 777 {}", up(depth)),
        format!("chown -R nobody {}/", up(depth + 3)),
        format!("find {} -delete", up(depth)),
    ] {
        assert_eq!(
            decide(&command),
            "deny",
            "{command} from {}",
            deep.display()
        );
    }
    for command in [
        "rm -rf ../build".to_owned(),
        "rm -rf ../../a".to_owned(),
        "cd .. && rm -rf *".to_owned(),
        "chmod -R 755 ..".to_owned(),
        format!("rm -rf {}/tmp/x", up(depth)),
    ] {
        assert_eq!(
            decide(&command),
            "allow",
            "{command} from {}",
            deep.display()
        );
    }
}

#[test]
fn a_forced_push_without_a_refspec_is_read_against_the_current_branch() {
    let r = metalayer_test_support::git_repo();
    let decide = |command: &str| decide_bash(r.path(), command);
    for command in [
        "git push -f",
        "git push --force origin",
        "git push -f origin HEAD",
        "git push --force-with origin",
        "cd . && git push -fq",
        // A `+` forces its own refspec.
        "git push origin +HEAD",
        "git push origin +@",
        "git push origin feature +HEAD",
    ] {
        assert_eq!(decide(command), "deny", "{command} on main");
    }
    assert_eq!(decide("git push"), "allow");
    assert_eq!(decide("git push origin HEAD"), "allow");
    git(r.path(), &["checkout", "-q", "-b", "topic"]);
    assert_eq!(decide("git push -f"), "allow", "on a topic branch");
    assert_eq!(
        decide("git push origin +HEAD"),
        "allow",
        "on a topic branch"
    );
    // A topic branch whose upstream is main.
    git(r.path(), &["config", "branch.topic.remote", "origin"]);
    git(
        r.path(),
        &["config", "branch.topic.merge", "refs/heads/main"],
    );
    // Without a refspec it pushes to main (push.default=upstream; with the default `simple`
    // git refuses the push, which a deny does not change).
    assert_eq!(decide("git push -f"), "deny", "topic pushes to main");
    // A `HEAD` refspec pushes the current branch to its own name, whatever its upstream
    // (checked with git 2.47: `HEAD -> topic`).
    for command in [
        "git push origin +HEAD",
        "git push --force-with-lease origin HEAD",
        "git push -f origin @",
    ] {
        assert_eq!(decide(command), "allow", "{command}: topic pushes to topic");
    }
    // Tags alone leave the branches as they are.
    git(r.path(), &["symbolic-ref", "HEAD", "refs/heads/main"]);
    assert_eq!(decide("git push -f --tags"), "allow", "tags only");
    assert_eq!(decide("git push -f --tags origin"), "allow", "tags only");
    assert_eq!(
        decide("git push -f --follow-tags"),
        "deny",
        "the branch and its tags"
    );
}

#[test]
fn a_branch_switch_in_the_command_is_the_branch_a_later_push_reads() {
    let r = metalayer_test_support::git_repo();
    git(r.path(), &["checkout", "-q", "-b", "topic"]);
    let decide = |command: &str| decide_bash(r.path(), command);
    assert_eq!(decide("git push -f origin HEAD"), "allow", "topic");
    for command in [
        "git checkout main && git push -f origin HEAD",
        "git switch main; git push -f",
        "git checkout -q main && git push --force-with-lease",
    ] {
        assert_eq!(decide(command), "deny", "{command}");
    }
    // A path restored on main leaves the push reading main.
    git(r.path(), &["symbolic-ref", "HEAD", "refs/heads/main"]);
    assert_eq!(
        decide("git checkout src/app.py && git push -f origin HEAD"),
        "deny"
    );
    assert_eq!(decide("git checkout . && git push -f origin HEAD"), "deny");
    git(r.path(), &["symbolic-ref", "HEAD", "refs/heads/topic"]);
    for command in [
        "git checkout -b feature && git push -f origin HEAD",
        "git switch -c feature; git push -f",
        "git checkout main && git checkout feature && git push -f origin HEAD",
    ] {
        assert_eq!(decide(command), "allow", "{command}");
    }
}

#[test]
fn governance_cases_pass_through_the_hook_protocol_in_every_profile() {
    let cases = governance_variants();
    for (profile, yaml) in PROFILES {
        let r = repo(Some(yaml));
        // The feature map the governed and autonomous policies name (a named map that is
        // missing fails every `git commit` closed).
        std::fs::write(
            r.path().join(".control/regression-map.yaml"),
            "features: {}\n",
        )
        .unwrap();
        for case in &cases {
            let expected = match (profile, case.autonomous.as_deref(), case.expect.as_str()) {
                ("autonomous", Some(a), _) => a,
                ("autonomous", None, "ask") => "deny",
                (_, _, e) => e,
            };
            let (got, reason) = decision(&run(case.event(r.path()).as_bytes(), r.path()));
            assert_eq!(got, expected, "{}: {case:?} ({reason})", profile);
        }
    }
}

#[test]
fn allow_prints_nothing_at_all() {
    let r = repo(None);
    let out = run(
        br#"{"tool_name":"Bash","tool_input":{"command":"ls -la"}}"#,
        r.path(),
    );
    assert_eq!(
        (out.exit_code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn bad_input_fails_closed_with_exit_2_and_a_reason() {
    let r = repo(None);
    let big = format!(
        r#"{{"tool_name":"Bash","tool_input":{{"command":"{}"}}}}"#,
        "x".repeat(metalayer_kernel::MAX_EVENT_BYTES)
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("not json", b"git reset --hard".to_vec(), "not valid JSON"),
        ("empty", Vec::new(), "no event"),
        ("array", b"[1,2]".to_vec(), "must be a JSON object"),
        (
            "no tool_name",
            br#"{"tool_input":{"command":"ls"}}"#.to_vec(),
            "no `tool_name`",
        ),
        (
            "tool_name mistyped",
            br#"{"tool_name":7,"tool_input":{}}"#.to_vec(),
            "must be a string",
        ),
        (
            "no tool_input",
            br#"{"tool_name":"Bash"}"#.to_vec(),
            "no `tool_input`",
        ),
        (
            "tool_input mistyped",
            br#"{"tool_name":"Bash","tool_input":"ls"}"#.to_vec(),
            "must be an object",
        ),
        (
            "no command",
            br#"{"tool_name":"Bash","tool_input":{}}"#.to_vec(),
            "without `tool_input.command`",
        ),
        (
            "command mistyped",
            br#"{"tool_name":"Bash","tool_input":{"command":["ls"]}}"#.to_vec(),
            "must be a string",
        ),
        (
            "file_path mistyped",
            br#"{"tool_name":"Write","tool_input":{"file_path":1}}"#.to_vec(),
            "must be a string",
        ),
        (
            "cwd mistyped",
            br#"{"tool_name":"Bash","cwd":5,"tool_input":{"command":"ls"}}"#.to_vec(),
            "`cwd`",
        ),
        (
            "invalid utf-8",
            b"{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"\xff\"}}".to_vec(),
            "UTF-8",
        ),
        (
            "truncated",
            br#"{"tool_name":"Bash","tool_input":{"command":"ls"#.to_vec(),
            "not valid JSON",
        ),
        ("oversize", big.into_bytes(), "larger than"),
    ];
    for (name, input, needle) in cases {
        let out = run(&input, r.path());
        assert_eq!(out.exit_code, 2, "{name}: {out:?}");
        assert!(out.stdout.is_empty(), "{name}: {out:?}");
        assert!(out.stderr.contains(needle), "{name}: {}", out.stderr);
        assert!(out.stderr.contains("blocks it"), "{name}: {}", out.stderr);
    }
}

#[test]
fn an_invalid_policy_fails_closed_naming_the_gate_and_line() {
    let policy = "version: \"1.0\"\ngates:\n  hard:\n    - id: G9\n      rule: broken\n      pattern: \"rm -rf (\"\n";
    let r = repo(Some(policy));
    let out = run(
        br#"{"tool_name":"Bash","tool_input":{"command":"ls"}}"#,
        r.path(),
    );
    assert_eq!(out.exit_code, 2, "{out:?}");
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("G9"), "{}", out.stderr);
    assert!(out.stderr.contains("line 6"), "{}", out.stderr);
}

#[test]
fn on_error_ask_and_allow_are_honoured() {
    let ask = repo(Some("version: \"1.0\"\non_error: ask\n"));
    let out = run(b"garbage", ask.path());
    let (got, reason) = decision(&out);
    assert_eq!(got, "ask");
    assert!(reason.contains("not valid JSON"), "{reason}");

    let allow = repo(Some("version: \"1.0\"\non_error: allow\n"));
    let out = run(b"garbage", allow.path());
    assert_eq!(out.exit_code, 0);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("on_error: allow"));
}

#[test]
fn reasons_stay_valid_json_whatever_the_rule_says() {
    let rule = r#"No "quotes" \ back\slashes, newlines\nor tabs	here"#;
    let policy = format!(
        "version: \"1.0\"\ngates:\n  hard:\n    - id: Q1\n      rule: {}\n      pattern: danger\n",
        serde_json::to_string(&rule.replace("\\n", "\n")).unwrap()
    );
    let r = repo(Some(&policy));
    let out = run(
        br#"{"tool_name":"Bash","tool_input":{"command":"echo \"danger\" \\ \n next"}}"#,
        r.path(),
    );
    let (got, reason) = decision(&out);
    assert_eq!(got, "deny");
    assert!(reason.contains(&rule.replace("\\n", "\n")), "{reason}");
}

#[test]
fn the_policy_is_found_from_the_event_cwd_without_a_project_dir() {
    let r = repo(Some(
        "version: \"1.0\"\ngates:\n  hard:\n    - {id: X1, rule: no ls, pattern: \"^ls\"}\n",
    ));
    let sub = r.path().join("deep/er");
    std::fs::create_dir_all(&sub).unwrap();
    let event =
        serde_json::json!({"tool_name": "Bash", "cwd": sub, "tool_input": {"command": "ls"}});
    let out = pre_tool_use(
        event.to_string().as_bytes(),
        &HookEnv::new(None, std::env::temp_dir()),
    );
    assert_eq!(decision(&out).0, "deny");
}

#[test]
fn powershell_calls_meet_the_shell_gates() {
    let r = repo(None);
    let out = run(
        br#"{"tool_name":"PowerShell","tool_input":{"command":"git push --force origin main"}}"#,
        r.path(),
    );
    assert_eq!(decision(&out).0, "deny");
}
