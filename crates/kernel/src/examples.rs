//! Gate examples as tests: every `examples.block` call must be stopped by its gate, every
//! `examples.allow` call let through by it.
//!
//! Each gate is compiled alone, with the engine the hook uses (normalisation included), so an
//! example checks what the gate itself does, whatever the other gates of the policy decide.

use metalayer_gates::{Decision, GateSetBuilder, ToolCall};
use metalayer_policy::{Diagnostic, Example, Gate, Policy};

use crate::rules::rule_of;

/// One example that its gate does not honour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The gate.
    pub gate: String,
    /// The JSON pointer of the example (`/gates/hard/2/examples/block/0`).
    pub pointer: String,
    /// The example, as one line.
    pub example: String,
    /// Whether the gate had to stop the call (`block`) or let it through (`allow`).
    pub expected_block: bool,
    /// What the gate decided.
    pub decided: Decision,
    /// Why, when the gate could not be compiled or the example could not be sent.
    pub problem: Option<String>,
}

impl ExampleFailure {
    /// One sentence for a report.
    #[must_use]
    pub fn message(&self) -> String {
        if let Some(problem) = &self.problem {
            return format!("gate {}: example `{}`: {problem}", self.gate, self.example);
        }
        if self.expected_block {
            format!(
                "gate {} does not stop its example `{}` (decided {})",
                self.gate, self.example, self.decided
            )
        } else {
            format!(
                "gate {} stops `{}`, listed under `allow` (decided {})",
                self.gate, self.example, self.decided
            )
        }
    }

    /// The failure as an error diagnostic pointing at the example in the policy text.
    #[must_use]
    pub fn diagnostic(&self, source: &str) -> Diagnostic {
        let mut d =
            metalayer_policy::diagnostic_at(source, &self.pointer, "gate::example", self.message());
        d.gate = Some(metalayer_policy::GateId::new(self.gate.clone()));
        d.help = Some(if self.expected_block {
            "widen the pattern until it matches this call, or move the example under `allow`"
                .to_owned()
        } else {
            "narrow the pattern (or add an `unless`) so this call passes, or move the example under `block`"
                .to_owned()
        });
        d
    }
}

/// How many examples were checked, and those that failed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExampleReport {
    /// Examples checked.
    pub checked: usize,
    /// Examples their gate does not honour.
    pub failures: Vec<ExampleFailure>,
}

/// Checks the examples of every gate of `gates.hard` and `gates.soft`.
///
/// ```
/// use metalayer_kernel::check_examples;
/// let policy = metalayer_kernel::policy::load_str(
///     "version: '1.0'\ngates:\n  hard:\n    - id: no-npm\n      rule: use pnpm\n      pattern: '\\bnpm\\s+install\\b'\n      examples:\n        block: ['npm install left-pad', 'sudo npm  install x']\n        allow: ['pnpm install left-pad']\n",
///     "policy.yaml",
/// )?.policy;
/// let report = check_examples(&policy);
/// assert_eq!(report.checked, 3);
/// assert!(report.failures.is_empty());
/// # Ok::<(), metalayer_kernel::policy::PolicyError>(())
/// ```
#[must_use]
pub fn check_examples(policy: &Policy) -> ExampleReport {
    let mut report = ExampleReport::default();
    let lists = [
        ("hard", Decision::Deny, &policy.gates.hard),
        ("soft", Decision::Ask, &policy.gates.soft),
    ];
    for (list, decision, gates) in lists {
        for (index, gate) in gates.iter().enumerate() {
            let base = format!("/gates/{list}/{index}/examples");
            check_gate(gate, decision, &base, &mut report);
        }
    }
    report
}

fn check_gate(gate: &Gate, decision: Decision, base: &str, report: &mut ExampleReport) {
    let Some(examples) = gate.docs().examples.as_ref() else {
        return;
    };
    let cases = examples
        .block
        .iter()
        .enumerate()
        .map(|(i, e)| (true, format!("{base}/block/{i}"), e))
        .chain(
            examples
                .allow
                .iter()
                .enumerate()
                .map(|(i, e)| (false, format!("{base}/allow/{i}"), e)),
        );
    let compiled = rule_of(gate, decision)
        .ok_or_else(|| "the gate has no `pattern`, so nothing enforces it".to_owned())
        .and_then(|rule| {
            GateSetBuilder::new()
                .rule(rule)
                .build()
                .map_err(|e| format!("the gate does not compile: {e}"))
        });
    for (expected_block, pointer, example) in cases {
        report.checked += 1;
        let failure = |decided, problem| ExampleFailure {
            gate: gate.id.to_string(),
            pointer: pointer.clone(),
            example: example.describe(),
            expected_block,
            decided,
            problem,
        };
        let set = match &compiled {
            Ok(set) => set,
            Err(problem) => {
                report
                    .failures
                    .push(failure(Decision::Allow, Some(problem.clone())));
                continue;
            }
        };
        let verdict = set.decide(&call_of(gate, example));
        let stopped = verdict
            .matches()
            .iter()
            .any(|m| m.id.as_ref() == gate.id.as_ref() && m.decision != Decision::Allow);
        if stopped != expected_block {
            report.failures.push(failure(verdict.decision(), None));
        }
    }
}

/// The call an example stands for.
fn call_of(gate: &Gate, example: &Example) -> ToolCall {
    match example {
        Example::Value(value) => {
            let field = gate.field_or_default();
            let tool = gate.tools.as_ref().and_then(|t| t.first()).map_or_else(
                || match field {
                    "file_path" | "content" => "Write",
                    _ => "Bash",
                },
                String::as_str,
            );
            ToolCall::new(tool).with(field, value.as_str())
        }
        Example::Call { tool, input } => {
            let mut call = ToolCall::new(tool.as_str());
            for (key, value) in input {
                call.push(key.as_str(), value.as_str());
            }
            call
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(gates: &str) -> Policy {
        let source = format!("version: '1.0'\ngates:\n{gates}");
        match metalayer_policy::load_str(&source, "policy.yaml") {
            Ok(loaded) => loaded.policy,
            Err(e) => unreachable!("test policy does not load: {e}"),
        }
    }

    #[test]
    fn failures_name_the_gate_the_example_and_the_direction() {
        let p = policy(
            "  hard:\n    - id: no-npm\n      pattern: '^npm install'\n      examples:\n        block: ['sudo npm install x', 'npm install y']\n        allow: ['npm install-test', 'pnpm install']\n  soft:\n    - id: ask-push\n      pattern: 'git push'\n      examples:\n        block: ['git push origin main']\n        allow: ['git push --dry-run']\n",
        );
        let report = check_examples(&p);
        assert_eq!(report.checked, 6);
        let got: Vec<(&str, &str, bool)> = report
            .failures
            .iter()
            .map(|f| (f.gate.as_str(), f.pointer.as_str(), f.expected_block))
            .collect();
        assert_eq!(
            got,
            vec![
                // `^npm install` is searched in the raw command too: sudo is stripped in the
                // normalised form, so it matches; `npm install-test` matches the prefix.
                ("no-npm", "/gates/hard/0/examples/allow/0", false),
                ("ask-push", "/gates/soft/0/examples/allow/0", false),
            ]
        );
        assert!(
            report.failures[1]
                .message()
                .contains("listed under `allow`")
        );
    }

    #[test]
    fn file_gates_take_paths_and_whole_calls() {
        let p = policy(
            "  hard:\n    - id: env\n      field: file_path\n      pattern: '(^|/)\\.env$'\n      examples:\n        block: ['/repo/.env', {tool: Bash, command: 'echo A=1 >> .env'}]\n        allow: ['/repo/.env.example', {tool: Bash, command: 'cat .env'}]\n",
        );
        let report = check_examples(&p);
        assert_eq!(report.checked, 4);
        assert_eq!(report.failures, Vec::new());
    }

    #[test]
    fn a_gate_without_pattern_fails_its_examples() {
        let p = policy(
            "  hard:\n    - id: doc\n      rule: words only\n      examples:\n        block: [x]\n",
        );
        let report = check_examples(&p);
        assert_eq!(report.failures.len(), 1);
        assert!(report.failures[0].message().contains("has no `pattern`"));
    }

    #[test]
    fn diagnostics_point_at_the_example_line() {
        let source = "version: '1.0'\ngates:\n  hard:\n    - id: g\n      pattern: 'rm -rf'\n      examples:\n        block:\n          - 'rm -r x'\n";
        let p = match metalayer_policy::load_str(source, "p.yaml") {
            Ok(l) => l.policy,
            Err(e) => unreachable!("{e}"),
        };
        let report = check_examples(&p);
        let d = report.failures[0].diagnostic(source);
        assert_eq!(d.line, 8);
        assert_eq!(d.code, "gate::example");
    }
}
