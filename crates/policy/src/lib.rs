//! Parse, validate and explain `.control/policy.yaml`, the governance policy of
//! [metalayer](https://github.com/metalayer/metalayer).
//!
//! A policy lists **gates** (rules an AI coding agent's tool calls must pass: `hard` ones deny,
//! `soft` ones ask) and **setpoints** (measurable targets checked by the audit). Every dialect of
//! the original shell-and-Python system loads unchanged and means what it meant; keys of other
//! dialects are kept verbatim in [`Policy::extra`]; unknown keys are warnings, not errors.
//!
//! ```
//! use metalayer_policy::{load_str, MatchMode};
//!
//! let loaded = load_str(
//!     r#"
//! version: "1.0"
//! gates:
//!   hard:
//!     - id: G2
//!       rule: "No destructive git reset"
//!       pattern: "git reset --hard"
//!       match: command
//!   soft:
//!     - id: G5
//!       rule: "Prefer feature branches over direct main commits"
//! setpoints:
//!   - {id: S13, name: bridge_freshness_seconds, target: 120, alert_above: 3600}
//! "#,
//!     ".control/policy.yaml",
//! )?;
//! let gates = &loaded.policy.gates;
//! assert!(gates.hard[0].is_enforced());
//! assert_eq!(gates.hard[0].match_mode_or_default(), MatchMode::Command);
//! assert!(!gates.soft[0].is_enforced()); // documentation only
//! assert_eq!(loaded.policy.setpoints[0].alert_above, Some(3600.0));
//! assert!(loaded.warnings.is_empty());
//!
//! // Every problem is reported at once, with its line and column.
//! let err = load_str("gates:\n  hard:\n    - id: G1\n      pattern: \"(\"\n", "p.yaml").unwrap_err();
//! let report = err.report().unwrap();
//! let error = report.errors().next().unwrap();
//! assert_eq!((error.line, error.column), (4, 16));
//! assert_eq!(error.code, "policy::bad-pattern");
//! assert_eq!(report.warning_count(), 1); // no `version`
//! # Ok::<(), metalayer_policy::PolicyError>(())
//! ```
//!
//! # Loading
//!
//! [`load_str`] and [`load_file`] work in two passes. The YAML text is read into a tree that
//! keeps the position of every node (with a nesting limit of 64 and a node budget that refuses
//! alias bombs; files over [`MAX_POLICY_BYTES`] are refused before parsing), validated against
//! the JSON Schema generated from the types ([`schema`]), then checked: duplicate gate and
//! setpoint ids, patterns that do not compile as Rust regexes (with a hint for Python-only syntax
//! such as lookaround), setpoint bounds, gates that could never fire, the version, tool names.
//! Errors come back as [`PolicyError::Invalid`] with a [`Report`] of every problem; the report
//! and each [`Diagnostic`] implement [`miette::Diagnostic`], so a binary renders them pointing
//! into the file, and [`serde::Serialize`] for JSON output.
//!
//! # Gate semantics
//!
//! A gate as the seed guide writes it (`id`, `rule`, `pattern`) applies to the `command` of Bash
//! calls and is searched anywhere in it, like Python's `re.search`. The extension fields
//! `tools`, `field`, `match` and `unless` say more; see [`Gate`]. Only `gates.hard` and
//! `gates.soft` are enforced; other lists and free-form gate maps are documentation.
//!
//! # Features
//!
//! None. The YAML backend (`yaml-rust2`) is private: no third-party type appears in the API.
#![deny(missing_docs)]

mod check;
mod diagnostic;
mod emit;
mod error;
mod load;
mod model;
mod pattern;
mod schema;
mod suggest;
mod tree;

pub use check::{DEFAULT_VERSION, KNOWN_TOOLS, is_fingerprint};
pub use diagnostic::{Diagnostic, DiagnosticSeverity, Report, SecondaryLabel, Span};
pub use emit::to_yaml;
pub use error::PolicyError;
pub use load::{
    DEFAULT_POLICY_FILE, LoadOptions, Loaded, MAX_POLICY_BYTES, diagnostic_at, find_policy,
    load_file, load_file_with, load_str, load_str_with,
};
pub use model::{
    BridgeLimits, BridgeSettings, BuildSettings, CoverageSettings, EvaluateSettings, EvaluateStep,
    Example, Extra, Gate, GateDocs, GateExamples, GateId, GateOrigin, Gates, LintSettings,
    MatchMode, MeasureSettings, Measurement, MeasurementKind, OnError, Policy, Profile,
    RedactionRule, RegressionSettings, SecretAction, SecretsAllow, SecretsSettings, Setpoint,
    SetpointId, Severity, Target, TestSettings,
};
pub use pattern::MAX_PATTERN_SIZE;
pub use schema::{schema, schema_json};
pub use suggest::did_you_mean;
pub use tree::{MAX_DEPTH, MAX_NODES};
