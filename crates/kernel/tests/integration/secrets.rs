//! The secret checks of written content and of staged changes, driven by the same data file
//! as the bridge's redaction (`crates/bridge/tests/data/secrets.toml`): per rule meant for
//! files, every secret is denied in a Write and refused in a commit, with the rule named and the
//! value nowhere in the answer; every near miss passes both.

use std::collections::BTreeMap;

use metalayer_kernel::bridge::secrets::{CONVERSATION_TAG, Detector};
use metalayer_kernel::{HookEnv, SecretScanner, pre_tool_use, staged_secrets};
use metalayer_test_support::{git, git_repo, write};
use serde::Deserialize;
use serde_json::json;

const CASES: &str = include_str!("../../../bridge/tests/data/secrets.toml");

#[derive(Debug, Deserialize)]
struct Secret {
    text: String,
    #[serde(default)]
    #[allow(dead_code)]
    redacted: Option<String>,
    value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RuleCases {
    #[serde(default)]
    secrets: Vec<Secret>,
    #[serde(default)]
    near_misses: Vec<String>,
}

/// `{{abc*3}}` becomes `abcabcabc` (as in the bridge's test).
fn expand(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let inner = &rest[start + 2..start + len];
        let Some((unit, times)) = inner.rsplit_once('*') else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(&unit.repeat(times.parse().unwrap()));
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// The rules meant for files, and their cases: `(rule, secrets as (text, value), near misses)`.
/// A rule, its secrets as `(text, value)`, its near misses.
type Cases = (String, Vec<(String, String)>, Vec<String>);

fn file_cases() -> Vec<Cases> {
    let cases: BTreeMap<String, RuleCases> = toml::from_str(CASES).unwrap();
    let files = Detector::builder()
        .without_tag(CONVERSATION_TAG)
        .build()
        .unwrap();
    let ids: Vec<String> = files.rule_ids().map(|r| r.as_str().to_owned()).collect();
    assert!(ids.len() > 40, "the file rules are most of the rules");
    let mut out = Vec::new();
    for (rule, case) in cases {
        let secrets = case
            .secrets
            .iter()
            .map(|s| {
                let text = expand(&s.text);
                let value = match &s.value {
                    Some(v) => expand(v),
                    None => {
                        let found = files.find(&text);
                        let f = found.iter().find(|f| f.rule().as_str() == rule);
                        f.map_or_else(String::new, |f| text[f.span()].to_owned())
                    }
                };
                (text, value)
            })
            .collect();
        let near = case.near_misses.iter().map(|t| expand(t)).collect();
        if ids.contains(&rule) {
            out.push((rule, secrets, near));
        } else if rule == "ordinary" {
            out.push((rule, Vec::new(), near));
        } else {
            // A conversation-only rule: its secrets are not the files' business, but its near
            // misses must pass all the same.
            out.push((rule, Vec::new(), near));
        }
    }
    out
}

fn write_event(root: &std::path::Path, content: &str) -> Vec<u8> {
    json!({
        "tool_name": "Write",
        "cwd": root,
        "tool_input": {"file_path": root.join("src/config.ts"), "content": content},
    })
    .to_string()
    .into_bytes()
}

#[test]
fn written_secrets_are_denied_and_near_misses_pass() {
    let repo = git_repo();
    let root = repo.path();
    let env = HookEnv::new(Some(root.to_path_buf()), root.to_path_buf());
    let mut failures = Vec::new();
    for (rule, secrets, near) in file_cases() {
        for (text, value) in &secrets {
            let out = pre_tool_use(&write_event(root, text), &env);
            if !out.stdout.contains(r#""permissionDecision":"deny""#)
                || !out
                    .stdout
                    .contains(&format!("{rule} at src/config.ts line"))
            {
                failures.push(format!(
                    "[{rule}] {text:?} not denied by its rule: {}",
                    out.stdout
                ));
            }
            if value.is_empty()
                || out.stdout.contains(value.as_str())
                || out.stderr.contains(value.as_str())
            {
                failures.push(format!(
                    "[{rule}] the value {value:?} is shown: {}",
                    out.stdout
                ));
            }
        }
        for text in &near {
            let out = pre_tool_use(&write_event(root, text), &env);
            if !out.stdout.is_empty() || out.exit_code != 0 {
                failures.push(format!("[{rule}] near miss {text:?} gave {}", out.stdout));
            }
        }
    }
    // Nothing of any secret reached the ledger.
    let ledger = std::fs::read_to_string(root.join(".control/ledger/decisions.jsonl")).unwrap();
    for (rule, secrets, _) in file_cases() {
        for (_, value) in secrets {
            if ledger.contains(&value) {
                failures.push(format!("[{rule}] the ledger holds {value:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn staged_secrets_are_found_on_their_lines_and_near_misses_pass() {
    let repo = git_repo();
    let root = repo.path();
    write(root, "README.md", "readme\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "init"]);
    let cases = file_cases();
    let mut expected = Vec::new();
    for (rule, secrets, near) in &cases {
        for (i, (text, value)) in secrets.iter().enumerate() {
            let path = format!("cases/{rule}-{i}.txt");
            // The secret on line 3, after two ordinary lines.
            write(root, &path, &format!("first\nsecond\n{text}\n"));
            expected.push((path, rule.clone(), value.clone()));
        }
        for (i, text) in near.iter().enumerate() {
            write(root, &format!("near/{rule}-{i}.txt"), &format!("{text}\n"));
        }
    }
    git(root, &["add", "-A"]);
    let scanner = SecretScanner::new(None).unwrap();
    let findings = staged_secrets(root, &scanner).unwrap();
    let mut failures = Vec::new();
    for (path, rule, value) in &expected {
        if !findings
            .iter()
            .any(|f| &f.path == path && &f.rule == rule && f.line >= 3)
        {
            failures.push(format!("[{rule}] not found in {path} at line 3"));
        }
        let shown = findings.iter().map(ToString::to_string).collect::<String>();
        if shown.contains(value.as_str()) {
            failures.push(format!("[{rule}] a finding shows {value:?}"));
        }
    }
    for f in &findings {
        if f.path.starts_with("near/") {
            failures.push(format!("near miss found: {f}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_policy_says_ask_or_off_and_allows_fixtures() {
    let key = format!("ghp_{}A1b2C3", "A1b2C3d4E5".repeat(3));
    let content = format!("export const TOKEN = \"{key}\";\n");
    let repo = git_repo();
    let root = repo.path();
    let env = HookEnv::new(Some(root.to_path_buf()), root.to_path_buf());
    let policy = |section: &str| {
        write(
            root,
            ".control/policy.yaml",
            &format!("version: \"1.0\"\n{section}"),
        );
    };
    policy("secrets:\n  content: ask\n");
    let out = pre_tool_use(&write_event(root, &content), &env);
    assert!(
        out.stdout.contains(r#""permissionDecision":"ask""#),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains(&key));
    policy("secrets:\n  content: off\n");
    assert!(
        pre_tool_use(&write_event(root, &content), &env)
            .stdout
            .is_empty()
    );
    policy("secrets:\n  allow:\n    paths: [\"src/**\"]\n");
    assert!(
        pre_tool_use(&write_event(root, &content), &env)
            .stdout
            .is_empty()
    );
    policy("secrets:\n  allow:\n    rules: [github-token]\n");
    assert!(
        pre_tool_use(&write_event(root, &content), &env)
            .stdout
            .is_empty()
    );
    let fingerprint = metalayer_kernel::secret_fingerprint(&key);
    policy(&format!(
        "secrets:\n  allow:\n    fingerprints: [\"{fingerprint}\"]\n"
    ));
    assert!(
        pre_tool_use(&write_event(root, &content), &env)
            .stdout
            .is_empty()
    );
    // Another value is still denied.
    let other = content.replace("A1b2C3\"", "Z9y8X7\"");
    let out = pre_tool_use(&write_event(root, &other), &env);
    assert!(
        out.stdout.contains(r#""permissionDecision":"deny""#),
        "{}",
        out.stdout
    );
}

#[test]
fn shell_writes_edits_and_patches_are_read() {
    let key = format!("ghp_{}A1b2C3", "A1b2C3d4E5".repeat(3));
    let repo = git_repo();
    let root = repo.path();
    let env = HookEnv::new(Some(root.to_path_buf()), root.to_path_buf());
    let deny = |event: serde_json::Value| {
        let out = pre_tool_use(event.to_string().as_bytes(), &env);
        assert!(
            out.stdout.contains(r#""permissionDecision":"deny""#),
            "{event}: {}",
            out.stdout
        );
        assert!(!out.stdout.contains(&key) && !out.stderr.contains(&key));
        out.stdout
    };
    for command in [
        format!("echo \"TOKEN={key}\" > cfg.env.txt"),
        format!("printf '%s\\n' 'TOKEN={key}' >> notes.txt"),
        format!("cat > cfg.txt <<'EOF'\nfirst\ntoken: {key}\nEOF"),
        format!("echo {key} | tee -a out.txt"),
    ] {
        deny(json!({"tool_name": "Bash", "tool_input": {"command": command}}));
    }
    // A token on a command line that writes nothing of it into a file is not this check's.
    let out = pre_tool_use(
        json!({"tool_name": "Bash", "tool_input": {"command": format!("echo {key} | wc -c > count.txt")}})
            .to_string()
            .as_bytes(),
        &env,
    );
    assert!(!out.stdout.contains("Secret shield"), "{}", out.stdout);
    // An Edit is placed on the file's line.
    write(root, "src/app.ts", "one\ntwo\nconst T = process.env.T;\n");
    let reason = deny(json!({"tool_name": "Edit", "tool_input": {
        "file_path": root.join("src/app.ts"),
        "old_string": "const T = process.env.T;",
        "new_string": format!("const T = \"{key}\";"),
    }}));
    assert!(reason.contains("src/app.ts line 3"), "{reason}");
    deny(json!({"tool_name": "MultiEdit", "tool_input": {
        "file_path": root.join("src/app.ts"),
        "edits": [{"old_string": "one", "new_string": "1"}, {"old_string": "two", "new_string": key}],
    }}));
    deny(json!({"tool_name": "NotebookEdit", "tool_input": {
        "notebook_path": root.join("n.ipynb"), "new_source": format!("token = '{key}'"),
    }}));
    let reason = deny(json!({"tool_name": "apply_patch", "tool_input": {"command":
        format!("*** Begin Patch\n*** Add File: a.txt\n+fine\n*** Add File: b.txt\n+x\n+k={key}\n*** End Patch\n")}}));
    assert!(reason.contains("b.txt line 2"), "{reason}");
    // Copilot's create.
    let out = pre_tool_use(
        json!({"toolName": "create", "cwd": root, "toolArgs": {"path": root.join("src/config.ts"), "file_text": format!("k = \"{key}\"")}})
            .to_string()
            .as_bytes(),
        &env.clone().with_harness(metalayer_kernel::Harness::Copilot),
    );
    assert!(out.stdout.contains("github-token"), "{}", out.stdout);
    assert!(!out.stdout.contains(&key));
}

#[test]
fn a_commit_adding_a_secret_is_refused_in_the_hook_and_by_git() {
    let key = format!("ghp_{}A1b2C3", "A1b2C3d4E5".repeat(3));
    let repo = git_repo();
    let root = repo.path();
    write(root, "README.md", "readme\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "init"]);
    let env = HookEnv::new(Some(root.to_path_buf()), root.to_path_buf());
    write(
        root,
        "src/config.ts",
        &format!("a\nexport const T = \"{key}\";\n"),
    );
    let commit = |command: &str| {
        pre_tool_use(
            json!({"tool_name": "Bash", "cwd": root, "tool_input": {"command": command}})
                .to_string()
                .as_bytes(),
            &env,
        )
    };
    // Staged by the same call.
    let out = commit("git add src/config.ts && git commit -m config");
    assert!(
        out.stdout.contains(r#""permissionDecision":"deny""#),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("github-token at src/config.ts line 2"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains(&key));
    // Not staged, a plain commit: nothing of it is committed.
    assert!(
        !commit("git commit -m nothing")
            .stdout
            .contains("Secret shield")
    );
    // Staged: the plain commit and git's pre-commit hook refuse it.
    git(root, &["add", "src/config.ts"]);
    assert!(
        commit("git commit -m config")
            .stdout
            .contains("Secret shield")
    );
    let out = metalayer_kernel::pre_commit(root);
    assert_eq!(out.exit_code, 1);
    assert!(
        out.stderr.contains("github-token at src/config.ts line 2"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(&key));
    write(
        root,
        ".control/policy.yaml",
        "version: \"1.0\"\nsecrets:\n  commits: off\n",
    );
    assert_eq!(metalayer_kernel::pre_commit(root).exit_code, 0);
}
