//! The committed JSON Schema equals the one generated from the types.

use std::path::Path;

use metalayer_policy::{schema, schema_json};

#[test]
fn committed_schema_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/policy.schema.json");
    let generated = schema_json();
    if std::env::var_os("METALAYER_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date with the types; regenerate it with\n    METALAYER_BLESS=1 cargo test -p metalayer-policy --test integration schema_file",
        path.display()
    );
}

#[test]
fn schema_is_lenient_where_the_dialects_are() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let version_types = &s["properties"]["version"]["type"];
    assert_eq!(version_types, &serde_json::json!(["string", "number"]));
    assert_ne!(s["additionalProperties"], serde_json::json!(false));
    let severity = &s["$defs"]["Severity"]["enum"];
    assert!(
        severity
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("warn"))
    );
    assert!(schema_json().ends_with("}\n"));
}
