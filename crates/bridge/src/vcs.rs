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
}
