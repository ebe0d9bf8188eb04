//! Policy gates as gate-engine rules.

use metalayer_gates::{Decision, Field, MatchMode, Rule};
use metalayer_policy::{Gate, Policy};

/// The engine rules of a policy: every enforced gate (one with a `pattern`) of `gates.hard`
/// (deny) and `gates.soft` (ask). Documentation-only gates and the other gate lists of the
/// dialects carry no pattern the engine could run and are left out.
#[must_use]
pub fn rules_of(policy: &Policy) -> Vec<Rule> {
    let hard = policy.gates.hard.iter().map(|g| (g, Decision::Deny));
    let soft = policy.gates.soft.iter().map(|g| (g, Decision::Ask));
    // Sized once: growing a vector of a thousand rules by doubling copies it nine times.
    let mut rules = Vec::with_capacity(policy.gates.hard.len() + policy.gates.soft.len());
    rules.extend(
        hard.chain(soft)
            .filter_map(|(gate, decision)| rule_of(gate, decision)),
    );
    rules
}

/// One gate as a rule, if it is enforced.
#[must_use]
pub fn rule_of(gate: &Gate, decision: Decision) -> Option<Rule> {
    let pattern = gate.pattern.as_deref()?;
    let mut rule = Rule::new(gate.id.as_ref(), decision, pattern).with_message(gate.rule.as_str());
    if let Some(field) = &gate.field {
        rule = rule.with_field(Field::parse(field));
    }
    if let Some(mode) = &gate.match_mode {
        rule = rule.with_mode(match mode {
            metalayer_policy::MatchMode::Command => MatchMode::Command,
            metalayer_policy::MatchMode::Anywhere => MatchMode::Anywhere,
        });
    }
    if let Some(tools) = &gate.tools {
        rule = rule.with_tools(tools.iter().cloned());
    }
    if let Some(unless) = &gate.unless {
        rule = rule.with_unless(unless.clone());
    }
    Some(rule)
}
