//! Integration tests of `metalayer-compare`: report readers on fixtures, and whole comparisons
//! in real git repositories with real commands.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod integration {
    mod compare;
    mod reports;
}
