//! A generated policy survives `to_yaml` then `load_str` unchanged.

use std::collections::BTreeMap;

use metalayer_policy::{
    BridgeLimits, BridgeSettings, Gate, MatchMode, Measurement, MeasurementKind, OnError, Policy,
    Profile, RedactionRule, RegressionSettings, Setpoint, SetpointId, Severity, Target, load_str,
    to_yaml,
};
use proptest::prelude::*;
use serde_json::Value;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 _.:#'\"\\\\/{}\\[\\],&*!|>%@`-]{0,24}",
        Just(String::new()),
        Just("1.0".to_owned()),
        Just("true".to_owned()),
        Just("null".to_owned()),
        Just("0o17".to_owned()),
        Just("line one\nline two\ttab".to_owned()),
        Just("é ✓ 🚀".to_owned()),
    ]
}

fn pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("git push.*--force.*(main|master)".to_owned()),
        Just(r"rm -rf\s+(~/|/Users/|/)".to_owned()),
        Just(r#"(\.env|credentials|"secrets')"#.to_owned()),
        "[a-z]{1,8}",
    ]
}

fn gate(prefix: &'static str) -> impl Strategy<Value = (String, Gate)> {
    (
        text(),
        proptest::option::of(pattern()),
        proptest::option::of(proptest::collection::vec(
            prop_oneof![
                Just("Bash".to_owned()),
                Just("Write".to_owned()),
                Just("*".to_owned())
            ],
            0..3,
        )),
        proptest::option::of(prop_oneof![
            Just(MatchMode::Anywhere),
            Just(MatchMode::Command)
        ]),
        proptest::option::of(pattern()),
        proptest::option::of(prop_oneof![
            Just(Severity::Blocking),
            Just(Severity::Informational),
            Just(Severity::Advisory)
        ]),
        proptest::option::of(text()),
    )
        .prop_map(
            move |(rule, pattern, tools, mode, unless, severity, measurement)| {
                let mut g = Gate::new(prefix, rule);
                // A gate that can fire: the matching keys only with a pattern.
                if pattern.is_some() {
                    g.tools = tools;
                    g.match_mode = mode;
                    g.unless = unless;
                }
                g.pattern = pattern;
                if severity.is_some() {
                    g.docs_mut().severity = severity;
                }
                if measurement.is_some() {
                    g.docs_mut().measurement = measurement;
                }
                (prefix.to_owned(), g)
            },
        )
}

fn setpoint() -> impl Strategy<Value = Setpoint> {
    (
        "[a-z][a-z0-9_]{0,12}",
        prop_oneof![
            Just(None),
            (-1e9f64..1e9).prop_map(|n| Some(Target::Number(n))),
            any::<bool>().prop_map(|b| Some(Target::Bool(b))),
        ],
        any::<bool>(),
        -1e6f64..1e6,
        prop_oneof![
            Just(None),
            text().prop_map(|t| Some(Measurement::Text(t))),
            (text(), proptest::option::of(0u64..100)).prop_map(|(spec, t)| Some(
                Measurement::Structured {
                    kind: MeasurementKind::OtelGauge,
                    spec,
                    timeout_seconds: t,
                }
            )),
        ],
        prop_oneof![
            Just(Severity::Blocking),
            Just(Severity::Informational),
            Just(Severity::Advisory)
        ],
        proptest::option::of(text()),
    )
        .prop_map(
            |(name, target, below, bound, measurement, severity, unit)| Setpoint {
                id: SetpointId::new("S0"),
                name,
                target,
                alert_below: below.then_some(bound),
                alert_above: (!below).then_some(bound),
                measurement,
                severity,
                unit,
                owner: None,
                extra: BTreeMap::new(),
            },
        )
}

/// Keys of verbatim maps: short ones, and ones past YAML's implicit-key limit once quoted.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z_]{1,8}",
        1 => ("[a-z\u{1}\u{18}]{1,3}", 170usize..400).prop_map(|(unit, n)| unit.repeat(n)),
    ]
}

fn extra_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(key(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        prop_oneof![
            Just("1.0".to_owned()),
            Just("1.1".to_owned()),
            Just("1".to_owned())
        ],
        proptest::option::of(prop_oneof![
            Just(Profile::Baseline),
            Just(Profile::Governed),
            Just(Profile::Autonomous)
        ]),
        prop_oneof![
            Just(OnError::Deny),
            Just(OnError::Ask),
            Just(OnError::Allow)
        ],
        proptest::collection::vec(gate("G"), 0..5),
        proptest::collection::vec(gate("G"), 0..3),
        proptest::collection::vec(setpoint(), 0..4),
        proptest::option::of((
            proptest::option::of(text()),
            proptest::option::of(any::<u64>()),
        )),
        proptest::option::of((
            proptest::option::of(text()),
            proptest::option::of(any::<bool>()),
            proptest::collection::vec((text(), pattern()), 0..2),
            proptest::option::of((
                proptest::option::of(any::<u64>()),
                proptest::option::of(any::<u64>()),
                proptest::option::of(0..10_000u64),
                proptest::option::of(0..10_000u64),
            )),
        )),
        proptest::collection::btree_map(
            prop_oneof![
                Just("profiles".to_owned()),
                Just("permissions".to_owned()),
                Just("controller".to_owned())
            ],
            extra_value(),
            0..3,
        ),
    )
        .prop_map(
            |(version, profile, on_error, hard, soft, setpoints, regression, bridge, extra)| {
                let mut n = 0;
                let mut number = |(_, mut g): (String, Gate)| {
                    n += 1;
                    g.id = format!("G{n}").into();
                    g
                };
                let hard: Vec<Gate> = hard.into_iter().map(&mut number).collect();
                let soft: Vec<Gate> = soft.into_iter().map(&mut number).collect();
                let setpoints = setpoints
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut s)| {
                        s.id = SetpointId::new(format!("S{i}"));
                        s
                    })
                    .collect();
                let mut policy = Policy {
                    version,
                    profile,
                    on_error,
                    setpoints,
                    regression: regression.map(|(map, ttl)| RegressionSettings {
                        map,
                        stamp_ttl_seconds: ttl,
                    }),
                    bridge: bridge.map(|(output, enabled, redact, limits)| BridgeSettings {
                        output,
                        enabled,
                        redact: redact
                            .into_iter()
                            .map(|(name, pattern)| RedactionRule::new(name, pattern))
                            .collect(),
                        limits: limits.map(|(text, output, diff, thread)| BridgeLimits {
                            text_chars: text,
                            output_chars: output,
                            diff_lines: diff,
                            thread_items: thread,
                        }),
                    }),
                    extra,
                    ..Policy::default()
                };
                policy.gates.hard = hard;
                policy.gates.soft = soft;
                policy
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn policy_round_trips_through_yaml(policy in policy()) {
        let yaml = to_yaml(&policy).unwrap();
        let loaded = match load_str(&yaml, "roundtrip.yaml") {
            Ok(l) => l,
            Err(e) => panic!("{e}\n{:#?}\n---\n{yaml}", e.report().map(|r| r.diagnostics().to_vec())),
        };
        prop_assert_eq!(&loaded.policy, &policy, "yaml:\n{}", yaml);
    }
}

#[test]
fn the_seed_policy_round_trips() {
    let text = std::fs::read_to_string(super::data::data_dir().join("valid/seed.yaml")).unwrap();
    let first = load_str(&text, "seed.yaml").unwrap().policy;
    let again = load_str(&to_yaml(&first).unwrap(), "again.yaml")
        .unwrap()
        .policy;
    assert_eq!(first, again);
}

/// A policy with what only the verbatim parts hold: unknown gate keys, documentation-only gate
/// lists and free-form gate maps.
fn policy_with_verbatim_parts() -> impl Strategy<Value = Policy> {
    (
        policy(),
        proptest::collection::btree_map(
            prop_oneof![
                Just("owner".to_owned()),
                Just("notes".to_owned()),
                Just("description".to_owned())
            ],
            extra_value(),
            0..3,
        ),
        proptest::collection::vec(gate("D"), 0..3),
        proptest::option::of(extra_value()),
    )
        .prop_map(|(mut policy, gate_extra, documented, free_form)| {
            for gate in &mut policy.gates.hard {
                gate.extra.clone_from(&gate_extra);
            }
            if !documented.is_empty() {
                let list = documented
                    .into_iter()
                    .enumerate()
                    .map(|(i, (_, mut g))| {
                        g.id = format!("D{i}").into();
                        g
                    })
                    .collect();
                policy.gates.other.insert("governed".to_owned(), list);
            }
            if let Some(value) = free_form.filter(|v| !is_gate_list(v)) {
                policy.gates.free_form.insert("budget".to_owned(), value);
            }
            policy
        })
}

/// What the `Gates` reader takes for a gate list: a list of maps that each have a text `id`.
fn is_gate_list(value: &Value) -> bool {
    value.as_array().is_some_and(|items| {
        items
            .iter()
            .all(|i| i.get("id").is_some_and(Value::is_string))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The hand-written readers of `Policy`, `Gates` and `Gate` read back what the derived
    /// writer wrote, from a JSON value and from JSON text (borrowed and owned keys alike).
    #[test]
    fn policy_round_trips_through_json(policy in policy_with_verbatim_parts()) {
        let value = serde_json::to_value(&policy).unwrap();
        let from_value: Policy = serde_json::from_value(value.clone()).unwrap();
        prop_assert_eq!(&from_value, &policy);
        let from_text: Policy = serde_json::from_str(&value.to_string()).unwrap();
        prop_assert_eq!(&from_text, &policy);
    }
}

#[test]
fn gate_readers_refuse_bad_shapes_with_serde_errors() {
    let err = |json: &str| {
        serde_json::from_str::<Policy>(json)
            .unwrap_err()
            .to_string()
    };
    assert!(err(r#"{"gates": {"hard": [{"rule": "no id"}]}}"#).contains("missing field `id`"));
    assert!(
        err(r#"{"gates": {"hard": [{"id": "G1", "rule": "a", "rule": "b"}]}}"#)
            .contains("duplicate field `rule`")
    );
    assert!(err(r#"{"version": "1.0", "version": "2.0"}"#).contains("duplicate field `version`"));
    assert!(
        err(r#"{"gates": {"hard": [{"id": "G1", "match": "sometimes"}]}}"#)
            .contains("unknown variant `sometimes`")
    );
    assert!(
        err(r#"{"gates": {"hard": [{"id": "G1", "rule": null}]}}"#).contains("invalid type: null")
    );
    assert!(err(r#"{"gates": {"hard": ["G1"]}}"#).contains("expected a gate"));
    assert!(err(r#"{"gates": []}"#).contains("expected a map of gate lists"));
    assert!(err(r#"[]"#).contains("expected a policy"));
}

#[test]
fn gate_readers_keep_defaults_and_numbers_as_text() {
    let policy: Policy = serde_json::from_str(
        r#"{"version": 1.0, "gates": {"hard": null, "soft": [{"id": "G2", "introduced_in": 2, "severity": "warn", "x-team": {"a": 1}}]}}"#,
    )
    .unwrap();
    assert_eq!(policy.version, "1.0");
    assert_eq!(policy.on_error, OnError::Deny);
    assert!(policy.gates.hard.is_empty());
    let gate = &policy.gates.soft[0];
    assert_eq!(gate.rule, "");
    assert_eq!(gate.docs().introduced_in.as_deref(), Some("2"));
    assert_eq!(gate.docs().severity, Some(Severity::Informational));
    assert_eq!(gate.extra["x-team"], serde_json::json!({"a": 1}));
    let empty: Policy = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, Policy::default());
}

/// Keys whose quoted form is longer than YAML's 1,024-character limit for implicit keys: the
/// fuzz find (`policy_load`) of 182 × U+0018, U+0001 and `E` as a top-level key, and variants
/// at every level a key can have, round-trip through the explicit `? key` form.
#[test]
fn keys_past_the_implicit_key_limit_round_trip() {
    let fuzz_find = format!("{}\u{1}E: \n", "\u{18}".repeat(182));
    let long = "k".repeat(1100);
    let escaped = "\u{7}".repeat(200);
    let sources = [
        fuzz_find,
        format!("version: \"1.0\"\n? \"{long}\"\n: 1\n"),
        format!("version: \"1.0\"\n? {long}\n:\n  nested: [1, 2]\n"),
        format!("version: \"1.0\"\n? \"{long}\"\n:\n  - \"{escaped}\": x\n"),
        format!(
            "version: \"1.0\"\ngates:\n  hard:\n    - id: G1\n      rule: r\n      ? \"{long}\"\n      : {{\"{escaped}\": null}}\n"
        ),
        format!("version: \"1.0\"\nbridge:\n  \"{escaped}\": []\n"),
        format!("version: \"1.0\"\nx:\n  - ? {long}\n    : [a]\n    \"{escaped}\": 2\n"),
    ];
    for source in &sources {
        let first = load_str(source, "in.yaml").unwrap_or_else(|e| panic!("{e:?}"));
        let written = to_yaml(&first.policy).unwrap_or_else(|e| panic!("{e:?}"));
        let again = load_str(&written, "out.yaml").unwrap_or_else(|e| panic!("{e:?}\n{written}"));
        assert_eq!(first.policy, again.policy, "{written}");
    }
}
