//! The coreutils programs the default gates reason about, as GNU `getopt_long` reads them: a
//! unique prefix of a long option is that option (`rm --recur --forc /` is `rm --recursive
//! --force /`), so the normaliser writes long options in full before the gates match.

use super::{OptionSpec as O, OptionTable, Syntax};

/// GNU `rm`.
pub const RM: OptionTable = OptionTable::new(
    Syntax::Gnu,
    &[
        O::flag("force", Some('f')),
        O::optional("interactive", None),
        O::flag("i", Some('i')),
        O::flag("I", Some('I')),
        O::flag("one-file-system", None),
        O::flag("no-preserve-root", None),
        O::optional("preserve-root", None),
        O::flag("recursive", Some('r')),
        O::flag("R", Some('R')),
        O::flag("dir", Some('d')),
        O::flag("verbose", Some('v')),
        O::flag("help", None),
        O::flag("version", None),
    ],
);

/// GNU `shred` (overwrites a file or a device in place).
pub const SHRED: OptionTable = OptionTable::new(
    Syntax::Gnu,
    &[
        O::flag("force", Some('f')),
        O::value("iterations", Some('n')),
        O::value("random-source", None),
        O::value("size", Some('s')),
        O::optional("remove", None),
        O::flag("u", Some('u')),
        O::flag("verbose", Some('v')),
        O::flag("exact", Some('x')),
        O::flag("zero", Some('z')),
        O::flag("help", None),
        O::flag("version", None),
    ],
);

/// GNU `chmod`, `chown` and `chgrp` (their options together; a mode such as `-x` is read by
/// the writes' own reader).
pub const CHANGE_MODE: OptionTable = OptionTable::new(
    Syntax::Gnu,
    &[
        O::flag("recursive", Some('R')),
        O::flag("changes", Some('c')),
        O::flag("silent", Some('f')),
        O::flag("quiet", None),
        O::flag("verbose", Some('v')),
        O::flag("dereference", None),
        O::flag("no-dereference", Some('h')),
        O::optional("from", None),
        O::flag("no-preserve-root", None),
        O::flag("preserve-root", None),
        O::optional("reference", None),
        O::flag("H", Some('H')),
        O::flag("L", Some('L')),
        O::flag("P", Some('P')),
        O::flag("help", None),
        O::flag("version", None),
    ],
);

/// The option table of a coreutils program, if modelled.
#[must_use]
pub fn options(program: &str) -> Option<&'static OptionTable> {
    match program {
        "rm" => Some(&RM),
        "shred" => Some(&SHRED),
        "chmod" | "chown" | "chgrp" => Some(&CHANGE_MODE),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_prefixes_resolve_and_ambiguous_ones_do_not() {
        let long = |name: &str| RM.long(name).map(|(o, _)| o.long);
        assert_eq!(long("recur"), Some("recursive"));
        assert_eq!(long("forc"), Some("force"));
        assert_eq!(long("no-p"), Some("no-preserve-root"));
        // `--i` could be --interactive or -i's name: GNU rm reads it as --interactive, the
        // only long option; `--pre` only --preserve-root.
        assert_eq!(long("pre"), Some("preserve-root"));
        assert_eq!(long("r"), Some("recursive"));
        assert_eq!(long("zzz"), None);
        let change = |name: &str| CHANGE_MODE.long(name).map(|(o, _)| o.long);
        assert_eq!(change("recur"), Some("recursive"));
        // `--no-` could be --no-dereference or --no-preserve-root.
        assert_eq!(change("no-"), None);
    }
}
