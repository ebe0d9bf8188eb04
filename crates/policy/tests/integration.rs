//! Integration tests of metalayer-policy.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod integration {
    mod api;
    mod data;
    mod dialects;
    mod fast_reader;
    mod hostile;
    mod roundtrip;
    mod schema_file;
}
