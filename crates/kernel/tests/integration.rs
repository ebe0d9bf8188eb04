//! Integration tests of metalayer-kernel.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod integration {
    mod context;
    mod corpus;
    mod embedded;
    mod hook;
    mod lessons;
    mod module_graph;
    mod promote;
    mod secrets;
    mod staging;
    pub(crate) mod support;
}
