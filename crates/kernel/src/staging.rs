//! The git commands of one shell call as the regression gate reads them: its `git commit`s and
//! the `git add`, `git rm` and `git mv` before them, in order, with the folder each runs in
//! (`cd`, `pushd`, `git -C`), as steps for
//! [`commit_contents`](metalayer_regression_map::commit_contents).
//!
//! Options are read with the command model of metalayer-gates
//! ([`metalayer_gates::model::git`]), the one the normaliser and the gates use: long options
//! by any unique prefix, `--opt=value` and `--opt value`, clusters of short flags whose last
//! may take the rest of the word or the next word as its value, options after operands, and
//! `--` (or `--end-of-options`) ending them.
//!
//! What can only be known when the command runs is read as "anything it could be": a word
//! holding `$`, a backquote or a leading `~`, `find -exec`'s `{}`, `--pathspec-from-file`, and
//! the operands `xargs` or `parallel` append. A `cd` lasts for the commands after it, except
//! that the normaliser flattens subshells: when the raw command shows one a `cd` may sit in
//! (`( )`, a pipeline, `&`, a substitution, a nested shell followed by more commands), the
//! folders before and after it are both kept, and pathspecs are read in each.

use std::path::Path;

use metalayer_gates::model::git;
use metalayer_gates::{Normalized, SimpleCommand};
use metalayer_regression_map::{
    AddStep, CommitStep, IndexStep, MoveStep, Pathspec, PathspecFlags, RemoveStep,
};

/// The most folders a command is read in before its folder counts as unknown.
const MAX_FOLDERS: usize = 8;
/// The most words a brace expansion may produce before the word counts as unknown.
const MAX_BRACE_WORDS: usize = 256;

/// Where the commands of a call run, and what the call does around them.
#[derive(Debug, Clone)]
pub(crate) struct CallSite<'a> {
    /// The repository root.
    pub(crate) root: &'a Path,
    /// The folder the call starts in, relative to the root (`None`: unknown).
    pub(crate) cwd: Option<String>,
    /// What the raw command shows.
    pub(crate) shape: RawShape,
}

/// What the raw text of a call shows that its normalised commands do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawShape {
    /// Operands are piped into commands (`xargs`, `parallel`): any git command may get more
    /// operands than its words show.
    pub(crate) operands_from_input: bool,
    /// A subshell (`( )`, a pipeline, `&`, `$( )`, backquotes) may hold a `cd` that does not
    /// outlast it.
    pub(crate) subshells: bool,
    /// Commands are chained outside any quotes (`;`, `&&`, `||`, a newline): with a nested
    /// shell (`bash -c '…'`), some commands may run outside it.
    pub(crate) chained: bool,
}

impl RawShape {
    /// Nothing known: every `cd` may not last.
    pub(crate) fn unknown() -> Self {
        Self {
            operands_from_input: false,
            subshells: true,
            chained: true,
        }
    }

    /// Both shapes at once (a call with several commands).
    pub(crate) fn and(self, other: Self) -> Self {
        Self {
            operands_from_input: self.operands_from_input || other.operands_from_input,
            subshells: self.subshells || other.subshells,
            chained: self.chained || other.chained,
        }
    }

    /// Scans a command outside its quotes (a here-document's body is scanned too, which can
    /// only find more).
    pub(crate) fn of(raw: &str) -> Self {
        let mut shape = Self {
            operands_from_input: raw.contains("xargs") || raw.contains("parallel"),
            subshells: false,
            chained: false,
        };
        let bytes = raw.as_bytes();
        let mut i = 0;
        let mut double = false;
        while let Some(&b) = bytes.get(i) {
            let prev = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
            let next = bytes.get(i + 1).copied();
            match b {
                b'\\' => i += 1,
                b'\'' if !double => {
                    i += bytes
                        .get(i + 1..)
                        .and_then(|rest| rest.iter().position(|&c| c == b'\''))
                        .map_or(bytes.len(), |end| end + 1);
                }
                b'"' => double = !double,
                b'`' => shape.subshells = true,
                b'(' if double => shape.subshells |= prev == Some(b'$'),
                _ if double => {}
                b'(' | b')' => shape.subshells = true,
                b'|' if next == Some(b'|') => {
                    shape.chained = true;
                    i += 1;
                }
                b'&' if next == Some(b'&') => {
                    shape.chained = true;
                    i += 1;
                }
                b'|' => shape.subshells = true,
                // `&` alone runs in the background; `>&`, `&>` and `2>&1` are redirections.
                b'&' => shape.subshells |= prev != Some(b'>') && next != Some(b'>'),
                b';' | b'\n' => shape.chained = true,
                _ => {}
            }
            i += 1;
        }
        shape
    }
}

/// A word computed when the command runs.
fn computed(word: &str) -> bool {
    word.contains(['$', '`']) || word.starts_with('~') || word == "{}"
}

/// Whether the call holds a `git commit` the regression gate checks, cheaply: no word list is
/// built for commands that cannot be one.
pub(crate) fn has_commit(commands: &[SimpleCommand]) -> bool {
    commands.iter().any(|c| {
        c.name() == Some("git")
            && c.text().contains("commit")
            && git_invocation(c.words()).is_some_and(|g| g.sub == "commit" && !skipped(g.args))
    })
}

/// The steps of the call up to its last checked commit; `None` when it makes none. The paths
/// the call's other commands write come first: which command writes them is not kept by the
/// normaliser, so they count as written before any git command (which can only list more).
pub(crate) fn commit_steps(normalized: &Normalized, site: &CallSite<'_>) -> Option<Vec<IndexStep>> {
    // A `cd` lasts for the commands after it, unless it may sit in a subshell they are not in.
    let nested = normalized.commands().iter().any(|c| c.depth() > 0);
    let lasting = !(site.shape.subshells || (site.shape.chained && nested));
    let mut folders = Folders::start(site.cwd.clone(), lasting);
    // Every folder seen, for the paths other commands write.
    let mut seen = Folders::start(site.cwd.clone(), false);
    let mut steps = Vec::new();
    let mut last_commit = None;
    for command in normalized.commands() {
        match command.name() {
            Some("cd" | "pushd") => {
                folders.cd(command.words(), site.root);
                seen.cd(command.words(), site.root);
            }
            Some("git") => {
                let Some(git) = git_invocation(command.words()) else {
                    continue;
                };
                let (sub, args, flags) = (git.sub, git.args, git.flags);
                let here = folders.with_dashc(&git.dirs, site.root);
                let before = steps.len();
                read_git((sub, args), &here, site, flags, &mut steps);
                if sub == "commit" && steps.len() > before {
                    last_commit = Some(steps.len());
                }
            }
            _ => {}
        }
    }
    steps.truncate(last_commit?);
    let written: Vec<Pathspec> = normalized
        .writes()
        .iter()
        .filter(|w| !computed(w))
        .flat_map(|w| {
            seen.dirs.iter().map(move |dir| {
                Pathspec::parse(
                    &format!(":(literal){w}"),
                    Some(dir),
                    site.root,
                    PathspecFlags::default(),
                )
            })
        })
        .filter(|p| p.literal_path().is_some_and(|p| !p.is_empty()))
        .collect();
    if !written.is_empty() {
        steps.insert(0, IndexStep::Write(written));
    }
    Some(steps)
}

/// The folders, relative to the root, that a command may run in.
#[derive(Debug, Clone)]
struct Folders {
    /// Empty when unknown.
    dirs: Vec<String>,
    /// A `cd` replaces the folders (it lasts); otherwise it adds to them.
    lasting: bool,
}

impl Folders {
    fn start(cwd: Option<String>, lasting: bool) -> Self {
        Self {
            dirs: cwd.into_iter().collect(),
            lasting,
        }
    }

    fn unknown(&self) -> bool {
        self.dirs.is_empty()
    }

    /// The folders after `cd`/`pushd` with these words: the new ones, and the old ones too
    /// unless a `cd` lasts (it may have been in a subshell).
    fn cd(&mut self, words: &[String], root: &Path) {
        let target = words
            .iter()
            .skip(1)
            .find(|w| !matches!(w.as_str(), "-L" | "-P" | "-e" | "-@" | "--"));
        let Some(target) = target.filter(|t| !computed(t) && t.as_str() != "-") else {
            self.dirs.clear();
            return;
        };
        let Some(moved) = self.moved(target, root) else {
            self.dirs.clear();
            return;
        };
        if self.lasting {
            self.dirs = moved.dirs;
            return;
        }
        for dir in moved.dirs {
            if !self.dirs.contains(&dir) {
                self.dirs.push(dir);
            }
        }
        if self.dirs.len() > MAX_FOLDERS {
            self.dirs.clear();
        }
    }

    /// Each folder moved to `target`; `None` when one of them cannot be (a computed target,
    /// a place outside the repository).
    fn moved(&self, target: &str, root: &Path) -> Option<Folders> {
        if self.unknown() || computed(target) {
            return None;
        }
        let mut dirs: Vec<String> = Vec::with_capacity(self.dirs.len());
        for base in &self.dirs {
            let spec = Pathspec::parse(
                &format!(":(literal){target}"),
                Some(base),
                root,
                PathspecFlags::default(),
            );
            let dir = spec.literal_path()?.to_owned();
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
        Some(Folders {
            dirs,
            lasting: self.lasting,
        })
    }

    /// The folders of a git command run with `-C` options (each relative to the previous).
    fn with_dashc(&self, dirs: &[&str], root: &Path) -> Folders {
        let mut out = self.clone();
        for dir in dirs.iter().filter(|d| !d.is_empty()) {
            out = out.moved(dir, root).unwrap_or(Folders {
                dirs: Vec::new(),
                lasting: out.lasting,
            });
        }
        out
    }
}

/// `git [global options] SUBCOMMAND ARGS`, as git reads it.
#[derive(Debug)]
struct GitInvocation<'a> {
    /// The `-C` folders, in order.
    dirs: Vec<&'a str>,
    /// How pathspecs read (`--literal-pathspecs`, `--icase-pathspecs`).
    flags: PathspecFlags,
    sub: &'a str,
    args: &'a [String],
}

/// Reads the global options of a git command (`words[0]` is `git`) up to its subcommand,
/// with the command model of metalayer-gates.
fn git_invocation(words: &[String]) -> Option<GitInvocation<'_>> {
    let rest = words.get(1..)?;
    let inv = git::invocation(rest);
    let mut flags = PathspecFlags::default();
    flags.literal = inv.literal_pathspecs();
    flags.icase = inv.icase_pathspecs();
    Some(GitInvocation {
        dirs: inv.dirs().to_vec(),
        flags,
        sub: inv.subcommand()?,
        args: inv.args(rest),
    })
}

/// A commit the gate lets through unchecked: a dry run, or marked `[skip-regression]` (the
/// original system's escape hatch, usually in the message). `--allow-empty` is checked like
/// any commit: it only allows an empty one, and `git add x && git commit --allow-empty`
/// commits `x` (an empty commit touches no feature, so it is never asked about).
fn skipped(args: &[String]) -> bool {
    git::COMMIT.parse(args).has("dry-run") || args.iter().any(|a| a.contains("[skip-regression]"))
}

/// Expands `{a,b}` as the shell does (nested, several groups); `None` past
/// [`MAX_BRACE_WORDS`] words or for a sequence (`{1..3}`).
fn expand_braces(word: &str) -> Option<Vec<String>> {
    // The first group with a comma at its own level.
    let bytes = word.as_bytes();
    let mut open = None;
    let mut depth = 0usize;
    let mut commas = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' => {
                if depth == 0 {
                    open = Some(i);
                    commas.clear();
                }
                depth += 1;
            }
            b',' if depth == 1 => commas.push(i),
            b'}' if depth > 0 => {
                depth -= 1;
                if depth == 0
                    && let Some(start) = open
                {
                    let inner = word.get(start + 1..i).unwrap_or_default();
                    if !commas.is_empty() {
                        let prefix = word.get(..start).unwrap_or_default();
                        let suffix = word.get(i + 1..).unwrap_or_default();
                        let mut out = Vec::new();
                        let mut from = start + 1;
                        for end in commas.iter().copied().chain(std::iter::once(i)) {
                            let alt = word.get(from..end).unwrap_or_default();
                            from = end + 1;
                            for tail in expand_braces(&format!("{alt}{suffix}"))? {
                                out.push(format!("{prefix}{tail}"));
                                if out.len() > MAX_BRACE_WORDS {
                                    return None;
                                }
                            }
                        }
                        return Some(out);
                    }
                    if inner.contains("..") {
                        return None;
                    }
                    open = None;
                }
            }
            _ => {}
        }
    }
    Some(vec![word.to_owned()])
}

/// The pathspecs of operand words, read in each folder the command may run in.
fn pathspecs(
    words: &[&str],
    here: &Folders,
    site: &CallSite<'_>,
    flags: PathspecFlags,
) -> Vec<Pathspec> {
    let mut out = Vec::new();
    for word in words {
        let expanded = if computed(word) {
            None
        } else {
            expand_braces(word)
        };
        let Some(expanded) = expanded else {
            out.push(Pathspec::unknown());
            continue;
        };
        for w in &expanded {
            if here.unknown() {
                out.push(Pathspec::parse(w, None, site.root, flags));
            }
            for dir in &here.dirs {
                let spec = Pathspec::parse(w, Some(dir), site.root, flags);
                if !out.contains(&spec) {
                    out.push(spec);
                }
            }
        }
    }
    if site.shape.operands_from_input {
        out.push(Pathspec::unknown());
    }
    out
}

/// Appends the steps of one git subcommand.
fn read_git(
    (sub, args): (&str, &[String]),
    here: &Folders,
    site: &CallSite<'_>,
    flags: PathspecFlags,
    steps: &mut Vec<IndexStep>,
) {
    match sub {
        "add" | "stage" => {
            let parsed = git::ADD.parse(args);
            let operands = parsed.operands().to_vec();
            if parsed.has("dry-run") || parsed.has("refresh") {
                return;
            }
            let mut specs = pathspecs(&operands, here, site, flags);
            if parsed.has("pathspec-from-file") {
                specs.push(Pathspec::unknown());
            }
            let whole = [
                "all",
                "no-ignore-removal",
                "update",
                "patch",
                "interactive",
                "edit",
            ]
            .iter()
            .any(|n| parsed.has(n));
            if specs.is_empty() {
                if !whole {
                    // `git add` alone adds nothing.
                    return;
                }
                specs.push(Pathspec::all());
            }
            let mut add = AddStep::default();
            add.specs = specs;
            add.tracked_only = ["update", "patch", "edit"].iter().any(|n| parsed.has(n));
            add.force = parsed.has("force");
            add.unchanged_too = parsed.has("chmod") || parsed.has("renormalize");
            steps.push(IndexStep::Add(add));
        }
        "rm" => {
            let parsed = git::RM.parse(args);
            let operands = parsed.operands().to_vec();
            if parsed.has("dry-run") {
                return;
            }
            let mut specs = pathspecs(&operands, here, site, flags);
            if parsed.has("pathspec-from-file") {
                specs.push(Pathspec::unknown());
            }
            if specs.is_empty() {
                return;
            }
            let mut rm = RemoveStep::default();
            rm.specs = specs;
            rm.cached = parsed.has("cached");
            steps.push(IndexStep::Remove(rm));
        }
        "mv" => {
            let parsed = git::MV.parse(args);
            let operands = parsed.operands().to_vec();
            if parsed.has("dry-run") {
                return;
            }
            // One reading per folder the command may run in.
            let readings: Vec<Folders> = if here.unknown() {
                vec![here.clone()]
            } else {
                here.dirs
                    .iter()
                    .map(|d| Folders {
                        dirs: vec![d.clone()],
                        lasting: here.lasting,
                    })
                    .collect()
            };
            for folder in readings {
                let mut words = pathspecs(&operands, &folder, site, flags);
                if words.len() < 2 {
                    if site.shape.operands_from_input {
                        steps.push(IndexStep::Move(MoveStep::new(
                            vec![Pathspec::unknown()],
                            Pathspec::unknown(),
                        )));
                    }
                    return;
                }
                let destination = words.pop().unwrap_or_else(Pathspec::unknown);
                steps.push(IndexStep::Move(MoveStep::new(words, destination)));
            }
        }
        "commit" => {
            if skipped(args) {
                return;
            }
            let parsed = git::COMMIT.parse(args);
            let operands = parsed.operands().to_vec();
            let mut specs = pathspecs(&operands, here, site, flags);
            if parsed.has("pathspec-from-file") {
                specs.push(Pathspec::unknown());
            }
            let mut commit = CommitStep::default();
            commit.all = ["all", "patch", "interactive"]
                .iter()
                .any(|n| parsed.has(n));
            if parsed.has("include") {
                commit.include = specs;
            } else if !specs.is_empty() {
                commit.only = Some(specs);
            }
            steps.push(IndexStep::Commit(commit));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use metalayer_gates::{NormalizeOptions, normalize};

    fn specs(specs: &[Pathspec]) -> String {
        specs
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The steps of a command run at `cwd`, in a compact form.
    fn steps_in(command: &str, cwd: Option<&str>) -> Option<Vec<String>> {
        let n = normalize(command, &NormalizeOptions::default());
        let site = CallSite {
            root: Path::new("/r"),
            cwd: cwd.map(str::to_owned),
            shape: RawShape::of(command),
        };
        let steps = commit_steps(&n, &site)?;
        Some(
            steps
                .iter()
                .map(|s| match s {
                    IndexStep::Add(a) => format!(
                        "add{}{}{}[{}]",
                        if a.tracked_only { "-u" } else { "" },
                        if a.force { "-f" } else { "" },
                        if a.unchanged_too { "-c" } else { "" },
                        specs(&a.specs)
                    ),
                    IndexStep::Remove(r) => format!(
                        "rm{}[{}]",
                        if r.cached { "-cached" } else { "" },
                        specs(&r.specs)
                    ),
                    IndexStep::Move(m) => {
                        format!("mv[{}>{}]", specs(&m.sources), m.destination)
                    }
                    IndexStep::Commit(c) => {
                        let mut out = String::from("commit");
                        if c.all {
                            out.push_str("-a");
                        }
                        if !c.include.is_empty() {
                            out.push_str(&format!("-i[{}]", specs(&c.include)));
                        }
                        if let Some(only) = &c.only {
                            out.push_str(&format!("[{}]", specs(only)));
                        }
                        out
                    }
                    IndexStep::Write(paths) => format!("write[{}]", specs(paths)),
                    _ => "?".to_owned(),
                })
                .collect(),
        )
    }

    fn steps(command: &str) -> Option<Vec<String>> {
        steps_in(command, Some(""))
    }

    #[test]
    fn commits_and_what_they_skip() {
        assert_eq!(steps("git commit -m 'x y'").unwrap(), ["commit"]);
        assert_eq!(steps("git status"), None);
        assert_eq!(steps("echo git commit"), None);
        assert_eq!(steps("git add ."), None, "no commit: nothing to check");
        // --allow-empty commits whatever is staged: checked.
        assert_eq!(steps("git commit --allow-empty -m x").unwrap(), ["commit"]);
        assert_eq!(
            steps("git add a && git commit --allow-empty -m x").unwrap(),
            ["add[a]", "commit"]
        );
        for skipped in [
            "git commit --dry-run",
            "git commit --dry",
            "git commit -m '[skip-regression] docs'",
        ] {
            assert_eq!(steps(skipped), None, "{skipped}");
        }
        // A skipped commit does not hide a later one.
        assert_eq!(
            steps("git commit --dry-run && git add a && git commit -m y").unwrap(),
            ["add[a]", "commit"]
        );
        // What follows the last commit does not matter.
        assert_eq!(
            steps("git add a && git commit -m x && git add b").unwrap(),
            ["add[a]", "commit"]
        );
    }

    #[test]
    fn commit_options_as_git_reads_them() {
        for all in [
            "git commit -a -m x",
            "git commit -am x",
            "git commit -qam x",
            "git commit --all -m x",
            "git commit --interac -m x",
            "git commit -m x --all",
            "git commit -p",
            "git commit --interactive",
        ] {
            assert_eq!(steps(all).unwrap(), ["commit-a"], "{all}");
        }
        assert_eq!(
            steps("git commit -ma").unwrap(),
            ["commit"],
            "`a` is the message"
        );
        assert_eq!(steps("git commit -m -a").unwrap(), ["commit"]);
        assert_eq!(steps("git commit --message=-a").unwrap(), ["commit"]);
        assert_eq!(
            steps("git commit -S src/a.py -m x").unwrap(),
            ["commit[src/a.py]"]
        );
        assert_eq!(
            steps("git commit -C HEAD src/a.py").unwrap(),
            ["commit[src/a.py]"]
        );
        assert_eq!(steps("git commit -F msg.txt").unwrap(), ["commit"]);
        assert_eq!(steps("git commit -m x -- -a").unwrap(), ["commit[-a]"]);
        assert_eq!(
            steps("git commit -m x ./a.py b").unwrap(),
            ["commit[a.py,b]"]
        );
        assert_eq!(steps("git commit -o a.py -m x").unwrap(), ["commit[a.py]"]);
        assert_eq!(
            steps("git commit -i a.py -m x").unwrap(),
            ["commit-i[a.py]"]
        );
        assert_eq!(
            steps("git commit --include a.py").unwrap(),
            ["commit-i[a.py]"]
        );
        assert_eq!(
            steps("git commit --pathspec-from-file=list -m x").unwrap(),
            ["commit[<computed>]"]
        );
        assert_eq!(steps("git commit --amend --no-edit").unwrap(), ["commit"]);
        // Ambiguous (`--all`, `--allow-empty`, …): git refuses it; read as no option.
        assert_eq!(steps("git commit --al -m x").unwrap(), ["commit"]);
        assert_eq!(
            steps("git commit --fixup HEAD a.py").unwrap(),
            ["commit[a.py]"]
        );
    }

    #[test]
    fn add_rm_mv() {
        assert_eq!(
            steps("git add -A && git commit").unwrap(),
            ["add[:/]", "commit"]
        );
        assert_eq!(
            steps("git add --all; git commit").unwrap(),
            ["add[:/]", "commit"]
        );
        assert_eq!(
            steps("git add -u && git commit").unwrap(),
            ["add-u[:/]", "commit"]
        );
        assert_eq!(
            steps("git add --up && git commit").unwrap(),
            ["add-u[:/]", "commit"]
        );
        assert_eq!(
            steps("git add -p && git commit").unwrap(),
            ["add-u[:/]", "commit"]
        );
        assert_eq!(
            steps("git add . && git commit").unwrap(),
            ["add[:/]", "commit"]
        );
        assert_eq!(
            steps("git stage x && git commit").unwrap(),
            ["add[x]", "commit"]
        );
        assert_eq!(
            steps("git add -f build && git commit").unwrap(),
            ["add-f[build]", "commit"]
        );
        assert_eq!(
            steps("git add --chmod=+x run.sh && git commit").unwrap(),
            ["add-c[run.sh]", "commit"]
        );
        assert_eq!(steps("git add src -n && git commit").unwrap(), ["commit"]);
        assert_eq!(
            steps("git add --dry-run src && git commit").unwrap(),
            ["commit"]
        );
        assert_eq!(
            steps("git add && git commit").unwrap(),
            ["commit"],
            "adds nothing"
        );
        assert_eq!(
            steps("git add -- -A '*.py' && git commit").unwrap(),
            ["add[-A,*.py]", "commit"]
        );
        assert_eq!(
            steps("git add src/{a,b}.py && git commit").unwrap(),
            ["add[src/a.py,src/b.py]", "commit"]
        );
        assert_eq!(
            steps("git rm --cached -r src && git commit").unwrap(),
            // Out of the index only: the files are not written (the normaliser lists them as
            // untracked, not among the writes).
            ["rm-cached[src]", "commit"]
        );
        assert_eq!(
            steps("git rm -rf src && git commit").unwrap(),
            ["write[src]", "rm[src]", "commit"]
        );
        assert_eq!(
            steps("git rm -n src && git commit").unwrap(),
            // A dry run only lists what it would delete.
            ["commit"]
        );
        assert_eq!(
            steps("git mv -f a b/ && git commit").unwrap(),
            // The normaliser lists what mv takes away and what lands in a folder too.
            ["write[b,b/a,a]", "mv[a>b]", "commit"]
        );
        assert_eq!(
            steps("git mv a b c && git commit").unwrap(),
            ["write[c,c/a,c/b,a,b]", "mv[a,b>c]", "commit"]
        );
    }

    #[test]
    fn computed_words_and_piped_operands() {
        assert_eq!(
            steps("git add $FILES && git commit").unwrap(),
            ["add[<computed>]", "commit"]
        );
        assert_eq!(
            steps("git add \"$(git ls-files -m)\" && git commit").unwrap(),
            ["add[<computed>]", "commit"]
        );
        assert_eq!(
            steps("for f in a b; do git add $f; done; git commit").unwrap(),
            ["add[<computed>]", "commit"]
        );
        assert_eq!(
            steps("find . -name '*.py' -exec git add {} + ; git commit").unwrap(),
            ["add[<computed>]", "commit"]
        );
        assert_eq!(
            steps("git ls-files -m | xargs git add && git commit -m x").unwrap(),
            ["add[<computed>]", "commit[<computed>]"]
        );
        assert_eq!(
            steps("git add --pathspec-from-file=- && git commit").unwrap(),
            ["add[<computed>]", "commit"]
        );
        assert_eq!(
            steps("git mv a $DEST && git commit").unwrap(),
            ["write[a]", "mv[a><computed>]", "commit"]
        );
    }

    #[test]
    fn folders_cd_and_dash_c() {
        assert_eq!(
            steps("git -C src add auth && git commit").unwrap(),
            ["add[src/auth]", "commit"]
        );
        assert_eq!(
            steps("git -C src -C auth add . && git commit").unwrap(),
            ["add[src/auth]", "commit"]
        );
        assert_eq!(
            steps("git -C src commit -m x auth").unwrap(),
            ["commit[src/auth]"]
        );
        // A `cd` lasts…
        assert_eq!(
            steps("cd src && git add auth && git commit").unwrap(),
            ["add[src/auth]", "commit"]
        );
        assert_eq!(
            steps("cd src; cd auth\ngit add . && git commit").unwrap(),
            ["add[src/auth]", "commit"]
        );
        assert_eq!(
            steps("bash -c 'cd src && git add . && git commit -m \"a b\"'").unwrap(),
            ["add[src]", "commit"]
        );
        assert_eq!(
            steps("cd src; git mv a b; git commit").unwrap(),
            [
                "write[b,src/b,b/a,src/b/a,a,src/a]",
                "mv[src/a>src/b]",
                "commit"
            ]
        );
        // …unless it may sit in a subshell: then the folder before it stays possible.
        assert_eq!(
            steps("(cd src && git add x); git add y && git commit").unwrap(),
            ["add[x,src/x]", "add[y,src/y]", "commit"]
        );
        assert_eq!(
            steps("cd src | true; git add y && git commit").unwrap(),
            ["add[y,src/y]", "commit"]
        );
        assert_eq!(
            steps("cd src & git add y && git commit").unwrap(),
            ["add[y,src/y]", "commit"]
        );
        assert_eq!(
            steps("x=$(cd src; pwd); git add y && git commit").unwrap(),
            ["add[y,src/y]", "commit"]
        );
        assert_eq!(
            steps("bash -c 'cd src'; git add y && git commit").unwrap(),
            ["add[y,src/y]", "commit"]
        );
        assert_eq!(
            steps("sh -c 'cd src'; sh -c 'git add y && git commit'").unwrap(),
            ["add[y,src/y]", "commit"]
        );
        assert_eq!(
            steps("cd src; git mv a b 2>&1; git commit").unwrap(),
            [
                "write[b,src/b,b/a,src/b/a,a,src/a]",
                "mv[src/a>src/b]",
                "commit"
            ],
            "a redirection is no subshell"
        );
        assert_eq!(
            steps("(cd src; git mv a b); git commit").unwrap(),
            [
                "write[b,src/b,b/a,src/b/a,a,src/a]",
                "mv[a>b]",
                "mv[src/a>src/b]",
                "commit"
            ]
        );
        assert_eq!(
            steps("cd ~ && git add x && git commit").unwrap(),
            ["add[<computed>]", "commit"]
        );
        assert_eq!(
            steps("cd $DIR && git add x && git commit").unwrap(),
            ["add[<computed>]", "commit"]
        );
        // The root-relative magic does not need the folder.
        assert_eq!(
            steps("cd $DIR && git add :/docs && git commit").unwrap(),
            ["add[docs]", "commit"]
        );
        assert_eq!(
            steps_in("git add ../README.md . && git commit", Some("src")).unwrap(),
            ["add[README.md,src]", "commit"]
        );
        assert_eq!(
            steps_in("git add x && git commit", None).unwrap(),
            ["add[<computed>]", "commit"]
        );
        assert_eq!(
            steps("git add /r/src/a.py && git commit").unwrap(),
            ["add[src/a.py]", "commit"]
        );
        assert_eq!(
            steps("git --literal-pathspecs add '*.py' && git commit").unwrap(),
            ["add[*.py]", "commit"]
        );
        assert_eq!(
            steps("git --icase-pathspecs add SRC && git commit").unwrap(),
            ["add[:(icase)src]", "commit"]
        );
        assert_eq!(
            steps("git -C docs --literal-pathspecs add 'a*' && git commit").unwrap(),
            ["add[docs/a*]", "commit"]
        );
    }

    #[test]
    fn compound_forms() {
        for command in [
            "git add a && git commit -m x",
            "git add a; git commit -m x",
            "git add a\ngit commit -m x",
            "git add a || true; git commit -m x",
            "bash -c 'git add a && git commit -m \"x y\"'",
            "sh -c \"git add a; git commit -m x\"",
            "(git add a) && git commit -m x",
            "{ git add a; } && git commit -m x",
            "if true; then git add a; fi; git commit -m x",
            "sudo -u me git add a && env GIT_AUTHOR_NAME=x git commit -m x",
            "/usr/bin/git add a && command git commit -m x",
            "eval 'git add a' && git commit -m x",
            "git add a && timeout 10 git commit -m x",
        ] {
            assert_eq!(steps(command).unwrap(), ["add[a]", "commit"], "{command}");
        }
    }

    #[test]
    fn what_other_commands_write_comes_first() {
        assert_eq!(
            steps("echo x > new.txt && git add new.txt && git commit -m x").unwrap(),
            ["write[new.txt]", "add[new.txt]", "commit"]
        );
        assert_eq!(
            steps("cd src && cat > a.py <<'EOF'\nx\nEOF\ngit commit -am x").unwrap(),
            ["write[a.py,src/a.py]", "commit-a"]
        );
        assert_eq!(
            steps("echo x > $OUT; echo y > /dev/null; git commit -am x").unwrap(),
            ["commit-a"],
            "computed targets and sinks are left out"
        );
    }

    #[test]
    fn raw_shapes() {
        let shape = |raw: &str| {
            let s = RawShape::of(raw);
            (s.subshells, s.chained)
        };
        assert_eq!(
            shape("git add a && git commit -m 'x (y) | z & w'"),
            (false, true)
        );
        assert_eq!(shape("git commit -m \"fix (auth); a | b\""), (false, false));
        assert_eq!(shape("git commit -m \"$(cat msg)\""), (true, false));
        assert_eq!(shape("git commit -m \"`cat msg`\""), (true, false));
        assert_eq!(shape("(cd a)"), (true, false));
        assert_eq!(shape("a | b"), (true, false));
        assert_eq!(shape("a || b"), (false, true));
        assert_eq!(shape("a & b"), (true, false));
        assert_eq!(shape("a 2>&1 >/dev/null &>x"), (false, false));
        assert_eq!(shape("a\nb"), (false, true));
        assert_eq!(shape("echo 'it''s' \\( x"), (false, false));
        assert!(RawShape::of("git ls-files | xargs git add").operands_from_input);
        assert!(!RawShape::of("git add a").operands_from_input);
    }

    #[test]
    fn brace_expansion() {
        assert_eq!(expand_braces("a").unwrap(), ["a"]);
        assert_eq!(expand_braces("{a,b}").unwrap(), ["a", "b"]);
        assert_eq!(
            expand_braces("x/{a,b/{c,d}}.py").unwrap(),
            ["x/a.py", "x/b/c.py", "x/b/d.py"]
        );
        assert_eq!(
            expand_braces("{a,b}{1,2}").unwrap(),
            ["a1", "a2", "b1", "b2"]
        );
        assert_eq!(expand_braces("{a}").unwrap(), ["{a}"]);
        assert_eq!(expand_braces("{,x}y").unwrap(), ["y", "xy"]);
        assert!(expand_braces("{1..3}").is_none());
        assert!(
            expand_braces(&"{a,b}".repeat(9)).is_none(),
            "too many words"
        );
    }

    #[test]
    fn long_options_by_unique_prefix() {
        let long = |name: &str, table: &metalayer_gates::model::OptionTable| {
            table.long(name).map(|(o, negated)| (o.long, negated))
        };
        assert_eq!(long("all", &git::COMMIT), Some(("all", false)));
        assert_eq!(long("al", &git::COMMIT), None, "all or allow-empty…");
        assert_eq!(long("am", &git::COMMIT), Some(("amend", false)));
        assert_eq!(long("no-verify", &git::COMMIT), Some(("no-verify", false)));
        assert_eq!(long("no-all", &git::ADD), Some(("all", true)));
        assert_eq!(long("zzz", &git::ADD), None);
    }
}
