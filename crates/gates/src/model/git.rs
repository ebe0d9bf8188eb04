//! git's command line: its global options, and the options of the subcommands the gates and
//! the regression gate reason about.
//!
//! The tables follow git's own option declarations (`builtin/*.c`, `git.c`): global options
//! are matched exactly (git.c does not abbreviate them), subcommand options by parse-options'
//! rules ([`Syntax::Git`]).
//!
//! ```
//! use metalayer_gates::model::git;
//!
//! let words = ["-C", "repo", "commit", "-qam", "wip", "--no-verif"];
//! let inv = git::invocation(&words);
//! assert_eq!(inv.dirs(), ["repo"]);
//! assert_eq!(inv.subcommand(), Some("commit"));
//! let args = inv.args(&words);
//! let parsed = git::subcommand_options("commit").unwrap().parse(args);
//! assert!(parsed.has("all") && parsed.has("no-verify"));
//! assert_eq!(parsed.value("message"), Some("wip"));
//! ```

use std::fmt;

use super::options::{OptionSpec as O, OptionTable, Syntax};

/// What the repository says about where a `git push` without a refspec goes.
///
/// The kernel implements it over the repository the call runs in; it is asked only for a
/// forced push that names no refspec (or `HEAD`), so an implementation may open the
/// repository lazily.
pub trait GitState: fmt::Debug + Send + Sync {
    /// The branch `HEAD` points at (`main`); `None` when detached or unknown.
    fn current_branch(&self) -> Option<String>;

    /// The remote and the remote branch that `git push` sends `branch` to by default
    /// (`branch.<name>.remote` and `branch.<name>.merge`, else `origin` and the same name).
    fn push_destination(&self, branch: &str) -> Option<(String, String)>;

    /// Whether `git checkout NAME` (one operand, no `--`) restores a path: `Some(true)` when
    /// NAME names no branch, tag, remote branch or commit but a file or folder of the working
    /// tree, `Some(false)` when it names a ref (or nothing), `None` when unknown (the default).
    /// `under`: the folder git runs in when not the call's own (`git -C src`, after `cd src`),
    /// relative to the call's folder or absolute.
    fn names_only_a_path(&self, name: &str, under: Option<&str>) -> Option<bool> {
        let _ = (name, under);
        None
    }

    /// Whether a local branch `name` exists: `Some(true)` or `Some(false)`, `None` when unknown
    /// (the default).
    fn has_branch(&self, name: &str) -> Option<bool> {
        let _ = name;
        None
    }

    /// The folder the command starts in (the call's working directory), for relative paths
    /// that climb out of it (`rm -rf ../..`); `None` when unknown (the default).
    fn folder(&self) -> Option<&str> {
        None
    }
}

/// Global options that take the next word as their value.
pub const GLOBAL_WITH_VALUE: &[&str] = &[
    "-C",
    "-c",
    "--git-dir",
    "--work-tree",
    "--namespace",
    "--super-prefix",
    "--config-env",
    "--attr-source",
    "--list-cmds",
];

/// `git [global options] SUBCOMMAND ARGS` as git reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitInvocation<'a> {
    dirs: Vec<&'a str>,
    configs: Vec<&'a str>,
    literal_pathspecs: bool,
    icase_pathspecs: bool,
    subcommand: Option<(usize, &'a str)>,
}

impl<'a> GitInvocation<'a> {
    /// The `-C` folders, in order.
    #[must_use]
    pub fn dirs(&self) -> &[&'a str] {
        &self.dirs
    }

    /// The `-c NAME=VALUE` settings, in order.
    #[must_use]
    pub fn configs(&self) -> &[&'a str] {
        &self.configs
    }

    /// `--literal-pathspecs` was given.
    #[must_use]
    pub fn literal_pathspecs(&self) -> bool {
        self.literal_pathspecs
    }

    /// `--icase-pathspecs` was given.
    #[must_use]
    pub fn icase_pathspecs(&self) -> bool {
        self.icase_pathspecs
    }

    /// The subcommand, if any.
    #[must_use]
    pub fn subcommand(&self) -> Option<&'a str> {
        self.subcommand.map(|(_, s)| s)
    }

    /// The index of the subcommand in the words given to [`invocation`].
    #[must_use]
    pub fn subcommand_index(&self) -> Option<usize> {
        self.subcommand.map(|(i, _)| i)
    }

    /// The subcommand's arguments: the words after it.
    #[must_use]
    pub fn args<'w, S>(&self, words: &'w [S]) -> &'w [S] {
        match self.subcommand {
            Some((i, _)) => words.get(i + 1..).unwrap_or_default(),
            None => &[],
        }
    }
}

/// Reads git's global options from `words` (the words after `git`) up to the subcommand.
#[must_use]
pub fn invocation<S: AsRef<str>>(words: &[S]) -> GitInvocation<'_> {
    let mut out = GitInvocation::default();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let w = w.as_ref();
        let next = || words.get(i + 1).map_or("", AsRef::as_ref);
        match w {
            "-C" => out.dirs.push(next()),
            "-c" => out.configs.push(next()),
            "--literal-pathspecs" => out.literal_pathspecs = true,
            "--icase-pathspecs" => out.icase_pathspecs = true,
            _ => {}
        }
        if GLOBAL_WITH_VALUE.contains(&w) {
            i += 2;
        } else if w.starts_with('-') {
            i += 1;
        } else {
            out.subcommand = Some((i, w));
            return out;
        }
    }
    out
}

/// Subcommands that take a verb of their own (`git reflog expire`, `git stash drop`): their
/// option table is that of `"SUB VERB"`.
pub const VERB_SUBCOMMANDS: &[&str] = &["reflog", "stash"];

/// The option table of a subcommand (or `"reflog expire"`-style pair), if modelled.
#[must_use]
pub fn subcommand_options(sub: &str) -> Option<&'static OptionTable> {
    Some(match sub {
        "commit" => &COMMIT,
        "add" | "stage" => &ADD,
        "rm" => &RM,
        "mv" => &MV,
        "reset" => &RESET,
        "clean" => &CLEAN,
        "push" => &PUSH,
        "checkout" => &CHECKOUT,
        "restore" => &RESTORE,
        "switch" => &SWITCH,
        "branch" => &BRANCH,
        "merge" => &MERGE,
        "rebase" => &REBASE,
        "am" => &AM,
        "prune" => &PRUNE,
        "gc" => &GC,
        "repack" => &REPACK,
        "update-ref" => &UPDATE_REF,
        "read-tree" => &READ_TREE,
        "reflog expire" | "reflog delete" => &REFLOG_EXPIRE,
        "stash drop" | "stash pop" | "stash apply" | "stash clear" => &STASH_DROP,
        "clone" => &CLONE,
        "fetch" => &FETCH,
        "pull" => &PULL,
        "ls-remote" => &LS_REMOTE,
        "archive" => &ARCHIVE,
        "difftool" => &DIFFTOOL,
        _ => return None,
    })
}

/// `git commit`.
pub const COMMIT: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("all", Some('a')),
        O::flag("patch", Some('p')),
        O::flag("interactive", None),
        O::flag("include", Some('i')),
        O::flag("only", Some('o')),
        O::flag("amend", None),
        O::value("message", Some('m')),
        O::value("file", Some('F')),
        O::value("reuse-message", Some('C')),
        O::value("reedit-message", Some('c')),
        O::value("template", Some('t')),
        O::value("fixup", None),
        O::value("squash", None),
        O::value("author", None),
        O::value("date", None),
        O::value("cleanup", None),
        O::value("trailer", None),
        O::value("pathspec-from-file", None),
        O::flag("pathspec-file-nul", None),
        O::optional("gpg-sign", Some('S')),
        O::optional("untracked-files", Some('u')),
        O::flag("allow-empty", None),
        O::flag("allow-empty-message", None),
        O::flag("dry-run", None),
        O::flag("no-verify", Some('n')),
        O::flag("signoff", Some('s')),
        O::flag("edit", Some('e')),
        O::flag("quiet", Some('q')),
        O::flag("verbose", Some('v')),
        O::flag("status", None),
        O::flag("short", None),
        O::flag("branch", None),
        O::flag("porcelain", None),
        O::flag("long", None),
        O::flag("null", Some('z')),
        O::flag("reset-author", None),
        O::flag("no-post-rewrite", None),
    ],
);

/// `git add`.
pub const ADD: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("dry-run", Some('n')),
        O::flag("verbose", Some('v')),
        O::flag("force", Some('f')),
        O::flag("interactive", Some('i')),
        O::flag("patch", Some('p')),
        O::flag("edit", Some('e')),
        O::flag("update", Some('u')),
        O::flag("all", Some('A')),
        O::flag("no-ignore-removal", None),
        O::flag("ignore-removal", None),
        O::flag("intent-to-add", Some('N')),
        O::flag("refresh", None),
        O::flag("ignore-errors", None),
        O::flag("ignore-missing", None),
        O::flag("renormalize", None),
        O::value("chmod", None),
        O::value("pathspec-from-file", None),
        O::flag("pathspec-file-nul", None),
        O::flag("sparse", None),
        O::flag("no-warn-embedded-repo", None),
        O::value("unified", Some('U')),
        O::value("inter-hunk-context", None),
    ],
);

/// `git rm`.
pub const RM: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("force", Some('f')),
        O::flag("dry-run", Some('n')),
        O::flag("r", Some('r')),
        O::flag("cached", None),
        O::flag("ignore-unmatch", None),
        O::flag("quiet", Some('q')),
        O::flag("sparse", None),
        O::value("pathspec-from-file", None),
        O::flag("pathspec-file-nul", None),
    ],
);

/// `git mv`.
pub const MV: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("force", Some('f')),
        O::flag("k", Some('k')),
        O::flag("dry-run", Some('n')),
        O::flag("verbose", Some('v')),
        O::flag("sparse", None),
    ],
);

/// `git reset`.
pub const RESET: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("hard", None),
        O::flag("soft", None),
        O::flag("mixed", None),
        O::flag("merge", None),
        O::flag("keep", None),
        O::flag("quiet", Some('q')),
        O::flag("refresh", None),
        O::flag("patch", Some('p')),
        O::flag("intent-to-add", Some('N')),
        O::value("pathspec-from-file", None),
        O::flag("pathspec-file-nul", None),
        O::optional("recurse-submodules", None),
    ],
);

/// `git clean`.
pub const CLEAN: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("force", Some('f')),
        O::flag("dry-run", Some('n')),
        O::flag("quiet", Some('q')),
        O::flag("interactive", Some('i')),
        O::flag("d", Some('d')),
        O::flag("x", Some('x')),
        O::flag("X", Some('X')),
        O::value("exclude", Some('e')),
    ],
);

/// `git push`.
pub const PUSH: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("all", None),
        O::flag("branches", None),
        O::flag("mirror", None),
        O::flag("delete", Some('d')),
        O::flag("tags", None),
        O::flag("dry-run", Some('n')),
        O::flag("porcelain", None),
        O::flag("force", Some('f')),
        O::optional("force-with-lease", None),
        O::flag("force-if-includes", None),
        O::value("repo", None),
        O::flag("set-upstream", Some('u')),
        O::flag("thin", None),
        O::value("receive-pack", None),
        O::value("exec", None),
        O::flag("verbose", Some('v')),
        O::flag("quiet", Some('q')),
        O::flag("progress", None),
        O::value("recurse-submodules", None),
        O::flag("no-verify", None),
        O::optional("signed", None),
        O::flag("atomic", None),
        O::value("push-option", Some('o')),
        O::flag("ipv4", Some('4')),
        O::flag("ipv6", Some('6')),
        O::flag("follow-tags", None),
        O::flag("prune", None),
    ],
);

/// `git rebase` (its `--no-verify` skips the pre-rebase hook).
pub const REBASE: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::value("onto", None),
        O::flag("keep-base", None),
        O::flag("continue", None),
        O::flag("abort", None),
        O::flag("quit", None),
        O::flag("skip", None),
        O::flag("edit-todo", None),
        O::flag("show-current-patch", None),
        O::flag("merge", Some('m')),
        O::flag("apply", None),
        O::value("empty", None),
        O::flag("keep-empty", Some('k')),
        O::flag("reapply-cherry-picks", None),
        O::flag("allow-empty-message", None),
        O::value("strategy", Some('s')),
        O::value("strategy-option", Some('X')),
        O::flag("rerere-autoupdate", None),
        O::optional("gpg-sign", Some('S')),
        O::flag("quiet", Some('q')),
        O::flag("verbose", Some('v')),
        O::flag("stat", None),
        O::flag("n", Some('n')),
        O::flag("no-verify", None),
        O::value("C", Some('C')),
        O::flag("ignore-whitespace", None),
        O::value("whitespace", None),
        O::flag("committer-date-is-author-date", None),
        O::flag("ignore-date", None),
        O::flag("reset-author-date", None),
        O::flag("signoff", None),
        O::flag("interactive", Some('i')),
        O::optional("rebase-merges", Some('r')),
        O::value("exec", Some('x')),
        O::flag("root", None),
        O::flag("autosquash", None),
        O::flag("autostash", None),
        O::flag("reschedule-failed-exec", None),
        O::flag("update-refs", None),
        O::flag("fork-point", None),
        O::flag("force-rebase", Some('f')),
        O::flag("ff", None),
        O::value("trailer", None),
    ],
);

/// `git am` (its `--no-verify` skips the pre-applypatch and applypatch-msg hooks).
pub const AM: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("signoff", Some('s')),
        O::flag("keep", Some('k')),
        O::flag("keep-non-patch", None),
        O::flag("keep-cr", None),
        O::flag("scissors", Some('c')),
        O::value("quoted-cr", None),
        O::value("empty", None),
        O::flag("message-id", Some('m')),
        O::flag("quiet", Some('q')),
        O::flag("utf8", Some('u')),
        O::flag("3way", Some('3')),
        O::flag("rerere-autoupdate", None),
        O::flag("ignore-space-change", None),
        O::flag("ignore-whitespace", None),
        O::value("whitespace", None),
        O::value("C", Some('C')),
        O::value("p", Some('p')),
        O::value("directory", None),
        O::value("exclude", None),
        O::value("include", None),
        O::flag("reject", None),
        O::value("patch-format", None),
        O::flag("interactive", Some('i')),
        O::flag("no-verify", Some('n')),
        O::flag("committer-date-is-author-date", None),
        O::flag("ignore-date", None),
        O::flag("skip", None),
        O::optional("gpg-sign", Some('S')),
        O::flag("continue", Some('r')),
        O::flag("resolved", None),
        O::value("resolvemsg", None),
        O::flag("abort", None),
        O::flag("quit", None),
        O::flag("retry", None),
        O::optional("show-current-patch", None),
        O::flag("allow-empty", None),
    ],
);

/// `git prune` (without `--expire` it removes every unreachable loose object now).
pub const PRUNE: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("dry-run", Some('n')),
        O::flag("verbose", Some('v')),
        O::flag("progress", None),
        O::value("expire", None),
    ],
);

/// `git checkout`.
pub const CHECKOUT: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("quiet", Some('q')),
        O::flag("progress", None),
        O::value("b", Some('b')),
        O::value("B", Some('B')),
        O::value("orphan", None),
        O::optional("track", Some('t')),
        O::flag("guess", None),
        O::flag("l", Some('l')),
        O::flag("detach", None),
        O::flag("force", Some('f')),
        O::flag("ours", Some('2')),
        O::flag("theirs", Some('3')),
        O::flag("merge", Some('m')),
        O::value("conflict", None),
        O::flag("patch", Some('p')),
        O::flag("ignore-skip-worktree-bits", None),
        O::flag("ignore-other-worktrees", None),
        O::flag("overwrite-ignore", None),
        O::optional("recurse-submodules", None),
        O::flag("overlay", None),
        O::value("pathspec-from-file", None),
        O::flag("pathspec-file-nul", None),
    ],
);

/// `git restore`.
pub const RESTORE: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::value("source", Some('s')),
        O::flag("staged", Some('S')),
        O::flag("worktree", Some('W')),
        O::flag("ours", None),
        O::flag("theirs", None),
        O::flag("merge", Some('m')),
        O::value("conflict", None),
        O::flag("patch", Some('p')),
        O::flag("quiet", Some('q')),
        O::flag("progress", None),
        O::flag("ignore-unmerged", None),
        O::flag("ignore-skip-worktree-bits", None),
        O::optional("recurse-submodules", None),
        O::flag("overlay", None),
        O::value("pathspec-from-file", None),
        O::flag("pathspec-file-nul", None),
    ],
);

/// `git switch`.
pub const SWITCH: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::value("create", Some('c')),
        O::value("force-create", Some('C')),
        O::flag("detach", Some('d')),
        O::flag("guess", None),
        O::flag("force", Some('f')),
        O::flag("discard-changes", None),
        O::flag("merge", Some('m')),
        O::value("conflict", None),
        O::flag("quiet", Some('q')),
        O::flag("progress", None),
        O::optional("track", Some('t')),
        O::value("orphan", None),
        O::flag("ignore-other-worktrees", None),
        O::optional("recurse-submodules", None),
    ],
);

/// `git branch`.
pub const BRANCH: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("delete", Some('d')),
        O::flag("D", Some('D')),
        O::flag("force", Some('f')),
        O::flag("move", Some('m')),
        O::flag("M", Some('M')),
        O::flag("copy", Some('c')),
        O::flag("C", Some('C')),
        O::flag("list", Some('l')),
        O::flag("all", Some('a')),
        O::flag("remotes", Some('r')),
        O::flag("verbose", Some('v')),
        O::flag("quiet", Some('q')),
        O::optional("track", Some('t')),
        O::value("set-upstream-to", Some('u')),
        O::flag("unset-upstream", None),
        O::flag("create-reflog", None),
        O::flag("show-current", None),
        O::optional("contains", None),
        O::optional("merged", None),
        O::value("sort", None),
        O::value("points-at", None),
        O::value("format", None),
        O::optional("column", None),
        O::flag("ignore-case", Some('i')),
        O::flag("edit-description", None),
        O::optional("color", None),
        O::optional("abbrev", None),
        O::flag("omit-empty", None),
        O::flag("recurse-submodules", None),
    ],
);

/// `git merge`.
pub const MERGE: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("commit", None),
        O::flag("edit", Some('e')),
        O::flag("ff", None),
        O::flag("ff-only", None),
        O::optional("log", None),
        O::flag("stat", None),
        O::flag("summary", None),
        O::flag("n", Some('n')),
        O::flag("squash", None),
        O::value("strategy", Some('s')),
        O::value("strategy-option", Some('X')),
        O::value("message", Some('m')),
        O::value("file", Some('F')),
        O::flag("abort", None),
        O::flag("continue", None),
        O::flag("quit", None),
        O::flag("quiet", Some('q')),
        O::flag("verbose", Some('v')),
        O::flag("signoff", None),
        O::optional("gpg-sign", Some('S')),
        O::flag("allow-unrelated-histories", None),
        O::flag("autostash", None),
        O::value("into-name", None),
        O::flag("rerere-autoupdate", None),
        O::flag("overwrite-ignore", None),
        O::flag("progress", None),
        O::value("cleanup", None),
        O::flag("verify-signatures", None),
        O::flag("no-verify", None),
    ],
);

/// `git gc`.
pub const GC: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("aggressive", None),
        O::flag("auto", None),
        O::optional("prune", None),
        O::flag("quiet", Some('q')),
        O::flag("force", None),
        O::flag("keep-largest-pack", None),
        O::flag("cruft", None),
        O::value("max-cruft-size", None),
        O::flag("detach", None),
    ],
);

/// `git repack` (its expiry options written with `=`, as git requires).
pub const REPACK: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("a", Some('a')),
        O::flag("A", Some('A')),
        O::flag("d", Some('d')),
        O::flag("l", Some('l')),
        O::flag("f", Some('f')),
        O::flag("F", Some('F')),
        O::flag("quiet", Some('q')),
        O::flag("n", Some('n')),
        O::optional("unpack-unreachable", None),
        O::flag("keep-unreachable", Some('k')),
        O::flag("cruft", None),
        O::optional("cruft-expiration", None),
        O::value("max-cruft-size", None),
        O::value("combine-cruft-below-size", None),
        O::value("expire-to", None),
        O::value("window", None),
        O::value("window-memory", None),
        O::value("depth", None),
        O::value("threads", None),
        O::value("max-pack-size", None),
        O::value("filter", None),
        O::value("filter-to", None),
        O::flag("write-bitmap-index", Some('b')),
        O::flag("pack-kept-objects", None),
        O::value("keep-pack", None),
        O::flag("delta-islands", Some('i')),
        O::value("geometric", Some('g')),
        O::flag("write-midx", Some('m')),
        O::value("name-hash-version", None),
        O::flag("path-walk", None),
        O::flag("local", None),
    ],
);

/// `git update-ref`.
pub const UPDATE_REF: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("d", Some('d')),
        O::flag("no-deref", None),
        O::value("m", Some('m')),
        O::flag("create-reflog", None),
        O::flag("stdin", None),
        O::flag("z", Some('z')),
    ],
);

/// `git read-tree` (`-u --reset` discards the working tree's changes, `-vu` included).
pub const READ_TREE: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("m", Some('m')),
        O::flag("reset", None),
        O::flag("u", Some('u')),
        O::flag("i", Some('i')),
        O::flag("dry-run", Some('n')),
        O::flag("v", Some('v')),
        O::flag("trivial", None),
        O::flag("aggressive", None),
        O::value("prefix", None),
        O::value("index-output", None),
        O::flag("recurse-submodules", None),
        O::flag("no-recurse-submodules", None),
        O::flag("no-sparse-checkout", None),
        O::flag("empty", None),
        O::flag("quiet", Some('q')),
    ],
);

/// `git reflog expire` and `git reflog delete`.
pub const REFLOG_EXPIRE: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::value("expire", None),
        O::value("expire-unreachable", None),
        O::flag("rewrite", None),
        O::flag("updateref", None),
        O::flag("stale-fix", None),
        O::flag("dry-run", Some('n')),
        O::flag("verbose", None),
        O::flag("all", None),
        O::flag("single-worktree", None),
    ],
);

/// `git stash drop|pop|apply|clear`.
pub const STASH_DROP: OptionTable = OptionTable::new(
    Syntax::Git,
    &[O::flag("quiet", Some('q')), O::flag("index", None)],
);

/// The options `git fetch` and `git pull` share (pull passes them on to fetch). `-u` is
/// `--update-head-ok` here, not `--upload-pack` as for clone.
macro_rules! fetch_options {
    ($($extra:expr),* $(,)?) => {
        &[
            O::flag("all", None),
            O::flag("atomic", None),
            O::flag("append", Some('a')),
            O::value("depth", None),
            O::value("deepen", None),
            O::value("shallow-since", None),
            O::value("shallow-exclude", None),
            O::flag("unshallow", None),
            O::flag("update-shallow", None),
            O::value("negotiation-tip", None),
            O::flag("negotiate-only", None),
            O::flag("dry-run", None),
            O::flag("porcelain", None),
            O::flag("write-fetch-head", None),
            O::flag("force", Some('f')),
            O::flag("keep", Some('k')),
            O::flag("multiple", None),
            O::flag("auto-maintenance", None),
            O::flag("auto-gc", None),
            O::flag("write-commit-graph", None),
            O::flag("prefetch", None),
            O::flag("prune", Some('p')),
            O::flag("prune-tags", Some('P')),
            O::flag("tags", Some('t')),
            O::flag("refetch", None),
            O::value("refmap", None),
            O::optional("recurse-submodules", None),
            O::value("jobs", Some('j')),
            O::flag("set-upstream", None),
            O::value("submodule-prefix", None),
            O::value("recurse-submodules-default", None),
            O::flag("update-head-ok", Some('u')),
            O::value("upload-pack", None),
            O::flag("quiet", Some('q')),
            O::flag("verbose", Some('v')),
            O::flag("progress", None),
            O::value("server-option", Some('o')),
            O::flag("show-forced-updates", None),
            O::flag("ipv4", Some('4')),
            O::flag("ipv6", Some('6')),
            O::value("filter", None),
            O::flag("stdin", None),
            $($extra,)*
        ]
    };
}

/// `git clone` (its `-c KEY=VALUE` settings are the new repository's, and can name programs
/// the checkout runs; `-u` is `--upload-pack`).
pub const CLONE: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("local", Some('l')),
        O::flag("no-hardlinks", None),
        O::flag("shared", Some('s')),
        O::value("reference", None),
        O::value("reference-if-able", None),
        O::flag("dissociate", None),
        O::flag("quiet", Some('q')),
        O::flag("verbose", Some('v')),
        O::flag("progress", None),
        O::value("server-option", None),
        O::flag("no-checkout", Some('n')),
        O::flag("bare", None),
        O::flag("sparse", None),
        O::value("filter", None),
        O::flag("also-filter-submodules", None),
        O::flag("mirror", None),
        O::value("origin", Some('o')),
        O::value("branch", Some('b')),
        O::value("revision", None),
        O::value("upload-pack", Some('u')),
        O::value("template", None),
        O::value("config", Some('c')),
        O::value("depth", None),
        O::value("shallow-since", None),
        O::value("shallow-exclude", None),
        O::flag("single-branch", None),
        O::flag("tags", None),
        O::optional("recurse-submodules", None),
        O::flag("shallow-submodules", None),
        O::flag("remote-submodules", None),
        O::value("separate-git-dir", None),
        O::value("ref-format", None),
        O::value("jobs", Some('j')),
        O::value("bundle-uri", None),
        O::flag("reject-shallow", None),
        O::flag("ipv4", Some('4')),
        O::flag("ipv6", Some('6')),
    ],
);

/// `git fetch`.
pub const FETCH: OptionTable =
    OptionTable::new(Syntax::Git, fetch_options!(O::flag("no-tags", Some('n'))));

/// `git pull`: fetch's options and merge's or rebase's.
pub const PULL: OptionTable = OptionTable::new(
    Syntax::Git,
    fetch_options!(
        O::flag("commit", None),
        O::flag("edit", Some('e')),
        O::value("cleanup", None),
        O::flag("ff", None),
        O::flag("ff-only", None),
        O::optional("gpg-sign", Some('S')),
        O::optional("log", None),
        O::flag("signoff", None),
        O::flag("stat", None),
        O::flag("n", Some('n')),
        O::flag("compact-summary", None),
        O::flag("squash", None),
        O::flag("verify", None),
        O::value("strategy", Some('s')),
        O::value("strategy-option", Some('X')),
        O::flag("verify-signatures", None),
        O::flag("summary", None),
        O::flag("autostash", None),
        O::flag("allow-unrelated-histories", None),
        O::optional("rebase", Some('r')),
    ),
);

/// `git ls-remote` (`-u` is `--upload-pack`).
pub const LS_REMOTE: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("heads", Some('h')),
        O::flag("branches", Some('b')),
        O::flag("tags", Some('t')),
        O::flag("refs", None),
        O::flag("quiet", Some('q')),
        O::value("upload-pack", Some('u')),
        O::flag("exit-code", None),
        O::flag("get-url", None),
        O::value("sort", None),
        O::flag("symref", None),
        O::value("server-option", Some('o')),
    ],
);

/// `git archive` (`--exec` names the program run on the remote side, `--remote` a local
/// path when it is one).
pub const ARCHIVE: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::value("format", None),
        O::flag("list", Some('l')),
        O::flag("verbose", Some('v')),
        O::value("prefix", None),
        O::value("add-file", None),
        O::value("add-virtual-file", None),
        O::value("output", Some('o')),
        O::flag("worktree-attributes", None),
        O::value("mtime", None),
        O::value("remote", None),
        O::value("exec", None),
        O::flag("0", Some('0')),
        O::flag("1", Some('1')),
        O::flag("2", Some('2')),
        O::flag("3", Some('3')),
        O::flag("4", Some('4')),
        O::flag("5", Some('5')),
        O::flag("6", Some('6')),
        O::flag("7", Some('7')),
        O::flag("8", Some('8')),
        O::flag("9", Some('9')),
    ],
);

/// `git difftool`: its own options (`-x`/`--extcmd` runs a command per file) and the diff
/// options it passes on that a cluster may hold before `-x`.
pub const DIFFTOOL: OptionTable = OptionTable::new(
    Syntax::Git,
    &[
        O::flag("dir-diff", Some('d')),
        O::flag("no-prompt", Some('y')),
        O::flag("prompt", None),
        O::value("rotate-to", None),
        O::value("skip-to", None),
        O::value("tool", Some('t')),
        O::flag("tool-help", None),
        O::flag("symlinks", None),
        O::value("extcmd", Some('x')),
        O::flag("gui", Some('g')),
        O::flag("trust-exit-code", None),
        O::flag("cached", None),
        O::flag("staged", None),
        O::flag("merge-base", None),
        O::flag("R", Some('R')),
        O::flag("a", Some('a')),
        O::flag("b", Some('b')),
        O::flag("w", Some('w')),
        O::flag("M", Some('M')),
        O::flag("C", Some('C')),
        O::flag("B", Some('B')),
        O::flag("D", Some('D')),
        O::flag("W", Some('W')),
        O::flag("z", Some('z')),
        O::flag("p", Some('p')),
        O::flag("s", Some('s')),
    ],
);

/// Subcommands whose options or operands decide whether they destroy work or history (a
/// word computed at run time in their option positions cannot be verified).
pub const DANGEROUS_SUBCOMMANDS: &[&str] = &[
    "push",
    "reset",
    "clean",
    "checkout",
    "restore",
    "switch",
    "branch",
    "stash",
    "commit",
    "merge",
    "rebase",
    "am",
    "gc",
    "prune",
    "reflog",
    "update-ref",
    "read-tree",
    "filter-branch",
    "filter-repo",
    "config",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_options_are_skipped_exactly() {
        let words = ["-C", "a", "-c", "x=1", "--no-pager", "push", "-f"];
        let inv = invocation(&words);
        assert_eq!(inv.subcommand(), Some("push"));
        assert_eq!(inv.subcommand_index(), Some(5));
        assert_eq!(inv.args(&words), ["-f"]);
        assert_eq!(inv.configs(), ["x=1"]);
        assert_eq!(invocation::<&str>(&[]).subcommand(), None);
    }

    #[test]
    fn every_table_has_unique_names_and_letters() {
        for sub in [
            "commit",
            "add",
            "rm",
            "mv",
            "reset",
            "clean",
            "push",
            "checkout",
            "restore",
            "switch",
            "branch",
            "merge",
            "rebase",
            "am",
            "prune",
            "gc",
            "update-ref",
            "read-tree",
            "reflog expire",
            "stash drop",
            "clone",
            "fetch",
            "pull",
            "ls-remote",
            "archive",
            "difftool",
        ] {
            let Some(t) = subcommand_options(sub) else {
                panic!("{sub}")
            };
            for (i, a) in t.options.iter().enumerate() {
                for b in t.options.iter().skip(i + 1) {
                    assert_ne!(a.long, b.long, "{sub}");
                    if a.short.is_some() {
                        assert_ne!(a.short, b.short, "{sub}");
                    }
                }
            }
        }
    }
}
