//! Option tables and the parser that reads arguments against them.
//!
//! Written here rather than borrowed: the argument parsers on crates.io (clap, lexopt, getopts)
//! parse *our* program's arguments and fail on what they do not know; a gate must read
//! *another* program's arguments the way that program does, never fail, and keep unknown
//! options in place. The rules are those of git's parse-options, GNU `getopt_long` and POSIX
//! `getopt`, chosen per table by [`Syntax`].

/// Whether an option takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// A flag: no value.
    None,
    /// A value: `--opt=V`, `--opt V`, `-oV` or `-o V`.
    Required,
    /// A value only when attached: `--opt=V`, `-oV`.
    Optional,
}

/// One option of a command: its long name (without `--`), its short letter, and its arity.
///
/// An option that only has a short form has a one-letter long name equal to its letter and
/// is never matched as a long option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    /// The long name, without `--` (`"force"`); for a short-only option, its letter.
    pub long: &'static str,
    /// The short letter, if any.
    pub short: Option<char>,
    /// Whether it takes a value.
    pub arity: Arity,
}

impl OptionSpec {
    /// A flag.
    #[must_use]
    pub const fn flag(long: &'static str, short: Option<char>) -> Self {
        Self {
            long,
            short,
            arity: Arity::None,
        }
    }

    /// An option with a required value.
    #[must_use]
    pub const fn value(long: &'static str, short: Option<char>) -> Self {
        Self {
            long,
            short,
            arity: Arity::Required,
        }
    }

    /// An option with an optional, attached value.
    #[must_use]
    pub const fn optional(long: &'static str, short: Option<char>) -> Self {
        Self {
            long,
            short,
            arity: Arity::Optional,
        }
    }

    /// Whether the option has a long form (a short-only option's name is its letter).
    #[must_use]
    pub fn has_long(&self) -> bool {
        self.long.len() > 1
    }
}

/// How a program reads its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Syntax {
    /// git's parse-options: unique prefixes of long options, `--no-NAME` negations, options
    /// after operands, `--` and `--end-of-options`.
    Git,
    /// GNU `getopt_long` with permutation: unique prefixes, options after operands, `--`.
    Gnu,
    /// POSIX `getopt` (and the wrappers that run a command: `sudo`, `env`, `xargs`): options
    /// end at the first operand, unique prefixes of long options are accepted.
    Posix,
}

/// A program's options and how it reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionTable {
    /// The options.
    pub options: &'static [OptionSpec],
    /// The parsing rules.
    pub syntax: Syntax,
}

/// What one argument word turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// An option (or a cluster of short options).
    Option,
    /// The separate value of the option before it.
    Value,
    /// An operand.
    Operand,
    /// `--` or `--end-of-options`.
    Separator,
    /// An option the table does not know (kept as written).
    Unknown,
}

/// An option met while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedOption<'a> {
    /// The option.
    pub spec: OptionSpec,
    /// `--no-NAME` (or, for an option named `no-X`, `--X`).
    pub negated: bool,
    /// Its value, if it has one.
    pub value: Option<&'a str>,
    /// The index of the argument it was read from.
    pub index: usize,
}

/// The arguments of a command read against an [`OptionTable`].
///
/// ```
/// use metalayer_gates::model::{git, Arity};
///
/// let table = git::subcommand_options("reset").unwrap();
/// let args = ["HEAD~1", "--har", "-q"];
/// let parsed = table.parse(&args);
/// assert!(parsed.has("hard"));
/// assert!(parsed.has("quiet"));
/// assert_eq!(parsed.operands(), ["HEAD~1"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedArgs<'a> {
    options: Vec<ParsedOption<'a>>,
    operands: Vec<&'a str>,
    unknown: Vec<&'a str>,
    kinds: Vec<ArgKind>,
    separator: Option<usize>,
}

impl<'a> ParsedArgs<'a> {
    /// Every option met, in order.
    #[must_use]
    pub fn options(&self) -> &[ParsedOption<'a>] {
        &self.options
    }

    /// The operands, in order.
    #[must_use]
    pub fn operands(&self) -> &[&'a str] {
        &self.operands
    }

    /// The options the table does not know, as written.
    #[must_use]
    pub fn unknown(&self) -> &[&'a str] {
        &self.unknown
    }

    /// What each argument word was.
    #[must_use]
    pub fn kinds(&self) -> &[ArgKind] {
        &self.kinds
    }

    /// How many operands came before `--` (or `--end-of-options`), if one was given.
    #[must_use]
    pub fn operands_before_separator(&self) -> Option<usize> {
        self.separator
    }

    /// Whether the option named `long` was given and not negated later.
    #[must_use]
    pub fn has(&self, long: &str) -> bool {
        self.options
            .iter()
            .rev()
            .find(|o| o.spec.long == long)
            .is_some_and(|o| !o.negated)
    }

    /// Every value given to the option named `long`, in order (`rebase -x A -x B` runs both).
    pub fn values<'s>(&'s self, long: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.options
            .iter()
            .filter(move |o| o.spec.long == long && !o.negated)
            .filter_map(|o| o.value)
    }

    /// The last value given to the option named `long`.
    #[must_use]
    pub fn value(&self, long: &str) -> Option<&'a str> {
        self.options
            .iter()
            .rev()
            .find(|o| o.spec.long == long && !o.negated)
            .and_then(|o| o.value)
    }
}

impl OptionTable {
    /// A table.
    #[must_use]
    pub const fn new(syntax: Syntax, options: &'static [OptionSpec]) -> Self {
        Self { options, syntax }
    }

    /// The option a short letter names.
    #[must_use]
    pub fn short(&self, c: char) -> Option<OptionSpec> {
        self.options.iter().copied().find(|o| o.short == Some(c))
    }

    /// The long option `name` (without `--`) resolves to: an exact name, else the one option
    /// it is a unique prefix of; with git's syntax `--no-X` resolves to X negated (and `--X`
    /// to `no-X` negated). `None` when unknown or ambiguous.
    #[must_use]
    pub fn long(&self, name: &str) -> Option<(OptionSpec, bool)> {
        let longs = || self.options.iter().copied().filter(OptionSpec::has_long);
        if let Some(exact) = longs().find(|o| o.long == name) {
            return Some((exact, false));
        }
        let negation = self.syntax == Syntax::Git;
        if negation {
            if let Some(exact) = name
                .strip_prefix("no-")
                .and_then(|rest| longs().find(|o| o.long == rest))
            {
                return Some((exact, true));
            }
            if let Some(exact) = longs().find(|o| o.long.strip_prefix("no-") == Some(name)) {
                return Some((exact, true));
            }
        }
        let mut found: Option<(OptionSpec, bool)> = None;
        for o in longs() {
            let mut hits = [None, None, None];
            if o.long.starts_with(name) {
                hits[0] = Some((o, false));
            }
            if negation {
                if let Some(rest) = name.strip_prefix("no-")
                    && !rest.is_empty()
                    && o.long.starts_with(rest)
                {
                    hits[1] = Some((o, true));
                }
                if let Some(positive) = o.long.strip_prefix("no-")
                    && positive.starts_with(name)
                {
                    hits[2] = Some((o, true));
                }
            }
            for hit in hits.into_iter().flatten() {
                if found.is_some_and(|f| f != hit) {
                    return None;
                }
                found = Some(hit);
            }
        }
        found
    }

    /// The index in `args` where the operands start (after `--` if that comes first), or
    /// `args.len()`: where a wrapper's command begins. Allocates nothing.
    ///
    /// ```
    /// use metalayer_gates::model::{OptionSpec, OptionTable, Syntax};
    ///
    /// const SUDO: OptionTable = OptionTable::new(Syntax::Posix, &[OptionSpec::value("user", Some('u'))]);
    /// assert_eq!(SUDO.first_operand(&["-u", "root", "-E", "git", "status"]), 3);
    /// assert_eq!(SUDO.first_operand(&["-uroot", "--", "-x"]), 2);
    /// ```
    #[must_use]
    pub fn first_operand<S: AsRef<str>>(&self, args: &[S]) -> usize {
        let mut i = 0;
        while let Some(arg) = args.get(i) {
            let arg = arg.as_ref();
            if arg == "-" || !arg.starts_with('-') {
                return i;
            }
            if arg == "--" || (arg == "--end-of-options" && self.syntax == Syntax::Git) {
                return i + 1;
            }
            i += 1;
            if let Some(long) = arg.strip_prefix("--") {
                if !long.contains('=')
                    && let Some((spec, false)) = self.long(long)
                    && spec.arity == Arity::Required
                {
                    i += 1;
                }
                continue;
            }
            let cluster = arg.get(1..).unwrap_or_default();
            for (at, c) in cluster.char_indices() {
                let Some(spec) = self.short(c) else {
                    break;
                };
                if spec.arity != Arity::None {
                    let rest = cluster.get(at + c.len_utf8()..).unwrap_or_default();
                    if spec.arity == Arity::Required && rest.is_empty() {
                        i += 1;
                    }
                    break;
                }
            }
        }
        args.len()
    }

    /// Reads `args` (the words after the command or subcommand name).
    #[must_use]
    pub fn parse<'a, S: AsRef<str>>(&self, args: &'a [S]) -> ParsedArgs<'a> {
        let mut out = ParsedArgs {
            kinds: Vec::with_capacity(args.len()),
            ..ParsedArgs::default()
        };
        let mut i = 0;
        let mut only_operands = false;
        while let Some(arg) = args.get(i) {
            let arg = arg.as_ref();
            let index = i;
            i += 1;
            if only_operands || arg == "-" || !arg.starts_with('-') {
                out.operands.push(arg);
                out.kinds.push(ArgKind::Operand);
                if self.syntax == Syntax::Posix {
                    only_operands = true;
                }
                continue;
            }
            if arg == "--" || (arg == "--end-of-options" && self.syntax == Syntax::Git) {
                only_operands = true;
                out.separator = Some(out.operands.len());
                out.kinds.push(ArgKind::Separator);
                continue;
            }
            if let Some(long) = arg.strip_prefix("--") {
                let (name, attached) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (long, None),
                };
                let Some((spec, negated)) = self.long(name) else {
                    out.unknown.push(arg);
                    out.kinds.push(ArgKind::Unknown);
                    continue;
                };
                out.kinds.push(ArgKind::Option);
                let value = match (spec.arity, attached, negated) {
                    (_, _, true) | (Arity::None, _, _) => None,
                    (Arity::Optional, v, _) => v,
                    (Arity::Required, Some(v), _) => Some(v),
                    (Arity::Required, None, _) => {
                        let v = args.get(i).map(AsRef::as_ref);
                        if v.is_some() {
                            out.kinds.push(ArgKind::Value);
                            i += 1;
                        }
                        v
                    }
                };
                out.options.push(ParsedOption {
                    spec,
                    negated,
                    value,
                    index,
                });
                continue;
            }
            // A cluster of short options.
            let cluster = arg.get(1..).unwrap_or_default();
            let mut kind = ArgKind::Option;
            let mut separate_value = false;
            for (at, c) in cluster.char_indices() {
                let Some(spec) = self.short(c) else {
                    kind = ArgKind::Unknown;
                    out.unknown.push(arg);
                    break;
                };
                let rest = cluster.get(at + c.len_utf8()..).unwrap_or_default();
                let value = match spec.arity {
                    Arity::None => None,
                    Arity::Optional => (!rest.is_empty()).then_some(rest),
                    Arity::Required if rest.is_empty() => {
                        let v = args.get(i).map(AsRef::as_ref);
                        if v.is_some() {
                            separate_value = true;
                            i += 1;
                        }
                        v
                    }
                    Arity::Required => Some(rest),
                };
                out.options.push(ParsedOption {
                    spec,
                    negated: false,
                    value,
                    index,
                });
                if spec.arity != Arity::None {
                    break;
                }
            }
            out.kinds.push(kind);
            if separate_value {
                out.kinds.push(ArgKind::Value);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: OptionTable = OptionTable::new(
        Syntax::Git,
        &[
            OptionSpec::flag("hard", None),
            OptionSpec::flag("force", Some('f')),
            OptionSpec::flag("no-verify", Some('n')),
            OptionSpec::flag("verbose", Some('v')),
            OptionSpec::value("message", Some('m')),
            OptionSpec::optional("gpg-sign", Some('S')),
            OptionSpec::flag("quiet", Some('q')),
        ],
    );

    #[test]
    fn long_prefixes_and_negations_resolve() {
        assert_eq!(T.long("har").map(|o| o.0.long), Some("hard"));
        assert_eq!(
            T.long("no-verif"),
            Some((OptionSpec::flag("no-verify", Some('n')), false))
        );
        assert_eq!(T.long("verify").map(|o| o.1), Some(true));
        assert_eq!(T.long("no-force").map(|o| o.1), Some(true));
        // `--no-v` could be `--no-verify` or `--no-verbose`: ambiguous, as git says.
        assert_eq!(T.long("no-v"), None);
        assert_eq!(T.long("zzz"), None);
    }

    #[test]
    fn clusters_values_and_separators_are_read() {
        let args = ["x", "-qfmwip", "--gpg-sign", "--", "-f"];
        let p = T.parse(&args);
        assert!(p.has("quiet") && p.has("force"));
        assert_eq!(p.value("message"), Some("wip"));
        assert_eq!(p.value("gpg-sign"), None);
        assert_eq!(p.operands(), ["x", "-f"]);
        assert_eq!(p.operands_before_separator(), Some(1));
        assert_eq!(
            p.kinds(),
            [
                ArgKind::Operand,
                ArgKind::Option,
                ArgKind::Option,
                ArgKind::Separator,
                ArgKind::Operand
            ]
        );
        let args = ["-m", "msg", "--no-force", "-f", "--no-force"];
        let p = T.parse(&args);
        assert!(!p.has("force"));
        assert_eq!(p.kinds().get(1), Some(&ArgKind::Value));
    }

    #[test]
    fn posix_syntax_stops_at_the_first_operand() {
        const P: OptionTable =
            OptionTable::new(Syntax::Posix, &[OptionSpec::value("user", Some('u'))]);
        let args = ["-u", "root", "rm", "-rf", "/"];
        let p = P.parse(&args);
        assert_eq!(p.operands(), ["rm", "-rf", "/"]);
        assert_eq!(p.value("user"), Some("root"));
    }
}
