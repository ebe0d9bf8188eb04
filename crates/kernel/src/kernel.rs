//! The kernel: a policy and its compiled gates.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use metalayer_gates::{GateSet, GateSetBuilder, KnownPatterns, ToolCall, Verdict};
use metalayer_policy::{Diagnostic, LoadOptions, Policy, Report};

use crate::error::KernelError;
use crate::root::find_root;
use crate::rules::rules_of;

/// The governed-profile policy used when a repository has none, and written by `init`.
pub const DEFAULT_POLICY_YAML: &str = include_str!("../policies/governed.yaml");

/// The gate set's readings of the patterns of every profile `metalayer init` installs (the
/// embedded default and `metalayer-setup`'s two), made ahead of time: reading them was 1.0 M
/// of the 2.4 M instructions of an allowed hook call with the governed policy. A test
/// (`tests/integration/embedded.rs`) checks the file is fresh and rewrites it with
/// `METALAYER_BLESS=1`; see [`metalayer_gates::KnownPatterns`] for the contract.
static KNOWN_PATTERNS: KnownPatterns = include!("known_patterns.rs");

/// The name shown for the embedded default policy.
pub const EMBEDDED_POLICY_NAME: &str = "<embedded default policy>";

/// Where a kernel's policy came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicySource {
    /// The embedded default ([`DEFAULT_POLICY_YAML`]).
    Embedded,
    /// A policy file.
    File(PathBuf),
}

impl PolicySource {
    /// The path to show in messages.
    #[must_use]
    pub fn display_path(&self) -> PathBuf {
        match self {
            PolicySource::Embedded => PathBuf::from(EMBEDDED_POLICY_NAME),
            PolicySource::File(p) => p.clone(),
        }
    }
}

/// A policy with its compiled gates: what an embedder needs to decide tool calls.
/// Cheap to clone; `Send + Sync`.
///
/// ```
/// use metalayer_kernel::{Kernel, ToolCall, Decision};
///
/// let kernel = Kernel::embedded_default()?;
/// let verdict = kernel.decide(&ToolCall::bash("git push --force origin main"));
/// assert_eq!(verdict.decision(), Decision::Deny);
/// assert_eq!(kernel.decide(&ToolCall::bash("git status")).decision(), Decision::Allow);
/// # Ok::<(), metalayer_kernel::KernelError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Kernel(Arc<Inner>);

/// A loaded policy's warnings.
#[derive(Debug)]
enum Warnings {
    /// Collected while loading.
    Known(Vec<Diagnostic>),
    /// Not collected (see [`Kernel::from_file`]): found in the policy's text when first asked
    /// for.
    Deferred {
        text: Report,
        found: OnceLock<Vec<Diagnostic>>,
    },
}

#[derive(Debug)]
struct Inner {
    policy: Policy,
    warnings: Warnings,
    gates: GateSet,
    source: PolicySource,
    root: Option<PathBuf>,
}

impl Kernel {
    /// A kernel for an already loaded policy.
    ///
    /// # Errors
    ///
    /// [`KernelError::Gates`] when a gate's pattern cannot be compiled.
    pub fn from_policy(policy: Policy, source: PolicySource) -> Result<Self, KernelError> {
        Self::assemble(policy, Warnings::Known(Vec::new()), source, None)
    }

    fn assemble(
        policy: Policy,
        warnings: Warnings,
        source: PolicySource,
        root: Option<PathBuf>,
    ) -> Result<Self, KernelError> {
        let gates = GateSetBuilder::new()
            .known_patterns(KNOWN_PATTERNS)
            .rules(rules_of(&policy))
            .build()
            .map_err(|source_err| KernelError::Gates {
                path: source.display_path(),
                source: source_err,
            })?;
        Ok(Self(Arc::new(Inner {
            policy,
            warnings,
            gates,
            source,
            root,
        })))
    }

    /// The kernel of the embedded default policy.
    ///
    /// # Errors
    ///
    /// Only if the embedded policy were broken, which the test suite rules out.
    pub fn embedded_default() -> Result<Self, KernelError> {
        Self::embedded_with_root(None)
    }

    fn embedded_with_root(root: Option<PathBuf>) -> Result<Self, KernelError> {
        // The test suite loads it with every check; here only what compiling needs.
        let loaded = metalayer_policy::load_str_with(
            DEFAULT_POLICY_YAML,
            EMBEDDED_POLICY_NAME,
            LoadOptions::fast(),
        )
        .map_err(|e| policy_error(PathBuf::from(EMBEDDED_POLICY_NAME), e))?;
        Self::assemble(
            loaded.policy,
            Warnings::Known(loaded.warnings),
            PolicySource::Embedded,
            root,
        )
    }

    /// The kernel of a policy file.
    ///
    /// # Errors
    ///
    /// [`KernelError::Policy`] when the file cannot be read or is invalid, naming every
    /// problem with its line; [`KernelError::Gates`] when its gates cannot be compiled.
    pub fn from_file(path: &Path) -> Result<Self, KernelError> {
        // The fast path skips the schema pass and the policy crate's own regex parsing (the
        // gate engine parses every pattern anyway); when anything fails, a full load explains
        // the failure with every problem and its line. Warnings are not looked for: the hook,
        // which loads the policy on every tool call, never shows them, and placing them would
        // mean reading the file again with positions; `warnings()` reads them when asked.
        let explain = |fallback: KernelError| match metalayer_policy::load_file(path) {
            Err(e) => policy_error(path.to_path_buf(), e),
            Ok(_) => fallback,
        };
        let options = LoadOptions::fast().without_warnings();
        let loaded = match metalayer_policy::load_file_with(path, options) {
            Ok(loaded) => loaded,
            Err(e) => return Err(explain(policy_error(path.to_path_buf(), e))),
        };
        let root = path.parent().and_then(Path::parent).map(Path::to_path_buf);
        let text = loaded.warnings_report().clone();
        Self::assemble(
            loaded.policy,
            Warnings::Deferred {
                text,
                found: OnceLock::new(),
            },
            PolicySource::File(path.to_path_buf()),
            root,
        )
        .map_err(explain)
    }

    /// The kernel for the repository around `start`: its `.control/policy.yaml` if the
    /// repository root (see [`find_root`]) has one, else the embedded default.
    ///
    /// # Errors
    ///
    /// As [`Kernel::from_file`] when the repository's policy is unusable: a broken policy is
    /// never silently replaced by the default.
    pub fn discover(start: &Path) -> Result<Self, KernelError> {
        let root = find_root(start);
        let base = root.as_deref().unwrap_or(start);
        let path = base.join(metalayer_policy::DEFAULT_POLICY_FILE);
        if path.exists() {
            Self::from_file(&path)
        } else {
            Self::embedded_with_root(root)
        }
    }

    /// The policy.
    #[must_use]
    pub fn policy(&self) -> &Policy {
        &self.0.policy
    }

    /// Warnings from loading the policy (unknown keys, …). For a policy file, found when first
    /// asked for, in the text the kernel was built from.
    #[must_use]
    pub fn warnings(&self) -> &[Diagnostic] {
        match &self.0.warnings {
            Warnings::Known(known) => known,
            Warnings::Deferred { text, found } => found.get_or_init(|| {
                metalayer_policy::load_str_with(text.source(), text.name(), LoadOptions::fast())
                    .map(|loaded| loaded.warnings)
                    .unwrap_or_default()
            }),
        }
    }

    /// The compiled gates.
    #[must_use]
    pub fn gates(&self) -> &GateSet {
        &self.0.gates
    }

    /// Where the policy came from.
    #[must_use]
    pub fn source(&self) -> &PolicySource {
        &self.0.source
    }

    /// The repository root, when one was found.
    #[must_use]
    pub fn root(&self) -> Option<&Path> {
        self.0.root.as_deref()
    }

    /// Decides a tool call with the policy's gates.
    #[must_use]
    pub fn decide(&self, call: &ToolCall) -> Verdict {
        self.0.gates.decide(call)
    }

    /// Decides a tool call run in the folder `cwd`: a forced `git push` without a refspec is
    /// read as the branch the repository there would update ([`crate::RepositoryState`]).
    #[must_use]
    pub fn decide_in(&self, call: &ToolCall, cwd: Option<&std::path::Path>) -> Verdict {
        match cwd.or(self.root()) {
            Some(dir) => {
                let state = crate::RepositoryState::new(dir);
                self.0.gates.decide_in(call, Some(&state))
            }
            None => self.decide(call),
        }
    }
}

/// Turns a policy error into a kernel error with a one-paragraph summary.
fn policy_error(path: PathBuf, error: metalayer_policy::PolicyError) -> KernelError {
    let summary = crate::summary::policy_error_summary(&error);
    KernelError::Policy {
        path,
        summary,
        source: error,
    }
}
