//! One-line summaries of policy problems, for hook messages.

use metalayer_policy::PolicyError;

/// Every error of a policy error as `line L:C: message`, joined by `; ` (the message names
/// the gate when there is one); errors without a report (I/O, size) as their own text.
#[must_use]
pub fn policy_error_summary(error: &PolicyError) -> String {
    let Some(report) = error.report() else {
        return error.to_string();
    };
    let parts: Vec<String> = report
        .errors()
        .map(|d| format!("line {}:{}: {}", d.line, d.column, d.message))
        .collect();
    if parts.is_empty() {
        error.to_string()
    } else {
        parts.join("; ")
    }
}
