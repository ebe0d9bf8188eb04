//! The human form of an audit report, in the original `control-audit`'s spirit: numbered
//! sections of `[ok]` / `[missing]` lines and a one-line verdict.

use std::fmt::Write as _;

use metalayer_policy::{Severity, Target};

use super::report::{AuditReport, CheckStatus, SetpointReport, SetpointStatus};

/// The width of the status tag column (`[missing] ` is ten characters).
const TAG: usize = 9;

/// Renders a report for a terminal:
///
/// ```text
/// === metalayer audit: /repo ===
///
/// 1. Policy
///    [ok]      .control/policy.yaml (profile governed, 17 enforced gates)
/// 2. Governance docs
///    [missing] CLAUDE.md
/// …
/// 8. Setpoints
///    [alert]   S11 governance_files_present = 4 (target 5; alert below 5) blocking: missing: CLAUDE.md
///
/// Audit failed: 2 blocking issues: CLAUDE.md is missing; S11 governance_files_present = 4 (alert below 5)
/// ```
#[must_use]
pub fn render(report: &AuditReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "=== metalayer audit: {} ===", report.root.display());
    for (number, section) in report.sections.iter().enumerate() {
        let _ = writeln!(out, "\n{}. {}", number + 1, section.name);
        for check in &section.checks {
            let detail = match (check.status, check.detail.is_empty()) {
                (_, true) => String::new(),
                (CheckStatus::Ok, false) => format!(" ({})", check.detail),
                (_, false) => format!(": {}", check.detail),
            };
            let _ = writeln!(
                out,
                "   {:<TAG$} {}{detail}",
                check.status.tag(),
                check.subject
            );
        }
    }
    let _ = writeln!(out, "\n{}. Setpoints", report.sections.len() + 1);
    if report.setpoints.is_empty() {
        let _ = writeln!(out, "   (the policy has no setpoints)");
    }
    for setpoint in &report.setpoints {
        let _ = writeln!(out, "   {}", setpoint_line(setpoint));
    }
    out.push('\n');
    out.push_str(&verdict(report));
    out.push('\n');
    out
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Blocking => "blocking",
        Severity::Informational => "informational",
        Severity::Advisory => "advisory",
    }
}

fn setpoint_line(s: &SetpointReport) -> String {
    let tag = s.status.tag();
    let head = format!("{tag:<TAG$} {} {}", s.id, s.name);
    match (s.status, s.value) {
        (SetpointStatus::Ok | SetpointStatus::Alert, Some(value)) => {
            let mut bounds = Vec::new();
            match s.target {
                Some(Target::Number(t)) => bounds.push(format!("target {t}")),
                Some(Target::Bool(t)) => bounds.push(format!("target {t}")),
                None => {}
            }
            if let Some(b) = s.alert_below {
                bounds.push(format!("alert below {b}"));
            }
            if let Some(a) = s.alert_above {
                bounds.push(format!("alert above {a}"));
            }
            let bounds = if bounds.is_empty() {
                String::new()
            } else {
                format!(" ({})", bounds.join("; "))
            };
            let detail = if s.detail.is_empty() {
                String::new()
            } else {
                format!(": {}", s.detail)
            };
            format!("{head} = {value}{bounds} {}{detail}", severity(s.severity))
        }
        _ => format!("{head}: {} ({})", s.detail, severity(s.severity)),
    }
}

fn verdict(report: &AuditReport) -> String {
    if !report.ok {
        let n = report.failures.len();
        return format!(
            "Audit failed: {n} blocking issue{}: {}",
            if n == 1 { "" } else { "s" },
            report.failures.join("; ")
        );
    }
    let mut notes = Vec::new();
    let warnings = report.warnings.len();
    if warnings > 0 {
        notes.push(format!(
            "{warnings} warning{}",
            if warnings == 1 { "" } else { "s" }
        ));
    }
    let unmeasured = report.unmeasured();
    if unmeasured > 0 {
        notes.push(format!("{unmeasured} unmeasured"));
    }
    if notes.is_empty() {
        "Audit passed.".to_owned()
    } else {
        format!("Audit passed ({}).", notes.join(", "))
    }
}
