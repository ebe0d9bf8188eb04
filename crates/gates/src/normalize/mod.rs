//! Shell-aware normalisation of Bash commands.
//!
//! A gate pattern such as `git reset --hard` should catch `FOO=1 sudo /usr/bin/git 'reset'
//! "--hard"` and `bash -c "git reset --hard"`, and should not fire on `echo "git reset --hard"`
//! or on a commit message. [`normalize`] turns a command string into the list of *simple
//! commands* it would execute, each as plain words:
//!
//! - compound commands are split (`;`, `&&`, `||`, `|`, `&`, newlines, subshells, `{ …; }`,
//!   `if`/`while`/`for`/`case` bodies), and the bodies of `$(…)`, `` `…` ``, `<(…)` and `>(…)`
//!   are commands of their own;
//! - `bash|sh|zsh|… -c STRING`, `eval ARGS`, here-documents or here-strings fed to a shell, and
//!   the commands that run other commands (one row each in `wrappers.rs`: `sudo`, `doas`,
//!   `env` with `-S`/`-C`/`-P`/`-`, `nice`, `timeout`, `stdbuf`, `flock`, `busybox` and
//!   `toybox` applets, `xargs`, GNU `parallel` with its `:::` arguments and `--pipe`, `watch`,
//!   `script -c`, `su -c`, `ssh HOST COMMAND…`, `find … -exec|-execdir|-ok COMMAND ;`,
//!   `setpriv`, `prlimit`, `chroot`, `unshare`, `systemd-run`, `uv run` and its kin, `tmux`,
//!   `screen`, `wsl`, `cmd /c`, PowerShell's `-Command`) are unwrapped and
//!   normalised in turn; a shell that gets its program from a pipe, a file or a fan-out tool's
//!   input ends in [`STDIN_PROGRAM`];
//! - inline interpreter code (`python -c`, `node -e`, `perl -e`, `ruby -e`, `php -r`, …, and
//!   here-documents fed to an interpreter) is scanned for the string literals the language
//!   runs as commands (`os.system`, `subprocess`, `exec`, `child_process`, `system`,
//!   backticks), and each (and each list of adjacent literals, as in
//!   `subprocess.run(["git", "reset", "--hard"])`) is normalised as a command;
//! - `VAR=value` prefixes are stripped; a git command run with assignments is followed by
//!   `env NAME=VALUE… git …`, so a gate can see the environment it runs with
//!   (`HUSKY=0 git commit`);
//! - quotes and escapes are removed, a command path becomes its basename (`/usr/bin/git`,
//!   `C:\Program Files\Git\bin\git.exe` → `git`), and the other words that are paths are
//!   resolved lexically (`/tmp/../etc` → `/etc`);
//! - git commands are respelled canonically with the command model (`git.rs`): long options
//!   in full, one word per short flag, options before operands, `git checkout REF -- PATH`,
//!   `git help SUB`; a forced `git push` without a refspec names the branch it updates when
//!   [`normalize_in`] is given the repository's state;
//! - `rm` and `shred` have their long options written in full (`rm --recur --forc /` →
//!   `rm --recursive --force /`), as GNU `getopt_long` reads a unique prefix;
//! - a word computed at run time where git reads its subcommand or an option of a subcommand
//!   that can destroy work is flagged ([`Normalized::computed_argument`]).
//!
//! Unwrapping is depth-limited ([`NormalizeOptions::max_depth`]); past the limit
//! [`Normalized::depth_exceeded`] is set and the engine answers ask.
//!
//! Each simple command keeps which of its words are *data*: a word that holds white space after
//! quote removal (a quoted sentence, a commit message) cannot be a command name, an option or a
//! path a gate cares about, so the precise matching mode sees it as the placeholder
//! [`DATA_PLACEHOLDER`]. The normaliser also lists the paths a command writes or deletes
//! (redirections, `tee`, `cp`/`mv`/`install`/`ln` destinations and the files they put into a
//! destination folder, the sources `mv` and `git mv` take away, `rm`, `touch`, `truncate`,
//! `chmod`/`chown`, `sed -i`, `dd of=`, `curl -o`, `git rm`, …) so that file gates see shell
//! writes too.
//!
//! ```
//! use metalayer_gates::{normalize, NormalizeOptions};
//!
//! let n = normalize(r#"cd repo && FOO=1 sudo /usr/bin/git 'reset' "--hard""#, &NormalizeOptions::default());
//! let texts: Vec<&str> = n.commands().iter().map(|c| c.text()).collect();
//! assert_eq!(texts, ["cd repo", "git reset --hard", "env FOO=1 git reset --hard"]);
//!
//! let n = normalize(r#"git commit -m "never git reset --hard" && echo x >> .env"#, &NormalizeOptions::default());
//! assert_eq!(n.commands()[0].precise_text(), "git commit -m <data>");
//! assert_eq!(n.writes(), [".env"]);
//!
//! // git's own reading: a unique prefix, a cluster of flags, options after operands.
//! let n = normalize("git push origin main -qf && git reset --har", &NormalizeOptions::default());
//! let texts: Vec<&str> = n.commands().iter().map(|c| c.text()).collect();
//! assert_eq!(texts, ["git push -q -f origin main", "git reset --hard"]);
//! ```

mod git;
mod glob;
mod interpreters;
mod scripts;
mod wrappers;
mod writes;

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use crate::lex::{self, CaseReader, Lexed, Redirect, Sep, Step, Token, Word};
use crate::model::git::GitState;
use crate::path::{clean_path, starts_at_home};
use interpreters::{
    attached_value_flags, awk_pipe_commands, backticks_run, code_literals, inline_code,
    interpreter_code_flags, interpreter_value_flags, is_awk, runs_computed_command, script_operand,
};
use wrappers::{Unwrap, wrapper_skip};
use writes::is_writer;

/// What [`SimpleCommand::precise_text`] shows in place of a data word.
pub const DATA_PLACEHOLDER: &str = "<data>";

/// The last word of a shell or interpreter command whose program comes from a pipe or a file
/// (`curl … | bash`, `python3 < x.py`): the gate cannot see what it runs.
pub const STDIN_PROGRAM: &str = "<stdin>";

/// How an empty argument (`''`, `""`) reads in a command's text.
const EMPTY_WORD: &str = "''";

/// What a shell command string reads where xargs puts its input in place of the replace
/// string: a variable, so that it counts as computed wherever a computed word does.
const XARGS_INPUT: &str = "$XARGS_INPUT";

/// What `xargs` feeds the command it runs, from input the gate cannot see.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) enum Fed<'r> {
    /// Nothing: the command runs as written.
    #[default]
    Nothing,
    /// Arguments appended to it.
    Appended,
    /// Text put in place of this replace string (`-I STR`, `-i`, `--replace`).
    Replacing(&'r str),
}

/// Options of [`normalize`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NormalizeOptions {
    /// How many levels of unwrapping (`bash -c`, substitutions, `eval`, inline code) are
    /// followed before the command is reported as too deep to verify. Default 8.
    pub max_depth: usize,
    /// At most this many simple commands are produced; the rest of a pathological input is
    /// reported through [`Normalized::truncated`]. Default 4,096.
    pub max_commands: usize,
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        Self {
            max_depth: 8,
            max_commands: 4096,
        }
    }
}

impl NormalizeOptions {
    /// Sets [`NormalizeOptions::max_depth`].
    #[must_use]
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }
}

/// Where a simple command came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// Shell syntax (the command itself, a `-c` string, a substitution, a here-document fed to
    /// a shell, …).
    Shell,
    /// A string literal in code given to an interpreter (`python -c`, `node -e`, …).
    InlineCode,
}

/// One simple command: the words a shell would execute, after normalisation.
///
/// The words are stored once, joined into [`SimpleCommand::text`]; [`SimpleCommand::words`]
/// builds the list of owned words on first use, because deciding a call never needs it.
#[derive(Clone)]
pub struct SimpleCommand {
    /// The words joined by single spaces.
    text: String,
    /// Where each word ends in `text`, and whether it is data; empty (no allocation) when no
    /// word holds a space or is data, as in most commands: the words are then `text` split at
    /// spaces.
    spans: Vec<Span>,
    origin: Origin,
    depth: usize,
    /// Only when some word is data; otherwise the same as `text`.
    precise: Option<String>,
    /// [`SimpleCommand::words`], built on first use.
    words: OnceLock<Vec<String>>,
}

/// The end of a word in [`SimpleCommand::text`] (it starts one byte after the previous word's
/// end) and whether it is data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    end: usize,
    data: bool,
}

impl SimpleCommand {
    /// The words; the first is the command name.
    #[must_use]
    pub fn words(&self) -> &[String] {
        self.words
            .get_or_init(|| self.word_strs().map(str::to_owned).collect())
    }

    /// The words as string slices of [`SimpleCommand::text`].
    fn word_strs(&self) -> impl Iterator<Item = &str> {
        let split = self
            .spans
            .is_empty()
            .then(|| self.text.split(' '))
            .into_iter()
            .flatten();
        let mut start = 0;
        let spanned = self.spans.iter().map(move |span| {
            let word = self.text.get(start..span.end).unwrap_or_default();
            start = span.end + 1;
            word
        });
        split.chain(spanned)
    }

    /// The command name, if any.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.word_strs().next()
    }

    /// Whether word `i` is data (it held white space after quote removal).
    #[must_use]
    pub fn is_data(&self, i: usize) -> bool {
        self.spans.get(i).is_some_and(|s| s.data)
    }

    /// Where the command came from.
    #[must_use]
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// How many levels of unwrapping it took to reach this command (0 = top level).
    #[must_use]
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The words joined by single spaces: what the `anywhere` match mode searches.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The words joined by single spaces with data words replaced by [`DATA_PLACEHOLDER`] (a
    /// data word that assigns keeps its key: `core.editor=<data>`): what the precise `command`
    /// match mode matches, anchored at its start.
    #[must_use]
    pub fn precise_text(&self) -> &str {
        self.precise.as_deref().unwrap_or(&self.text)
    }
}

impl PartialEq for SimpleCommand {
    fn eq(&self, other: &Self) -> bool {
        // The words are a function of the text and the spans; the cache is not compared.
        self.text == other.text
            && self.spans == other.spans
            && self.origin == other.origin
            && self.depth == other.depth
            && self.precise == other.precise
    }
}

impl Eq for SimpleCommand {}

impl fmt::Debug for SimpleCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<&str> = self.word_strs().collect();
        let data: Vec<bool> = (0..words.len()).map(|i| self.is_data(i)).collect();
        f.debug_struct("SimpleCommand")
            .field("words", &words)
            .field("data", &data)
            .field("origin", &self.origin)
            .field("depth", &self.depth)
            .field("text", &self.text)
            .field("precise", &self.precise)
            .finish()
    }
}

/// The result of [`normalize`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    commands: Vec<SimpleCommand>,
    writes: Vec<String>,
    writes_in_folder: Vec<String>,
    untracked: Vec<String>,
    written: Vec<WrittenText>,
    depth_exceeded: bool,
    truncated: bool,
    computed: bool,
    computed_root: bool,
}

impl Normalized {
    /// Every simple command, in the order a reader meets them.
    #[must_use]
    pub fn commands(&self) -> &[SimpleCommand] {
        &self.commands
    }

    /// Paths the command writes, truncates, moves onto or deletes, as it names them.
    #[must_use]
    pub fn writes(&self) -> &[String] {
        &self.writes
    }

    /// The relative paths of [`Normalized::writes`] that a `cd` of the command before them
    /// puts in another folder, read from that folder (`cd .git/hooks && rm pre-commit` →
    /// `.git/hooks/pre-commit`). A file gate checks both lists.
    #[must_use]
    pub fn writes_in_folder(&self) -> &[String] {
        &self.writes_in_folder
    }

    /// Paths that git takes out of its index and leaves on disk (`git rm --cached PATH`):
    /// nothing is written, but the next commit deletes them. Read as writes are: also in the
    /// folder a `cd` moved to, and a glob also as the protected names it reaches.
    ///
    /// ```
    /// use metalayer_gates::{NormalizeOptions, normalize};
    ///
    /// let n = normalize("git rm --cached .env", &NormalizeOptions::default());
    /// assert_eq!(n.untracked(), [".env"]);
    /// assert!(n.writes().is_empty());
    /// ```
    #[must_use]
    pub fn untracked(&self) -> &[String] {
        &self.untracked
    }

    /// Text the command visibly puts into files: what `echo` and `printf` print, and the
    /// here-document or here-string `cat` and `tee` read, when their output goes to a file
    /// (a redirection, `tee`'s operands, a pipe into `tee` or into `cat > file`).
    ///
    /// ```
    /// use metalayer_gates::{NormalizeOptions, normalize};
    ///
    /// let n = normalize("echo \"KEY=$K\" > .cfg && cat <<'EOF' | tee -a notes.md\nhello\nEOF", &NormalizeOptions::default());
    /// let written: Vec<(&str, &str)> = n.written().iter().map(|w| (w.path(), w.text())).collect();
    /// assert_eq!(written, [(".cfg", "KEY=$K"), ("notes.md", "hello\n")]);
    /// ```
    #[must_use]
    pub fn written(&self) -> &[WrittenText] {
        &self.written
    }

    /// Unwrapping went deeper than [`NormalizeOptions::max_depth`]: what lies below was not
    /// examined.
    #[must_use]
    pub fn depth_exceeded(&self) -> bool {
        self.depth_exceeded
    }

    /// More than [`NormalizeOptions::max_commands`] simple commands: the rest was not examined.
    #[must_use]
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// A word computed at run time (`$x`, `$(…)`, `` `…` ``) sits where git reads its
    /// subcommand or an option of a subcommand that can destroy work (`x=reset; git $x
    /// --hard`), or may be an option of `rm`, `chmod`, `chown`, `chgrp` or `find` given the
    /// root or a home folder (`rm $FLAGS /`): what the command does cannot be verified.
    #[must_use]
    pub fn computed_argument(&self) -> bool {
        self.computed
    }

    /// A recursive delete takes a path made of variables the command does not set, which is
    /// the root or a home directory when they are empty or unset (`rm -rf "$DIR/"*`, the
    /// well-known unset-variable wipe): what it deletes cannot be verified.
    #[must_use]
    pub fn computed_root(&self) -> bool {
        self.computed_root
    }
}

/// Text that a shell command visibly writes into a file (see [`Normalized::written`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenText {
    path: String,
    text: String,
}

impl WrittenText {
    /// The file, as the command names it.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The text written (expansions such as `$VAR` kept in their source form).
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Normalises a Bash command string into the simple commands it executes.
#[must_use]
pub fn normalize(command: &str, options: &NormalizeOptions) -> Normalized {
    normalize_in(command, options, None)
}

/// [`normalize`] in a repository whose state `git` tells: a forced `git push` that names no
/// refspec names the branch it updates.
///
/// ```
/// use metalayer_gates::{NormalizeOptions, normalize_in};
/// use metalayer_gates::model::git::GitState;
///
/// #[derive(Debug)]
/// struct OnMain;
/// impl GitState for OnMain {
///     fn current_branch(&self) -> Option<String> { Some("main".into()) }
///     fn push_destination(&self, b: &str) -> Option<(String, String)> {
///         Some(("origin".into(), b.into()))
///     }
/// }
/// let n = normalize_in("git push -f", &NormalizeOptions::default(), Some(&OnMain));
/// assert_eq!(n.commands()[0].text(), "git push -f origin main");
/// ```
#[must_use]
pub fn normalize_in(
    command: &str,
    options: &NormalizeOptions,
    git: Option<&dyn GitState>,
) -> Normalized {
    let mut n = Normalizer {
        options,
        git,
        out: Normalized::default(),
        pipe_text: None,
        upstream: None,
        pipe_paths: None,
        upstream_paths: None,
        chain: FIRST_CHAIN,
        guard: ALWAYS,
        blocks: Vec::new(),
        elif_branches: Vec::new(),
        variable_guards: Vec::new(),
        exported: Vec::new(),
        inherited: Vec::new(),
        allexport: false,
        variables: Vec::new(),
        loop_variables: Vec::new(),
        cwd: None,
        hashed: Vec::new(),
        functions: Vec::new(),
        brace_budget: BRACE_BUDGET,
        calls_left: FUNCTION_CALLS,
        script_bytes_left: SCRIPT_BUDGET.max(command.len().saturating_mul(4)),
        globs_read: 0,
        source: command,
        switched_branch: None,
    };
    // A harness whose shell is PowerShell (Codex and Copilot on Windows) runs a cmdlet's
    // line as PowerShell, where a backslash is a plain character: `C:\Users\me`.
    if is_powershell_line(command) {
        n.script(&literal_backslashes(command), 0, Origin::Shell);
    } else {
        n.script(command, 0, Origin::Shell);
    }
    n.out
}

/// The verbs of PowerShell's cmdlet names (`Remove-Item`) that can touch files, and the
/// aliases of its deleting cmdlets that no POSIX system has.
const POWERSHELL_VERBS: [&str; 14] = [
    "remove", "clear", "copy", "move", "rename", "set", "new", "out", "add", "get", "invoke",
    "start", "expand", "compress",
];
const POWERSHELL_ALIASES: [&str; 4] = ["ri", "rd", "del", "erase"];

/// Whether `command` is a PowerShell line with a backslash in it: its first word is a cmdlet
/// (`Verb-Noun` with a verb of [`POWERSHELL_VERBS`], in any case) or one of
/// [`POWERSHELL_ALIASES`].
fn is_powershell_line(command: &str) -> bool {
    if !command.contains('\\') {
        return false;
    }
    let first = command.split_whitespace().next().unwrap_or_default();
    if POWERSHELL_ALIASES
        .iter()
        .any(|a| first.eq_ignore_ascii_case(a))
    {
        return true;
    }
    first.split_once('-').is_some_and(|(verb, noun)| {
        !noun.is_empty()
            && noun.bytes().all(|b| b.is_ascii_alphabetic())
            && POWERSHELL_VERBS
                .iter()
                .any(|v| verb.eq_ignore_ascii_case(v))
    })
}

/// A simple command as parsed, before interpretation.
struct Raw<'a> {
    words: Vec<Word<'a>>,
    /// `(kind, target)`.
    redirects: Vec<(Redirect, Word<'a>)>,
    /// Standard input comes from a pipe.
    piped: bool,
}

impl Raw<'_> {
    /// Standard input is a pipe or a file: a shell or interpreter without a script operand
    /// runs a program the gate cannot see.
    fn stdin_unseen(&self) -> bool {
        self.piped || self.redirects.iter().any(|(k, _)| *k == Redirect::Read)
    }

    /// Empties it for the next command, keeping its buffers.
    fn clear(&mut self) {
        self.words.clear();
        self.redirects.clear();
        self.piped = false;
    }
}

struct Normalizer<'o> {
    options: &'o NormalizeOptions,
    /// The whole command being normalised, as given.
    source: &'o str,
    /// The branch a `git checkout`/`git switch` of the command moved to.
    switched_branch: Option<String>,
    git: Option<&'o dyn GitState>,
    out: Normalized,
    /// The visible output of the command just normalised (`echo …`), for the next command of
    /// a pipeline.
    pipe_text: Option<String>,
    /// The visible output piped into the command being normalised.
    upstream: Option<String>,
    /// The `find` whose list of paths the command just normalised prints (`find ~`, or
    /// `find ~ | sort`), for the next command of a pipeline.
    pipe_paths: Option<Vec<Word<'static>>>,
    /// The `find` whose paths are piped into the command being normalised.
    upstream_paths: Option<Vec<Word<'static>>>,
    /// The `&&` list the command being normalised belongs to (a number; `;`, newline, `&`
    /// and `||` start the next).
    chain: u32,
    /// When the command being normalised runs: [`ALWAYS`] for the first of a list, the
    /// list's number after `&&`, [`NEVER`] after `||` (nothing later can count on it).
    guard: u32,
    /// The bodies of `if`/`while`/`for` open around the command (`then`, `else`, `do`),
    /// each numbered like a list: what runs inside may not run at all.
    blocks: Vec<Block>,
    /// The branches of an `if` before its `elif`, for the `then` that follows.
    elif_branches: Vec<u32>,
    /// The guard of each of `variables`, by index: an assignment under a guard sets its
    /// variable only for the commands it holds for (the later ones of its list or body).
    variable_guards: Vec<u32>,
    /// The assignments of the commands that run the script being normalised (`HUSKY=0 bash
    /// -c '…'`): the environment its commands inherit.
    inherited: Vec<Word<'static>>,
    /// The assignments the script exported so far (`export GIT_CONFIG_GLOBAL=F`): the
    /// environment of the commands after them.
    exported: Vec<Word<'static>>,
    /// `set -a` was run: a plain assignment from then on is exported.
    allexport: bool,
    /// The plain assignments seen (`HUSKY=0` alone), in order: `export HUSKY` exports one.
    variables: Vec<Word<'static>>,
    /// The words `for NAME in WORDS` gives its variable, as `NAME=WORD`, in order: a
    /// recursive delete of `$NAME` is read with each (the variable is not replaced
    /// elsewhere, where one value would hide the others).
    loop_variables: Vec<Word<'static>>,
    /// The folder a `cd` of the script moved to, when its name is known: relative paths
    /// written after it are also listed under it (`cd .git/hooks && rm pre-commit`).
    cwd: Option<String>,
    /// `hash -p PATH NAME`: NAME runs PATH from then on.
    hashed: Vec<(String, String)>,
    /// The shell functions the command defines: a call runs the body with its arguments.
    functions: Vec<(String, String)>,
    /// The bytes brace expansion may still scan ([`BRACE_BUDGET`] per normalisation).
    brace_budget: usize,
    /// How many more calls of the command's own functions are read ([`FUNCTION_CALLS`]).
    calls_left: usize,
    /// How many more bytes of script text are read ([`SCRIPT_BUDGET`]).
    script_bytes_left: usize,
    /// Written paths holding a glob read so far (at most 16 per normalisation).
    globs_read: usize,
}

/// A body of `if`, `while`, `until` or `for` being read.
struct Block {
    /// Its number, the guard of what is assigned inside.
    id: u32,
    /// The numbers of the branches of the same `if` before it (`then` before `elif`/`else`).
    earlier: Vec<u32>,
    /// It is the `else` of an `if`: one of the branches always runs.
    last_branch: bool,
}

/// The guard of a command that runs whatever came before it.
const ALWAYS: u32 = 0;
/// The guard of a command after `||`: no later command can count on it having run.
const NEVER: u32 = u32::MAX;
/// The number of the first `&&` list.
const FIRST_CHAIN: u32 = 1;
/// At most this many `if`/`while`/`for` bodies are followed one inside another.
const MAX_BLOCKS: usize = 32;

/// How many calls of functions the command defines are read in one normalisation (their
/// bodies with the call's arguments): functions that call each other several times each
/// multiply the work at every level (a fuzz find took 1.9 s); past it the command is
/// reported as truncated (the engine asks).
const FUNCTION_CALLS: usize = 64;

/// How many bytes of script text one normalisation reads at least (four times the command
/// when that is more): the command, and every script it runs in turn (function bodies with
/// their arguments, `eval`, `sh -c`, substitutions), each counted as it is read. Bodies that
/// put their arguments in several times grow at every level of calls: a fuzz find of 171
/// bytes made 6 seconds of text to read. Past it the command is reported as truncated (the
/// engine asks).
const SCRIPT_BUDGET: usize = 64 * 1024;

/// How many bytes brace expansion scans at most in one normalisation; past it the command
/// is reported as truncated (the engine asks).
const BRACE_BUDGET: usize = 256 * 1024;

/// At most this many plain assignments are remembered for a later `export NAME`.
const MAX_VARIABLES: usize = 64;

const SHELLS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "mksh",
    "ash",
    "fish",
    "yash",
    "rbash",
    "tcsh",
    "csh",
    "pwsh",
    "powershell",
    "cmd",
];
const WRITE_SINKS: &[&str] = &["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"];

impl Normalizer<'_> {
    fn room(&self) -> bool {
        if self.out.commands.len() >= self.options.max_commands {
            return false;
        }
        true
    }

    /// Normalises a piece of shell script at `depth`.
    fn script(&mut self, src: &str, depth: usize, origin: Origin) {
        if depth > self.options.max_depth {
            self.out.depth_exceeded = true;
            return;
        }
        match self.script_bytes_left.checked_sub(src.len()) {
            Some(left) => self.script_bytes_left = left,
            None => {
                self.out.truncated = true;
                return;
            }
        }
        for f in lex::function_bodies(src) {
            if self.functions.len() < MAX_VARIABLES {
                self.functions.push(f);
            }
        }
        let mut lexed = lex::lex(src);
        let tokens = std::mem::take(&mut lexed.tokens);
        self.tokens(tokens, &lexed, depth, origin);
    }

    fn tokens<'a>(
        &mut self,
        tokens: Vec<Token<'a>>,
        lexed: &Lexed<'a>,
        depth: usize,
        origin: Origin,
    ) {
        // One buffer for the words of every command of this script.
        let mut raw = Raw {
            words: Vec::with_capacity(8),
            redirects: Vec::new(),
            piped: false,
        };
        let mut paren_depth = 0usize;
        // Without a `case`, every token is a command's (the reader would say so).
        let mut cases = lexed.has_case.then(CaseReader::default);
        let mut tokens = tokens.into_iter().peekable();
        while let Some(token) = tokens.next() {
            let step = match &mut cases {
                Some(cases) => cases.step(&token),
                None => Step::Command,
            };
            match step {
                Step::Command | Step::Unmatched => {}
                Step::Pattern => {
                    // `start|stop`, `(*.rs`: nothing runs but the substitutions in its words.
                    if let Token::Word(w) = token {
                        raw.words.push(w);
                    }
                    continue;
                }
                Step::PatternEnd | Step::Header => {
                    // The end of an item's patterns, or `case WORD in`: their substitutions run.
                    self.substitutions_of(&raw, lexed, depth, origin);
                    raw.clear();
                    continue;
                }
            }
            match token {
                Token::Word(w) => raw.words.push(w),
                Token::Redirect(kind) => {
                    let target = match tokens.next_if(|t| matches!(t, Token::Word(_))) {
                        Some(word) => {
                            // The target is no command word, but it keeps a reserved word
                            // after it from being one (`>f case` runs a command `case`).
                            if let Some(cases) = &mut cases {
                                cases.step(&word);
                            }
                            match word {
                                Token::Word(w) => w,
                                _ => Word::default(),
                            }
                        }
                        None => Word::default(),
                    };
                    raw.redirects.push((kind, target));
                }
                Token::Separator(sep) => {
                    self.finish(&mut raw, lexed, depth, origin);
                    self.separated(sep);
                }
                Token::CaseEnd => {
                    self.finish(&mut raw, lexed, depth, origin);
                    self.separated(Sep::End);
                }
                Token::Pipe => {
                    self.finish(&mut raw, lexed, depth, origin);
                    raw.piped = true;
                }
                Token::Open => {
                    if raw.words.is_empty() {
                        paren_depth += 1;
                    } else if matches!(tokens.peek(), Some(Token::Close)) {
                        // `name() { …; }`: a function definition; its body follows.
                        if let Some(close) = tokens.next()
                            && let Some(cases) = &mut cases
                        {
                            cases.step(&close);
                        }
                        raw.words.clear();
                    } else {
                        // `{ ( cmd ); }`, `if ( cmd )`: a subshell after reserved words (found
                        // by the differential fuzz target); `a=(1 2)` is an array, not one.
                        let array = raw.words.last().is_some_and(|w| w.text.ends_with('='));
                        self.finish(&mut raw, lexed, depth, origin);
                        if !array {
                            paren_depth += 1;
                        }
                    }
                }
                Token::Close => {
                    if paren_depth > 0 {
                        paren_depth -= 1;
                        self.finish(&mut raw, lexed, depth, origin);
                    } else {
                        // A `)` that closes nothing (`a) ls` with no `case` before it): a
                        // pattern, not a command.
                        self.substitutions_of(&raw, lexed, depth, origin);
                        raw.clear();
                    }
                }
            }
        }
        self.finish(&mut raw, lexed, depth, origin);
    }

    /// After a separator: the list and guard of the next command.
    fn separated(&mut self, sep: Sep) {
        match sep {
            Sep::End => {
                self.chain = self.chain.saturating_add(1).min(NEVER - 1);
                self.guard = ALWAYS;
            }
            Sep::And => {
                if self.guard != NEVER {
                    self.guard = self.chain;
                }
            }
            Sep::Or => {
                self.chain = self.chain.saturating_add(1).min(NEVER - 1);
                self.guard = NEVER;
            }
        }
    }

    /// The bodies the reserved words before a command (`words`, as [`strip_reserved`] tells
    /// them) open and close (`then`, `do` and `else` open one, `elif`, `else`, `fi` and `done`
    /// close one). At the `fi` of an `if` with an `else`, a variable every branch assigns is
    /// set after it.
    fn blocks_of(&mut self, words: &[Word<'_>]) {
        for w in words {
            match &*w.text {
                "then" | "do" | "else" => {
                    let (earlier, last_branch) = match &*w.text {
                        "then" => (std::mem::take(&mut self.elif_branches), false),
                        "else" => match self.blocks.pop() {
                            Some(mut b) => {
                                b.earlier.push(b.id);
                                (b.earlier, true)
                            }
                            None => (Vec::new(), true),
                        },
                        _ => (Vec::new(), false),
                    };
                    if self.blocks.len() < MAX_BLOCKS {
                        self.chain = self.chain.saturating_add(1).min(NEVER - 1);
                        self.blocks.push(Block {
                            id: self.chain,
                            earlier,
                            last_branch,
                        });
                    }
                }
                "elif" => {
                    if let Some(mut b) = self.blocks.pop() {
                        b.earlier.push(b.id);
                        self.elif_branches = b.earlier;
                    }
                }
                "fi" => {
                    if let Some(b) = self.blocks.pop()
                        && b.last_branch
                    {
                        self.set_by_every_branch(&b);
                    }
                }
                "done" => {
                    self.blocks.pop();
                }
                _ => {}
            }
        }
    }

    /// After `if …; then D=a; else D=b; fi`: `D` is set whichever branch ran; its last value
    /// is remembered again, guarded like the `if`.
    fn set_by_every_branch(&mut self, last: &Block) {
        let in_branch = |branch: u32, name: &str| {
            self.variables
                .iter()
                .zip(&self.variable_guards)
                .any(|(v, g)| {
                    *g == branch && v.text.split_once('=').is_some_and(|(n, _)| n == name)
                })
        };
        let mut every: Vec<Word<'static>> = Vec::new();
        for (v, g) in self.variables.iter().zip(&self.variable_guards) {
            let Some((name, _)) = v.text.split_once('=') else {
                continue;
            };
            if *g == last.id && last.earlier.iter().all(|b| in_branch(*b, name)) {
                every.push(v.clone());
            }
        }
        for v in every {
            self.remember(v);
        }
    }

    /// What an assignment made now is guarded by: the list it follows with `&&`, `||`, or
    /// the innermost body around it.
    fn assignment_guard(&self) -> u32 {
        match self.guard {
            ALWAYS => self.blocks.last().map_or(ALWAYS, |b| b.id),
            guard => guard,
        }
    }

    /// Remembers an assignment (`NAME=VALUE`) the script makes, under its guard; past
    /// [`MAX_VARIABLES`] nothing more is remembered.
    fn remember(&mut self, assignment: Word<'static>) {
        if self.variables.len() < MAX_VARIABLES {
            self.variables.push(assignment);
            self.variable_guards.push(self.assignment_guard());
        }
    }

    /// Normalises the command substitutions found in a raw command's words and redirections.
    fn substitutions_of(&mut self, raw: &Raw<'_>, lexed: &Lexed<'_>, depth: usize, origin: Origin) {
        let words = raw.words.iter().chain(raw.redirects.iter().map(|(_, w)| w));
        for word in words {
            // `> >(bash)`, `tee >(sh)`: the command reads what the outer one writes, which
            // the gate reads as input it cannot see (a shell fed so asks, as a pipe does).
            let output = word.text.starts_with(">(");
            for sub in lexed.substitutions_of(word) {
                if output {
                    self.script(&format!("{sub} < /dev/stdin"), depth + 1, origin);
                } else {
                    self.script(sub, depth + 1, origin);
                }
            }
        }
    }

    /// Normalises the command collected in `raw`, and empties it.
    fn finish(&mut self, raw: &mut Raw<'_>, lexed: &Lexed<'_>, depth: usize, origin: Origin) {
        // Reserved words alone (`}`, `fi`, `done`) close a compound command: what its last
        // command printed goes on down the pipeline (`{ echo ~; } | xargs rm -rf`).
        let rest = strip_reserved(&raw.words).len();
        if rest < raw.words.len() {
            let lead = raw.words.len() - rest;
            self.blocks_of(raw.words.get(..lead).unwrap_or_default());
        }
        let closing = raw.redirects.is_empty() && rest == 0;
        if !closing {
            self.command(raw, lexed, depth, origin);
        }
        raw.clear();
    }

    fn command(&mut self, raw: &Raw<'_>, lexed: &Lexed<'_>, depth: usize, origin: Origin) {
        let upstream = self.pipe_text.take().filter(|_| raw.piped);
        self.substitutions_of(raw, lexed, depth, origin);
        for (kind, target) in &raw.redirects {
            match kind {
                Redirect::Write => self.write_target(&target.text),
                Redirect::Dup => {
                    let t = &*target.text;
                    if !t.is_empty() && t != "-" && !t.bytes().all(|b| b.is_ascii_digit()) {
                        self.write_target(t);
                    }
                }
                Redirect::HereDoc(i) => {
                    if let Some(doc) = lexed.heredocs.get(*i) {
                        for sub in &doc.substitutions {
                            self.script(sub, depth + 1, origin);
                        }
                    }
                }
                Redirect::Read | Redirect::HereString => {}
            }
        }
        let upstream_paths = self.pipe_paths.take().filter(|_| raw.piped);
        self.pipe_text = None;
        self.upstream = upstream;
        self.upstream_paths = upstream_paths;
        self.interpret(raw, lexed, depth, origin);
        self.upstream = None;
        // A filter between `find` and `xargs` passes the paths on (`find ~ | sort | xargs
        // rm -rf`), or picks some of them, as a test of find would (`| grep cache`).
        if let Some(find) = self.upstream_paths.take() {
            self.pipe_paths = paths_filtered(&raw.words, find);
        }
    }

    /// What is fed to the command's standard input, if the gate can see it.
    fn stdin_text<'l>(raw: &'l Raw<'_>, lexed: &'l Lexed<'_>) -> Option<Cow<'l, str>> {
        raw.redirects
            .iter()
            .rev()
            .find_map(|(kind, target)| match kind {
                Redirect::HereDoc(i) => lexed
                    .heredocs
                    .get(*i)
                    .map(|d| Cow::Borrowed(d.body.as_str())),
                Redirect::HereString => Some(Cow::Borrowed(&*target.text)),
                // `xargs rm -rf < <(echo /)`: what the substitution prints.
                Redirect::Read => writes::substitution_output(target, lexed).map(Cow::Owned),
                _ => None,
            })
    }

    fn interpret<'a>(&mut self, raw: &Raw<'a>, lexed: &Lexed<'_>, depth: usize, origin: Origin) {
        // The words after `env -S` splits a string, when it does.
        let mut split: Vec<Word<'a>>;
        // Reserved words that only introduce or close a compound command.
        let mut words: &[Word<'a>] = strip_reserved(&raw.words);
        // `git {reset,--hard}`: the words bash makes of a brace expansion.
        let expanded: Vec<Word<'a>>;
        if lexed.any_braces && words.iter().any(|w| w.braces) {
            expanded = expand_braces(words, &mut self.brace_budget);
            if self.brace_budget == 0 {
                // Too much to expand: what is left cannot be verified.
                self.out.truncated = true;
            }
            words = &expanded;
        }
        // `hash -p /usr/bin/rm x; x -rf ~`: the name runs the program it was hashed to.
        let renamed: Vec<Word<'a>>;
        if !self.hashed.is_empty()
            && let Some(first) = words.first()
            && let Some((_, path)) = self.hashed.iter().rev().find(|(n, _)| *n == first.text)
        {
            let mut v = words.to_vec();
            if let Some(w) = v.first_mut() {
                w.text = Cow::Owned(path.clone());
            }
            renamed = v;
            words = &renamed;
        }
        // `t=/; rm -rf "$t"`: a variable the script set plainly stands for its value. Not for
        // git, whose computed subcommand or option asks as computed (`x=reset; git $x --hard`).
        let substituted: Vec<Word<'a>>;
        if !self.variables.is_empty()
            && words.iter().any(|w| w.dynamic && w.text.starts_with('$'))
            && !words.iter().any(|w| basename(&w.text) == "git")
        {
            let mut out: Vec<Word<'a>> = Vec::with_capacity(words.len());
            for w in words {
                match self.known_variable(w) {
                    // Unquoted, a known value is split into fields at white space, and an
                    // empty one is no word at all (`c='git reset --hard'; $c`, `rm -rf $e /`).
                    Some(value) if !w.quoted && !value.dynamic => {
                        out.extend(value.text.split_ascii_whitespace().map(|field| Word {
                            text: Cow::Owned(field.to_owned()),
                            dynamic: false,
                            quoted: false,
                            ..w.clone()
                        }));
                    }
                    Some(value) => out.push(Word {
                        text: Cow::Owned(value.text.to_string()),
                        dynamic: value.dynamic,
                        quoted: w.quoted || value.quoted,
                        ..w.clone()
                    }),
                    None => out.push(w.clone()),
                }
            }
            substituted = out;
            words = &substituted;
        }
        if let Some(first) = words.first()
            && !first.quoted
            && matches!(&*first.text, "for" | "select" | "case")
        {
            // `for x in a b c`, `case $x in`: a header, nothing runs (substitutions in it
            // were normalised already). The loop's variable takes each word in turn: the
            // commands after it read it as set (the last word is the value remembered).
            if let [kw, name, kw_in, values @ ..] = words
                && matches!(&*kw.text, "for" | "select")
                && kw_in.text == "in"
                && name
                    .text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                for v in values {
                    if self.loop_variables.len() < MAX_VARIABLES {
                        self.loop_variables.push(Word {
                            text: Cow::Owned(format!("{}={}", name.text, v.text)),
                            dynamic: v.dynamic,
                            ..Word::default()
                        });
                    }
                }
            }
            return;
        }
        let mut i = 0;
        // `xargs` appends input the gate cannot see to the command it runs, or puts it in
        // place of its replace string.
        let mut appended = false;
        let mut replacing: Option<String> = None;
        // The assignments the command runs with (prefixes, and `env`'s).
        let mut assignments: Vec<Word<'a>> = Vec::new();
        // Unwrap wrappers and assignments until the real command name.
        let mut guard = 0;
        loop {
            guard += 1;
            if guard > 64 {
                break;
            }
            while let Some(w) = words.get(i)
                && w.assignment
            {
                assignments.push(w.clone());
                i += 1;
            }
            let Some(word) = words.get(i) else {
                // Assignments alone set shell variables, not a command's environment, unless
                // `set -a` exports them; a later `export NAME` may.
                self.plain_assignments(&assignments, depth, origin);
                return;
            };
            let program = command_name(&word.text);
            // Options whose value is a shell command the program runs (`tar
            // --to-command=CMD`, `rsync -e CMD`, `ssh -o ProxyCommand=CMD`, `man -P CMD`).
            for script in wrappers::option_scripts(&program, words.get(i + 1..).unwrap_or_default())
            {
                self.script(&script, depth + 1, origin);
            }
            let unwrap = wrapper_skip(&program, words, i);
            match unwrap {
                Some(Unwrap::Skip(next)) => {
                    if basename(&word.text) == "env" {
                        let between = words.get(i + 1..next).unwrap_or_default();
                        assignments.extend(
                            between
                                .iter()
                                .filter(|w| !w.text.starts_with('-') && w.text.contains('='))
                                .cloned(),
                        );
                    }
                    i = next;
                }
                Some(Unwrap::Script(text)) => {
                    // `find ~ | parallel rm -rf`: the command on each path find lists.
                    if text.contains(wrappers::PARALLEL_INPUT)
                        && !text.contains(" < ")
                        && let Some(find) = self.upstream_paths.take()
                    {
                        let command = split_words(&text);
                        let replace = Some(wrappers::PARALLEL_INPUT);
                        self.find_fed(find, &command, replace, lexed, depth, origin);
                    }
                    // `echo ~ | parallel rm -rf`: the input is visible, each line an argument
                    // (a line with spaces stays computed).
                    let line = (text.contains(wrappers::PARALLEL_INPUT) && !text.contains(" < "))
                        .then(|| self.upstream.as_deref().and_then(one_word_lines))
                        .flatten();
                    let text = match line {
                        Some(line) => text.replace(wrappers::PARALLEL_INPUT, &line),
                        None => text,
                    };
                    let mark = self.inherit(&assignments);
                    self.fanout_script(&text, depth, origin);
                    self.inherited.truncate(mark);
                    return;
                }
                Some(Unwrap::Scripts(texts)) => {
                    let mark = self.inherit(&assignments);
                    for text in texts {
                        self.fanout_script(&text, depth, origin);
                    }
                    self.inherited.truncate(mark);
                    return;
                }
                Some(Unwrap::Unseen) => {
                    self.environment(&assignments, &[], depth, origin);
                    self.push(
                        words.get(i..=i).unwrap_or_default(),
                        Some(STDIN_PROGRAM),
                        depth,
                        origin,
                    );
                    return;
                }
                Some(Unwrap::Fanout { start, replace }) => {
                    // xargs: the words it holds for the command, with what the input puts in
                    // place of the replace string computed, or its input appended.
                    let mut argv: Vec<Word<'a>> = words.get(start..).unwrap_or_default().to_vec();
                    // `xargs sh -c 'rm -rf "$1"' _`: the script's command, fed as `xargs rm
                    // -rf` would be.
                    if let Some(command) = scripts::xargs_script(&argv, replace.as_deref()) {
                        argv = command;
                    }
                    // The input, when the gate can see it: a pipe from `echo`/`printf`, a
                    // here-string or here-document.
                    // `xargs -a <(echo /) rm -rf`: the file is what the substitution prints.
                    let own = words.get(i + 1..start).unwrap_or_default();
                    let arg_file = own
                        .iter()
                        .zip(own.iter().skip(1))
                        .find(|(o, _)| matches!(&*o.text, "-a" | "--arg-file"))
                        .and_then(|(_, file)| writes::substitution_output(file, lexed));
                    let input = self
                        .upstream
                        .clone()
                        .or(arg_file)
                        .or_else(|| Self::stdin_text(raw, lexed).map(Cow::into_owned));
                    // Its items (lines, or NUL- or delimiter-ended), when each is one word.
                    let delimiter = xargs_delimiter(own);
                    let lines = input.as_deref().and_then(|input| match delimiter {
                        Some(d) => {
                            let items = delimited_items(input, d);
                            (!items.iter().any(|i| i.contains(char::is_whitespace)))
                                .then(|| items.join(" "))
                        }
                        None => one_word_lines(input),
                    });
                    match (replace, input, lines) {
                        // `echo ~ | xargs -I{} rm -rf {}`: each line in place of the string
                        // (one argument each: a line with spaces stays computed).
                        (Some(r), _, Some(line)) if !r.is_empty() => {
                            for w in &mut argv {
                                if w.text.contains(r.as_str()) {
                                    w.text = Cow::Owned(w.text.replace(r.as_str(), &line));
                                }
                            }
                        }
                        (Some(r), _, _) if !r.is_empty() => {
                            for w in &mut argv {
                                w.dynamic |= w.text.contains(r.as_str());
                            }
                            replacing = Some(r);
                        }
                        // The input is visible (`echo ~ | xargs rm -rf`, `xargs rm <<< ~`): xargs
                        // appends its words, as the command will see them. A shell or
                        // interpreter fed that way still runs a program from input, which is
                        // read as unseen.
                        (_, Some(input), _)
                            if argv.first().is_some_and(|w| {
                                let name = command_name(&w.text);
                                !SHELLS.contains(&&*name) && interpreter_code_flags(&name).is_none()
                            }) =>
                        {
                            argv.extend(xargs_items(delimiter, &input));
                        }
                        _ => appended = true,
                    }
                    split = argv;
                    words = &split;
                    i = 0;
                }
                Some(Unwrap::Argv { text, rest: next }) => {
                    // The rest is a command's argv with no shell re-parsing (env -S splits its
                    // string into words first).
                    let mut argv: Vec<Word<'a>> = split_words(&text);
                    argv.extend(words.get(next..).unwrap_or_default().iter().cloned());
                    split = argv;
                    words = &split;
                    i = 0;
                }
                None => break,
            }
        }
        let words = words.get(i..).unwrap_or_default();
        let fed = match (&replacing, appended) {
            (Some(r), _) => Fed::Replacing(r),
            (None, true) => Fed::Appended,
            (None, false) => Fed::Nothing,
        };
        // `find ~ | xargs rm -rf`: xargs runs the command on the paths find lists, as
        // `find ~ -exec rm -rf {} +` would.
        if !matches!(fed, Fed::Nothing)
            && let Some(find) = self.upstream_paths.take()
        {
            self.find_fed(find, words, replacing.as_deref(), lexed, depth, origin);
        }
        // `for f in $(find ~ …); do rm -rf "$f"; done`: the command runs on each path find
        // lists, as `find ~ … -exec rm -rf {} ;` would.
        if !self.loop_variables.is_empty()
            && let Some((at, find)) = self.find_looped(words)
        {
            let mut command: Vec<Word<'_>> = words.to_vec();
            if let Some(w) = command.get_mut(at) {
                *w = Word::plain("{}");
            }
            self.find_fed(find, &command, Some("{}"), lexed, depth, origin);
        }
        // What the command runs in turn (a shell's script) inherits its assignments.
        let mark = self.inherit(&assignments);
        self.dispatch(words, raw, lexed, depth, origin, fed);
        self.inherited.truncate(mark);
        self.environment(&assignments, words, depth, origin);
    }

    /// `at`, `batch` and `crontab` schedule the commands they read (standard input, or
    /// `crontab FILE`'s lines after their five time fields): read as if they ran now, or as a
    /// program the gate cannot see when the input is.
    fn scheduled(
        &mut self,
        name: &str,
        words: &[Word<'_>],
        raw: &Raw<'_>,
        lexed: &Lexed<'_>,
        depth: usize,
        origin: Origin,
    ) {
        let args = words.get(1..).unwrap_or_default();
        let listing = args
            .iter()
            .any(|w| matches!(&*w.text, "-l" | "-r" | "-e" | "-c" | "-V" | "-q"));
        let from_file = if name == "crontab" {
            args.iter().any(|w| !w.text.starts_with('-'))
        } else {
            args.iter().any(|w| w.text == "-f")
        };
        if from_file {
            self.push(words, Some(STDIN_PROGRAM), depth, origin);
            return;
        }
        let input = Self::stdin_text(raw, lexed)
            .map(Cow::into_owned)
            .or_else(|| self.upstream.clone());
        match input {
            Some(text) if !(name == "crontab" && listing) => {
                self.push(words, None, depth, origin);
                if name == "crontab" {
                    for line in text.lines() {
                        let line = line.trim_start();
                        if line.is_empty() || line.starts_with('#') || is_assignment_line(line) {
                            continue;
                        }
                        let fields = if line.starts_with('@') { 1 } else { 5 };
                        let command: Vec<&str> = line.split_whitespace().skip(fields).collect();
                        self.script(&command.join(" "), depth + 1, origin);
                    }
                } else {
                    self.script(&text, depth + 1, origin);
                }
            }
            _ if raw.stdin_unseen() && !listing => {
                self.push(words, Some(STDIN_PROGRAM), depth, origin);
            }
            _ => self.push(words, None, depth, origin),
        }
    }

    /// `cd DIR`: relative paths written from here on are also listed under DIR. `cd -` or `cd`
    /// alone (home) forget the folder.
    fn change_directory(&mut self, words: &[Word<'_>]) {
        let dir = words
            .get(1..)
            .unwrap_or_default()
            .iter()
            .find(|w| !matches!(&*w.text, "-L" | "-P" | "-e" | "-@" | "--"));
        // Kept as joined; cleaned only when a write needs it.
        // A computed folder is kept as written (`"$(git rev-parse --git-dir)/hooks"`), so a
        // gate on computed hook paths still sees what is written under it.
        self.cwd = match dir {
            Some(w) if w.text != "-" && !w.text.is_empty() => {
                Some(match (&self.cwd, w.text.starts_with(['/', '~'])) {
                    (Some(base), false) => format!("{base}/{}", w.text),
                    _ => w.text.to_string(),
                })
            }
            // A bare `cd` goes home.
            None => Some("~".to_owned()),
            _ => None,
        };
    }

    /// Plain assignments (`HUSKY=0` alone): remembered for a later `export NAME`, and read as
    /// `export NAME=VALUE` after `set -a`.
    fn plain_assignments(&mut self, assignments: &[Word<'_>], depth: usize, origin: Origin) {
        for a in assignments {
            self.remember(a.clone().into_owned());
        }
        if self.allexport && !assignments.is_empty() {
            self.exported(assignments, depth, origin);
        }
    }

    /// The value a plain assignment of the script gave the variable a word is made of alone
    /// (`$t`, `${t}`, `"$t"`), as a word of its own; `None` for any other word. The last
    /// assignment wins; a value computed at run time stays computed.
    fn known_variable(&self, w: &Word<'_>) -> Option<Word<'static>> {
        let name = variable_of(w)?;
        let (value, dynamic) = last_value(&self.variables, name)?;
        Some(Word {
            text: Cow::Owned(value.to_owned()),
            dynamic,
            ..Word::default()
        })
    }

    /// The first operand of `words` that is a loop's variable (`"$f"`, `${f}`) whose values
    /// are a `find`'s output (`for f in $(find ~ -maxdepth 0)`), with that find's words.
    fn find_looped(&self, words: &[Word<'_>]) -> Option<(usize, Vec<Word<'static>>)> {
        words.iter().enumerate().skip(1).find_map(|(at, w)| {
            let name = variable_of(w)?;
            self.loop_variables.iter().find_map(|v| {
                let (n, value) = v.text.split_once('=')?;
                let body = value
                    .strip_prefix("$(")
                    .and_then(|r| r.strip_suffix(')'))
                    .or_else(|| value.strip_prefix('`').and_then(|r| r.strip_suffix('`')))?;
                let find = split_words(body);
                (n == name && find.first().is_some_and(|f| basename(&f.text) == "find"))
                    .then_some((at, find))
            })
        })
    }

    /// `export NAME=VALUE…` for the gates.
    fn exported(&mut self, assignments: &[Word<'_>], depth: usize, origin: Origin) {
        let mut argv: Vec<Word<'_>> = Vec::with_capacity(assignments.len() + 1);
        argv.push(Word {
            text: Cow::Borrowed("export"),
            ..Word::default()
        });
        argv.extend(assignments.iter().cloned());
        self.push(&argv, None, depth, origin);
        self.programs_of_environment(assignments, depth, origin);
        self.environment_from_now(assignments);
    }

    /// Exported assignments: the environment of the commands after them.
    fn environment_from_now(&mut self, assignments: &[Word<'_>]) {
        for a in assignments {
            if self.exported.len() < MAX_VARIABLES {
                self.exported.push(a.clone().into_owned());
            }
        }
    }

    /// `set -a` (`-o allexport`) turns exporting on, `export NAME` (also `declare -x`,
    /// `typeset -x`) exports a plain assignment made before it.
    fn exports(&mut self, name: &str, words: &[Word<'_>], depth: usize, origin: Origin) {
        let args = words.get(1..).unwrap_or_default();
        if matches!(name, "set" | "shopt") {
            // `set -a`, `set -euxa`, `set -o allexport`, `set -eo allexport`,
            // `shopt -so allexport`, `shopt -s -o allexport`.
            let named = args.iter().any(|w| w.text == "allexport");
            for w in args {
                let Some(flags) = w.text.strip_prefix('-') else {
                    continue;
                };
                if flags.starts_with('-') {
                    continue;
                }
                if (name == "set" && flags.contains('a')) || (named && flags.contains('o')) {
                    self.allexport = true;
                }
            }
            return;
        }
        // `export D=~`, `local D=/`, `declare D=…`: the value is known like a plain one.
        for w in args.iter().filter(|w| !w.text.starts_with('-')) {
            if let Some((n, _)) = w.text.split_once('=')
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                self.remember(w.clone().into_owned());
            }
        }
        let exporting = name == "export"
            || args
                .iter()
                .take_while(|w| w.text.starts_with('-'))
                .any(|w| w.text.contains('x'));
        if !exporting {
            return;
        }
        // `export NAME=VALUE` of a variable whose value git runs.
        let direct: Vec<Word<'_>> = args
            .iter()
            .filter(|w| w.text.contains('='))
            .cloned()
            .collect();
        if matches!(name, "local" | "readonly") && !direct.is_empty() {
            // `local -x HUSKY=0`: read as the export it is.
            self.exported(&direct, depth, origin);
        } else {
            self.programs_of_environment(&direct, depth, origin);
            self.environment_from_now(&direct);
        }
        let found: Vec<Word<'static>> = args
            .iter()
            .filter(|w| !w.text.starts_with('-') && !w.text.contains('='))
            .filter_map(|w| {
                self.variables
                    .iter()
                    .rev()
                    .find(|v| v.text.split_once('=').is_some_and(|(n, _)| n == w.text))
                    .cloned()
            })
            .collect();
        if !found.is_empty() {
            self.exported(&found, depth, origin);
        }
    }

    /// Adds `assignments` to the environment the commands normalised next inherit; returns
    /// the mark to truncate back to.
    fn inherit(&mut self, assignments: &[Word<'_>]) -> usize {
        let mark = self.inherited.len();
        self.inherited.extend(assignments.iter().map(|w| Word {
            text: Cow::Owned(w.text.clone().into_owned()),
            substitutions: w.substitutions.clone(),
            dynamic: w.dynamic,
            quoted: w.quoted,
            assignment: w.assignment,
            braces: false,
        }));
        mark
    }

    /// Normalises the unwrapped command `words`: shells, `eval`, interpreters, `find`, git,
    /// and any other command with the paths it writes. `fed`: what xargs feeds the command
    /// from input the gate cannot see; for git, a computed word at its end or where the
    /// replace string stands.
    fn dispatch(
        &mut self,
        words: &[Word<'_>],
        raw: &Raw<'_>,
        lexed: &Lexed<'_>,
        depth: usize,
        origin: Origin,
        fed: Fed<'_>,
    ) {
        let Some(first) = words.first() else {
            return;
        };
        // `eval "$(ssh-agent -s)"`, `eval "$(pyenv init -)"`: the output of a shell set-up
        // generator is variables and functions for this shell; the generator itself was read
        // as a command of its own.
        if let [only] = words
            && only.dynamic
            && is_setup_generator(&only.text)
            && !self.defines_a_function_in(&only.text)
        {
            return;
        }
        let name = command_name(&first.text);
        let name: &str = &name;
        // `./x.sh` after the command wrote x.sh: the script it wrote runs.
        if first.text.contains('/')
            && !self.out.written.is_empty()
            && let Some(text) = self.written_to(&first.text)
        {
            self.push(words, None, depth, origin);
            self.script(&text, depth + 1, origin);
            return;
        }
        // A call of a function the command defined runs its body with these arguments
        // (`f() { rm -rf "$1"; }; f ~`), whatever builtin the name shadows.
        if !self.functions.is_empty()
            && let Some(body) = self
                .functions
                .iter()
                .rev()
                .find(|(n, _)| *n == first.text)
                .map(|(_, b)| b.clone())
        {
            self.push(words, None, depth, origin);
            if self.calls_left == 0 {
                self.out.truncated = true;
                return;
            }
            self.calls_left -= 1;
            let args: Vec<String> = words
                .get(1..)
                .unwrap_or_default()
                .iter()
                .map(|w| shell_quote(&w.text))
                .collect();
            self.script(&with_arguments(&body, &args), depth + 1, origin);
            return;
        }
        if name == "git" {
            self.git(words, depth, origin, fed);
            self.update_ref_input(words, raw, lexed, depth, origin);
            return;
        }
        // `git-reset --hard` (the dashed form, as in `/usr/lib/git-core/git-reset`): `git reset`.
        if let [b'g', b'i', b't', b'-', ..] = name.as_bytes()
            && let Some(sub) = name.get(4..)
            && (crate::model::git::subcommand_options(sub).is_some()
                || crate::model::git::DANGEROUS_SUBCOMMANDS.contains(&sub))
        {
            let mut argv: Vec<Word<'_>> = Vec::with_capacity(words.len() + 1);
            argv.push(Word {
                text: Cow::Borrowed("git"),
                ..Word::default()
            });
            argv.push(Word {
                text: Cow::Owned(sub.to_owned()),
                ..Word::default()
            });
            argv.extend(words.get(1..).unwrap_or_default().iter().cloned());
            self.git(&argv, depth, origin, fed);
            return;
        }

        // `tar --remove-files -cf a.tar ~`, `mv ~ /tmp/x`: also read as the delete it is.
        if depth < self.options.max_depth
            && let Some(removed) = writes::removed_operands(name, words)
        {
            let mut argv = vec![Word::plain("rm"), Word::plain("-rf")];
            argv.extend(removed);
            let raw = Raw {
                words: argv,
                redirects: Vec::new(),
                piped: false,
            };
            self.interpret(&raw, lexed, depth + 1, origin);
        }
        if SHELLS.contains(&name) {
            if self.shell(words, raw, lexed, depth, origin, fed) {
                return;
            }
        } else if name == "eval" {
            // bash's eval takes `--` as the end of its (no) options: `eval -- 'CMD'`.
            let args = words.get(1..).unwrap_or_default();
            let args = match args.split_first() {
                Some((first, rest)) if first.text == "--" && !first.quoted => rest,
                _ => args,
            };
            let mut text = String::with_capacity(args.iter().map(|w| w.text.len() + 1).sum());
            for (k, w) in args.iter().enumerate() {
                if k > 0 {
                    text.push(' ');
                }
                text.push_str(&w.text);
            }
            self.push(words, None, depth, origin);
            self.script(&text, depth + 1, origin);
            return;
        } else if name == "sed" {
            // GNU sed's `e COMMAND` runs COMMAND; a bare `e` or an `s///e` runs the text read.
            let (commands, runs_input) = sed_commands(words);
            for c in commands {
                self.script(&c, depth + 1, origin);
            }
            if runs_input {
                self.push(words, Some(STDIN_PROGRAM), depth, origin);
            }
        } else if matches!(name, "psql" | "mysql" | "mariadb") {
            // `psql -c '\! CMD'`, `mysql -e 'system CMD'`, `COPY … FROM PROGRAM 'CMD'`, also
            // from a here-string or here-document.
            let mut texts: Vec<&str> = Vec::new();
            let args = words.get(1..).unwrap_or_default();
            for (k, w) in args.iter().enumerate() {
                if matches!(&*w.text, "-c" | "--command" | "-e" | "--execute")
                    && let Some(v) = args.get(k + 1)
                {
                    texts.push(&v.text);
                }
                for prefix in ["--command=", "--execute="] {
                    if let Some(v) = w.text.strip_prefix(prefix) {
                        texts.push(v);
                    }
                }
            }
            let stdin = Self::stdin_text(raw, lexed);
            texts.extend(stdin.as_deref());
            let commands: Vec<String> = texts
                .iter()
                .flat_map(|t| interpreters::sql_shell_commands(t))
                .collect();
            for c in commands {
                self.script(&c, depth + 1, origin);
            }
        } else if name == "hash" {
            // `hash -p PATH NAME…`
            let args = words.get(1..).unwrap_or_default();
            if let Some(p) = args.iter().position(|w| w.text == "-p")
                && let Some(path) = args.get(p + 1)
            {
                for name in args.get(p + 2..).unwrap_or_default() {
                    if self.hashed.len() < MAX_VARIABLES {
                        self.hashed
                            .push((name.text.to_string(), path.text.to_string()));
                    }
                }
            }
        } else if matches!(name, "at" | "batch" | "crontab") {
            self.scheduled(name, words, raw, lexed, depth, origin);
            return;
        } else if matches!(name, "cd" | "pushd") {
            self.change_directory(words);
        } else if matches!(
            name,
            "set" | "shopt" | "export" | "declare" | "typeset" | "local" | "readonly"
        ) {
            self.exports(name, words, depth, origin);
        } else if matches!(name, "trap" | "alias") {
            // `trap 'CMD' EXIT`: CMD runs when the signal comes; `alias g='CMD'`: when `g` is
            // run. Both are read as if they ran now.
            self.push(words, None, depth, origin);
            let args = words.get(1..).unwrap_or_default();
            if name == "trap" {
                // `trap [-lp] [--] ACTION SIGNAL…`; `-` as the action resets the signals.
                let action = args
                    .iter()
                    .find(|w| !matches!(&*w.text, "-l" | "-p" | "--" | "-lp" | "-pl"));
                if let Some(action) = action
                    && action.text != "-"
                    && args.len() >= 2
                {
                    self.script(&action.text, depth + 1, origin);
                }
            } else {
                for w in args {
                    if let Some((alias, value)) = w.text.split_once('=') {
                        self.script(value, depth + 1, origin);
                        // A later `NAME ARGS` runs the value followed by ARGS (`alias
                        // r='git reset'` … `r --hard`): read like a function's call.
                        if !alias.is_empty()
                            && !alias.contains(['$', '`', '/'])
                            && self.functions.len() < MAX_VARIABLES
                        {
                            self.functions
                                .push((alias.to_owned(), format!("{value} $@")));
                        }
                    }
                }
            }
            return;
        } else if let Some(code_flags) = interpreter_code_flags(name) {
            self.writes_of(name, words);
            let values = interpreter_value_flags(name);
            if let Some(code) = inline_code(words, code_flags, values, attached_value_flags(name)) {
                let runs_input = raw.stdin_unseen()
                    && if is_awk(name) {
                        awk_pipes_input_to_a_shell(code)
                    } else {
                        runs_computed_command(code, backticks_run(name))
                    };
                if computed_code(words, code)
                    || (is_awk(name) && awk_runs_its_input(code))
                    || runs_input
                {
                    // `python3 -c "$(curl …)"`, `… | awk '{system($0)}'`, `… | perl -ne
                    // 'system $_'`: the program is made when it runs.
                    self.push(words, Some(STDIN_PROGRAM), depth, origin);
                    return;
                }
                self.push(words, None, depth, origin);
                self.inline_code(code, depth + 1, name);
            } else if let Some(text) =
                script_operand(words, values).and_then(|file| self.written_to(file))
            {
                // `cat > x.py <<EOF … EOF; python3 x.py`: the program the command wrote.
                self.push(words, None, depth, origin);
                self.inline_code(&text, depth + 1, name);
            } else if script_operand(words, values).is_some_and(is_process_substitution) {
                self.push(words, Some(STDIN_PROGRAM), depth, origin);
            } else if script_operand(words, values).is_none_or(names_stdin) {
                if let Some(code) = Self::stdin_text(raw, lexed) {
                    if code.trim_start().starts_with("$(") || code.trim_start().starts_with('`') {
                        // `python3 - <<< "$(curl …)"`: what another command prints.
                        self.push(words, Some(STDIN_PROGRAM), depth, origin);
                        return;
                    }
                    self.push(words, None, depth, origin);
                    self.inline_code(&code, depth + 1, name);
                } else if raw.stdin_unseen() {
                    self.push(words, Some(STDIN_PROGRAM), depth, origin);
                } else {
                    self.push(words, None, depth, origin);
                }
            } else {
                self.push(words, None, depth, origin);
            }
            return;
        } else if name == "find" {
            // Without a starting point find starts at `.` (`cd ~ && find -delete`).
            let first = find_start(words);
            let with_start: Vec<Word<'_>>;
            let words = match words.get(first) {
                Some(w) if !w.text.starts_with(['-', '(', '!']) => words,
                _ => {
                    let (head, tail) = words.split_at(first.min(words.len()));
                    with_start = head
                        .iter()
                        .cloned()
                        .chain(std::iter::once(Word::plain(".")))
                        .chain(tail.iter().cloned())
                        .collect();
                    &with_start
                }
            };
            self.find_exec(words, lexed, depth, origin, true);
            self.spaced_paths(name, words, depth, origin);
            self.sweeps_from_here(name, words, depth, origin);
            self.find_comma_lists(words, depth, origin);
            // What it prints is a list of paths (its starting points first) when it runs
            // nothing itself.
            if !words.iter().any(|w| is_find_exec(&w.text)) {
                self.pipe_paths = Some(words.iter().cloned().map(Word::into_owned).collect());
            }
            return;
        } else if matches!(name, "source" | ".")
            && let Some(file) = words.get(1).map(|w| &*w.text)
        {
            // The current shell runs the file: a process substitution or standard input is
            // a program the gate may not see.
            if is_process_substitution(file) {
                self.push(words, Some(STDIN_PROGRAM), depth, origin);
                return;
            }
            if let Some(text) = self.written_to(file) {
                self.push(words, None, depth, origin);
                self.script(&text, depth + 1, origin);
                return;
            }
            if names_stdin(file) {
                if let Some(body) = Self::stdin_text(raw, lexed) {
                    self.push(words, None, depth, origin);
                    self.script(&body, depth + 1, origin);
                } else if raw.stdin_unseen() {
                    self.push(words, Some(STDIN_PROGRAM), depth, origin);
                } else {
                    self.push(words, None, depth, origin);
                }
                return;
            }
        }
        if name == "ls" && words.iter().skip(1).all(|w| w.text.starts_with('-')) {
            // `ls` lists the folder's entries: piped to `xargs CMD`, it reads as `find .
            // -mindepth 1 -maxdepth 1 -exec CMD {} +` (`cd ~ && ls | xargs rm -rf`).
            self.pipe_paths = Some(
                ["find", ".", "-mindepth", "1", "-maxdepth", "1"]
                    .into_iter()
                    .map(Word::plain)
                    .collect(),
            );
        }
        self.written_text(name, words, raw, lexed);
        if is_writer(name) {
            self.writes_of(name, words);
        }
        match crate::model::coreutils::options(name).and_then(|t| full_long_options(words, t)) {
            Some(full) => self.push(&full, None, depth, origin),
            None => self.push(words, None, depth, origin),
        }
        if matches!(name, "rm" | "rmdir" | "shred" | "unlink") {
            self.deletes_under_cwd(words, depth, origin);
        }
        if matches!(
            name,
            "rm" | "rmdir" | "shred" | "unlink" | "chmod" | "chown" | "chgrp"
        ) {
            self.sweeps_from_here(name, words, depth, origin);
        }
        self.spaced_paths(name, words, depth, origin);
        if name == "rm" {
            self.deletes_of_unset_variables(words, depth, origin);
        } else if name == "printf" {
            self.printf_variable(words);
        }
    }

    /// `printf -v NAME FORMAT`: NAME holds the format's text when it has no conversion
    /// (`printf -v D /`).
    fn printf_variable(&mut self, words: &[Word<'_>]) {
        // `printf -v NAME -- FORMAT`: the end of the options before the format.
        let (flag, name, format) = match words {
            [_, flag, name, end, format, ..] if end.text == "--" => (flag, name, format),
            [_, flag, name, format, ..] => (flag, name, format),
            _ => return,
        };
        if flag.text == "-v"
            && !name.dynamic
            && !format.dynamic
            && !format.text.contains(['%', '\\'])
            && name
                .text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.remember(Word::plain(format!("{}={}", name.text, format.text)));
        }
    }

    /// A recursive `rm` of paths made of variables the command does not set: read as bash
    /// expands them when those are unset. A default (`${D:-/}`) or an operation on `HOME`
    /// (`${HOME%/*}`, `$HOME$x`) gives a reading the gates see as a command of its own; a
    /// path that is the root or a home directory only when a variable is empty
    /// (`"$DIR/"*`, `~/$SUB`) cannot be verified ([`Normalized::computed_root`]).
    fn deletes_of_unset_variables(&mut self, words: &[Word<'_>], depth: usize, origin: Origin) {
        let recursive = words.iter().skip(1).any(|w| {
            w.text == "--recursive"
                || (w.text.starts_with('-')
                    && !w.text.starts_with("--")
                    && w.text.contains(['r', 'R']))
        });
        if !recursive {
            return;
        }
        // One reading per word of the loops around (`for d in a ~`: `a`, then `~`).
        let rounds = self
            .loop_variables
            .iter()
            .filter_map(|v| v.text.split_once('=').map(|(n, _)| n))
            .fold(Vec::<(&str, usize)>::new(), |mut counts, name| {
                match counts.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((name, 1)),
                }
                counts
            })
            .iter()
            .map(|(_, c)| *c)
            .max()
            .unwrap_or(1)
            .min(MAX_LOOP_READINGS);
        let mut readings: Vec<Vec<Word<'_>>> = Vec::new();
        for round in 0..rounds {
            // A variable the command sets: `Some(None)` when its value is computed.
            let known = |name: &str| {
                let of_loop: Vec<&Word<'static>> = self
                    .loop_variables
                    .iter()
                    .filter(|v| v.text.split_once('=').is_some_and(|(n, _)| n == name))
                    .collect();
                if let Some(v) = of_loop.get(round).or(of_loop.last()) {
                    let value = v.text.split_once('=').map_or("", |(_, value)| value);
                    // `for d in "$HOME"`: the home folder is known to be set.
                    return Some(
                        (!v.dynamic || is_home_expansion(value)).then(|| value.to_owned()),
                    );
                }
                // `D=$HOME`: the home folder is known to be set, like a plain value.
                last_value(&self.variables, name).map(|(value, dynamic)| {
                    (!dynamic || is_home_expansion(value)).then(|| value.to_owned())
                })
            };
            // The same, but a variable whose last assignment may not have run before the
            // delete (`[ -d b ] && D=b; rm -rf "$D/"`) is unset.
            let surely_set = {
                let (guards, chain, blocks) = (&self.variable_guards, self.chain, &self.blocks);
                move |index: usize| {
                    let guard = guards.get(index).copied().unwrap_or(ALWAYS);
                    guard == ALWAYS || guard == chain || blocks.iter().any(|b| b.id == guard)
                }
            };
            let guarded = |name: &str| {
                let of_loop = self
                    .loop_variables
                    .iter()
                    .any(|v| v.text.split_once('=').is_some_and(|(n, _)| n == name));
                let assigned = self
                    .variables
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.text.split_once('=').is_some_and(|(n, _)| n == name));
                let mut indexes = assigned.map(|(i, _)| i).peekable();
                if !of_loop && indexes.peek().is_some() && !indexes.any(surely_set) {
                    None
                } else {
                    known(name)
                }
            };
            let mut alternative: Vec<Word<'_>> = Vec::new();
            let mut alternative_certain = false;
            let mut argv: Vec<Word<'_>> = Vec::with_capacity(words.len());
            let mut certain = false;
            // After `cd $DIR`, a relative operand lies under `$DIR` (`cd $SRC && rm -rf *`).
            let under = self.cwd.as_deref().filter(|d| d.contains('$'));
            for (k, w) in words.iter().enumerate() {
                let path: Cow<'_, str> = match under {
                    Some(dir) if k > 0 && !w.text.starts_with(['/', '~', '$', '-']) => {
                        Cow::Owned(format!("{}/{}", dir.trim_end_matches('/'), w.text))
                    }
                    _ => Cow::Borrowed(&*w.text),
                };
                if k == 0 || !(w.dynamic || path.contains('$')) || w.text.starts_with('-') {
                    argv.push(w.clone());
                    alternative.push(w.clone());
                    continue;
                }
                // Only a variable assigned under a guard changes this reading.
                let guarded_only = unset_names(&path).iter().any(|n| {
                    any_index(&self.variables, n, |_| true)
                        && !any_index(&self.variables, n, surely_set)
                });
                match unset_reading(&path, guarded).filter(|_| guarded_only) {
                    Some((text, sure)) => {
                        if sure {
                            alternative_certain = true;
                        } else if is_root_or_home(&text)
                            && !unset_names(&path).iter().any(|n| {
                                any_index(&self.variables, n, surely_set)
                                    || tested_somewhere(self.source, n)
                            })
                        {
                            self.out.computed_root = true;
                        }
                        alternative.push(Word {
                            text: Cow::Owned(text),
                            dynamic: false,
                            ..w.clone()
                        });
                    }
                    None => alternative.push(w.clone()),
                }
                match unset_reading(&path, known) {
                    Some((text, sure)) => {
                        if sure {
                            certain = true;
                        } else if is_root_or_home(&text)
                            && !unset_names(&path)
                                .iter()
                                .any(|n| set_somewhere(self.source, n))
                        {
                            self.out.computed_root = true;
                        }
                        argv.push(Word {
                            text: Cow::Owned(text),
                            dynamic: false,
                            ..w.clone()
                        });
                    }
                    None => argv.push(w.clone()),
                }
            }
            if certain && !readings.contains(&argv) {
                readings.push(argv);
            }
            if alternative_certain && !readings.contains(&alternative) {
                readings.push(alternative);
            }
        }
        for argv in readings {
            self.push(&argv, None, depth, origin);
        }
    }

    /// A delete or a change of owner or mode of a path with white space in it (`rm -rf
    /// "C:\\Users\\John Smith"`, `find "/Users/Jo Li" -delete`): also read with that white
    /// space as `_`, so that gates on what is deleted see the path as the one word it is (a
    /// word with white space is data to the precise match mode).
    fn spaced_paths(&mut self, name: &str, words: &[Word<'_>], depth: usize, origin: Origin) {
        // The name first: most commands are none of these. PowerShell's and cmd's names
        // are read in any case.
        let known = matches!(
            name,
            "rm" | "rmdir" | "unlink" | "shred" | "find" | "chmod" | "chown" | "chgrp" | "rsync"
        ) || ["remove-item", "ri", "rd", "del", "erase"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n));
        let spaced =
            |w: &Word<'_>| is_spaced_path(&w.text) && (!w.dynamic || starts_at_home(&w.text));
        if !known || !words.iter().skip(1).any(spaced) {
            return;
        }
        let argv: Vec<Word<'_>> = words
            .iter()
            .enumerate()
            .map(|(k, w)| {
                if k > 0 && spaced(w) {
                    Word {
                        text: Cow::Owned(w.text.replace(char::is_whitespace, "_")),
                        ..w.clone()
                    }
                } else {
                    w.clone()
                }
            })
            .collect();
        self.push(&argv, None, depth, origin);
    }

    /// After `cd DIR`, a delete of relative paths (`cd ~ && rm -rf *`) is also read with them
    /// under DIR (`rm -rf ~/*`), so command gates on what is deleted see where.
    fn deletes_under_cwd(&mut self, words: &[Word<'_>], depth: usize, origin: Origin) {
        if let Some(argv) = self.moved_under_cwd(words, |k, w| k > 0 && !w.text.starts_with('-')) {
            self.push(&argv, None, depth, origin);
        }
    }

    /// Whether the command defined a function named by a word of `text` (a function
    /// `ssh-agent` shadows the program: its output is no set-up).
    fn defines_a_function_in(&self, text: &str) -> bool {
        text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '`' | '$'))
            .any(|w| self.functions.iter().any(|(name, _)| name == basename(w)))
    }

    /// A delete or permission change whose relative operands reach the root, a top-level
    /// folder or a home folder from where it runs (`cd / && chmod -R 777 .`, `rm -rf ../..`
    /// two levels below a home folder): also read with those operands written out, so the
    /// gates on what is swept see it. Nothing else is written out, so gates on other paths
    /// read the command as it is.
    fn sweeps_from_here(&mut self, name: &str, words: &[Word<'_>], depth: usize, origin: Origin) {
        let folder = self.git.and_then(|g| g.folder());
        // After `cd /DIR` or `cd ~`, deletes are read under it already.
        let read_under_cwd = !matches!(name, "chmod" | "chown" | "chgrp");
        if read_under_cwd
            && self
                .cwd
                .as_deref()
                .is_some_and(|d| d.starts_with(['/', '~']))
        {
            return;
        }
        let base = match (self.cwd.as_deref(), folder) {
            (Some(d), _) if d.starts_with(['/', '~']) => d.to_owned(),
            (Some(d), Some(f)) if !d.contains(['$', '`']) => under_folder(f, d),
            (None, Some(f)) => f.to_owned(),
            _ => return,
        };
        let operands = match name {
            "find" => find_starts(words),
            // The mode or owner comes first (`chmod -R 777 .`), unless `--reference` names it.
            "chmod" | "chown" | "chgrp"
                if !words.iter().any(|w| w.text.starts_with("--reference")) =>
            {
                let first = words
                    .iter()
                    .skip(1)
                    .position(|w| !w.text.starts_with('-') || w.text == "-")
                    .map_or(words.len(), |p| p + 2);
                first..words.len()
            }
            _ => 1..words.len(),
        };
        let mut moved = false;
        let argv: Vec<Word<'_>> = words
            .iter()
            .enumerate()
            .map(|(k, w)| {
                if operands.contains(&k)
                    && !w.dynamic
                    && !w.text.is_empty()
                    && !w.text.starts_with(['/', '~', '$', '-'])
                {
                    let whole = under_folder(&base, &w.text);
                    if sweeps(&whole) {
                        moved = true;
                        return Word {
                            text: Cow::Owned(whole),
                            ..w.clone()
                        };
                    }
                }
                w.clone()
            })
            .collect();
        if moved {
            self.push(&argv, None, depth, origin);
        }
    }

    /// `find / -name x , -delete`: find's comma evaluates both lists for every file, so what
    /// follows it acts on everything found. Each top-level list is also read as a find of its
    /// own, with the starting points.
    fn find_comma_lists(&mut self, words: &[Word<'_>], depth: usize, origin: Origin) {
        if !words.iter().any(|w| w.text == ",") {
            return;
        }
        let starts = find_starts(words);
        let head = words.get(..starts.end).unwrap_or_default();
        let mut lists: Vec<Vec<Word<'_>>> = vec![Vec::new()];
        let mut nesting = 0usize;
        for w in words.get(starts.end..).unwrap_or_default() {
            match &*w.text {
                "(" => nesting += 1,
                ")" => nesting = nesting.saturating_sub(1),
                "," if nesting == 0 => {
                    lists.push(Vec::new());
                    continue;
                }
                _ => {}
            }
            if let Some(list) = lists.last_mut() {
                list.push(w.clone());
            }
        }
        if lists.len() < 2 {
            return;
        }
        for list in lists.iter().filter(|l| !l.is_empty()) {
            let mut argv: Vec<Word<'_>> = head.to_vec();
            argv.extend(list.iter().cloned());
            self.push(&argv, None, depth, origin);
        }
    }

    /// `words` with those `which` picks that are relative paths put under the folder a `cd`
    /// moved to, or `None` when there is no such folder or nothing moves.
    fn moved_under_cwd<'a>(
        &self,
        words: &[Word<'a>],
        which: impl Fn(usize, &Word<'a>) -> bool,
    ) -> Option<Vec<Word<'a>>> {
        let dir = self.cwd.as_deref()?;
        let mut moved = false;
        let argv: Vec<Word<'a>> = words
            .iter()
            .enumerate()
            .map(|(k, w)| {
                if which(k, w) && !w.text.is_empty() && !w.text.starts_with(['/', '~', '$']) {
                    moved = true;
                    Word {
                        text: Cow::Owned(under_folder(dir, &w.text)),
                        ..w.clone()
                    }
                } else {
                    w.clone()
                }
            })
            .collect();
        moved.then_some(argv)
    }

    /// A shell: unwrap `-c STRING`, or a here-document or here-string it reads. Returns whether
    /// it was unwrapped (and so needs no entry of its own).
    /// `fed`: xargs puts its input in place of a replace string the command string may hold.
    /// PowerShell (`pwsh`, `powershell`) and `cmd`: `-Command`/`-c` (any unique prefix, any
    /// case, `/` or `-`) and `cmd /c` or `/k` run the rest of the words as a command;
    /// `-EncodedCommand` runs one the gate cannot read. Returns whether it was one of those.
    fn windows_shell(&mut self, argv: &[Word<'_>], depth: usize, origin: Origin) -> bool {
        let cmd = argv.first().is_some_and(|w| command_name(&w.text) == "cmd");
        let mut j = 1;
        while let Some(w) = argv.get(j) {
            // `-Command`, `/c`, and Git Bash's `//c` (its path conversion leaves `/c`).
            let Some(flag) = w
                .text
                .strip_prefix('-')
                .or_else(|| w.text.strip_prefix("//"))
                .or_else(|| w.text.strip_prefix('/'))
            else {
                return false;
            };
            let flag = flag.to_ascii_lowercase();
            let runs = if cmd {
                matches!(flag.as_str(), "c" | "k" | "r")
            } else {
                !flag.is_empty() && "command".starts_with(&flag)
            };
            if runs {
                let script = argv
                    .get(j + 1..)
                    .unwrap_or_default()
                    .iter()
                    .map(|w| &*w.text)
                    .collect::<Vec<_>>()
                    .join(" ");
                if !cmd && script.trim() == "-" {
                    // `-Command -`: the commands come from standard input.
                    self.push(argv, Some(STDIN_PROGRAM), depth, origin);
                    return true;
                }
                let script = if cmd {
                    // cmd's `^` escapes the next character (`git^ reset^ --hard`).
                    script.replace('^', "")
                } else {
                    // PowerShell's script blocks and call operator (`& {git reset --hard}`).
                    script.replace(['{', '}'], " ").replace("& ", "")
                };
                self.script(&literal_backslashes(&script), depth + 1, origin);
                return true;
            }
            if !cmd && flag.is_empty() {
                // `pwsh -`: the commands come from standard input.
                self.push(argv, Some(STDIN_PROGRAM), depth, origin);
                return true;
            }
            // `-EncodedCommand` under any prefix PowerShell takes (`-e`, `-ec`, `-en…`).
            if !cmd && (matches!(flag.as_str(), "e" | "ec") || flag.starts_with("en")) {
                self.push(argv, Some(STDIN_PROGRAM), depth, origin);
                return true;
            }
            // PowerShell parameters that take a value.
            let valued = !cmd
                && [
                    "executionpolicy",
                    "ep",
                    "ex",
                    "workingdirectory",
                    "wd",
                    "configurationname",
                    "config",
                    "outputformat",
                    "of",
                    "inputformat",
                    "if",
                    "windowstyle",
                    "w",
                    "settingsfile",
                    "custompipename",
                    "file",
                    "f",
                ]
                .contains(&flag.as_str());
            j += if valued { 2 } else { 1 };
        }
        false
    }

    fn shell(
        &mut self,
        argv: &[Word<'_>],
        raw: &Raw<'_>,
        lexed: &Lexed<'_>,
        depth: usize,
        origin: Origin,
        fed: Fed<'_>,
    ) -> bool {
        if let Some(name) = argv.first().map(|w| command_name(&w.text))
            && matches!(&*name, "pwsh" | "powershell" | "cmd")
        {
            return self.windows_shell(argv, depth, origin);
        }
        let options = scripts::shell_options(argv);
        // bash's `--rcfile FILE` and `--init-file FILE`: a script the shell runs first (one
        // the command wrote is read).
        for &at in &options.rcfiles {
            if let Some(text) = argv.get(at).and_then(|f| self.written_to(&f.text)) {
                self.script(&text, depth + 1, origin);
            }
        }
        let j = options.operand;
        let (command_string, reads_stdin) = (options.command_string, options.reads_stdin);
        if command_string {
            match argv.get(j) {
                // `xargs sh -c` and the like: the program comes from the input.
                Some(w) if w.text.trim() == "{}" => {
                    self.push(argv, Some(STDIN_PROGRAM), depth, origin);
                }
                // `xargs -I% sh -c 'git %'`: the input stands where the replace string
                // does, a value known only when it runs.
                Some(w) => match fed {
                    Fed::Replacing(r) if w.text.contains(r) => {
                        let script = w.text.replace(r, XARGS_INPUT);
                        self.script(&script, depth + 1, origin);
                    }
                    _ => {
                        // `sh -c 'git push --force origin "$1"' _ main`: every argument in
                        // sight and the script a list of simple commands that holds nothing
                        // else computed: its commands with the arguments put in, read as
                        // commands of their own (what the shell will run).
                        if let Some(commands) = self.visible_script_commands(argv, j, depth) {
                            for words in commands {
                                let raw = Raw {
                                    words,
                                    redirects: Vec::new(),
                                    piped: false,
                                };
                                self.interpret(&raw, lexed, depth + 1, origin);
                            }
                            return true;
                        }
                        // `sh -c 'rm -rf "$1"' _ ~`: the words after the string are its `$0`,
                        // `$1`, …, known while it runs.
                        // Not when the script may change them first (`shift; rm -rf "$1"`).
                        let mark = self.variables.len();
                        let args = if scripts::may_reset_parameters(&w.text) {
                            &[][..]
                        } else {
                            argv.get(j + 1..).unwrap_or_default()
                        };
                        for (n, arg) in args.iter().enumerate() {
                            if (!arg.dynamic || is_home_expansion(&arg.text)) && n < 10 {
                                self.remember(Word {
                                    dynamic: arg.dynamic,
                                    ..Word::plain(format!("{n}={}", arg.text))
                                });
                            }
                        }
                        self.script(&w.text, depth + 1, origin);
                        self.variables.truncate(mark);
                        self.variable_guards.truncate(mark);
                    }
                },
                None => self.push(argv, Some(STDIN_PROGRAM), depth, origin),
            }
            return true;
        }
        let operand = argv.get(j).map(|w| &*w.text);
        if operand.is_some_and(is_process_substitution) {
            // `sh <(curl …)`: the program is what another command prints.
            self.push(argv, Some(STDIN_PROGRAM), depth, origin);
            return true;
        }
        // `echo 'git reset --hard' > x.sh; bash x.sh`: a script the command wrote first.
        if let Some(text) = operand.and_then(|op| self.written_to(op)) {
            self.push(argv, None, depth, origin);
            self.script(&text, depth + 1, origin);
            return true;
        }
        if reads_stdin || operand.is_none_or(names_stdin) {
            // No script file (or `-s`): the shell runs what comes on standard input.
            if let Some(body) = Self::stdin_text(raw, lexed) {
                self.script(&body, depth + 1, origin);
                return true;
            }
            if raw.stdin_unseen() {
                self.push(argv, Some(STDIN_PROGRAM), depth, origin);
                return true;
            }
        }
        false
    }

    /// The commands of `SHELL -c SCRIPT ARG0 ARGS…` (the script at `j`) with the arguments
    /// put in, when there is at least one argument, none is computed, the script is a list of
    /// simple commands ([`scripts::commands_with_arguments`]) and no word of them is computed
    /// either (a substitution or an unset variable keeps the ordinary reading, which flags
    /// it).
    fn visible_script_commands(
        &self,
        argv: &[Word<'_>],
        j: usize,
        depth: usize,
    ) -> Option<Vec<Vec<Word<'static>>>> {
        let args = argv.get(j + 1..).filter(|a| !a.is_empty())?;
        if depth >= self.options.max_depth || args.iter().any(|a| a.dynamic) {
            return None;
        }
        let commands = scripts::commands_with_arguments(argv)?;
        commands
            .iter()
            .flatten()
            .all(|w| !w.dynamic)
            .then_some(commands)
    }

    /// The text the command visibly wrote to `path` before (all of it, for appends), if any.
    fn written_to(&self, path: &str) -> Option<String> {
        let clean = |p: &str| crate::path::clean_path(p).unwrap_or_else(|| p.to_owned());
        let wanted = clean(path);
        let texts: Vec<&str> = self
            .out
            .written
            .iter()
            .filter(|w| clean(&w.path) == wanted)
            .map(|w| w.text.as_str())
            .collect();
        (!texts.is_empty()).then(|| texts.join("\n"))
    }

    /// `find ARGS | xargs CMD`: read as `find ARGS -exec CMD {} +` (or `-exec CMD ;` with
    /// the replace string of `xargs -I` as find's `{}`), without normalising CMD again.
    fn find_fed(
        &mut self,
        find: Vec<Word<'static>>,
        command: &[Word<'_>],
        replace: Option<&str>,
        lexed: &Lexed<'_>,
        depth: usize,
        origin: Origin,
    ) {
        let mut argv = find;
        argv.push(Word::plain("-exec"));
        argv.extend(command.iter().map(|w| match replace {
            Some(r) if w.text.contains(r) => Word::plain(w.text.replace(r, "{}")),
            _ => w.clone().into_owned(),
        }));
        match replace {
            Some(_) => argv.push(Word::plain(";")),
            None => argv.extend([Word::plain("{}"), Word::plain("+")]),
        }
        self.find_exec(&argv, lexed, depth, origin, false);
    }

    /// `find … -delete` and `find … -exec CMD … ;`: the paths it deletes; each executed
    /// command normalised like any other (wrappers, shells) when `inner_too`; then the find
    /// itself with each executed command's wrappers stripped (so `find / -exec sudo rm {} ;`
    /// reads `find / -exec rm {}`).
    fn find_exec<'a>(
        &mut self,
        words: &[Word<'a>],
        lexed: &Lexed<'_>,
        depth: usize,
        origin: Origin,
        inner_too: bool,
    ) {
        // `-exec sh -c 'rm -rf "$1"' _ {} ;` is read as `-exec rm -rf {} ;`.
        let scripts = scripts::find_exec_scripts(words);
        let argv: &[Word<'a>] = scripts.as_deref().unwrap_or(words);
        // A delete under wrappers too (`-exec sudo rm -rf {} +`).
        let deletes = argv.iter().enumerate().any(|(k, w)| {
            w.text == "-delete"
                || (is_find_exec(&w.text)
                    && argv.get(k + 1..).is_some_and(|inner| {
                        inner.get(unwrapped_start(inner)).is_some_and(|c| {
                            matches!(basename(&c.text), "rm" | "unlink" | "shred" | "rmdir")
                        })
                    }))
        });
        if deletes {
            // `find DIR… -delete` (or `-exec rm {} +`) deletes under its starting points:
            // they are written.
            let starts = find_starts(argv);
            for root in argv.get(starts.clone()).unwrap_or_default() {
                self.write_target(&root.text);
            }
            // After `cd DIR`, relative starting points are DIR's (`cd ~ && find . -delete`).
            if let Some(moved) = self.moved_under_cwd(argv, |k, _| starts.contains(&k)) {
                self.push(&moved, None, depth, origin);
            }
            // An or-ed test (`-name x -o -delete`), or a negated one with no test that picks
            // (`! -name .bashrc`), does not pick what is deleted: read as the unfiltered
            // delete it amounts to. `-name '*.pyc' ! -path '*venv*'` picks.
            let expression = argv.get(starts.end..).unwrap_or_default();
            let or = expression.iter().any(|w| matches!(&*w.text, "-o" | "-or"));
            let negated = expression.iter().any(|w| matches!(&*w.text, "!" | "-not"));
            let unfiltered = or || (negated && !find_picks(expression));
            if unfiltered {
                let mut plain: Vec<Word<'a>> = argv.get(..starts.end).unwrap_or_default().to_vec();
                plain.push(Word {
                    text: Cow::Borrowed("-delete"),
                    ..Word::default()
                });
                self.push(&plain, None, depth, origin);
                if let Some(moved) = self.moved_under_cwd(&plain, |k, _| starts.contains(&k)) {
                    self.push(&moved, None, depth, origin);
                }
            }
        }
        let mut own: Vec<Word<'a>> = Vec::with_capacity(words.len());
        let mut k = 0;
        while let Some(w) = argv.get(k) {
            k += 1;
            own.push(w.clone());
            if !is_find_exec(&w.text) {
                continue;
            }
            let end = find_exec_end(argv, k);
            let inner = argv.get(k..end).unwrap_or_default();
            if !inner_too {
                own.extend(inner.iter().cloned());
            } else if depth < self.options.max_depth {
                let raw = Raw {
                    words: inner.to_vec(),
                    redirects: Vec::new(),
                    piped: false,
                };
                self.interpret(&raw, lexed, depth + 1, origin);
                own.extend(
                    inner
                        .get(unwrapped_start(inner)..)
                        .unwrap_or_default()
                        .iter()
                        .cloned(),
                );
            } else {
                self.out.depth_exceeded = true;
                own.extend(inner.iter().cloned());
            }
            k = end + 1;
        }
        self.push(&own, None, depth, origin);
        if !deletes {
            self.find_exec_on_starts(argv, lexed, depth, origin);
        }
    }

    /// `find DIR … -exec CMD {} ;` where nothing in the expression picks what it lists: CMD
    /// runs on DIR and everything in it, read as well with `{}` as DIR (`find ~ -maxdepth 0
    /// -exec chmod 000 {} +` is `chmod 000 ~`), or as `DIR/*` when the start itself is left
    /// out (`-mindepth 1`, or `-type` without `d`: `find .git/hooks -type f -exec chmod -x
    /// {} +` is `chmod -x .git/hooks/*`). Deletes have their own reading (above).
    fn find_exec_on_starts(
        &mut self,
        argv: &[Word<'_>],
        lexed: &Lexed<'_>,
        depth: usize,
        origin: Origin,
    ) {
        if depth >= self.options.max_depth {
            return;
        }
        let range = find_starts(argv);
        let starts = argv.get(range.clone()).unwrap_or_default();
        let expression = argv.get(range.end..).unwrap_or_default();
        let at = |k: usize| expression.get(k).map(|w| &*w.text);
        let or = expression.iter().any(|w| matches!(&*w.text, "-o" | "-or"));
        if starts.is_empty() || (find_picks(expression) && !or) {
            return;
        }
        let inside = expression.iter().enumerate().any(|(k, w)| {
            (w.text == "-mindepth" && at(k + 1).is_some_and(|n| n != "0"))
                || (w.text == "-type" && at(k + 1).is_some_and(|t| !t.contains('d')))
        });
        let mut k = 0;
        while let Some(w) = expression.get(k) {
            k += 1;
            if !is_find_exec(&w.text) {
                continue;
            }
            let end = find_exec_end(expression, k);
            let inner = expression.get(k..end).unwrap_or_default();
            k = end + 1;
            if !inner.iter().any(|w| w.text == "{}") {
                continue;
            }
            for start in starts.iter().take(MAX_LOOP_READINGS) {
                let path: Cow<'_, str> = match (inside, start.text.ends_with('/')) {
                    (false, _) => Cow::Borrowed(&*start.text),
                    (true, true) => Cow::Owned(format!("{}*", start.text)),
                    (true, false) => Cow::Owned(format!("{}/*", start.text)),
                };
                let words = inner
                    .iter()
                    .map(|w| match &*w.text {
                        "{}" => Word {
                            dynamic: start.dynamic,
                            ..Word::plain(path.clone().into_owned())
                        },
                        _ => w.clone(),
                    })
                    .collect();
                let raw = Raw {
                    words,
                    redirects: Vec::new(),
                    piped: false,
                };
                self.interpret(&raw, lexed, depth + 1, origin);
            }
        }
    }

    /// The script a fan-out tool or wrapper runs (`xargs sh -c`, `parallel CMD ::: …`,
    /// `watch CMD`): normalised one level down.
    fn fanout_script(&mut self, text: &str, depth: usize, origin: Origin) {
        if text == STDIN_PROGRAM {
            self.push(&[], Some(STDIN_PROGRAM), depth, origin);
            return;
        }
        self.script(text, depth + 1, origin);
    }

    /// `env NAME=VALUE… git …` for a git command run with assignments, its own or inherited
    /// from the command that runs its script, so that gates can see the environment it runs
    /// with (`HUSKY=0 git commit`, `HUSKY=0 bash -c 'git commit'` → `env HUSKY=0 git commit`).
    fn environment(
        &mut self,
        assignments: &[Word<'_>],
        command: &[Word<'_>],
        depth: usize,
        origin: Origin,
    ) {
        // A shell runs `PROMPT_COMMAND`, `PS0` and the file `BASH_ENV` names.
        if !assignments.is_empty()
            && command
                .first()
                .is_some_and(|name| SHELLS.contains(&&*command_name(&name.text)))
        {
            let shell_runs: Vec<Word<'_>> = assignments
                .iter()
                .filter(|a| {
                    a.text.split_once('=').is_some_and(|(n, _)| {
                        matches!(n, "PROMPT_COMMAND" | "PS0" | "BASH_ENV" | "ENV")
                    })
                })
                .cloned()
                .collect();
            self.programs_of_environment(&shell_runs, depth, origin);
        }
        // Only git reads the variables that switch its hooks off (`HUSKY=0`, `SKIP=…`); other
        // commands are not worth a second subject. The configuration an earlier `export`
        // gave it (`export GIT_CONFIG_GLOBAL=F; git commit`) is read all the same.
        let nothing = assignments.is_empty() && self.inherited.is_empty();
        if (nothing && self.exported.is_empty())
            || command
                .first()
                .is_none_or(|name| command_name(&name.text) != "git")
        {
            return;
        }
        if nothing {
            if !self.exported.is_empty() {
                self.configs_of_environment(assignments, command, depth, origin);
            }
            return;
        }
        self.programs_of_environment(assignments, depth, origin);
        self.configs_of_environment(assignments, command, depth, origin);
        let mut argv: Vec<Word<'_>> =
            Vec::with_capacity(self.inherited.len() + assignments.len() + command.len() + 1);
        argv.push(Word {
            text: "env".into(),
            ..Word::default()
        });
        argv.extend(self.inherited.iter().cloned());
        argv.extend(assignments.iter().cloned());
        if let Some((name, args)) = command.split_first() {
            argv.push(Word {
                text: Cow::Owned(command_name(&name.text).into_owned()),
                ..name.clone()
            });
            argv.extend(args.iter().cloned());
        }
        self.push(&argv, None, depth, origin);
    }

    /// `GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=K GIT_CONFIG_VALUE_0=V git …` and
    /// `GIT_CONFIG_PARAMETERS="'K'='V'" git …` set what `-c K=V` sets: the git command is read
    /// again with those `-c` options (a mirror or forced refspec of a push, an alias, a program).
    /// `GIT_CONFIG_GLOBAL=FILE` (also `_SYSTEM`, and the old `GIT_CONFIG`) reads as the
    /// settings of FILE when the command wrote it, else as `-c include.path=FILE`.
    fn configs_of_environment(
        &mut self,
        assignments: &[Word<'_>],
        command: &[Word<'_>],
        depth: usize,
        origin: Origin,
    ) {
        let all = self
            .exported
            .iter()
            .chain(&self.inherited)
            .chain(assignments);
        let mut keys: Vec<(&str, &str)> = Vec::new();
        let mut values: Vec<(&str, &str)> = Vec::new();
        let mut configs: Vec<String> = Vec::new();
        for a in all {
            let Some((name, value)) = a.text.split_once('=') else {
                continue;
            };
            if let Some(n) = name.strip_prefix("GIT_CONFIG_KEY_") {
                keys.push((n, value));
            } else if let Some(n) = name.strip_prefix("GIT_CONFIG_VALUE_") {
                values.push((n, value));
            } else if name == "GIT_CONFIG_PARAMETERS" {
                configs.extend(split_words(value).into_iter().map(|w| w.text.into_owned()));
            } else if matches!(
                name,
                "GIT_CONFIG_GLOBAL" | "GIT_CONFIG_SYSTEM" | "GIT_CONFIG"
            ) && !value.is_empty()
                && value != "/dev/null"
            {
                // A configuration file read in place of the user's or the system's: its
                // settings when the command wrote it, else an include the gate cannot read.
                match self.written_to(value) {
                    Some(text) => configs.extend(git::config_file_settings(&text)),
                    None => configs.push(format!("include.path={value}")),
                }
            }
        }
        for (n, key) in keys {
            let value = values.iter().find(|(m, _)| *m == n).map_or("", |(_, v)| *v);
            configs.push(format!("{key}={value}"));
        }
        if configs.is_empty() {
            return;
        }
        let mut argv: Vec<Word<'_>> = Vec::with_capacity(command.len() + 2 * configs.len());
        argv.extend(command.first().cloned());
        for c in configs {
            argv.push(Word {
                text: Cow::Borrowed("-c"),
                ..Word::default()
            });
            argv.push(Word {
                text: Cow::Owned(c),
                ..Word::default()
            });
        }
        argv.extend(command.get(1..).unwrap_or_default().iter().cloned());
        self.git(&argv, depth, origin, Fed::Nothing);
    }

    /// Code given to an interpreter: every string literal (and every run of adjacent literals)
    /// is normalised as a shell command.
    fn inline_code(&mut self, code: &str, depth: usize, interpreter: &str) {
        if depth > self.options.max_depth {
            self.out.depth_exceeded = true;
            return;
        }
        for candidate in code_literals(code, backticks_run(interpreter)) {
            self.script(&candidate, depth, Origin::InlineCode);
        }
        if is_awk(interpreter) {
            for candidate in awk_pipe_commands(code) {
                self.script(&candidate, depth, Origin::InlineCode);
            }
        }
        if interpreter.starts_with("perl") {
            for candidate in interpreters::perl_pipe_opens(code) {
                self.script(&candidate, depth, Origin::InlineCode);
            }
        }
        for candidate in interpreters::language_commands(interpreter, code) {
            self.script(&candidate, depth, Origin::InlineCode);
        }
        // What the code deletes and writes through its own file library: a tree delete
        // reads as the `rm -rf` it is, a file write as a write of that path.
        let (trees, files) = interpreters::code_file_effects(code);
        for tree in trees {
            self.script(
                &format!("rm -rf {}", shell_quote(&tree)),
                depth,
                Origin::InlineCode,
            );
        }
        for file in files {
            self.write_target(&file);
        }
    }

    /// Adds the simple command of `argv`, followed by `extra` when given: [`STDIN_PROGRAM`] for
    /// a shell or interpreter whose program comes from a pipe or a file, so a policy can decide
    /// what such a command gets.
    fn push(&mut self, argv: &[Word<'_>], extra: Option<&str>, depth: usize, origin: Origin) {
        let count = argv.len() + usize::from(extra.is_some());
        if count == 0 {
            return;
        }
        // `rm $FLAGS /`, `chmod -$R 777 ~`, also in a reading written out (`rm $F ~/..`): an
        // option computed at run time, on a command given the root or a home folder, may
        // make it recursive.
        if !self.out.computed
            && argv.len() > 2
            && let Some(first) = argv.first()
            && matches!(
                &*command_name(&first.text),
                "rm" | "chmod" | "chown" | "chgrp" | "find"
            )
            && computed_sweep(argv)
        {
            self.out.computed = true;
        }
        if !self.room() {
            self.out.truncated = true;
            return;
        }
        // Room for every word and a space after each (the name's basename can only be shorter).
        let len =
            argv.iter().map(|w| w.text.len() + 1).sum::<usize>() + extra.map_or(0, |t| t.len() + 1);
        let mut text = String::with_capacity(len);
        let mut spans = Vec::new();
        let mut any_data = false;
        // Whether some word holds a space or is data, so that `spans` is needed.
        let mut spanned = false;
        // Each word's text, whether it holds an expansion.
        let words = argv
            .iter()
            .map(|w| (&*w.text, w.dynamic))
            .chain(extra.map(|t| (t, false)));
        for (k, (t, dynamic)) in words.enumerate() {
            let cleaned;
            let first_name;
            let t = if k == 0 {
                // The command name: its basename.
                first_name = command_name(t);
                &first_name
            } else {
                text.push(' ');
                // A computed word is resolved only from the home folder (`$HOME/..`): other
                // expansions may hold any path, or slashes inside a substitution.
                cleaned = if t.is_empty() {
                    // An empty argument (`rm -rf '' /`) is one the program gets: shown as the
                    // shell writes it, so the words around it keep their places.
                    Some(EMPTY_WORD.to_owned())
                } else if dynamic && !starts_at_home(t) {
                    None
                } else {
                    resolved(t)
                };
                cleaned.as_deref().unwrap_or(t)
            };
            let start = text.len();
            text.push_str(t);
            let (white, space) = white_space(t);
            // Text with white space cannot be a command name, option or plain path: it is
            // data. A word holding an expansion is not, since what it runs is unknown.
            let data = !dynamic && white;
            any_data |= data;
            if (space || data) && !spanned {
                spanned = true;
                // The words so far, which hold no space and are not data.
                spans = Vec::with_capacity(count);
                let before = text.get(..start.saturating_sub(1)).unwrap_or_default();
                if k > 0 {
                    let mut end = 0;
                    for w in before.split(' ') {
                        end += w.len();
                        spans.push(Span { end, data: false });
                        end += 1;
                    }
                }
            }
            if spanned {
                spans.push(Span {
                    end: text.len(),
                    data,
                });
            }
        }
        let precise = any_data.then(|| {
            let mut out = String::with_capacity(text.len());
            let mut start = 0;
            for (i, span) in spans.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                let word = text.get(start..span.end).unwrap_or_default();
                if span.data {
                    // `core.editor=code --wait`, `--prune=1 second ago`: the key stays
                    // readable, only its value is data.
                    if let Some((key, _)) = word.split_once('=')
                        && !key.is_empty()
                        && key
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
                    {
                        out.push_str(key);
                        out.push('=');
                    }
                    out.push_str(DATA_PLACEHOLDER);
                } else {
                    out.push_str(word);
                }
                start = span.end + 1;
            }
            out
        });
        self.out.commands.push(SimpleCommand {
            text,
            spans,
            origin,
            depth,
            precise,
            words: OnceLock::new(),
        });
    }
}

/// Where find's starting points begin in its argv: after its name and its `-H`, `-L`, `-P`
/// and `-O…` options.
fn find_start(argv: &[Word<'_>]) -> usize {
    1 + argv
        .get(1..)
        .unwrap_or_default()
        .iter()
        .take_while(|w| matches!(&*w.text, "-H" | "-L" | "-P") || w.text.starts_with("-O"))
        .count()
}

/// What ends xargs's input items, from its options `own`: NUL with `-0`/`--null`, the
/// delimiter of `-d X`/`--delimiter=X`; `None`: blanks and new lines, with quotes.
fn xargs_delimiter(own: &[Word<'_>]) -> Option<char> {
    /// xargs's short options that take a value (in the same word or the next).
    const VALUED: &[char] = &['a', 'd', 'E', 'e', 'I', 'i', 'L', 'l', 'n', 'P', 's'];
    let mut delimiter = None;
    let mut value_of_d = |v: &str| {
        // xargs reads C escapes in the delimiter (`-d '\n'`).
        delimiter = match v {
            "\\n" => Some('\n'),
            "\\t" => Some('\t'),
            "\\0" => Some('\0'),
            _ => v.chars().next(),
        };
    };
    let mut k = 0;
    while let Some(w) = own.get(k) {
        k += 1;
        let text = &*w.text;
        if text == "--null" {
            value_of_d("\\0");
        } else if let Some(v) = text.strip_prefix("--delimiter=") {
            value_of_d(v);
        } else if text == "--delimiter" {
            if let Some(v) = own.get(k) {
                value_of_d(&v.text);
            }
            k += 1;
        } else if let Some(cluster) = text.strip_prefix('-').filter(|c| !c.starts_with('-')) {
            for (at, c) in cluster.char_indices() {
                if c == '0' {
                    value_of_d("\\0");
                } else if VALUED.contains(&c) {
                    let rest = cluster.get(at + c.len_utf8()..).unwrap_or_default();
                    let value = if rest.is_empty() {
                        k += 1;
                        own.get(k - 1)
                            .map(|v| v.text.to_string())
                            .unwrap_or_default()
                    } else {
                        rest.to_owned()
                    };
                    if c == 'd' {
                        value_of_d(&value);
                    }
                    break;
                }
            }
        }
    }
    delimiter
}

/// The items of `input` ended by `d` (the text after the last one is an item unless it is
/// empty).
fn delimited_items(input: &str, d: char) -> Vec<&str> {
    let mut items: Vec<&str> = input.split(d).collect();
    if items.last().is_some_and(|last| last.is_empty()) {
        items.pop();
    }
    items
}

/// The arguments xargs makes of its input: with a delimiter ([`xargs_delimiter`]) one
/// argument per item, quotes and spaces kept; else words as the shell splits them (close to
/// xargs's own quoting).
fn xargs_items(delimiter: Option<char>, input: &str) -> Vec<Word<'static>> {
    match delimiter {
        Some(d) => delimited_items(input, d)
            .into_iter()
            .map(|item| Word {
                quoted: true,
                ..Word::plain(item.to_owned())
            })
            .collect(),
        None => split_words(input)
            .into_iter()
            .map(Word::into_owned)
            .collect(),
    }
}

/// The lines of a visible input (`echo ~ |`) joined by spaces, when each is one word: each is
/// then one argument of the command xargs or parallel runs (a line with spaces is left
/// computed).
fn one_word_lines(input: &str) -> Option<String> {
    input
        .lines()
        .all(|l| !l.trim().contains(char::is_whitespace))
        .then(|| input.lines().map(str::trim).collect::<Vec<_>>().join(" "))
}

/// find's starting points in its argv: the words after its options up to the expression.
fn find_starts(argv: &[Word<'_>]) -> std::ops::Range<usize> {
    let first = find_start(argv);
    let count = argv
        .get(first..)
        .unwrap_or_default()
        .iter()
        .take_while(|w| !w.text.starts_with(['-', '(', '!']))
        .count();
    first..first + count
}

/// Whether a word of find's expression runs a command.
fn is_find_exec(word: &str) -> bool {
    matches!(word, "-exec" | "-execdir" | "-ok" | "-okdir")
}

/// Where the command of an `-exec` whose words start at `from` ends: the index of its `;` or
/// `+` (the length of `words` when it has none).
fn find_exec_end(words: &[Word<'_>], from: usize) -> usize {
    words
        .get(from..)
        .unwrap_or_default()
        .iter()
        .position(|w| w.text == ";" || w.text == "+")
        .map_or(words.len(), |n| from + n)
}

/// Whether a test of find's `expression` that is not negated picks what it lists
/// ([`FIND_PICKS`]).
fn find_picks(expression: &[Word<'_>]) -> bool {
    expression.iter().enumerate().any(|(k, w)| {
        FIND_PICKS.contains(&&*w.text)
            && !k
                .checked_sub(1)
                .and_then(|p| expression.get(p))
                .is_some_and(|b| matches!(&*b.text, "!" | "-not"))
    })
}

/// The tests of find that pick files by name, place, age, size, owner or emptiness (as the
/// policy's find gate reads a clean-up).
const FIND_PICKS: &[&str] = &[
    "-name",
    "-iname",
    "-path",
    "-ipath",
    "-wholename",
    "-iwholename",
    "-regex",
    "-iregex",
    "-newer",
    "-atime",
    "-amin",
    "-ctime",
    "-cmin",
    "-mtime",
    "-mmin",
    "-size",
    "-user",
    "-group",
    "-perm",
    "-inum",
    "-samefile",
    "-empty",
];

/// Most readings of one recursive delete, one per word of the loop around it.
const MAX_LOOP_READINGS: usize = 16;

/// How bash expands `text` when every variable in it but `HOME` and those the command sets
/// (`known`: their values, `Some(None)` when computed) is unset: `Some((reading, sure))`,
/// `sure` when the reading does not depend on a variable being empty (a default `${D:-X}`
/// gives X; an operation on `HOME`, `${HOME%/*}` or `${HOME:0}`, reads as `$HOME`). `None`
/// when there is nothing to read, an unset variable stops the command (`${D:?}`), a
/// variable's value is computed, or the text holds a command substitution.
fn unset_reading(
    text: &str,
    known: impl Fn(&str) -> Option<Option<String>>,
) -> Option<(String, bool)> {
    if !text.contains('$') || text.contains("$(") || text.contains('`') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut sure = true;
    let mut changed = false;
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 1..).unwrap_or_default();
        if let Some(inner) = after.strip_prefix('{') {
            let mut end = inner.find('}')?;
            let mut body = inner.get(..end).unwrap_or_default();
            // `${D:-${HOME}}`: a default that is the home folder's own expansion.
            if body.ends_with("${HOME") && inner.get(end + 1..).is_some_and(|r| r.starts_with('}'))
            {
                body = inner.get(..end + 1).unwrap_or_default();
                end += 1;
            }
            if body.contains(['{', '$'])
                && !body
                    .split_once([':', '-', '='])
                    .is_some_and(|(_, d)| is_home_expansion(d.trim_start_matches([':', '-', '='])))
            {
                return None;
            }
            let name_len = body
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(body.len());
            let (name, op) = body.split_at(name_len);
            if name == "HOME" {
                // `${HOME}`, `${HOME%/*}`, `${HOME:0}`: read as the home folder.
                out.push_str("$HOME");
                if !op.is_empty() {
                    changed = true;
                }
            } else if let Some(value) = known(name) {
                // Set by the command: its value, or (computed) a path the gate cannot tell.
                out.push_str(&value?);
                if !op.is_empty() {
                    sure = false;
                }
                changed = true;
            } else if let Some(default) = op
                .strip_prefix(":-")
                .or_else(|| op.strip_prefix('-'))
                .or_else(|| op.strip_prefix(":="))
                .or_else(|| op.strip_prefix('='))
            {
                out.push_str(default);
                changed = true;
            } else if op.starts_with(":?") || op.starts_with('?') {
                return None;
            } else {
                sure = false;
                changed = true;
            }
            rest = inner.get(end + 1..).unwrap_or_default();
        } else {
            let name_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let name = after.get(..name_len).unwrap_or_default();
            if name == "HOME" {
                out.push_str("$HOME");
                rest = after.get(name_len..).unwrap_or_default();
            } else if let Some(value) = known(name) {
                out.push_str(&value?);
                changed = true;
                rest = after.get(name_len..).unwrap_or_default();
            } else if name.is_empty() {
                // `$@`, `$*`, `$1`…: positional parameters, unset here.
                let special = after
                    .chars()
                    .next()
                    .filter(|c| matches!(c, '@' | '*' | '#' | '?' | '!' | '-' | '0'..='9'));
                match special {
                    Some(c) => {
                        sure = false;
                        changed = true;
                        rest = after.get(c.len_utf8()..).unwrap_or_default();
                    }
                    None => {
                        out.push('$');
                        rest = after;
                    }
                }
            } else {
                sure = false;
                changed = true;
                rest = after.get(name_len..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    changed.then_some((out, sure))
}

/// The names of the variables `text` expands that [`unset_reading`] reads as unset: all but
/// `HOME`, with positional parameters as `1`, `@`, ….
fn unset_names(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        let after = rest.get(at + 1..).unwrap_or_default();
        let inner = after.strip_prefix('{').unwrap_or(after);
        let len = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let name = match inner.get(..len).unwrap_or_default() {
            "" => inner.get(..1).unwrap_or_default(),
            name => name,
        };
        if !name.is_empty() && name != "HOME" {
            out.push(name);
        }
        rest = inner.get(len.max(1)..).unwrap_or_default();
    }
    out
}

/// Whether the command sets variable `name` somewhere, or guards against it being empty,
/// before or after the delete (a function's body runs later, a trap at the end): an
/// assignment `NAME=` (also `export`, `local`, in a prefix or inside a `bash -c` string),
/// `read NAME`, `printf -v NAME`, `for NAME in`, a test of it (`[ -n "$NAME" ]`, `-d`, `-e`,
/// `-f`, `-s`, `-z`), or `${NAME:?}`. Positional parameters (`$1`, `$@`, `$*`) are empty in
/// the command line a harness runs (`bash -c CMD` passes none), so they are set only where
/// something may give them ([`positional_bound`]).
fn set_somewhere(source: &str, name: &str) -> bool {
    set_or_tested(source, name, true)
}

/// Whether `source` tests `name` before use (`[ -n "$NAME" ]`, `${NAME:?}`) or reads it
/// (`read NAME`), as [`set_somewhere`] but for assignments.
fn tested_somewhere(source: &str, name: &str) -> bool {
    set_or_tested(source, name, false)
}

fn set_or_tested(source: &str, name: &str, assignments: bool) -> bool {
    if matches!(name, "0" | "#") {
        return true;
    }
    // A positional parameter may still be tested (`[ -n "$1" ]`, `${1:?}`).
    if (name.bytes().all(|b| b.is_ascii_digit()) || matches!(name, "@" | "*"))
        && positional_bound(source)
    {
        return true;
    }
    let bytes = source.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut from = 0;
    while let Some(found) = source.get(from..).and_then(|r| r.find(name)) {
        let at = from + found;
        let end = at + name.len();
        from = end;
        let before = at.checked_sub(1).and_then(|k| bytes.get(k)).copied();
        if before.is_some_and(is_ident) || bytes.get(end).copied().is_some_and(is_ident) {
            continue;
        }
        let after = source.get(end..).unwrap_or_default();
        let head = source.get(..at).unwrap_or_default();
        // `NAME=…` (not `$NAME=`), `${NAME:?}`, `${NAME?}`.
        if (assignments && after.starts_with('=') && before != Some(b'$') && before != Some(b'{'))
            || (before == Some(b'{') && (after.starts_with(":?") || after.starts_with('?')))
        {
            return true;
        }
        // `read [-r] NAME`, `printf -v NAME`, `for NAME in`.
        let word_before = head
            .trim_end()
            .rsplit([' ', '\t', ';', '&', '|', '('])
            .next()
            .unwrap_or("");
        if before.is_some_and(|b| b == b' ' || b == b'\t')
            && (matches!(
                word_before,
                "-v" | "read" | "for" | "-r" | "-a" | "-p" | "-rs"
            ) && (word_before != "-r" || head.contains("read ")))
        {
            return true;
        }
        // `[ -n "$NAME" ]`, `test -d "$NAME"`, `[[ -e $NAME ]]`.
        let test = head.trim_end_matches(['"', '{', '$']).trim_end();
        if ["-n", "-z", "-d", "-e", "-f", "-s"]
            .iter()
            .any(|t| test.ends_with(t))
            && matches!(before, Some(b'$') | Some(b'{'))
        {
            return true;
        }
    }
    false
}

/// The variable a word is made of alone (`$t`, `${t}`, `"$t"`), if it is one.
fn variable_of<'w>(w: &'w Word<'_>) -> Option<&'w str> {
    if !w.dynamic {
        return None;
    }
    let t = &*w.text;
    let name = t
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .or_else(|| t.strip_prefix('$'))?;
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then_some(name)
}

/// Whether something in `source` may give the positional parameters a value: `set --`, a
/// function (called with arguments), or a script run with `-c` (`sh -c '…' _ ARGS`, also
/// under `xargs` or `find -exec`, whose arguments come at run time). The harness's own
/// command line has none.
fn positional_bound(source: &str) -> bool {
    source.contains("set -")
        || source.contains("()")
        || source.contains("function ")
        || source.contains("-c ")
        || source.contains("-c=")
}

/// The value the last assignment in `variables` (`NAME=VALUE` words) gave `name`, and whether
/// it is computed at run time.
/// Whether `test` holds for the index in `variables` (`NAME=VALUE` words) of some
/// assignment of `name`.
fn any_index(variables: &[Word<'static>], name: &str, test: impl Fn(usize) -> bool) -> bool {
    variables
        .iter()
        .enumerate()
        .any(|(i, v)| v.text.split_once('=').is_some_and(|(n, _)| n == name) && test(i))
}

fn last_value<'v>(variables: &'v [Word<'static>], name: &str) -> Option<(&'v str, bool)> {
    variables.iter().rev().find_map(|v| {
        v.text
            .split_once('=')
            .filter(|(n, _)| *n == name)
            .map(|(_, value)| (value, v.dynamic))
    })
}

/// Whether `value` is the home folder's own expansion, or a path under it, with no other
/// expansion (`$HOME`, `${HOME}`, `$HOME/x`).
fn is_home_expansion(value: &str) -> bool {
    (value == "${HOME}" || value.starts_with("$HOME"))
        && !value.get(1..).unwrap_or_default().contains('$')
}

/// Whether a path is the root, a home directory, or everything in one (`/`, `/*`, `~/`,
/// `$HOME/*`, `//`), read after the variables that are unset are taken out.
fn is_root_or_home(path: &str) -> bool {
    let cleaned = path.replace("/./", "/");
    let trimmed = cleaned.trim_end_matches(['/', '*', '.']);
    matches!(trimmed, "" | "~" | "$HOME" | "/home" | "/Users" | "/root")
        && !(trimmed.is_empty() && path.is_empty())
}

/// Whether a word of `rm`, `chmod`, `chown`, `chgrp` or `find` may be options only known at
/// run time (`-rf$x`, `${RF:--rf}`, `$FLAGS`) while an operand is the root, a top-level folder
/// or a home folder.
fn computed_sweep(words: &[Word<'_>]) -> bool {
    let args = words.get(1..).unwrap_or_default();
    let computed = |w: &Word<'_>| w.dynamic && w.text.starts_with(['-', '$', '`']);
    let swept = |w: &Word<'_>| {
        if w.dynamic {
            return matches!(w.text.trim_end_matches(['/', '*']), "$HOME" | "${HOME}");
        }
        sweeps(resolved(&w.text).as_deref().unwrap_or(&w.text))
    };
    args.iter()
        .any(|w| computed(w) && !is_home_expansion(&w.text))
        && args.iter().any(swept)
}

/// Whether `word` is the output of a program that prints shell set-up for `eval`
/// (`$(ssh-agent -s)`, `` `pyenv init -` ``, `$(brew shellenv)`): assignments, exports and
/// functions of well-known tools.
fn is_setup_generator(word: &str) -> bool {
    let body = word
        .strip_prefix("$(")
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| word.strip_prefix('`').and_then(|r| r.strip_suffix('`')));
    let Some(body) = body else {
        return false;
    };
    if body.contains(['$', '`', ';', '|', '&', '>', '<', '(', ')', '\n']) {
        return false;
    }
    let mut parts = body.split_whitespace();
    let path = parts.next().unwrap_or_default();
    // Found on PATH or in a system folder, not a program a command may have written.
    let system = [
        "/usr/bin/",
        "/usr/local/bin/",
        "/bin/",
        "/opt/homebrew/bin/",
    ];
    if path.contains('/') && !system.iter().any(|d| path.starts_with(d)) {
        return false;
    }
    let program = basename(path);
    let sub = parts.next().unwrap_or_default();
    match program {
        "ssh-agent" | "dircolors" | "fnm" | "opam" | "keychain" => true,
        "pyenv" => matches!(sub, "init" | "virtualenv-init"),
        "rbenv" | "nodenv" | "goenv" | "jenv" | "plenv" | "phpenv" => sub == "init",
        "direnv" => matches!(sub, "hook" | "export"),
        "brew" => sub == "shellenv",
        "starship" | "zoxide" | "atuin" | "thefuck" => sub == "init",
        "mise" | "rtx" => matches!(sub, "activate" | "env"),
        "conda" | "micromamba" => sub.starts_with("shell."),
        _ => false,
    }
}

/// Whether a path written out is the root, a top-level folder, a home folder or the folder of
/// the home folders (`/`, `/etc`, `/home/u`, `~`, `/Users`), or everything in one (`/*`).
fn sweeps(path: &str) -> bool {
    let t = path.trim_end_matches(['/', '*']);
    let t = t.strip_suffix("/.").unwrap_or(t);
    if t.is_empty() {
        return path.starts_with('/');
    }
    if let Some(rest) = t.strip_prefix('~') {
        return !rest.contains('/');
    }
    let Some(rest) = t.strip_prefix('/') else {
        return false;
    };
    let mut parts = rest.split('/');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(_), None, _) | (Some("home" | "Users"), Some(_), None)
    )
}

/// Whether `s` holds white space ([`char::is_whitespace`]), and whether it holds a space
/// (`' '`), with a fast path for ASCII.
fn white_space(s: &str) -> (bool, bool) {
    let mut white = false;
    for &b in s.as_bytes() {
        let class = lex::class(b);
        if class & (lex::WHITE | lex::HIGH) == 0 {
            continue;
        }
        if b == b' ' {
            return (true, true);
        }
        if class & lex::HIGH != 0 {
            return (
                white || s.chars().any(char::is_whitespace),
                s.as_bytes().contains(&b' '),
            );
        }
        white = true;
    }
    (white, false)
}

/// At most this many words come out of the brace expansions of one command.
const MAX_BRACE_WORDS: usize = 256;

/// `words` with each word that may be brace-expanded replaced by the words bash makes of it.
/// `budget`: the bytes brace expansion may still scan in this normalisation; when it runs out
/// the rest stays as written and the result says so (the engine then asks).
fn expand_braces<'a>(words: &[Word<'a>], budget: &mut usize) -> Vec<Word<'a>> {
    let mut out: Vec<Word<'a>> = Vec::with_capacity(words.len() + 4);
    for w in words {
        if !w.braces || out.len() >= MAX_BRACE_WORDS || *budget == 0 {
            out.push(w.clone());
            continue;
        }
        let mut texts = Vec::new();
        brace_expand(&w.text, MAX_BRACE_WORDS - out.len(), budget, &mut texts);
        // An empty word of an expansion is dropped, as bash drops it (`{+main,}` → `+main`).
        out.extend(
            texts
                .into_iter()
                .filter(|t| !t.is_empty())
                .map(|text| Word {
                    text: Cow::Owned(text),
                    braces: false,
                    ..w.clone()
                }),
        );
    }
    out
}

/// How many brace groups of one word are expanded, outermost first; a word with more is
/// pathological (the rest stay as written).
const MAX_BRACE_GROUPS: usize = 16;

/// The words bash's brace expansion makes of `text` (`a{b,c}d` → `abd acd`, `{1..3}` →
/// `1 2 3`, nested and repeated braces too), at most `limit` of them; `text` itself when it
/// holds no expansion.
fn brace_expand(text: &str, limit: usize, budget: &mut usize, out: &mut Vec<String>) {
    brace_expand_at(text, limit, MAX_BRACE_GROUPS, budget, out);
}

fn brace_expand_at(
    text: &str,
    limit: usize,
    groups: usize,
    budget: &mut usize,
    out: &mut Vec<String>,
) {
    if out.len() >= limit {
        return;
    }
    if *budget < text.len() {
        *budget = 0;
        out.push(text.to_owned());
        return;
    }
    *budget -= text.len();
    let found = if groups == 0 { None } else { first_brace(text) };
    let Some((open, close, parts)) = found else {
        out.push(text.to_owned());
        return;
    };
    let prefix = text.get(..open).unwrap_or_default();
    let suffix = text.get(close + 1..).unwrap_or_default();
    for part in parts {
        if out.len() >= limit {
            return;
        }
        brace_expand_at(
            &format!("{prefix}{part}{suffix}"),
            limit,
            groups - 1,
            budget,
            out,
        );
    }
}

/// The first `{…}` of `text` that expands (the leftmost opening brace whose pair holds a
/// comma at its own level, or is a sequence): where it opens and closes, and its
/// alternatives. One pass, with a stack of the open braces (`${…}` braces are skipped).
fn first_brace(text: &str) -> Option<(usize, usize, Vec<String>)> {
    let bytes = text.as_bytes();
    // For each open brace: where it is, the commas at its level, whether it is `${`.
    let mut stack: Vec<(usize, Vec<usize>, bool)> = Vec::new();
    let mut best: Option<(usize, usize, Vec<usize>)> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' => {
                let param = i > 0 && bytes.get(i - 1) == Some(&b'$');
                stack.push((i, Vec::new(), param));
            }
            b',' => {
                if let Some(top) = stack.last_mut() {
                    top.1.push(i);
                }
            }
            b'}' => {
                let Some((open, commas, param)) = stack.pop() else {
                    continue;
                };
                if param || best.as_ref().is_some_and(|(o, _, _)| *o < open) {
                    continue;
                }
                let inside = text.get(open + 1..i).unwrap_or_default();
                if !commas.is_empty() || sequence(inside).is_some() {
                    best = Some((open, i, commas));
                }
            }
            _ => {}
        }
    }
    let (open, close, commas) = best?;
    if commas.is_empty() {
        let parts = sequence(text.get(open + 1..close).unwrap_or_default())?;
        return Some((open, close, parts));
    }
    let mut parts = Vec::with_capacity(commas.len() + 1);
    let mut start = open + 1;
    for c in commas.into_iter().chain(std::iter::once(close)) {
        parts.push(text.get(start..c).unwrap_or_default().to_owned());
        start = c + 1;
    }
    Some((open, close, parts))
}

/// `a..e`, `1..10`, `10..1..3`: a sequence expression's words (at most [`MAX_BRACE_WORDS`]).
fn sequence(inside: &str) -> Option<Vec<String>> {
    let mut fields = inside.split("..");
    let (from, to) = (fields.next()?, fields.next()?);
    let step = match fields.next() {
        Some(s) => s.parse::<i64>().ok()?.unsigned_abs().max(1),
        None => 1,
    };
    if fields.next().is_some() {
        return None;
    }
    let step = usize::try_from(step).unwrap_or(usize::MAX);
    if let (Ok(a), Ok(b)) = (from.parse::<i64>(), to.parse::<i64>()) {
        let words: Vec<String> = if a <= b {
            (a..=b)
                .step_by(step)
                .take(MAX_BRACE_WORDS)
                .map(|n| n.to_string())
                .collect()
        } else {
            (b..=a)
                .rev()
                .step_by(step)
                .take(MAX_BRACE_WORDS)
                .map(|n| n.to_string())
                .collect()
        };
        return Some(words);
    }
    let (mut a, mut b) = (from.chars(), to.chars());
    let (Some(a), None, Some(b), None) = (a.next(), a.next(), b.next(), b.next()) else {
        return None;
    };
    if !a.is_ascii_alphabetic() || !b.is_ascii_alphabetic() {
        return None;
    }
    let (lo, hi) = (a.min(b) as u8, a.max(b) as u8);
    let mut words: Vec<String> = (lo..=hi)
        .step_by(step)
        .map(|c| char::from(c).to_string())
        .collect();
    if a > b {
        words.reverse();
    }
    Some(words)
}

/// Drops reserved words that open or close compound commands.
fn strip_reserved<'w, 'a>(words: &'w [Word<'a>]) -> &'w [Word<'a>] {
    let mut k = 0;
    while let Some(w) = words.get(k) {
        let reserved = !w.quoted && lex::is_reserved(&w.text);
        if !reserved {
            break;
        }
        k += 1;
        if w.text == "function" {
            // `function name { …`: the name is not a command.
            k += 1;
        } else if w.text == "coproc" && words.get(k + 1).is_some_and(|b| !b.quoted && b.text == "{")
        {
            // `coproc NAME { …; }`: the name is not a command either.
            k += 1;
        }
    }
    words.get(k..).unwrap_or_default()
}

/// Quotes a word for re-parsing as one shell word.
pub(super) fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,~".contains(&b))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `words` with every long option before `--` that is a unique prefix written in full
/// (`--recur` → `--recursive`, `--forc=x` → `--force=x`), or `None` when all are already.
fn full_long_options<'a>(
    words: &[Word<'a>],
    table: &crate::model::OptionTable,
) -> Option<Vec<Word<'a>>> {
    let mut out: Option<Vec<Word<'a>>> = None;
    for (k, w) in words.iter().enumerate().skip(1) {
        if w.text == "--" {
            break;
        }
        let Some(long) = w.text.strip_prefix("--") else {
            continue;
        };
        let (name, value) = match long.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (long, None),
        };
        let Some((spec, _)) = table.long(name) else {
            continue;
        };
        if spec.long == name || !spec.has_long() {
            continue;
        }
        let text = match value {
            Some(value) => format!("--{}={value}", spec.long),
            None => format!("--{}", spec.long),
        };
        let out = out.get_or_insert_with(|| words.to_vec());
        if let Some(slot) = out.get_mut(k) {
            slot.text = Cow::Owned(text);
        }
    }
    out
}

/// A process substitution `<(…)` given as a file to run: the program is what another command
/// prints.
fn is_process_substitution(word: &str) -> bool {
    word.starts_with("<(")
}

/// Whether inline code is computed when the command runs: the word that holds it starts with
/// an expansion (`python3 -c "$(curl …)"`, `node -e "$CODE"`), not quoted code that happens
/// to start with a `$` (`perl -e '$x = 1'`).
fn computed_code(words: &[Word<'_>], code: &str) -> bool {
    let start = code.trim_start();
    if !start.starts_with('$') && !start.starts_with('`') {
        return false;
    }
    words
        .iter()
        .any(|w| w.dynamic && w.text.as_bytes().as_ptr_range().contains(&code.as_ptr()))
}

/// Whether an awk program prints what it reads into a shell (`{print | "sh"}`,
/// `{print $0 | "bash"}`): the input is the program.
fn awk_pipes_input_to_a_shell(code: &str) -> bool {
    [
        "\"sh\"",
        "\"bash\"",
        "\"zsh\"",
        "\"/bin/sh\"",
        "\"/bin/bash\"",
    ]
    .iter()
    .any(|shell| {
        code.match_indices(shell).any(|(at, _)| {
            code.get(..at)
                .unwrap_or_default()
                .trim_end()
                .strip_suffix('|')
                .is_some_and(|before| {
                    let stmt = before.rsplit([';', '{']).next().unwrap_or_default();
                    stmt.contains("print") && !stmt.trim_end().ends_with('"')
                })
        })
    })
}

/// Whether an awk program runs a command it does not spell out: `system(` with an argument
/// that is not a string literal (`system($0)`, `system(cmd)`).
fn awk_runs_its_input(code: &str) -> bool {
    code.match_indices("system").any(|(at, _)| {
        let rest = code
            .get(at + "system".len()..)
            .unwrap_or_default()
            .trim_start();
        rest.strip_prefix('(')
            .is_some_and(|arg| !arg.trim_start().starts_with('"'))
    })
}

/// The commands GNU sed's scripts run (`e COMMAND`), and whether one runs the text it reads
/// (a bare `e`, the `e` flag of `s///e`). The scripts are the values of `-e`/`--expression`,
/// else the first operand.
fn sed_commands(words: &[Word<'_>]) -> (Vec<String>, bool) {
    let args = words.get(1..).unwrap_or_default();
    let mut scripts: Vec<&str> = Vec::new();
    let mut k = 0;
    let mut from_file = false;
    while let Some(w) = args.get(k) {
        let t = &*w.text;
        if t == "-e" || t == "--expression" {
            scripts.extend(args.get(k + 1).map(|w| &*w.text));
            k += 1;
        } else if let Some(v) = t.strip_prefix("--expression=") {
            scripts.push(v);
        } else if t == "-f" || t.starts_with("--file") {
            from_file = true;
        }
        k += 1;
    }
    if scripts.is_empty() && !from_file {
        scripts.extend(
            args.iter()
                .map(|w| &*w.text)
                .find(|t| !t.starts_with('-') || *t == "-"),
        );
    }
    let mut commands = Vec::new();
    let mut runs_input = false;
    for script in scripts {
        for command in script.split(['\n', ';']) {
            let rest = sed_skip_address(command);
            if let Some(after) = rest.strip_prefix('e') {
                let after = after.trim();
                if after.is_empty() {
                    runs_input = true;
                } else {
                    commands.push(after.to_owned());
                }
            } else if let Some(after) = rest.strip_prefix('s')
                && let Some(delim) = after.chars().next()
                && delim != '\\'
                && delim != '\n'
            {
                // `s/PAT/REP/FLAGS`: the flags follow the third delimiter.
                let flags = after.split(delim).nth(3).unwrap_or_default();
                if flags.contains('e') {
                    runs_input = true;
                }
            }
        }
    }
    (commands, runs_input)
}

/// A sed command without its address (`1`, `$`, `/re/`, `1,5`, `!`).
fn sed_skip_address(command: &str) -> &str {
    let mut rest = command.trim_start();
    loop {
        let before = rest.len();
        rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || "$,!~+ ".contains(c));
        if let Some(re) = rest.strip_prefix('/') {
            rest = re.split_once('/').map_or("", |(_, r)| r);
        }
        if rest.len() == before {
            return rest;
        }
    }
}

/// A function's body with its positional parameters replaced by the call's (already quoted)
/// arguments: `"$@"`, `$@`, `"$*"`, `$*`, `${N}`, `"$N"`, `$N` (N from 1 to 9).
fn with_arguments(body: &str, args: &[String]) -> String {
    let all = args.join(" ");
    let mut out = body
        .replace("\"$@\"", &all)
        .replace("$@", &all)
        .replace("\"$*\"", &all)
        .replace("$*", &all);
    for n in (1..=9).rev() {
        let value = args.get(n - 1).map_or("", String::as_str);
        out = out
            .replace(&format!("\"${{{n}}}\""), value)
            .replace(&format!("${{{n}}}"), value)
            .replace(&format!("\"${n}\""), value)
            .replace(&format!("${n}"), value);
    }
    out
}

/// `path` read from inside `dir` (joined, `.` and `..` resolved).
pub(super) fn under_folder(dir: &str, path: &str) -> String {
    let joined = format!("{}/{path}", dir.trim_end_matches('/'));
    crate::path::clean_path(&joined).unwrap_or(joined)
}

/// A crontab line that sets a variable (`MAILTO=x`, `SHELL=/bin/bash`).
fn is_assignment_line(line: &str) -> bool {
    line.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// A path that names the process's own standard input.
fn names_stdin(word: &str) -> bool {
    matches!(
        word,
        "-" | "/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0" | "/proc/$$/fd/0"
    )
}

/// Splits a string into words like the shell would (for `env -S`).
fn split_words(s: &str) -> Vec<Word<'static>> {
    lex::lex(s)
        .tokens
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(w.into_owned()),
            _ => None,
        })
        .collect()
}

/// What a filter in a pipeline makes of the list of paths `find` prints: the same list
/// (`sort`, `uniq`, `head`, `tr`, `sed`, …), or the paths a `grep` picks, as a test of find (`grep
/// cache` is `-path *cache*`, `grep -v keep` is `! -path *keep*`); `None` for any other
/// command, or a grep of files.
fn paths_filtered(words: &[Word<'_>], mut find: Vec<Word<'static>>) -> Option<Vec<Word<'static>>> {
    let start = words.iter().take_while(|w| w.assignment).count();
    let name = command_name(&words.get(start)?.text);
    let args = words.get(start + 1..).unwrap_or_default();
    match &*name {
        // The same paths, in another order or separated otherwise (`tr '\n' '\0'`); what
        // `sed` or `awk` make of them is still read as the list they were given.
        "sort" | "uniq" | "tac" | "head" | "tail" | "shuf" | "tee" | "cat" | "tr" | "sed"
        | "awk" | "gawk" | "mawk" | "cut" | "rev" => Some(find),
        "grep" | "egrep" | "fgrep" => {
            let mut invert = false;
            let mut pattern = None;
            let mut operands = 0;
            let mut k = 0;
            while let Some(w) = args.get(k) {
                k += 1;
                let t = &*w.text;
                if t == "-e" || t == "--regexp" {
                    pattern = pattern.or_else(|| args.get(k).map(|p| p.text.to_string()));
                    k += 1;
                } else if let Some(long) = t.strip_prefix("--") {
                    invert |= long == "invert-match";
                } else if t.len() > 1 && t.starts_with('-') {
                    invert |= t.contains('v');
                } else if pattern.is_none() {
                    pattern = Some(t.to_owned());
                } else {
                    operands += 1;
                }
            }
            let pattern = pattern?;
            if operands > 0 {
                return None;
            }
            if invert {
                find.push(Word::plain("!"));
            }
            find.push(Word::plain("-path"));
            find.push(Word::plain(format!("*{pattern}*")));
            Some(find)
        }
        _ => None,
    }
}

/// A PowerShell or cmd script made ready for the POSIX lexer: their backslash is a plain
/// character (`C:\\Users\\alice`), so each one outside single quotes is doubled, which
/// that lexer reads back as one.
fn literal_backslashes(script: &str) -> Cow<'_, str> {
    if !script.contains('\\') {
        return Cow::Borrowed(script);
    }
    let mut out = String::with_capacity(script.len() + 8);
    let (mut single, mut double) = (false, false);
    for c in script.chars() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '\\' if !single => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// Whether a word is an absolute path (or one from the home folder) with white space in
/// it: `/Users/John Smith`, `C:\\Users\\Jo Li`, `~/My Documents`.
fn is_spaced_path(text: &str) -> bool {
    if !text.contains(char::is_whitespace) {
        return false;
    }
    let b = text.as_bytes();
    text.starts_with(['/', '~'])
        || text.starts_with("$HOME")
        || text.starts_with("${HOME}")
        || (b.first().is_some_and(u8::is_ascii_alphabetic)
            && b.get(1) == Some(&b':')
            && matches!(b.get(2), Some(b'\\' | b'/')))
}

/// The last path component of a command word (`/usr/bin/git` → `git`). Words with expansions
/// are left alone.
fn basename(word: &str) -> &str {
    // One pass: the last `/` (or Windows's `\\`), unless an expansion shows up.
    let mut slash = None;
    for (i, &b) in word.as_bytes().iter().enumerate() {
        let class = lex::class(b);
        if class & (lex::EXPANSION | lex::SLASH) != 0 || b == b'\\' {
            if class & lex::EXPANSION != 0 {
                return word;
            }
            slash = Some(i);
        }
    }
    match slash {
        Some(i) => match word.get(i + 1..) {
            Some(base) if !base.is_empty() => base,
            _ => word,
        },
        None => word,
    }
}

/// The name a command word runs: its [`basename`], and on Windows spellings without `.exe`
/// and in lower case (`C:\\Git\\cmd\\GIT.EXE` → `git`).
fn command_name(word: &str) -> Cow<'_, str> {
    let base = basename(word);
    match base
        .len()
        .checked_sub(4)
        .and_then(|n| Some((base.get(..n)?, base.get(n..)?)))
    {
        Some((stem, ext)) if !stem.is_empty() && ext.eq_ignore_ascii_case(".exe") => {
            if stem.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(stem.to_ascii_lowercase())
            } else {
                Cow::Borrowed(stem)
            }
        }
        // macOS and Windows file systems find `GIT` or `Rm` as git and rm: the programs the
        // gates name are read in lower case.
        _ if base.bytes().any(|b| b.is_ascii_uppercase())
            && CASE_FOLDED.iter().any(|n| n.eq_ignore_ascii_case(base)) =>
        {
            Cow::Owned(base.to_ascii_lowercase())
        }
        _ => Cow::Borrowed(base),
    }
}

/// The programs a command name in another case still runs on a case-insensitive file system,
/// read in lower case: those the default gates and the normaliser reason about.
const CASE_FOLDED: &[&str] = &[
    "git", "rm", "rmdir", "chmod", "chown", "chgrp", "find", "dd", "mv", "cp", "ln", "tee",
    "truncate", "shred", "unlink", "sudo", "doas", "env", "xargs", "sh", "bash", "zsh", "dash",
    "ksh", "fish", "curl", "wget", "python", "python3", "node", "perl", "ruby", "eval", "parallel",
    "rsync", "sed", "diskutil", "mkfs", "wipefs", "sfdisk", "gh", "nohup", "timeout", "nice",
    "ionice", "watch", "time", "command", "exec", "stdbuf", "setsid", "flock", "script", "chrt",
    "taskset", "busybox",
];

/// Where the command wrapped in `words` starts, following wrappers that skip to it.
fn unwrapped_start(words: &[Word<'_>]) -> usize {
    let mut i = 0;
    for _ in 0..16 {
        while words.get(i).is_some_and(|w| w.assignment) {
            i += 1;
        }
        match words
            .get(i)
            .and_then(|w| wrapper_skip(&command_name(&w.text), words, i))
        {
            Some(Unwrap::Skip(n) | Unwrap::Fanout { start: n, .. }) if n > i => i = n,
            _ => break,
        }
    }
    i
}

/// A path argument with `.` or `..` components, resolved lexically (`/tmp/../etc` → `/etc`);
/// URLs and words without such components are left alone.
fn resolved(word: &str) -> Option<String> {
    // Each of `/..`, `/./` and a final `/.` holds `/.`: one pass over the bytes rejects the
    // everyday word (this runs for every word of every command).
    if !word
        .as_bytes()
        .windows(2)
        .any(|w| matches!(w, [b'/', b'.']))
    {
        return None;
    }
    let has_dots = word.contains("/..") || word.contains("/./") || word.ends_with("/.");
    if !has_dots || word.contains("://") {
        return None;
    }
    clean_path(word)
}

#[cfg(test)]
mod tests {
    // The behaviour of the normaliser is data: tests/data/normalize.toml. What stays here is
    // the shape of its output.
    use super::*;

    #[test]
    fn a_command_keeps_its_words() {
        let n = normalize(
            r#"/usr/bin/git commit -m "a b" '' x && ls -l"#,
            &NormalizeOptions::default(),
        );
        let [commit, ls] = n.commands() else {
            panic!("{n:?}")
        };
        // The empty argument reads as the shell writes it, so no two spaces meet.
        assert_eq!(commit.words(), ["git", "commit", "-m", "a b", "''", "x"]);
        assert_eq!(commit.text(), "git commit -m a b '' x");
        assert_eq!(commit.precise_text(), "git commit -m <data> '' x");
        assert_eq!(commit.name(), Some("git"));
        assert_eq!(
            (0..7).map(|i| commit.is_data(i)).collect::<Vec<_>>(),
            [false, false, false, true, false, false, false]
        );
        // Without a word holding a space the words are the text split at spaces.
        assert_eq!(ls.words(), ["ls", "-l"]);
        assert_eq!(ls.name(), Some("ls"));
        assert!(!ls.is_data(0) && !ls.is_data(1));
        let empty = normalize("'' x", &NormalizeOptions::default());
        assert_eq!(empty.commands()[0].words(), ["", "x"]);
        // The words built on first use are not part of equality or of the debug form.
        let fresh = normalize(
            r#"/usr/bin/git commit -m "a b" '' x && ls -l"#,
            &NormalizeOptions::default(),
        );
        assert_eq!(fresh, n);
        assert_eq!(format!("{fresh:?}"), format!("{n:?}"));
        assert!(format!("{n:?}").contains(r#"words: ["git", "commit", "-m", "a b", "''", "x"]"#));
        assert!(format!("{n:?}").contains("data: [false, false]"), "{n:?}");
        let other = normalize("git commit -m a b '' x", &NormalizeOptions::default());
        assert_ne!(other.commands()[0], n.commands()[0]);
    }

    #[test]
    fn depth_is_limited() {
        let mut cmd = "git reset --hard".to_owned();
        for _ in 0..12 {
            cmd = format!("bash -c {}", shell_quote(&cmd));
        }
        let n = normalize(&cmd, &NormalizeOptions::default());
        assert!(n.depth_exceeded());
        let n = normalize(&cmd, &NormalizeOptions::default().max_depth(20));
        assert!(!n.depth_exceeded());
        assert_eq!(
            n.commands().last().map(SimpleCommand::text),
            Some("git reset --hard")
        );
    }

    #[test]
    fn windows_command_names_lose_exe_and_case() {
        assert_eq!(command_name(r"C:\Git\cmd\GIT.EXE"), "git");
        assert_eq!(command_name("rm.exe"), "rm");
        assert_eq!(command_name(".exe"), ".exe");
        assert_eq!(command_name("/usr/bin/git"), "git");
    }
}
