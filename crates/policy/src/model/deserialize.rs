//! Hand-written `Deserialize` for the two shapes a policy holds many of ([`Gate`]) or that hold
//! everything ([`Policy`], [`Gates`]).
//!
//! Derived with `#[serde(flatten)]` (to keep unknown keys in `extra`), serde buffers every map
//! into its private `Content` tree first and reads the fields from that copy: for the top-level
//! map that is the whole policy, for each gate its every key. The hook loads the policy on every
//! tool call, so these visitors read each field once, straight from the deserializer, and put
//! any other key in `extra`. What they accept, and the errors they give (unknown variants,
//! wrong types, missing `id`, duplicate keys), are those of the derived code; the tests in
//! `tests/integration/roundtrip.rs` check the round trip over random gates and policies.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::{
    BridgeSettings, Extra, Gate, GateId, Gates, MatchMode, NO_DOCS, OnError, Profile,
    RegressionSettings, Setpoint, Severity, default_version, is_gate_list,
};

/// The keys already read from one map, to refuse a duplicate as the derived code does.
#[derive(Default)]
struct Seen(u32);

impl Seen {
    /// Marks the `index`th field named `name` as read; an error if it was read before.
    fn first<E: de::Error>(&mut self, index: u32, name: &'static str) -> Result<(), E> {
        let bit = 1u32 << index;
        if self.0 & bit != 0 {
            return Err(E::duplicate_field(name));
        }
        self.0 |= bit;
        Ok(())
    }
}

/// A text field that also accepts a number (`introduced_in: 1.2`), or nothing.
struct LooseTextOpt(Option<String>);

impl<'de> Deserialize<'de> for LooseTextOpt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::loose_text_opt(deserializer).map(Self)
    }
}

/// A text field that also accepts a number (`version: 1.0`).
struct Loose(String);

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::loose_text(deserializer).map(Self)
    }
}

impl<'de> Deserialize<'de> for Gate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(GateVisitor)
    }
}

struct GateVisitor;

impl<'de> Visitor<'de> for GateVisitor {
    type Value = Gate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a gate: a map with an `id`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Gate, A::Error> {
        let mut seen = Seen::default();
        let mut id: Option<GateId> = None;
        let mut gate = Gate::new(GateId::new(String::new()), String::new());
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => {
                    seen.first(0, "id")?;
                    id = Some(map.next_value()?);
                }
                "rule" => {
                    seen.first(1, "rule")?;
                    gate.rule = map.next_value()?;
                }
                "pattern" => {
                    seen.first(2, "pattern")?;
                    gate.pattern = map.next_value()?;
                }
                "tools" => {
                    seen.first(3, "tools")?;
                    gate.tools = map.next_value()?;
                }
                "field" => {
                    seen.first(4, "field")?;
                    gate.field = map.next_value()?;
                }
                "match" => {
                    seen.first(5, "match")?;
                    gate.match_mode = map.next_value::<Option<MatchMode>>()?;
                }
                "unless" => {
                    seen.first(6, "unless")?;
                    gate.unless = map.next_value()?;
                }
                "measurement" => {
                    seen.first(7, "measurement")?;
                    gate.docs_mut().measurement = map.next_value()?;
                }
                "severity" => {
                    seen.first(8, "severity")?;
                    gate.docs_mut().severity = map.next_value::<Option<Severity>>()?;
                }
                "enforcement" => {
                    seen.first(9, "enforcement")?;
                    gate.docs_mut().enforcement = map.next_value()?;
                }
                "condition" => {
                    seen.first(10, "condition")?;
                    gate.docs_mut().condition = map.next_value()?;
                }
                "action" => {
                    seen.first(11, "action")?;
                    gate.docs_mut().action = map.next_value()?;
                }
                "bypass_audit" => {
                    seen.first(12, "bypass_audit")?;
                    gate.docs_mut().bypass_audit = map.next_value()?;
                }
                "profiles" => {
                    seen.first(13, "profiles")?;
                    gate.docs_mut().profiles = map.next_value()?;
                }
                "introduced_in" => {
                    seen.first(14, "introduced_in")?;
                    gate.docs_mut().introduced_in = map.next_value::<LooseTextOpt>()?.0;
                }
                "deprecated_in" => {
                    seen.first(15, "deprecated_in")?;
                    gate.docs_mut().deprecated_in = map.next_value::<LooseTextOpt>()?.0;
                }
                "examples" => {
                    seen.first(16, "examples")?;
                    gate.docs_mut().examples = map.next_value()?;
                }
                "origin" => {
                    seen.first(17, "origin")?;
                    gate.docs_mut().origin = map.next_value()?;
                }
                _ => extra(&mut gate.extra, key, &mut map)?,
            }
        }
        gate.id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        // A documentation key written as `null` leaves nothing to keep.
        if gate.docs.as_deref() == Some(&NO_DOCS) {
            gate.docs = None;
        }
        Ok(gate)
    }
}

/// Keeps an unknown key's value verbatim. A key that comes twice keeps its last value, as the
/// derived code's `flatten` did.
fn extra<'de, A: MapAccess<'de>>(
    extra: &mut Extra,
    key: String,
    map: &mut A,
) -> Result<(), A::Error> {
    let value = map.next_value::<Value>()?;
    extra.insert(key, value);
    Ok(())
}

impl<'de> Deserialize<'de> for Gates {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(GatesVisitor)
    }
}

struct GatesVisitor;

impl<'de> Visitor<'de> for GatesVisitor {
    type Value = Gates;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of gate lists")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Gates, A::Error> {
        let mut seen = Seen::default();
        let mut gates = Gates::default();
        while let Some(name) = map.next_key::<String>()? {
            match name.as_str() {
                "hard" => {
                    seen.first(0, "hard")?;
                    gates.hard = map.next_value::<Option<Vec<Gate>>>()?.unwrap_or_default();
                }
                "soft" => {
                    seen.first(1, "soft")?;
                    gates.soft = map.next_value::<Option<Vec<Gate>>>()?.unwrap_or_default();
                }
                _ => {
                    let value = map.next_value::<Value>()?;
                    // A list that does not read as gates is kept verbatim, like a free-form map.
                    match is_gate_list(&value).then(|| Vec::<Gate>::deserialize(&value)) {
                        Some(Ok(list)) => {
                            gates.free_form.remove(&name);
                            gates.other.insert(name, list);
                        }
                        _ => {
                            gates.other.remove(&name);
                            gates.free_form.insert(name, value);
                        }
                    }
                }
            }
        }
        Ok(gates)
    }
}

impl<'de> Deserialize<'de> for super::Policy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PolicyVisitor)
    }
}

struct PolicyVisitor;

impl<'de> Visitor<'de> for PolicyVisitor {
    type Value = super::Policy;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a policy: a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<super::Policy, A::Error> {
        let mut seen = Seen::default();
        let mut policy = super::Policy {
            version: default_version(),
            ..super::Policy::default()
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "version" => {
                    seen.first(0, "version")?;
                    policy.version = map.next_value::<Loose>()?.0;
                }
                "profile" => {
                    seen.first(1, "profile")?;
                    policy.profile = map.next_value::<Option<Profile>>()?;
                }
                "on_error" => {
                    seen.first(2, "on_error")?;
                    policy.on_error = map.next_value::<OnError>()?;
                }
                "gates" => {
                    seen.first(3, "gates")?;
                    policy.gates = map.next_value::<Gates>()?;
                }
                "setpoints" => {
                    seen.first(4, "setpoints")?;
                    policy.setpoints = map.next_value::<Vec<Setpoint>>()?;
                }
                "regression" => {
                    seen.first(5, "regression")?;
                    policy.regression = map.next_value::<Option<RegressionSettings>>()?;
                }
                "bridge" => {
                    seen.first(6, "bridge")?;
                    policy.bridge = map.next_value::<Option<BridgeSettings>>()?;
                }
                "evaluate" => {
                    seen.first(7, "evaluate")?;
                    policy.evaluate = map.next_value::<Option<super::EvaluateSettings>>()?;
                }
                "secrets" => {
                    seen.first(8, "secrets")?;
                    policy.secrets = map.next_value::<Option<super::SecretsSettings>>()?;
                }
                _ => extra(&mut policy.extra, key, &mut map)?,
            }
        }
        Ok(policy)
    }
}
