//! A compiled gate engine that decides **allow / ask / deny** for the tool calls of AI coding
//! agents.
//!
//! A *gate* ([`Rule`]) is a regular expression over one field of a tool call (the shell
//! command, the path a call writes, the content it writes, or any other input key), with a
//! decision. A [`GateSet`] is built once from many rules and then decides calls:
//!
//! ```
//! use metalayer_gates::{Decision, Field, GateSetBuilder, MatchMode, Rule, ToolCall};
//!
//! let gates = GateSetBuilder::new()
//!     // The seed's form: searched anywhere in the raw and the normalised command.
//!     .rule(Rule::new("G2", Decision::Deny, "git reset --hard").with_message("No destructive git reset"))
//!     // Precise form: anchored at the start of each executed simple command.
//!     .rule(
//!         Rule::new("no-verify", Decision::Deny, r"git\s+commit\b.*\s(--no-verify|-n)(\s|$)")
//!             .with_mode(MatchMode::Command),
//!     )
//!     // A file gate: the file tools' paths and every path a shell command writes.
//!     .rule(
//!         Rule::new("secrets", Decision::Deny, r"(^|/)\.env(\.[^/]*)?$")
//!             .with_field(Field::FilePath)
//!             .with_unless(r"\.(example|sample|template)$"),
//!     )
//!     .build()?;
//!
//! let decide = |call: ToolCall| gates.decide(&call).decision();
//! assert_eq!(decide(ToolCall::bash("FOO=1 sudo git 'reset' \"--hard\"")), Decision::Deny);
//! assert_eq!(decide(ToolCall::bash("git commit -n -m wip")), Decision::Deny);
//! assert_eq!(decide(ToolCall::bash(r#"git commit -m "why --no-verify is bad""#)), Decision::Allow);
//! assert_eq!(decide(ToolCall::bash("echo KEY=1 >> .env")), Decision::Deny);
//! assert_eq!(decide(ToolCall::new("Write").with("file_path", "/repo/.env.example")), Decision::Allow);
//! # Ok::<(), metalayer_gates::BuildError>(())
//! ```
//!
//! # Semantics
//!
//! - **Decision precedence** is deny > ask > allow, independent of rule order. A [`Verdict`]
//!   names every gate that matched and the one that decided.
//! - **Normalisation** ([`normalize`]): Bash commands are split into the simple commands they
//!   execute, with `bash -c`, `eval`, substitutions, here-documents fed to shells and inline
//!   interpreter code unwrapped, wrappers such as `sudo`/`env`/`timeout` stripped, quotes
//!   removed and command paths reduced to their basename. Too deep a nesting makes the verdict
//!   at least ask ([`Unverified`]).
//! - **Match modes** ([`MatchMode`]): `Anywhere` searches like Python's `re.search` in the raw
//!   command and every normalised simple command (so the seed's patterns keep their meaning
//!   and gain resistance to evasion); `Command` is anchored at the start of each simple command
//!   and sees quoted text holding white space (commit messages, `echo` sentences) as the
//!   placeholder `<data>`, so data never triggers it.
//! - **Tools**: by default a rule on the command applies to `Bash`, on `file_path` to the
//!   file-writing tools and `Bash` (through the paths its shell writes), on `content` to the
//!   file-writing tools, and on any other key to every tool.
//!
//! # Performance
//!
//! Building checks each pattern once (everyday syntax in one quick pass, the rest with
//! regex-syntax), bounds its compiled size, and finds a set of literals one of which every
//! match contains; those feed a literal prefilter (substring searches for a few literals,
//! buckets by their first two bytes for many, an Aho-Corasick automaton once a long-lived set
//! has decided often enough). Deciding runs the prefilter over the call's subjects, then one
//! multi-pattern regex-automata search (`MatchKind::All`, overlapping) over just the candidate
//! gates; the automaton for each group of candidates is compiled on first use and cached. So a
//! policy of thousands of gates costs little more per call than a policy of four.
#![deny(missing_docs)]

mod call;
mod decision;
mod error;
mod hash;
mod known;
mod lex;
pub mod model;
mod normalize;
mod path;
mod prefilter;
mod quick;
mod rule;
mod set;

pub use call::ToolCall;
pub use decision::Decision;
pub use error::{BuildError, PatternKind};
pub use known::{KnownPatterns, KnownReading};
pub use normalize::{
    DATA_PLACEHOLDER, NormalizeOptions, Normalized, Origin, STDIN_PROGRAM, SimpleCommand,
    WrittenText, normalize, normalize_in,
};
#[doc(hidden)]
pub use prefilter::Literal as PrefilterLiteral;
pub use quick::{QuickComparison, compare_quick_reader};
pub use rule::{FILE_WRITE_TOOLS, Field, GateId, MatchMode, Rule, SHELL_TOOL, Tools};
pub use set::{GateMatch, GateSet, GateSetBuilder, Unverified, Verdict};
