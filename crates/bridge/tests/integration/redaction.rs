//! No planted secret survives into any rendered output.

use metalayer_bridge::secrets::shannon_entropy;
use metalayer_bridge::{
    IndexEntry, Redactor, Session, SessionId, TranscriptReader, render_index, render_session,
};
use proptest::prelude::*;
use serde_json::json;

use super::builder::Transcript;

/// Secret generators: each takes random alphanumerics and builds a secret of one kind.
fn secret(kind: usize, body: &str) -> String {
    let upper: String = body.to_ascii_uppercase();
    match kind % 16 {
        0 => format!("AKIA{}", &upper[..16]),
        1 => format!("ghp_{}", &body[..36]),
        2 => format!("github_pat_{}", &body[..40]),
        3 => format!("glpat-{}", &body[..20]),
        4 => format!("npm_{}", &body[..36]),
        5 => format!("xoxb-{}-{}", &body[..12], &body[12..30]),
        6 => format!("sk_live_{}", &body[..24]),
        7 => format!("sk-ant-api03-{}", &body[..40]),
        8 => format!("sk-proj-{}", &body[..48]),
        9 => format!("AIza{}", &body[..35]),
        10 => format!("hf_{}", &body[..34]),
        11 => format!("eyJhbGciOiJIUzI1NiJ9.eyJ{}.{}", &body[..20], &body[20..40]),
        12 => format!("pypi-AgEIcHlwaS5vcmc{}", &body[..60]),
        13 => format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n{}\n-----END PRIVATE KEY-----",
            &body[..40],
            &body[40..64]
        ),
        14 => format!("sk-{}", &body[..48]),
        _ => format!("xoxp-{}", &body[..30]),
    }
}

/// The part of a secret that must never appear (the distinctive random body).
fn secret_core(secret: &str) -> String {
    let longest = secret
        .split(|c: char| !c.is_ascii_alphanumeric())
        .max_by_key(|part| part.len())
        .unwrap_or_default();
    longest.chars().take(16).collect()
}

fn words() -> impl Strategy<Value = String> {
    proptest::collection::vec("[a-zA-Z]{1,8}|[0-9]{1,3}|[.,;:!?()]", 0..12)
        .prop_map(|w| w.join(" "))
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(" "),
        Just("\n"),
        Just(" \""),
        Just(" '"),
        Just(" ("),
        Just(", "),
        Just("\t")
    ]
}

fn render_with(text: &str) -> String {
    let id = "prop0000-secret";
    let mut t = Transcript::new(id);
    t.user(text)
        .assistant_text("m1", text)
        .tool_use("m2", "t1", "Bash", json!({"command": format!("deploy {text}"), "description": text}))
        .tool_result("t1", text, false)
        .tool_use("m3", "t2", "Write", json!({"file_path": format!("/home/u/proj/{}", text.replace('\n', "_")), "content": text}))
        .tool_result("t2", text, true)
        .summary(text);
    let mut s = Session::new(SessionId::new(id));
    TranscriptReader::new(t.text().as_bytes(), 0)
        .read_into(&mut s)
        .unwrap();
    s.set_last_assistant_message(Some(&format!("final {text}")));
    let r = Redactor::new();
    let index = render_index(&[IndexEntry::from_session(&s, &r)]);
    format!("{}\n{index}", render_session(&s, &r))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn planted_secrets_never_rendered(
        kind in 0_usize..16,
        body in "[a-zA-Z0-9]{64}",
        before in words(),
        after in words(),
        sep1 in separator(),
        sep2 in separator(),
    ) {
        let secret = secret(kind, &body);
        let text = format!("{before}{sep1}{secret}{sep2}{after}");
        let out = render_with(&text);
        let core = secret_core(&secret);
        prop_assert!(!out.contains(&core), "secret core {core} leaked for {secret:?}:\n{out}");
        prop_assert!(out.contains("[REDACTED:"));
    }

    #[test]
    fn planted_assignments_never_rendered(
        name in "(API_KEY|DB_PASSWORD|client_secret|authToken|AWS_CREDENTIALS)",
        value in "[a-zA-Z0-9]{6,20}[0-9][a-zA-Z0-9/+]{0,10}",
        before in words(),
        quoted in any::<bool>(),
    ) {
        // The generator can draw what the rules deliberately leave alone (a placeholder of x, a
        // number, a value too regular to be a key): those are cases of the data files, not this
        // property.
        prop_assume!(!value.contains("xxxx") && !value.contains("XXXX"));
        prop_assume!(!value.bytes().all(|b| b.is_ascii_digit()));
        prop_assume!(shannon_entropy(&value) >= 1.5);
        let text = if quoted {
            format!("{before}\n{{\"{name}\": \"{value}\"}}")
        } else {
            format!("{before}\nexport {name}={value}")
        };
        let out = render_with(&text);
        prop_assert!(!out.contains(&value), "{value} leaked:\n{out}");
        prop_assert!(out.contains(name.as_str()));
    }
}
