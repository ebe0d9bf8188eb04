//! Measuring a policy's setpoints: the built-in measurements, commands, scripts and file checks.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use metalayer_policy::{Measurement, MeasurementKind, Setpoint};

use metalayer_kernel::{GOVERNANCE_FILES, HookKind, SCHEMAS_DIR, SchemaKind};

use super::command::{measure_command, measure_script};
use super::hooks::kind_name;
use super::report::{SetpointReport, SetpointStatus};

/// The built-in measurements (`measurement: {type: builtin, spec: NAME}`).
pub const BUILTIN_MEASUREMENTS: [&str; 6] = [
    "governance_files_present",
    "hooks_wired",
    "sessions_captured",
    "bridge_freshness_seconds",
    "gate_pass_rate",
    "shield_intervention_rate",
];

/// The decisions of the ledger.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub(crate) deny: u64,
    pub(crate) ask: u64,
    pub(crate) allow: u64,
    /// Asks answered by a `ran` line: the person approved and the call ran (at most `ask`).
    pub(crate) ran: u64,
}

impl Tally {
    fn total(self) -> u64 {
        self.deny + self.ask + self.allow
    }
}

/// What the sections found, which the built-in measurements read.
#[derive(Debug)]
pub(crate) struct Facts<'a> {
    pub(crate) root: &'a Path,
    pub(crate) hooks: &'a BTreeSet<HookKind>,
    /// The bridge's output folder.
    pub(crate) conversations: PathBuf,
    pub(crate) tally: Tally,
    pub(crate) now: SystemTime,
    pub(crate) default_timeout: Duration,
    pub(crate) run_commands: bool,
}

/// The longest a `command` or `script` measurement may run, whatever its setpoint's
/// `timeout_seconds` says (10 minutes): a policy cannot make `metalayer audit` hang.
pub(crate) const MAX_MEASUREMENT_TIMEOUT: Duration = Duration::from_secs(600);

/// The timeout of a measurement: its `timeout_seconds`, else `default`, capped at
/// [`MAX_MEASUREMENT_TIMEOUT`].
fn effective_timeout(timeout_seconds: Option<u64>, default: Duration) -> Duration {
    timeout_seconds
        .map_or(default, Duration::from_secs)
        .min(MAX_MEASUREMENT_TIMEOUT)
}

/// What one measurement gave.
enum Outcome {
    Value(f64, String),
    Unmeasured(String),
    Failed(String),
}

/// Measures a setpoint and compares it with its alert bounds.
pub(crate) fn measure(setpoint: &Setpoint, facts: &Facts<'_>) -> SetpointReport {
    let (measurement, outcome) = match &setpoint.measurement {
        None => (
            "none".to_owned(),
            Outcome::Unmeasured("the setpoint has no measurement".to_owned()),
        ),
        Some(Measurement::Text(text)) => (
            format!("free text {text:?}"),
            Outcome::Unmeasured(format!("free-text measurement {text:?}")),
        ),
        Some(Measurement::Structured {
            kind,
            spec,
            timeout_seconds,
        }) => {
            let timeout = effective_timeout(*timeout_seconds, facts.default_timeout);
            (
                describe(*kind, spec),
                structured(*kind, spec, timeout, facts),
            )
        }
    };
    let (value, status, detail) = match outcome {
        Outcome::Value(value, detail) => {
            let alert = setpoint.alert_below.is_some_and(|b| value < b)
                || setpoint.alert_above.is_some_and(|a| value > a);
            let status = if alert {
                SetpointStatus::Alert
            } else {
                SetpointStatus::Ok
            };
            (Some(value), status, detail)
        }
        Outcome::Unmeasured(detail) => (None, SetpointStatus::Unmeasured, detail),
        Outcome::Failed(detail) => (None, SetpointStatus::Error, detail),
    };
    SetpointReport {
        id: setpoint.id.clone(),
        name: setpoint.name.clone(),
        value,
        status,
        target: setpoint.target,
        alert_below: setpoint.alert_below,
        alert_above: setpoint.alert_above,
        severity: setpoint.severity,
        measurement,
        detail,
    }
}

fn describe(kind: MeasurementKind, spec: &str) -> String {
    let kind = match kind {
        MeasurementKind::Command => "command",
        MeasurementKind::Function => "function",
        MeasurementKind::FileCheck => "file_check",
        MeasurementKind::OtelGauge => "otel_gauge",
        MeasurementKind::Script => "script",
        MeasurementKind::Builtin => "builtin",
    };
    format!("{kind} `{spec}`")
}

fn structured(kind: MeasurementKind, spec: &str, timeout: Duration, facts: &Facts<'_>) -> Outcome {
    match kind {
        MeasurementKind::Builtin => builtin(spec, facts),
        MeasurementKind::Command | MeasurementKind::Script if !facts.run_commands => {
            Outcome::Unmeasured("commands are not run (--no-commands)".to_owned())
        }
        MeasurementKind::Command => match measure_command(facts.root, spec, timeout) {
            Ok(v) => Outcome::Value(v, String::new()),
            Err(e) => Outcome::Failed(format!("the command {e}")),
        },
        MeasurementKind::Script => match measure_script(facts.root, spec, timeout) {
            Ok(v) => Outcome::Value(v, String::new()),
            Err(e) => Outcome::Failed(format!("the script {e}")),
        },
        MeasurementKind::FileCheck => {
            if facts.root.join(spec).exists() {
                Outcome::Value(1.0, format!("{spec} exists"))
            } else {
                Outcome::Value(0.0, format!("{spec} does not exist"))
            }
        }
        MeasurementKind::Function | MeasurementKind::OtelGauge => {
            Outcome::Unmeasured("not measurable by metalayer audit".to_owned())
        }
    }
}

/// Whether a governance item is present: `schemas/` counts when every schema is there.
pub(crate) fn governance_item_present(root: &Path, item: &str) -> bool {
    if item == SCHEMAS_DIR {
        SchemaKind::ALL
            .iter()
            .all(|k| root.join(k.path()).is_file())
    } else {
        root.join(item).is_file()
    }
}

/// The session files in the bridge's output folder, with their modification times.
pub(crate) fn sessions(folder: &Path) -> Vec<(PathBuf, Option<SystemTime>)> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with("session-") && n.ends_with(".md"))
        })
        .map(|e| (e.path(), e.metadata().and_then(|m| m.modified()).ok()))
        .collect()
}

fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

fn ratio(part: u64, total: u64) -> f64 {
    // Counts far below 2^53: exact as f64.
    let (part, total) = (part as f64, total as f64);
    part / total
}

fn builtin(name: &str, facts: &Facts<'_>) -> Outcome {
    match name {
        "governance_files_present" => {
            let missing: Vec<&str> = GOVERNANCE_FILES
                .iter()
                .copied()
                .filter(|item| !governance_item_present(facts.root, item))
                .collect();
            let present = GOVERNANCE_FILES.len() - missing.len();
            let detail = if missing.is_empty() {
                format!("all of {}", GOVERNANCE_FILES.join(", "))
            } else {
                format!("missing: {}", missing.join(", "))
            };
            Outcome::Value(count(present), detail)
        }
        "hooks_wired" => {
            let names: Vec<&str> = facts.hooks.iter().map(|k| kind_name(*k)).collect();
            let detail = if names.is_empty() {
                "no metalayer hook is wired".to_owned()
            } else {
                names.join(", ")
            };
            Outcome::Value(count(facts.hooks.len()), detail)
        }
        "sessions_captured" => {
            let n = sessions(&facts.conversations).len();
            Outcome::Value(
                count(n),
                format!(
                    "session files in {}",
                    shown(facts.root, &facts.conversations)
                ),
            )
        }
        "bridge_freshness_seconds" => {
            let newest = sessions(&facts.conversations)
                .into_iter()
                .filter_map(|(_, t)| t)
                .max();
            match newest {
                None => Outcome::Unmeasured(format!(
                    "no session file in {} yet",
                    shown(facts.root, &facts.conversations)
                )),
                Some(t) => {
                    // Whole seconds, far below 2^53: exact as f64.
                    let age = facts.now.duration_since(t).unwrap_or_default().as_secs() as f64;
                    Outcome::Value(age, "seconds since the newest session file".to_owned())
                }
            }
        }
        "gate_pass_rate" | "shield_intervention_rate" => {
            let t = facts.tally;
            if t.total() == 0 {
                return Outcome::Unmeasured("the ledger holds no decision yet".to_owned());
            }
            // With the outcome hook wired, an ask that never ran was refused: an
            // intervention. Without it, what became of an ask is unknown, and it counts as
            // neither passed nor stopped unless a `ran` line says it ran.
            let outcomes = facts.hooks.contains(&HookKind::OutcomeRecord);
            let mut detail = format!(
                "{} deny, {} ask ({} approved and ran), {} allow",
                t.deny, t.ask, t.ran, t.allow
            );
            if !outcomes {
                detail.push_str("; no outcome hook is wired, so refused asks are not counted");
            }
            let part = if name == "gate_pass_rate" {
                t.allow + t.ran
            } else if outcomes {
                t.deny + t.ask.saturating_sub(t.ran)
            } else {
                t.deny
            };
            Outcome::Value(ratio(part, t.total()), detail)
        }
        other => Outcome::Unmeasured(format!(
            "unknown builtin `{other}`; known: {}",
            BUILTIN_MEASUREMENTS.join(", ")
        )),
    }
}

/// A path relative to the root, for messages.
fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use metalayer_policy::Severity;

    #[test]
    fn a_policy_timeout_is_capped_at_ten_minutes() {
        let default = Duration::from_secs(10);
        assert_eq!(effective_timeout(None, default), default);
        assert_eq!(effective_timeout(Some(5), default), Duration::from_secs(5));
        assert_eq!(
            effective_timeout(Some(600), default),
            MAX_MEASUREMENT_TIMEOUT
        );
        assert_eq!(
            effective_timeout(Some(601), default),
            MAX_MEASUREMENT_TIMEOUT
        );
        assert_eq!(
            effective_timeout(Some(u64::MAX), default),
            MAX_MEASUREMENT_TIMEOUT
        );
        assert_eq!(
            effective_timeout(None, Duration::from_secs(86_400)),
            MAX_MEASUREMENT_TIMEOUT
        );
    }

    fn setpoint(yaml: &str) -> Setpoint {
        let text = format!("version: \"1.0\"\nsetpoints:\n  - {yaml}\n");
        let loaded = metalayer_policy::load_str(&text, "t.yaml").unwrap();
        loaded.policy.setpoints.first().unwrap().clone()
    }

    fn facts<'a>(root: &'a Path, hooks: &'a BTreeSet<HookKind>, tally: Tally) -> Facts<'a> {
        Facts {
            root,
            hooks,
            conversations: root.join("docs/conversations"),
            tally,
            now: SystemTime::now(),
            default_timeout: Duration::from_secs(5),
            run_commands: true,
        }
    }

    #[test]
    fn rates_from_the_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let hooks = BTreeSet::new();
        let tally = Tally {
            deny: 3,
            ask: 1,
            allow: 16,
            ran: 0,
        };
        let f = facts(dir.path(), &hooks, tally);
        let s1 = measure(
            &setpoint(
                "{id: S1, name: gate_pass_rate, target: 0.85, alert_below: 0.7, measurement: {type: builtin, spec: gate_pass_rate}, severity: blocking}",
            ),
            &f,
        );
        assert_eq!(s1.value, Some(0.8));
        assert_eq!(s1.status, SetpointStatus::Ok);
        let s4 = measure(
            &setpoint(
                "{id: S4, name: shield_intervention_rate, alert_above: 0.05, measurement: {type: builtin, spec: shield_intervention_rate}}",
            ),
            &f,
        );
        assert_eq!(s4.value, Some(0.15));
        assert_eq!(s4.status, SetpointStatus::Alert);
        assert_eq!(s4.severity, Severity::Informational);
        assert!(s4.warns() && !s4.fails());
    }

    #[test]
    fn outcomes_move_asks_to_passed_or_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let rate = |hooks: &BTreeSet<HookKind>, spec: &str| {
            // 2 deny, 4 ask of which 3 ran, 14 allow.
            let tally = Tally {
                deny: 2,
                ask: 4,
                allow: 14,
                ran: 3,
            };
            let f = facts(dir.path(), hooks, tally);
            let s = measure(
                &setpoint(&format!(
                    "{{id: S1, name: r, alert_below: 0, measurement: {{type: builtin, spec: {spec}}}}}"
                )),
                &f,
            );
            (s.value.unwrap(), s.detail)
        };
        let none = BTreeSet::new();
        let wired: BTreeSet<HookKind> = [HookKind::OutcomeRecord].into_iter().collect();
        // An ask that ran passed, whether or not the outcome hook is wired now.
        assert_eq!(rate(&none, "gate_pass_rate").0, 17.0 / 20.0);
        assert_eq!(rate(&wired, "gate_pass_rate").0, 17.0 / 20.0);
        // An ask that did not run was stopped, when outcomes are recorded at all.
        assert_eq!(rate(&wired, "shield_intervention_rate").0, 3.0 / 20.0);
        let (value, detail) = rate(&none, "shield_intervention_rate");
        assert_eq!(value, 2.0 / 20.0);
        assert!(detail.contains("4 ask (3 approved and ran)"), "{detail}");
        assert!(detail.contains("no outcome hook is wired"), "{detail}");
    }

    #[test]
    fn an_empty_ledger_is_unmeasured() {
        let dir = tempfile::tempdir().unwrap();
        let hooks = BTreeSet::new();
        let f = facts(dir.path(), &hooks, Tally::default());
        let s1 = measure(
            &setpoint(
                "{id: S1, name: gate_pass_rate, alert_below: 0.7, measurement: {type: builtin, spec: gate_pass_rate}, severity: blocking}",
            ),
            &f,
        );
        assert_eq!(s1.status, SetpointStatus::Unmeasured);
        assert!(!s1.fails());
    }

    #[test]
    fn free_text_and_unknown_builtins_are_unmeasured() {
        let dir = tempfile::tempdir().unwrap();
        let hooks = BTreeSet::new();
        let f = facts(dir.path(), &hooks, Tally::default());
        let text = measure(
            &setpoint(
                "{id: S2, name: audit_pass_rate, target: 1.0, alert_below: 0.95, measurement: \"make control-audit exit code\", severity: blocking}",
            ),
            &f,
        );
        assert_eq!(text.status, SetpointStatus::Unmeasured);
        assert!(!text.fails());
        assert!(text.detail.contains("make control-audit exit code"));
        let unknown = measure(
            &setpoint(
                "{id: S9, name: x, alert_below: 1, measurement: {type: builtin, spec: nope}, severity: blocking}",
            ),
            &f,
        );
        assert_eq!(unknown.status, SetpointStatus::Unmeasured);
        assert!(unknown.detail.contains("hooks_wired"));
    }

    #[test]
    fn a_failing_blocking_command_fails_closed() {
        let dir = tempfile::tempdir().unwrap();
        let hooks = BTreeSet::new();
        let f = facts(dir.path(), &hooks, Tally::default());
        let s = measure(
            &setpoint(
                "{id: S9, name: x, alert_below: 1, measurement: {type: command, spec: \"exit 4\"}, severity: blocking}",
            ),
            &f,
        );
        assert_eq!(s.status, SetpointStatus::Error);
        assert!(s.fails());
        assert!(s.describe().contains("status 4"), "{}", s.describe());
    }

    #[test]
    fn file_check_and_governance_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("AGENTS.md"), "x").unwrap();
        let hooks = BTreeSet::new();
        let f = facts(dir.path(), &hooks, Tally::default());
        let s = measure(
            &setpoint(
                "{id: S20, name: agents, alert_below: 1, measurement: {type: file_check, spec: AGENTS.md}}",
            ),
            &f,
        );
        assert_eq!(s.value, Some(1.0));
        let g = measure(
            &setpoint(
                "{id: S11, name: governance_files_present, alert_below: 5, measurement: {type: builtin, spec: governance_files_present}, severity: blocking}",
            ),
            &f,
        );
        assert_eq!(g.value, Some(1.0));
        assert!(g.detail.contains("CLAUDE.md") && !g.detail.contains("AGENTS.md"));
        assert!(g.fails());
    }

    proptest::proptest! {
        #[test]
        fn rates_are_shares_of_the_decisions(deny in 0u64..10_000, ask in 0u64..10_000, allow in 0u64..10_000) {
            proptest::prop_assume!(deny + ask + allow > 0);
            let dir = tempfile::tempdir().unwrap();
            let hooks = BTreeSet::new();
            let f = facts(dir.path(), &hooks, Tally { deny, ask, allow, ran: 0 });
            let pass = measure(
                &setpoint("{id: S1, name: p, alert_below: 0, measurement: {type: builtin, spec: gate_pass_rate}}"),
                &f,
            ).value.unwrap();
            let shield = measure(
                &setpoint("{id: S4, name: s, alert_above: 1, measurement: {type: builtin, spec: shield_intervention_rate}}"),
                &f,
            ).value.unwrap();
            let total = (deny + ask + allow) as f64;
            proptest::prop_assert!((0.0..=1.0).contains(&pass) && (0.0..=1.0).contains(&shield));
            proptest::prop_assert!((pass + shield + ask as f64 / total - 1.0).abs() < 1e-9);
            proptest::prop_assert_eq!(pass == 1.0, deny + ask == 0);
        }
    }
}
