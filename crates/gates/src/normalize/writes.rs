//! The paths a shell command writes, truncates, moves onto or deletes: redirections, `tee`,
//! `sponge`, `cp`/`mv`/`install`/`ln` destinations (and the files they put into a destination
//! folder), the sources `mv` and `git mv` take away, `rm`, `touch`, `truncate`, `chmod`/`chown`,
//! `sed -i`, `dd of=`, `curl -o`, `git rm`, so that file gates see shell writes too.
//!
//! A table of writers with their options taking a value; what each one writes is read with
//! the option model of [`crate::model`] where the program is git.

use super::{Normalizer, Raw, WRITE_SINKS, WrittenText};
use crate::lex::{Lexed, Redirect, Word};
use crate::model::git;

impl Normalizer<'_> {
    /// Records a written path, unless it is a sink such as `/dev/null`.
    pub(super) fn write_target(&mut self, target: &str) {
        self.path_target(target, false);
    }

    /// Records a written path, or with `untracked` a path git takes out of its index (see
    /// [`Normalized::untracked`](super::Normalized::untracked)), once each, with its other
    /// readings: in the folder a `cd` moved to, and the protected names a glob reaches.
    fn path_target(&mut self, target: &str, untracked: bool) {
        let listed = if untracked {
            &self.out.untracked
        } else {
            &self.out.writes
        };
        // Each path once (`mv a b` is also read as `rm -rf a`).
        if target.is_empty() || WRITE_SINKS.contains(&target) || listed.iter().any(|w| w == target)
        {
            return;
        }
        let readings = self.other_readings(target);
        if untracked {
            self.out.untracked.push(target.to_owned());
            self.out.untracked.extend(readings);
        } else {
            self.out.writes.push(target.to_owned());
            self.out.writes_in_folder.extend(readings);
        }
    }

    /// The other readings of a path a command writes: the protected names a glob in it (or in
    /// its reading in the folder a `cd` moved to) reaches, then that reading itself.
    fn other_readings(&mut self, target: &str) -> Vec<String> {
        // After `cd DIR`, a relative path is DIR's.
        let mut under = None;
        if let Some(dir) = &self.cwd
            && !target.starts_with(['/', '~', '$'])
        {
            let cleaned = super::under_folder(dir, target);
            if cleaned != target {
                under = Some(cleaned);
            }
        }
        let mut readings = Vec::new();
        // A glob that reaches a protected name (`.git/hoo*/pre-commit`) writes it. At most 16
        // such paths are read per command; past that it cannot be verified.
        for path in std::iter::once(target).chain(under.as_deref()) {
            if !path.contains(['*', '?', '[']) {
                continue;
            }
            if self.globs_read >= 16 {
                self.out.truncated = true;
                break;
            }
            self.globs_read += 1;
            readings.extend(super::glob::protected_readings(path));
        }
        readings.extend(under);
        readings
    }

    /// The paths that copying, moving or linking `sources` into `dest` writes when `dest` is a
    /// folder (`cp x .claude/` writes `.claude/x`): the normaliser cannot know whether it is
    /// one, so both readings are listed, unless `-T` (`--no-target-directory`) says it is not.
    pub(super) fn sources_into(&mut self, name: &str, args: &[&str], sources: &[&str], dest: &str) {
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

    /// Records the text that `echo`, `printf` (its format applied), `cat` and `tee` visibly
    /// write into files (see
    /// [`Normalized::written`](super::Normalized::written)), and passes it on to the next
    /// command of a pipeline.
    pub(super) fn written_text(
        &mut self,
        name: &str,
        argv: &[Word<'_>],
        raw: &Raw<'_>,
        lexed: &Lexed<'_>,
    ) {
        let upstream = self.upstream.take();
        let rest = argv.get(1..).unwrap_or_default();
        let output = match name {
            "printf" | "echo" => printed(name, rest),
            // `cat <(echo /)`: what the substitutions print.
            "cat" if !rest.is_empty() && rest.iter().all(|w| w.text.starts_with("<(")) => rest
                .iter()
                .map(|w| substitution_output(w, lexed))
                .collect::<Option<Vec<_>>>()
                .map(|texts| texts.concat()),
            // `cat` and `tee` copy their standard input when `cat` names no file.
            "cat" | "tee" if name == "tee" || rest.iter().all(|w| w.text.starts_with('-')) => {
                Self::stdin_text(raw, lexed)
                    .map(std::borrow::Cow::into_owned)
                    .or(upstream)
            }
            _ => None,
        };
        let Some(output) = output.filter(|t| !t.is_empty()) else {
            return;
        };
        let mut targets: Vec<&str> = raw
            .redirects
            .iter()
            .filter(|(kind, _)| *kind == Redirect::Write)
            .map(|(_, target)| &*target.text)
            .collect();
        if name == "tee" {
            targets.extend(
                rest.iter()
                    .map(|w| &*w.text)
                    .filter(|t| !t.starts_with('-')),
            );
        }
        targets.retain(|t| !t.is_empty() && !WRITE_SINKS.contains(t));
        for path in &targets {
            self.out.written.push(WrittenText {
                path: (*path).to_owned(),
                text: output.clone(),
            });
        }
        // Output that goes on down a pipeline (not into a file, or through `tee`).
        if targets.is_empty() || name == "tee" {
            self.pipe_text = Some(output);
        }
    }

    /// Records the paths that the command `name` with `argv` writes or deletes.
    pub(super) fn writes_of(&mut self, name: &str, argv: &[Word<'_>]) {
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
            "tee" | "sponge" | "rm" | "unlink" | "shred" | "touch" | "rmdir" | "truncate" => {
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
            // An archive extracted into a folder writes that folder (`tar -xf a.tar -C
            // .git/hooks`, `unzip -o a.zip -d .git/hooks`): read as the folder itself.
            "tar" | "bsdtar" | "gtar" => {
                let extracting = args.iter().any(|a| {
                    matches!(*a, "--extract" | "--get")
                        || (a.starts_with('-') && !a.starts_with("--") && a.contains('x'))
                        || (!a.starts_with('-')
                            && a.contains('x')
                            && a.bytes().all(|b| b.is_ascii_alphabetic()))
                });
                if extracting {
                    let dir = option_value(args, &["-C", "--directory"])
                        .or_else(|| args.iter().find_map(|a| a.strip_prefix("--directory=")));
                    if let Some(dir) = dir {
                        self.write_target(&format!("{}/", dir.trim_end_matches('/')));
                    }
                }
            }
            "unzip" => {
                if let Some(dir) = option_value(args, &["-d"]) {
                    self.write_target(&format!("{}/", dir.trim_end_matches('/')));
                }
            }
            "git" => {
                // `git rm PATH…`, `git mv SRC DST`: after the global options.
                let inv = git::invocation(args);
                let rest = inv.args(args);
                match inv.subcommand() {
                    Some("rm") => {
                        let parsed = git::RM.parse(rest);
                        // `--dry-run` only lists them; `--cached` leaves the files as they are
                        // and takes them out of the index (`git rm --cached .env` is how a
                        // committed secrets file stops being tracked): no write, but the next
                        // commit deletes them, which `untracked_path` gates see.
                        if !parsed.has("dry-run") {
                            let untrack = parsed.has("cached");
                            for p in parsed.operands() {
                                self.path_target(p, untrack);
                            }
                        }
                    }
                    Some("mv") => {
                        let parsed = git::MV.parse(rest);
                        if let Some((dest, sources)) = parsed.operands().split_last()
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
}

/// The paths a command removes besides writing its output, for a reading as `rm -rf PATHS`
/// (so that the delete gates see them): an archiver told to delete what it archived (`tar
/// --remove-files`, `zip -m`, `7z a -sdel`) and the sources `mv` takes away. `None` for any
/// other command. tar's operands after `-C DIR` are DIR's.
pub(super) fn removed_operands(name: &str, words: &[Word<'_>]) -> Option<Vec<Word<'static>>> {
    let args = words.get(1..).unwrap_or_default();
    let operands: Vec<Word<'static>> = match name {
        "tar" | "gtar" | "bsdtar" => tar_removed(args)?,
        "zip" => {
            let moves = args.iter().any(|w| {
                w.text == "--move"
                    || w.text.strip_prefix('-').is_some_and(|f| {
                        !f.starts_with('-')
                            && f.contains('m')
                            && f.bytes().all(|b| b.is_ascii_alphanumeric())
                    })
            });
            if !moves {
                return None;
            }
            // `zip [OPTIONS] ZIPFILE FILE…`: the files after the archive, up to an
            // `-x`/`-i` list of patterns.
            let mut out = Vec::new();
            let mut archive = false;
            let mut k = 0;
            while let Some(w) = args.get(k) {
                k += 1;
                let t = &*w.text;
                if matches!(t, "-x" | "-i" | "--exclude" | "--include") {
                    break;
                }
                if t.starts_with('-') && t.len() > 1 {
                    if matches!(
                        t,
                        "-b" | "-n"
                            | "-t"
                            | "-tt"
                            | "-P"
                            | "-Z"
                            | "-s"
                            | "-O"
                            | "--temp-path"
                            | "--suffixes"
                            | "--password"
                            | "--out"
                    ) {
                        k += 1;
                    }
                    continue;
                }
                if archive {
                    out.push(w.clone().into_owned());
                } else {
                    archive = true;
                }
            }
            out
        }
        "7z" | "7za" | "7zz" | "7zr" => {
            if !args.iter().any(|w| w.text.eq_ignore_ascii_case("-sdel")) {
                return None;
            }
            // `7z a|u [SWITCHES] ARCHIVE FILE…` (switches anywhere, values attached).
            let mut plain = args.iter().filter(|w| !w.text.starts_with('-'));
            let command = plain.next()?;
            if !matches!(&*command.text, "a" | "u") {
                return None;
            }
            plain.skip(1).map(|w| w.clone().into_owned()).collect()
        }
        "mv" => {
            let texts: Vec<&str> = args.iter().map(|w| &*w.text).collect();
            let ops = operands(&texts, options_with_argument("mv"));
            let sources = if option_value(&texts, &["-t", "--target-directory"]).is_some() {
                ops.as_slice()
            } else {
                ops.split_last().map(|(_, rest)| rest)?
            };
            // Back to the words, for their flags (`$HOME` is computed).
            let mut out = Vec::new();
            for source in sources {
                if let Some(w) = args.iter().find(|w| w.text == *source) {
                    out.push(w.clone().into_owned());
                }
            }
            out
        }
        _ => return None,
    };
    (!operands.is_empty()).then_some(operands)
}

/// GNU tar's short options that take a value (`-f ARCHIVE`, `-C DIR`, `-T LIST`, …).
const TAR_SHORT_VALUES: &[u8] = b"fCTXbHVgKLNIF";

/// GNU tar's long options that take a value as the next word.
const TAR_LONG_VALUES: &[&str] = &[
    "--file",
    "--directory",
    "--files-from",
    "--exclude-from",
    "--exclude",
    "--blocking-factor",
    "--format",
    "--label",
    "--listed-incremental",
    "--starting-file",
    "--tape-length",
    "--newer",
    "--after-date",
    "--newer-mtime",
    "--use-compress-program",
    "--owner",
    "--group",
    "--mode",
    "--mtime",
    "--transform",
    "--xform",
    "--suffix",
    "--info-script",
    "--new-volume-script",
    "--volno-file",
    "--rsh-command",
    "--index-file",
    "--record-size",
    "--to-command",
    "--strip-components",
    "--occurrence",
];

/// What `tar --remove-files` deletes: its file operands (not the values of its options),
/// each after `-C DIR` read in DIR. `None` without `--remove-files` (or a unique prefix of
/// it, as GNU tar accepts: `--remove`, `--rem`).
fn tar_removed(args: &[Word<'_>]) -> Option<Vec<Word<'static>>> {
    let removes = args
        .iter()
        .any(|w| w.text.len() >= 5 && "--remove-files".starts_with(&*w.text));
    if !removes {
        return None;
    }
    let mut out = Vec::new();
    let mut dir: Option<String> = None;
    let mut only_operands = false;
    let mut k = 0;
    while let Some(w) = args.get(k) {
        k += 1;
        let t = &*w.text;
        let mut value_of: Option<char> = None;
        let mut values = 0;
        if !only_operands && t == "--" {
            only_operands = true;
            continue;
        }
        if !only_operands && t.starts_with("--") {
            if let Some(d) = t.strip_prefix("--directory=") {
                dir = Some(d.to_owned());
            } else if TAR_LONG_VALUES.contains(&t) {
                if t == "--directory" {
                    dir = args.get(k).map(|d| d.text.to_string());
                }
                k += 1;
            }
            continue;
        }
        // `-czf ARCHIVE`, and the old style's first word without a dash (`tar czf A F`).
        let cluster = match t.strip_prefix('-') {
            Some(c) if !only_operands && !c.is_empty() => Some(c),
            None if !only_operands && k == 1 && t.bytes().all(|b| b.is_ascii_alphabetic()) => {
                Some(t)
            }
            _ => None,
        };
        if let Some(cluster) = cluster {
            for (at, c) in cluster.char_indices() {
                if c.is_ascii() && TAR_SHORT_VALUES.contains(&(c as u8)) {
                    // `-fARCHIVE` (the rest of a dashed cluster) or the next word.
                    let rest = cluster.get(at + 1..).unwrap_or_default();
                    if t.starts_with('-') && !rest.is_empty() {
                        if c == 'C' {
                            dir = Some(rest.to_owned());
                        }
                        break;
                    }
                    if c == 'C' {
                        value_of = Some('C');
                    }
                    values += 1;
                    if !t.starts_with('-') {
                        continue;
                    }
                    break;
                }
            }
            for n in 0..values {
                if value_of == Some('C') && n + 1 == values {
                    dir = args.get(k).map(|d| d.text.to_string());
                }
                k += 1;
            }
            continue;
        }
        let operand = match &dir {
            Some(d) if !t.starts_with(['/', '~', '$']) => Word {
                text: format!("{}/{t}", d.trim_end_matches('/')).into(),
                ..w.clone().into_owned()
            },
            _ => w.clone().into_owned(),
        };
        out.push(operand);
    }
    Some(out)
}

/// Commands whose writes [`Normalizer::writes_of`] knows.
pub(super) fn is_writer(name: &str) -> bool {
    matches!(
        name,
        "tee"
            | "sponge"
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
            | "tar"
            | "bsdtar"
            | "gtar"
            | "unzip"
    )
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
        "tee" | "sponge" | "rm" | "unlink" | "rmdir" => &[],
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

/// What `echo ARGS…` or `printf FORMAT ARGS…` (`name`, with the words after it) prints.
fn printed(name: &str, rest: &[Word<'_>]) -> Option<String> {
    match name {
        "printf" => match rest.first() {
            // `printf -v NAME …` assigns; it prints nothing.
            Some(f) if f.text == "-v" => None,
            // `printf -- FORMAT …`: the end of the options (bash's builtin).
            Some(f) if f.text == "--" => printed(name, rest.get(1..).unwrap_or_default()),
            Some(f) => Some(printf_text(
                &f.text,
                &rest
                    .get(1..)
                    .unwrap_or_default()
                    .iter()
                    .map(|w| &*w.text)
                    .collect::<Vec<_>>(),
            )),
            None => None,
        },
        "echo" => {
            let mut text = String::new();
            let mut flags = true;
            for word in rest {
                if flags && matches!(&*word.text, "-n" | "-e" | "-E" | "-ne" | "-en") {
                    continue;
                }
                flags = false;
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(&word.text);
            }
            Some(text)
        }
        _ => None,
    }
}

/// What a process substitution (`<(echo /)`) prints, when it is one `echo` or `printf` of
/// words the gate can read.
pub(super) fn substitution_output(word: &Word<'_>, lexed: &Lexed<'_>) -> Option<String> {
    if !word.text.starts_with("<(") {
        return None;
    }
    let [body] = lexed.substitutions_of(word) else {
        return None;
    };
    let words = super::split_words(body);
    let (name, rest) = words.split_first()?;
    if rest.iter().any(|w| w.dynamic) {
        return None;
    }
    printed(super::basename(&name.text), rest)
}

/// What `printf FORMAT ARGS…` prints, as far as a gate needs it: `\n`, `\t`, `\\` and octal
/// (`\0`, `\101`) escapes, `%%`, and every other conversion (`%s`, `%d`, `%b`, with flags and widths)
/// taking the next argument as it is; the format is reused while arguments remain, as
/// printf does.
fn printf_text(format: &str, args: &[&str]) -> String {
    let mut out = String::new();
    let mut next = 0;
    loop {
        let mut chars = format.chars().peekable();
        let mut consumed = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    // `\0`, `\NNN`: a byte in octal (NUL separates `update-ref -z` input).
                    Some(d @ '0'..='7') => {
                        let mut value = d.to_digit(8).unwrap_or(0);
                        for _ in 0..2 {
                            match chars.peek().and_then(|c| c.to_digit(8)) {
                                Some(more) => {
                                    value = value * 8 + more;
                                    chars.next();
                                }
                                None => break,
                            }
                        }
                        if let Some(c) = char::from_u32(value).filter(char::is_ascii) {
                            out.push(c);
                        }
                    }
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                },
                '%' if chars.peek() == Some(&'%') => {
                    chars.next();
                    out.push('%');
                }
                '%' => {
                    // Flags, width and precision, then the conversion letter.
                    while chars
                        .peek()
                        .is_some_and(|c| c.is_ascii_digit() || "-+ #.*'".contains(*c))
                    {
                        chars.next();
                    }
                    chars.next();
                    if let Some(arg) = args.get(next) {
                        out.push_str(arg);
                        next += 1;
                        consumed = true;
                    }
                }
                _ => out.push(c),
            }
        }
        if !consumed || next >= args.len() {
            return out;
        }
    }
}
