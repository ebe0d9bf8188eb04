//! The JSON Schema of the policy file, generated from the types, and structural validation
//! against it.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Span};
use crate::model::Policy;
use crate::tree::{Positions, SpanMap};

/// The JSON Schema of `.control/policy.yaml` (draft 2020-12), generated from [`Policy`].
///
/// It is lenient where the dialects of the original system are: unknown keys are allowed (the
/// loader warns about them), `version` may be a string or a number, `setpoints` may be a map.
pub fn schema() -> Value {
    let mut schema = schemars::schema_for!(Policy).to_value();
    if let Some(map) = schema.as_object_mut() {
        map.insert(
            "$id".to_owned(),
            Value::from("https://github.com/metalayer/metalayer/schemas/policy.schema.json"),
        );
    }
    schema
}

/// [`schema`] as pretty-printed JSON with a trailing newline (the committed
/// `schema/policy.schema.json`).
pub fn schema_json() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    text.push('\n');
    text
}

fn validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| jsonschema::validator_for(&schema()).ok())
        .as_ref()
}

/// Validates the document against the schema; one diagnostic per violation.
pub(crate) fn validate(value: &Value, spans: &SpanMap, pos: &Positions<'_>) -> Vec<Diagnostic> {
    let Some(validator) = validator() else {
        let mut d = Diagnostic::error(
            "policy::internal",
            "the policy schema does not compile (a bug in metalayer-policy)".to_owned(),
            Span::new(0, 0),
            1,
            1,
        );
        d.help = Some("please report it".to_owned());
        return vec![d];
    };
    let mut out = Vec::new();
    for error in validator.iter_errors(value) {
        collect(&error, value, spans, pos, &mut out, 0);
    }
    out.sort_by_key(|d| d.span.offset);
    out.dedup_by(|a, b| a.pointer == b.pointer && a.message == b.message);
    out
}

/// Converts one validation error, descending into the one branch of an `anyOf` that got past
/// the type of the node (so that a list of setpoints with a bad bound reports the bound).
fn collect(
    error: &jsonschema::ValidationError<'_>,
    root: &Value,
    spans: &SpanMap,
    pos: &Positions<'_>,
    out: &mut Vec<Diagnostic>,
    depth: usize,
) {
    let pointer = error.instance_path().as_str();
    if let ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } =
        error.kind()
    {
        if let Some(options) = constant_options(context, pointer) {
            let kind = ValidationErrorKind::Enum {
                options: std::sync::Arc::new(Value::from(options)),
            };
            let instance = root.pointer(pointer).unwrap_or(&Value::Null);
            out.push(to_diagnostic(
                &kind,
                pointer,
                instance,
                root,
                spans,
                pos,
                &error.to_string(),
            ));
            return;
        }
        if depth < 16 {
            let typed: Vec<_> = context
                .iter()
                .filter(|branch| {
                    !branch.is_empty()
                        && branch.iter().all(|e| {
                            !(e.instance_path().as_str() == pointer
                                && matches!(e.kind(), ValidationErrorKind::Type { .. }))
                        })
                })
                .collect();
            if let [branch] = typed.as_slice() {
                for e in branch.iter() {
                    collect(e, root, spans, pos, out, depth + 1);
                }
                return;
            }
        }
    }
    let instance = root.pointer(pointer).unwrap_or(&Value::Null);
    out.push(to_diagnostic(
        error.kind(),
        pointer,
        instance,
        root,
        spans,
        pos,
        &error.to_string(),
    ));
}

/// When every branch of a union is a constant (or `null`), the constants: an enum in disguise.
fn constant_options(
    context: &[Vec<jsonschema::ValidationError<'static>>],
    pointer: &str,
) -> Option<Vec<String>> {
    let mut options = Vec::new();
    for branch in context {
        let [e] = branch.as_slice() else { return None };
        if e.instance_path().as_str() != pointer {
            return None;
        }
        match e.kind() {
            ValidationErrorKind::Constant { expected_value } => {
                options.push(expected_value.as_str()?.to_owned());
            }
            ValidationErrorKind::Enum { options: list } => {
                for o in list.as_array()? {
                    options.push(o.as_str()?.to_owned());
                }
            }
            ValidationErrorKind::Type { .. } => {}
            ValidationErrorKind::OneOfNotValid { context }
            | ValidationErrorKind::AnyOf { context } => {
                options.extend(constant_options(context, pointer)?);
            }
            _ => return None,
        }
    }
    (!options.is_empty()).then_some(options)
}

/// What is at a pointer, in words: "gate `G3`", "setpoint `S1`", "`gates.hard`".
pub(crate) fn context(pointer: &str, root: &Value) -> Option<String> {
    let parts: Vec<&str> = pointer.split('/').skip(1).collect();
    match parts.as_slice() {
        ["gates", list, index, ..] if index.parse::<usize>().is_ok() => {
            let id = root
                .pointer(&format!("/gates/{list}/{index}/id"))
                .and_then(Value::as_str);
            Some(match id {
                Some(id) => format!("gate `{id}`"),
                None => format!(
                    "gate {} of `gates.{list}`",
                    index.parse::<usize>().unwrap_or(0) + 1
                ),
            })
        }
        ["setpoints", index, ..] if index.parse::<usize>().is_ok() => {
            let id = root
                .pointer(&format!("/setpoints/{index}/id"))
                .and_then(Value::as_str);
            Some(match id {
                Some(id) => format!("setpoint `{id}`"),
                None => format!("setpoint {}", index.parse::<usize>().unwrap_or(0) + 1),
            })
        }
        _ => None,
    }
}

/// The key a pointer ends with, as the user wrote it (`gates.hard` for `/gates/hard`, `hard[2]`
/// style indexes folded into the parent).
pub(crate) fn key_name(pointer: &str) -> String {
    let parts: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some(last) = parts.last() else {
        return "the policy".to_owned();
    };
    if last.parse::<usize>().is_ok() {
        let parent = parts
            .get(parts.len().saturating_sub(2))
            .cloned()
            .unwrap_or_default();
        return format!("`{parent}[{last}]`");
    }
    if parts.len() == 2 && parts.first().is_some_and(|p| p == "gates") {
        return format!("`gates.{last}`");
    }
    format!("`{last}`")
}

/// A value in words for messages: string `"low"`, number `3`, a list, a map.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) => {
            let mut shown: String = s.chars().take(40).collect();
            if shown.len() < s.len() {
                shown.push('…');
            }
            format!("string `{}`", Value::from(shown))
        }
        Value::Array(items) => format!("a list of {} items", items.len()),
        Value::Object(_) => "a map".to_owned(),
    }
}

fn type_word(t: &str) -> &'static str {
    match t {
        "array" => "a list",
        "object" => "a map",
        "string" => "text",
        "number" => "a number",
        "integer" => "a whole number",
        "boolean" => "`true` or `false`",
        "null" => "empty",
        _ => "something else",
    }
}

fn expected_types(kind: &TypeKind) -> String {
    let names: Vec<String> = match kind {
        TypeKind::Single(t) => vec![t.to_string()],
        TypeKind::Multiple(set) => set.into_iter().map(|t| t.to_string()).collect(),
    };
    let words: Vec<&str> = names
        .iter()
        .filter(|n| n.as_str() != "null")
        .map(|n| type_word(n))
        .collect();
    match words.as_slice() {
        [] => "empty".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Expected shapes of the fields whose schema is a union.
fn union_shape(key: &str) -> Option<&'static str> {
    Some(match key {
        "version" => "text or a number, such as \"1.0\"",
        "measurement" => {
            "text, or a map `{type: command|function|file_check|otel_gauge|script|builtin, spec: \"...\"}`"
        }
        "target" => "a number, `true`/`false`, or null",
        "setpoints" => "a list of setpoints",
        "severity" => "one of `blocking`, `informational`, `advisory` (or `warn`, `soft`)",
        "profile" => "one of `baseline`, `governed`, `autonomous`",
        "on_error" => "one of `deny`, `ask`, `allow`",
        "match" => "one of `anywhere`, `command`",
        "introduced_in" | "deprecated_in" => "text or a number",
        _ => return None,
    })
}

fn to_diagnostic(
    kind: &ValidationErrorKind,
    pointer: &str,
    instance: &Value,
    root: &Value,
    spans: &SpanMap,
    pos: &Positions<'_>,
    raw: &str,
) -> Diagnostic {
    let last = pointer.rsplit('/').next().unwrap_or("");
    let name = key_name(pointer);
    let (message, label, help) = match kind {
        ValidationErrorKind::Type { kind } => (
            format!(
                "{name} must be {}, found {}",
                expected_types(kind),
                describe(instance)
            ),
            Some(format!("expected {}", expected_types(kind))),
            None,
        ),
        ValidationErrorKind::Required { property } => {
            let prop = property.as_str().unwrap_or("?");
            (
                format!("missing required key `{prop}`"),
                Some(format!("`{prop}` is missing here")),
                Some(format!("add `{prop}: ...` to this map")),
            )
        }
        ValidationErrorKind::Enum { options } => {
            let list: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|o| format!("`{}`", o.as_str().unwrap_or("?")))
                        .collect()
                })
                .unwrap_or_default();
            (
                format!(
                    "{name} must be one of {}, found {}",
                    list.join(", "),
                    describe(instance)
                ),
                Some("not a known value".to_owned()),
                crate::suggest::did_you_mean(
                    instance.as_str().unwrap_or(""),
                    &options
                        .as_array()
                        .map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>())
                        .unwrap_or_default(),
                )
                .map(|s| format!("did you mean `{s}`?")),
            )
        }
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            match union_shape(last) {
                Some(shape) => (
                    format!("{name} must be {shape}, found {}", describe(instance)),
                    Some("unexpected shape".to_owned()),
                    None,
                ),
                None => (
                    format!("{name} has an unexpected shape: {}", describe(instance)),
                    Some("unexpected shape".to_owned()),
                    None,
                ),
            }
        }
        ValidationErrorKind::Minimum { limit } => (
            format!(
                "{name} must be at least {limit}, found {}",
                describe(instance)
            ),
            Some("too small".to_owned()),
            None,
        ),
        _ => (format!("{name}: {raw}"), None, None),
    };
    let message = match context(pointer, root) {
        Some(ctx) => format!("{ctx}: {message}"),
        None => message,
    };
    let span = spans.value_span(pointer);
    let (line, column) = pos.line_col(span.offset);
    let mut d = Diagnostic::error("policy::schema", message, span, line, column);
    d.pointer = pointer.to_owned();
    d.label = label;
    d.help = help;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_compiles_and_accepts_the_seed_shapes() {
        let v = validator().expect("schema compiles");
        let ok = serde_json::json!({
            "version": 1.0,
            "setpoints": {"budget": {"target": 3}},
            "gates": {"hard": [{"id": "G1", "rule": "r", "pattern": "p"}], "budget": {"x": 1}},
            "permissions": {"defaults": {}}
        });
        let errors: Vec<String> = v.iter_errors(&ok).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        let bad = serde_json::json!({"gates": {"hard": "x"}});
        assert!(!v.is_valid(&bad));
    }

    #[test]
    fn describes_values_for_humans() {
        assert_eq!(describe(&Value::from("low")), "string `\"low\"`");
        assert_eq!(describe(&serde_json::json!([1, 2])), "a list of 2 items");
        assert_eq!(key_name("/setpoints/0/alert_below"), "`alert_below`");
        assert_eq!(key_name("/gates/hard"), "`gates.hard`");
        assert_eq!(key_name("/gates/hard/2"), "`hard[2]`");
    }
}
