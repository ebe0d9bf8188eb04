//! The command model: how the programs the gates reason about read their arguments.
//!
//! One model, used by the normaliser (to respell git commands canonically and to find the
//! command a wrapper runs), by the gates (through the normalised text they match) and by the
//! regression gate of `metalayer-kernel` (to read `git add`, `git rm`, `git mv` and
//! `git commit`). Each program is a table of [`OptionSpec`]s read by [`OptionTable::parse`]
//! under its [`Syntax`]:
//!
//! ```
//! use metalayer_gates::model::{git, OptionSpec, OptionTable, Syntax};
//!
//! // git accepts unique prefixes of long options and combined short flags.
//! let clean = git::subcommand_options("clean").unwrap();
//! let args = ["-qfd", "--exclude", "target", "src"];
//! let parsed = clean.parse(&args);
//! assert!(parsed.has("force") && parsed.has("d"));
//! assert_eq!(parsed.value("exclude"), Some("target"));
//! assert_eq!(parsed.operands(), ["src"]);
//!
//! // A wrapper's options end at the command it runs.
//! const NICE: OptionTable = OptionTable::new(Syntax::Posix, &[OptionSpec::value("adjustment", Some('n'))]);
//! let args = ["-n", "5", "git", "status"];
//! assert_eq!(NICE.parse(&args).operands(), ["git", "status"]);
//! ```

pub mod coreutils;
pub mod git;
mod options;

pub use options::{ArgKind, Arity, OptionSpec, OptionTable, ParsedArgs, ParsedOption, Syntax};
