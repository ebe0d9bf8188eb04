//! The files that judge a candidate: the programs the base's evaluation commands run (`sh
//! scripts/measure-login.sh`, `./tools/bench`, `python3 tools/coverage.py`, `. scripts/env.sh`)
//! and the configuration files they are given (`--config=ci/cov.toml`), and one level down the
//! programs those scripts run in turn. A candidate that changed one of them would change how it
//! is judged, so its worktree gets the base's version back before its commands run, and the
//! scorecard says so.
//!
//! What a program reads as data is the candidate's work and stays as the candidate has it
//! (`wc -l src/app.js` measures `src/app.js`), and so do test files by their name
//! (`test_login.py`, `login.spec.ts`, `auth_test.go`): writing tests is part of its work, and
//! the tests it added are shown as signals of their own; a runner such as `tests/run.sh` is a
//! judge. Files a command reaches otherwise (a `Makefile` target, a tool's own configuration
//! file found by name) are not followed.

use std::collections::BTreeSet;
use std::path::Path;

use crate::evaluation::Evaluation;

/// The largest script read for the programs it runs in turn.
const SCRIPT_LIMIT: usize = 64 * 1024;

/// Programs whose first operand is the program they run.
const RUNNERS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "source", ".", "python", "python3", "node", "deno", "bun",
    "ruby", "perl", "php", "lua", "Rscript", "tsx", "ts-node", "pwsh",
];

/// The options after which a runner runs code or a module, not a file.
fn code_options(runner: &str) -> &'static [&'static str] {
    match runner {
        "python" | "python3" => &["-c", "-m"],
        "node" | "deno" | "bun" | "tsx" | "ts-node" => &["-e", "-p", "--eval", "--print"],
        "ruby" | "perl" | "lua" | "Rscript" => &["-e", "-E"],
        "php" => &["-r"],
        _ => &["-c"],
    }
}

/// A word as a relative path of the repository, if it can be one: quotes removed, `./`
/// dropped; absolute paths, `..`, variables and folders are not.
fn as_path(word: &str) -> Option<&str> {
    let w = word.trim_matches(|c| matches!(c, '"' | '\'' | '`'));
    let w = w.strip_prefix("./").unwrap_or(w);
    (!w.is_empty()
        && !w.starts_with('-')
        && !w.starts_with('$')
        && !w.starts_with('/')
        && !w.contains("..")
        && !w.ends_with('/'))
    .then_some(w)
}

/// The words of a shell command (or script) that name a program it runs or a configuration
/// file it is given: in each simple command (split at `;`, `&`, `|`, parentheses and new
/// lines, assignments skipped), a first word holding a `/`, the first operand of a runner
/// (`sh X`, `python3 X`, `. X`), and the value of a `--…config…` option.
fn program_words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for segment in text.split([';', '&', '|', '(', ')', '\n']) {
        let mut words = segment
            .split(|c: char| c.is_whitespace() || matches!(c, '<' | '>'))
            .filter(|w| !w.is_empty())
            .skip_while(|w| w.contains('=') && !w.starts_with('-'))
            .peekable();
        let Some(first) = words.next() else {
            continue;
        };
        let name = first.trim_matches(|c| matches!(c, '"' | '\''));
        if name.contains('/')
            && let Some(path) = as_path(name)
        {
            out.push(path);
        }
        let base = name.rsplit('/').next().unwrap_or(name);
        let runner = RUNNERS.contains(&base);
        let code = code_options(base);
        let mut operand_taken = !runner;
        let mut previous = "";
        for word in words {
            if let Some((option, value)) = word.split_once('=')
                && option.starts_with("--")
                && option.contains("config")
            {
                out.extend(as_path(value));
            } else if previous.starts_with("--") && previous.contains("config") {
                out.extend(as_path(word));
            } else if !operand_taken && !word.starts_with('-') {
                operand_taken = true;
                if !code.contains(&previous) {
                    out.extend(as_path(word));
                }
            }
            if code.contains(&word) && runner && !operand_taken {
                // `python3 -c CODE`, `python3 -m module`: no file runs.
                operand_taken = true;
            }
            previous = word;
        }
    }
    out
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
        for word in program_words(command) {
            if blob_id(base, word).is_some() && found.insert(word.to_owned()) {
                scripts.push(word.to_owned());
            }
        }
    }
    // One level down: the programs a named script runs.
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
        for word in program_words(text) {
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
    fn programs_and_configurations_not_data() {
        let words = program_words(
            "sh ./scripts/measure.sh --config=ci/cfg.toml && python3 'tools/x.py' $OUT /etc/passwd -q | tee out.txt",
        );
        assert_eq!(words, ["scripts/measure.sh", "ci/cfg.toml", "tools/x.py"]);
        // What a program reads is data; code and modules are not files.
        assert!(program_words("wc -l src/app.js; cat README.md | grep x").is_empty());
        assert!(program_words("python3 -m pytest tests/test_a.py; node -e 'x'").is_empty());
        assert_eq!(
            program_words("CI=1 ./tools/bench --runs 3 src/app.js\n. scripts/env.sh"),
            ["tools/bench", "scripts/env.sh"]
        );
        assert_eq!(
            program_words("eslint --config .eslintrc.json src"),
            [".eslintrc.json"]
        );
        assert_eq!(program_words("bash -x -e ci/run.sh arg"), ["ci/run.sh"]);
    }
}
