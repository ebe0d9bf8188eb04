//! Integration tests of metalayer-regression-map: one binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod integration {
    mod dialects;
    #[cfg(feature = "git")]
    mod git;
    mod properties;
    #[cfg(feature = "git")]
    mod rows;
    mod snapshots;
    #[cfg(feature = "git")]
    mod staged;
    #[cfg(feature = "git")]
    mod staging;
    mod yaml;
}
