//! The `metalayer` binary, run for real.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod integration {
    mod audit;
    mod check;
    mod compare;
    mod distill;
    mod hook;
    mod init;
    mod ledger;
    mod promote;
    mod regression;
    mod scan;
    mod stop;
    mod validate;
}
