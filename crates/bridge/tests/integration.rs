//! Integration tests of metalayer-bridge: transcripts written by a builder, captured into a
//! temporary folder.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod integration {
    pub(crate) mod builder;
    mod capture;
    mod harnesses;
    mod merges;
    pub(crate) mod on_disk;
    mod reading;
    mod records;
    mod redaction;
    mod rendering;
    pub(crate) mod secrets;
    mod subagents;
}
