//! The secret rules, tested by data (`tests/data/secrets.toml`) through the public API: per
//! built-in rule, texts it must redact and near misses that must come out unchanged.

use std::collections::BTreeMap;

use metalayer_bridge::Redactor;
use metalayer_bridge::secrets::{Detector, Finding};
use serde::Deserialize;

const CASES: &str = include_str!("../data/secrets.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Secret {
    pub(crate) text: String,
    /// The whole text after redaction, when the case pins it.
    redacted: Option<String>,
    /// The secret itself, when it is not the only thing replaced.
    pub(crate) value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleCases {
    #[serde(default)]
    pub(crate) secrets: Vec<Secret>,
    #[serde(default)]
    near_misses: Vec<String>,
}

/// `{{abc*3}}` becomes `abcabcabc`: keeps live-looking tokens out of the file itself.
pub(crate) fn expand(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let inner = &rest[start + 2..start + len];
        let Some((unit, times)) = inner.rsplit_once('*') else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(&unit.repeat(times.parse().expect("repeat count")));
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

pub(crate) fn cases() -> BTreeMap<String, RuleCases> {
    toml::from_str(CASES).expect("tests/data/secrets.toml")
}

fn describe(findings: &[Finding], text: &str) -> String {
    findings
        .iter()
        .map(|f| format!("{} {:?}", f.rule(), &text[f.span()]))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn every_builtin_rule_has_secrets_and_near_misses() {
    let cases = cases();
    for id in Detector::new().rule_ids() {
        let case = cases
            .get(id.as_str())
            .unwrap_or_else(|| panic!("no cases for rule `{id}`"));
        assert!(!case.secrets.is_empty(), "no secret for rule `{id}`");
        assert!(!case.near_misses.is_empty(), "no near miss for rule `{id}`");
    }
    for name in cases.keys() {
        assert!(
            name == "ordinary" || Detector::new().rule_ids().any(|id| id.as_str() == name),
            "cases for `{name}`, which is not a built-in rule"
        );
    }
}

#[test]
fn secrets_are_found_and_redacted() {
    let detector = Detector::new();
    let redactor = Redactor::new();
    let mut failures = Vec::new();
    for (rule, case) in cases() {
        for secret in &case.secrets {
            let text = expand(&secret.text);
            let findings = detector.find(&text);
            let Some(found) = findings.iter().find(|f| f.rule().as_str() == rule) else {
                failures.push(format!(
                    "[{rule}] not found in {text:?} (found: {})",
                    describe(&findings, &text)
                ));
                continue;
            };
            let value = secret.value.as_deref().map(expand);
            let value = value.as_deref().unwrap_or(&text[found.span()]);
            let redacted = redactor.redact(&text);
            if let Some(expected) = &secret.redacted {
                let expected = expand(expected);
                if redacted != expected {
                    failures.push(format!(
                        "[{rule}] {text:?}\n   redacted: {redacted:?}\n   expected: {expected:?}"
                    ));
                }
            }
            if redacted.contains(value) {
                failures.push(format!("[{rule}] {value:?} survives in {redacted:?}"));
            }
            for f in &findings {
                if f.masked().contains(&text[f.span()]) || f.masked().contains(value) {
                    failures.push(format!(
                        "[{rule}] masked form {:?} holds the secret",
                        f.masked()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn near_misses_are_left_alone() {
    let detector = Detector::new();
    let mut failures = Vec::new();
    for (rule, case) in cases() {
        for text in &case.near_misses {
            let text = expand(text);
            let findings = detector.find(&text);
            if !findings.is_empty() {
                failures.push(format!(
                    "[{rule}] near miss {text:?} gave {}",
                    describe(&findings, &text)
                ));
            }
            let redacted = detector.redact(&text);
            if redacted != text {
                failures.push(format!("[{rule}] near miss {text:?} became {redacted:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn each_case_also_holds_inside_a_longer_text() {
    // A secret keeps being found, and a near miss keeps being left alone, between other
    // lines; positions still point at the secret.
    let detector = Detector::new();
    for (rule, case) in cases() {
        for secret in &case.secrets {
            let text = format!("first line\n{}\nlast line", expand(&secret.text));
            let findings = detector.find(&text);
            assert!(
                findings
                    .iter()
                    .any(|f| f.rule().as_str() == rule && f.line() >= 2),
                "[{rule}] {text:?}: {}",
                describe(&findings, &text)
            );
        }
        for text in &case.near_misses {
            let text = format!("first line\n{}\nlast line", expand(text));
            assert_eq!(detector.redact(&text), text, "[{rule}]");
        }
    }
}

/// Texts made of the pieces secrets and their near misses are made of.
fn secretish() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        Just("password".to_owned()),
        Just("DB_PASS".to_owned()),
        Just("api_key".to_owned()),
        Just("token".to_owned()),
        Just("secret is".to_owned()),
        Just("Authorization: Basic ".to_owned()),
        Just("Bearer ".to_owned()),
        Just("curl -u ".to_owned()),
        Just("mysql -p".to_owned()),
        Just("https://".to_owned()),
        Just("@".to_owned()),
        Just("ghp_".to_owned()),
        Just("AKIA".to_owned()),
        Just("-----BEGIN PRIVATE KEY-----".to_owned()),
        Just("=".to_owned()),
        Just(": ".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("$".to_owned()),
        Just("\n".to_owned()),
        Just(" ".to_owned()),
        Just("é".to_owned()),
        Just("[REDACTED:x]".to_owned()),
        "[A-Za-z0-9]{1,40}",
        "[ -~]{1,12}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 400, ..Default::default() })]

    #[test]
    fn findings_are_well_formed_on_any_text(text in secretish()) {
        let detector = Detector::new();
        let findings = detector.find(&text);
        let mut end = 0;
        for f in &findings {
            let span = f.span();
            proptest::prop_assert!(span.start >= end && span.start < span.end);
            proptest::prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            let secret = &text[span.clone()];
            proptest::prop_assert!(secret.len() < 5 || !f.masked().contains(secret));
            let line = 1 + text[..span.start].matches('\n').count();
            proptest::prop_assert_eq!(f.line(), line);
            end = span.end;
        }
        let redacted = detector.redact(&text);
        if findings.is_empty() {
            proptest::prop_assert_eq!(redacted.as_ref(), text.as_str());
        } else {
            // Only the secrets are replaced: what lies between them is kept, in order.
            let mut last = 0;
            let mut rest: &str = &redacted;
            for f in &findings {
                let kept = &text[last..f.span().start];
                proptest::prop_assert!(rest.starts_with(kept));
                rest = &rest[kept.len()..];
                let marker = format!("[REDACTED:{}]", f.rule());
                proptest::prop_assert!(rest.starts_with(&marker));
                rest = &rest[marker.len()..];
                last = f.span().end;
            }
            proptest::prop_assert_eq!(rest, &text[last..]);
        }
    }
}
