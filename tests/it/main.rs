//! gangway's integration tests: one binary, one harness.

#[path = "../harness/mod.rs"]
mod harness;

mod golden;
mod i18n;
mod ics;
mod output;
mod privacy;
mod scale;
mod schedule;
mod schema;
mod serve;
mod unpublished;
