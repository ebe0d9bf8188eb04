//! What the bridge leaves on disk: no seeded secret in any file it writes (notes, index,
//! state, locks), no conversation text in its state, private bookkeeping.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use metalayer_bridge::secrets::Detector;
use metalayer_bridge::{Capture, CaptureOptions, SessionId, Timestamp};
use serde_json::json;

use super::builder::Transcript;
use super::secrets::{cases, expand};

/// Every file under `dir`, with its bytes.
pub(crate) fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(read) = fs::read_dir(&d) else { continue };
        for entry in read.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Captures a session of one prompt, `hello`, whose transcript is written in `dir`.
fn capture_hello(dir: &Path, id: &str, out: &Path, state: &Path) {
    let transcript = dir.join(format!("{id}.jsonl"));
    let mut t = Transcript::new(id);
    t.user("hello");
    fs::write(&transcript, t.text()).unwrap();
    Capture::run(&CaptureOptions::new(
        &transcript,
        SessionId::new(id),
        out,
        state,
    ))
    .unwrap();
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// The secret texts of the data file, with the values that must never be written (those
/// that are not also ordinary text of another case: `postgres` is a password in one case and
/// a URL scheme in another).
fn seeded() -> Vec<(String, String, Vec<String>)> {
    let detector = Detector::new();
    let all: Vec<String> = cases()
        .values()
        .flat_map(|c| c.secrets.iter().map(|s| expand(&s.text)))
        .collect();
    let context = detector.redact(&all.join("\n")).into_owned();
    let mut out = Vec::new();
    for (rule, case) in cases() {
        for secret in &case.secrets {
            let text = expand(&secret.text);
            let mut values: Vec<String> = detector
                .find(&text)
                .iter()
                .map(|f| text[f.span()].to_owned())
                .filter(|v| v.len() >= 4 && !context.contains(v.as_str()))
                .collect();
            values.extend(secret.value.as_deref().map(expand));
            out.push((rule.clone(), text, values));
        }
    }
    assert!(out.iter().filter(|(_, _, v)| !v.is_empty()).count() > 100);
    out
}

#[test]
fn seeded_secrets_appear_in_no_file_the_bridge_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let out = root.join("docs/conversations");
    let state = root.join(".git/metalayer/bridge");
    let id = "5ec2e75a-seeded";
    let transcript = root.join(format!("{id}.jsonl"));
    let seeded = seeded();
    let options = |last: Option<String>| {
        CaptureOptions::new(&transcript, SessionId::new(id), &out, &state)
            .with_now(Timestamp::from_unix_seconds(1_800_000_000))
            .with_last_assistant_message(last)
    };

    // Every secret in every place a transcript can hold text, captured in three runs (the
    // model is derived again each time) with a last message that lags behind.
    let mut t = Transcript::new(id);
    let half = seeded.len() / 2;
    for (n, (_, text, _)) in seeded.iter().enumerate() {
        if n == half {
            fs::write(&transcript, t.text()).unwrap();
            Capture::run(&options(Some(format!("lagging: {text}")))).unwrap();
            t = Transcript::continuing(id, t.clock());
        }
        let tool = format!("t{n}");
        match n % 6 {
            0 => t.user(text),
            1 => t.assistant_text(&format!("m{n}"), text),
            2 => t
                .tool_use(&format!("m{n}"), &tool, "Bash", json!({"command": text}))
                .tool_result(&tool, "done", false),
            3 => t
                .tool_use(
                    &format!("m{n}"),
                    &tool,
                    "Bash",
                    json!({"command": "cat .env"}),
                )
                .tool_result(&tool, text, false),
            4 => t
                .tool_use(
                    &format!("m{n}"),
                    &tool,
                    "Write",
                    json!({"file_path": "/home/u/proj/config.py", "content": text}),
                )
                .tool_result(&tool, text, true),
            _ => t.summary(text),
        };
    }
    // Secrets at the cut of a long prompt, of a tool output and of a tool summary.
    let all: Vec<&str> = seeded.iter().map(|(_, text, _)| text.as_str()).collect();
    let long = format!("{} {}", "padding ".repeat(240), all.join(" and then "));
    t.user(&long)
        .tool_use("mlong", "tlong", "Bash", json!({"command": long}))
        .tool_result("tlong", &long, false);
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(&transcript)
        .unwrap();
    file.write_all(t.text().as_bytes()).unwrap();
    drop(file);
    Capture::run(&options(Some(format!("final: {}", all.join(" "))))).unwrap();
    Capture::run(&options(None)).unwrap();

    let mut written = files_under(&out);
    written.extend(files_under(&root.join(".git")));
    assert!(written.len() >= 4, "{:?}", written.keys());
    let note =
        String::from_utf8(written[&out.join("session-2026-08-24-5ec2e75a.md")].clone()).unwrap();
    assert!(note.contains("[REDACTED:"));
    let mut leaks = Vec::new();
    for (rule, _, values) in &seeded {
        for value in values {
            for (path, bytes) in &written {
                if contains(bytes, value) {
                    leaks.push(format!("[{rule}] {value:?} in {}", path.display()));
                }
            }
        }
    }
    assert!(leaks.is_empty(), "\n{}", leaks.join("\n"));
}

#[test]
fn the_state_keeps_no_conversation_text() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("docs/conversations");
    let state = tmp.path().join(".git/metalayer/bridge");
    let id = "0f0f0f0f-text";
    let transcript = tmp.path().join(format!("{id}.jsonl"));
    let mut t = Transcript::new(id);
    t.user("quokka prompt words")
        .assistant_text("m1", "wombat answer words")
        .tool_use("m2", "t1", "Bash", json!({"command": "echo platypus"}))
        .tool_result("t1", "platypus echidna output", false)
        .summary("numbat summary");
    fs::write(&transcript, t.text()).unwrap();
    let options = CaptureOptions::new(&transcript, SessionId::new(id), &out, &state)
        .with_last_assistant_message(Some("bilby last message".to_owned()));
    Capture::run(&options).unwrap();

    let notes = files_under(&out);
    let bookkeeping = files_under(&state);
    assert!(!bookkeeping.is_empty());
    for word in ["quokka", "wombat", "platypus", "echidna", "bilby"] {
        assert!(
            notes.values().any(|b| contains(b, word)),
            "{word} not in the notes"
        );
        for (path, bytes) in &bookkeeping {
            assert!(!contains(bytes, word), "{word} in {}", path.display());
        }
    }
    // Nothing new: nothing read, nothing written.
    let before = files_under(tmp.path());
    let again = Capture::run(&options).unwrap();
    assert!(!again.updated);
    assert_eq!(files_under(tmp.path()), before);
}

#[test]
fn the_first_state_format_is_removed() {
    // It held the whole conversation, unredacted, and the Stop event's last message.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("docs/conversations");
    let state = tmp.path().join(".git/metalayer/bridge");
    fs::create_dir_all(&state).unwrap();
    for name in ["bridge-old.json", "bridge-old.cursor", "bridge-index.json"] {
        fs::write(
            state.join(name),
            r#"{"session":{"prompts":["DB_PASS=hunter22"]}}"#,
        )
        .unwrap();
    }
    capture_hello(tmp.path(), "1e9ac1e5-legacy", &out, &state);
    for (path, bytes) in files_under(&state) {
        assert!(!contains(&bytes, "hunter22"), "{}", path.display());
    }
}

#[cfg(unix)]
#[test]
fn bookkeeping_is_private_and_notes_are_ordinary_files() {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("docs/conversations");
    let state = tmp.path().join(".git/metalayer/bridge");
    capture_hello(tmp.path(), "0600c0de-modes", &out, &state);
    assert_eq!(mode(&state), 0o700);
    let bookkeeping = files_under(&state);
    assert!(
        bookkeeping
            .keys()
            .any(|p| p.extension().is_some_and(|e| e == "state"))
    );
    for path in bookkeeping.keys() {
        assert_eq!(mode(path), 0o600, "{}", path.display());
    }
    for path in files_under(&out).keys() {
        let m = mode(path);
        assert_eq!(m & 0o600, 0o600, "{}", path.display());
        assert_eq!(m & 0o133, 0, "{}: {m:o}", path.display());
    }
}
