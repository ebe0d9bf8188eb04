//! Interpreters given inline code (`python -c`, `node -e`, `perl -e`, …): which flags take the
//! code, and which string literals of the code the language would run as a command.
//!
//! Hand-written, because no crate parses the dozen languages involved; it reads only string
//! literals and the call each one is an argument of, and errs towards scanning: a literal is a
//! command when the language runs it (`os.system`, `subprocess.*`, `exec*`, `spawn*`,
//! `child_process`, `system`, backticks in Perl, Ruby and PHP, `%x`/`qx`), or when the callee
//! cannot be read (`getattr(os, "system")("…")`).

use super::shell_quote;
use crate::lex::Word;

/// Interpreters and the flags that take inline code.
pub(super) fn interpreter_code_flags(name: &str) -> Option<&'static [&'static str]> {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    match base {
        "python" | "pypy" => Some(&["-c"]),
        "node" | "nodejs" | "bun" => Some(&["-e", "--eval", "-p", "--print"]),
        "deno" => Some(&["eval"]),
        "perl" => Some(&["-e", "-E"]),
        "ruby" | "lua" | "luajit" | "osascript" => Some(&["-e"]),
        "expect" => Some(&["-c"]),
        // Tcl reads its program from standard input or a file.
        "tclsh" | "wish" => Some(&["-c"]),
        "php" => Some(&["-r"]),
        "Rscript" | "R" => Some(&["-e"]),
        "julia" => Some(&["-e", "-E", "--eval", "--print"]),
        "ipython" => Some(&["-c"]),
        "emacs" => Some(&["--eval"]),
        // The program is the first operand (see `inline_code`).
        "awk" | "gawk" | "mawk" | "nawk" => Some(&[]),
        _ => None,
    }
}

/// The options of an interpreter that take the next word as their value (`python3 -W
/// ignore -c CODE`, `node -r fs -e CODE`, `perl -I lib -e CODE`): skipped, so that the value
/// is not taken for the script or hides the code after it.
pub(super) fn interpreter_value_flags(name: &str) -> &'static [&'static str] {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    match base {
        "python" | "pypy" => &["-W", "-X", "--check-hash-based-pycs"],
        "node" | "nodejs" | "bun" => &[
            "-r",
            "--require",
            "--import",
            "--loader",
            "--experimental-loader",
            "--input-type",
            "-C",
            "--conditions",
            "--env-file",
            "--title",
            "--inspect-port",
            "--stack-size",
        ],
        "perl" => &["-I"],
        "ruby" => &["-I", "-r", "-C", "-E", "-F", "--encoding"],
        "php" => &["-d", "-c", "-z"],
        "lua" | "luajit" => &["-l"],
        "Rscript" => &["--default-packages"],
        _ => &[],
    }
}

/// Short options of an interpreter that take the rest of their word as their value (Perl's
/// `-MModule`, `-mModule`, `-Idir`, `-xdir`, `-iext`, `-d:Mod`, `-Dflags`; Ruby's `-rlib`,
/// `-Idir`): a word starting with one is not a cluster of flags, whatever letter it ends with.
pub(super) fn attached_value_flags(name: &str) -> &'static [&'static str] {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    match base {
        "perl" => &["-M", "-m", "-I", "-x", "-i", "-d", "-D"],
        "ruby" => &["-r", "-I", "-C", "-E", "-F", "-x"],
        "python" | "pypy" => &["-W", "-X"],
        "php" => &["-d", "-c"],
        _ => &[],
    }
}

/// Whether `name` is an awk.
pub(super) fn is_awk(name: &str) -> bool {
    matches!(name, "awk" | "gawk" | "mawk" | "nawk")
}

/// The commands an awk program runs through its pipes: `"cmd" | getline` and
/// `print … | "cmd"` (and `printf`). When such a command is a shell or an interpreter, what the
/// program prints to it is its program: every string literal of the code is returned too.
pub(super) fn awk_pipe_commands(code: &str) -> Vec<String> {
    let bytes = code.as_bytes();
    // (start, end) of each double-quoted literal, quotes included, and its text.
    let mut literals: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if c != b'"' {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let mut text = Vec::new();
        while let Some(&q) = bytes.get(j) {
            if q == b'\\' {
                if let Some(&n) = bytes.get(j + 1) {
                    text.push(n);
                }
                j += 2;
                continue;
            }
            if q == b'"' {
                break;
            }
            text.push(q);
            j += 1;
        }
        literals.push((i, j + 1, String::from_utf8_lossy(&text).into_owned()));
        i = j + 1;
    }
    let mut out = Vec::new();
    let mut program_piped = false;
    for (start, end, text) in &literals {
        let after = code.get(*end..).unwrap_or_default().trim_start();
        let before = code.get(..*start).unwrap_or_default().trim_end();
        let getline = after
            .strip_prefix('|')
            .is_some_and(|rest| rest.trim_start().starts_with("getline"));
        let piped_to = before.ends_with('|') && !before.ends_with("||");
        if getline || piped_to {
            let first = text.split_whitespace().next().unwrap_or_default();
            let first = first.rsplit('/').next().unwrap_or(first);
            if piped_to
                && (matches!(first, "sh" | "bash" | "zsh" | "dash" | "ksh")
                    || interpreter_code_flags(first).is_some())
            {
                program_piped = true;
            }
            out.push(text.clone());
        }
    }
    if program_piped {
        out.extend(literals.into_iter().map(|(_, _, text)| text));
    }
    out
}

/// awk's program: the first operand after its options (`-F SEP`, `-v NAME=VALUE`, `--`);
/// none with `-f FILE` (the program is the file).
fn awk_program<'w>(argv: &'w [Word<'_>]) -> Option<&'w str> {
    let mut k = 1;
    while let Some(w) = argv.get(k) {
        let t = &*w.text;
        match t {
            "--" => return argv.get(k + 1).map(|w| &*w.text),
            "-f" | "--file" => return None,
            "-F" | "-v" | "--field-separator" | "--assign" => k += 2,
            _ if t.starts_with("-f") || t.starts_with("--file=") => return None,
            _ if t.starts_with('-') && t.len() > 1 => k += 1,
            _ => return Some(t),
        }
    }
    None
}

/// The inline code of an interpreter call, if any.
pub(super) fn inline_code<'w>(
    argv: &'w [Word<'_>],
    flags: &[&str],
    values: &[&str],
    attached: &[&str],
) -> Option<&'w str> {
    if flags.is_empty() {
        return awk_program(argv);
    }
    let mut k = 1;
    while let Some(w) = argv.get(k) {
        let t = &*w.text;
        if flags.contains(&t) {
            return argv.get(k + 1).map(|w| &*w.text);
        }
        if values.contains(&t) {
            k += 2;
            continue;
        }
        // Combined short flags ending in the code flag: `python3 -Bc CODE`, `perl -ne CODE`;
        // not an option with its value attached (`perl -MFile::Path=rmtree`, `-Mdate`).
        let attached_value = t.get(..2).is_some_and(|head| attached.contains(&head))
            || !t.bytes().skip(1).all(|b| b.is_ascii_alphabetic());
        if t.len() > 2
            && t.starts_with('-')
            && !t.starts_with("--")
            && !attached_value
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

/// The script file operand of an interpreter call, if any (the first word that is neither
/// an option nor the value of one of `values`).
pub(super) fn script_operand<'w>(argv: &'w [Word<'_>], values: &[&str]) -> Option<&'w str> {
    let mut k = 1;
    while let Some(w) = argv.get(k) {
        let t = &*w.text;
        if values.contains(&t) {
            k += 2;
        } else if t.starts_with('-') {
            k += 1;
        } else {
            return Some(t);
        }
    }
    None
}

/// Names of the calls that run a command (the last segment of `os.system`,
/// `child_process.execSync`, `Open3.capture3`, …).
const RUNNERS: &[&str] = &[
    "system",
    "popen",
    "Popen",
    "run",
    "call",
    "check_call",
    "check_output",
    "getoutput",
    "getstatusoutput",
    "exec",
    "execSync",
    "execFile",
    "execFileSync",
    "execa",
    "execaSync",
    "execaCommand",
    "execaCommandSync",
    "spawn",
    "spawnSync",
    "shell_exec",
    "passthru",
    "proc_open",
    "pcntl_exec",
    "capture2",
    "capture2e",
    "capture3",
    "pipeline",
    "Command",
    "sh",
    "run_command",
    "qx",
    "startfile",
    "$",
];

fn is_runner(name: &str) -> bool {
    let last = name.rsplit(['.', ':', '>']).next().unwrap_or(name);
    RUNNERS.contains(&last)
        || ["exec", "spawn", "popen", "system"]
            .iter()
            .any(|p| last.starts_with(p))
}

/// The string literals of `code` that the language would run as a command (see the file
/// header), and runs of adjacent ones joined as one argv. When a call that runs a command gets
/// an argument that is not a literal (`os.system(cmd)`), the command cannot be told apart from
/// the rest of the code, and every literal is returned. Backticks run a command where
/// `backticks_run` (Perl, Ruby, PHP), not in JavaScript's template literals.
pub(super) fn code_literals(code: &str, backticks_run: bool) -> Vec<String> {
    literals_and_opacity(code, backticks_run).0
}

/// Whether `code` calls something that runs a command with an argument that is not a
/// literal (`system $_`, `os.system(line)`): with input the gate cannot see, that input is
/// the program.
pub(super) fn runs_computed_command(code: &str, backticks_run: bool) -> bool {
    literals_and_opacity(code, backticks_run).1
}

/// [`code_literals`], and whether a runner got an argument that is not a literal.
fn literals_and_opacity(code: &str, backticks_run: bool) -> (Vec<String>, bool) {
    let bytes = code.as_bytes();
    // Every literal (for the fallback) and the literals run as commands, as runs.
    let mut all = Vec::new();
    let mut all_run: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut run: Vec<String> = Vec::new();
    // One entry per open bracket: whether it is (inside) a call that runs a command.
    let mut stack: Vec<bool> = Vec::new();
    // The identifier just read, and whether only white space followed it.
    let mut ident = (0usize, 0usize);
    let mut after_ident = false;
    // A call without parentheses (`system "…"`) runs what follows until the statement ends.
    let mut bare = false;
    // A runner got an argument that is not a literal.
    let mut opaque = false;
    // The last significant byte before here.
    let mut prev = 0u8;
    let mut i = 0;
    // Whether only separators (`,`, white space) stand between the last literal and here.
    let mut adjacent = false;
    while let Some(&c) = bytes.get(i) {
        let in_runner = bare || stack.last().copied().unwrap_or(false);
        let before = i
            .checked_sub(1)
            .and_then(|b| bytes.get(b))
            .copied()
            .unwrap_or(b' ');
        if let Some((body, end)) = quote_like_command(code, i, before) {
            // Perl's `qx{…}`, Ruby's `%x(…)`: a command, whatever the delimiter.
            if !adjacent {
                flush_run(&mut run, &mut out);
                flush_run(&mut all_run, &mut all);
            }
            if !body.trim().is_empty() {
                run.push(body.to_owned());
                all_run.push(body.to_owned());
            }
            adjacent = true;
            after_ident = false;
            prev = b'`';
            i = end;
            continue;
        }
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
                let runs = in_runner
                    || (quote == b'`' && (backticks_run || prev == b'$'))
                    || (after_ident && is_runner(code.get(ident.0..ident.1).unwrap_or_default()));
                if !adjacent {
                    flush_run(&mut run, &mut out);
                    flush_run(&mut all_run, &mut all);
                }
                if !lit.trim().is_empty() {
                    if runs {
                        // Code run by `exec`/`eval`-like calls may itself run commands.
                        if lit.contains(['\'', '"', '`']) {
                            out.extend(code_literals(&lit, backticks_run).into_iter().take(64));
                        }
                        run.push(lit.clone());
                    }
                    all_run.push(lit);
                }
                if after_ident && is_runner(code.get(ident.0..ident.1).unwrap_or_default()) {
                    bare = true;
                }
                adjacent = true;
                after_ident = false;
                prev = quote;
                i = j + 1;
                continue;
            }
            b',' | b' ' | b'\t' | b'\r' => {
                if ident.1 == i && ident.1 > ident.0 {
                    after_ident = true;
                }
                i += 1;
                continue;
            }
            b'[' | b']' => {
                // A list of literals stays one run (`spawn("git", ["reset", "--hard"])`).
                if c == b'[' {
                    stack.push(in_runner);
                } else {
                    stack.pop();
                }
                i += 1;
                continue;
            }
            b'(' | b'{' => {
                let callee = code.get(ident.0..ident.1).unwrap_or_default();
                let called = c == b'('
                    && (((after_ident || ident.1 == i) && is_runner(callee))
                        || (ident.1 != i && !after_ident && matches!(prev, b')' | b']')));
                stack.push(in_runner || called);
            }
            b')' | b'}' => {
                stack.pop();
            }
            b';' | b'\n' => bare = false,
            _ => {}
        }
        if c == b'$' && after_ident && is_runner(code.get(ident.0..ident.1).unwrap_or_default()) {
            // `system $_`: a runner called without parentheses on a variable.
            opaque = true;
        }
        if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'$' | b':' | b'>' | b'-') {
            if ident.1 != i || after_ident {
                ident.0 = i;
                after_ident = false;
            }
            ident.1 = i + 1;
            if in_runner && c == b'$' && ident.0 == i {
                // A variable of Perl, Ruby or PHP as an argument of a runner (`system $_`).
                opaque = true;
            }
            if in_runner && c.is_ascii_alphabetic() {
                // An identifier as an argument of a runner, unless a keyword argument or a
                // constant (`check=True`, `shell: true`).
                let rest = code.get(i..).unwrap_or_default();
                let word_end = rest
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                    .unwrap_or(rest.len());
                let word = rest.get(..word_end).unwrap_or_default();
                let next = rest.get(word_end..).unwrap_or_default().trim_start();
                let keyword =
                    next.starts_with('=') && !next.starts_with("==") || next.starts_with(':');
                let constant = matches!(
                    word,
                    "True"
                        | "False"
                        | "None"
                        | "true"
                        | "false"
                        | "null"
                        | "undefined"
                        | "shell"
                        | "check"
                        | "text"
                        | "capture_output"
                        | "stdio"
                        | "cwd"
                        | "encoding"
                );
                let called = next.starts_with('(') || next.starts_with('.');
                if ident.0 == i && !keyword && !constant && !called {
                    opaque = true;
                }
            }
        } else {
            after_ident = false;
        }
        adjacent = false;
        prev = c;
        i += 1;
    }
    flush_run(&mut run, &mut out);
    flush_run(&mut all_run, &mut all);
    if opaque { (all, true) } else { (out, false) }
}

/// A quote-like operator that runs a command at byte `i` of `code` (Perl `qx` and Ruby `%x`
/// with any delimiter, bracket pairs nested): its body and the byte after it. `before` is the
/// byte before `i`, so that `qx` or `%x` inside a word (`maqx(`, `a%x`) is not one.
fn quote_like_command(code: &str, i: usize, before: u8) -> Option<(&str, usize)> {
    let rest = code.get(i..)?;
    if before.is_ascii_alphanumeric() || before == b'_' || before == b'$' {
        return None;
    }
    let after = if let Some(after) = rest.strip_prefix("qx") {
        after.trim_start()
    } else {
        rest.strip_prefix("%x")?
    };
    let open = after.chars().next()?;
    if open.is_alphanumeric() || open.is_whitespace() || open == '_' || open == ',' || open == ';' {
        return None;
    }
    let close = match open {
        '(' => ')',
        '{' => '}',
        '[' => ']',
        '<' => '>',
        other => other,
    };
    let start = code.len() - after.len() + open.len_utf8();
    let mut depth = 0usize;
    let mut escaped = false;
    for (k, ch) in code.get(start..)?.char_indices() {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == open && open != close {
            depth += 1;
        } else if ch == close {
            if depth == 0 {
                return Some((code.get(start..start + k)?, start + k + ch.len_utf8()));
            }
            depth -= 1;
        }
    }
    None
}

pub(super) fn flush_run(run: &mut Vec<String>, out: &mut Vec<String>) {
    let program = run
        .first()
        .map(|p| p.rsplit(['/', '\\']).next().unwrap_or(p));
    if run.len() > 2 && program.is_some() && program == run.get(1).map(String::as_str) {
        // `os.execvp("git", ["git", "reset", "--hard"])`, `os.execl("/usr/bin/git", "git",
        // "reset", "--hard")`: the program, then its argv.
        let argv = run
            .iter()
            .skip(1)
            .map(|s| shell_quote(s))
            .collect::<Vec<_>>()
            .join(" ");
        out.push(argv);
    }
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

/// The commands a Perl program runs through `open` pipes: `open(F, "CMD |")`, `open(F, "|
/// CMD")` and the three-argument `open(F, "-|", "CMD")` / `"|-"`. String literals are read
/// in order (single or double quoted, with backslash escapes).
pub(super) fn perl_pipe_opens(code: &str) -> Vec<String> {
    let mut literals: Vec<String> = Vec::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        if c != '"' && c != '\'' {
            continue;
        }
        let mut text = String::new();
        let mut escaped = false;
        for d in chars.by_ref() {
            if escaped {
                text.push(d);
                escaped = false;
            } else if d == '\\' {
                escaped = true;
            } else if d == c {
                break;
            } else {
                text.push(d);
            }
        }
        literals.push(text);
    }
    let mut out = Vec::new();
    for (k, literal) in literals.iter().enumerate() {
        let t = literal.trim();
        if matches!(t, "-|" | "|-") {
            out.extend(literals.get(k + 1).cloned());
        } else if let Some(command) = t.strip_suffix('|').or_else(|| t.strip_prefix('|'))
            && !command.trim().is_empty()
        {
            out.push(command.trim().to_owned());
        }
    }
    out
}

/// Calls of the languages' own library that delete a tree (`shutil.rmtree`, `fs.rmSync`,
/// `FileUtils.rm_rf`, `File::Path` `rmtree`, …): their first argument is what `rm -rf` of
/// it would delete.
const TREE_DELETES: &[&str] = &[
    "rmtree",
    "rmSync",
    "rm_rf",
    "rm_r",
    "remove_tree",
    "remove_dir_all",
    "rmdirSync",
    "rimraf",
    "removeSync",
    "emptyDirSync",
    "deleteRecursively",
    "remove_dir",
    "remove_entry",
    "remove_entry_secure",
    "rm_tree",
];

/// Calls that delete a tree when given a recursive option (`fs.rm(p, {recursive: true})`,
/// R's `unlink(p, recursive = TRUE)`, Julia's `rm(p, recursive=true)`).
const RECURSIVE_DELETES: &[&str] = &["rm", "unlink", "rmdir", "remove", "delete"];

/// Calls that copy or move onto the path their second argument names.
const FILE_COPIES: &[&str] = &[
    "copy",
    "copy2",
    "copyfile",
    "copyFileSync",
    "copyFile",
    "cpSync",
    "rename",
    "renameSync",
    "replace",
    "move",
    "mv",
    "cp",
    "symlink",
    "symlinkSync",
    "link",
];

/// Calls that write, delete or change the mode of the file their first argument names.
const FILE_WRITES: &[&str] = &[
    "writeFileSync",
    "writeFile",
    "appendFileSync",
    "appendFile",
    "write_text",
    "write_bytes",
    "unlink",
    "unlinkSync",
    "remove",
    "chmod",
    "chmodSync",
    "truncate",
    "truncateSync",
    "symlink_to",
    "touch",
    "file_put_contents",
];

/// Expressions that stand for the home folder in the languages' code.
const HOME_EXPRESSIONS: &[&str] = &[
    "os.path.expanduser(\"~\")",
    "os.path.expanduser('~')",
    "Path.home()",
    "pathlib.Path.home()",
    "os.homedir()",
    "require(\"os\").homedir()",
    "require('os').homedir()",
    "process.env.HOME",
    "process.env[\"HOME\"]",
    "process.env['HOME']",
    "os.environ[\"HOME\"]",
    "os.environ['HOME']",
    "os.environ.get(\"HOME\")",
    "os.environ.get('HOME')",
    "os.getenv(\"HOME\")",
    "os.getenv('HOME')",
    "$ENV{HOME}",
    "$ENV{'HOME'}",
    "$ENV{\"HOME\"}",
    "ENV[\"HOME\"]",
    "ENV['HOME']",
    "Dir.home",
    "getenv(\"HOME\")",
    "getenv('HOME')",
    "homedir()",
    "os.homedir()",
    "Sys.getenv(\"HOME\")",
    "path.expand(\"~\")",
    "expanduser(\"~\")",
    "expanduser('~')",
    "os.path.expanduser(\"~/\")",
    "os.path.expanduser('~/')",
    "homedir()+'/'",
    "homedir() + '/'",
    "os.homedir()+'/'",
    "os.homedir() + '/'",
    "process.env.HOME+'/'",
    "process.env.HOME + '/'",
];

/// What inline code deletes and writes through its language's file library: `(trees, files)`,
/// the paths given to a tree delete (the home folder's expressions read as `~`) and the
/// paths given to a file write, delete or mode change (`open(PATH, "w")` too). Only
/// arguments that are a literal or a home expression are read.
pub(super) fn code_file_effects(code: &str) -> (Vec<String>, Vec<String>) {
    let mut trees = Vec::new();
    let mut files = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if c != b'(' {
            i += 1;
            continue;
        }
        // The name of the call this parenthesis opens.
        let name_end = i;
        let mut start = i;
        while start > 0
            && bytes
                .get(start - 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            start -= 1;
        }
        let name = code.get(start..name_end).unwrap_or_default();
        let Some((args, _)) = balanced(code, i + 1) else {
            break;
        };
        i += 1;
        if name.is_empty() {
            continue;
        }
        let parts = split_arguments(args);
        let first = parts.first().map(|a| a.trim()).unwrap_or_default();
        let path = argument_path(first);
        if TREE_DELETES.contains(&name)
            || (RECURSIVE_DELETES.contains(&name) && args.contains("recursive"))
        {
            trees.extend(path);
        } else if FILE_COPIES.contains(&name) {
            files.extend(parts.get(1).and_then(|a| argument_path(a.trim())));
        } else if name == "write" && code.get(..start).is_some_and(|b| b.ends_with("File.")) {
            // Ruby's `File.write(PATH, TEXT)` (not a file object's `write(TEXT)`).
            files.extend(path);
        } else if FILE_WRITES.contains(&name) {
            // `Path("x").write_text(…)`: the path is the receiver's.
            files.extend(receiver_path(code, start).or(path));
        } else if name == "open" || name == "fopen" {
            // `open(PATH, "w")`, `open(F, ">", PATH)`, `open(F, ">PATH")` (Perl).
            let mode = parts
                .get(1)
                .map(|a| a.trim().trim_matches(['"', '\'']))
                .unwrap_or("");
            if mode.contains(['w', 'a', 'x', '+']) {
                files.extend(path);
            } else if matches!(mode, ">" | ">>" | "+<" | "+>") {
                files.extend(parts.get(2).and_then(|a| argument_path(a.trim())));
            } else if let Some(p) = parts.get(1).and_then(|a| argument_path(a.trim()))
                && let Some(target) = p.strip_prefix(">>").or_else(|| p.strip_prefix('>'))
            {
                files.push(target.trim().to_owned());
            }
        }
    }
    (trees, files)
}

/// The text inside the parenthesis opened just before `from`, and where its closing one is;
/// quotes are skipped over.
fn balanced(code: &str, from: usize) -> Option<(&str, usize)> {
    let bytes = code.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    let mut k = from;
    while let Some(&b) = bytes.get(k) {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == q {
                quote = None;
            }
        } else {
            match b {
                b'"' | b'\'' => quote = Some(b),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth > 0 => depth -= 1,
                b')' => return Some((code.get(from..k)?, k)),
                _ => {}
            }
        }
        k += 1;
    }
    None
}

/// For a method called at `name_start` on `Path("…")` (`Path("x").unlink()`), that path.
fn receiver_path(code: &str, name_start: usize) -> Option<String> {
    let before = code
        .get(..name_start)?
        .strip_suffix('.')?
        .strip_suffix(')')?;
    let open = before.rfind("Path(")?;
    argument_path(code.get(open..before.len() + 1)?)
}

/// The arguments of a call, split at top-level commas.
fn split_arguments(args: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut start = 0;
    for (k, c) in args.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(args.get(start..k).unwrap_or_default());
                start = k + 1;
            }
            _ => {}
        }
    }
    out.push(args.get(start..).unwrap_or_default());
    out
}

/// The path an argument names: a string literal's text (also inside `Path(…)` or
/// `pathlib.Path(…)`), `~` for a home expression; `None` for anything else.
fn argument_path(arg: &str) -> Option<String> {
    let arg = arg.trim();
    if HOME_EXPRESSIONS.contains(&arg) {
        return Some("~".to_owned());
    }
    let inner = arg
        .strip_prefix("pathlib.Path(")
        .or_else(|| arg.strip_prefix("Path("))
        .and_then(|a| a.strip_suffix(')'))
        .map_or(arg, str::trim);
    if HOME_EXPRESSIONS.contains(&inner) {
        return Some("~".to_owned());
    }
    let quote = inner.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let body = inner.strip_prefix(quote)?.strip_suffix(quote)?;
    (!body.is_empty() && !body.contains(quote)).then(|| body.to_owned())
}

/// The shell commands a database client runs from its input: `\! CMD` (psql, mysql),
/// `system CMD` (mysql) and PostgreSQL's `COPY … FROM PROGRAM 'CMD'` / `TO PROGRAM 'CMD'`.
pub(super) fn sql_shell_commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.split(['\n', ';']) {
        let line = line.trim_start();
        if let Some(command) = line
            .strip_prefix("\\!")
            .or_else(|| line.strip_prefix("system "))
            .or_else(|| line.strip_prefix("\\system "))
        {
            out.push(command.trim().to_owned());
        }
    }
    let upper = text.to_ascii_uppercase();
    let mut from = 0;
    while let Some(at) = upper.get(from..).and_then(|r| r.find("PROGRAM")) {
        let after = text
            .get(from + at + "PROGRAM".len()..)
            .unwrap_or_default()
            .trim_start();
        from += at + "PROGRAM".len();
        if let Some(body) = after.strip_prefix('\'')
            && let Some(end) = body.find('\'')
        {
            out.push(body.get(..end).unwrap_or_default().to_owned());
        }
    }
    out
}

/// The double-quoted string that follows each `marker` in `code` (`do shell script "CMD"`).
fn strings_after(code: &str, marker: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(marker) {
        rest = rest.get(at + marker.len()..).unwrap_or_default();
        if let Some(body) = rest.trim_start().strip_prefix('"')
            && let Some(end) = body.find('"')
        {
            out.push(body.get(..end).unwrap_or_default().to_owned());
        }
    }
    out
}

/// Whether backticks run a command in the language of interpreter `name` (Perl, Ruby, PHP).
pub(super) fn backticks_run(name: &str) -> bool {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    matches!(base, "perl" | "ruby" | "php" | "julia")
}

/// The shell commands other than calls that inline code runs: IPython's `!CMD` lines,
/// AppleScript's `do shell script "CMD"`, Tcl's `exec CMD` and Expect's `spawn CMD`.
pub(super) fn language_commands(interpreter: &str, code: &str) -> Vec<String> {
    let mut out = Vec::new();
    match interpreter {
        "ipython" | "ipython3" => {
            for line in code.split(['\n', ';']) {
                if let Some(command) = line.trim_start().strip_prefix('!') {
                    out.push(command.trim_start_matches('!').to_owned());
                }
            }
        }
        "osascript" => out.extend(strings_after(code, "do shell script")),
        "emacs" => {
            // `(shell-command "CMD")` and the like: the string after the call's name.
            for call in [
                "(shell-command-to-string",
                "(shell-command",
                "(async-shell-command",
                "(call-process-shell-command",
                "(start-process-shell-command",
            ] {
                out.extend(strings_after(code, call));
            }
        }
        "tclsh" | "wish" | "expect" => {
            for statement in code.split(['\n', ';']) {
                let statement = statement.trim_start().trim_start_matches('[');
                if let Some(command) = statement
                    .strip_prefix("exec ")
                    .or_else(|| statement.strip_prefix("spawn "))
                {
                    let command = command.trim_end().trim_end_matches(']');
                    out.push(command.trim_start_matches("-- ").to_owned());
                }
            }
        }
        _ => {}
    }
    out
}
