//! The dialects of the original system load and mean what they meant.

use metalayer_policy::{
    Gate, Measurement, MeasurementKind, OnError, Profile, Severity, Target, load_str,
};

use super::data::data_dir;

fn load(rel: &str) -> metalayer_policy::Loaded {
    let text = std::fs::read_to_string(data_dir().join(rel)).unwrap();
    load_str(&text, rel).unwrap()
}

fn pattern(g: &Gate) -> &str {
    g.pattern.as_deref().unwrap()
}

#[test]
fn seed_policy_means_what_the_guide_says() {
    let l = load("valid/seed.yaml");
    let p = &l.policy;
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert_eq!(p.version, "1.0");
    assert_eq!(p.profile, Some(Profile::Governed));
    assert_eq!(p.on_error, OnError::Deny);
    let hard: Vec<(&str, &str)> = p
        .gates
        .hard
        .iter()
        .map(|g| (g.id.as_str(), pattern(g)))
        .collect();
    assert_eq!(
        hard,
        [
            ("G1", "git push.*--force.*(main|master)"),
            ("G2", "git reset --hard"),
            ("G3", r"rm -rf\s+(~/|/Users/|/)"),
            ("G4", r"(\.env|credentials|secrets)"),
        ]
    );
    assert_eq!(p.gates.hard[0].rule, "No force push to main/master");
    assert!(p.gates.hard.iter().all(Gate::is_enforced));
    assert!(p.gates.soft.is_empty());
    let s13 = p.setpoints.iter().find(|s| s.id.as_str() == "S13").unwrap();
    assert_eq!(s13.name, "bridge_freshness_seconds");
    assert_eq!(s13.target, Some(Target::Number(120.0)));
    assert_eq!((s13.alert_below, s13.alert_above), (None, Some(3600.0)));
    assert_eq!(s13.severity, Severity::Informational);
    let s1 = &p.setpoints[0];
    assert_eq!(
        (s1.target, s1.alert_below, s1.severity),
        (Some(Target::Number(0.85)), Some(0.70), Severity::Blocking)
    );
    assert_eq!(
        s1.measurement,
        Some(Measurement::Text(
            "smoke + check + test pass rate".to_owned()
        ))
    );
}

#[test]
fn postinstall_soft_gates_are_unenforced() {
    let p = load("valid/1a_postinstall.yaml").policy;
    assert_eq!(p.gates.hard.len(), 4);
    assert_eq!(
        pattern(&p.gates.hard[3]),
        r"\.(env|env\.local|credentials\.json)$"
    );
    let soft: Vec<&str> = p.gates.soft.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(soft, ["G5", "G6"]);
    assert!(p.gates.soft.iter().all(|g| !g.is_enforced()));
    assert_eq!(
        p.gates.get("G6").unwrap().rule,
        "Run make check before pushing"
    );
    assert_eq!(p.setpoints.len(), 3);
}

#[test]
fn kernel_template_keeps_null_targets_and_profiles() {
    let l = load("valid/1b_kernel_template.yaml");
    let p = &l.policy;
    assert_eq!(p.setpoints.len(), 9);
    let s6 = p.setpoints.iter().find(|s| s.id.as_str() == "S6").unwrap();
    assert_eq!(
        (s6.target, s6.alert_below, s6.alert_above),
        (None, None, None)
    );
    let s3 = p.setpoints.iter().find(|s| s.id.as_str() == "S3").unwrap();
    assert_eq!(s3.alert_above, Some(0.0));
    let s8 = p.setpoints.iter().find(|s| s.id.as_str() == "S8").unwrap();
    assert_eq!(s8.severity, Severity::Informational, "default when absent");
    // Hard gates with a semantic `measurement` and no pattern: documentation only.
    assert!(
        p.gates
            .hard
            .iter()
            .all(|g| !g.is_enforced() && g.docs().measurement.is_some())
    );
    let profiles = &p.extra["profiles"];
    assert_eq!(
        profiles["autonomous"]["gates"],
        serde_json::json!(["G1", "G2", "G3", "G4"])
    );
    assert_eq!(profiles["baseline"]["egri"], "disabled");
    let codes: Vec<&str> = l.warnings.iter().map(|d| d.code).collect();
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == "policy::setpoint-unset")
            .count(),
        2
    );
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == "policy::not-enforced")
            .count(),
        4
    );
    assert!(!codes.contains(&"policy::unknown-key"), "{codes:?}");
}

#[test]
fn later_bstack_keeps_permissions_and_governed_gates() {
    let l = load("valid/1c_bstack_v11.yaml");
    let p = &l.policy;
    assert_eq!(p.version, "1.1");
    for key in [
        "permissions",
        "never_auto_granted",
        "approval",
        "trust_tiers",
        "ci_watch",
        "ci_heal",
        "auto_merge",
        "write_gate",
        "workspace",
    ] {
        assert!(p.extra.contains_key(key), "{key} kept");
    }
    assert_eq!(
        p.extra["permissions"]["defaults"]["precedence"],
        "deny_over_allow"
    );
    let governed = &p.gates.other["governed"];
    assert_eq!(governed.len(), 2);
    assert_eq!(
        governed[1].docs().severity,
        Some(Severity::Informational),
        "warn is informational"
    );
    assert!(
        l.warnings.iter().all(|d| d.code != "policy::unknown-key"),
        "{:?}",
        l.warnings
    );
}

#[test]
fn formal_schema_aliases_and_structured_measurements() {
    let p = load("valid/1d_formal_schema.yaml").policy;
    let s13 = &p.setpoints[0];
    assert_eq!(s13.severity, Severity::Informational);
    assert_eq!(s13.unit.as_deref(), Some("seconds"));
    assert_eq!(s13.owner.as_deref(), Some("substrate"));
    assert_eq!(
        s13.measurement,
        Some(Measurement::Structured {
            kind: MeasurementKind::Script,
            spec: "scripts/metrics/measure-S13.sh".to_owned(),
            timeout_seconds: Some(2),
        })
    );
    assert_eq!(p.setpoints[1].target, Some(Target::Bool(true)));
    assert_eq!(
        p.setpoints[2].severity,
        Severity::Advisory,
        "soft is advisory"
    );
    let g1 = &p.gates.hard[0];
    assert_eq!(g1.docs().bypass_audit, Some(true));
    assert_eq!(g1.docs().introduced_in.as_deref(), Some("1.0"));
    assert_eq!(g1.docs().enforcement.as_ref().unwrap()["type"], "pattern");
    assert!(!p.gates.get("G4b").unwrap().is_enforced());
    assert_eq!(p.gates.soft[0].docs().severity, Some(Severity::Advisory));
    assert_eq!(p.gates.other["autonomous"][0].id.as_str(), "G30");
}

#[test]
fn non_standard_shapes_load_with_no_enforcement() {
    let l = load("valid/life_map_style.yaml");
    assert!(l.policy.setpoints.is_empty());
    assert_eq!(
        l.policy.extra["setpoints"]["token_budget"]["alert_above"],
        250000
    );
    assert_eq!(l.policy.gates.free_form["budget"]["action"], "pause");
    assert!(l.policy.gates.hard.is_empty());
    assert_eq!(
        l.warnings
            .iter()
            .filter(|d| d.code == "policy::not-enforced")
            .count(),
        3
    );

    let l = load("valid/microgrid_free_form.yaml");
    assert_eq!(l.policy.gates.free_form["safety"]["max_discharge_kw"], 50);
    assert_eq!(l.policy.gates.hard.len(), 1);

    let l = load("valid/control_loop.yaml");
    assert_eq!(l.policy.version, "1");
    assert_eq!(l.policy.extra["controller"]["retry_budget"], 2);
    assert_eq!(l.policy.extra["rules"][0]["action"], "block_merge");
    assert!(
        l.warnings
            .iter()
            .any(|d| d.code == "policy::not-enforced" && d.message.contains("`rules`"))
    );
}

#[test]
fn extension_fields_are_typed() {
    use metalayer_policy::MatchMode;
    let l = load("valid/extensions.yaml");
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    let p = &l.policy;
    assert_eq!(p.on_error, OnError::Ask);
    let g2 = p.gates.get("G2").unwrap();
    assert_eq!(g2.match_mode, Some(MatchMode::Command));
    assert_eq!(g2.field_or_default(), "command");
    let g7 = p.gates.get("G7").unwrap();
    assert_eq!(g7.field.as_deref(), Some("file_path"));
    assert_eq!(g7.unless.as_deref(), Some(r"\.(example|sample|template)$"));
    assert_eq!(
        g7.tools.as_deref().unwrap(),
        ["Write", "Edit", "MultiEdit", "NotebookEdit"]
    );
    assert_eq!(g7.match_mode_or_default(), MatchMode::Anywhere);
    let reg = p.regression.as_ref().unwrap();
    assert_eq!(
        (reg.map.as_deref(), reg.stamp_ttl_seconds),
        (Some(".control/regression-map.yaml"), Some(600))
    );
    let bridge = p.bridge.as_ref().unwrap();
    assert_eq!(bridge.output.as_deref(), Some("docs/conversations"));
    assert_eq!(bridge.redact[0].name, "internal_token");
    assert!(bridge.redact[0].keywords.is_empty());
    let vendor = &bridge.redact[1];
    assert_eq!(vendor.keywords, ["vendor_key"]);
    assert_eq!((vendor.secret_group, vendor.entropy), (Some(1), Some(3.5)));
}

#[test]
fn typo_is_a_warning_with_a_suggestion() {
    let l = load("valid/typo_hrad.yaml");
    let typo = l
        .warnings
        .iter()
        .find(|d| d.message.contains("`hrad`"))
        .unwrap();
    assert_eq!(
        typo.help
            .as_deref()
            .map(|h| h.starts_with("did you mean `hard`?")),
        Some(true)
    );
    assert_eq!((typo.line, typo.column), (3, 3));
    let tool = l
        .warnings
        .iter()
        .find(|d| d.code == "policy::unknown-tool")
        .unwrap();
    assert!(tool.help.as_deref().unwrap().contains("`Bash`"));
    let severty = l
        .warnings
        .iter()
        .find(|d| d.message.contains("`severty`"))
        .unwrap();
    assert!(severty.help.as_deref().unwrap().contains("`severity`"));
    // The misspelt list is kept, documentation only: nothing is enforced from it.
    assert!(l.policy.gates.hard.is_empty());
    assert_eq!(l.policy.gates.other["hrad"].len(), 1);
}
