//! Commits and pull requests seen in tool results.

use serde::{Deserialize, Serialize};

/// A commit reported by `git commit` (`[main abc1234] message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Commit {
    /// The abbreviated hash as git printed it.
    pub hash: String,
    /// The branch the commit went to.
    pub branch: String,
    /// The subject line.
    pub message: String,
}

/// Commits in the output of `git commit`: lines like `[main abc1234] subject` or
/// `[feature/x (root-commit) abc1234] subject`.
pub(crate) fn parse_commits(output: &str) -> Vec<Commit> {
    output.lines().filter_map(parse_commit_line).collect()
}

fn parse_commit_line(line: &str) -> Option<Commit> {
    let rest = line.trim_start().strip_prefix('[')?;
    let (inside, message) = rest.split_once(']')?;
    let words: Vec<&str> = inside.split_whitespace().collect();
    let (hash, head) = words.split_last()?;
    let branch = head.first()?;
    let hex = hash.len() >= 7 && hash.len() <= 40 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    let middle_ok = head
        .get(1..)
        .is_some_and(|m| m.iter().all(|w| w.starts_with('(') || w.ends_with(')')));
    if !hex || !middle_ok {
        return None;
    }
    Some(Commit {
        hash: (*hash).to_owned(),
        branch: (*branch).to_owned(),
        message: message.trim().to_owned(),
    })
}

/// Pull-request URLs (`https://host/owner/repo/pull/N`, GitLab `/-/merge_requests/N`).
pub(crate) fn parse_pr_urls(output: &str) -> Vec<String> {
    output
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '(' | ')'))
        .filter(|w| w.starts_with("https://") || w.starts_with("http://"))
        .filter(|w| {
            let path = w.trim_end_matches('/');
            let mut segments = path.rsplit('/');
            let number = segments.next().unwrap_or_default();
            let marker = segments.next().unwrap_or_default();
            !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit())
                && matches!(marker, "pull" | "merge_requests")
        })
        .map(|w| w.trim_end_matches('/').to_owned())
        .collect()
}

/// A merge recorded in the reflog of `HEAD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReflogMerge {
    /// The merge commit's full hash.
    pub(crate) hash: String,
    /// When it was made (Unix seconds).
    pub(crate) time: i64,
    /// `Merge a b (octopus)`, from the reflog's message.
    pub(crate) message: String,
}

/// The merges `git merge` recorded in the reflog of `HEAD` of the repository at `root`
/// (`.git/logs/HEAD`, or the one of the git folder a `.git` file names), oldest first. Lines
/// are `OLD NEW NAME <EMAIL> TIME TZ<TAB>merge ARGS: Merge made by the 'STRATEGY' strategy.`
pub(crate) fn reflog_merges(root: &std::path::Path) -> Vec<ReflogMerge> {
    head_reflog(root)
        .map(|log| log.lines().filter_map(parse_reflog_merge).collect())
        .unwrap_or_default()
}

/// The commits `git commit` recorded in the reflog of `HEAD` (`commit: SUBJECT`, also
/// `commit (amend)` and `commit (initial)`), oldest first: how a commit made with `-q`,
/// which prints nothing, is found. The message is the subject.
pub(crate) fn reflog_commits(root: &std::path::Path) -> Vec<ReflogMerge> {
    head_reflog(root)
        .map(|log| log.lines().filter_map(parse_reflog_commit).collect())
        .unwrap_or_default()
}

/// The text of the reflog of `HEAD` of the repository at `root` (`.git/logs/HEAD`, or the
/// one of the git folder a `.git` file names).
fn head_reflog(root: &std::path::Path) -> Option<String> {
    let dot_git = root.join(".git");
    let git_dir = if dot_git.is_file() {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        root.join(text.trim().strip_prefix("gitdir:")?.trim())
    } else {
        dot_git
    };
    std::fs::read_to_string(git_dir.join("logs").join("HEAD")).ok()
}

/// The new hash and the time of a reflog line's head (`OLD NEW NAME <EMAIL> TIME TZ`).
fn reflog_head(head: &str) -> Option<(String, i64)> {
    let mut words = head.split_whitespace();
    let _old = words.next()?;
    let new = words.next()?;
    if new.len() < 7 || !new.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    // The time is the second word from the end (`TIME TZ`).
    let rest: Vec<&str> = words.collect();
    let time = rest.iter().rev().nth(1)?.parse().ok()?;
    Some((new.to_owned(), time))
}

fn parse_reflog_commit(line: &str) -> Option<ReflogMerge> {
    let (head, message) = line.split_once('\t')?;
    let subject = message
        .strip_prefix("commit: ")
        .or_else(|| message.strip_prefix("commit (amend): "))
        .or_else(|| message.strip_prefix("commit (initial): "))?;
    let (hash, time) = reflog_head(head)?;
    Some(ReflogMerge {
        hash,
        time,
        message: subject.to_owned(),
    })
}

fn parse_reflog_merge(line: &str) -> Option<ReflogMerge> {
    let (head, message) = line.split_once('\t')?;
    let what = message.strip_prefix("merge ")?;
    let (args, result) = what.split_once(": ")?;
    let strategy = result
        .strip_prefix("Merge made by the '")?
        .split_once('\'')?
        .0;
    let (hash, time) = reflog_head(head)?;
    Some(ReflogMerge {
        hash,
        time,
        message: format!("Merge {args} ({strategy})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_lines() {
        let out = "[main abc1234] Fix the parser\n 2 files changed, 3 insertions(+)\n";
        let commits = parse_commits(out);
        assert_eq!(
            commits,
            vec![Commit {
                hash: "abc1234".into(),
                branch: "main".into(),
                message: "Fix the parser".into()
            }]
        );
        let root = parse_commits("[feat/x (root-commit) 0123abcd] Initial");
        assert_eq!(root[0].branch, "feat/x");
        assert_eq!(root[0].hash, "0123abcd");
        assert!(parse_commits("[INFO] building").is_empty());
        assert!(parse_commits("[main xyz] nope").is_empty());
        assert!(parse_commits("[abc1234] no branch").is_empty());
    }

    #[test]
    fn pr_urls() {
        let out = "Creating pull request\nhttps://github.com/o/r/pull/42\nsee https://gitlab.com/g/p/-/merge_requests/7/ ok https://github.com/o/r/issues/3";
        assert_eq!(
            parse_pr_urls(out),
            vec![
                "https://github.com/o/r/pull/42",
                "https://gitlab.com/g/p/-/merge_requests/7"
            ]
        );
    }

    #[test]
    fn merges_from_the_reflog() {
        let log = "0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 A U Thor <a@b.c> 1764920000 +0000\tcommit (initial): first\n\
1111111111111111111111111111111111111111 2222222222222222222222222222222222222222 A U Thor <a@b.c> 1764920100 +0100\tmerge feature-a feature-b: Merge made by the 'octopus' strategy.\n\
2222222222222222222222222222222222222222 3333333333333333333333333333333333333333 A U Thor <a@b.c> 1764920200 +0000\tmerge topic: Fast-forward\n\
3333333333333333333333333333333333333333 4444444444444444444444444444444444444444 A U Thor <a@b.c> 1764920300 +0000\tmerge --no-ff topic: Merge made by the 'ort' strategy.\n";
        let merges: Vec<ReflogMerge> = log.lines().filter_map(parse_reflog_merge).collect();
        assert_eq!(
            merges,
            vec![
                ReflogMerge {
                    hash: "2".repeat(40),
                    time: 1_764_920_100,
                    message: "Merge feature-a feature-b (octopus)".into()
                },
                ReflogMerge {
                    hash: "4".repeat(40),
                    time: 1_764_920_300,
                    message: "Merge --no-ff topic (ort)".into()
                },
            ]
        );
        let tmp = tempfile::tempdir().unwrap();
        assert!(reflog_merges(tmp.path()).is_empty());
        std::fs::create_dir_all(tmp.path().join(".git/logs")).unwrap();
        std::fs::write(tmp.path().join(".git/logs/HEAD"), log).unwrap();
        assert_eq!(reflog_merges(tmp.path()).len(), 2);
        // A worktree's `.git` file names its git folder.
        let wt = tempfile::tempdir().unwrap();
        std::fs::write(
            wt.path().join(".git"),
            format!("gitdir: {}\n", tmp.path().join(".git").display()),
        )
        .unwrap();
        assert_eq!(reflog_merges(wt.path()).len(), 2);
    }
}
