//! The files that judge a candidate: those the base's evaluation commands name (`sh
//! scripts/measure-login.sh`, `python tools/coverage.py --config=ci/cov.toml`), and one level
//! down the files those scripts name. A candidate that changed one of them would change how it
//! is judged, so its worktree gets the base's version back before its commands run, and the
//! scorecard says so. Test files, by their name (`test_login.py`, `login.spec.ts`,
//! `auth_test.go`), are left as the candidate has them: writing tests is part of its work, and
//! the tests it added are shown as signals of their own; a runner such as `tests/run.sh` is a
//! judge. Files a command reaches otherwise (a `Makefile` target, a tool's own configuration
//! file found by name) are not followed.

use std::collections::BTreeSet;
use std::path::Path;

use crate::evaluation::Evaluation;

/// The largest script read for the files it names in turn.
const SCRIPT_LIMIT: usize = 64 * 1024;

/// The words of a shell command (or script) that could name a file: split at white space and
/// shell operators, quotes removed, `./` dropped, the value of `--name=VALUE` taken.
fn path_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '<' | '>'))
        .map(|w| w.trim_matches(|c| matches!(c, '"' | '\'' | '`')))
        .map(|w| match w.split_once('=') {
            Some((name, value)) if name.starts_with('-') => value,
            _ => w,
        })
        .filter(|w| !w.is_empty() && !w.starts_with('-') && !w.starts_with('$'))
        .map(|w| w.strip_prefix("./").unwrap_or(w))
        .filter(|w| !w.starts_with('/') && !w.contains("..") && !w.ends_with('/'))
}

/// The blob at `path` of `tree`, if it is a file.
fn blob_id(tree: &git2::Tree<'_>, path: &str) -> Option<git2::Oid> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    (entry.kind() == Some(git2::ObjectType::Blob)).then(|| entry.id())
}

/// The files of `base` that judge a candidate (see the module docs), sorted; test files, as
/// `is_test` tells them, are left out.
pub(crate) fn judge_files(
    repo: &git2::Repository,
    base: &git2::Tree<'_>,
    evaluation: &Evaluation,
    is_test: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut found: BTreeSet<String> = BTreeSet::new();
    let mut scripts: Vec<String> = Vec::new();
    for command in evaluation.commands() {
        for word in path_words(command) {
            if blob_id(base, word).is_some() && found.insert(word.to_owned()) {
                scripts.push(word.to_owned());
            }
        }
    }
    // One level down: the files a named script names.
    for script in scripts {
        let Some(blob) = blob_id(base, &script).and_then(|id| repo.find_blob(id).ok()) else {
            continue;
        };
        if blob.size() > SCRIPT_LIMIT {
            continue;
        }
        let Ok(text) = std::str::from_utf8(blob.content()) else {
            continue;
        };
        for word in path_words(text) {
            if blob_id(base, word).is_some() {
                found.insert(word.to_owned());
            }
        }
    }
    found.into_iter().filter(|p| !is_test(p)).collect()
}

/// The judge files `candidate` has otherwise than `base` (changed, or deleted).
pub(crate) fn changed_by(
    judges: &[String],
    base: &git2::Tree<'_>,
    candidate: &git2::Tree<'_>,
) -> Vec<String> {
    judges
        .iter()
        .filter(|p| blob_id(base, p) != blob_id(candidate, p))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_could_name_files() {
        let words: Vec<&str> = path_words(
            "sh ./scripts/measure.sh --config=ci/cfg.toml && python3 'tools/x.py' $OUT /etc/passwd ../up -q | tee out.txt",
        )
        .collect();
        assert_eq!(
            words,
            [
                "sh",
                "scripts/measure.sh",
                "ci/cfg.toml",
                "python3",
                "tools/x.py",
                "tee",
                "out.txt"
            ]
        );
    }
}
