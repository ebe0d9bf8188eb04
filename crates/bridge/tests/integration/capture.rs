//! Whole capture runs: incremental, truncated lines, lagging transcripts, parallel runs and
//! failures that must change nothing.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use metalayer_bridge::{Capture, CaptureError, CaptureOptions, Limits, SessionId, Timestamp};

use super::builder::Transcript;
use super::on_disk::files_under;

struct Dirs {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Dirs {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_owned();
        Self { _tmp: tmp, root }
    }

    fn transcript(&self, session: &str) -> PathBuf {
        self.root.join(format!("{session}.jsonl"))
    }

    fn out(&self) -> PathBuf {
        self.root.join("docs/conversations")
    }

    fn state(&self) -> PathBuf {
        self.root.join(".git/metalayer")
    }

    fn options(&self, session: &str) -> CaptureOptions {
        CaptureOptions::new(
            self.transcript(session),
            SessionId::new(session),
            self.out(),
            self.state(),
        )
        .with_now(Timestamp::from_unix_seconds(1_800_000_000))
    }
}

fn append(path: &Path, text: &str) {
    let mut f = fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

#[test]
fn incremental_capture_updates_the_same_file() {
    let dirs = Dirs::new();
    let id = "aaaa1111-incremental";
    let mut t = Transcript::new(id);
    t.user("first prompt of the session")
        .assistant_text("msg_a", "First answer.");
    fs::write(dirs.transcript(id), t.text()).unwrap();

    let first = Capture::run(&dirs.options(id)).unwrap();
    assert!(first.updated);
    assert_eq!(first.indexed, 1);
    let name = first
        .session_file
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(name, "session-2026-08-24-aaaa1111.md");

    let mut more = Transcript::continuing(id, t.clock());
    more.user("second prompt, later")
        .assistant_text("msg_b", "Second answer.");
    append(&dirs.transcript(id), &more.text());

    let second = Capture::run(&dirs.options(id)).unwrap();
    assert!(second.updated);
    assert_eq!(second.session_file, first.session_file);
    // The state keeps no conversation text, so the model is derived again from the
    // transcript, from its start.
    assert_eq!(second.stats.start_offset, 0);
    assert_eq!(second.stats.records, 4);
    assert!(second.stats.resume_offset > first.stats.resume_offset);
    let note = fs::read_to_string(&second.session_file).unwrap();
    assert!(note.contains("first prompt of the session"));
    assert!(note.contains("second prompt, later"));
    assert!(note.contains("turns: 2"));
    let files: Vec<_> = fs::read_dir(dirs.out())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        files.len(),
        3,
        "one session file, its record and the index: {files:?}"
    );
    let record = fs::read_to_string(&second.record_file).unwrap();
    assert_eq!(
        record
            .lines()
            .next()
            .map(|l| l.contains("\"type\":\"session\"")),
        Some(true),
        "{record}"
    );

    // Nothing new: nothing rewritten.
    let before = files_under(&dirs.root);
    let third = Capture::run(&dirs.options(id)).unwrap();
    assert!(!third.updated);
    assert_eq!(files_under(&dirs.root), before);
}

#[test]
fn changed_limits_write_the_session_again() {
    let dirs = Dirs::new();
    let id = "bbbb2222-limits";
    let mut t = Transcript::new(id);
    let long = "word ".repeat(400);
    t.user(&long).assistant_text("msg_a", "An answer.");
    fs::write(dirs.transcript(id), t.text()).unwrap();

    let first = Capture::run(&dirs.options(id)).unwrap();
    let whole = fs::read_to_string(&first.session_file).unwrap();
    assert!(
        whole.contains(long.trim()),
        "prompts are kept whole by default"
    );
    assert!(!Capture::run(&dirs.options(id)).unwrap().updated);

    // Nothing new in the transcript, but the policy's limits changed: written again.
    let tight = dirs
        .options(id)
        .with_limits(Limits::default().with_text_chars(Some(50)));
    let second = Capture::run(&tight).unwrap();
    assert!(second.updated);
    let cut = fs::read_to_string(&second.session_file).unwrap();
    assert!(!cut.contains(long.trim()));
    assert!(cut.contains("more characters)"), "{cut}");
    assert!(!Capture::run(&tight).unwrap().updated);
}

#[test]
fn resumed_capture_equals_a_capture_from_scratch() {
    let dirs = Dirs::new();
    let id = "bbbb2222-resume";
    let full = Transcript::realistic(id).text();
    let lines: Vec<&str> = full.split_inclusive('\n').collect();
    fs::write(dirs.transcript(id), "").unwrap();
    for chunk in lines.chunks(3) {
        append(&dirs.transcript(id), &chunk.concat());
        let _ = Capture::run(&dirs.options(id));
    }
    let incremental =
        fs::read_to_string(dirs.out().join("session-2026-08-24-bbbb2222.md")).unwrap();

    let fresh = Dirs::new();
    fs::write(fresh.transcript(id), &full).unwrap();
    Capture::run(&fresh.options(id)).unwrap();
    let once = fs::read_to_string(fresh.out().join("session-2026-08-24-bbbb2222.md")).unwrap();
    assert_eq!(incremental, once);
}

#[test]
fn truncated_last_line_is_left_for_the_next_run() {
    let dirs = Dirs::new();
    let id = "cccc3333-truncated";
    let mut t = Transcript::new(id);
    t.user("complete prompt here");
    let mut tail = Transcript::continuing(id, t.clock());
    tail.user("prompt still being written");
    let tail = tail.text();
    let (head, rest) = tail.split_at(tail.len() / 2);
    fs::write(dirs.transcript(id), format!("{}{head}", t.text())).unwrap();

    let first = Capture::run(&dirs.options(id)).unwrap();
    assert_eq!(first.stats.resume_offset, t.text().len() as u64);
    assert_eq!(first.stats.pending_bytes, head.len() as u64);
    let note = fs::read_to_string(&first.session_file).unwrap();
    assert!(note.contains("complete prompt here"));
    assert!(!note.contains("prompt still being written"));

    append(&dirs.transcript(id), rest);
    let second = Capture::run(&dirs.options(id)).unwrap();
    assert_eq!(second.stats.records, 2);
    assert_eq!(second.stats.unparsable, 0, "the half line was never parsed");
    let note = fs::read_to_string(&second.session_file).unwrap();
    assert!(note.contains("prompt still being written"));
    assert!(note.contains("turns: 2"));
}

#[test]
fn lagging_transcript_uses_last_assistant_message_once() {
    let dirs = Dirs::new();
    let id = "dddd4444-lag";
    let mut t = Transcript::new(id);
    t.user("summarise the repo");
    fs::write(dirs.transcript(id), t.text()).unwrap();
    let reply = "The repo has three crates.".to_owned();
    let options = dirs
        .options(id)
        .with_last_assistant_message(Some(reply.clone()));

    let first = Capture::run(&options).unwrap();
    let note = fs::read_to_string(&first.session_file).unwrap();
    assert!(note.contains("not yet in the transcript"));
    assert_eq!(note.matches(&reply).count(), 1);

    let mut more = Transcript::continuing(id, t.clock());
    more.assistant_text("msg_z", &reply);
    append(&dirs.transcript(id), &more.text());
    let second = Capture::run(&options).unwrap();
    let note = fs::read_to_string(&second.session_file).unwrap();
    assert!(!note.contains("not yet in the transcript"));
    assert_eq!(note.matches(&reply).count(), 1);
}

#[test]
fn parallel_captures_all_land_in_the_index() {
    let dirs = Dirs::new();
    let ids: Vec<String> = (0..8).map(|i| format!("{i:08x}-parallel")).collect();
    for (n, id) in ids.iter().enumerate() {
        let mut t = Transcript::new(id).branch(&format!("feature/{n}"));
        t.user(&format!("task number {n}"))
            .assistant_text("msg", "ok");
        fs::write(dirs.transcript(id), t.text()).unwrap();
    }
    std::thread::scope(|scope| {
        for id in &ids {
            let options = dirs.options(id);
            scope.spawn(move || {
                // Two runs each, to overlap more.
                Capture::run(&options).unwrap();
                Capture::run(&options).unwrap();
            });
        }
    });
    let index = fs::read_to_string(dirs.out().join("Conversations.md")).unwrap();
    assert!(index.contains("**Total sessions indexed**: 8"), "{index}");
    for (n, id) in ids.iter().enumerate() {
        let file = format!("session-2026-08-24-{}.md", &id[..8]);
        assert!(index.contains(&format!("]({file})")), "{file} missing");
        assert!(dirs.out().join(&file).is_file());
        assert!(index.contains(&format!("task number {n}")));
    }
    let leftovers: Vec<_> = fs::read_dir(dirs.out())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // Lock files stay (removing one is how two holders could both get "the" lock), empty
    // and released.
    for entry in fs::read_dir(dirs.state()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "temporary file left: {name}");
        if name.ends_with(".lock") {
            let file = fs::File::open(entry.path()).unwrap();
            assert_eq!(file.metadata().unwrap().len(), 0);
            file.try_lock().unwrap();
        }
    }
}

#[test]
fn missing_or_garbage_transcripts_change_nothing() {
    let dirs = Dirs::new();
    let id = "eeee5555-good";
    fs::write(dirs.transcript(id), Transcript::realistic(id).text()).unwrap();
    Capture::run(&dirs.options(id)).unwrap();
    let before = files_under(&dirs.root);

    // Missing transcript for the same session.
    fs::remove_file(dirs.transcript(id)).unwrap();
    let before_without = files_under(&dirs.root);
    let err = Capture::run(&dirs.options(id)).unwrap_err();
    assert!(matches!(err, CaptureError::Transcript { .. }), "{err:?}");
    assert_eq!(files_under(&dirs.root), before_without);

    // The transcript replaced by garbage (shorter than the saved offset).
    fs::write(dirs.transcript(id), "garbage\n{\"also\": garbage\n").unwrap();
    let before_garbage = files_under(&dirs.root);
    let err = Capture::run(&dirs.options(id)).unwrap_err();
    assert!(
        matches!(err, CaptureError::NoRecords { unparsable: 2, .. }),
        "{err:?}"
    );
    assert_eq!(files_under(&dirs.root), before_garbage);

    // A garbage transcript for another session.
    let other = "ffff6666-garbage";
    fs::write(dirs.transcript(other), [0xff_u8, 0xfe, b'\n', b'x', b'\n']).unwrap();
    let err = Capture::run(&dirs.options(other)).unwrap_err();
    assert!(matches!(err, CaptureError::NoRecords { .. }));
    // The transcript files aside, everything is as it was after the good run.
    let mut after = files_under(&dirs.root);
    after.retain(|p, _| p.extension().is_none_or(|e| e != "jsonl"));
    let mut expected = before;
    expected.retain(|p, _| p.extension().is_none_or(|e| e != "jsonl"));
    assert_eq!(after, expected);
}

#[test]
fn the_index_is_rebuilt_from_the_session_files() {
    let dirs = Dirs::new();
    for id in ["11111111-a", "22222222-b"] {
        let mut t = Transcript::new(id);
        t.user(&format!("work on {id}"));
        fs::write(dirs.transcript(id), t.text()).unwrap();
        Capture::run(&dirs.options(id)).unwrap();
    }
    // The index lost or mangled (a bad merge): the next capture lists every session again.
    fs::write(dirs.out().join("Conversations.md"), "<<<<<<< HEAD\n").unwrap();
    let id = "33333333-c";
    let mut t = Transcript::new(id);
    t.user("third");
    fs::write(dirs.transcript(id), t.text()).unwrap();
    let report = Capture::run(&dirs.options(id)).unwrap();
    assert_eq!(report.indexed, 3);
    let index = fs::read_to_string(report.index_file).unwrap();
    assert!(index.contains("work on 11111111-a") && index.contains("work on 22222222-b"));
    assert!(!index.contains("<<<<<<<"));
    // A session file deleted by hand leaves the index with the next capture.
    fs::remove_file(dirs.out().join("session-2026-08-24-11111111.md")).unwrap();
    let mut more = Transcript::continuing(id, t.clock());
    more.user("fourth");
    append(&dirs.transcript(id), &more.text());
    let report = Capture::run(&dirs.options(id)).unwrap();
    assert_eq!(report.indexed, 2);
}

#[test]
fn hostile_session_ids_stay_inside_the_folders() {
    let dirs = Dirs::new();
    let id = "../../escape";
    let mut t = Transcript::new(id);
    t.user("hello");
    let path = dirs.root.join("hostile.jsonl");
    fs::write(&path, t.text()).unwrap();
    let options = CaptureOptions::new(&path, SessionId::new(id), dirs.out(), dirs.state());
    let report = Capture::run(&options).unwrap();
    assert!(report.session_file.starts_with(dirs.out()));
    assert_eq!(report.session_file.parent().unwrap(), dirs.out());
    assert!(!dirs.root.parent().unwrap().join("escape").exists());
}

#[test]
fn files_touched_lists_only_writes_that_happened() {
    let dirs = Dirs::new();
    let id = "bbbb2222-writes";
    let t = Transcript::writes_and_denials(id);
    fs::write(dirs.transcript(id), t.text()).unwrap();
    let report = Capture::run(&dirs.options(id)).unwrap();
    let note = fs::read_to_string(&report.session_file).unwrap();
    let files = note
        .split("## Files touched (written)\n\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap();
    assert_eq!(
        files.trim(),
        "- `src/edited.rs`\n- `src/written.rs`",
        "{note}"
    );
    assert!(
        note.contains("files: [\"src/edited.rs\", \"src/written.rs\"]"),
        "{note}"
    );
    // The denied, failed, rejected and read calls are still in the thread, as calls.
    assert!(note.contains(".env"), "{note}");
    assert!(note.contains("Safety shield G4"), "{note}");
}

#[test]
fn a_write_whose_result_comes_in_a_later_run_is_listed_then() {
    let dirs = Dirs::new();
    let id = "cccc3333-later";
    let mut t = Transcript::new(id);
    t.user("write it").tool_use(
        "msg_01",
        "toolu_01",
        "Write",
        serde_json::json!({"file_path": "/home/u/proj/src/late.rs", "content": "x"}),
    );
    fs::write(dirs.transcript(id), t.text()).unwrap();
    let first = Capture::run(&dirs.options(id)).unwrap();
    let note = fs::read_to_string(&first.session_file).unwrap();
    assert!(note.contains("files: []"), "no result yet: {note}");
    let mut more = Transcript::continuing(id, t.clock());
    more.tool_result(
        "toolu_01",
        "File created successfully at: /home/u/proj/src/late.rs",
        false,
    );
    append(&dirs.transcript(id), &more.text());
    Capture::run(&dirs.options(id)).unwrap();
    let note = fs::read_to_string(&first.session_file).unwrap();
    assert!(note.contains("files: [\"src/late.rs\"]"), "{note}");
}
