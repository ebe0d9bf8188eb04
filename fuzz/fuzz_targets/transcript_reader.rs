//! The transcript reader, the session model, redaction and rendering on arbitrary bytes: no
//! panic, and the model survives a save/restore. The input is read in two parts (split at
//! its first byte's value) to exercise resuming at an offset.
#![no_main]

use libfuzzer_sys::fuzz_target;
use metalayer_bridge::{
    IndexEntry, Redactor, Session, SessionId, TranscriptReader, merge, render_index, render_session,
};

fuzz_target!(|data: &[u8]| {
    let split = data.first().map_or(0, |&b| usize::from(b)).min(data.len());
    let mut session = Session::new(SessionId::new("fuzz-session"));
    let Ok(first) = TranscriptReader::new(&data[..split], 0).read_into(&mut session) else {
        return;
    };
    let Ok(json) = serde_json::to_string(&session) else {
        return;
    };
    let Ok(mut session) = serde_json::from_str::<Session>(&json) else {
        panic!("a saved model must load again");
    };
    let resume = usize::try_from(first.resume_offset)
        .unwrap_or(usize::MAX)
        .min(data.len());
    let _ = TranscriptReader::new(&data[resume..], first.resume_offset)
        .with_max_line(4096)
        .read_into(&mut session);
    session.set_last_assistant_message(std::str::from_utf8(data).ok());
    let redactor = Redactor::new();
    let _ = render_session(&session, &redactor);
    let entries = merge(Vec::new(), IndexEntry::from_session(&session, &redactor));
    let _ = render_index(&entries);
});
