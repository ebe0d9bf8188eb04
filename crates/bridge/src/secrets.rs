//! Secret detection, shared by everything that must keep secrets out of what it writes: the
//! bridge's session notes today, written content and staged changes tomorrow.
//!
//! The rules are data: a TOML file in gitleaks' rule shape (`id`, `description`, `regex`,
//! `keywords`, `secretGroup`, `entropy`, `allowlists`), embedded in the crate and compiled
//! lazily behind a keyword prefilter (one Aho-Corasick pass over the text selects the rules
//! worth running). More rules come from another file ([`DetectorBuilder::rules_toml`]) or one
//! at a time ([`Rule`]). A [`Detector`] returns [`Finding`]s (rule, byte range, line and
//! column, a masked form that never holds the secret) or redacts the text.
//!
//! ```
//! use metalayer_bridge::secrets::Detector;
//!
//! let detector = Detector::new();
//! let staged = "+const DSN = \"https://0123456789abcdef0123456789abcdef@o42.ingest.sentry.io/7\";\n";
//! for finding in detector.find(staged) {
//!     // What a pre-commit check would print: never the value itself.
//!     assert_eq!(finding.to_string(), "sentry-dsn at line 1, column 23: 0123********");
//! }
//! ```
//!
//! The built-in rules and what each must and must not match are listed in
//! `src/secrets/rules.toml` and `tests/data/secrets.toml`; [`BUILTIN_RULES`] is the file.

mod assign;
mod detector;
mod rule;
mod scan_tables;

pub use detector::{Detector, DetectorBuilder, Finding};
pub use rule::{AllowTarget, Allowlist, Rule, RuleId, shannon_entropy};

/// The tag of the built-in rules meant for conversation text only (values stated in prose, bare
/// high-entropy strings): checks of written files and staged changes leave them out with
/// [`DetectorBuilder::without_tag`].
pub const CONVERSATION_TAG: &str = "conversation";

/// The built-in rules file (TOML, gitleaks' rule shape), as embedded in the crate.
pub const BUILTIN_RULES: &str = detector::BUILTIN_RULES;

/// Whether the hand-written matchers of the two assignment rules find in `text` exactly the
/// matches and groups their regexes find. For the `secret_assignment` fuzz target; not part
/// of the API.
#[doc(hidden)]
#[must_use]
pub fn assignment_matchers_agree(text: &str) -> bool {
    assign::agree(text)
}
