//! Shell scripts run with their arguments: `SHELL -c 'SCRIPT' ARG0 ARGS…`, read as the
//! commands the script runs with its positional parameters put in.
//!
//! Why: `find ~ -exec sh -c 'rm -rf "$1"' _ {} ;` is `find ~ -exec rm -rf {} ;` spelled
//! through a shell, and `xargs sh -c 'rm -rf "$@"' _` is `xargs rm -rf`. The readers that
//! know what the arguments will be (find's `{}`, xargs's input) use these commands in place
//! of the shell, so that the gates written for the plain spelling see them.

use std::borrow::Cow;

use super::{SHELLS, command_name, find_exec_end, is_find_exec, unwrapped_start};
use crate::lex::{self, Sep, Token, Word};

/// At most this many commands in a script read this way (more keeps the ordinary reading).
const MAX_COMMANDS: usize = 16;

/// Commands that may give the positional parameters other values, or run code that may: a
/// script running one keeps its ordinary reading.
const RESETS_PARAMETERS: &[&str] = &[
    "shift", "set", "eval", "source", ".", "builtin", "command", "getopts", "exec", "trap",
];

/// What `SHELL [OPTIONS] -c 'SCRIPT' [ARG0 [ARGS…]]` (all of `words`) runs, when its script
/// is a list of simple commands (`;`, `&&`, `||`, new lines between them): each command's
/// words with the positional parameters put in (`$0` is ARG0; `$1`… and `$@`/`$*` are ARGS,
/// in a word the script left unquoted or double-quoted; a `shift [N]` that surely runs moves
/// them along). `None` for anything else (no `-c`, a pipeline, a redirection, an assignment,
/// a compound command, a here-document, a command that may reset the parameters), which
/// keeps its ordinary reading.
pub(super) fn commands_with_arguments(words: &[Word<'_>]) -> Option<Vec<Vec<Word<'static>>>> {
    let j = script_at(words)?;
    let script = words.get(j)?;
    // A script computed at run time is not known.
    if script.dynamic {
        return None;
    }
    let arg0 = words.get(j + 1);
    let mut args = words.get(j + 2..).unwrap_or_default();
    let lexed = lex::lex(&script.text);
    if lexed.has_case || !lexed.heredocs.is_empty() {
        return None;
    }
    // The script's simple commands, each with whether it runs whatever came before (the
    // first, or after `;`, `&` or a new line).
    let mut raw: Vec<(bool, Vec<Word<'_>>)> = Vec::new();
    let mut current: Vec<Word<'_>> = Vec::new();
    let mut unconditional = true;
    for token in lexed.tokens {
        match token {
            Token::Word(w) => {
                if w.assignment || (current.is_empty() && lex::is_reserved(&w.text)) {
                    return None;
                }
                current.push(w);
            }
            Token::Separator(sep) => {
                if !current.is_empty() {
                    raw.push((unconditional, std::mem::take(&mut current)));
                }
                unconditional = matches!(sep, Sep::End);
            }
            _ => return None,
        }
    }
    if !current.is_empty() {
        raw.push((unconditional, current));
    }
    let mut commands: Vec<Vec<Word<'static>>> = Vec::with_capacity(raw.len());
    for (unconditional, command) in raw {
        // `shift` or `shift N` run whatever came before, with enough arguments to drop (too
        // few makes some shells stop the script, others go on): the arguments move along.
        if let [first, rest @ ..] = command.as_slice()
            && first.text == "shift"
            && !first.dynamic
        {
            let n = match rest {
                [] => Some(1),
                [n] if !n.dynamic => n.text.parse::<usize>().ok(),
                _ => None,
            };
            args = match n {
                Some(n) if unconditional => args.get(n..)?,
                _ => return None,
            };
            continue;
        }
        let mut expanded = Vec::with_capacity(command.len());
        for w in command {
            if !put_in(w, arg0, args, &mut expanded) {
                return None;
            }
        }
        if !expanded.is_empty() {
            commands.push(expanded);
        }
    }
    // A script that may change its parameters in another way (`eval "set -- --hard"`, a
    // sourced file, a conditional shift) is not read with them put in.
    let resets = commands
        .iter()
        .filter_map(|c| c.first())
        .any(|w| RESETS_PARAMETERS.contains(&&*w.text));
    (!resets && !commands.is_empty() && commands.len() <= MAX_COMMANDS).then_some(commands)
}

/// Whether `script` runs a command that may give its positional parameters other values
/// ([`RESETS_PARAMETERS`], in command position): the arguments after it are then not what
/// `$1`… stand for.
pub(super) fn may_reset_parameters(script: &str) -> bool {
    // In command position: the first word, or one after a separator, pipe or parenthesis.
    let mut first = true;
    lex::lex(script).tokens.iter().any(|token| match token {
        Token::Word(w) => {
            let named = first && RESETS_PARAMETERS.contains(&&*w.text);
            first = w.assignment || lex::is_reserved(&w.text);
            named
        }
        Token::Redirect(_) => false,
        _ => {
            first = true;
            false
        }
    })
}

/// `find … -exec SHELL -c 'SCRIPT' ARG0 {} ;` (or with `{}` in SCRIPT, which GNU find replaces
/// there too) with each command of the script as an `-exec`
/// of its own, its parameters put in (`-exec rm -rf {} ;`), wrappers before the shell kept
/// (`-exec sudo sh -c …` → `-exec sudo rm -rf {} ;`) and the terminator kept; `None` when no
/// `-exec` (`-execdir`, `-ok`, `-okdir`) of `argv` runs such a script given `{}`.
pub(super) fn find_exec_scripts(argv: &[Word<'_>]) -> Option<Vec<Word<'static>>> {
    let mut out: Vec<Word<'static>> = Vec::with_capacity(argv.len());
    let mut changed = false;
    let mut k = 0;
    while let Some(w) = argv.get(k) {
        k += 1;
        out.push(w.clone().into_owned());
        if !is_find_exec(&w.text) {
            continue;
        }
        let verb = w.clone().into_owned();
        let end = find_exec_end(argv, k);
        let inner = argv.get(k..end).unwrap_or_default();
        let terminator = argv.get(end).map(|w| w.clone().into_owned());
        let start = unwrapped_start(inner);
        let wrappers = inner.get(..start).unwrap_or_default();
        let commands = inner
            .get(start..)
            // `{}` as an argument, or in the script itself (GNU find replaces it anywhere).
            .filter(|shell| shell.iter().any(|w| w.text.contains("{}")))
            .and_then(commands_with_arguments);
        match commands {
            Some(commands) => {
                changed = true;
                // The `-exec` already pushed opens the first command.
                out.pop();
                for command in commands {
                    out.push(verb.clone());
                    out.extend(wrappers.iter().map(|w| w.clone().into_owned()));
                    out.extend(command);
                    out.extend(terminator.clone());
                }
            }
            None => {
                out.extend(inner.iter().map(|w| w.clone().into_owned()));
                out.extend(terminator);
            }
        }
        k = end + 1;
    }
    changed.then_some(out)
}

/// Stands for xargs's input among a script's arguments while it is read.
const INPUT: &str = "\u{0}xargs-input";

/// `xargs [OPTIONS] SHELL -c 'SCRIPT' ARG0 [ARGS…]` (`argv` from the shell on): the one
/// command of the script, when the input xargs appends is only its last parameters
/// (`sh -c 'rm -rf "$1"' _` and `sh -c 'rm -rf "$@"' _` are `rm -rf`, to which xargs
/// appends), or with the replace string of `-I` where it stands (`-I{} sh -c 'rm -rf
/// "$1"' _ {}` is `rm -rf {}`). `None` otherwise: a script that puts its input elsewhere,
/// or ignores it, keeps its ordinary reading.
pub(super) fn xargs_script(argv: &[Word<'_>], replace: Option<&str>) -> Option<Vec<Word<'static>>> {
    let mut commands = match replace {
        // A replace string in the script itself (`-I{} sh -c '{}'`, `-I% sh -c 'git %'`)
        // puts the input into the program: read as such elsewhere.
        Some(r) => {
            let script = argv.get(script_at(argv)?)?;
            if script.text.contains(r) {
                return None;
            }
            commands_with_arguments(argv)?
        }
        None => {
            let mut fed: Vec<Word<'_>> = argv.to_vec();
            fed.push(Word::plain(INPUT));
            commands_with_arguments(&fed)?
        }
    };
    let mut command = commands.pop().filter(|_| commands.is_empty())?;
    match replace {
        Some(r) => command
            .iter()
            .any(|w| w.text.contains(r))
            .then_some(command),
        None => {
            command.pop().filter(|w| w.text == INPUT)?;
            (!command.is_empty() && !command.iter().any(|w| w.text.contains(INPUT)))
                .then_some(command)
        }
    }
}

/// What a shell's options before its operand say (`sh -ec 'SCRIPT' ARG0 …`, `bash --rcfile
/// FILE -s`): one reader for the shell's own reading and the scripts read here.
pub(super) struct ShellOptions {
    /// The index of the first word after the options: the script with `-c`, else a script
    /// file or the first argument.
    pub(super) operand: usize,
    /// `-c` (fish's `--command`): the operand is the script.
    pub(super) command_string: bool,
    /// `-s`: the script comes on standard input.
    pub(super) reads_stdin: bool,
    /// The indexes of the values of `--rcfile FILE` and `--init-file FILE`: scripts the
    /// shell runs first.
    pub(super) rcfiles: Vec<usize>,
}

/// Reads a shell's options (`argv` from its name on).
pub(super) fn shell_options(argv: &[Word<'_>]) -> ShellOptions {
    let mut options = ShellOptions {
        operand: 1,
        command_string: false,
        reads_stdin: false,
        rcfiles: Vec::new(),
    };
    while let Some(w) = argv.get(options.operand) {
        let t = &*w.text;
        if t == "--" || t == "-" {
            options.operand += 1;
            break;
        }
        if let Some(long) = t.strip_prefix("--") {
            options.command_string |= long == "command";
            if matches!(long, "rcfile" | "init-file") {
                options.rcfiles.push(options.operand + 1);
                options.operand += 2;
            } else {
                options.operand += 1;
            }
            continue;
        }
        match t.strip_prefix('-').or_else(|| t.strip_prefix('+')) {
            Some(flags) if !flags.is_empty() => {
                options.command_string |= flags.contains('c');
                options.reads_stdin |= flags.contains('s');
                // `-o option` and `-O option` take an argument.
                options.operand += if flags.ends_with(['o', 'O']) { 2 } else { 1 };
            }
            _ => break,
        }
    }
    options
}

/// The index of the script in `SHELL [OPTIONS] -c 'SCRIPT' …`, `None` without `-c` or
/// with an option that runs more than the script (`--rcfile FILE`).
fn script_at(words: &[Word<'_>]) -> Option<usize> {
    let name = words.first()?;
    if !SHELLS.contains(&&*command_name(&name.text)) {
        return None;
    }
    let options = shell_options(words);
    (options.command_string && options.rcfiles.is_empty() && options.operand < words.len())
        .then_some(options.operand)
}

/// Pushes `w` with the positional parameters in it put in, as the shell expands them:
/// `"$@"` alone becomes one word per argument, `"$*"` alone one word of them all, an unquoted
/// `$@` or `$*` their words split at white space; `$0`…`$9` and `${0}`…`${9}` anywhere in the
/// word become the argument's text (an unset parameter stays as it was, computed), split at
/// white space when the word has no quotes. `false` when the split cannot be told: a value
/// with white space put into a word that is only partly quoted (`x"y"$1`).
fn put_in(
    w: Word<'_>,
    arg0: Option<&Word<'_>>,
    args: &[Word<'_>],
    out: &mut Vec<Word<'static>>,
) -> bool {
    if !w.dynamic {
        out.push(w.into_owned());
        return true;
    }
    let split = |text: &str, out: &mut Vec<Word<'static>>| {
        out.extend(
            text.split_ascii_whitespace()
                .map(|piece| Word::plain(piece.to_owned())),
        );
    };
    match (&*w.text, w.quoted) {
        ("$@" | "${@}", true) => {
            out.extend(args.iter().map(|a| a.clone().into_owned()));
            return true;
        }
        ("$*" | "${*}", true) => {
            let joined: Vec<&str> = args.iter().map(|a| &*a.text).collect();
            out.push(Word {
                quoted: true,
                ..Word::plain(joined.join(" "))
            });
            return true;
        }
        ("$@" | "${@}" | "$*" | "${*}", false) => {
            for a in args {
                split(&a.text, out);
            }
            return true;
        }
        _ => {}
    }
    let text = &*w.text;
    let mut result = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    let mut spaced = false;
    while let Some(at) = rest.find('$') {
        let (before, from) = rest.split_at(at);
        result.push_str(before);
        let after = from.get(1..).unwrap_or_default();
        let (digit, len) = match after.as_bytes() {
            [b'{', d @ b'0'..=b'9', b'}', ..] => (Some(*d), 4),
            [d @ b'0'..=b'9', ..] => (Some(*d), 2),
            _ => (None, 1),
        };
        let value = digit.and_then(|d| match d - b'0' {
            0 => arg0,
            n => args.get(usize::from(n) - 1),
        });
        match value {
            Some(value) => {
                result.push_str(&value.text);
                spaced |= value.text.contains(|c: char| c.is_ascii_whitespace());
                changed = true;
            }
            None => result.push_str(from.get(..len).unwrap_or_default()),
        }
        rest = from.get(len..).unwrap_or_default();
    }
    if !changed {
        out.push(w.into_owned());
        return true;
    }
    result.push_str(rest);
    let dynamic = result.contains(['$', '`']);
    // Unquoted: the shell splits the value into words (an empty one leaves none).
    if !w.quoted && !dynamic {
        split(&result, out);
        return true;
    }
    // `"$1"` is one word; in `x"y"$1` (or beside a parameter still unset) which part was
    // quoted is not known here.
    let whole = matches!(
        text.as_bytes(),
        [b'$', b'0'..=b'9'] | [b'$', b'{', b'0'..=b'9', b'}']
    );
    if spaced && !(w.quoted && whole) {
        return false;
    }
    out.push(Word {
        text: Cow::Owned(result),
        dynamic,
        ..w.into_owned()
    });
    true
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::super::split_words;
    use super::*;

    fn read(command: &str) -> Option<Vec<String>> {
        commands_with_arguments(&split_words(command)).map(|commands| {
            commands
                .iter()
                .map(|c| {
                    c.iter()
                        .map(|w| w.text.as_ref())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
    }

    /// The words of each command, each in brackets (so that splitting shows).
    fn words(command: &str) -> Option<Vec<String>> {
        commands_with_arguments(&split_words(command)).map(|commands| {
            commands
                .iter()
                .map(|c| c.iter().map(|w| format!("[{}]", w.text)).collect())
                .collect()
        })
    }

    #[test]
    fn parameters_split_as_the_shell_splits_them() {
        for (command, expected) in [
            (r#"sh -c 'git $1' _ 'reset --hard'"#, "[git][reset][--hard]"),
            (
                r#"sh -c 'git "$1"' _ 'reset --hard'"#,
                "[git][reset --hard]",
            ),
            (
                r#"sh -c 'git $@' _ 'reset --hard' x"#,
                "[git][reset][--hard][x]",
            ),
            (
                r#"sh -c 'git "$@"' _ 'reset --hard' x"#,
                "[git][reset --hard][x]",
            ),
            (r#"sh -c 'git $*' _ 'a b' c"#, "[git][a][b][c]"),
            (r#"sh -c 'git "$*"' _ 'a b' c"#, "[git][a b c]"),
            (r#"sh -c 'git ${1}' _ 'a  b'"#, "[git][a][b]"),
            (r#"sh -c 'git $1' _ ''"#, "[git]"),
            (r#"sh -c 'git "$1"' _ ''"#, "[git][]"),
            (r#"sh -c 'git x$1' _ 'a b'"#, "[git][xa][b]"),
        ] {
            assert_eq!(words(command), Some(vec![expected.to_owned()]), "{command}");
        }
        // Partly quoted: which part the value went into is not known here.
        assert_eq!(words(r#"sh -c 'git x"y"$1' _ 'a b'"#), None);
        // `shift` moves the arguments along when it surely runs.
        assert_eq!(
            words(r#"sh -c 'shift; git reset $1' _ x --hard"#),
            Some(vec!["[git][reset][--hard]".to_owned()])
        );
        assert_eq!(
            words(r#"sh -c 'shift 2 ; git $1' _ a b 'reset --hard'"#),
            Some(vec!["[git][reset][--hard]".to_owned()])
        );
        // A shift that may not run, or parameters that may change otherwise.
        for command in [
            r#"sh -c 'true && shift; git reset $1' _ x --hard"#,
            r#"sh -c 'shift 3; git reset $1' _ x --hard"#,
            r#"sh -c 'shift $n; git reset $1' _ x --hard"#,
            r#"sh -c 'eval "set -- --hard"; git reset $1' _ x"#,
            r#"sh -c '. ./env.sh; git reset "$1"' _ x"#,
        ] {
            assert_eq!(words(command), None, "{command}");
            assert!(
                may_reset_parameters(&split_words(command)[2].text),
                "{command}"
            );
        }
        assert!(!may_reset_parameters("git reset --hard"));
    }

    #[test]
    fn positional_parameters_take_the_arguments() {
        for (command, expected) in [
            (r#"sh -c 'rm -rf "$1"' _ {}"#, vec!["rm -rf {}"]),
            (r#"bash -c 'rm -rf $0' {}"#, vec!["rm -rf {}"]),
            (r#"sh -c 'rm -rf "$@"' sh a b"#, vec!["rm -rf a b"]),
            (
                r#"sh -c 'rm -rf "${1}"/*' _ /home/u"#,
                vec!["rm -rf /home/u/*"],
            ),
            (
                r#"sh -ec 'echo "$1"; rm -rf "$1"' _ ~"#,
                vec!["echo ~", "rm -rf ~"],
            ),
            (
                r#"/bin/dash -x -c 'chmod -R 777 "$1" && ls' x {}"#,
                vec!["chmod -R 777 {}", "ls"],
            ),
            // An unset parameter stays computed; a single-quoted one is text.
            (r#"sh -c 'rm -rf "$2"' _ a"#, vec!["rm -rf $2"]),
            (r#"sh -c "echo '\$1'" _ a"#, vec!["echo $1"]),
            (
                r#"sh -c 'git push -f origin "$1"' _ main"#,
                vec!["git push -f origin main"],
            ),
        ] {
            assert_eq!(
                read(command),
                Some(expected.iter().map(|s| (*s).to_owned()).collect()),
                "{command}"
            );
        }
    }

    fn xargs(command: &str, replace: Option<&str>) -> Option<String> {
        xargs_script(&split_words(command), replace).map(|c| {
            c.iter()
                .map(|w| w.text.as_ref())
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    #[test]
    fn xargs_appends_to_the_scripts_command() {
        assert_eq!(
            xargs(r#"sh -c 'rm -rf "$1"' _"#, None).as_deref(),
            Some("rm -rf")
        );
        assert_eq!(
            xargs(r#"sh -c 'rm -rf "$@"' _"#, None).as_deref(),
            Some("rm -rf")
        );
        assert_eq!(
            xargs(r#"bash -c 'rm -rf $0'"#, None).as_deref(),
            Some("rm -rf")
        );
        assert_eq!(
            xargs(r#"sh -c 'rm -rf "$1"' _ {}"#, Some("{}")).as_deref(),
            Some("rm -rf {}")
        );
        assert_eq!(xargs("sh -c 'rm -rf %'", Some("%")), None);
        assert_eq!(xargs("sh -c '{}'", Some("{}")), None);
        // The input elsewhere, ignored, or in two commands: not read this way.
        assert_eq!(xargs(r#"sh -c 'cp "$1" /tmp'"#, None), None);
        assert_eq!(xargs("sh -c 'rm -rf /tmp/x' _", None), None);
        assert_eq!(xargs(r#"sh -c 'echo "$1"; rm -rf "$1"' _"#, None), None);
        assert_eq!(xargs("sh -c 'ls' _", Some("{}")), None);
    }

    #[test]
    fn other_scripts_keep_their_ordinary_reading() {
        for command in [
            "sh script.sh a",
            "sh -c",
            r#"sh -c 'x=$1; rm -rf "$x"' _ ~"#,
            r#"sh -c 'cat "$1" | sh' _ f"#,
            r#"sh -c 'echo "$1" > f' _ a"#,
            r#"sh -c 'if true; then rm -rf "$1"; fi' _ ~"#,
            r#"sh -c "$CMD" _ a"#,
            r#"bash --rcfile f -c 'ls' _"#,
            r#"python3 -c 'print(1)' a"#,
            r#"sh -c '(rm -rf "$1")' _ ~"#,
        ] {
            assert_eq!(read(command), None, "{command}");
        }
    }
}
