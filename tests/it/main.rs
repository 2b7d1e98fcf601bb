//! gangway's integration tests: one binary, one harness.

#[path = "../harness/mod.rs"]
mod harness;

mod actions;
mod architecture;
mod cli;
mod dashboard;
mod digest;
mod feedback;
mod fuzz;
mod git_dates;
mod golden;
mod hostile_markdown;
mod hostile_misc;
mod hostile_output;
mod hostile_urls;
mod hostile_values;
mod i18n;
mod ics;
mod ingest;
mod json_schema;
mod languages;
mod layout;
mod migrate;
mod mistakes;
mod output;
mod plans_only;
mod privacy;
mod report;
mod scale;
mod schedule;
mod schema;
mod search;
mod serve;
mod text_sandbox;
mod timeline;
mod translations;
mod unpublished;
mod workflow;
