//! `metalayer audit`: is this repository governed and healthy? Policy, governance docs,
//! schemas, hooks, regression gate, bridge, ledger, and every setpoint of the policy measured.

mod command;
pub(crate) mod hooks;
mod measure;
mod probe;
mod render;
mod report;
mod trust;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use metalayer_policy::{BridgeSettings, Policy, RegressionSettings};

use crate::trust::HarnessEnv;
use metalayer_kernel::DEFAULT_CONVERSATIONS_DIR;
use metalayer_kernel::HookKind;
use metalayer_kernel::KernelError;
use metalayer_kernel::{AGENTS_DOC, CLAUDE_DOC, METALAYER_DOC, POLICY_FILE, SchemaKind};
use metalayer_kernel::{DecisionRecord, LEDGER_DIR, allow_count, ledger_dir, read_records};
use metalayer_kernel::{EMBEDDED_POLICY_NAME, Kernel};
use metalayer_kernel::{MapLocation, feature_map, locate_feature_map};

pub use measure::BUILTIN_MEASUREMENTS;
pub use render::render;
pub use report::{
    AuditCheck, AuditReport, AuditSection, CheckStatus, PolicySummary, SetpointReport,
    SetpointStatus,
};

use measure::{Facts, Tally, sessions};
use report::AuditCheck as Check;

/// How long a `command` or `script` measurement may run when its setpoint does not say
/// (`timeout_seconds`).
pub const DEFAULT_MEASUREMENT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a gate of the repository's own may go without matching before the audit suggests
/// retiring it: 90 days.
pub const DEFAULT_STALE_AFTER: Duration = Duration::from_secs(90 * 24 * 3600);

/// From how many asks of one gate the audit says that people approve nearly all of them.
const APPROVED_ASKS_MIN: u64 = 5;

/// The index the bridge keeps in its output folder.
const CONVERSATIONS_INDEX: &str = "Conversations.md";

/// Options of [`audit`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuditOptions {
    /// The time `bridge_freshness_seconds` is measured against (default: now).
    pub now: Option<SystemTime>,
    /// The timeout of `command` and `script` measurements that set none.
    pub command_timeout: Duration,
    /// Whether `command` and `script` measurements and the probes of the wired hook commands
    /// run (default yes); when not, they are reported as unmeasured or not checked.
    pub run_commands: bool,
    /// Where the harnesses keep their trust records (default: from this process's
    /// environment).
    pub harness_env: HarnessEnv,
    /// How long a gate of the repository's own may go without matching before the audit
    /// suggests retiring it (default [`DEFAULT_STALE_AFTER`]).
    pub stale_after: Duration,
}

impl Default for AuditOptions {
    fn default() -> Self {
        Self {
            now: None,
            command_timeout: DEFAULT_MEASUREMENT_TIMEOUT,
            run_commands: true,
            harness_env: HarnessEnv::from_process(),
            stale_after: DEFAULT_STALE_AFTER,
        }
    }
}

impl AuditOptions {
    /// The default options.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Measures freshness against this time instead of now.
    #[must_use]
    pub fn with_now(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }

    /// Sets the timeout of measurements that set none.
    #[must_use]
    pub fn with_command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout;
        self
    }

    /// Runs (or not) `command` and `script` measurements and the hook probes.
    #[must_use]
    pub fn with_commands(mut self, run: bool) -> Self {
        self.run_commands = run;
        self
    }

    /// Suggests retiring a gate of the repository's own that has not matched for this long.
    #[must_use]
    pub fn with_stale_after(mut self, window: Duration) -> Self {
        self.stale_after = window;
        self
    }

    /// Reads the harnesses' trust records from these locations.
    #[must_use]
    pub fn with_harness_env(mut self, env: HarnessEnv) -> Self {
        self.harness_env = env;
        self
    }
}

/// Audits the repository at `root` (its top folder; see [`metalayer_kernel::find_root`]).
///
/// Never fails: every problem is a check or a setpoint in the report, and the blocking ones
/// are listed in [`AuditReport::failures`] (`ok` is false when there is any).
///
/// ```
/// use metalayer_setup::{AuditOptions, audit};
///
/// let dir = tempfile::tempdir()?;
/// let report = audit(dir.path(), &AuditOptions::default());
/// assert!(!report.ok);
/// assert!(report.failures.iter().any(|f| f.contains("CLAUDE.md is missing")));
/// # Ok::<(), std::io::Error>(())
/// ```
#[must_use]
pub fn audit(root: &Path, options: &AuditOptions) -> AuditReport {
    let (policy, summary, policy_section) = policy_section(root);
    let docs = docs_section(root);
    let schemas = schemas_section(root);
    let wired = hooks::wired(root);
    let mut hook_checks = wired.checks;
    hook_checks.extend(probe::checks(root, &wired.commands, options.run_commands));
    hook_checks.extend(trust::checks(root, &wired.commands, &options.harness_env));
    if wired.kinds.is_empty() {
        hook_checks.push(Check::warning(
            "agent hooks",
            "no harness settings file or git hook runs metalayer; run `metalayer init`",
        ));
    }
    let regression =
        regression_section(root, policy.regression.as_ref(), !summary.embedded_default);
    let bridge_settings = policy.bridge.clone().unwrap_or_default();
    let conversations = root.join(
        bridge_settings
            .output
            .as_deref()
            .unwrap_or(DEFAULT_CONVERSATIONS_DIR),
    );
    let capture_wired = wired.kinds.contains(&HookKind::SessionCapture);
    let bridge = bridge_section(root, &bridge_settings, &conversations, capture_wired);
    let records = read_records(root);
    let (tally, mut ledger) = ledger_section(root, &records);
    let now = options.now.unwrap_or_else(SystemTime::now);
    ledger.extend(stale_gates(&records, &policy, now, options.stale_after));
    let facts = Facts {
        root,
        hooks: &wired.kinds,
        conversations,
        tally,
        now,
        default_timeout: options.command_timeout,
        run_commands: options.run_commands,
    };
    let setpoints = policy
        .setpoints
        .iter()
        .map(|s| measure::measure(s, &facts))
        .collect();
    let section = |name: &str, checks: Vec<Check>| AuditSection {
        name: name.to_owned(),
        checks,
    };
    AuditReport::assemble(
        root.to_path_buf(),
        summary,
        vec![
            section("Policy", policy_section),
            section("Governance docs", docs),
            section("Schemas", schemas),
            section("Hooks", hook_checks),
            section("Regression gate", regression),
            section("Bridge", bridge),
            section("Ledger", ledger),
        ],
        setpoints,
    )
}

/// The policy the rest of the audit reads (the file's, or the embedded default when there is
/// none or it is invalid), its summary and its checks.
fn policy_section(root: &Path) -> (Policy, PolicySummary, Vec<Check>) {
    let path = root.join(POLICY_FILE);
    let embedded = || Kernel::embedded_default().ok();
    let describe = |kernel: &Kernel| {
        let profile = kernel
            .policy()
            .profile
            .and_then(|p| serde_json::to_value(p).ok())
            .and_then(|v| v.as_str().map(str::to_owned));
        (profile, kernel.gates().len())
    };
    let mut checks = Vec::new();
    let (kernel, valid) = if path.exists() {
        match Kernel::from_file(&path) {
            Ok(kernel) => {
                let (profile, gates) = describe(&kernel);
                let profile = profile.map_or_else(String::new, |p| format!("profile {p}, "));
                checks.push(Check::ok(
                    POLICY_FILE,
                    format!("{profile}{gates} enforced gate{}", plural(gates)),
                ));
                let examples = metalayer_kernel::check_examples(kernel.policy());
                if let Some(first) = examples.failures.first() {
                    let n = examples.failures.len();
                    let more = if n > 1 {
                        format!(" (and {} more)", n - 1)
                    } else {
                        String::new()
                    };
                    checks.push(Check::invalid(
                        "gate examples",
                        format!("{}{more}; see `metalayer validate`", first.message()),
                    ));
                } else if examples.checked > 0 {
                    checks.push(Check::ok(
                        "gate examples",
                        format!(
                            "{} example{} honoured by {} gate",
                            examples.checked,
                            plural(examples.checked),
                            if examples.checked == 1 {
                                "its"
                            } else {
                                "their"
                            }
                        ),
                    ));
                }
                let warnings = kernel.warnings().len();
                if warnings > 0 {
                    checks.push(Check::warning(
                        POLICY_FILE,
                        format!(
                            "{warnings} warning{} (see `metalayer validate`)",
                            plural(warnings)
                        ),
                    ));
                }
                (Some(kernel), true)
            }
            Err(e) => {
                checks.push(Check::invalid(POLICY_FILE, policy_problem(&e)));
                (None, false)
            }
        }
    } else {
        checks.push(Check::missing(
            POLICY_FILE,
            "using the embedded default; run `metalayer init`",
        ));
        (None, false)
    };
    let from_file = kernel.is_some();
    let kernel = kernel.or_else(embedded);
    if !from_file && path.exists() {
        checks.push(Check::warning(
            "setpoints and settings",
            "audited with the embedded default policy's, since the file cannot be used",
        ));
    }
    let (profile, gates) = kernel.as_ref().map_or((None, 0), describe);
    let summary = PolicySummary {
        path: if path.exists() {
            POLICY_FILE.to_owned()
        } else {
            EMBEDDED_POLICY_NAME.to_owned()
        },
        valid,
        profile,
        gates,
        embedded_default: !from_file,
    };
    let policy = kernel.map(|k| k.policy().clone()).unwrap_or_default();
    (policy, summary, checks)
}

/// The first problem of an unusable policy with its line, and how many more there are.
fn policy_problem(error: &KernelError) -> String {
    match error {
        KernelError::Policy { source, .. } => match source.report() {
            Some(report) => {
                let mut errors = report.errors();
                match errors.next() {
                    Some(first) => {
                        let more = errors.count();
                        let rest = if more > 0 {
                            format!(" (and {more} more; see `metalayer validate`)")
                        } else {
                            String::new()
                        };
                        format!(
                            "line {}:{}: {}{rest}",
                            first.line, first.column, first.message
                        )
                    }
                    None => source.to_string(),
                }
            }
            None => source.to_string(),
        },
        other => other.to_string(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn docs_section(root: &Path) -> Vec<Check> {
    [METALAYER_DOC, CLAUDE_DOC, AGENTS_DOC]
        .into_iter()
        .map(|doc| {
            if root.join(doc).is_file() {
                Check::ok(doc, "")
            } else {
                Check::missing(doc, "")
            }
        })
        .collect()
}

fn schemas_section(root: &Path) -> Vec<Check> {
    SchemaKind::ALL
        .into_iter()
        .map(|kind| {
            let rel = kind.path();
            match std::fs::read_to_string(root.join(rel)) {
                Err(_) if !root.join(rel).exists() => Check::missing(rel, ""),
                Err(e) => Check::invalid(rel, format!("cannot be read: {e}")),
                Ok(text) => match schema_matches(&text, kind) {
                    Some(true) => Check::ok(rel, ""),
                    Some(false) => Check::warning(
                        rel,
                        "stale: differs from this version's schema; regenerate with `metalayer init --force`",
                    ),
                    None => Check::warning(
                        rel,
                        "not a JSON object; regenerate with `metalayer init --force`",
                    ),
                },
            }
        })
        .collect()
}

/// Whether a schema file says what [`SchemaKind::render`] says, as JSON (layout aside, and
/// without the top-level `$comment` that `init` adds); `None` when it is not a JSON object.
fn schema_matches(text: &str, kind: SchemaKind) -> Option<bool> {
    let serde_json::Value::Object(mut file) = serde_json::from_str(text).ok()? else {
        return None;
    };
    file.remove("$comment");
    let expected: serde_json::Value = serde_json::from_str(&kind.render()).ok()?;
    Some(serde_json::Value::Object(file) == expected)
}

/// The feature map's check. `from_file`: the policy is the repository's file, so a map it
/// names and that is absent blocks (both hooks refuse every commit then); the embedded default
/// names `.control/regression-map.yaml`, and without it the seed's map is looked for.
fn regression_section(
    root: &Path,
    settings: Option<&RegressionSettings>,
    from_file: bool,
) -> Vec<Check> {
    let path = match locate_feature_map(root, settings, from_file) {
        MapLocation::Found { path, .. } => path,
        MapLocation::Missing { path, .. } => {
            return vec![Check::missing(
                relative(root, &path),
                "named by the policy's `regression.map` but absent; restore it, or remove `regression.map` from the policy (the hooks refuse every `git commit` until then)",
            )];
        }
        _ => {
            return vec![Check::ok(
                "feature map",
                "none; the regression gate asks nothing before commits",
            )];
        }
    };
    let rel = relative(root, &path);
    match feature_map(root, settings, from_file) {
        Ok(Some(matcher)) => {
            let n = matcher.features().len();
            if n == 0 {
                vec![Check::warning(
                    rel,
                    "maps no feature; the regression gate asks nothing",
                )]
            } else {
                vec![Check::ok(rel, format!("{n} feature{} mapped", plural(n)))]
            }
        }
        Ok(None) => vec![Check::warning(rel, "cannot be found")],
        Err(e) => vec![Check::invalid(
            rel,
            format!(
                "{} (the pre-tool-use hook fails on every `git commit`)",
                e.with_causes()
            ),
        )],
    }
}

fn bridge_section(
    root: &Path,
    settings: &BridgeSettings,
    output: &Path,
    capture_wired: bool,
) -> Vec<Check> {
    if settings.enabled == Some(false) {
        return vec![Check::ok("bridge", "disabled by the policy")];
    }
    let rel = relative(root, output);
    if !output.is_dir() && !capture_wired {
        return vec![Check::ok(
            rel,
            "not created: no session capture hook is wired",
        )];
    }
    if !output.is_dir() {
        return vec![Check::warning(
            rel,
            "not created yet; the Stop hook writes it with the first session",
        )];
    }
    let n = sessions(output).len();
    let mut checks = vec![Check::ok(
        rel.clone(),
        format!("{n} session file{}", plural(n)),
    )];
    let index = format!("{rel}/{CONVERSATIONS_INDEX}");
    checks.push(if output.join(CONVERSATIONS_INDEX).is_file() {
        Check::ok(index, "")
    } else if n == 0 {
        Check::ok(index, "not written yet")
    } else {
        Check::warning(index, "missing; the next capture writes it")
    });
    checks
}

fn ledger_section(root: &Path, records: &[DecisionRecord]) -> (Tally, Vec<Check>) {
    let dir = ledger_dir(root);
    if !dir.is_dir() {
        return (
            Tally::default(),
            vec![Check::ok(LEDGER_DIR, "not written yet: no decision so far")],
        );
    }
    let mut checks = Vec::new();
    let ignored = std::fs::read_to_string(dir.join(".gitignore"))
        .is_ok_and(|t| t.lines().any(|l| l.trim() == "*"));
    let mut tally = Tally {
        allow: allow_count(root),
        ..Tally::default()
    };
    // Per deciding gate: how often it asked, and how often the call then ran.
    let mut asks: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
    for r in records {
        let gate = r.gates.first().cloned().unwrap_or_else(|| "-".to_owned());
        match r.decision.as_str() {
            "deny" => tally.deny += 1,
            "ask" => {
                tally.ask += 1;
                asks.entry(gate).or_default().0 += 1;
            }
            "ran" => {
                tally.ran += 1;
                asks.entry(gate).or_default().1 += 1;
            }
            _ => {}
        }
    }
    // A ran line answers one ask; more (an ask in a rotated-away file) count no further.
    tally.ran = tally.ran.min(tally.ask);
    checks.push(Check::ok(
        LEDGER_DIR,
        format!(
            "{} deny, {} ask ({} approved and ran), {} allow",
            tally.deny, tally.ask, tally.ran, tally.allow
        ),
    ));
    for (gate, (asked, ran)) in &asks {
        let ran = (*ran).min(*asked);
        if *asked == 0 {
            continue;
        }
        let line = format!("asks of {gate}: {asked} asked, {ran} approved and ran",);
        // An ask that people keep approving is friction, not protection.
        if *asked >= APPROVED_ASKS_MIN && ran * 5 >= asked * 4 {
            checks.push(Check::warning(
                format!("{LEDGER_DIR} {gate}"),
                format!(
                    "{line}: people approve almost every ask of {gate}; if what it asks about is routine here, narrow its pattern or give it an `unless`"
                ),
            ));
        } else {
            checks.push(Check::ok(format!("{LEDGER_DIR} {gate}"), line));
        }
    }
    if !ignored {
        checks.push(Check::warning(
            format!("{LEDGER_DIR}/.gitignore"),
            "the ledger is not git-ignored; its records could be committed",
        ));
    }
    let unreadable = ledger_lines(&dir).saturating_sub(records.len());
    if unreadable > 0 {
        checks.push(Check::warning(
            LEDGER_DIR,
            format!(
                "{unreadable} line{} of the decision files do not parse",
                plural(unreadable)
            ),
        ));
    }
    (tally, checks)
}

/// Gates of the repository's own (not the safety nets every profile ships, which exist for
/// the rare day they match) that the ledger shows no match of within `window`, when the
/// ledger's history reaches back that far: candidates to retire, or an ask to demote.
fn stale_gates(
    records: &[DecisionRecord],
    policy: &Policy,
    now: SystemTime,
    window: Duration,
) -> Vec<Check> {
    let Some(first) = records.iter().map(|r| r.time).min() else {
        return Vec::new();
    };
    let now_s = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let since = now_s.saturating_sub(window.as_secs());
    if first > since {
        // The ledger is younger than the window: silence says nothing yet.
        return Vec::new();
    }
    let shipped = crate::init::shipped_gate_ids();
    let mut last: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for r in records {
        for gate in &r.gates {
            let t = last.entry(gate.as_str()).or_default();
            *t = (*t).max(r.time);
        }
    }
    let days = window.as_secs() / 86_400;
    let lists = [("hard", &policy.gates.hard), ("soft", &policy.gates.soft)];
    let mut checks = Vec::new();
    for (list, gates) in lists {
        for gate in gates.iter().filter(|g| g.is_enforced()) {
            let id = gate.id.as_ref();
            if shipped.contains(id) {
                continue;
            }
            let seen = last.get(id).copied();
            if seen.is_some_and(|t| t >= since) {
                continue;
            }
            let when = seen.map_or_else(
                || "never matched in the ledger".to_owned(),
                |t| format!("last matched {} days ago", now_s.saturating_sub(t) / 86_400),
            );
            let suggestion = if list == "hard" {
                "if the lesson behind it no longer applies, move it to `gates.soft` (ask) or remove it"
            } else {
                "if the lesson behind it no longer applies, remove it"
            };
            checks.push(Check::ok(
                format!("gate {id}"),
                format!("no match in {days} days ({when}); {suggestion}"),
            ));
        }
    }
    checks
}

/// The non-empty lines of every decisions file.
fn ledger_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with("decisions") && n.ends_with(".jsonl"))
        })
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|t| t.lines().filter(|l| !l.trim().is_empty()).count())
        .sum()
}

/// A path relative to the root, with `/` separators, for messages.
fn relative(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
