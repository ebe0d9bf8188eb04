//! The git pre-commit hook of the autonomous profile: the regression gate enforced by git.

use std::path::Path;

use metalayer_gates::{NormalizeOptions, normalize};

use super::marker::hash_comment;
use crate::error::KernelError;
use crate::hook::HookOutcome;
use crate::kernel::Kernel;
use crate::layout::PRE_COMMIT_COMMAND;
use crate::regression::ShellCall;

/// The `.git/hooks/pre-commit` script `init` installs for a profile.
pub(crate) fn script(profile: &str) -> String {
    format!(
        "#!/bin/sh\n{marker}\
         # The regression gate, enforced by git: a commit whose staged files touch a feature of the\n\
         # feature map is refused until its scenarios were run and recorded with `metalayer stamp`.\n\
         if ! command -v metalayer >/dev/null 2>&1; then\n\
         \x20 echo \"pre-commit: metalayer is not on PATH; install it (cargo install metalayer) to commit\" >&2\n\
         \x20 exit 1\n\
         fi\n\
         exec {PRE_COMMIT_COMMAND}\n",
        marker = hash_comment(profile)
    )
}

/// What git's pre-commit hook decides for the repository at `root`: `Ok(None)` when the commit
/// may go ahead (no staged line adds a secret, and no feature map, nothing mapped is staged, or
/// a valid stamp covers the staged tree), `Ok(Some(refusal))` when it must be refused: a secret
/// the staged changes add (unless `secrets.commits: off`; a hook cannot ask, so `ask` refuses
/// too), or, with the affected features, their files
/// and scenarios, and what to do (run them, then `metalayer stamp`).
///
/// It reads the repository's policy (or the embedded default) for `regression.map` and
/// `regression.stamp_ttl_seconds`, and lists the staged files as `git commit` would commit them
/// (honouring `GIT_INDEX_FILE`, which git sets for `git commit -a` and `git commit PATHS`).
///
/// # Errors
///
/// When it cannot decide: an invalid policy, a broken feature map, a feature map named by the
/// policy file's `regression.map` that does not exist, or git failing to list the staged
/// changes. The hook then refuses the commit (fails closed).
pub fn pre_commit_check(root: &Path) -> Result<Option<PreCommitRefusal>, KernelError> {
    let kernel = Kernel::discover(root)?;
    // git runs the hook with the index the commit records (`GIT_INDEX_FILE` for `-a` and
    // PATHS): what is staged is what it commits.
    let commit = normalize("git commit", &NormalizeOptions::default());
    if crate::secrets::commit_action(&kernel) != metalayer_policy::SecretAction::Off {
        let scanner = crate::secrets::SecretScanner::of(&kernel)?;
        let findings = crate::secrets::staged_secrets(root, &scanner)?;
        if !findings.is_empty() {
            return Ok(Some(PreCommitRefusal::Secrets(
                crate::secrets::commit_reason(&findings),
            )));
        }
    }
    Ok(
        crate::regression::regression_ask(&kernel, ShellCall::new(&commit))?
            .map(PreCommitRefusal::Regression),
    )
}

/// Why git's pre-commit hook refuses a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PreCommitRefusal {
    /// The staged changes add a secret (the message names file, line and rule, never the value).
    Secrets(String),
    /// The staged files touch mapped features no valid stamp covers.
    Regression(String),
}

/// git's pre-commit hook for the repository around `cwd` (`metalayer hook pre-commit`): exit 0
/// when the commit may go ahead; exit 1 with the affected features, their scenarios and "run
/// them, then `metalayer stamp`" on stderr when it may not; exit 1 with the reason when it
/// cannot decide (fail closed). Prints nothing on stdout.
#[must_use]
pub fn pre_commit(cwd: &Path) -> HookOutcome {
    let mut out = HookOutcome::default();
    let Some(root) = crate::root::find_root(cwd) else {
        out.exit_code = 1;
        out.stderr = format!(
            "metalayer pre-commit: `{}` is not inside a git repository; refusing the commit\n",
            cwd.display()
        );
        return out;
    };
    match pre_commit_check(&root) {
        Ok(None) => {}
        Ok(Some(PreCommitRefusal::Secrets(message))) => {
            out.exit_code = 1;
            out.stderr = format!("metalayer pre-commit: commit refused.\n\n{message}\n");
        }
        Ok(Some(PreCommitRefusal::Regression(message))) => {
            out.exit_code = 1;
            out.stderr = format!(
                "metalayer pre-commit: commit refused by the regression gate.\n\n{message}\n\
                 Run them, then `metalayer stamp`, then commit again.\n"
            );
        }
        Err(e) => {
            out.exit_code = 1;
            out.stderr = format!(
                "metalayer pre-commit: cannot check the commit ({}); refusing the commit\n",
                e.with_causes()
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_runs_the_hook_and_carries_the_marker() {
        let s = script("autonomous");
        assert!(s.starts_with("#!/bin/sh\n# generated by metalayer init (profile autonomous)"));
        assert!(s.ends_with("exec metalayer hook pre-commit\n"));
        assert!(super::super::marker::is_generated(&s));
    }
}
