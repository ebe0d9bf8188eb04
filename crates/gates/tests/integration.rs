//! Integration tests of metalayer-gates.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod integration {
    mod normalize_cases;
    mod normalize_props;
    mod set_props;
}
