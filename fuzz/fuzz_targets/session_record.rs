//! The session record reader (`SessionRecord::parse`) on arbitrary text: no panic, every line
//! read or reported, and what was read renders to a record that reads back the same, without
//! warnings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use metalayer_bridge::SessionRecord;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = SessionRecord::parse(&text);
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    assert!(parsed.record.calls.len() + parsed.record.corrections.len() <= lines);
    let again = SessionRecord::parse(&parsed.record.render());
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    assert_eq!(again.record, parsed.record);
});
