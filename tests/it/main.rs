//! gangway's integration tests: one binary, one harness.

#[path = "../harness/mod.rs"]
mod harness;

mod scratch;
