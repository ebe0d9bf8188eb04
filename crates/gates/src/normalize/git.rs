//! git commands respelled canonically with the command model ([`crate::model::git`]), so that a
//! pattern written for one spelling sees them all:
//!
//! - a unique prefix of a long option becomes the option (`--har` → `--hard`, `--no-verif` →
//!   `--no-verify`), a cluster of short flags becomes one word per flag (`-qf` → `-q -f`,
//!   `-nm wip` → `-n -m wip`), an attached value its own word (`-mwip` → `-m wip`);
//! - options come before operands (`push origin main -f` → `push -f origin main`), and `--`
//!   stays before the operands that followed it;
//! - `git checkout REF PATH…` is written `git checkout REF -- PATH…` (it discards PATH);
//! - `git SUB --help` (or `-h`) is `git help SUB`: it only shows help;
//! - a forced `git push` that names no refspec (or `HEAD`) names the branch it updates, when
//!   the caller says what the repository holds ([`GitState`]);
//! - a word computed at run time (`$x`, `` `…` ``) where git reads the subcommand or an option
//!   of a subcommand that can destroy work is flagged: what it does cannot be verified.
//!
//! Subcommands the model does not know are left as written.

use std::borrow::Cow;

use super::{Fed, Normalizer};
use crate::lex::Word;
use crate::model::git::{self, DANGEROUS_SUBCOMMANDS, GitState, VERB_SUBCOMMANDS};
use crate::model::{ArgKind, Arity};

/// A word the normaliser made up.
fn word<'a>(text: impl Into<Cow<'a, str>>, dynamic: bool) -> Word<'a> {
    Word {
        text: text.into(),
        substitutions: 0..0,
        dynamic,
        quoted: false,
        assignment: false,
        braces: false,
    }
}

/// A computed word that could be an option: one that starts with an expansion, or with the
/// string xargs replaces by its input.
fn could_be_option(w: &Word<'_>, fed: Fed<'_>) -> bool {
    w.dynamic
        && (w.text.starts_with('$')
            || w.text.starts_with('`')
            || matches!(fed, Fed::Replacing(r) if w.text.starts_with(r)))
}

/// An option word whose name is computed (`-$f`, `-f$x`, `--$m`, `--for$x=1`): which options
/// it sets is only known at run time. A computed value after a literal long name
/// (`--author=$A`) is not: the option is known.
fn computed_option_name(w: &Word<'_>) -> bool {
    if !w.dynamic || !w.text.starts_with('-') {
        return false;
    }
    let name = match w.text.strip_prefix("--") {
        Some(long) => long.split('=').next().unwrap_or_default(),
        None => &w.text,
    };
    name.contains('$') || name.contains('`')
}

/// The repository's state with the current branch a `git checkout`/`git switch` earlier in the
/// command moved to.
#[derive(Debug)]
struct Switched<'g> {
    inner: &'g dyn GitState,
    branch: String,
}

impl GitState for Switched<'_> {
    fn current_branch(&self) -> Option<String> {
        Some(self.branch.clone())
    }

    fn push_destination(&self, branch: &str) -> Option<(String, String)> {
        // What the repository says, else git's default: `origin`, the same name.
        self.inner
            .push_destination(branch)
            .or_else(|| Some(("origin".to_owned(), branch.to_owned())))
    }

    fn names_only_a_path(&self, name: &str, under: Option<&str>) -> Option<bool> {
        self.inner.names_only_a_path(name, under)
    }

    fn has_branch(&self, name: &str) -> Option<bool> {
        self.inner.has_branch(name)
    }

    fn folder(&self) -> Option<&str> {
        self.inner.folder()
    }
}

impl Normalizer<'_> {
    /// Remembers the branch `git checkout B`, `git switch B` (or `-c`/`-b NEW`) moves to.
    fn note_branch_switch(&mut self, words: &[Word<'_>]) {
        // On the hook's path for every git command: nothing read or allocated unless it may
        // switch branches.
        if self.git.is_none()
            || !words
                .iter()
                .any(|w| matches!(&*w.text, "checkout" | "switch"))
        {
            return;
        }
        let texts = super::wrappers::texts(words.get(1..).unwrap_or_default());
        let inv = git::invocation(&texts);
        let sub = match inv.subcommand() {
            Some(sub @ ("checkout" | "switch")) => sub,
            _ => return,
        };
        let Some(table) = git::subcommand_options(sub) else {
            return;
        };
        let parsed = table.parse(inv.args(&texts));
        let new = ["b", "B", "create", "force-create", "c", "C", "orphan"]
            .iter()
            .find_map(|o| parsed.value(o));
        let branch = new.or_else(|| match parsed.operands() {
            // `git checkout B` (one operand, no `--`): a branch, or a path. One that looks
            // like a file (`.`, `src/app.py`) or the previous branch (`-`) is not read as a
            // switch: the push keeps reading the branch the repository is on.
            [one]
                if parsed.operands_before_separator().is_none()
                    && (sub == "switch" || !one.contains('.')) =>
            {
                Some(*one)
            }
            _ => None,
        });
        if let Some(branch) = branch.filter(|b| !b.starts_with('-') && !b.contains(['$', '`'])) {
            self.switched_branch = Some(branch.to_owned());
        }
    }

    /// A git command: its writes, then the command respelled canonically.
    /// `fed`: what xargs feeds it from input the gate cannot see (`xargs git …`).
    pub(super) fn git(
        &mut self,
        words: &[Word<'_>],
        depth: usize,
        origin: super::Origin,
        fed: Fed<'_>,
    ) {
        self.writes_of("git", words);
        let joined = join_global_values(words);
        let words = joined.as_deref().unwrap_or(words);
        // After `git checkout B` / `git switch B` earlier in the command, a push reads B as
        // the current branch.
        let switched = match (self.git, &self.switched_branch) {
            (Some(inner), Some(branch)) => Some(Switched {
                inner,
                branch: branch.clone(),
            }),
            _ => None,
        };
        let state: Option<&dyn GitState> = match &switched {
            Some(s) => Some(s),
            None => self.git,
        };
        // After `cd DIR` out of the folder (absolute, home, computed or `..`), the command
        // may run in another repository.
        let elsewhere = self.cwd.as_deref().is_some_and(|d| {
            d.starts_with(['/', '~', '$', '`']) || d.split('/').any(|c| c == "..")
        }) || self
            .inherited
            .iter()
            .chain(&self.exported)
            .any(|a| a.text.starts_with("GIT_DIR=") || a.text.starts_with("GIT_WORK_TREE="));
        let folder = Folder {
            cwd: self.cwd.as_deref(),
            elsewhere,
        };
        let canonical = respell(words, state, folder, &mut self.out.computed, fed);
        let read = canonical.as_deref().unwrap_or(words);
        self.push(read, None, depth, origin);
        // An age given as a phrase, a date or in hours, as the age it comes to.
        if read
            .iter()
            .any(|w| w.text.starts_with("--") || w.text.starts_with("gc."))
            && let Some(ages) = ages_read(read)
        {
            self.push(&ages, None, depth, origin);
        }
        self.note_branch_switch(words);
        for script in commands_git_runs(words) {
            self.script(&script, depth + 1, origin);
        }
    }

    /// `git update-ref --stdin` reads its updates from standard input: when the gate can see
    /// it (a here-string, a here-document, `echo … |`), each `delete REF` and `update REF
    /// NEW` line is read as the `git update-ref` command it is (`update-ref -d REF`).
    pub(super) fn update_ref_input(
        &mut self,
        words: &[Word<'_>],
        raw: &super::Raw<'_>,
        lexed: &crate::lex::Lexed<'_>,
        depth: usize,
        origin: super::Origin,
    ) {
        // The everyday git command has no `--stdin`: nothing to read, nothing allocated.
        if !words.iter().any(|w| w.text == "--stdin") {
            return;
        }
        let texts = super::wrappers::texts(words.get(1..).unwrap_or_default());
        let inv = git::invocation(&texts);
        if inv.subcommand() != Some("update-ref") || !inv.args(&texts).contains(&"--stdin") {
            return;
        }
        let input = self
            .upstream
            .clone()
            .or_else(|| Self::stdin_text(raw, lexed).map(std::borrow::Cow::into_owned));
        let Some(input) = input else {
            // Updates from input the gate cannot see (a file, another program) cannot be
            // verified.
            if raw.stdin_unseen()
                || raw
                    .redirects
                    .iter()
                    .any(|(k, _)| *k == crate::lex::Redirect::Read)
            {
                self.out.computed = true;
            }
            return;
        };
        // `-z` separates with NULs; a line is `VERB ARGS…`. `printf` and `echo -e` turn
        // `\0` and `\n` into those (no ref name holds a backslash).
        let input = input.replace("\\0", "\n").replace("\\n", "\n");
        for line in input.split(['\n', '\0']) {
            let mut parts = line.split_whitespace();
            let command = match (parts.next(), parts.next()) {
                (Some("delete"), Some(reference)) => format!("git update-ref -d {reference}"),
                (Some("update" | "create"), Some(reference)) => {
                    format!(
                        "git update-ref {reference} {}",
                        parts.collect::<Vec<_>>().join(" ")
                    )
                }
                _ => continue,
            };
            self.script(&command, depth + 1, origin);
        }
    }

    /// The programs a git command's environment makes git run (`GIT_EXTERNAL_DIFF='rm -rf ~'
    /// git diff`, `GIT_SSH_COMMAND`, the pagers and editors): normalised as commands.
    pub(super) fn programs_of_environment(
        &mut self,
        assignments: &[Word<'_>],
        depth: usize,
        origin: super::Origin,
    ) {
        for a in assignments {
            if let Some((name, value)) = a.text.split_once('=')
                && PROGRAM_VARIABLES.contains(&name)
                && !value.is_empty()
            {
                self.script(value, depth + 1, origin);
            }
            // `BASH_ENV=FILE bash -c …` (and `ENV` for sh): the shell first runs FILE, which
            // the command may have written; one it did not write cannot be seen.
            if let Some((name, file)) = a.text.split_once('=')
                && matches!(name, "BASH_ENV" | "ENV")
                && !file.is_empty()
            {
                match self.written_to(file) {
                    Some(text) => self.script(&text, depth + 1, origin),
                    None => self.script(
                        &format!("source {}", super::shell_quote(file)),
                        depth + 1,
                        origin,
                    ),
                }
            }
        }
    }
}

/// Environment variables whose value is a command git runs.
const PROGRAM_VARIABLES: &[&str] = &[
    "GIT_EXTERNAL_DIFF",
    "GIT_SSH_COMMAND",
    "GIT_SSH",
    "GIT_PAGER",
    "GIT_EDITOR",
    "GIT_SEQUENCE_EDITOR",
    "GIT_ASKPASS",
    "GIT_PROXY_COMMAND",
    "PAGER",
    "EDITOR",
    "VISUAL",
    // bash runs these: before each prompt of an interactive shell, and at the start of each
    // of the shell's own commands.
    "PROMPT_COMMAND",
    "PS0",
];

/// `git config`'s options that take a separate value.
const CONFIG_VALUED: &[&str] = &[
    "--file",
    "-f",
    "--blob",
    "--type",
    "-t",
    "--default",
    "--comment",
    "--value",
    "--worktree-file",
];

/// Settings whose value is a command git runs (lower case; `alias.*` runs one when it starts
/// with `!`, `credential.helper` too).
const PROGRAM_SETTINGS: &[&str] = &[
    "core.sshcommand",
    "core.pager",
    "core.editor",
    "core.askpass",
    "core.fsmonitor",
    "diff.external",
    "sequence.editor",
    "gpg.program",
    "gpg.openpgp.program",
    "gpg.x509.program",
    "gpg.ssh.program",
    "gpg.ssh.defaultkeycommand",
    "core.gitproxy",
    "core.alternaterefscommand",
    "interactive.difffilter",
    "sendemail.sendmailcmd",
    "uploadpack.packobjectshook",
];

/// Settings named `SECTION.SUBSECTION.NAME` whose value is a command: the first part and
/// the last (`mergetool.meld.cmd`, `filter.lfs.smudge`).
const PROGRAM_SETTING_SHAPES: &[(&str, &str)] = &[
    ("filter.", ".clean"),
    ("filter.", ".smudge"),
    ("filter.", ".process"),
    ("merge.", ".driver"),
    ("diff.", ".textconv"),
    ("diff.", ".command"),
    ("mergetool.", ".cmd"),
    ("difftool.", ".cmd"),
    ("man.", ".cmd"),
    ("browser.", ".cmd"),
    ("remote.", ".uploadpack"),
    ("remote.", ".receivepack"),
];

/// The command a setting makes git run, if it is one, as a shell command: `alias.st=!git
/// reset --hard` (and `alias.st=reset --hard`, which is `git reset --hard`),
/// `core.sshCommand=…`, `diff.external=…`, a `!` credential helper, a filter or merge driver,
/// and what a push does with `remote.NAME.push=REFSPEC` or `remote.NAME.mirror=true`.
fn setting_program(key: &str, value: &str) -> Option<String> {
    let key = key.to_ascii_lowercase();
    let shell = value.strip_prefix('!');
    if key.starts_with("alias.") {
        return Some(shell.map_or_else(|| format!("git {value}"), str::to_owned));
    }
    if key.starts_with("credential.") && key.ends_with(".helper") {
        return shell.map(str::to_owned);
    }
    if let Some(remote) = key.strip_prefix("remote.") {
        if let Some(name) = remote.strip_suffix(".push") {
            return Some(format!("git push {name} {value}"));
        }
        if let Some(name) = remote.strip_suffix(".mirror")
            && matches!(
                value.to_ascii_lowercase().as_str(),
                "true" | "yes" | "on" | "1"
            )
        {
            return Some(format!("git push --mirror {name}"));
        }
        return shaped(&key).then(|| value.to_owned());
    }
    // `pager.log=CMD` pages that command's output through CMD (a boolean switches it).
    let pager = key.starts_with("pager.")
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "1" | "0" | ""
        );
    (pager || shaped(&key) || PROGRAM_SETTINGS.contains(&key.as_str()))
        .then(|| shell.unwrap_or(value).to_owned())
}

/// `remote.NAME.push` or `remote.NAME.mirror`, which a push's respelling reads itself.
fn is_push_setting(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("remote.") && (key.ends_with(".push") || key.ends_with(".mirror"))
}

/// Whether a lowercased key has one of the [`PROGRAM_SETTING_SHAPES`].
fn shaped(key: &str) -> bool {
    PROGRAM_SETTING_SHAPES.iter().any(|(first, last)| {
        key.starts_with(first) && key.ends_with(last) && key.len() > first.len() + last.len()
    })
}

/// The command of an `ext::` URL as a shell command: git splits it at spaces, and within an
/// argument `% ` is a space and `%%` a percent sign (`sh -c rm% -rf% ~` runs `sh -c 'rm -rf ~'`).
fn ext_command(url: &str) -> String {
    let mut args: Vec<String> = vec![String::new()];
    let mut chars = url.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '%' => match chars.next() {
                Some('%') => push_char(&mut args, '%'),
                Some(' ') => push_char(&mut args, ' '),
                Some(other) => {
                    push_char(&mut args, '%');
                    push_char(&mut args, other);
                }
                None => push_char(&mut args, '%'),
            },
            ' ' => args.push(String::new()),
            _ => push_char(&mut args, c),
        }
    }
    args.iter()
        .filter(|a| !a.is_empty())
        .map(|a| super::shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ")
}

fn push_char(args: &mut [String], c: char) {
    if let Some(last) = args.last_mut() {
        last.push(c);
    }
}

/// The commands a git command runs besides itself: `rebase -x|--exec CMD`, `bisect run CMD…`,
/// the commands its `-c` settings name or `git config` writes for later (`alias.x=!…`), and
/// the command of an `ext::` URL.
fn commands_git_runs(words: &[Word<'_>]) -> Vec<String> {
    // The everyday git command has none of these words: nothing to read, nothing allocated.
    let may = words.iter().skip(1).any(|w| {
        let b = w.text.as_bytes();
        b == b"-c"
            || matches!(b, [b'e', b'x', b't', b':', b':', ..])
            || (matches!(
                b.first(),
                Some(b'a' | b'r' | b'b' | b'c' | b's' | b'd' | b'f' | b'l' | b'p')
            ) && matches!(
                &*w.text,
                "rebase"
                    | "bisect"
                    | "config"
                    | "submodule"
                    | "difftool"
                    | "fetch"
                    | "clone"
                    | "ls-remote"
                    | "pull"
                    | "push"
                    | "archive"
            ))
    });
    if !may {
        return Vec::new();
    }
    let texts = super::wrappers::texts(words.get(1..).unwrap_or_default());
    let inv = git::invocation(&texts);
    let mut out = Vec::new();
    for c in inv.configs() {
        // A push's own remote settings are read by the respelling; the others run.
        if let Some((key, value)) = c.split_once('=')
            && !is_push_setting(key)
            && let Some(program) = setting_program(key, value)
        {
            out.push(program);
        }
    }
    let Some(sub) = inv.subcommand() else {
        return out;
    };
    let args = inv.args(&texts);
    // The options that name a program, read with the subcommand's table (`rebase -ix CMD`,
    // `--exe=CMD`, `difftool -x CMD`, and the remote programs of fetch, clone, pull,
    // ls-remote, push and archive: `-u` is `--upload-pack` for clone and ls-remote,
    // `--update-head-ok` for fetch).
    let programs: &[&str] = match sub {
        "rebase" => &["exec"],
        "difftool" => &["extcmd"],
        "clone" | "ls-remote" | "fetch" | "pull" => &["upload-pack"],
        "push" => &["receive-pack", "exec"],
        "archive" => &["exec"],
        _ => &[],
    };
    if let Some(table) = git::subcommand_options(sub)
        && !programs.is_empty()
    {
        let parsed = table.parse(args);
        for option in programs {
            out.extend(parsed.values(option).map(str::to_owned));
        }
        // `clone -c KEY=VALUE` configures the new repository before its checkout, which
        // runs what the setting names (`core.fsmonitor`, a filter driver, a hook path).
        for setting in parsed.values("config") {
            if let Some((key, value)) = setting.split_once('=')
                && let Some(program) = setting_program(key, value)
            {
                out.push(program);
            }
        }
    }
    match sub {
        "submodule" => {
            // `submodule [--quiet] foreach [--recursive] CMD…`
            if let Some(at) = args.iter().position(|a| *a == "foreach") {
                let rest: Vec<&str> = args
                    .get(at + 1..)
                    .unwrap_or_default()
                    .iter()
                    .copied()
                    .skip_while(|a| a.starts_with('-'))
                    .collect();
                if !rest.is_empty() {
                    out.push(rest.join(" "));
                }
            }
        }
        "bisect" if args.first() == Some(&"run") => {
            out.push(args.get(1..).unwrap_or_default().join(" "));
        }
        "config" => {
            // `git config [--global] [--file PATH] KEY VALUE`, `git config set KEY VALUE`:
            // what the setting will make git run.
            let mut operands: Vec<&str> = Vec::new();
            let mut k = 0;
            while let Some(a) = args.get(k) {
                if CONFIG_VALUED.contains(a) {
                    k += 1;
                } else {
                    // `set` is a verb only in first place (`git config set KEY VALUE`).
                    let verb = operands.is_empty() && *a == "set";
                    if !a.starts_with('-') && !verb {
                        operands.push(a);
                    }
                }
                k += 1;
            }
            if let [key, value, ..] = operands.as_slice()
                && let Some(program) = setting_program(key, value)
            {
                out.push(program);
            }
            // Turning clean.requireForce off makes every later `git clean` delete.
            if let [key, value, ..] = operands.as_slice()
                && key.eq_ignore_ascii_case("clean.requireForce")
                && matches!(
                    value.to_ascii_lowercase().as_str(),
                    "false" | "no" | "off" | "0"
                )
            {
                out.push("git clean --force".to_owned());
            }
        }
        _ => {}
    }
    for a in args {
        // `ext::sh -c rm% -rf% ~`: git runs the rest, `% ` a space and `%%` a percent sign.
        if let Some(command) = a.strip_prefix("ext::") {
            out.push(ext_command(command));
        }
    }
    out
}

/// `git --attr-source REF …` as `git --attr-source=REF …`: a long global option and its value
/// in one word, so that a pattern's `-[^ ]+` for the global options skips both (the patterns
/// name only `-C`, `-c`, `--git-dir`, `--work-tree` and `--namespace` with a separate value).
/// `None` when no such pair stands before the subcommand.
fn join_global_values<'a>(words: &[Word<'a>]) -> Option<Vec<Word<'a>>> {
    let rest = words.get(1..)?;
    let long_global =
        |w: &Word<'_>| w.text.starts_with("--") && git::GLOBAL_WITH_VALUE.contains(&&*w.text);
    if !rest.iter().any(long_global) {
        // The everyday command: nothing to join, nothing allocated.
        return None;
    }
    let sub_at = git::invocation(&super::wrappers::texts(rest))
        .subcommand_index()
        .unwrap_or(rest.len());
    let pair = |k: usize| rest.get(k).is_some_and(long_global) && k + 1 < sub_at;
    if !(0..sub_at).any(pair) {
        return None;
    }
    let mut out: Vec<Word<'a>> = Vec::with_capacity(words.len());
    out.extend(words.first().cloned());
    let mut k = 0;
    while let Some(w) = rest.get(k) {
        if k < sub_at
            && pair(k)
            && let Some(value) = rest.get(k + 1)
        {
            out.push(Word {
                text: Cow::Owned(format!("{}={}", w.text, value.text)),
                dynamic: w.dynamic || value.dynamic,
                ..value.clone()
            });
            k += 2;
        } else {
            out.push(w.clone());
            k += 1;
        }
    }
    Some(out)
}

/// Where a git command runs, as far as the command says: the folder a `cd` moved to, and
/// whether that may be another repository.
#[derive(Debug, Clone, Copy)]
struct Folder<'c> {
    cwd: Option<&'c str>,
    elsewhere: bool,
}

/// The canonical spelling of `git ARGS` (`words[0]` is the command name), or `None` when it
/// is left as written. Sets `computed` when a computed word sits where git reads the
/// subcommand or an option of a dangerous one.
fn respell<'a>(
    words: &[Word<'a>],
    state: Option<&dyn GitState>,
    folder: Folder<'_>,
    computed: &mut bool,
    fed: Fed<'_>,
) -> Option<Vec<Word<'a>>> {
    let elsewhere = folder.elsewhere;
    let appended = matches!(fed, Fed::Appended);
    let could_be_option = |w: &Word<'_>| could_be_option(w, fed);
    let rest = words.get(1..)?;
    // The words as string slices: on the stack for the usual few, else on the heap.
    let mut stack = [""; 16];
    let heap: Vec<&str>;
    let texts: &[&str] = if rest.len() <= stack.len() {
        for (slot, w) in stack.iter_mut().zip(rest) {
            *slot = &w.text;
        }
        stack.get(..rest.len()).unwrap_or_default()
    } else {
        heap = rest.iter().map(|w| &*w.text).collect();
        &heap
    };
    let inv = git::invocation(texts);
    let Some(sub_at) = inv.subcommand_index() else {
        *computed |= appended || rest.iter().any(could_be_option);
        return None;
    };
    let sub_word = rest.get(sub_at)?;
    let globals = rest.get(..sub_at).unwrap_or_default();
    if sub_word.dynamic || globals.iter().any(could_be_option) {
        *computed = true;
        return None;
    }
    let sub = inv.subcommand()?;
    let args = rest.get(sub_at + 1..).unwrap_or_default();
    let arg_texts = inv.args(texts);
    // `git -C DIR`, `--git-dir`, `--work-tree`, or after a `cd`: the repository the state
    // describes may not be the one the command works on.
    let elsewhere = elsewhere
        || !inv.dirs().is_empty()
        || globals
            .iter()
            .any(|w| w.text.starts_with("--git-dir") || w.text.starts_with("--work-tree"));
    // The folder git works in, relative to the call's: `cd` and `-C` (`$` when computed).
    // Only a checkout asks for it.
    let git_folder = || -> Option<String> {
        let mut dir: Option<String> = folder.cwd.map(str::to_owned);
        let mut known = !folder.cwd.is_some_and(|d| d.contains(['$', '`']));
        for d in inv.dirs() {
            known &= !d.contains(['$', '`']);
            dir = Some(match dir {
                Some(base) if !d.starts_with(['/', '~']) => format!("{base}/{d}"),
                _ => (*d).to_owned(),
            });
        }
        if known { dir } else { Some("$".to_owned()) }
    };
    let repo_state = state;
    let state = if elsewhere { None } else { state };

    // `git SUB --help` shows help whatever else it says.
    let help = arg_texts
        .iter()
        .take_while(|a| **a != "--")
        .any(|a| *a == "--help" || *a == "-h");
    if help {
        let mut out: Vec<Word<'a>> = words.get(..=sub_at).unwrap_or_default().to_vec();
        out.push(word("help", false));
        out.push(sub_word.clone());
        return Some(out);
    }

    // A verb of its own (`reflog expire`, `stash drop`).
    let (key, verb) = match arg_texts.first() {
        Some(verb) if VERB_SUBCOMMANDS.contains(&sub) && !verb.starts_with('-') => {
            (Cow::Owned(format!("{sub} {verb}")), 1)
        }
        _ => (Cow::Borrowed(sub), 0),
    };
    let dangerous = DANGEROUS_SUBCOMMANDS.contains(&sub);
    // Words from unseen input after a dangerous subcommand may be any option or path.
    *computed |= dangerous && appended;
    let Some(table) = git::subcommand_options(&key) else {
        if dangerous && args.iter().any(could_be_option) {
            *computed = true;
        }
        return None;
    };
    let verb_words = args.get(..verb).unwrap_or_default();
    let args = args.get(verb..).unwrap_or_default();
    let arg_texts = arg_texts.get(verb..).unwrap_or_default();
    let parsed = table.parse(arg_texts);
    if dangerous {
        let mut separated = false;
        for (w, kind) in args.iter().zip(parsed.kinds()) {
            match kind {
                ArgKind::Separator => separated = true,
                ArgKind::Operand if !separated && could_be_option(w) => *computed = true,
                ArgKind::Option | ArgKind::Unknown if computed_option_name(w) => {
                    *computed = true;
                }
                _ => {}
            }
        }
    }
    // `-c remote.origin.push=+HEAD:refs/heads/main push` and `-c remote.origin.mirror=true
    // push` push what the setting says; `heads/main` is git's short form of `refs/heads/main`.
    let (config_refspec, config_mirror) = if sub == "push" {
        push_settings(inv.configs())
    } else {
        (None, false)
    };
    let short_heads = sub == "push"
        && parsed
            .operands()
            .iter()
            .skip(1)
            .any(|o| qualified_heads(o).is_some() || o.contains('*') || o.ends_with(':'));
    // `-c push.default=matching push --force`: every branch with a remote namesake.
    let matching_forced = sub == "push"
        && parsed.operands().len() <= 1
        && (parsed.has("force") || parsed.has("force-with-lease"))
        && inv.configs().iter().any(|c| {
            c.split_once('=').is_some_and(|(k, v)| {
                k.eq_ignore_ascii_case("push.default") && v.eq_ignore_ascii_case("matching")
            })
        });
    // `-c clean.requireForce=false clean -d`: no `-f` needed, it deletes as `clean -f` does.
    let clean_unforced = sub == "clean"
        && !parsed.has("force")
        && !parsed.has("dry-run")
        && !parsed.has("interactive")
        && inv.configs().iter().any(|c| {
            c.split_once('=').is_some_and(|(k, v)| {
                k.eq_ignore_ascii_case("clean.requireForce")
                    && matches!(
                        v.to_ascii_lowercase().as_str(),
                        "false" | "no" | "off" | "0"
                    )
            })
        });
    // `git checkout PATH` (one operand, no `--`): git restores PATH from the index when it
    // names no branch, tag or commit, discarding its changes.
    let lone_path = sub == "checkout"
        && parsed.operands_before_separator().is_none()
        && !["b", "B", "orphan", "patch", "detach"]
            .iter()
            .any(|n| parsed.has(n))
        && match parsed.operands() {
            [one] => checkout_reads_a_path(one, repo_state, git_folder().as_deref()),
            _ => false,
        };
    if sub == "push" {
        let forced = parsed.has("force") || parsed.has("force-with-lease");
        let refspecs: Vec<&Word<'_>> = args
            .iter()
            .zip(parsed.kinds())
            .filter(|(_, kind)| matches!(kind, ArgKind::Operand))
            .map(|(w, _)| w)
            .skip(1)
            .collect();
        // A forced push whose refspec is computed (`HEAD:${B:-main}`, `+HEAD:$B`) may update
        // any branch; one without a refspec in another repository updates that one's upstream.
        if refspecs
            .iter()
            .any(|w| w.dynamic && (forced || w.text.starts_with('+')))
            || (elsewhere
                && !["tags", "mirror", "all", "branches"]
                    .iter()
                    .any(|o| parsed.has(o))
                && (forced && refspecs.is_empty()
                    || refspecs.iter().any(|w| {
                        // `HEAD`, `@`: that repository's current branch, to its own name.
                        let (plus, spec) = match w.text.strip_prefix('+') {
                            Some(rest) => (true, rest),
                            None => (false, &*w.text),
                        };
                        (forced || plus) && matches!(spec, "HEAD" | "@")
                    })))
        {
            *computed = true;
        }
    }
    // `git branch -M NAME` renames the current branch to NAME, overwriting a branch NAME that
    // exists: read as `git branch -M CURRENT NAME`, so gates on what is overwritten see it.
    let overwritten_by = (sub == "branch")
        .then(|| {
            let forced = parsed.has("force");
            let moving = parsed.has("M")
                || parsed.has("C")
                || (forced && ["m", "move", "c", "copy"].iter().any(|o| parsed.has(o)));
            match parsed.operands() {
                [name] if moving => {
                    let state = state?;
                    let current = state.current_branch()?;
                    (current != *name && state.has_branch(name) == Some(true)).then_some(current)
                }
                _ => None,
            }
        })
        .flatten();
    let rewrite = clean_unforced
        || overwritten_by.is_some()
        || lone_path
        || config_refspec.is_some()
        || config_mirror
        || short_heads
        || matching_forced
        || (sub == "checkout"
            && parsed.operands().len() >= 2
            && parsed.operands_before_separator().is_none())
        || (sub == "push"
            && state.is_some()
            && (parsed.has("force")
                || parsed.has("force-with-lease")
                || parsed.operands().iter().any(|o| forced_head(o))));
    if !rewrite && canonical_already(&parsed, arg_texts) {
        return None;
    }

    let mut out: Vec<Word<'a>> = Vec::with_capacity(words.len() + 2);
    out.extend(words.get(..=sub_at + 1).unwrap_or_default().iter().cloned());
    out.extend(verb_words.iter().cloned());

    // Which words are operands, and which computed words sit in an option position.
    let mut operands: Vec<&Word<'a>> = Vec::new();
    let mut after_separator: Option<usize> = None;
    let mut unknown: Vec<&Word<'a>> = Vec::new();
    for (w, kind) in args.iter().zip(parsed.kinds()) {
        match kind {
            ArgKind::Operand => operands.push(w),
            ArgKind::Separator => after_separator = Some(operands.len()),
            ArgKind::Unknown => unknown.push(w),
            ArgKind::Option | ArgKind::Value => {}
        }
    }

    for o in parsed.options() {
        let from = args.get(o.index);
        let dynamic = from.is_some_and(|w| w.dynamic);
        if o.spec.has_long() && from.is_some_and(|w| w.text.starts_with("--")) {
            let name = match (o.negated, o.spec.long.strip_prefix("no-")) {
                (false, _) => format!("--{}", o.spec.long),
                (true, Some(positive)) => format!("--{positive}"),
                (true, None) => format!("--no-{}", o.spec.long),
            };
            match (o.spec.arity, o.value) {
                (Arity::Optional, Some(v)) => out.push(word(format!("{name}={v}"), dynamic)),
                // A value that looks like an option stays attached (`--message=-n`), so that
                // no pattern takes it for one.
                (Arity::Required, Some(v)) if v.starts_with('-') => {
                    out.push(word(
                        format!("{name}={v}"),
                        dynamic || value_dynamic(args, o.index),
                    ));
                }
                (Arity::Required, Some(v)) => {
                    out.push(word(name, false));
                    out.push(word(v.to_owned(), dynamic || value_dynamic(args, o.index)));
                }
                _ => out.push(word(name, false)),
            }
        } else {
            let letter = o
                .spec
                .short
                .map_or(Cow::Borrowed(o.spec.long), |c| Cow::Owned(c.to_string()));
            match (o.spec.arity, o.value) {
                // An attached optional value reads as letters (`-uno` is not `-u -n -o`):
                // spelled long, `--untracked-files=no`, where there is a long name.
                (Arity::Optional, Some(v)) if o.spec.has_long() => {
                    out.push(word(format!("--{}={v}", o.spec.long), dynamic));
                }
                (Arity::Optional, Some(v)) => out.push(word(format!("-{letter}{v}"), dynamic)),
                (Arity::Required, Some(v)) if v.starts_with('-') && o.spec.has_long() => {
                    out.push(word(
                        format!("--{}={v}", o.spec.long),
                        dynamic || value_dynamic(args, o.index),
                    ));
                }
                (Arity::Required, Some(v)) => {
                    out.push(word(format!("-{letter}"), false));
                    out.push(word(v.to_owned(), dynamic || value_dynamic(args, o.index)));
                }
                _ => out.push(word(format!("-{letter}"), false)),
            }
        }
    }
    if clean_unforced {
        out.push(word("--force", false));
    }
    out.extend(unknown.into_iter().cloned());

    let mut separator = after_separator;
    if sub == "checkout"
        && separator.is_none()
        && operands.len() >= 2
        && !["b", "B", "orphan", "patch"].iter().any(|n| parsed.has(n))
    {
        // `git checkout REF PATH…`: PATH is restored from REF, discarding its changes.
        separator = Some(1);
    }
    if lone_path && separator.is_none() {
        separator = Some(0);
    }
    let renamed: Vec<Word<'a>>;
    if let Some(current) = &overwritten_by {
        renamed = std::iter::once(word(current.clone(), false))
            .chain(operands.iter().map(|w| (*w).clone()))
            .collect();
        operands = renamed.iter().collect();
    }
    let resolved;
    let forced = parsed.has("force") || parsed.has("force-with-lease");
    // `push --tags` without a refspec pushes the tags only.
    let tags_only = parsed.has("tags") && operands.len() <= 1;
    if sub == "push"
        && let Some(state) = state
        && (forced || operands.iter().any(|w| forced_head(&w.text)))
        && push_reads_the_branch(&operands, forced)
        && !parsed.has("mirror")
        && !parsed.has("all")
        && !parsed.has("branches")
        && !tags_only
        && let Some(branch) = state.current_branch()
        && let Some((remote, dest)) = state.push_destination(&branch)
    {
        // A forced push without a refspec updates the current branch's destination (its
        // upstream, for push.default=upstream): name it. A `HEAD` refspec (or `+HEAD`, forced
        // by its `+`) pushes the current branch to its own name.
        let spec = if dest == branch {
            branch.clone()
        } else {
            format!("{branch}:{dest}")
        };
        let mut new: Vec<Word<'a>> = Vec::with_capacity(operands.len() + 2);
        match operands.split_first() {
            None => {
                new.push(word(remote, false));
                new.push(word(spec, false));
            }
            Some((first, refspecs)) => {
                new.push((*first).clone());
                if refspecs.is_empty() && forced {
                    new.push(word(spec, false));
                }
                for r in refspecs {
                    if forced_head(&r.text) {
                        new.push(word(format!("+HEAD:{branch}"), false));
                    } else if forced && matches!(&*r.text, "HEAD" | "@") {
                        new.push(word(format!("HEAD:{branch}"), false));
                    } else {
                        new.push((*r).clone());
                    }
                }
            }
        }
        resolved = new;
        operands = resolved.iter().collect();
    }
    let pushed: Vec<Word<'a>>;
    if sub == "push"
        && (config_refspec.is_some() || config_mirror || short_heads || matching_forced)
    {
        if config_mirror {
            out.push(word("--mirror", false));
        }
        let mut new: Vec<Word<'a>> = operands
            .iter()
            .enumerate()
            .map(|(k, w)| match qualified_heads(&w.text) {
                Some(q) if k >= 1 => word(q, w.dynamic),
                _ => (*w).clone(),
            })
            .collect();
        if let Some(spec) = config_refspec
            && new.len() <= 1
        {
            new.push(word(spec.to_owned(), false));
        }
        // A wildcard refspec (`+refs/heads/*:refs/heads/*`, `'m*'`) that reaches main or
        // master updates it too: name it.
        let wildcards: Vec<Word<'a>> = new
            .iter()
            .skip(1)
            .filter_map(|w| wildcard_reaching_main(&w.text).map(|t| word(t, w.dynamic)))
            .collect();
        new.extend(wildcards);
        // The matching refspec (`:`, forced as `+:` or by `--force`) pushes every branch with
        // a remote namesake, main among them.
        if new
            .iter()
            .skip(1)
            .any(|w| w.text == "+:" || (forced && w.text == ":"))
        {
            new.push(word("+main", false));
        }
        if matching_forced {
            if new.is_empty() {
                new.push(word("origin", false));
            }
            new.push(word("main", false));
        }
        pushed = new;
        operands = pushed.iter().collect();
    }
    for (k, w) in operands.iter().enumerate() {
        if separator == Some(k) {
            out.push(word("--", false));
        }
        // A path after `--` that starts with `-` (`git reset -- --hard` names a file
        // `--hard`) is spelled `./--hard`, the same file, so that no pattern takes it for
        // an option. (`git switch -- -f` names a branch: no pattern reads it as `-f`.)
        if separator.is_some_and(|s| k >= s) && w.text.starts_with('-') && sub != "switch" {
            out.push(word(format!("./{}", w.text), w.dynamic));
        } else {
            out.push((*w).clone());
        }
    }
    if separator == Some(operands.len()) {
        out.push(word("--", false));
    }
    let same = out.len() == words.len() && out.iter().zip(words).all(|(a, b)| a.text == b.text);
    (!same).then_some(out)
}

/// Whether `git checkout OPERAND` reads OPERAND as a path: it cannot be a ref name (`./a`,
/// `src/`, a glob, a pathspec with magic, `a/../b`), or the repository says it names no ref
/// but a file or folder ([`GitState::names_only_a_path`]).
fn checkout_reads_a_path(operand: &str, state: Option<&dyn GitState>, under: Option<&str>) -> bool {
    if operand.is_empty() || operand == "-" || operand.contains(['$', '`']) {
        return false;
    }
    let not_a_ref = operand.starts_with(['/', ':'])
        || operand.ends_with('/')
        || operand.contains(['*', '?', '[', '\\'])
        || operand
            .split('/')
            .any(|c| c.is_empty() || c.starts_with('.') || c.ends_with(".lock"));
    // A folder computed at run time cannot be looked into.
    let looked_up = match under {
        Some(dir) if dir.contains(['$', '`']) => None,
        _ => state.and_then(|s| s.names_only_a_path(operand, under)),
    };
    not_a_ref || looked_up == Some(true)
}

/// What `-c` settings make a `git push` push: the refspec of `remote.NAME.push` (the last
/// one), and whether `remote.NAME.mirror` is true.
fn push_settings<'s>(configs: &[&'s str]) -> (Option<&'s str>, bool) {
    let mut refspec = None;
    let mut mirror = false;
    for c in configs {
        let (key, value) = c.split_once('=').unwrap_or((c, "true"));
        let key = key.to_ascii_lowercase();
        if !key.starts_with("remote.") {
            continue;
        }
        if key.ends_with(".push") {
            refspec = Some(value);
        } else if key.ends_with(".mirror") {
            mirror = matches!(
                value.to_ascii_lowercase().as_str(),
                "true" | "yes" | "on" | "1"
            );
        }
    }
    (refspec, mirror)
}

/// A push refspec whose destination is git's short `heads/NAME`, with it written in full
/// (`HEAD:heads/main` → `HEAD:refs/heads/main`); `None` for any other.
fn qualified_heads(refspec: &str) -> Option<String> {
    let (plus, spec) = match refspec.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", refspec),
    };
    match spec.split_once(':') {
        Some((src, dst)) if dst.starts_with("heads/") => Some(format!("{plus}{src}:refs/{dst}")),
        None if spec.starts_with("heads/") => Some(format!("{plus}refs/{spec}")),
        _ => None,
    }
}

/// The refspec a wildcard refspec (`refs/heads/m*:refs/heads/m*`, `+*`) is when its `*`
/// stands for what makes the destination main or master, if it can.
fn wildcard_reaching_main(refspec: &str) -> Option<String> {
    let (plus, spec) = match refspec.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", refspec),
    };
    let (src, dst) = spec.split_once(':').unwrap_or((spec, spec));
    let (pre, post) = dst.split_once('*')?;
    let target = ["refs/heads/main", "main", "refs/heads/master", "master"]
        .into_iter()
        .find(|t| t.len() >= pre.len() + post.len() && t.starts_with(pre) && t.ends_with(post))?;
    let star = target.get(pre.len()..target.len() - post.len())?;
    Some(format!("{plus}{}:{target}", src.replacen('*', star, 1)))
}

/// A refspec that force-updates the current branch's destination by its `+`: `+HEAD`, `+@`.
fn forced_head(refspec: &str) -> bool {
    matches!(refspec, "+HEAD" | "+@")
}

/// Whether the reading of a push (operands: the remote, then the refspecs) depends on the
/// current branch: without a refspec, or with a `HEAD` one. Only then is the repository
/// opened: not for `git push --force origin main` (libgit2's discovery and config reads were
/// some 70 system calls of a denied call).
fn push_reads_the_branch(operands: &[&Word<'_>], forced: bool) -> bool {
    match operands.split_first() {
        None => true,
        Some((_, [])) => forced,
        Some((_, refspecs)) => refspecs
            .iter()
            .any(|r| forced_head(&r.text) || (forced && matches!(&*r.text, "HEAD" | "@"))),
    }
}

/// Whether the arguments are spelled canonically already: every option word is one full long
/// option or one short flag (its value in the next word), no option follows an operand, and
/// no path after `--` starts with `-`. Most commands are, and need no second spelling.
fn canonical_already(parsed: &crate::model::ParsedArgs<'_>, args: &[&str]) -> bool {
    let mut seen_operand = false;
    let mut options = parsed.options().iter().peekable();
    for (k, (kind, text)) in parsed.kinds().iter().zip(args).enumerate() {
        match kind {
            ArgKind::Operand => seen_operand = true,
            ArgKind::Separator => {
                return args
                    .get(k + 1..)
                    .is_none_or(|rest| !rest.iter().any(|a| a.starts_with('-')));
            }
            ArgKind::Value | ArgKind::Unknown => {}
            ArgKind::Option => {
                if seen_operand {
                    return false;
                }
                let Some(o) = options.next() else {
                    return false;
                };
                if o.index != k || options.peek().is_some_and(|n| n.index == k) {
                    // A cluster of short flags.
                    return false;
                }
                let spelled = match text.strip_prefix("--") {
                    Some(long) => !o.negated && long == o.spec.long,
                    None => {
                        text.len() == 2 && o.value.is_none_or(|_| o.spec.arity == Arity::Required)
                    }
                };
                if !spelled
                    || (o.spec.arity == Arity::Required
                        && (text.contains('=') || o.value.is_some_and(|v| v.starts_with('-'))))
                {
                    return false;
                }
            }
        }
    }
    true
}

/// Whether the separate value after the option at `index` is computed.
fn value_dynamic(args: &[Word<'_>], index: usize) -> bool {
    args.get(index + 1).is_some_and(|w| w.dynamic)
}

/// The settings of a git configuration file's text, as `-c` takes them (`core.hookspath=V`):
/// `[section]` and `[section "sub"]` headers, `key = value` lines (a key alone is `true`),
/// comments after `#` or `;` outside quotes, quotes taken off.
pub(super) fn config_file_settings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut section = String::new();
    for line in text.lines() {
        let line = without_comment(line).trim();
        if let Some(header) = line.strip_prefix('[') {
            let header = header.split(']').next().unwrap_or_default().trim();
            section = match header.split_once(char::is_whitespace) {
                Some((name, sub)) => {
                    format!(
                        "{}.{}",
                        name.to_ascii_lowercase(),
                        sub.trim().trim_matches('"')
                    )
                }
                None => header.to_ascii_lowercase(),
            };
            // `[core] hooksPath = x`: a setting may follow the header on its line.
            let rest = line.split_once(']').map_or("", |(_, r)| r).trim();
            if let Some(setting) = setting_of(&section, rest) {
                out.push(setting);
            }
            continue;
        }
        if let Some(setting) = setting_of(&section, line) {
            out.push(setting);
        }
    }
    out
}

/// `key = value` under `section`, as `section.key=value`.
fn setting_of(section: &str, line: &str) -> Option<String> {
    if line.is_empty() || section.is_empty() {
        return None;
    }
    let (key, value) = match line.split_once('=') {
        Some((k, v)) => (k.trim(), v.trim().trim_matches('"')),
        None => (line, "true"),
    };
    (!key.is_empty()).then(|| format!("{section}.{}={value}", key.to_ascii_lowercase()))
}

/// A line of a configuration file without its comment (`#` or `;` outside double quotes).
fn without_comment(line: &str) -> &str {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' | ';' if !quoted => return line.get(..i).unwrap_or(line),
            _ => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::config_file_settings;

    #[test]
    fn configuration_files_read_as_settings() {
        let text = "# mine\n[core]\n\tHooksPath = \"/dev/null\" ; off\n  bare\n\
                    [remote \"origin\"] url = x#y\n[alias]\nci = commit --no-verify\n";
        assert_eq!(
            config_file_settings(text),
            [
                "core.hookspath=/dev/null",
                "core.bare=true",
                "remote.origin.url=x",
                "alias.ci=commit --no-verify",
            ]
        );
        assert!(config_file_settings("hooksPath = x\n; [core]\n").is_empty());
    }
}

/// The options whose value git reads as an age (with its approxidate): expiry of reflog
/// entries and pruning of unreachable objects.
const AGE_OPTIONS: &[&str] = &[
    "--expire",
    "--expire-unreachable",
    "--prune",
    "--unpack-unreachable",
    "--cruft-expiration",
];

/// The configuration keys whose value git reads as such an age (lower case).
const AGE_SETTINGS: &[&str] = &[
    "gc.pruneexpire",
    "gc.reflogexpire",
    "gc.reflogexpireunreachable",
    "gc.worktreepruneexpire",
];

/// The git command again with every age it is given written as git's own reading of it
/// comes to (`never`, `N.days.ago`, or `now` for anything else), when one is written
/// otherwise: `--expire=yesterday`, `--prune=1000.hours.ago` (41 days), `-c
/// gc.pruneExpire=one.week.ago`. Anything this reading does not know (dates, weekdays,
/// `noon`, `@1700000000`) reads as `now`: a gate can then tell a short age from git's
/// defaults by one spelling.
pub(super) fn ages_read(words: &[Word<'_>]) -> Option<Vec<Word<'static>>> {
    // The everyday git command gives no age: nothing copied for it.
    let gives_age = |w: &Word<'_>| {
        let t = &*w.text;
        let long = t.starts_with("--");
        if !long && !t.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("gc.")) {
            return false;
        }
        let name = t.split_once('=').map_or(t, |(n, _)| n);
        if long {
            AGE_OPTIONS.contains(&name)
        } else {
            AGE_SETTINGS.iter().any(|a| name.eq_ignore_ascii_case(a))
        }
    };
    if !words.iter().any(gives_age) {
        return None;
    }
    let mut out: Vec<Word<'static>> = Vec::with_capacity(words.len());
    let mut changed = false;
    let mut k = 0;
    while let Some(w) = words.get(k) {
        k += 1;
        let t = &*w.text;
        let (name, value) = t.split_once('=').unwrap_or((t, ""));
        if AGE_OPTIONS.contains(&name) && t.contains('=') {
            let age = age_of(value);
            changed |= age != value;
            out.push(Word::plain(format!("{name}={age}")));
            continue;
        }
        if matches!(t, "--expire" | "--expire-unreachable")
            && let Some(v) = words.get(k)
        {
            k += 1;
            let age = age_of(&v.text);
            changed |= age != *v.text;
            out.push(w.clone().into_owned());
            out.push(Word::plain(age));
            continue;
        }
        if let Some((key, v)) = t.split_once('=')
            && AGE_SETTINGS.contains(&key.to_ascii_lowercase().as_str())
        {
            let age = age_of(v);
            changed |= age != v;
            out.push(Word::plain(format!("{key}={age}")));
            continue;
        }
        out.push(w.clone().into_owned());
    }
    changed.then_some(out)
}

/// What an age git reads comes to: `never`, `N.days.ago` (whole days, rounded down) for a
/// sum of counts of units (`2.weeks.ago`, `1000_hours`, `one.day.ago`), `now` for anything
/// else.
fn age_of(value: &str) -> String {
    let v = value.trim().to_ascii_lowercase();
    if matches!(v.as_str(), "never" | "false") {
        return "never".to_owned();
    }
    if v == "all" {
        // git's own word for everything, as now.
        return v;
    }
    match relative_seconds(&v) {
        Some(seconds) => format!("{}.days.ago", seconds / 86_400),
        None => "now".to_owned(),
    }
}

/// The seconds of a relative age (`N unit …[ ago]`, with `.`, `_`, `,`, `-` or spaces between
/// and number words up to ten), or `None`.
fn relative_seconds(text: &str) -> Option<u64> {
    let mut tokens: Vec<String> = Vec::new();
    for part in text
        .split(['.', '_', ',', ' ', '\t', '-'])
        .filter(|p| !p.is_empty())
    {
        // `1days`: the count and the unit written together.
        let digits = part.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && digits < part.len() {
            tokens.push(part.get(..digits)?.to_owned());
            tokens.push(part.get(digits..)?.to_owned());
        } else {
            tokens.push(part.to_owned());
        }
    }
    if tokens.last().is_some_and(|t| t == "ago") {
        tokens.pop();
    }
    if tokens.is_empty() || !tokens.len().is_multiple_of(2) || text.trim_start().starts_with('-') {
        return None;
    }
    let mut total: u64 = 0;
    for pair in tokens.chunks(2) {
        let [count, unit] = pair else { return None };
        let count: u64 = match count.as_str() {
            "one" | "a" | "an" => 1,
            "two" => 2,
            "three" => 3,
            "four" => 4,
            "five" => 5,
            "six" => 6,
            "seven" => 7,
            "eight" => 8,
            "nine" => 9,
            "ten" => 10,
            digits => digits.parse().ok()?,
        };
        let unit: u64 = match unit.trim_end_matches('s') {
            "second" | "sec" => 1,
            "minute" | "min" => 60,
            "hour" => 3_600,
            "day" => 86_400,
            "week" => 7 * 86_400,
            "month" => 30 * 86_400,
            "year" => 365 * 86_400,
            _ => return None,
        };
        total = total.saturating_add(count.saturating_mul(unit));
    }
    Some(total)
}

#[cfg(test)]
mod age_tests {
    use super::age_of;

    #[test]
    fn ages_read_as_git_counts_them() {
        for (given, read) in [
            ("2.weeks.ago", "14.days.ago"),
            ("1000.hours.ago", "41.days.ago"),
            ("one.day.ago", "1.days.ago"),
            ("1_day_ago", "1.days.ago"),
            ("1,day,ago", "1.days.ago"),
            ("1days", "1.days.ago"),
            ("3.months.ago", "90.days.ago"),
            ("1.year.2.days", "367.days.ago"),
            ("Never", "never"),
            ("false", "never"),
        ] {
            assert_eq!(age_of(given), read, "{given}");
        }
        // Dates, phrases and anything unread count as now.
        for given in [
            "now",
            "yesterday",
            "today.noon",
            "Dec.1",
            "2026-12-01",
            "@9999999999",
            "9999999999",
            "-1.days.ago",
            "",
            "1.fortnight",
            "1.2.days",
        ] {
            assert_eq!(age_of(given), "now", "{given}");
        }
    }
}
