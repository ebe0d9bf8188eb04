//! Errors of building a [`GateSet`](crate::GateSet).

use crate::rule::GateId;

/// Which pattern of a rule an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatternKind {
    /// The rule's `pattern`.
    Pattern,
    /// The rule's `unless` exception pattern.
    Unless,
}

impl std::fmt::Display for PatternKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PatternKind::Pattern => "pattern",
            PatternKind::Unless => "unless",
        })
    }
}

/// Why a set of rules could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A pattern is not a valid regular expression.
    #[error("gate `{id}`: {kind} `{pattern}` does not compile: {message}")]
    InvalidPattern {
        /// The rule.
        id: GateId,
        /// Which of its patterns.
        kind: PatternKind,
        /// The pattern text.
        pattern: String,
        /// What is wrong with it.
        message: String,
        /// The underlying parser error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A pattern would compile into an automaton larger than the configured limit.
    #[error(
        "gate `{id}`: {kind} is too large (about {estimate} states, the limit is {limit}); \
         shorten it or reduce counted repetitions such as `{{1000}}`"
    )]
    PatternTooLarge {
        /// The rule.
        id: GateId,
        /// Which of its patterns.
        kind: PatternKind,
        /// The estimated size.
        estimate: usize,
        /// The limit ([`GateSetBuilder::pattern_size_limit`](crate::GateSetBuilder::pattern_size_limit)).
        limit: usize,
    },
    /// Two rules share an id.
    #[error("gate id `{id}` is used by more than one rule")]
    DuplicateId {
        /// The id.
        id: GateId,
    },
    /// A rule has an empty id.
    #[error("a gate has an empty id")]
    EmptyId,
    /// More rules than the configured limit.
    #[error("{count} gates exceed the limit of {limit}")]
    TooManyRules {
        /// How many rules were given.
        count: usize,
        /// The limit ([`GateSetBuilder::max_rules`](crate::GateSetBuilder::max_rules)).
        limit: usize,
    },
    /// The literal prefilter could not be built (it grew past its own size limits).
    #[error("the literal prefilter could not be built: {message}")]
    Prefilter {
        /// What went wrong.
        message: String,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}
