//! The ticket parser and the criterion compiler on arbitrary markdown: no panic, every
//! criterion's text is a task-list item of the ticket, and compiling is deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use metalayer_compare::{Criterion, Ticket, find_bound};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ticket = Ticket::parse(text);
    let measures = ["login_load_seconds", "p95_latency_ms"];
    let criteria = ticket.criteria(measures);
    assert_eq!(criteria.len(), ticket.items().len());
    for (c, item) in criteria.iter().zip(ticket.items()) {
        assert_eq!(&c.text, item);
        assert_eq!(Criterion::compile(item, measures), *c);
    }
    let _ = find_bound(&text.to_lowercase());
});
