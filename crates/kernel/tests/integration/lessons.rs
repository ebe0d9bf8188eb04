//! `distill` on fake repositories (`tests/data/lessons.toml`): session records written with
//! the bridge's own `SessionRecord`, ledger lines, AGENTS.md; each repository lists the
//! lessons it must give, with their counts and sessions, and the near misses it must not.

use std::fs;
use std::path::Path;

use metalayer_kernel::bridge::{
    CallOutcome, Correction, RecordHeader, RecordedCall, SessionRecord, SubjectKind, Timestamp,
    record_name,
};
use metalayer_kernel::{
    DecisionRecord, DistillOptions, KernelError, LessonId, LessonKind, distill, parse_since,
    render_lessons,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Data {
    repo: Vec<Repo>,
}

#[derive(Debug, Deserialize)]
struct Repo {
    name: String,
    #[serde(default)]
    agents: Option<String>,
    #[serde(default)]
    min_sessions: Option<usize>,
    #[serde(default)]
    since: Option<String>,
    #[serde(default)]
    now: Option<String>,
    #[serde(default)]
    session: Vec<FakeSession>,
    #[serde(default)]
    ledger: Vec<FakeLedger>,
    #[serde(default)]
    expect: Vec<Expect>,
    #[serde(default)]
    absent: Vec<Absent>,
}

#[derive(Debug, Deserialize)]
struct FakeSession {
    id: String,
    #[serde(default = "claude")]
    harness: String,
    date: String,
    #[serde(default)]
    calls: Vec<String>,
    #[serde(default)]
    corrections: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct FakeLedger {
    session: Option<String>,
    #[serde(default = "claude")]
    harness: String,
    #[serde(default = "bash")]
    tool: String,
    decision: String,
    subject: String,
    #[serde(default)]
    gates: Vec<String>,
    #[serde(default = "ledger_time")]
    time: u64,
}

#[derive(Debug, Deserialize)]
struct Expect {
    kind: String,
    key: String,
    occurrences: usize,
    sessions: Vec<String>,
    #[serde(default)]
    harnesses: Option<Vec<String>>,
    #[serde(default)]
    block: Option<Vec<String>>,
    #[serde(default)]
    allow: Option<Vec<String>>,
    #[serde(default)]
    gate: Option<String>,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    approval_rate: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct Absent {
    kind: String,
    key: String,
}

fn claude() -> String {
    "claude".to_owned()
}
fn bash() -> String {
    "Bash".to_owned()
}
fn ledger_time() -> u64 {
    1_796_083_200
}

fn call(text: &str) -> RecordedCall {
    let (main, error) = match text.split_once(" !! ") {
        Some((m, e)) => (m, Some(e)),
        None => (text, None),
    };
    let mut words = main.splitn(3, ' ');
    let outcome = match words.next().unwrap() {
        "ok" => CallOutcome::Ok,
        "error" => CallOutcome::Error,
        "denied" => CallOutcome::Denied,
        "asked" => CallOutcome::Asked,
        other => panic!("outcome {other}"),
    };
    let (kind, tool) = match words.next().unwrap() {
        "shell" => (SubjectKind::Shell, "Bash"),
        "file" => (SubjectKind::File, "Edit"),
        "other" => (SubjectKind::Other, "Grep"),
        other => panic!("kind {other}"),
    };
    let mut call = RecordedCall::new(tool, kind, words.next().unwrap(), outcome);
    if let Some(e) = error {
        call = call.with_error(e);
    }
    call
}

/// Writes a fake repository: records, ledger, AGENTS.md.
fn write_repo(root: &Path, repo: &Repo) {
    fs::create_dir_all(root.join(".git")).unwrap();
    let folder = root.join("docs/conversations");
    fs::create_dir_all(&folder).unwrap();
    for s in &repo.session {
        let markdown = format!("session-{}-{}.md", s.date, s.id);
        let mut header = RecordHeader::new(&s.id, &s.harness, &s.date, &markdown);
        header.started = Timestamp::parse(&format!("{}T10:00:00Z", s.date));
        let mut record = SessionRecord::new(header);
        record.calls = s.calls.iter().map(|c| call(c)).collect();
        record.corrections = s.corrections.iter().map(Correction::new).collect();
        fs::write(folder.join(record_name(&markdown)), record.render()).unwrap();
    }
    if !repo.ledger.is_empty() {
        let dir = root.join(".control/ledger");
        fs::create_dir_all(&dir).unwrap();
        let mut text = String::new();
        for l in &repo.ledger {
            let mut record =
                DecisionRecord::new(&l.harness, &l.tool, &l.decision, &l.subject, "because");
            record.session_id.clone_from(&l.session);
            record.gates.clone_from(&l.gates);
            record.time = l.time;
            text.push_str(&serde_json::to_string(&record).unwrap());
            text.push('\n');
        }
        fs::write(dir.join("decisions.jsonl"), text).unwrap();
    }
    if let Some(agents) = &repo.agents {
        fs::write(root.join("AGENTS.md"), agents).unwrap();
    }
}

fn options(root: &Path, repo: &Repo) -> DistillOptions {
    let mut options = DistillOptions::new(root);
    if let Some(n) = repo.min_sessions {
        options = options.with_min_sessions(n);
    }
    if let Some(since) = &repo.since {
        options = options.with_since(parse_since(since));
    }
    if let Some(now) = &repo.now {
        options = options.with_now(Timestamp::parse(now).unwrap().unix_seconds());
    }
    options
}

#[test]
fn every_fake_repository_gives_its_lessons_and_no_near_miss() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lessons.toml");
    let data: Data = toml::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    assert!(data.repo.len() >= 7);
    for repo in &data.repo {
        let tmp = tempfile::tempdir().unwrap();
        write_repo(tmp.path(), repo);
        let found = distill(&options(tmp.path(), repo)).unwrap();
        let name = &repo.name;
        assert!(found.warnings.is_empty(), "{name}: {:?}", found.warnings);
        let listed: Vec<(String, String)> = found
            .lessons
            .iter()
            .map(|l| (l.kind.to_string(), l.key.clone()))
            .collect();
        for expect in &repo.expect {
            let lesson = found
                .lessons
                .iter()
                .find(|l| l.kind.as_str() == expect.kind && l.key == expect.key)
                .unwrap_or_else(|| {
                    panic!("{name}: no {} `{}` in {listed:?}", expect.kind, expect.key)
                });
            assert_eq!(
                lesson.occurrences, expect.occurrences,
                "{name}: {lesson:#?}"
            );
            let sessions: Vec<&str> = lesson.sessions.iter().map(|s| s.id.as_str()).collect();
            assert_eq!(sessions, expect.sessions, "{name}");
            assert_eq!(lesson.id, LessonId::of(lesson.kind, &lesson.key), "{name}");
            if let Some(h) = &expect.harnesses {
                assert_eq!(&lesson.harnesses, h, "{name}");
            }
            if let Some(b) = &expect.block {
                assert_eq!(&lesson.block, b, "{name}");
            }
            if let Some(a) = &expect.allow {
                assert_eq!(&lesson.allow, a, "{name}");
            }
            if let Some(g) = &expect.gate {
                assert_eq!(lesson.gate.as_ref(), Some(g), "{name}");
            }
            if let Some(r) = &expect.rule {
                assert_eq!(&lesson.rule, r, "{name}");
            }
            if let Some(rate) = expect.approval_rate {
                assert_eq!(lesson.approval_rate, Some(rate), "{name}");
            }
            for s in lesson.sessions.iter().filter(|s| s.markdown.is_some()) {
                let md = s.markdown.as_deref().unwrap();
                assert!(
                    md.starts_with("docs/conversations/session-"),
                    "{name}: {md}"
                );
            }
            assert!(!lesson.summary.is_empty() && !lesson.rule.is_empty());
        }
        for absent in &repo.absent {
            assert!(
                !listed.contains(&(absent.kind.clone(), absent.key.clone())),
                "{name}: {} `{}` is below the threshold: {listed:?}",
                absent.kind,
                absent.key
            );
        }
        // Deterministic: the same again, in the same order.
        assert_eq!(
            distill(&options(tmp.path(), repo)).unwrap(),
            found,
            "{name}"
        );
    }
}

#[test]
fn corrupt_record_and_ledger_lines_are_skipped_with_warnings_naming_them() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let repo = Repo {
        name: "corrupt".to_owned(),
        agents: None,
        min_sessions: None,
        since: None,
        now: None,
        session: (1..=3)
            .map(|n| FakeSession {
                id: format!("s{n}"),
                harness: claude(),
                date: format!("2026-12-0{n}"),
                calls: vec![
                    "error shell npm test".to_owned(),
                    "ok shell pnpm test".to_owned(),
                ],
                corrections: Vec::new(),
            })
            .collect(),
        ledger: vec![FakeLedger {
            session: Some("s1".to_owned()),
            harness: claude(),
            tool: bash(),
            decision: "deny".to_owned(),
            subject: "rm -rf /".to_owned(),
            gates: vec!["G3".to_owned()],
            time: ledger_time(),
        }],
        expect: Vec::new(),
        absent: Vec::new(),
    };
    write_repo(root, &repo);
    let record = root.join("docs/conversations/session-2026-12-02-s2.jsonl");
    let mut text = fs::read_to_string(&record).unwrap();
    text.insert_str(text.find('\n').unwrap() + 1, "{\"type\":\"call\",garbage\n");
    fs::write(&record, text).unwrap();
    fs::write(
        root.join("docs/conversations/session-2026-12-04-bad.jsonl"),
        [0xff_u8, 0xfe, b'\n'],
    )
    .unwrap();
    let ledger = root.join(".control/ledger/decisions.jsonl");
    let mut text = fs::read_to_string(&ledger).unwrap();
    text.insert_str(0, "not json\n");
    fs::write(&ledger, text).unwrap();

    let found = distill(&DistillOptions::new(root)).unwrap();
    let warnings = found.warnings.join("\n");
    assert!(
        warnings.contains("session-2026-12-02-s2.jsonl:2: not a session record line"),
        "{warnings}"
    );
    assert!(
        warnings.contains("session-2026-12-04-bad.jsonl:1: "),
        "{warnings}"
    );
    assert!(
        warnings.contains("decisions.jsonl:1: not a ledger line"),
        "{warnings}"
    );
    assert_eq!(
        found.sessions_read, 4,
        "the corrupt record's other lines are still read"
    );
    assert_eq!(found.calls_read, 6);
    assert_eq!(found.ledger_read, 1);
    let lesson = found
        .lessons
        .iter()
        .find(|l| l.kind == LessonKind::UseInstead)
        .unwrap();
    assert_eq!(lesson.sessions.len(), 3);
    let text = render_lessons(&found);
    assert!(
        text.contains(&format!(
            "{}  use_instead  3 times in 3 sessions (claude)",
            lesson.id
        )),
        "{text}"
    );
    assert!(text.contains("rule: Use `pnpm`, not `npm`."), "{text}");
}

#[test]
fn no_records_and_no_ledger_is_an_error_that_says_how_sessions_are_captured() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join(".git")).unwrap();
    let err = distill(&DistillOptions::new(tmp.path())).unwrap_err();
    assert!(matches!(err, KernelError::NoSessions { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("docs/conversations"), "{message}");
    assert!(
        message.contains("metalayer init") && message.contains("metalayer capture"),
        "{message}"
    );
}

#[test]
fn records_the_bridge_captured_from_real_sessions_are_read() {
    // The Codex and Gemini sessions recorded from the real CLIs (the bridge's fixtures), captured
    // into one repository three times under different ids: the denied secret writes recur.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir(root.join(".git")).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bridge/tests/data/sessions");
    for (n, name) in [
        "codex-denied-write.jsonl",
        "gemini-denied-write.jsonl",
        "codex-denied-write.jsonl",
    ]
    .iter()
    .enumerate()
    {
        let transcript = root.join(format!("t{n}.jsonl"));
        fs::copy(fixtures.join(name), &transcript).unwrap();
        let options = metalayer_kernel::bridge::CaptureOptions::new(
            &transcript,
            metalayer_kernel::bridge::SessionId::new(format!("{n}000000a-0000")),
            root.join("docs/conversations"),
            root.join(".git/metalayer"),
        );
        metalayer_kernel::bridge::Capture::run(&options).unwrap();
    }
    let found = distill(&DistillOptions::new(root).with_min_sessions(2)).unwrap();
    assert!(found.warnings.is_empty(), "{:?}", found.warnings);
    assert_eq!(found.sessions_read, 3);
    let env = found
        .lessons
        .iter()
        .find(|l| l.kind == LessonKind::RepeatedBlock && l.key == "file:.env")
        .unwrap_or_else(|| panic!("{:#?}", found.lessons));
    assert_eq!(env.sessions.len(), 2);
    assert_eq!(env.harnesses, ["codex"]);
}
