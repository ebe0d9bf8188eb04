//! The `metalayer` binary, run for real.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod integration {
    mod check;
    mod hook;
    mod ledger;
    mod regression;
    mod stop;
    mod validate;
}
