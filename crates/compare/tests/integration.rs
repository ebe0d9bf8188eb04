//! Integration tests of `metalayer-compare`: report readers on fixtures, and whole comparisons
//! in real git repositories with real commands.

mod integration {
    mod compare;
    mod reports;
}
