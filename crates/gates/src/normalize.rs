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
//! - `bash|sh|zsh|… -c STRING`, `eval ARGS`, `su -c STRING`, `env -S STRING`, `watch STRING`,
//!   `ssh HOST COMMAND…`, `find … -exec COMMAND ;`, `xargs COMMAND` and here-documents or
//!   here-strings fed to a shell are unwrapped and normalised in turn;
//! - inline interpreter code (`python -c`, `node -e`, `perl -e`, `ruby -e`, `php -r`, …, and
//!   here-documents fed to an interpreter) is scanned for string literals, and each literal (and
//!   each list of adjacent literals, as in `["git", "reset", "--hard"]`) is normalised as a
//!   command;
//! - wrappers are stripped (`sudo`, `doas`, `env`, `command`, `builtin`, `nohup`, `time`,
//!   `timeout`, `nice`, `ionice`, `stdbuf`, `setsid`, `exec`, `xargs`, `flock`, … with their
//!   options), as are `VAR=value` prefixes;
//! - quotes and escapes are removed, and a command path becomes its basename
//!   (`/usr/bin/git` → `git`).
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
//! assert_eq!(texts, ["cd repo", "git reset --hard"]);
//!
//! let n = normalize(r#"git commit -m "never git reset --hard" && echo x >> .env"#, &NormalizeOptions::default());
//! assert_eq!(n.commands()[0].precise_text(), "git commit -m <data>");
//! assert_eq!(n.writes(), [".env"]);
//! ```

use std::fmt;
use std::sync::OnceLock;

use crate::lex::{self, Lexed, Redirect, Token, Word};

/// What [`SimpleCommand::precise_text`] shows in place of a data word.
pub const DATA_PLACEHOLDER: &str = "<data>";

/// The last word of a shell or interpreter command whose program comes from a pipe or a file
/// (`curl … | bash`, `python3 < x.py`): the gate cannot see what it runs.
pub const STDIN_PROGRAM: &str = "<stdin>";

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

    /// The words joined by single spaces with data words replaced by [`DATA_PLACEHOLDER`]: what
    /// the precise `command` match mode matches, anchored at its start.
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
    depth_exceeded: bool,
    truncated: bool,
}

impl Normalized {
    /// Every simple command, in the order a reader meets them.
    #[must_use]
    pub fn commands(&self) -> &[SimpleCommand] {
        &self.commands
    }

    /// Paths the command writes, truncates, moves onto or deletes.
    #[must_use]
    pub fn writes(&self) -> &[String] {
        &self.writes
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
}

/// Normalises a Bash command string into the simple commands it executes.
#[must_use]
pub fn normalize(command: &str, options: &NormalizeOptions) -> Normalized {
    let mut n = Normalizer {
        options,
        out: Normalized::default(),
    };
    n.script(command, 0, Origin::Shell);
    n.out
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
    out: Normalized,
}

const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "yash", "busybox", "rbash",
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
        let mut tokens = tokens.into_iter().peekable();
        while let Some(token) = tokens.next() {
            match token {
                Token::Word(w) => raw.words.push(w),
                Token::Redirect(kind) => {
                    let target = match tokens.peek() {
                        Some(Token::Word(_)) => match tokens.next() {
                            Some(Token::Word(w)) => w,
                            _ => Word::default(),
                        },
                        _ => Word::default(),
                    };
                    raw.redirects.push((kind, target));
                }
                Token::Separator => {
                    self.finish(&mut raw, lexed, depth, origin);
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
                        tokens.next();
                        raw.words.clear();
                    } else {
                        self.finish(&mut raw, lexed, depth, origin);
                    }
                }
                Token::Close => {
                    if paren_depth > 0 {
                        paren_depth -= 1;
                        self.finish(&mut raw, lexed, depth, origin);
                    } else {
                        // A `case` pattern such as `start|stop)`: not a command. Its
                        // alternatives were split at `|`, so the last one is all that is left.
                        self.substitutions_of(&raw, lexed, depth, origin);
                        raw.clear();
                    }
                }
            }
        }
        self.finish(&mut raw, lexed, depth, origin);
    }

    /// Normalises the command substitutions found in a raw command's words and redirections.
    fn substitutions_of(&mut self, raw: &Raw<'_>, lexed: &Lexed<'_>, depth: usize, origin: Origin) {
        let words = raw.words.iter().chain(raw.redirects.iter().map(|(_, w)| w));
        for word in words {
            for sub in lexed.substitutions_of(word) {
                self.script(sub, depth + 1, origin);
            }
        }
    }

    /// Normalises the command collected in `raw`, and empties it.
    fn finish(&mut self, raw: &mut Raw<'_>, lexed: &Lexed<'_>, depth: usize, origin: Origin) {
        if !raw.words.is_empty() || !raw.redirects.is_empty() {
            self.command(raw, lexed, depth, origin);
        }
        raw.clear();
    }

    fn command(&mut self, raw: &Raw<'_>, lexed: &Lexed<'_>, depth: usize, origin: Origin) {
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
        self.interpret(raw, lexed, depth, origin);
    }

    fn write_target(&mut self, target: &str) {
        if !target.is_empty() && !WRITE_SINKS.contains(&target) {
            self.out.writes.push(target.to_owned());
        }
    }

    /// The paths that copying, moving or linking `sources` into `dest` writes when `dest` is a
    /// folder (`cp x .claude/` writes `.claude/x`): the normaliser cannot know whether it is
    /// one, so both readings are listed, unless `-T` (`--no-target-directory`) says it is not.
    fn sources_into(&mut self, name: &str, args: &[&str], sources: &[&str], dest: &str) {
        let no_target_dir = matches!(name, "cp" | "mv" | "install" | "ln")
            && args
                .iter()
                .any(|a| *a == "--no-target-directory" || is_short_flag(a, 'T'));
        if no_target_dir || WRITE_SINKS.contains(&dest) {
            return;
        }
        let dir = dest.trim_end_matches('/');
        for source in sources {
            if let Some(base) = source.rsplit('/').find(|c| !c.is_empty()) {
                self.write_target(&format!("{dir}/{base}"));
            }
        }
    }

    /// What is fed to the command's standard input, if the gate can see it.
    fn stdin_text<'l>(raw: &'l Raw<'_>, lexed: &'l Lexed<'_>) -> Option<&'l str> {
        raw.redirects
            .iter()
            .rev()
            .find_map(|(kind, target)| match kind {
                Redirect::HereDoc(i) => lexed.heredocs.get(*i).map(|d| d.body.as_str()),
                Redirect::HereString => Some(&*target.text),
                _ => None,
            })
    }

    fn interpret<'a>(&mut self, raw: &Raw<'a>, lexed: &Lexed<'_>, depth: usize, origin: Origin) {
        // The words after `env -S` splits a string, when it does.
        let mut split: Vec<Word<'a>>;
        // Reserved words that only introduce or close a compound command.
        let mut words: &[Word<'a>] = strip_reserved(&raw.words);
        if let Some(first) = words.first()
            && !first.quoted
            && matches!(&*first.text, "for" | "select" | "case")
        {
            // `for x in a b c`, `case $x in`: a header, nothing runs (substitutions in it
            // were normalised already).
            return;
        }
        let mut i = 0;
        // Unwrap wrappers and assignments until the real command name.
        let mut guard = 0;
        loop {
            guard += 1;
            if guard > 64 {
                break;
            }
            while words.get(i).is_some_and(|w| w.assignment) {
                i += 1;
            }
            let Some(word) = words.get(i) else {
                return;
            };
            let unwrap = wrapper_skip(basename(&word.text), words, i);
            match unwrap {
                Some(Unwrap::Skip(next)) => i = next,
                Some(Unwrap::Script(text)) => {
                    self.script(&text, depth + 1, origin);
                    return;
                }
                Some(Unwrap::Argv(next)) => {
                    // The rest is a command's argv with no shell re-parsing (env -S splits it
                    // into words first).
                    let mut argv: Vec<Word<'a>> = match words.get(next) {
                        Some(w) => split_words(&w.text),
                        None => Vec::new(),
                    };
                    argv.extend(words.get(next + 1..).unwrap_or_default().iter().cloned());
                    split = argv;
                    words = &split;
                    i = 0;
                }
                None => break,
            }
        }
        let words = words.get(i..).unwrap_or_default();
        let Some(first) = words.first() else {
            return;
        };
        let name = basename(&first.text);

        if SHELLS.contains(&name) {
            if self.shell(name, words, raw, lexed, depth, origin) {
                return;
            }
        } else if name == "eval" {
            let args = words.get(1..).unwrap_or_default();
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
        } else if let Some(code_flags) = interpreter_code_flags(name) {
            self.writes_of(name, words);
            if let Some(code) = inline_code(words, code_flags) {
                self.push(words, None, depth, origin);
                self.inline_code(code, depth + 1);
            } else if script_operand(words).is_none() {
                if let Some(code) = Self::stdin_text(raw, lexed) {
                    self.push(words, None, depth, origin);
                    self.inline_code(code, depth + 1);
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
            self.find_exec(words, depth, origin);
            return;
        }
        if is_writer(name) {
            self.writes_of(name, words);
        }
        self.push(words, None, depth, origin);
    }

    /// A shell: unwrap `-c STRING`, or a here-document or here-string it reads. Returns whether
    /// it was unwrapped (and so needs no entry of its own).
    fn shell(
        &mut self,
        name: &str,
        argv: &[Word<'_>],
        raw: &Raw<'_>,
        lexed: &Lexed<'_>,
        depth: usize,
        origin: Origin,
    ) -> bool {
        let mut j = 1;
        // `busybox sh -c …`.
        if name == "busybox" {
            match argv.get(1).map(|w| basename(&w.text)) {
                Some(n) if SHELLS.contains(&n) && n != "busybox" => j = 2,
                _ => return false,
            }
        }
        let mut command_string = false;
        let mut reads_stdin = false;
        while let Some(w) = argv.get(j) {
            let t = &*w.text;
            if t == "--" || t == "-" {
                j += 1;
                break;
            }
            if let Some(long) = t.strip_prefix("--") {
                if long == "command" {
                    command_string = true;
                }
                j += 1;
                continue;
            }
            if let Some(flags) = t.strip_prefix('-').or_else(|| t.strip_prefix('+')) {
                if flags.is_empty() {
                    break;
                }
                if flags.contains('c') {
                    command_string = true;
                }
                if flags.contains('s') {
                    reads_stdin = true;
                }
                // `-o option` and `-O option` take an argument.
                j += if flags.ends_with('o') || flags.ends_with('O') {
                    2
                } else {
                    1
                };
                continue;
            }
            break;
        }
        if command_string {
            if let Some(w) = argv.get(j) {
                self.script(&w.text, depth + 1, origin);
            }
            return true;
        }
        if reads_stdin || argv.get(j).is_none() {
            // No script file (or `-s`): the shell runs what comes on standard input.
            if let Some(body) = Self::stdin_text(raw, lexed) {
                self.script(body, depth + 1, origin);
                return true;
            }
            if raw.stdin_unseen() {
                self.push(argv, Some(STDIN_PROGRAM), depth, origin);
                return true;
            }
        }
        false
    }

    /// `find … -exec CMD … ;`: the find itself (all its words) plus each executed command.
    fn find_exec(&mut self, words: &[Word<'_>], depth: usize, origin: Origin) {
        let argv = words;
        let mut k = 0;
        while let Some(w) = argv.get(k) {
            k += 1;
            if !matches!(&*w.text, "-exec" | "-execdir" | "-ok" | "-okdir") {
                continue;
            }
            let mut end = k;
            while argv
                .get(end)
                .is_some_and(|w| w.text != ";" && w.text != "+")
            {
                end += 1;
            }
            let inner = argv.get(k..end).unwrap_or_default();
            if depth < self.options.max_depth {
                if let Some(first) = inner.first() {
                    self.writes_of(basename(&first.text), inner);
                }
                self.push(inner, None, depth + 1, origin);
            } else {
                self.out.depth_exceeded = true;
            }
            k = end + 1;
        }
        self.push(words, None, depth, origin);
    }

    /// Code given to an interpreter: every string literal (and every run of adjacent literals)
    /// is normalised as a shell command.
    fn inline_code(&mut self, code: &str, depth: usize) {
        if depth > self.options.max_depth {
            self.out.depth_exceeded = true;
            return;
        }
        for candidate in code_literals(code) {
            self.script(&candidate, depth, Origin::InlineCode);
        }
    }

    /// Records the paths that the command `name` with `argv` writes or deletes.
    fn writes_of(&mut self, name: &str, argv: &[Word<'_>]) {
        let rest = argv.get(1..).unwrap_or_default();
        // The arguments as string slices: on the stack for the usual few, else on the heap.
        let mut stack = [""; 16];
        let heap: Vec<&str>;
        let args: &[&str] = if rest.len() <= stack.len() {
            for (slot, w) in stack.iter_mut().zip(rest) {
                *slot = &w.text;
            }
            stack.get(..rest.len()).unwrap_or_default()
        } else {
            heap = rest.iter().map(|w| &*w.text).collect();
            &heap
        };
        let ops_list = || operands(args, options_with_argument(name));
        match name {
            "tee" | "rm" | "unlink" | "shred" | "touch" | "rmdir" | "truncate" => {
                for p in ops_list() {
                    self.write_target(p);
                }
            }
            "cp" | "mv" | "install" | "ln" | "rsync" | "scp" => {
                let ops = ops_list();
                // `install -d DIR…` creates every operand.
                if name == "install"
                    && args
                        .iter()
                        .any(|a| *a == "--directory" || is_short_flag(a, 'd'))
                {
                    for p in &ops {
                        self.write_target(p);
                    }
                    return;
                }
                // `-t DIR` (GNU's cp, mv, install, ln; rsync's `-t` keeps times) names the
                // destination folder, and every operand is a source.
                let target_dir = match name {
                    "cp" | "mv" | "install" | "ln" => {
                        option_value(args, &["-t", "--target-directory"])
                    }
                    _ => None,
                };
                let (sources, dest) = match (target_dir, ops.split_last()) {
                    (Some(dir), _) => (ops.as_slice(), dir),
                    (None, Some((last, rest))) if !rest.is_empty() => (rest, *last),
                    _ => return,
                };
                self.write_target(dest);
                self.sources_into(name, args, sources, dest);
                // A moved file is deleted where it was.
                if name == "mv" {
                    for p in sources {
                        self.write_target(p);
                    }
                }
            }
            "chmod" | "chown" | "chgrp" => {
                for p in mode_operands(name, args) {
                    self.write_target(p);
                }
            }
            "sed" | "perl" => {
                let in_place = args.iter().any(|a| {
                    *a == "--in-place" || a.starts_with("--in-place=") || is_short_flag(a, 'i')
                });
                if in_place {
                    let has_script_option =
                        option_value(args, &["-e", "--expression", "-f", "--file"]).is_some();
                    let skip = usize::from(!has_script_option);
                    for p in ops_list().iter().skip(skip) {
                        self.write_target(p);
                    }
                }
            }
            "dd" => {
                for a in args {
                    if let Some(p) = a.strip_prefix("of=") {
                        self.write_target(p);
                    }
                }
            }
            "curl" => {
                if let Some(p) = option_value(args, &["-o", "--output"]) {
                    self.write_target(p);
                }
            }
            "wget" => {
                if let Some(p) = option_value(args, &["-O", "--output-document"]) {
                    self.write_target(p);
                }
            }
            "git" => {
                // `git rm PATH…`, `git mv SRC DST`: after the global options.
                let sub = git_subcommand(args);
                match sub {
                    Some(("rm", rest)) => {
                        for p in operands(rest, &[]) {
                            self.write_target(p);
                        }
                    }
                    Some(("mv", rest)) => {
                        let ops = operands(rest, &[]);
                        if let Some((dest, sources)) = ops.split_last()
                            && !sources.is_empty()
                        {
                            self.write_target(dest);
                            self.sources_into("git mv", rest, sources, dest);
                            for p in sources {
                                self.write_target(p);
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
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
            let t = if k == 0 {
                // The command name: its basename.
                basename(t)
            } else {
                text.push(' ');
                t
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
                out.push_str(if span.data {
                    DATA_PLACEHOLDER
                } else {
                    text.get(start..span.end).unwrap_or_default()
                });
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

/// Drops reserved words that open or close compound commands.
fn strip_reserved<'w, 'a>(words: &'w [Word<'a>]) -> &'w [Word<'a>] {
    let mut k = 0;
    while let Some(w) = words.get(k) {
        let reserved = !w.quoted
            && matches!(
                &*w.text,
                "if" | "then"
                    | "elif"
                    | "else"
                    | "fi"
                    | "do"
                    | "done"
                    | "while"
                    | "until"
                    | "!"
                    | "{"
                    | "}"
                    | "esac"
                    | "coproc"
                    | "function"
            );
        if !reserved {
            break;
        }
        k += 1;
        if w.text == "function" {
            // `function name { …`: the name is not a command.
            k += 1;
        }
    }
    words.get(k..).unwrap_or_default()
}

/// How a wrapper continues.
enum Unwrap {
    /// The real command starts at this word index.
    Skip(usize),
    /// The command is the shell script in this text (e.g. `su -c STRING`, `watch STRING`).
    Script(String),
    /// `env -S STRING`: the word at this index is split into the new argv.
    Argv(usize),
}

/// If `name` (the word at `i`) is a wrapper, where the wrapped command starts.
fn wrapper_skip(name: &str, words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    let text = |k: usize| words.get(k).map(|w| &*w.text);
    // Skips options; `with_arg` lists options that take a separate argument. Returns the index
    // of the first operand.
    let skip_options = |mut k: usize, with_arg: &[&str], stop_at_operand: bool| -> usize {
        while let Some(t) = text(k) {
            if t == "--" {
                return k + 1;
            }
            if t.starts_with('-') && t.len() > 1 {
                k += if with_arg.contains(&t) { 2 } else { 1 };
                continue;
            }
            if stop_at_operand {
                break;
            }
            k += 1;
        }
        k
    };
    match name {
        "sudo" => Some(Unwrap::Skip(skip_options(
            i + 1,
            &[
                "-u",
                "-g",
                "-C",
                "-D",
                "-h",
                "-p",
                "-r",
                "-t",
                "-U",
                "-T",
                "-R",
                "--user",
                "--group",
                "--host",
                "--prompt",
                "--role",
                "--type",
                "--other-user",
                "--chdir",
                "--chroot",
                "--close-from",
                "--command-timeout",
            ],
            true,
        ))),
        "doas" => Some(Unwrap::Skip(skip_options(i + 1, &["-u", "-C"], true))),
        "command" => {
            let lookup = words
                .get(i + 1..)
                .unwrap_or_default()
                .iter()
                .take_while(|w| w.text.starts_with('-'))
                .any(|w| w.text.contains('v') || w.text.contains('V'));
            if lookup {
                None
            } else {
                Some(Unwrap::Skip(skip_options(i + 1, &[], true)))
            }
        }
        "builtin" | "nohup" | "setsid" | "unbuffer" | "chronic" | "caffeinate" | "catchsegv" => {
            Some(Unwrap::Skip(skip_options(i + 1, &[], true)))
        }
        "time" => Some(Unwrap::Skip(skip_options(
            i + 1,
            &["-f", "-o", "--format", "--output"],
            true,
        ))),
        "nice" => Some(Unwrap::Skip(skip_options(
            i + 1,
            &["-n", "--adjustment"],
            true,
        ))),
        "ionice" => Some(Unwrap::Skip(skip_options(
            i + 1,
            &["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"],
            true,
        ))),
        "stdbuf" => Some(Unwrap::Skip(skip_options(
            i + 1,
            &["-i", "-o", "-e", "--input", "--output", "--error"],
            true,
        ))),
        "chrt" | "taskset" => {
            // `taskset MASK cmd`, `chrt PRIO cmd`: one operand before the command.
            let k = skip_options(i + 1, &["-p"], true);
            Some(Unwrap::Skip(k + 1))
        }
        "timeout" => {
            let k = skip_options(i + 1, &["-s", "-k", "--signal", "--kill-after"], true);
            Some(Unwrap::Skip(k + 1))
        }
        "exec" => Some(Unwrap::Skip(skip_options(i + 1, &["-a"], true))),
        "xargs" => Some(Unwrap::Skip(skip_options(
            i + 1,
            &[
                "-I",
                "-n",
                "-P",
                "-L",
                "-d",
                "-E",
                "-s",
                "-a",
                "--max-args",
                "--max-procs",
                "--max-lines",
                "--delimiter",
                "--eof",
                "--max-chars",
                "--arg-file",
                "--replace",
            ],
            true,
        ))),
        "env" => {
            let mut k = i + 1;
            while let Some(t) = text(k) {
                if t == "-S" || t == "--split-string" {
                    return Some(Unwrap::Argv(k + 1));
                }
                if let Some(rest) = t.strip_prefix("--split-string=") {
                    let _ = rest;
                    return Some(Unwrap::Argv(k));
                }
                if t == "--" {
                    k += 1;
                    break;
                }
                if matches!(t, "-u" | "-C" | "--unset" | "--chdir") {
                    k += 2;
                    continue;
                }
                if t.starts_with('-') && t.len() > 1 {
                    k += 1;
                    continue;
                }
                break;
            }
            Some(Unwrap::Skip(k))
        }
        "su" => {
            let mut k = i + 1;
            while let Some(t) = text(k) {
                if t == "-c" || t == "--command" {
                    return text(k + 1).map(|s| Unwrap::Script(s.to_owned()));
                }
                if let Some(cmd) = t.strip_prefix("--command=") {
                    return Some(Unwrap::Script(cmd.to_owned()));
                }
                k += 1;
            }
            None
        }
        "watch" => {
            let k = skip_options(i + 1, &["-n", "-d", "--interval", "--differences"], true);
            let rest: Vec<&str> = words
                .get(k..)
                .unwrap_or_default()
                .iter()
                .map(|w| &*w.text)
                .collect();
            if rest.is_empty() {
                None
            } else {
                Some(Unwrap::Script(rest.join(" ")))
            }
        }
        "flock" => {
            // `flock [opts] FILE -c CMD` or `flock [opts] FILE CMD…`.
            let mut k = i + 1;
            while let Some(t) = text(k) {
                if t == "-c" || t == "--command" {
                    return text(k + 1).map(|s| Unwrap::Script(s.to_owned()));
                }
                if t.starts_with('-') {
                    k += if matches!(t, "-w" | "-E" | "--timeout" | "--conflict-exit-code") {
                        2
                    } else {
                        1
                    };
                    continue;
                }
                break;
            }
            if let Some(t) = text(k + 1) {
                if t == "-c" || t == "--command" {
                    return text(k + 2).map(|s| Unwrap::Script(s.to_owned()));
                }
                return Some(Unwrap::Skip(k + 1));
            }
            None
        }
        "ssh" => {
            let k = skip_options(
                i + 1,
                &[
                    "-p", "-i", "-l", "-o", "-F", "-J", "-L", "-R", "-D", "-b", "-c", "-e", "-m",
                    "-O", "-Q", "-S", "-W", "-w", "-E", "-B", "-I",
                ],
                true,
            );
            // words[k] is the host; the rest is a command line run by the remote shell.
            let rest: Vec<&str> = words
                .get(k + 1..)
                .unwrap_or_default()
                .iter()
                .map(|w| &*w.text)
                .collect();
            if rest.is_empty() {
                None
            } else {
                Some(Unwrap::Script(rest.join(" ")))
            }
        }
        _ => None,
    }
}

/// Commands whose writes [`Normalizer::writes_of`] knows.
fn is_writer(name: &str) -> bool {
    matches!(
        name,
        "tee"
            | "rm"
            | "unlink"
            | "shred"
            | "touch"
            | "rmdir"
            | "truncate"
            | "cp"
            | "mv"
            | "install"
            | "ln"
            | "rsync"
            | "scp"
            | "chmod"
            | "chown"
            | "chgrp"
            | "sed"
            | "perl"
            | "dd"
            | "curl"
            | "wget"
            | "git"
    )
}

/// Interpreters and the flags that take inline code.
fn interpreter_code_flags(name: &str) -> Option<&'static [&'static str]> {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    match base {
        "python" | "pypy" => Some(&["-c"]),
        "node" | "nodejs" | "bun" => Some(&["-e", "--eval", "-p", "--print"]),
        "deno" => Some(&["eval"]),
        "perl" => Some(&["-e", "-E"]),
        "ruby" | "lua" | "luajit" | "osascript" => Some(&["-e"]),
        "php" => Some(&["-r"]),
        "Rscript" => Some(&["-e"]),
        _ => None,
    }
}

/// The inline code of an interpreter call, if any.
fn inline_code<'w>(argv: &'w [Word<'_>], flags: &[&str]) -> Option<&'w str> {
    let mut k = 1;
    while let Some(w) = argv.get(k) {
        let t = &*w.text;
        if flags.contains(&t) {
            return argv.get(k + 1).map(|w| &*w.text);
        }
        // Combined short flags ending in the code flag: `python3 -Bc CODE`, `perl -ne CODE`.
        if t.len() > 2
            && t.starts_with('-')
            && !t.starts_with("--")
            && let Some(last) = t.chars().last()
            && flags.iter().any(|f| f.len() == 2 && f.ends_with(last))
        {
            return argv.get(k + 1).map(|w| &*w.text);
        }
        // `perl -e'code'`, `ruby -e'code'`: flag and code in one word.
        for f in flags {
            if f.len() == 2
                && let Some(code) = t.strip_prefix(f)
                && !code.is_empty()
                && !code.starts_with('-')
            {
                return Some(code);
            }
        }
        if !t.starts_with('-') && !flags.contains(&t) {
            return None;
        }
        k += 1;
    }
    None
}

/// The script file operand of an interpreter call, if any (first non-option word).
fn script_operand<'w>(argv: &'w [Word<'_>]) -> Option<&'w str> {
    argv.get(1..)
        .unwrap_or_default()
        .iter()
        .map(|w| &*w.text)
        .find(|t| !t.starts_with('-'))
}

/// String literals in code, and runs of adjacent literals joined by spaces.
fn code_literals(code: &str) -> Vec<String> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut run: Vec<String> = Vec::new();
    let mut i = 0;
    // Whether only separators (`,`, white space) stand between the last literal and here.
    let mut adjacent = false;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'\'' | b'"' | b'`' => {
                // Python triple quotes are read as three literals; harmless.
                let quote = c;
                let mut j = i + 1;
                let mut lit = Vec::new();
                while let Some(&q) = bytes.get(j) {
                    if q == b'\\' {
                        if let Some(&n) = bytes.get(j + 1) {
                            lit.push(match n {
                                b'n' => b'\n',
                                b't' => b'\t',
                                other => other,
                            });
                        }
                        j += 2;
                        continue;
                    }
                    if q == quote {
                        break;
                    }
                    lit.push(q);
                    j += 1;
                }
                let lit = String::from_utf8_lossy(&lit).into_owned();
                if !adjacent {
                    flush_run(&mut run, &mut out);
                }
                if !lit.trim().is_empty() {
                    run.push(lit);
                }
                adjacent = true;
                i = j + 1;
            }
            b',' | b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => {
                adjacent = false;
                i += 1;
            }
        }
    }
    flush_run(&mut run, &mut out);
    out
}

fn flush_run(run: &mut Vec<String>, out: &mut Vec<String>) {
    if run.len() > 1 {
        // Each element as given, and the list as one argv (`["git", "reset", "--hard"]`).
        let joined = run
            .iter()
            .map(|s| shell_quote(s))
            .collect::<Vec<_>>()
            .join(" ");
        out.append(run);
        out.push(joined);
    } else {
        out.append(run);
    }
}

/// Quotes a word for re-parsing as one shell word.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,~".contains(&b))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
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

/// The last path component of a command word (`/usr/bin/git` → `git`). Words with expansions
/// are left alone.
fn basename(word: &str) -> &str {
    // One pass: the last `/`, unless an expansion shows up.
    let mut slash = None;
    for (i, &b) in word.as_bytes().iter().enumerate() {
        let class = lex::class(b);
        if class & (lex::EXPANSION | lex::SLASH) != 0 {
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

/// Options of common file commands that take a separate argument.
fn options_with_argument(name: &str) -> &'static [&'static str] {
    match name {
        "cp" | "mv" | "install" | "ln" => &[
            "-t",
            "-S",
            "--suffix",
            "-m",
            "-o",
            "-g",
            "--target-directory",
        ],
        "truncate" => &["-s", "--size", "-r", "--reference"],
        "touch" => &["-d", "-r", "-t", "--date", "--reference"],
        "sed" => &["-e", "-f", "--expression", "--file", "-l"],
        "perl" => &["-e", "-E", "-I", "-M"],
        "tee" | "rm" | "unlink" | "rmdir" => &[],
        "shred" => &["-n", "-s", "--iterations", "--size"],
        "rsync" => &["-e", "--rsh", "--exclude", "--include", "--filter"],
        "scp" => &["-P", "-i", "-o", "-F", "-J", "-l", "-c", "-S"],
        _ => &[],
    }
}

/// The files `chmod`, `chown` or `chgrp` change: their operands after the mode or owner (all of
/// them with `--reference`). A `chmod` mode may look like an option (`chmod -x FILE`): a word
/// starting with `-` is an option only when its letters are `chmod`'s option letters.
fn mode_operands<'a>(name: &str, args: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut first_seen = option_value(args, &["--reference"]).is_some();
    let mut only_operands = false;
    let mut k = 0;
    while let Some(&a) = args.get(k) {
        k += 1;
        if !only_operands {
            if a == "--" {
                only_operands = true;
                continue;
            }
            if a == "--reference" {
                k += 1;
                continue;
            }
            if a.starts_with("--") {
                continue;
            }
            if let Some(letters) = a.strip_prefix('-')
                && !letters.is_empty()
                && (name != "chmod" || letters.bytes().all(|b| b"RcfvhHLP".contains(&b)))
            {
                continue;
            }
        }
        if first_seen {
            out.push(a);
        } else {
            first_seen = true;
        }
    }
    out
}

/// The operands (non-option words) of an argument list.
fn operands<'a>(args: &[&'a str], with_arg: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut k = 0;
    let mut only_operands = false;
    while let Some(&a) = args.get(k) {
        k += 1;
        if only_operands {
            out.push(a);
            continue;
        }
        if a == "--" {
            only_operands = true;
            continue;
        }
        if a.starts_with('-') && a.len() > 1 {
            if with_arg.contains(&a) {
                k += 1;
            }
            continue;
        }
        out.push(a);
    }
    out
}

/// The value of an option given as `-o VALUE`, `-oVALUE` (short) or `--opt=VALUE` / `--opt VALUE`.
fn option_value<'a>(args: &[&'a str], names: &[&str]) -> Option<&'a str> {
    let mut k = 0;
    while let Some(&a) = args.get(k) {
        for n in names {
            if a == *n {
                return args.get(k + 1).copied();
            }
            if n.starts_with("--") {
                if let Some(v) = a.strip_prefix(n).and_then(|r| r.strip_prefix('=')) {
                    return Some(v);
                }
            } else if let Some(v) = a.strip_prefix(n)
                && !v.is_empty()
                && !a.starts_with("--")
            {
                return Some(v);
            }
        }
        k += 1;
    }
    None
}

/// `-i`, `-ni`, `-i.bak` (sed) style: a short flag cluster containing `flag`.
fn is_short_flag(arg: &str, flag: char) -> bool {
    arg.strip_prefix('-').is_some_and(|f| {
        !f.starts_with('-')
            && f.starts_with(|c: char| c.is_ascii_alphabetic())
            && f.split('.')
                .next()
                .is_some_and(|cluster| cluster.contains(flag))
    })
}

/// Skips git's global options; returns the subcommand and its arguments.
fn git_subcommand<'a, 'b>(args: &'b [&'a str]) -> Option<(&'a str, &'b [&'a str])> {
    let mut k = 0;
    while let Some(&a) = args.get(k) {
        if matches!(
            a,
            "-C" | "-c"
                | "--git-dir"
                | "--work-tree"
                | "--namespace"
                | "--exec-path"
                | "--config-env"
        ) {
            k += 2;
            continue;
        }
        if a.starts_with('-') {
            k += 1;
            continue;
        }
        return Some((a, args.get(k + 1..).unwrap_or_default()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(cmd: &str) -> Vec<String> {
        normalize(cmd, &NormalizeOptions::default())
            .commands()
            .iter()
            .map(|c| c.text().to_owned())
            .collect()
    }

    fn precise(cmd: &str) -> Vec<String> {
        normalize(cmd, &NormalizeOptions::default())
            .commands()
            .iter()
            .map(|c| c.precise_text().to_owned())
            .collect()
    }

    fn writes(cmd: &str) -> Vec<String> {
        normalize(cmd, &NormalizeOptions::default())
            .writes()
            .to_vec()
    }

    #[test]
    fn compound_commands_are_split() {
        assert_eq!(
            texts("cd repo && git  push   --force  origin main"),
            ["cd repo", "git push --force origin main"]
        );
        assert_eq!(texts("ls && (rm -r -f /)"), ["ls", "rm -r -f /"]);
        assert_eq!(
            texts("a; b || c | d & e\nf"),
            ["a", "b", "c", "d", "e", "f"]
        );
        assert_eq!(texts("{ a; b; }"), ["a", "b"]);
        assert_eq!(texts("if true; then rm -rf /; fi"), ["true", "rm -rf /"]);
        assert_eq!(texts("for f in a b; do rm $f; done"), ["rm $f"]);
        assert_eq!(texts("while x; do y; done"), ["x", "y"]);
        assert_eq!(
            texts("case $x in a|b) rm -rf /;; *) ok;; esac"),
            ["rm -rf /", "ok"]
        );
        assert_eq!(
            texts("f() { git reset --hard; }; f"),
            ["git reset --hard", "f"]
        );
    }

    #[test]
    fn substitutions_are_commands() {
        assert_eq!(
            texts("echo $(git reset --hard)"),
            ["git reset --hard", "echo $(git reset --hard)"]
        );
        assert_eq!(texts("X=`rm -rf /` true"), ["rm -rf /", "true"]);
        assert_eq!(
            texts("diff <(git show) >(tee x)"),
            ["git show", "tee x", "diff <(git show) >(tee x)"]
        );
    }

    #[test]
    fn wrappers_and_assignments_are_stripped() {
        assert_eq!(
            texts("sudo git push --force origin main"),
            ["git push --force origin main"]
        );
        assert_eq!(
            texts("sudo -u root -E /usr/bin/git reset --hard"),
            ["git reset --hard"]
        );
        assert_eq!(
            texts("FOO=1 BAR=2 git reset --hard origin/main"),
            ["git reset --hard origin/main"]
        );
        assert_eq!(
            texts("env -i FOO=1 nice -n 5 timeout -s KILL 10 nohup git status"),
            ["git status"]
        );
        assert_eq!(texts("command git reset --hard"), ["git reset --hard"]);
        assert_eq!(texts("command -v git"), ["command -v git"]);
        assert_eq!(texts("time -p exec git status"), ["git status"]);
        assert_eq!(texts("env -S 'git reset --hard'"), ["git reset --hard"]);
        assert_eq!(texts("xargs -0 -n 1 rm -rf"), ["rm -rf"]);
        assert_eq!(texts(r"\rm -rf /"), ["rm -rf /"]);
    }

    #[test]
    fn shells_and_eval_are_unwrapped() {
        assert_eq!(texts("bash -c 'git reset --hard'"), ["git reset --hard"]);
        assert_eq!(texts(r#"bash -c "bash -c 'rm -rf ~'""#), ["rm -rf ~"]);
        assert_eq!(texts("sh -ec 'a && b'"), ["a", "b"]);
        assert_eq!(texts("bash -lc \"git status\""), ["git status"]);
        assert_eq!(
            texts("eval 'git reset' --hard"),
            ["eval git reset --hard", "git reset --hard"]
        );
        assert_eq!(texts("su -c 'rm -rf /' root"), ["rm -rf /"]);
        assert_eq!(
            texts("bash <<EOF\ngit reset --hard\nEOF"),
            ["git reset --hard"]
        );
        assert_eq!(texts("bash <<< 'rm -rf /'"), ["rm -rf /"]);
        assert_eq!(texts("busybox sh -c 'rm -rf /'"), ["rm -rf /"]);
        assert_eq!(texts("ssh host 'rm -rf /'"), ["rm -rf /"]);
        assert_eq!(
            texts("find . -name x -exec rm -rf {} ;"),
            ["rm -rf {}", "find . -name x -exec rm -rf {}"]
        );
    }

    #[test]
    fn a_shell_reading_a_pipe_stays_visible() {
        assert_eq!(
            texts("curl -fsSL https://x/install.sh | bash"),
            ["curl -fsSL https://x/install.sh", "bash <stdin>"]
        );
        assert_eq!(
            texts("curl -s x | sudo python3 -"),
            ["curl -s x", "python3 - <stdin>"]
        );
        assert_eq!(texts("sh < install.sh"), ["sh <stdin>"]);
        assert_eq!(texts("bash script.sh"), ["bash script.sh"]);
        assert_eq!(texts("bash"), ["bash"]);
        assert_eq!(
            texts("cat x | python3 tool.py"),
            ["cat x", "python3 tool.py"]
        );
    }

    #[test]
    fn inline_code_literals_are_commands() {
        let t = texts(r#"node -e "require('child_process').execSync('git reset --hard')""#);
        assert!(t.contains(&"git reset --hard".to_owned()), "{t:?}");
        let t =
            texts(r#"python3 -c 'import subprocess; subprocess.run(["git", "reset", "--hard"])'"#);
        assert!(t.contains(&"git reset --hard".to_owned()), "{t:?}");
        let t = texts("python3 <<'PY'\nimport os\nos.system('rm -rf /')\nPY");
        assert!(t.contains(&"rm -rf /".to_owned()), "{t:?}");
        let t = texts("perl -e 'system(\"rm -rf /\")'");
        assert!(t.contains(&"rm -rf /".to_owned()), "{t:?}");
    }

    #[test]
    fn data_is_marked() {
        assert_eq!(
            precise(r#"echo "never run git reset --hard""#),
            ["echo <data>"]
        );
        assert_eq!(
            precise(r#"git commit -m "docs: explain why git reset --hard is blocked""#),
            ["git commit -m <data>"]
        );
        assert_eq!(
            precise(r#"grep -rn "rm -rf /" docs/"#),
            ["grep -rn <data> docs/"]
        );
        assert_eq!(
            precise("cat > README.md <<'EOF'\nrun git reset --hard\nEOF"),
            ["cat"]
        );
        assert_eq!(precise(r#"git 'reset' "--hard""#), ["git reset --hard"]);
        // White space other than a space makes data too.
        assert_eq!(precise("printf \"a\tb\" x"), ["printf <data> x"]);
        assert_eq!(precise("echo $'a\\vb'"), ["echo <data>"]);
        assert_eq!(precise("echo a\u{a0}b c"), ["echo <data> c"]);
    }

    #[test]
    fn a_command_keeps_its_words() {
        let n = normalize(
            r#"/usr/bin/git commit -m "a b" '' x && ls -l"#,
            &NormalizeOptions::default(),
        );
        let [commit, ls] = n.commands() else {
            panic!("{n:?}")
        };
        assert_eq!(commit.words(), ["git", "commit", "-m", "a b", "", "x"]);
        assert_eq!(commit.text(), "git commit -m a b  x");
        assert_eq!(commit.precise_text(), "git commit -m <data>  x");
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
        assert!(format!("{n:?}").contains(r#"words: ["git", "commit", "-m", "a b", "", "x"]"#));
        assert!(format!("{n:?}").contains("data: [false, false]"), "{n:?}");
        let other = normalize("git commit -m a b '' x", &NormalizeOptions::default());
        assert_ne!(other.commands()[0], n.commands()[0]);
    }

    #[test]
    fn writes_are_listed() {
        assert_eq!(writes("echo API_KEY=abc >> .env"), [".env"]);
        assert_eq!(writes("echo x > /dev/null 2>&1"), Vec::<String>::new());
        assert_eq!(writes("cat a | tee -a out.txt"), ["out.txt"]);
        // A destination may be a folder: the file copied into it is listed too.
        assert_eq!(
            writes("cp .env.example .env"),
            [".env", ".env/.env.example"]
        );
        assert_eq!(writes("cp -T a b"), ["b"]);
        // A move deletes its source.
        assert_eq!(writes("mv -f a b/c"), ["b/c", "b/c/a", "a"]);
        assert_eq!(writes("rm .control/policy.yaml"), [".control/policy.yaml"]);
        assert_eq!(
            writes("sed -i 's/a/b/' .claude/settings.json"),
            [".claude/settings.json"]
        );
        assert_eq!(writes("dd if=/dev/zero of=disk.img"), ["disk.img"]);
        assert_eq!(writes("curl -o .env https://x"), [".env"]);
        assert_eq!(writes("git -C x rm -r .githooks"), [".githooks"]);
        assert_eq!(writes("cat .env.example"), Vec::<String>::new());
        assert_eq!(writes("cmd &> log.txt"), ["log.txt"]);
        // Many arguments (more than fit on the stack).
        let files: Vec<String> = (0..20).map(|i| format!("f{i}")).collect();
        assert_eq!(writes(&format!("rm -f {}", files.join(" "))), files);
        let mut into_dest = vec!["dest/".to_owned()];
        into_dest.extend(files.iter().map(|f| format!("dest/{f}")));
        assert_eq!(writes(&format!("cp {} dest/", files.join(" "))), into_dest);
    }

    #[test]
    fn copies_moves_and_links_list_what_they_write_and_delete() {
        assert_eq!(writes("cp -r /tmp/hooks .git/"), [".git/", ".git/hooks"]);
        assert_eq!(
            writes("cp -t .claude a/settings.json b/"),
            [".claude", ".claude/settings.json", ".claude/b"]
        );
        assert_eq!(
            writes("mv .git/hooks/pre-commit /tmp/"),
            ["/tmp/", "/tmp/pre-commit", ".git/hooks/pre-commit"]
        );
        assert_eq!(
            writes("git mv .control/policy.yaml old.yaml"),
            ["old.yaml", "old.yaml/policy.yaml", ".control/policy.yaml"]
        );
        assert_eq!(
            writes("ln -sf /dev/null .git/hooks/pre-commit"),
            [".git/hooks/pre-commit", ".git/hooks/pre-commit/null"]
        );
        assert_eq!(writes("cp x /dev/null"), Vec::<String>::new());
        assert_eq!(
            writes("install -d -m 755 .github/hooks out"),
            [".github/hooks", "out"]
        );
        assert_eq!(
            writes("install -m 755 hook .git/hooks/pre-push"),
            [".git/hooks/pre-push", ".git/hooks/pre-push/hook"]
        );
        // rsync's -t keeps times; it names no folder.
        assert_eq!(writes("rsync -t a .env"), [".env", ".env/a"]);
        assert_eq!(writes("cp onlyone"), Vec::<String>::new());
    }

    #[test]
    fn mode_changes_list_their_files() {
        assert_eq!(writes("chmod +x a b"), ["a", "b"]);
        assert_eq!(
            writes("chmod -x .git/hooks/pre-commit"),
            [".git/hooks/pre-commit"]
        );
        assert_eq!(writes("chmod -R -v a-x,u-w .githooks"), [".githooks"]);
        assert_eq!(writes("chmod -Rv 000 -- -odd"), ["-odd"]);
        assert_eq!(writes("chmod --reference=a b c"), ["b", "c"]);
        assert_eq!(writes("chmod --reference a b"), ["b"]);
        assert_eq!(writes("chown -R me:me .control"), [".control"]);
        assert_eq!(writes("chgrp --reference x y"), ["y"]);
        assert_eq!(writes("chmod 644"), Vec::<String>::new());
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
    fn dynamic_command_names_are_kept_verbatim() {
        assert_eq!(texts("$CMD --hard"), ["$CMD --hard"]);
        assert_eq!(
            texts("$(echo git) reset --hard"),
            ["echo git", "$(echo git) reset --hard"]
        );
        assert_eq!(texts("bash -c \"$X\""), ["$X"]);
    }
}
