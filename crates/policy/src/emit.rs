//! Writing a policy back as YAML.
//!
//! A small block-style emitter over the JSON form of the policy: keys in a readable order,
//! every string double-quoted with JSON escapes (valid YAML), so that nothing is re-read as a
//! number, a boolean or null; a key too long for YAML's implicit form is written explicitly
//! (`? key`).

use serde_json::{Map, Value};

use crate::error::PolicyError;
use crate::model::Policy;

/// The deepest nesting written.
const MAX_EMIT_DEPTH: usize = 128;

/// Keys written first, in this order; the others follow alphabetically.
const KEY_ORDER: &[&str] = &[
    "version",
    "profile",
    "on_error",
    "id",
    "name",
    "rule",
    "pattern",
    "tools",
    "field",
    "match",
    "unless",
    "target",
    "alert_below",
    "alert_above",
    "measurement",
    "severity",
    "hard",
    "soft",
    "gates",
    "setpoints",
    "regression",
    "bridge",
    "evaluate",
    "secrets",
];

/// Writes a policy as YAML text that [`crate::load_str`] reads back to an equal policy.
///
/// # Errors
/// Returns [`PolicyError::Emit`] when a value cannot be represented (nesting deeper than 128).
pub fn to_yaml(policy: &Policy) -> Result<String, PolicyError> {
    let value = serde_json::to_value(policy).map_err(|e| PolicyError::Emit {
        message: e.to_string(),
    })?;
    let mut out = String::new();
    match &value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0, 0)?,
        other => {
            write_scalar(&mut out, other);
            out.push('\n');
        }
    }
    Ok(out)
}

fn ordered(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by_key(|(k, _)| {
        let rank = KEY_ORDER
            .iter()
            .position(|o| o == k)
            .unwrap_or(KEY_ORDER.len());
        (rank, k.as_str())
    });
    entries
}

fn write_scalar(out: &mut String, value: &Value) {
    match value {
        Value::Array(a) if a.is_empty() => out.push_str("[]"),
        Value::Object(m) if m.is_empty() => out.push_str("{}"),
        Value::String(s) => out.push_str(&Value::from(s.as_str()).to_string()),
        other => out.push_str(&other.to_string()),
    }
}

fn is_plain_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(
            key,
            "true" | "false" | "True" | "False" | "TRUE" | "FALSE" | "null" | "Null" | "NULL"
        )
}

/// YAML allows an implicit key (`key: value`) of at most 1,024 characters; a longer one must be
/// written in the explicit form (`? key` then `: value`). Measured on the written key, quotes
/// and escapes included, with a margin.
const MAX_IMPLICIT_KEY_CHARS: usize = 1000;

/// Writes `key:` at the current position (the caller wrote the indentation), in the explicit
/// form `? key` / `:` when the key is too long to be implicit; `indent` is where the `:` of
/// the explicit form goes.
fn write_key(out: &mut String, key: &str, indent: usize) {
    let quoted;
    let written = if is_plain_key(key) {
        key
    } else {
        quoted = Value::from(key).to_string();
        quoted.as_str()
    };
    if written.chars().count() > MAX_IMPLICIT_KEY_CHARS {
        out.push_str("? ");
        out.push_str(written);
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    } else {
        out.push_str(written);
    }
    out.push(':');
}

fn too_deep() -> PolicyError {
    PolicyError::Emit {
        message: format!("nesting deeper than {MAX_EMIT_DEPTH} levels"),
    }
}

/// Writes the entries of a map; the caller has written the first line's indentation.
fn write_map(
    out: &mut String,
    map: &Map<String, Value>,
    indent: usize,
    depth: usize,
) -> Result<(), PolicyError> {
    if depth > MAX_EMIT_DEPTH {
        return Err(too_deep());
    }
    for (i, (key, value)) in ordered(map).into_iter().enumerate() {
        if i > 0 {
            out.push_str(&" ".repeat(indent));
        }
        write_key(out, key, indent);
        write_value(out, value, indent, depth)?;
    }
    Ok(())
}

/// Writes a value after `key:` (or `-`): inline scalars, block containers on the next lines.
fn write_value(
    out: &mut String,
    value: &Value,
    indent: usize,
    depth: usize,
) -> Result<(), PolicyError> {
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            write_map(out, m, indent + 2, depth + 1)
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_list(out, a, indent + 2, depth + 1)
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar);
            out.push('\n');
            Ok(())
        }
    }
}

fn write_list(
    out: &mut String,
    items: &[Value],
    indent: usize,
    depth: usize,
) -> Result<(), PolicyError> {
    if depth > MAX_EMIT_DEPTH {
        return Err(too_deep());
    }
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            Value::Object(m) if !m.is_empty() => {
                out.push(' ');
                write_map(out, m, indent + 2, depth + 1)?;
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                write_list(out, a, indent + 2, depth + 1)?;
            }
            scalar => {
                out.push(' ');
                write_scalar(out, scalar);
                out.push('\n');
            }
        }
    }
    Ok(())
}
