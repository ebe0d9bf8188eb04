//! Setting a repository up for metalayer, and checking that it stays set up: the two commands
//! that write and read a repository's governance files rather than decide tool calls. Built on
//! [`metalayer_kernel`], which holds the runtime (hook protocols, decisions, the regression
//! gate, capture, the ledger); nothing in the kernel depends on this crate.
//!
//! - [`plan`]: `metalayer init`, the files a [`Profile`] installs for a
//!   [`Harness`](metalayer_kernel::Harness), worked out without writing; [`Plan::apply`] writes
//!   them and never overwrites a file of the user's. It also wires each harness's hooks
//!   (guarded commands that block when `metalayer` cannot start) and records the harness's
//!   trust where one is needed ([`codex_trust_toml`], [`codex_requirements_toml`]).
//! - [`audit()`]: `metalayer audit`, the repository's governance files, schemas, hooks (wired,
//!   trusted by the harness and probed), regression gate, bridge, ledger and measured setpoints
//!   as an [`AuditReport`].
//!
//! ```
//! use metalayer_kernel::Harness;
//! use metalayer_setup::{InitOptions, Profile, plan};
//!
//! let repo = tempfile::tempdir()?;
//! std::fs::create_dir(repo.path().join(".git"))?;
//! let options = InitOptions::new(repo.path())
//!     .profile(Profile::Governed)
//!     .harness(Harness::Claude);
//! let first = plan(&options)?;
//! assert!(!first.is_noop());
//! first.apply()?;
//! assert!(repo.path().join(".control/policy.yaml").is_file());
//! assert!(plan(&options)?.is_noop(), "a second run has nothing to do");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod audit;
mod error;
mod init;
mod trust;

pub use audit::{
    AuditCheck, AuditOptions, AuditReport, AuditSection, BUILTIN_MEASUREMENTS, CheckStatus,
    DEFAULT_MEASUREMENT_TIMEOUT, DEFAULT_STALE_AFTER, PolicySummary, SetpointReport,
    SetpointStatus, audit, render as render_audit,
};
pub use error::SetupError;
pub use init::{
    AUTONOMOUS_POLICY_YAML, Action, ActionKind, BASELINE_POLICY_YAML, InitOptions,
    LEDGER_GITIGNORE, Plan, Profile, captures_sessions, codex_requirements_toml, codex_trust_toml,
    plan,
};
pub use trust::HarnessEnv;
