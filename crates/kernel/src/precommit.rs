//! git's pre-commit hook (`metalayer hook pre-commit`, installed by `init` in the autonomous
//! profile): the regression gate enforced by git, and the refusal of staged changes that add a
//! secret. Fails closed.

use std::path::Path;

use metalayer_gates::{NormalizeOptions, normalize};

use crate::error::KernelError;
use crate::kernel::Kernel;
use crate::outcome::HookOutcome;
use crate::regression::ShellCall;

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
