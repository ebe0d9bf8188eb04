//! Snapshots of the rendered session and index, and markdown safety.

use std::fs;

use metalayer_bridge::{
    Capture, CaptureOptions, IndexEntry, Limits, OUTPUT_CHARS, Redactor, Session, SessionId,
    Timestamp, TranscriptReader, file_name, merge, render_index, render_session,
};
use serde_json::json;

use super::builder::Transcript;

fn session_from(t: &Transcript, id: &str) -> Session {
    session_with(t, id, Limits::default())
}

fn session_with(t: &Transcript, id: &str, limits: Limits) -> Session {
    let mut s = Session::new(SessionId::new(id)).with_limits(limits);
    TranscriptReader::new(t.text().as_bytes(), 0)
        .read_into(&mut s)
        .unwrap();
    s
}

#[test]
fn session_markdown_snapshot() {
    let id = "6151b6fd-4a1e-4c1e-9d6e-0123456789ab";
    let s = session_from(&Transcript::realistic(id), id);
    assert_eq!(file_name(&s), "session-2026-08-24-6151b6fd.md");
    insta::assert_snapshot!("session", render_session(&s, &Redactor::new()));
}

#[test]
fn capture_output_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("docs/conversations");
    let state = tmp.path().join(".git/metalayer");
    for (id, branch, prompt) in [
        ("aaaaaaaa-1", "main", "Set up CI | with caching"),
        (
            "bbbbbbbb-2",
            "feat/x",
            "A prompt that is long enough to be cut in the index table because it goes on",
        ),
    ] {
        let mut t = Transcript::new(id).branch(branch);
        t.user(prompt).assistant_text("m", "Done.");
        if id.starts_with('b') {
            // A later session.
            let mut later = Transcript::continuing(id, 86_400).branch(branch);
            later.user(prompt).assistant_text("m", "Done.");
            t = later;
        }
        let path = tmp.path().join(format!("{id}.jsonl"));
        fs::write(&path, t.text()).unwrap();
        let options = CaptureOptions::new(&path, SessionId::new(id), &out, &state)
            .with_now(Timestamp::from_unix_seconds(1_800_000_000));
        Capture::run(&options).unwrap();
    }
    let index = fs::read_to_string(out.join("Conversations.md")).unwrap();
    insta::assert_snapshot!("index", index);
}

#[test]
fn index_entries_merge_and_render() {
    let a = session_from(&Transcript::realistic("aaaa0000-x"), "aaaa0000-x");
    let r = Redactor::new();
    let entry = IndexEntry::from_session(&a, &r);
    let once = merge(Vec::new(), entry.clone());
    assert_eq!(merge(once.clone(), entry), once);
    let text = render_index(&once);
    assert!(text.contains("[aaaa0000](session-2026-08-24-aaaa0000.md)"));
    assert!(text.contains("Fix the failing test in \\`parser.rs\\` \\| and commit"));
}

#[test]
fn transcript_text_cannot_inject_markup() {
    let id = "inject00";
    let mut t = Transcript::new(id);
    t.user("<script>alert(1)</script> | a | b |\nsecond line")
        .tool_use("m1", "t1", "Bash", json!({"command": "echo '```' | cat"}))
        .tool_result("t1", "````\n<img src=x onerror=alert(1)>\n````", false);
    let md = render_session(&session_from(&t, id), &Redactor::new());
    assert!(!md.contains("<script>"));
    // Raw HTML only ever appears inside a code fence, where it is literal text.
    assert_eq!(md.matches("<img").count(), 1);
    assert!(md.contains("&lt;script&gt;"));
    // The tool output's own four-backtick fences sit inside a five-backtick fence.
    assert!(
        md.contains("`````text\n````\n<img src=x onerror=alert(1)>\n````\n`````"),
        "{md}"
    );
    // A table-breaking pipe in the title is escaped.
    assert!(md.contains(r"# &lt;script&gt;alert(1)&lt;/script&gt; \| a \| b \|"));
}

proptest::proptest! {
    /// Whatever a prompt holds (controls, DEL, C1, U+FEFF, U+FFFE, quotes, markup), the
    /// front matter is YAML that reads back with the title and the files as they were
    /// written, and the title heading holds no control character.
    #[test]
    fn front_matter_is_always_yaml(
        prompt in "[a-z \"'<>#:\\\\\u{0}-\u{1f}\u{7f}-\u{9f}\u{feff}\u{fffe}\u{ffff}é]{1,40}",
    ) {
        let id = "yaml0001";
        let mut t = Transcript::new(id);
        t.user(&format!("fix {prompt}"))
            .tool_use("m1", "t1", "Write", json!({"file_path": format!("/p/{prompt}.txt"), "content": "x"}))
            .tool_result("t1", "ok", false);
        let md = render_session(&session_from(&t, id), &Redactor::new());
        let front = md
            .strip_prefix("---\n")
            .and_then(|rest| rest.split_once("\n---\n"))
            .map(|(front, _)| front)
            .unwrap();
        // Every character is one YAML allows in a document as it is (yaml-rust2 reads some
        // that stricter readers such as PyYAML refuse: DEL, C1 controls).
        let refused = front.chars().find(|&c| {
            !(matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
                && c != '\u{feff}')
        });
        proptest::prop_assert!(refused.is_none(), "{refused:?} in\n{front}");
        let docs = yaml_rust2::YamlLoader::load_from_str(front)
            .map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}\n{front}")))?;
        let title = docs[0]["title"].as_str().unwrap_or_default().to_owned();
        proptest::prop_assert!(title.starts_with("fix"), "{front}");
        let heading = md.lines().find(|l| l.starts_with("# ")).unwrap();
        proptest::prop_assert!(!heading.chars().any(char::is_control), "{heading:?}");
    }
}

#[test]
fn long_tool_output_is_shortened() {
    let id = "long0000";
    let mut t = Transcript::new(id);
    let output = "line of output\n".repeat(300);
    t.tool_use("m1", "t1", "Bash", json!({"command": "make"}))
        .tool_result("t1", &output, false);
    let total = output.trim().chars().count();
    let more = |md: &str| -> Option<usize> {
        let (head, _) = md.split_once(" more characters)")?;
        head.rsplit_once("… (")?.1.parse().ok()
    };
    // By default a tool's output keeps its first OUTPUT_CHARS characters (cut at white space)
    // and says how many more there were.
    let md = render_session(&session_from(&t, id), &Redactor::new());
    let left = more(&md).unwrap_or_else(|| panic!("no shortening said: {md}"));
    assert!(
        (total - OUTPUT_CHARS..total - OUTPUT_CHARS + 15).contains(&left),
        "{left}"
    );
    // The policy's limits set it, 0 (None here) keeping the output whole.
    for (limit, kept) in [(Some(100), 100), (Some(10_000), total), (None, total)] {
        let limits = Limits::default().with_output_chars(limit);
        let md = render_session(&session_with(&t, id, limits), &Redactor::new());
        match more(&md) {
            Some(left) => assert!(total - left <= kept && total - left > kept - 15, "{left}"),
            None => assert_eq!(kept, total, "{md}"),
        }
    }
}

#[test]
fn shortened_threads_and_diffs_say_so() {
    let id = "limit000";
    let mut t = Transcript::new(id);
    for n in 0..30 {
        t.user(&format!("prompt {n}"));
    }
    let old = (0..200).map(|i| format!("line {i}\n")).collect::<String>();
    let new = old.replace("line", "row");
    t.tool_use(
        "m1",
        "t1",
        "Edit",
        json!({"file_path": "src/a.rs", "old_string": old, "new_string": new}),
    )
    .tool_result("t1", "The file src/a.rs has been updated.", false);

    let whole = render_session(&session_from(&t, id), &Redactor::new());
    assert!(!whole.contains("earlier items not kept"), "{whole}");
    assert!(whole.contains("prompt 0"), "the first prompt is kept");

    let limits = Limits::default()
        .with_thread_items(Some(5))
        .with_diff_lines(Some(10));
    let md = render_session(&session_with(&t, id, limits), &Redactor::new());
    assert!(
        md.contains(
            "26 earlier items not kept (the policy's `bridge.limits.thread_items` keeps the last 5)"
        ),
        "{md}"
    );
    assert!(
        !md.contains("> prompt 0\n") && md.contains("> prompt 29\n"),
        "{md}"
    );
    let diff_lines = |md: &str| {
        md.lines()
            .filter(|l| l.starts_with("-line ") || l.starts_with("+row "))
            .count()
    };
    // The hunk header is one of the lines.
    assert_eq!(diff_lines(&md), 9, "{md}");
    assert!(md.contains("(391 more diff lines not shown)"), "{md}");
    assert_eq!(diff_lines(&whole), 119, "the default shows 120 lines");
    assert!(whole.contains("(281 more diff lines not shown)"), "{whole}");
    let unlimited = Limits::default().with_diff_lines(None);
    let md = render_session(&session_with(&t, id, unlimited), &Redactor::new());
    assert_eq!(diff_lines(&md), 400, "{md}");
    assert!(!md.contains("more diff lines"), "{md}");
}
