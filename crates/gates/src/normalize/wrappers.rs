//! Commands that run other commands: privilege and environment wrappers (`sudo`, `doas`,
//! `env`, `setpriv`, `sg -c`, `fakeroot`, `chroot`, `unshare`, `nsenter`, `wsl`), process
//! wrappers (`nice`, `timeout`, `stdbuf`, `flock`, `prlimit`, `valgrind`, `systemd-run`, …),
//! multi-call binaries (`busybox`, `toybox`), environment runners (`uv run`, `poetry run`,
//! `conda run`, `nix-shell --run`, …), terminal multiplexers (`tmux`, `screen`), and the
//! fan-out tools (`xargs`, `parallel`, `watch`, `script -c`, `ssh`).
//!
//! Each is one row of [`WRAPPERS`]: its names, its options (read with the command model's
//! [`OptionTable`]), and what follows them ([`Then`]). A new wrapper is a new row. `env`
//! (`-S` splits a string into words, `-` alone is `-i`), `command` (`-v` only looks a name up)
//! `parallel` (`:::` argument lists), `tmux` (its subcommands) and the environment runners
//! (`run` after the tool's name) are the only ones with code of their own.

use crate::lex::Word;
use crate::model::{ArgKind, OptionSpec as O, OptionTable, Syntax};

/// How a wrapper continues.
#[derive(Debug)]
pub(super) enum Unwrap {
    /// The real command starts at this word index.
    Skip(usize),
    /// The command is the shell script in this text (`su -c STRING`, `watch STRING`).
    Script(String),
    /// Several shell scripts (`parallel CMD ::: A B`: one per argument).
    Scripts(Vec<String>),
    /// `env -S STRING`: the string is split into words, followed by the words from `rest` on.
    Argv {
        /// The string.
        text: String,
        /// The index of the first word after it.
        rest: usize,
    },
    /// `xargs`: the command starts at `start`, and its arguments come in part from standard
    /// input or a file the gate cannot see: appended to it, or put in place of the `replace`
    /// string (`-I{}`) wherever a word holds it.
    Fanout {
        /// The index of the command's name.
        start: usize,
        /// The replace string of `-I`/`-i`/`--replace`, if any.
        replace: Option<String>,
    },
    /// The commands come from standard input or a file the gate cannot see
    /// (`parallel` with no command and no `:::`).
    Unseen,
}

/// What follows a wrapper's options.
#[derive(Debug, Clone, Copy)]
enum Then {
    /// The command starts after this many operands (`timeout DURATION CMD`: 1).
    Command(usize),
    /// The value of this option is a shell script (`su -c`); the option may also follow this
    /// many operands (`flock FILE -c CMD`). Without it, the command starts after those
    /// operands, unless `fallback_command` is false (`script` without `-c` runs a login shell).
    ScriptOption {
        long: &'static str,
        operands: usize,
        fallback_command: bool,
    },
    /// The operands after this many are joined into a shell script (`watch CMD`, `ssh HOST CMD`).
    ScriptOperands(usize),
}

struct Wrapper {
    names: &'static [&'static str],
    options: OptionTable,
    then: Then,
}

const fn posix(options: &'static [O]) -> OptionTable {
    OptionTable::new(Syntax::Posix, options)
}

/// The wrappers. Options are those of the GNU, BSD and util-linux versions together, so that
/// a value is never mistaken for the command.
const WRAPPERS: &[Wrapper] = &[
    Wrapper {
        names: &["sudo"],
        options: posix(&[
            O::value("user", Some('u')),
            O::value("group", Some('g')),
            O::value("close-from", Some('C')),
            O::value("chdir", Some('D')),
            O::value("host", Some('h')),
            O::value("prompt", Some('p')),
            O::value("role", Some('r')),
            O::value("type", Some('t')),
            O::value("other-user", Some('U')),
            O::value("command-timeout", Some('T')),
            O::value("chroot", Some('R')),
            O::flag("preserve-env", Some('E')),
            O::flag("set-home", Some('H')),
            O::flag("non-interactive", Some('n')),
            O::flag("stdin", Some('S')),
            O::flag("background", Some('b')),
            O::flag("login", Some('i')),
            O::flag("shell", Some('s')),
            O::flag("reset-timestamp", Some('k')),
            O::flag("askpass", Some('A')),
            O::flag("preserve-groups", Some('P')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["doas"],
        options: posix(&[
            O::value("u", Some('u')),
            O::value("C", Some('C')),
            O::flag("n", Some('n')),
            O::flag("s", Some('s')),
            O::flag("L", Some('L')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["run0", "pkexec"],
        options: posix(&[
            O::value("user", Some('u')),
            O::value("group", Some('g')),
            O::value("chdir", Some('D')),
            O::value("description", None),
            O::value("setenv", None),
            O::flag("keep-cwd", None),
            O::flag("disable-internal-agent", None),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["runuser"],
        options: OptionTable::new(
            Syntax::Gnu,
            &[
                O::value("user", Some('u')),
                O::value("group", Some('g')),
                O::value("supp-group", Some('G')),
                O::value("command", Some('c')),
                O::value("shell", Some('s')),
                O::flag("login", Some('l')),
                O::flag("preserve-environment", Some('m')),
                O::flag("pty", Some('P')),
            ],
        ),
        then: Then::ScriptOption {
            long: "command",
            operands: 0,
            fallback_command: true,
        },
    },
    Wrapper {
        names: &["su"],
        options: OptionTable::new(
            Syntax::Gnu,
            &[
                O::value("command", Some('c')),
                O::value("session-command", None),
                O::value("shell", Some('s')),
                O::value("group", Some('g')),
                O::value("supp-group", Some('G')),
                O::value("whitelist-environment", Some('w')),
                O::flag("login", Some('l')),
                O::flag("preserve-environment", Some('m')),
                O::flag("p", Some('p')),
                O::flag("fast", Some('f')),
                O::flag("pty", Some('P')),
            ],
        ),
        then: Then::ScriptOption {
            long: "command",
            operands: 0,
            fallback_command: false,
        },
    },
    Wrapper {
        names: &[
            "nohup",
            "setsid",
            "unbuffer",
            "chronic",
            "catchsegv",
            "builtin",
            "caffeinate",
        ],
        options: posix(&[
            O::flag("c", Some('c')),
            O::flag("f", Some('f')),
            O::flag("w", Some('w')),
            O::flag("d", Some('d')),
            O::flag("i", Some('i')),
            O::flag("m", Some('m')),
            O::flag("s", Some('s')),
            O::flag("u", Some('u')),
            O::flag("e", Some('e')),
            O::flag("v", Some('v')),
            O::value("t", Some('t')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["time"],
        options: posix(&[
            O::value("format", Some('f')),
            O::value("output", Some('o')),
            O::flag("portability", Some('p')),
            O::flag("append", Some('a')),
            O::flag("verbose", Some('v')),
            O::flag("quiet", Some('q')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["nice"],
        options: posix(&[O::value("adjustment", Some('n'))]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["ionice"],
        options: posix(&[
            O::value("class", Some('c')),
            O::value("classdata", Some('n')),
            O::value("pid", Some('p')),
            O::value("pgid", Some('P')),
            O::value("uid", Some('u')),
            O::flag("ignore", Some('t')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["stdbuf"],
        options: posix(&[
            O::value("input", Some('i')),
            O::value("output", Some('o')),
            O::value("error", Some('e')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["chrt"],
        options: posix(&[
            O::flag("batch", Some('b')),
            O::flag("deadline", Some('d')),
            O::flag("fifo", Some('f')),
            O::flag("idle", Some('i')),
            O::flag("other", Some('o')),
            O::flag("rr", Some('r')),
            O::flag("reset-on-fork", Some('R')),
            O::flag("all-tasks", Some('a')),
            O::flag("verbose", Some('v')),
            O::value("sched-runtime", Some('T')),
            O::value("sched-period", Some('P')),
            O::value("sched-deadline", Some('D')),
        ]),
        then: Then::Command(1),
    },
    Wrapper {
        names: &["taskset"],
        options: posix(&[
            O::flag("cpu-list", Some('c')),
            O::flag("all-tasks", Some('a')),
        ]),
        then: Then::Command(1),
    },
    Wrapper {
        names: &["timeout"],
        options: posix(&[
            O::value("signal", Some('s')),
            O::value("kill-after", Some('k')),
            O::flag("preserve-status", None),
            O::flag("foreground", None),
            O::flag("verbose", Some('v')),
        ]),
        then: Then::Command(1),
    },
    Wrapper {
        names: &["exec"],
        options: posix(&[
            O::value("a", Some('a')),
            O::flag("c", Some('c')),
            O::flag("l", Some('l')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["strace", "ltrace"],
        options: posix(&[
            O::value("output", Some('o')),
            O::value("expr", Some('e')),
            O::value("string-limit", Some('s')),
            O::value("attach", Some('p')),
            O::value("user", Some('u')),
            O::value("env", Some('E')),
            O::value("trace-path", Some('P')),
            O::value("absolute-timestamps", None),
            O::flag("follow-forks", Some('f')),
            O::flag("summary-only", Some('c')),
            O::flag("summary", Some('C')),
            O::flag("t", Some('t')),
            O::flag("T", Some('T')),
            O::flag("i", Some('i')),
            O::flag("y", Some('y')),
            O::flag("q", Some('q')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["xvfb-run"],
        options: posix(&[
            O::flag("auto-servernum", Some('a')),
            O::value("error-file", Some('e')),
            O::value("auth-file", Some('f')),
            O::value("server-num", Some('n')),
            O::flag("listen-tcp", Some('l')),
            O::value("xauth-protocol", Some('p')),
            O::value("server-args", Some('s')),
            O::value("wait", Some('w')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        // `faketime [-f] [-m] TIMESPEC CMD…`.
        names: &["faketime"],
        options: posix(&[
            O::flag("f", Some('f')),
            O::flag("m", Some('m')),
            O::flag("exclude-monotonic", None),
            O::value("date-prog", None),
        ]),
        then: Then::Command(1),
    },
    Wrapper {
        names: &["numactl"],
        options: posix(&[
            O::value("cpunodebind", Some('N')),
            O::value("membind", Some('m')),
            O::value("physcpubind", Some('C')),
            O::value("interleave", Some('i')),
            O::value("preferred", Some('p')),
            O::value("preferred-many", Some('P')),
            O::value("weighted-interleave", Some('w')),
            O::flag("localalloc", Some('l')),
            O::flag("all", Some('a')),
            O::flag("balancing", Some('b')),
            O::flag("hardware", Some('H')),
            O::flag("show", Some('s')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["cgexec"],
        options: posix(&[O::value("g", Some('g')), O::flag("sticky", None)]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["rlwrap"],
        options: posix(&[
            O::optional("always-readline", Some('a')),
            O::value("break-chars", Some('b')),
            O::flag("complete-filenames", Some('c')),
            O::value("command-name", Some('C')),
            O::value("history-no-dupes", Some('D')),
            O::value("extra-char-after-completion", Some('e')),
            O::value("file", Some('f')),
            O::value("forget-matching", Some('g')),
            O::value("history-filename", Some('H')),
            O::value("logfile", Some('l')),
            O::optional("multi-line", Some('m')),
            O::value("multi-line-ext", Some('M')),
            O::value("only-cook", Some('O')),
            O::optional("prompt-colour", Some('p')),
            O::value("pre-given", Some('P')),
            O::value("quote-characters", Some('q')),
            O::value("histsize", Some('s')),
            O::value("substitute-prompt", Some('S')),
            O::value("set-term-name", Some('t')),
            O::value("wait-before-prompt", Some('w')),
            O::value("filter", Some('z')),
            O::flag("ansi-colour-aware", Some('A')),
            O::flag("case-insensitive", Some('i')),
            O::flag("no-children", Some('n')),
            O::flag("no-warnings", Some('N')),
            O::flag("remember", Some('r')),
            O::flag("renice", Some('R')),
            O::flag("version", Some('v')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["torsocks"],
        options: posix(&[
            O::value("user", Some('u')),
            O::value("pass", Some('p')),
            O::value("address", Some('a')),
            O::value("port", Some('P')),
            O::flag("isolate", Some('i')),
            O::flag("debug", Some('d')),
            O::flag("quiet", Some('q')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["proxychains", "proxychains4"],
        options: posix(&[O::value("f", Some('f')), O::flag("q", Some('q'))]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["dbus-run-session"],
        options: posix(&[O::value("config-file", None), O::value("dbus-daemon", None)]),
        then: Then::Command(0),
    },
    Wrapper {
        // task-spooler.
        names: &["tsp"],
        options: posix(&[
            O::flag("n", Some('n')),
            O::flag("f", Some('f')),
            O::flag("g", Some('g')),
            O::flag("m", Some('m')),
            O::flag("E", Some('E')),
            O::flag("B", Some('B')),
            O::value("L", Some('L')),
            O::value("D", Some('D')),
            O::value("N", Some('N')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["daemonize"],
        options: posix(&[
            O::flag("a", Some('a')),
            O::flag("v", Some('v')),
            O::value("c", Some('c')),
            O::value("e", Some('e')),
            O::value("E", Some('E')),
            O::value("o", Some('o')),
            O::value("p", Some('p')),
            O::value("l", Some('l')),
            O::value("u", Some('u')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        // GNU parallel's `sem`: the operands are one command, run by a shell.
        names: &["sem"],
        options: posix(&[
            O::value("jobs", Some('j')),
            O::value("id", None),
            O::value("semaphoretimeout", None),
            O::value("semaphorename", None),
            O::value("st", None),
            O::flag("fg", None),
            O::flag("bg", None),
            O::flag("wait", None),
            O::flag("semaphore", None),
        ]),
        then: Then::ScriptOperands(0),
    },
    Wrapper {
        names: &["busybox", "toybox"],
        options: posix(&[]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["prlimit"],
        options: posix(&[
            O::value("pid", Some('p')),
            O::value("output", Some('o')),
            O::flag("noheadings", None),
            O::flag("raw", None),
            O::flag("verbose", None),
            O::optional("core", Some('c')),
            O::optional("data", Some('d')),
            O::optional("nice", Some('e')),
            O::optional("fsize", Some('f')),
            O::optional("sigpending", Some('i')),
            O::optional("memlock", Some('l')),
            O::optional("rss", Some('m')),
            O::optional("nofile", Some('n')),
            O::optional("msgqueue", Some('q')),
            O::optional("rtprio", Some('r')),
            O::optional("stack", Some('s')),
            O::optional("cpu", Some('t')),
            O::optional("nproc", Some('u')),
            O::optional("as", Some('v')),
            O::optional("locks", Some('x')),
            O::optional("rttime", Some('y')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["setpriv"],
        options: posix(&[
            O::flag("dump", Some('d')),
            O::flag("no-new-privs", None),
            O::flag("nnp", None),
            O::flag("clear-groups", None),
            O::flag("keep-groups", None),
            O::flag("init-groups", None),
            O::flag("reset-env", None),
            O::value("reuid", None),
            O::value("regid", None),
            O::value("ruid", None),
            O::value("euid", None),
            O::value("rgid", None),
            O::value("egid", None),
            O::value("groups", None),
            O::value("inh-caps", None),
            O::value("ambient-caps", None),
            O::value("bounding-set", None),
            O::value("securebits", None),
            O::value("pdeathsig", None),
            O::value("selinux-label", None),
            O::value("apparmor-profile", None),
            O::value("landlock-access", None),
            O::value("landlock-rule", None),
            O::value("seccomp-filter", None),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["fakeroot", "fakeroot-ng", "proot"],
        options: posix(&[
            O::value("lib", Some('l')),
            O::value("faked", None),
            O::value("s", Some('s')),
            O::value("i", Some('i')),
            O::value("b", Some('b')),
            O::flag("unknown-is-real", Some('u')),
            O::value("rootfs", Some('r')),
            O::value("bind", Some('b')),
            O::value("cwd", Some('w')),
            O::value("q", Some('q')),
            O::flag("root-id", Some('0')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["chroot"],
        options: posix(&[
            O::value("userspec", None),
            O::value("groups", None),
            O::flag("skip-chdir", None),
        ]),
        then: Then::Command(1),
    },
    Wrapper {
        names: &["unshare", "nsenter"],
        options: posix(&[
            O::value("target", Some('t')),
            O::optional("mount", Some('m')),
            O::optional("uts", Some('u')),
            O::optional("ipc", Some('i')),
            O::optional("net", Some('n')),
            O::optional("pid", Some('p')),
            O::optional("user", Some('U')),
            O::optional("cgroup", Some('C')),
            O::optional("time", Some('T')),
            O::optional("root", Some('r')),
            O::optional("wd", Some('w')),
            O::optional("mount-proc", None),
            O::optional("kill-child", None),
            O::value("setuid", Some('S')),
            O::value("setgid", Some('G')),
            O::value("propagation", None),
            O::value("setgroups", None),
            O::value("map-user", None),
            O::value("map-group", None),
            O::value("map-users", None),
            O::value("map-groups", None),
            O::value("monotonic", None),
            O::value("boottime", None),
            O::flag("fork", Some('f')),
            O::flag("map-root-user", Some('R')),
            O::flag("map-current-user", Some('c')),
            O::flag("keep-caps", None),
            O::flag("all", Some('a')),
            O::flag("no-fork", Some('F')),
            O::flag("preserve-credentials", None),
            O::flag("follow-context", Some('Z')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["valgrind", "heaptrack"],
        options: posix(&[
            O::flag("q", Some('q')),
            O::flag("v", Some('v')),
            O::value("o", Some('o')),
            O::value("e", Some('e')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["systemd-run"],
        options: posix(&[
            O::value("unit", Some('u')),
            O::value("property", Some('p')),
            O::value("description", None),
            O::value("slice", None),
            O::value("uid", None),
            O::value("gid", None),
            O::value("nice", None),
            O::value("working-directory", Some('D')),
            O::value("setenv", Some('E')),
            O::value("on-calendar", None),
            O::value("on-active", None),
            O::value("on-boot", None),
            O::value("on-startup", None),
            O::value("on-unit-active", None),
            O::value("on-unit-inactive", None),
            O::value("timer-property", None),
            O::value("path-property", None),
            O::value("socket-property", None),
            O::value("machine", Some('M')),
            O::value("host", Some('H')),
            O::value("service-type", None),
            O::flag("user", None),
            O::flag("system", None),
            O::flag("scope", None),
            O::flag("wait", None),
            O::flag("pty", Some('t')),
            O::flag("pipe", Some('P')),
            O::flag("quiet", Some('q')),
            O::flag("collect", Some('G')),
            O::flag("shell", Some('S')),
            O::flag("same-dir", Some('d')),
            O::flag("no-block", None),
            O::flag("remain-after-exit", Some('r')),
            O::flag("send-sighup", None),
            O::flag("no-ask-password", None),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["wsl"],
        options: posix(&[
            O::value("distribution", Some('d')),
            O::value("user", Some('u')),
            O::value("cd", None),
            O::value("shell-type", None),
            O::flag("exec", Some('e')),
            O::flag("system", None),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["screen"],
        options: posix(&[
            O::value("S", Some('S')),
            O::value("c", Some('c')),
            O::value("e", Some('e')),
            O::value("h", Some('h')),
            O::value("p", Some('p')),
            O::value("s", Some('s')),
            O::value("t", Some('t')),
            O::value("T", Some('T')),
            O::value("Logfile", None),
            O::flag("d", Some('d')),
            O::flag("m", Some('m')),
            O::flag("D", Some('D')),
            O::flag("R", Some('R')),
            O::flag("r", Some('r')),
            O::flag("x", Some('x')),
            O::flag("a", Some('a')),
            O::flag("A", Some('A')),
            O::flag("f", Some('f')),
            O::flag("i", Some('i')),
            O::flag("l", Some('l')),
            O::flag("L", Some('L')),
            O::flag("O", Some('O')),
            O::flag("q", Some('q')),
            O::flag("U", Some('U')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["sg"],
        options: posix(&[O::value("command", Some('c'))]),
        then: Then::ScriptOption {
            long: "command",
            operands: 1,
            fallback_command: false,
        },
    },
    Wrapper {
        names: &["nix-shell"],
        options: posix(&[
            O::value("run", None),
            O::value("command", None),
            O::value("packages", Some('p')),
            O::value("attr", Some('A')),
            O::value("arg", None),
            O::value("argstr", None),
            O::value("include", Some('I')),
            O::flag("pure", None),
            O::flag("impure", None),
        ]),
        then: Then::ScriptOption {
            long: "run",
            operands: 0,
            fallback_command: false,
        },
    },
    Wrapper {
        // Its options are `--name` or `--name=value` words.
        names: &["firejail"],
        options: posix(&[O::flag("quiet", None), O::flag("noprofile", None)]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["npx", "bunx"],
        options: posix(&[
            O::value("call", Some('c')),
            O::value("package", Some('p')),
            O::flag("yes", Some('y')),
            O::flag("no", None),
            O::flag("quiet", Some('q')),
        ]),
        then: Then::ScriptOption {
            long: "call",
            operands: 0,
            fallback_command: true,
        },
    },
    Wrapper {
        // `uv tool run`: the tool's command and its arguments.
        names: &["uvx"],
        options: posix(&[
            O::value("from", None),
            O::value("with", Some('w')),
            O::value("with-editable", None),
            O::value("with-requirements", None),
            O::value("python", Some('p')),
            O::value("index", None),
            O::value("index-url", Some('i')),
            O::value("extra-index-url", None),
            O::value("default-index", None),
            O::value("constraints", Some('c')),
            O::value("overrides", None),
            O::value("directory", None),
            O::value("project", None),
            O::value("env-file", None),
            O::value("cache-dir", None),
            O::value("config-file", None),
            O::flag("isolated", None),
            O::flag("quiet", Some('q')),
            O::flag("verbose", Some('v')),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["xargs"],
        options: posix(&[
            O::flag("null", Some('0')),
            O::value("arg-file", Some('a')),
            O::value("delimiter", Some('d')),
            O::value("E", Some('E')),
            O::optional("eof", Some('e')),
            O::value("I", Some('I')),
            O::optional("replace", Some('i')),
            O::value("max-lines", Some('L')),
            O::optional("l", Some('l')),
            O::value("max-args", Some('n')),
            O::value("max-procs", Some('P')),
            O::flag("interactive", Some('p')),
            O::flag("no-run-if-empty", Some('r')),
            O::value("max-chars", Some('s')),
            O::flag("verbose", Some('t')),
            O::flag("exit", Some('x')),
            O::flag("open-tty", Some('o')),
            O::value("process-slot-var", None),
            O::flag("show-limits", None),
        ]),
        then: Then::Command(0),
    },
    Wrapper {
        names: &["flock"],
        options: posix(&[
            O::flag("shared", Some('s')),
            O::flag("exclusive", Some('x')),
            O::flag("unlock", Some('u')),
            O::flag("nonblock", Some('n')),
            O::value("timeout", Some('w')),
            O::value("conflict-exit-code", Some('E')),
            O::flag("close", Some('o')),
            O::flag("no-fork", Some('F')),
            O::flag("verbose", None),
            O::value("command", Some('c')),
        ]),
        then: Then::ScriptOption {
            long: "command",
            operands: 1,
            fallback_command: true,
        },
    },
    Wrapper {
        names: &["script"],
        options: OptionTable::new(
            Syntax::Gnu,
            &[
                O::flag("append", Some('a')),
                O::value("command", Some('c')),
                O::flag("return", Some('e')),
                O::flag("flush", Some('f')),
                O::flag("force", None),
                O::flag("quiet", Some('q')),
                O::optional("timing", Some('t')),
                O::value("log-timing", Some('T')),
                O::value("log-io", Some('B')),
                O::value("log-in", Some('I')),
                O::value("log-out", Some('O')),
                O::value("echo", Some('E')),
                O::value("logging-format", Some('m')),
                O::value("output-limit", None),
            ],
        ),
        then: Then::ScriptOption {
            long: "command",
            operands: 0,
            fallback_command: false,
        },
    },
    Wrapper {
        names: &["watch"],
        options: posix(&[
            O::value("interval", Some('n')),
            O::optional("differences", Some('d')),
            O::flag("no-title", Some('t')),
            O::flag("beep", Some('b')),
            O::flag("errexit", Some('e')),
            O::flag("chgexit", Some('g')),
            O::flag("color", Some('c')),
            O::flag("no-color", Some('C')),
            O::flag("exec", Some('x')),
            O::flag("precise", Some('p')),
            O::flag("no-wrap", Some('w')),
            O::value("equexit", Some('q')),
            O::flag("no-linewrap", None),
        ]),
        then: Then::ScriptOperands(0),
    },
    Wrapper {
        names: &["ssh"],
        options: posix(&[
            O::value("p", Some('p')),
            O::value("i", Some('i')),
            O::value("l", Some('l')),
            O::value("o", Some('o')),
            O::value("F", Some('F')),
            O::value("J", Some('J')),
            O::value("L", Some('L')),
            O::value("R", Some('R')),
            O::value("D", Some('D')),
            O::value("b", Some('b')),
            O::value("c", Some('c')),
            O::value("e", Some('e')),
            O::value("m", Some('m')),
            O::value("O", Some('O')),
            O::value("Q", Some('Q')),
            O::value("S", Some('S')),
            O::value("W", Some('W')),
            O::value("w", Some('w')),
            O::value("E", Some('E')),
            O::value("B", Some('B')),
            O::value("I", Some('I')),
        ]),
        then: Then::ScriptOperands(1),
    },
];

/// `command`'s options (`-v`/`-V` only look a name up, and are read by hand).
const COMMAND: OptionTable = posix(&[O::flag("p", Some('p'))]);

/// `env`'s options (`-S` and `-` are read by hand).
const ENV: OptionTable = posix(&[
    O::flag("ignore-environment", Some('i')),
    O::flag("null", Some('0')),
    O::value("unset", Some('u')),
    O::value("chdir", Some('C')),
    O::value("P", Some('P')),
    O::value("split-string", Some('S')),
    O::optional("default-signal", None),
    O::optional("ignore-signal", None),
    O::optional("block-signal", None),
    O::flag("list-signal-handling", None),
    O::flag("debug", Some('v')),
]);

/// GNU `parallel`'s options that take a value.
const PARALLEL: OptionTable = posix(&[
    O::value("jobs", Some('j')),
    O::value("max-procs", Some('P')),
    O::value("sshlogin", Some('S')),
    O::value("sshloginfile", None),
    O::value("arg-file", Some('a')),
    O::value("colsep", Some('C')),
    O::value("delimiter", Some('d')),
    O::value("E", Some('E')),
    O::value("I", Some('I')),
    O::value("joblog", None),
    O::value("results", None),
    O::value("tmpdir", None),
    O::value("timeout", None),
    O::value("retries", None),
    O::value("max-args", Some('n')),
    O::value("N", Some('N')),
    O::value("max-lines", Some('L')),
    O::value("halt", None),
    O::value("delay", None),
    O::value("block", None),
    O::value("env", None),
    O::value("tagstring", None),
    O::value("workdir", None),
    O::value("wd", None),
    O::value("basefile", None),
    O::value("return", None),
    O::value("nice", None),
    O::value("load", None),
    O::value("memfree", None),
    O::value("header", None),
    O::value("shebang-wrap", None),
    O::flag("keep-order", Some('k')),
    O::flag("verbose", Some('v')),
    O::flag("dry-run", None),
    O::flag("quote", Some('q')),
    O::flag("pipe", None),
    O::flag("pipepart", None),
    O::flag("spreadstdin", None),
    O::flag("tag", None),
    O::flag("ungroup", Some('u')),
    O::flag("line-buffer", None),
    O::flag("group", None),
    O::flag("will-cite", None),
    O::flag("eta", None),
    O::flag("bar", None),
    O::flag("progress", None),
    O::flag("X", Some('X')),
    O::flag("m", Some('m')),
    O::flag("null", Some('0')),
    O::flag("plus", None),
    O::flag("shuf", None),
    O::flag("transfer", None),
    O::flag("cleanup", None),
]);

/// At most this many `parallel` arguments are each turned into a command.
const MAX_FANOUT: usize = 64;

/// The index of the first operand in `words[from..]` read against `table`, or `words.len()`.
fn first_operand(words: &[Word<'_>], from: usize, table: &OptionTable) -> usize {
    from + table.first_operand(words.get(from..).unwrap_or_default())
}

/// The words' texts, for an option table to parse.
pub(super) fn texts<'w>(words: &'w [Word<'_>]) -> Vec<&'w str> {
    words.iter().map(|w| &*w.text).collect()
}

fn joined(words: &[Word<'_>]) -> String {
    let mut out = String::new();
    for (k, w) in words.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(&w.text);
    }
    out
}

/// Whether `name` is a wrapper at all: one `match`, so that the everyday command costs no
/// table walk. It must name every row of [`WRAPPERS`] (a test checks it) and the wrappers read
/// by code of their own (`env`, `command`, `parallel`).
fn is_wrapper(name: &str) -> bool {
    matches!(
        name,
        "sudo"
            | "doas"
            | "run0"
            | "pkexec"
            | "runuser"
            | "su"
            | "nohup"
            | "setsid"
            | "unbuffer"
            | "chronic"
            | "catchsegv"
            | "builtin"
            | "caffeinate"
            | "time"
            | "nice"
            | "ionice"
            | "stdbuf"
            | "chrt"
            | "taskset"
            | "timeout"
            | "exec"
            | "strace"
            | "ltrace"
            | "busybox"
            | "toybox"
            | "xargs"
            | "flock"
            | "script"
            | "watch"
            | "ssh"
            | "prlimit"
            | "setpriv"
            | "fakeroot"
            | "fakeroot-ng"
            | "proot"
            | "chroot"
            | "unshare"
            | "nsenter"
            | "valgrind"
            | "heaptrack"
            | "systemd-run"
            | "wsl"
            | "screen"
            | "sg"
            | "nix-shell"
            | "tmux"
            | "uv"
            | "poetry"
            | "pipx"
            | "pipenv"
            | "pdm"
            | "hatch"
            | "rye"
            | "conda"
            | "mamba"
            | "micromamba"
            | "pixi"
            | "mise"
            | "npm"
            | "pnpm"
            | "yarn"
            | "bun"
            | "direnv"
            | "nix"
            | "npx"
            | "bunx"
            | "uvx"
            | "firejail"
            | "bwrap"
            | "gdb"
            | "lldb"
            | "vim"
            | "vi"
            | "nvim"
            | "ex"
            | "view"
            | "make"
            | "gmake"
            | "env"
            | "command"
            | "parallel"
            | "xvfb-run"
            | "faketime"
            | "numactl"
            | "cgexec"
            | "rlwrap"
            | "torsocks"
            | "proxychains"
            | "proxychains4"
            | "dbus-run-session"
            | "tsp"
            | "daemonize"
            | "sem"
            | "perf"
            | "hyperfine"
            | "entr"
            | "pueue"
            | "start-stop-daemon"
            | "sqlite3"
    )
}

/// If `name` (the word at `i`) is a wrapper, where the wrapped command starts.
pub(super) fn wrapper_skip(name: &str, words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    if !is_wrapper(name) {
        return None;
    }
    let text = |k: usize| words.get(k).map(|w| &*w.text);
    match name {
        "env" => return Some(env(words, i)),
        "command" => {
            let lookup = words
                .get(i + 1..)
                .unwrap_or_default()
                .iter()
                .take_while(|w| w.text.starts_with('-'))
                .any(|w| w.text.contains('v') || w.text.contains('V'));
            return (!lookup).then(|| Unwrap::Skip(first_operand(words, i + 1, &COMMAND)));
        }
        "parallel" => return parallel(words, i),
        "tmux" => return tmux(words, i),
        "bwrap" => return bwrap(words, i),
        "gdb" => return gdb(words, i),
        "lldb" => return lldb(words, i),
        "sqlite3" => return sqlite3(words, i),
        "vim" | "vi" | "nvim" | "ex" | "view" => return vim(words, i),
        "make" | "gmake" => return make_eval(words, i),
        "uv" | "poetry" | "pipenv" | "pdm" | "hatch" | "rye" | "conda" | "mamba" | "micromamba"
        | "pixi" | "mise" | "npm" | "pnpm" | "yarn" | "bun" | "direnv" | "nix" | "pipx" => {
            return environment_runner(name, words, i);
        }
        "xargs" => return xargs(words, i),
        "perf" => return perf(words, i),
        "hyperfine" => return hyperfine(words, i),
        "entr" => return entr(words, i),
        "pueue" => return pueue(words, i),
        "start-stop-daemon" => return start_stop_daemon(words, i),
        _ => {}
    }
    let row = WRAPPERS.iter().find(|w| w.names.contains(&name))?;
    let start = first_operand(words, i + 1, &row.options);
    // `sudo -s`, `sudo -i`, `doas -s` without a command run a shell, which reads the
    // command's standard input (`sudo -s <<< 'rm -rf /'`).
    // `su` without `-c` runs the user's shell on the command's input (`sudo su <<< …`).
    if name == "su"
        && words.len() <= start + 1
        && !row
            .options
            .parse(&texts(words.get(i + 1..).unwrap_or_default()))
            .options()
            .iter()
            .any(|o| o.spec.long == "command")
    {
        return Some(Unwrap::Argv {
            text: "sh".to_owned(),
            rest: words.len(),
        });
    }
    if matches!(name, "sudo" | "doas")
        && start >= words.len()
        && row
            .options
            .parse(&texts(words.get(i + 1..).unwrap_or_default()))
            .options()
            .iter()
            .any(|o| matches!(o.spec.long, "shell" | "login" | "s"))
    {
        return Some(Unwrap::Argv {
            text: "sh".to_owned(),
            rest: words.len(),
        });
    }
    match row.then {
        // `sudo -D DIR CMD…`, `run0 --chdir=DIR CMD…`: the command runs in DIR.
        Then::Command(n) => {
            let own = texts(words.get(i + 1..start).unwrap_or_default());
            let parsed = row.options.parse(&own);
            match parsed.value("chdir") {
                Some(dir) if words.get(start + n).is_some() => {
                    Some(in_folder(dir, words.get(start + n..).unwrap_or_default()))
                }
                _ => Some(Unwrap::Skip(start + n)),
            }
        }
        Then::ScriptOption {
            long,
            operands,
            fallback_command,
        } => {
            // The option among the wrapper's own options, or right after its operands.
            let args = texts(words.get(i + 1..start).unwrap_or_default());
            let parsed = row.options.parse(&args);
            if let Some(script) = parsed.value(long) {
                return Some(Unwrap::Script(script.to_owned()));
            }
            // su and runuser permute: the option may follow the user name.
            if row.options.syntax == Syntax::Gnu {
                let all = texts(words.get(i + 1..).unwrap_or_default());
                if let Some(script) = row.options.parse(&all).value(long) {
                    return Some(Unwrap::Script(script.to_owned()));
                }
            }
            let after = start + operands;
            if let Some(t) = text(after)
                && let Some(rest) = t.strip_prefix('-')
            {
                let is_option = rest.strip_prefix('-').map_or_else(
                    || {
                        row.options
                            .short(rest.chars().next().unwrap_or(' '))
                            .is_some_and(|o| o.long == long)
                    },
                    |l| {
                        l.split('=')
                            .next()
                            .is_some_and(|l| !l.is_empty() && long.starts_with(l))
                    },
                );
                if is_option {
                    return text(after + 1).map(|s| Unwrap::Script(s.to_owned()));
                }
            }
            (fallback_command && text(after).is_some()).then_some(Unwrap::Skip(after))
        }
        Then::ScriptOperands(n) => {
            let rest = words.get(start + n..).unwrap_or_default();
            // `watch -x CMD…`: the words run as they are, without a shell joining them.
            let own = texts(words.get(i + 1..start).unwrap_or_default());
            if row.options.parse(&own).has("exec") {
                return (!rest.is_empty()).then_some(Unwrap::Skip(start + n));
            }
            (!rest.is_empty()).then(|| Unwrap::Script(joined(rest)))
        }
    }
}

/// The shell commands the options of `program` (its arguments `args`) run: tar's
/// `--to-command`, `--use-compress-program`/`-I`, `--info-script`/`-F`,
/// `--new-volume-script`, `--rsh-command` and `--checkpoint-action=exec=`; rsync's `--rsh`/`-e`;
/// man's `--pager`/`-P` and `--html`/`-H`; ssh's, scp's and sftp's `-o ProxyCommand`,
/// `LocalCommand` and `KnownHostsCommand`. Empty for every other program, at no cost.
#[inline]
pub(super) fn option_scripts(program: &str, args: &[Word<'_>]) -> Vec<String> {
    // The everyday command runs none: decided here, inlined into the caller, so that its
    // path touches no other code.
    if !matches!(
        program,
        "tar" | "gtar" | "bsdtar" | "rsync" | "man" | "ssh" | "scp" | "sftp" | "autossh"
    ) {
        return Vec::new();
    }
    scripts_of_options(program, args)
}

/// [`option_scripts`] for the programs that have such options.
fn scripts_of_options(program: &str, args: &[Word<'_>]) -> Vec<String> {
    let options: &[(&str, Option<&str>)] = match program {
        "tar" | "gtar" | "bsdtar" => &[
            ("--to-command", None),
            ("--use-compress-program", Some("-I")),
            ("--info-script", Some("-F")),
            ("--new-volume-script", None),
            ("--rsh-command", None),
        ],
        "rsync" => &[("--rsh", Some("-e"))],
        "man" => &[("--pager", Some("-P")), ("--html", Some("-H"))],
        "ssh" | "scp" | "sftp" | "autossh" => &[("-o", Some("-o"))],
        _ => return Vec::new(),
    };
    // scp's and sftp's `-S PROGRAM` (the ssh to run) and sftp's `-D PROGRAM` (a local server).
    let programs: &[&str] = match program {
        "scp" => &["-S"],
        "sftp" => &["-S", "-D"],
        _ => &[],
    };
    let ssh = options.first().is_some_and(|(long, _)| *long == "-o");
    let mut scripts = Vec::new();
    let mut k = 0;
    while let Some(w) = args.get(k) {
        let t = &*w.text;
        k += 1;
        if t == "--" {
            break;
        }
        let mut value: Option<&str> = None;
        let mut program_value = None;
        for p in programs {
            if let Some(rest) = t.strip_prefix(p) {
                program_value = if rest.is_empty() {
                    args.get(k).map(|v| &*v.text)
                } else {
                    Some(rest)
                };
            }
        }
        if let Some(v) = program_value {
            if !v.is_empty() {
                scripts.push(v.to_owned());
            }
            continue;
        }
        for (long, short) in options {
            if value.is_some() {
                break;
            }
            // GNU's unique prefixes (`--to-comm=CMD`), four letters at least.
            if !ssh
                && let Some(written) = t.strip_prefix("--")
                && let Some(name) = written.split('=').next()
                && name.len() >= 4
                && long
                    .get(2..)
                    .is_some_and(|l| l.starts_with(name) && l != name)
            {
                value = match written.split_once('=') {
                    Some((_, v)) => Some(v),
                    None => args.get(k).map(|v| &*v.text),
                };
                break;
            }
            // A short option at the end of a cluster takes the next word (`tar -xI CMD`,
            // `rsync -aze CMD`), inside it the rest (`-xICMD`).
            if let Some(short) = short
                && let Some(letter) = short.strip_prefix('-')
                && !ssh
                && t.starts_with('-')
                && !t.starts_with("--")
                && t.len() > 2
                && let Some(at) = t.get(1..).and_then(|c| c.find(letter))
            {
                let rest = t.get(at + 2..).unwrap_or_default();
                value = if rest.is_empty() {
                    args.get(k).map(|v| &*v.text)
                } else {
                    Some(rest)
                };
                break;
            }
            if let Some(rest) = t.strip_prefix(long) {
                if rest.is_empty() {
                    value = args.get(k).map(|v| &*v.text);
                } else if let Some(v) = rest.strip_prefix('=') {
                    value = Some(v);
                } else if ssh {
                    value = Some(rest);
                }
            } else if let Some(short) = short
                && let Some(rest) = t.strip_prefix(short)
            {
                value = if rest.is_empty() {
                    args.get(k).map(|v| &*v.text)
                } else {
                    Some(rest)
                };
            }
            if value.is_some() {
                break;
            }
        }
        if let Some(exec) = t.strip_prefix("--checkpoint-action=exec=") {
            value = Some(exec);
        }
        let Some(v) = value else {
            continue;
        };
        if ssh {
            // `-o ProxyCommand=CMD`, `-o 'ProxyCommand CMD'` (any case).
            let (key, command) = v.split_once(['=', ' ']).map_or((v, ""), |(key, rest)| {
                (key, rest.trim_start_matches(['=', ' ']))
            });
            if ["proxycommand", "localcommand", "knownhostscommand"]
                .iter()
                .any(|name| key.eq_ignore_ascii_case(name))
                && !command.is_empty()
                && !command.eq_ignore_ascii_case("none")
            {
                scripts.push(command.to_owned());
            }
        } else if !v.is_empty() {
            scripts.push(v.to_owned());
        }
    }
    scripts
}

/// `perf stat|record|trace|… [OPTIONS] CMD…` (the options of those subcommands that take a
/// value; `perf` without a command-running subcommand runs nothing).
fn perf(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    const PERF: OptionTable = OptionTable::new(
        Syntax::Posix,
        &[
            O::value("event", Some('e')),
            O::value("output", Some('o')),
            O::value("pid", Some('p')),
            O::value("tid", Some('t')),
            O::value("repeat", Some('r')),
            O::value("cpu", Some('C')),
            O::value("cgroup", Some('G')),
            O::value("interval-print", Some('I')),
            O::value("field-separator", Some('x')),
            O::value("freq", Some('F')),
            O::value("count", Some('c')),
            O::value("mmap-pages", Some('m')),
            O::value("branch-filter", Some('j')),
            O::value("uid", Some('u')),
            O::value("delay", Some('D')),
            O::value("metrics", Some('M')),
            O::value("call-graph", None),
            O::value("filter", None),
            O::value("duration", None),
            O::flag("g", Some('g')),
            O::flag("all-cpus", Some('a')),
            O::flag("quiet", Some('q')),
            O::flag("verbose", Some('v')),
            O::flag("detailed", Some('d')),
            O::flag("no-inherit", Some('i')),
            O::flag("scale", Some('l')),
            O::flag("null", Some('n')),
            O::flag("big-num", Some('B')),
            O::flag("summary", Some('s')),
        ],
    );
    let sub_at =
        (i + 1..words.len()).find(|&k| words.get(k).is_some_and(|w| !w.text.starts_with('-')))?;
    let sub = &*words.get(sub_at)?.text;
    let mut at = sub_at;
    if matches!(
        sub,
        "mem" | "c2c" | "kmem" | "lock" | "sched" | "kvm" | "kwork"
    ) && words
        .get(sub_at + 1)
        .is_some_and(|w| matches!(&*w.text, "record" | "stat" | "top" | "contention"))
    {
        // `perf mem record CMD…`: a subcommand of the subcommand.
        at += 1;
    }
    matches!(
        sub,
        "stat"
            | "record"
            | "trace"
            | "top"
            | "mem"
            | "c2c"
            | "kmem"
            | "lock"
            | "sched"
            | "ftrace"
            | "kwork"
            | "kvm"
    )
    .then(|| Unwrap::Skip(first_operand(words, at + 1, &PERF)))
}

/// `hyperfine [OPTIONS] CMD…`: every operand is a command run by a shell, and so are the
/// values of `--setup`, `--prepare`, `--conclude` and `--cleanup`.
fn hyperfine(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    let mut scripts: Vec<String> = Vec::new();
    let mut k = i + 1;
    while let Some(w) = words.get(k) {
        let t = &*w.text;
        let next = words.get(k + 1).map(|w| w.text.to_string());
        k += 1;
        if t == "--" {
            scripts.extend(
                words
                    .get(k..)
                    .unwrap_or_default()
                    .iter()
                    .map(|w| w.text.to_string()),
            );
            break;
        }
        let (name, attached) = match t.split_once('=') {
            Some((n, v)) if t.starts_with("--") => (n, Some(v.to_owned())),
            _ => (t, None),
        };
        match name {
            "-s" | "--setup" | "-p" | "--prepare" | "--conclude" | "-c" | "--cleanup" => {
                if attached.is_none() {
                    k += 1;
                }
                scripts.extend(attached.or(next));
            }
            "-P" | "--parameter-scan" => k += if attached.is_some() { 2 } else { 3 },
            "-L" | "--parameter-list" => k += if attached.is_some() { 1 } else { 2 },
            "-w"
            | "--warmup"
            | "-m"
            | "--min-runs"
            | "-M"
            | "--max-runs"
            | "-r"
            | "--runs"
            | "-S"
            | "--shell"
            | "-u"
            | "--time-unit"
            | "-n"
            | "--command-name"
            | "-D"
            | "--parameter-step-size"
            | "--style"
            | "--sort"
            | "--output"
            | "--input"
            | "--export-asciidoc"
            | "--export-csv"
            | "--export-json"
            | "--export-markdown"
            | "--export-orgmode"
            | "--min-benchmarking-time"
            | "--reference" => {
                if attached.is_none() {
                    k += 1;
                }
            }
            _ if t.starts_with('-') => {}
            _ => scripts.push(t.to_owned()),
        }
    }
    (!scripts.is_empty()).then_some(Unwrap::Scripts(scripts))
}

/// `entr [-acdnprsz] UTILITY [ARG…]`: with `-s`, UTILITY is a shell script.
fn entr(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    let mut k = i + 1;
    let mut shell = false;
    while let Some(w) = words.get(k)
        && w.text.starts_with('-')
    {
        k += 1;
        if w.text == "--" {
            break;
        }
        shell |= w.text.contains('s');
    }
    let utility = words.get(k)?;
    Some(if shell {
        Unwrap::Script(utility.text.to_string())
    } else {
        Unwrap::Skip(k)
    })
}

/// `pueue add [OPTIONS] [--] CMD…`: the words are joined into one command a shell runs.
fn pueue(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    const ADD: OptionTable = OptionTable::new(
        Syntax::Posix,
        &[
            O::value("working-directory", Some('w')),
            O::value("delay", Some('d')),
            O::value("group", Some('g')),
            O::value("after", Some('a')),
            O::value("priority", Some('o')),
            O::value("label", Some('l')),
            O::flag("escape", Some('e')),
            O::flag("immediate", Some('i')),
            O::flag("stashed", Some('s')),
            O::flag("print-task-id", Some('p')),
            O::flag("follow", Some('f')),
        ],
    );
    let sub_at =
        (i + 1..words.len()).find(|&k| words.get(k).is_some_and(|w| !w.text.starts_with('-')))?;
    if words.get(sub_at)?.text != "add" {
        return None;
    }
    let start = first_operand(words, sub_at + 1, &ADD);
    let rest = words.get(start..).unwrap_or_default();
    (!rest.is_empty()).then(|| Unwrap::Script(joined(rest)))
}

/// `start-stop-daemon --start --exec PATH [--startas PATH] [OPTIONS] -- ARGS…`: runs the
/// program (`--startas`, else `--exec`) with the arguments after `--`.
fn start_stop_daemon(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    let args = words.get(i + 1..).unwrap_or_default();
    let mut program: Option<String> = None;
    let mut startas: Option<String> = None;
    let mut rest_at = None;
    let mut k = 0;
    while let Some(w) = args.get(k) {
        let t = &*w.text;
        let next = || args.get(k + 1).map(|w| w.text.to_string());
        match t {
            "--" => {
                rest_at = Some(k + 1);
                break;
            }
            "-x" | "--exec" => {
                program = next();
                k += 1;
            }
            "-a" | "--startas" => {
                startas = next();
                k += 1;
            }
            _ => {
                if let Some(v) = t.strip_prefix("--exec=") {
                    program = Some(v.to_owned());
                } else if let Some(v) = t.strip_prefix("--startas=") {
                    startas = Some(v.to_owned());
                }
            }
        }
        k += 1;
    }
    let program = startas.or(program)?;
    let mut script = super::shell_quote(&program);
    for w in rest_at.and_then(|at| args.get(at..)).unwrap_or_default() {
        script.push(' ');
        script.push_str(&super::shell_quote(&w.text));
    }
    Some(Unwrap::Script(script))
}

/// `env [-i|-] [-u NAME] [-C DIR] [-P PATH] [-S STRING] [NAME=VALUE…] CMD…`. With `-C DIR`
/// the command runs in DIR: it is read as `cd DIR && CMD…` (`env -C / rm -rf *`), as the
/// table's wrappers with a `chdir` option are.
fn env(words: &[Word<'_>], i: usize) -> Unwrap {
    let mut k = i + 1;
    let mut chdir: Option<String> = None;
    while let Some(w) = words.get(k) {
        let t = &*w.text;
        // `-` alone is `-i`; assignments may sit among the options.
        if t == "-" || w.assignment {
            k += 1;
            continue;
        }
        if t == "--" {
            return Unwrap::Skip(k + 1);
        }
        if !t.starts_with('-') {
            break;
        }
        let one = [t, words.get(k + 1).map_or("", |w| &*w.text)];
        let parsed = ENV.parse(&one);
        if let Some(o) = parsed
            .options()
            .iter()
            .find(|o| o.spec.long == "split-string")
        {
            // `-S STRING`, `-SSTRING`, `--split-string=STRING`: the string is split into words.
            let rest = match parsed.kinds().get(1) {
                Some(ArgKind::Value) => k + 2,
                _ => k + 1,
            };
            // In its string `\_` separates arguments as a space does. The words are env's
            // own arguments again (`env -S '-i git reset --hard'`), so env reads them.
            return Unwrap::Argv {
                text: format!("env {}", o.value.unwrap_or_default().replace("\\_", " ")),
                rest,
            };
        }
        if let Some(dir) = parsed.value("chdir") {
            chdir = Some(dir.to_owned());
        }
        k += match parsed.kinds().get(1) {
            Some(ArgKind::Value) => 2,
            _ => 1,
        };
    }
    match chdir {
        Some(dir) if words.get(k).is_some() => in_folder(&dir, words.get(k..).unwrap_or_default()),
        _ => Unwrap::Skip(k),
    }
}

/// `command…` run in folder `dir`, as the script `cd DIR && command…`.
fn in_folder(dir: &str, command: &[Word<'_>]) -> Unwrap {
    let mut script = format!("cd {} &&", script_word(dir, dir.contains('$')));
    for w in command {
        script.push(' ');
        script.push_str(&script_word(&w.text, w.dynamic));
    }
    Unwrap::Script(script)
}

/// A word written back into a script so that it reads as before: an expansion in double
/// quotes (still expanded, not split), a glob bare, anything else quoted as needed.
fn script_word(text: &str, dynamic: bool) -> String {
    if dynamic && !text.contains(['"', '\\', '`']) {
        format!("\"{text}\"")
    } else if !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,~*?[]".contains(&b))
    {
        text.to_owned()
    } else {
        super::shell_quote(text)
    }
}

/// `xargs [OPTIONS] [COMMAND [ARGS]]`: the command (`echo` when none) with arguments from its
/// input, appended or in place of the replace string.
fn xargs(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    let row = WRAPPERS.iter().find(|w| w.names.contains(&"xargs"))?;
    let start = first_operand(words, i + 1, &row.options);
    let args = texts(words.get(i + 1..start).unwrap_or_default());
    let parsed = row.options.parse(&args);
    let replace = parsed
        .value("I")
        .or_else(|| parsed.value("replace"))
        .map(str::to_owned)
        .or_else(|| parsed.has("replace").then(|| "{}".to_owned()));
    Some(Unwrap::Fanout { start, replace })
}

/// GNU `parallel [OPTIONS] [COMMAND] [::: ARGS | :::: FILES]…`: the command is run by a shell
/// once per argument (appended, or put in place of `{}`); without a command the arguments are
/// the commands; without either, they come from standard input. With `--pipe` the command
/// runs as written, its standard input a block of parallel's input.
fn parallel(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    let start = first_operand(words, i + 1, &PARALLEL);
    let own = texts(words.get(i + 1..start).unwrap_or_default());
    let parsed = PARALLEL.parse(&own);
    let arg_file = parsed.value("arg-file").is_some();
    // `--pipe` (and `--pipepart`, `--spreadstdin`): blocks of the input go to the command's
    // standard input, not into its arguments.
    let blocks = ["pipe", "pipepart", "spreadstdin"]
        .iter()
        .any(|o| parsed.has(o));
    // `--dry-run` prints the commands instead of running them.
    if own.contains(&"--dry-run") {
        return Some(Unwrap::Skip(words.len()));
    }
    let linked = own.iter().any(|o| matches!(*o, "--link" | "--xapply"));
    // `-N2`, `-n2`: two arguments of one source in each job.
    let per_job = parsed
        .value("N")
        .or_else(|| parsed.value("max-args"))
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1);
    let rest = words.get(start..).unwrap_or_default();
    let sep = |w: &Word<'_>| matches!(&*w.text, ":::" | "::::" | ":::+" | "::::+");
    let cut = rest.iter().position(sep).unwrap_or(rest.len());
    let (command, tail) = rest.split_at(cut);
    // The input sources: each `:::` starts one, `:::+` (or any under `--link`) one paired
    // with the one before; `::::` names files the gate cannot read.
    let mut sources: Vec<(Vec<&str>, bool)> = Vec::new();
    let mut from_files = false;
    let mut in_file = false;
    for w in tail {
        if sep(w) {
            in_file = w.text.starts_with("::::");
            from_files |= in_file;
            if !in_file {
                let paired = w.text.ends_with('+') || (linked && !sources.is_empty());
                sources.push((Vec::new(), paired));
            }
        } else if !in_file && let Some((values, _)) = sources.last_mut() {
            values.push(&w.text);
        }
    }
    let jobs = parallel_jobs(&sources, per_job, parsed.value("colsep"));
    if command.is_empty() {
        // The arguments are the commands, as written.
        if jobs.is_empty() {
            return Some(Unwrap::Unseen);
        }
        let mut scripts: Vec<String> = jobs.iter().map(|job| job.join(" ")).collect();
        if from_files {
            scripts.push(super::STDIN_PROGRAM.to_owned());
        }
        return Some(Unwrap::Scripts(scripts));
    }
    let template = joined(command);
    if blocks {
        // A shell among them reads its program from that input.
        return Some(Unwrap::Script(format!("{template} < {PARALLEL_INPUT}")));
    }
    if jobs.is_empty() {
        // The arguments come from standard input, `::::` files or `-a FILE`: unseen.
        return Some(Unwrap::Script(with_unseen_input(&template)));
    }
    let mut scripts: Vec<String> = jobs.iter().map(|job| with_inputs(&template, job)).collect();
    if from_files || arg_file {
        scripts.push(with_unseen_input(&template));
    }
    Some(Unwrap::Scripts(scripts))
}

/// The jobs parallel makes of its `:::` sources, each the list of arguments it gets: every
/// combination of the sources' values, a paired source taking the value at the same place
/// (the shorter one wraps around), `per_job` values of a lone source together, each value
/// split at `colsep` into several. At most [`MAX_FANOUT`] jobs.
fn parallel_jobs<'s>(
    sources: &[(Vec<&'s str>, bool)],
    per_job: usize,
    colsep: Option<&str>,
) -> Vec<Vec<&'s str>> {
    let mut jobs: Vec<Vec<&str>> = Vec::new();
    for (values, paired) in sources.iter().filter(|(v, _)| !v.is_empty()) {
        if jobs.is_empty() {
            if sources.len() == 1 {
                jobs = values.chunks(per_job).map(<[&str]>::to_vec).collect();
            } else {
                jobs = values.iter().map(|v| vec![*v]).collect();
            }
        } else if *paired {
            for (k, job) in jobs.iter_mut().enumerate() {
                if let Some(v) = values.get(k % values.len()) {
                    job.push(v);
                }
            }
        } else {
            jobs = jobs
                .iter()
                .flat_map(|job| {
                    values.iter().map(move |v| {
                        let mut next = job.clone();
                        next.push(v);
                        next
                    })
                })
                .take(MAX_FANOUT)
                .collect();
        }
        jobs.truncate(MAX_FANOUT);
    }
    if let Some(sep) = colsep.filter(|s| !s.is_empty()) {
        for job in &mut jobs {
            *job = job.iter().flat_map(|v| v.split(sep)).collect();
        }
    }
    jobs
}

/// The options of the environment runners' `run` (`uv run`, `poetry run`, `conda run`, …) that
/// take a value, of all of them together.
const RUNNER: OptionTable = posix(&[
    O::value("call", Some('c')),
    O::value("spec", None),
    O::value("pip-args", None),
    O::value("package", None),
    O::value("with", None),
    O::value("with-requirements", None),
    O::value("with-editable", None),
    O::value("python", Some('p')),
    O::value("directory", None),
    O::value("project", None),
    O::value("package", None),
    O::value("env-file", None),
    O::value("extra", None),
    O::value("group", None),
    O::value("only-group", None),
    O::value("no-group", None),
    O::value("index", None),
    O::value("index-url", None),
    O::value("default-index", None),
    O::value("name", Some('n')),
    O::value("prefix", None),
    O::value("cwd", None),
    O::value("environment", Some('e')),
    O::value("manifest-path", None),
    O::value("env", None),
    O::value("config-file", None),
    O::value("config-setting", None),
    O::flag("no-project", None),
    O::flag("isolated", None),
    O::flag("frozen", None),
    O::flag("locked", None),
    O::flag("all-extras", None),
    O::flag("no-capture-output", None),
    O::flag("live-stream", None),
    O::flag("quiet", Some('q')),
    O::flag("verbose", Some('v')),
]);

/// `uv run`, `poetry run`, `pipenv run`, `pdm run`, `hatch run`, `rye run`, `conda run`,
/// `mamba run`, `micromamba run`, `pixi run`: the command after `run` and its options runs in
/// the tool's environment.
///
/// Also `mise exec`/`x`, `npm exec`/`x` (and `-c`), `pnpm exec`/`dlx`, `yarn exec`/`dlx`,
/// `bun x`, `direnv exec DIR`, `nix develop`/`shell … --command`. The subcommand is looked
/// for among the first words, past the tool's own options and their values
/// (`uv --directory x run`); a `--` after it starts the command.
fn environment_runner(tool: &str, words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    let (subs, skip): (&[&str], usize) = match tool {
        "pixi" => (&["run", "exec"], 0),
        "mise" | "npm" => (&["exec", "x"], 0),
        "pnpm" | "yarn" => (&["exec", "dlx"], 0),
        "bun" => (&["x"], 0),
        "direnv" => (&["exec"], 1),
        "nix" => (&["develop", "shell"], 0),
        _ => (&["run"], 0),
    };
    let sub = (i + 1..words.len().min(i + 8))
        .find(|&k| words.get(k).is_some_and(|w| subs.contains(&&*w.text)))?;
    // Only the tool's options (and a value after one) may stand before the subcommand.
    let before = words.get(i + 1..sub).unwrap_or_default();
    // `uv tool run CMD` is `uvx CMD`.
    let uv_tool = tool == "uv" && before.first().is_some_and(|w| w.text == "tool");
    if before.first().is_some_and(|w| !w.text.starts_with('-')) && !uv_tool {
        return None;
    }
    let after = words.get(sub + 1..).unwrap_or_default();
    if tool == "nix" {
        // `nix develop [INSTALLABLE] --command CMD ARGS…` (`-c`).
        let at = after
            .iter()
            .position(|w| matches!(&*w.text, "--command" | "-c"))?;
        return Some(Unwrap::Skip(sub + 1 + at + 1));
    }
    if let Some(dash) = after.iter().position(|w| w.text == "--") {
        return Some(Unwrap::Skip(sub + 1 + dash + 1));
    }
    let start = first_operand(words, sub + 1, &RUNNER);
    let own = texts(words.get(sub + 1..start).unwrap_or_default());
    if let Some(script) = RUNNER.parse(&own).value("call") {
        // `npm exec -c 'CMD'`: a shell command.
        return Some(Unwrap::Script(script.to_owned()));
    }
    Some(Unwrap::Skip(start + skip))
}

/// tmux's subcommands that run a shell command given as their operands.
const TMUX_RUNNERS: &[&str] = &[
    "new-session",
    "new",
    "new-window",
    "neww",
    "split-window",
    "splitw",
    "respawn-pane",
    "respawnp",
    "respawn-window",
    "respawnw",
    "run-shell",
    "run",
    "display-popup",
    "popup",
    "pipe-pane",
    "pipep",
    "send-keys",
    "send",
];

/// tmux's subcommands whose operands hold tmux commands run now or later: `if-shell SHELL
/// CMD [CMD]` (its first operand is a shell command), `set-hook NAME CMD`, `bind-key KEY CMD`.
const TMUX_NESTERS: &[&str] = &["if-shell", "if", "set-hook", "bind-key", "bind"];

/// tmux options, global and of the subcommands above, that take a value.
const TMUX: OptionTable = posix(&[
    O::value("c", Some('c')),
    O::value("e", Some('e')),
    O::value("f", Some('f')),
    O::value("F", Some('F')),
    O::value("n", Some('n')),
    O::value("s", Some('s')),
    O::value("t", Some('t')),
    O::value("x", Some('x')),
    O::value("y", Some('y')),
    O::value("l", Some('l')),
    O::value("p", Some('p')),
    O::value("T", Some('T')),
    O::value("L", Some('L')),
    O::value("S", Some('S')),
    O::value("w", Some('w')),
    O::value("N", Some('N')),
]);

/// The tmux command a word names: itself, or the command it is a unique-looking prefix of
/// among those that run something (`new-s` → `new-session`, `split` → `split-window`).
fn tmux_command(word: &str) -> Option<&'static str> {
    let known = TMUX_RUNNERS.iter().chain(TMUX_NESTERS);
    if let Some(exact) = known.clone().find(|n| **n == word) {
        return Some(exact);
    }
    (word.len() >= 3)
        .then(|| known.into_iter().find(|n| n.starts_with(word)).copied())
        .flatten()
}

/// `tmux [-c SHELL-COMMAND] [OPTIONS] COMMAND [OPTIONS] [OPERAND…] [\; COMMAND…]`: `-c`
/// before the command runs a shell command; `new-session`, `new-window`, `split-window`,
/// `run-shell`, `send-keys` (the keys typed into a shell) and their kin run their operands as
/// one, under any prefix tmux accepts; `if-shell`, `set-hook` and `bind-key` hold tmux commands
/// in turn, and `;` separates commands.
fn tmux(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    let sub = first_operand(words, i + 1, &TMUX);
    let globals = texts(words.get(i + 1..sub).unwrap_or_default());
    if let Some(script) = TMUX.parse(&globals).value("c") {
        return Some(Unwrap::Script(script.to_owned()));
    }
    let mut scripts = Vec::new();
    for command in words
        .get(sub..)
        .unwrap_or_default()
        .split(|w| w.text == ";")
    {
        tmux_scripts(command, &mut scripts);
    }
    (!scripts.is_empty()).then_some(Unwrap::Scripts(scripts))
}

/// The shell commands one tmux command (its name first) runs.
fn tmux_scripts(command: &[Word<'_>], out: &mut Vec<String>) {
    let Some(name) = command.first().and_then(|w| tmux_command(&w.text)) else {
        return;
    };
    let start = first_operand(command, 1, &TMUX);
    let operands: Vec<&str> = command
        .get(start..)
        .unwrap_or_default()
        .iter()
        .map(|w| &*w.text)
        .collect();
    match name {
        "if-shell" | "if" => {
            // The shell command, then one or two tmux commands.
            let mut it = operands.iter();
            out.extend(it.next().map(|s| (*s).to_owned()));
            out.extend(it.map(|c| format!("tmux {c}")));
        }
        "set-hook" | "bind-key" | "bind" => {
            // The hook or key, then the tmux command.
            if let Some(rest) = operands.get(1..)
                && !rest.is_empty()
            {
                out.push(format!("tmux {}", rest.join(" ")));
            }
        }
        _ => {
            let keys = matches!(name, "send-keys" | "send");
            let typed: Vec<&str> = operands
                .into_iter()
                // A key name typed after the text (`Enter`, `C-m`) is not part of the command.
                .filter(|t| !keys || !matches!(*t, "Enter" | "C-m" | "KPEnter" | "C-j"))
                .collect();
            if !typed.is_empty() {
                out.push(typed.join(" "));
            }
        }
    }
}

/// bubblewrap's options and how many values each takes (the rest are flags).
fn bwrap_arity(option: &str) -> usize {
    match option {
        "--bind" | "--bind-try" | "--dev-bind" | "--dev-bind-try" | "--ro-bind"
        | "--ro-bind-try" | "--symlink" | "--setenv" | "--file" | "--bind-data"
        | "--ro-bind-data" | "--chmod" => 2,
        "--chdir" | "--tmpfs" | "--proc" | "--dev" | "--dir" | "--uid" | "--gid" | "--hostname"
        | "--unsetenv" | "--remount-ro" | "--mqueue" | "--seccomp" | "--add-seccomp-fd"
        | "--info-fd" | "--json-status-fd" | "--block-fd" | "--userns-block-fd" | "--sync-fd"
        | "--lock-file" | "--args" | "--exec-label" | "--file-label" | "--cap-add"
        | "--cap-drop" | "--perms" | "--size" | "--argv0" | "--userns" | "--userns2"
        | "--pidns" | "--overlay-src" | "--tmp-overlay" | "--ro-overlay" => 1,
        "--overlay" => 3,
        _ => 0,
    }
}

/// `bwrap [OPTIONS] [--] COMMAND…`: options take up to three values.
fn bwrap(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    let mut k = i + 1;
    while let Some(w) = words.get(k) {
        if w.text == "--" {
            return Some(Unwrap::Skip(k + 1));
        }
        if !w.text.starts_with("--") {
            return Some(Unwrap::Skip(k));
        }
        k += 1 + bwrap_arity(&w.text);
    }
    None
}

/// The values given to a program's options after word `i`: a separate value after one of
/// `separate` (`-c CMD`), or attached after one of `attached` (`--eval=TEXT`, `+CMD`).
fn option_texts<'w>(
    words: &'w [Word<'_>],
    i: usize,
    separate: &[&str],
    attached: &[&str],
) -> Vec<&'w str> {
    let mut out = Vec::new();
    let mut k = i + 1;
    while let Some(w) = words.get(k) {
        let t = &*w.text;
        if separate.contains(&t) {
            k += 1;
            out.extend(words.get(k).map(|v| &*v.text));
        } else if let Some(v) = attached.iter().find_map(|p| t.strip_prefix(p)) {
            out.push(v);
        }
        k += 1;
    }
    out
}

/// Scripts to run, when there are any.
fn scripts(scripts: Vec<String>) -> Option<Unwrap> {
    (!scripts.is_empty()).then_some(Unwrap::Scripts(scripts))
}

/// `gdb … --args COMMAND…` runs COMMAND; `-ex 'shell CMD'` (also `!CMD`, `-iex`,
/// `--eval-command`) runs a shell command.
fn gdb(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    if let Some(at) = words.iter().skip(i + 1).position(|w| w.text == "--args") {
        return Some(Unwrap::Skip(i + 1 + at + 1));
    }
    let values = option_texts(
        words,
        i,
        &["-ex", "-iex", "--eval-command", "-eval-command"],
        &["--eval-command="],
    );
    scripts(
        values
            .into_iter()
            .filter_map(|v| {
                let v = v.trim_start();
                if let Some(code) = v.strip_prefix("python ").or_else(|| v.strip_prefix("py ")) {
                    // gdb's embedded Python.
                    return Some(format!("python3 -c {}", super::shell_quote(code)));
                }
                v.strip_prefix("shell ")
                    .or_else(|| v.strip_prefix('!'))
                    .map(str::to_owned)
            })
            .collect(),
    )
}

/// `lldb … -- COMMAND…` debugs COMMAND; a command given with `-o`, `-O` or `-k` (or their
/// long names) that is `platform shell CMD` or `shell CMD` runs CMD in a shell, and `script
/// CODE` runs Python.
fn lldb(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    let end = words
        .iter()
        .skip(i + 1)
        .position(|w| w.text == "--")
        .map(|at| i + 1 + at);
    let own = words.get(..end.unwrap_or(words.len())).unwrap_or_default();
    let values = option_texts(
        own,
        i,
        &[
            "-o",
            "-O",
            "-k",
            "--one-line",
            "--one-line-before-file",
            "--one-line-on-crash",
        ],
        &[
            "--one-line=",
            "--one-line-before-file=",
            "--one-line-on-crash=",
        ],
    );
    let commands: Vec<String> = values
        .into_iter()
        .filter_map(|v| {
            let v = v.trim_start();
            if let Some(code) = v.strip_prefix("script ") {
                return Some(format!(
                    "python3 -c {}",
                    super::shell_quote(code.trim_start())
                ));
            }
            let rest = v
                .strip_prefix("platform shell ")
                .or_else(|| v.strip_prefix("shell "))?
                .trim_start();
            // `platform shell -s /bin/sh -- CMD`: its own options end at `--`.
            if rest.starts_with('-') {
                return Some(
                    rest.split_once(" -- ")
                        .map_or(rest, |(_, cmd)| cmd)
                        .to_owned(),
                );
            }
            Some(rest.to_owned())
        })
        .collect();
    match (commands.is_empty(), end) {
        (false, _) => scripts(commands),
        (true, Some(at)) => Some(Unwrap::Skip(at + 1)),
        (true, None) => None,
    }
}

/// `sqlite3 [OPTIONS] DB [SQL…]`: the dot commands `.shell CMD` and `.system CMD`, given as
/// operands or with `-cmd`, run CMD.
fn sqlite3(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    let mut commands = option_texts(words, i, &["-cmd"], &[]);
    commands.extend(
        words
            .get(i + 1..)
            .unwrap_or_default()
            .iter()
            .map(|w| &*w.text),
    );
    scripts(
        commands
            .iter()
            .flat_map(|c| c.lines())
            .filter_map(|line| {
                let line = line.trim_start();
                line.strip_prefix(".shell ")
                    .or_else(|| line.strip_prefix(".system "))
                    .map(str::to_owned)
            })
            .collect(),
    )
}

/// vim's ex commands given by `-c CMD` or `+CMD` that run a shell command (`!CMD`,
/// `silent !CMD`).
fn vim(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    let values = option_texts(words, i, &["-c", "--cmd"], &["+"]);
    scripts(
        values
            .into_iter()
            .filter_map(|c| {
                let c = c.trim_start().trim_start_matches(':').trim_start();
                let c = c
                    .strip_prefix("silent")
                    .map_or(c, |r| r.trim_start_matches('!').trim_start());
                c.strip_prefix('!')
            })
            .map(str::to_owned)
            .collect(),
    )
}

/// `make --eval=TEXT` (`-E TEXT`): the recipe lines of the text (those that start with a tab)
/// are shell commands.
fn make_eval(words: &[Word<'_>], i: usize) -> Option<Unwrap> {
    let values = option_texts(words, i, &["--eval", "-E"], &["--eval="]);
    scripts(
        values
            .into_iter()
            .flat_map(str::lines)
            .filter_map(|l| l.strip_prefix('\t'))
            .map(|l| l.trim_start_matches(['@', '-', '+']).to_owned())
            .collect(),
    )
}

/// A variable the gate reads where parallel puts an argument it cannot see.
pub(super) const PARALLEL_INPUT: &str = "$PARALLEL_INPUT";

/// parallel's replacement strings, longest first: the argument (`{}`), without its extension
/// (`{.}`), its base name (`{/}`), its folder (`{//}`), its base name without extension
/// (`{/.}`).
const REPLACEMENTS: &[&str] = &["{//}", "{/.}", "{/}", "{.}", "{}"];

/// `template` as parallel runs it with the arguments `args`, each quoted as parallel quotes
/// it: in place of the positional replacement strings (`{1}`, `{2/}`, …) and the plain ones
/// (`{}`: all of them), else appended.
fn with_inputs(template: &str, args: &[&str]) -> String {
    let mut out = template.to_owned();
    for (n, arg) in args.iter().enumerate() {
        for r in REPLACEMENTS {
            let positional = format!("{{{}{}", n + 1, r.get(1..).unwrap_or_default());
            if out.contains(&positional) {
                out = out.replace(&positional, &super::shell_quote(&replaced(r, arg)));
            }
        }
    }
    if REPLACEMENTS.iter().any(|r| out.contains(r)) {
        REPLACEMENTS.iter().fold(out, |t, r| {
            let values: Vec<String> = args
                .iter()
                .map(|a| super::shell_quote(&replaced(r, a)))
                .collect();
            t.replace(r, &values.join(" "))
        })
    } else if out == template {
        let mut out = out;
        for arg in args {
            out.push(' ');
            out.push_str(&super::shell_quote(arg));
        }
        out
    } else {
        out
    }
}

/// What replacement string `r` stands for with the argument `arg`.
fn replaced(r: &str, arg: &str) -> String {
    let (folder, base) = arg.rsplit_once('/').unwrap_or((".", arg));
    let stem = |s: &str| match s.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() && !stem.ends_with('/') => stem.to_owned(),
        _ => s.to_owned(),
    };
    match r {
        "{//}" => folder.to_owned(),
        "{/.}" => stem(base),
        "{/}" => base.to_owned(),
        "{.}" => stem(arg),
        _ => arg.to_owned(),
    }
}

/// `template` as parallel runs it with an argument the gate cannot see, as a variable, so
/// that it counts as computed wherever a computed word does (`git reset $PARALLEL_INPUT`).
fn with_unseen_input(template: &str) -> String {
    if REPLACEMENTS.iter().any(|r| template.contains(r)) {
        REPLACEMENTS
            .iter()
            .fold(template.to_owned(), |t, r| t.replace(r, PARALLEL_INPUT))
    } else {
        format!("{template} {PARALLEL_INPUT}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_wrapper_test_names_every_table_row() {
        for row in WRAPPERS {
            for name in row.names {
                assert!(
                    is_wrapper(name),
                    "{name} is in WRAPPERS but not in is_wrapper"
                );
            }
        }
        for name in [
            "env",
            "command",
            "parallel",
            "tmux",
            "uv",
            "poetry",
            "pipx",
            "pipenv",
            "pdm",
            "hatch",
            "rye",
            "conda",
            "mamba",
            "micromamba",
            "pixi",
            "mise",
            "npm",
            "pnpm",
            "yarn",
            "bun",
            "direnv",
            "nix",
            "bwrap",
            "gdb",
            "lldb",
            "vim",
            "make",
        ] {
            assert!(is_wrapper(name), "{name}");
        }
        assert!(!is_wrapper("git") && !is_wrapper("rm"));
    }

    #[test]
    fn parallel_replacement_strings() {
        let t = "x {} {.} {/} {//} {/.}";
        assert_eq!(
            with_inputs(t, &["dir/sub/a.tar.gz"]),
            "x dir/sub/a.tar.gz dir/sub/a.tar a.tar.gz dir/sub a.tar"
        );
        assert_eq!(with_inputs(t, &["plain"]), "x plain plain plain . plain");
        assert_eq!(with_inputs("rm -rf", &["/"]), "rm -rf /");
        // Each argument is quoted, as parallel quotes it.
        assert_eq!(
            with_inputs("sh -c", &["git reset --hard"]),
            "sh -c 'git reset --hard'"
        );
        assert_eq!(
            with_inputs("git {1} {2}", &["reset", "--hard"]),
            "git reset --hard"
        );
        assert_eq!(with_inputs("rm {2/} {}", &["a", "b/c"]), "rm c a b/c");
    }

    #[test]
    fn parallel_jobs_combine_pair_and_split_sources() {
        let crossed = parallel_jobs(&[(vec!["a", "b"], false), (vec!["1", "2"], false)], 1, None);
        assert_eq!(crossed, [["a", "1"], ["a", "2"], ["b", "1"], ["b", "2"]]);
        let paired = parallel_jobs(&[(vec!["a", "b"], false), (vec!["1"], true)], 1, None);
        assert_eq!(paired, [["a", "1"], ["b", "1"]]);
        let grouped = parallel_jobs(&[(vec!["reset", "--hard", "x"], false)], 2, None);
        assert_eq!(grouped, [vec!["reset", "--hard"], vec!["x"]]);
        let split = parallel_jobs(&[(vec!["reset,--hard"], false)], 1, Some(","));
        assert_eq!(split, [["reset", "--hard"]]);
    }
}
