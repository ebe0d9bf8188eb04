//! The Codex reader of the bridge on arbitrary lines: the session model forced to the Codex
//! format (as a transcript whose first record is Codex's), read, saved and restored, and
//! rendered, with no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use metalayer_bridge::{Format, Redactor, Session, SessionId, TranscriptReader, render_session};

fuzz_target!(|data: &[u8]| {
    let mut session = Session::new(SessionId::new("fuzz-codex")).with_format(Format::Codex);
    if TranscriptReader::new(data, 0).read_into(&mut session).is_err() {
        return;
    }
    let Ok(json) = serde_json::to_string(&session) else {
        return;
    };
    if serde_json::from_str::<Session>(&json).is_err() {
        panic!("a saved model must load again");
    }
    let _ = render_session(&session, &Redactor::new());
});
