//! Fixtures shared by the criterion benchmarks in `benches/benches/`.
//!
//! The benchmarks themselves live in `benches/benches/*.rs`; this library only holds the
//! generators of synthetic inputs (large policies, many paths, long transcripts) so that every
//! benchmark builds its inputs the same way.
#![deny(missing_docs)]
