//! The reader and the model over a realistic transcript.

use metalayer_bridge::{Session, SessionId, ThreadItem, ToolOutcome, TranscriptReader};

use super::builder::Transcript;

#[test]
fn realistic_transcript_model() {
    let text = Transcript::realistic("6151b6fd-model").text();
    let mut s = Session::new(SessionId::new("6151b6fd-model"));
    let stats = TranscriptReader::new(text.as_bytes(), 0)
        .read_into(&mut s)
        .unwrap();
    assert_eq!(stats.lines, text.lines().count() as u64);
    assert_eq!(stats.skipped, 1, "file-history-snapshot");
    assert_eq!(stats.unparsable, 1, "the garbage line");
    assert_eq!(stats.resume_offset, text.len() as u64);

    assert_eq!(
        s.turns, 3,
        "noise and tool results are not prompts; a slash command is"
    );
    assert_eq!(s.prompts[1].text.text, "/clear");
    assert_eq!(
        s.prompts[2].text.text, "Now <b>commit</b> it, and open a PR\n[image: image/png, 9 bytes]",
        "the pasted image is noted by type and size"
    );
    assert_eq!(s.branch.as_deref(), Some("main"));
    assert_eq!(s.cwd.as_deref(), Some("/home/u/proj"));
    assert_eq!(s.version.as_deref(), Some("2.1.240"));
    assert_eq!(s.model.as_deref(), Some("claude-sonnet-4-5"));
    assert_eq!(s.summary.as_deref(), Some("Fix parser test"));
    // Six message ids, usage counted once each (msg_01 spans three lines).
    let u = s.usage;
    assert_eq!(
        (u.input, u.output, u.cache_creation, u.cache_read),
        (6 * 4, 6 * 57, 6 * 1200, 6 * 300)
    );
    assert_eq!(s.tool_counts.get("Bash"), Some(&3));
    assert_eq!(s.tool_counts.get("Read"), Some(&1));
    assert_eq!(s.tool_counts.get("Edit"), Some(&1));
    assert_eq!(
        s.files.iter().map(String::as_str).collect::<Vec<_>>(),
        vec!["src/parser.rs"]
    );
    assert_eq!(s.commits.len(), 1);
    assert_eq!(
        (s.commits[0].hash.as_str(), s.commits[0].branch.as_str()),
        ("1a2b3c4", "main")
    );
    assert_eq!(s.commits[0].message, "Fix parser off-by-one");
    assert_eq!(
        s.pull_requests,
        vec!["https://github.com/acme/proj/pull/42"]
    );
    let outcomes: Vec<(String, ToolOutcome)> = s
        .thread
        .iter()
        .filter_map(|item| match item {
            ThreadItem::Tool(call) => Some((call.name.clone(), call.outcome)),
            _ => None,
        })
        .collect();
    assert_eq!(outcomes[0], ("Bash".to_owned(), ToolOutcome::Error));
    assert!(outcomes[1..].iter().all(|(_, o)| *o == ToolOutcome::Ok));
    assert_eq!(
        s.duration_seconds(),
        30 * 16,
        "17 timestamped records, 30 s apart"
    );
}

#[test]
fn reading_in_two_halves_equals_reading_once() {
    let text = Transcript::realistic("halves").text();
    let mut once = Session::new(SessionId::new("halves"));
    TranscriptReader::new(text.as_bytes(), 0)
        .read_into(&mut once)
        .unwrap();
    for cut in [1, text.len() / 3, text.len() / 2, text.len() - 1] {
        let mut s = Session::new(SessionId::new("halves"));
        let first = TranscriptReader::new(&text.as_bytes()[..cut], 0)
            .read_into(&mut s)
            .unwrap();
        // Save and restore the model between the runs, as a capture does.
        let mut s: Session = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        let from = first.resume_offset as usize;
        TranscriptReader::new(&text.as_bytes()[from..], first.resume_offset)
            .read_into(&mut s)
            .unwrap();
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            serde_json::to_value(&once).unwrap(),
            "cut at {cut}"
        );
    }
}

mod arbitrary_input {
    use metalayer_bridge::{Redactor, Session, SessionId, TranscriptReader, render_session};
    use proptest::prelude::*;

    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ -~]{0,40}",
            Just(r#"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text"}]}]}}"#.to_owned()),
            Just(r#"{"type":"assistant","message":{"id":null,"content":"plain","usage":{"input_tokens":-1}}}"#.to_owned()),
            Just(r#"{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t","name":"Bash","input":"not an object"}]}}"#.to_owned()),
            Just(r#"{"type":"user","timestamp":"9999-99-99T99:99:99Z","message":{"content":42}}"#.to_owned()),
            Just(r#"{"type":"summary","summary":null}"#.to_owned()),
        ]
    }

    proptest! {
        #[test]
        fn odd_lines_never_panic(lines in proptest::collection::vec(line(), 0..20)) {
            let text = lines.join("\n");
            let mut s = Session::new(SessionId::new("odd"));
            let stats = TranscriptReader::new(text.as_bytes(), 0).read_into(&mut s).unwrap();
            prop_assert!(stats.resume_offset <= text.len() as u64);
            prop_assert_eq!(stats.lines, text.matches('\n').count() as u64);
            let _ = render_session(&s, &Redactor::new());
        }
    }
}
