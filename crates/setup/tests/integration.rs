//! Integration tests of metalayer-setup: `init` and `audit` in real folders and git
//! repositories.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod integration {
    mod audit;
    mod init;
}
