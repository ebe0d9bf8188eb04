//! The secret detector on arbitrary text, and the rules-file parser on arbitrary TOML: no
//! panic; findings are ordered, never overlap, lie on character boundaries, and their masked
//! form never holds the secret; redaction replaces exactly the findings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use metalayer_bridge::secrets::Detector;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let detector = Detector::new();
    let findings = detector.find(text);
    let mut end = 0;
    for f in &findings {
        let span = f.span();
        assert!(span.start >= end && span.start < span.end && span.end <= text.len());
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        let secret = &text[span.clone()];
        assert!(secret.len() < 5 || !f.masked().contains(secret));
        assert!(f.line() >= 1 && f.column() >= 1);
        end = span.end;
    }
    let redacted = detector.redact(text);
    let markers = redacted.matches("[REDACTED:").count();
    assert!(markers >= findings.len());
    if findings.is_empty() {
        assert_eq!(redacted, text);
    }
    let _ = Detector::builder().rules_toml(text).and_then(|b| b.build());
});
