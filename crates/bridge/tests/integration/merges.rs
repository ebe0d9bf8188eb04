//! Merge commits: git prints no hash for them, so the capture reads them from the reflog of a
//! real repository (an octopus merge of two branches and a `--no-ff` merge).

use std::fs;

use metalayer_bridge::{Capture, CaptureOptions, SessionId, Timestamp};
use metalayer_test_support::git;
use serde_json::json;

#[test]
fn octopus_and_no_ff_merges_are_listed_from_the_reflog() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    fs::write(repo.join("a.txt"), "a\n").unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    for branch in ["feature-a", "feature-b", "topic"] {
        git(&repo, &["checkout", "-q", "-b", branch, "main"]);
        fs::write(repo.join(format!("{branch}.txt")), "x\n").unwrap();
        git(&repo, &["add", "."]);
        git(&repo, &["commit", "-q", "-m", branch]);
    }
    git(&repo, &["checkout", "-q", "main"]);
    let octopus_out = git(&repo, &["merge", "--no-edit", "feature-a", "feature-b"]);
    let octopus = git(&repo, &["rev-parse", "HEAD"]);
    let no_ff_out = git(&repo, &["merge", "--no-ff", "--no-edit", "topic"]);
    let no_ff = git(&repo, &["rev-parse", "HEAD"]);
    assert!(
        octopus_out.contains("Merge made by the 'octopus' strategy."),
        "{octopus_out}"
    );

    let md = capture_calls(
        tmp.path(),
        &repo,
        &Timestamp::now().to_string(),
        "merge the branches",
        &[
            ("git merge --no-edit feature-a feature-b", &octopus_out),
            ("git merge --no-ff --no-edit topic", &no_ff_out),
        ],
    );
    let commits = md.split("\n## Commits").nth(1).unwrap();
    assert!(commits.contains(&octopus[..7]), "octopus {octopus}:\n{md}");
    assert!(commits.contains(&no_ff[..7]), "no-ff {no_ff}:\n{md}");
    assert!(commits.contains("feature-a feature-b (octopus)"), "{md}");
}

/// `git commit -q` prints nothing: the commit is read from the reflog, and an amend made
/// quietly replaces the commit it amends.
#[test]
fn quiet_commits_are_listed_from_the_reflog() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    fs::write(repo.join("a.txt"), "a\n").unwrap();
    git(&repo, &["add", "."]);
    // Made before the session: not the agent's.
    let status = std::process::Command::new("git")
        .args(["commit", "-q", "-m", "before the session"])
        .current_dir(&repo)
        .env("GIT_COMMITTER_DATE", "@1000000000 +0000")
        .status()
        .unwrap();
    assert!(status.success());
    let at = Timestamp::now().to_string();
    // One more made before the prompt, in the same second: the subjects tell them apart.
    fs::write(repo.join("b.txt"), "b\n").unwrap();
    git(&repo, &["add", "b.txt"]);
    git(&repo, &["commit", "-q", "-m", "just before the session"]);
    let mut hashes = Vec::new();
    for (n, subject) in ["Quiet one", "Quiet one, amended", "Quiet two"]
        .iter()
        .enumerate()
    {
        fs::write(repo.join("a.txt"), format!("{n}\n")).unwrap();
        if subject.ends_with("amended") {
            git(&repo, &["commit", "-q", "-a", "--amend", "-m", subject]);
        } else {
            git(&repo, &["commit", "-q", "-a", "-m", subject]);
        }
        hashes.push(git(&repo, &["rev-parse", "HEAD"]));
    }
    let md = capture_calls(
        tmp.path(),
        &repo,
        &at,
        "commit quietly",
        &[
            ("git commit -qam 'Quiet one'", ""),
            ("git commit -q --amend -m 'Quiet one, amended'", ""),
            ("git commit -qam 'Quiet two'", ""),
        ],
    );
    let commits = md
        .split("\n## Commits")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    assert!(commits.contains("Quiet one, amended"), "{md}");
    assert!(commits.contains(&hashes[1][..7]), "{md}");
    assert!(
        !commits.contains(&hashes[0][..7]),
        "the amended commit is replaced:\n{md}"
    );
    assert!(
        commits.contains("Quiet two") && commits.contains(&hashes[2][..7]),
        "{md}"
    );
    assert!(!commits.contains("before the session"), "{md}");
}

/// Captures a Claude Code session at `at` in the repository `repo`: one prompt, then a Bash
/// call per `(command, output)`; the note's markdown.
fn capture_calls(
    tmp: &std::path::Path,
    repo: &std::path::Path,
    at: &str,
    prompt: &str,
    calls: &[(&str, &str)],
) -> String {
    let cwd = repo.to_str().unwrap();
    let mut text = format!(
        "{}\n",
        json!({"type": "user", "sessionId": "s", "cwd": cwd, "gitBranch": "main", "timestamp": at,
            "message": {"role": "user", "content": prompt}})
    );
    for (n, (command, output)) in calls.iter().enumerate() {
        text.push_str(&format!(
            "{}\n{}\n",
            json!({"type": "assistant", "sessionId": "s", "cwd": cwd, "timestamp": at,
                "message": {"id": format!("m{n}"), "content": [{"type": "tool_use", "id": format!("t{n}"),
                "name": "Bash", "input": {"command": command}}]}}),
            json!({"type": "user", "sessionId": "s", "cwd": cwd, "timestamp": at,
                "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": format!("t{n}"),
                "content": output}]}})
        ));
    }
    let transcript = tmp.join("s.jsonl");
    fs::write(&transcript, text).unwrap();
    let options = CaptureOptions::new(
        transcript,
        SessionId::new("s"),
        tmp.join("out"),
        tmp.join("state"),
    )
    .with_root(repo);
    let report = Capture::run(&options).unwrap();
    fs::read_to_string(report.session_file).unwrap()
}
