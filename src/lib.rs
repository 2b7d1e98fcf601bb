//! gangway compiles onboarding playbooks (YAML) and a knowledge base (Markdown)
//! into a static client portal: a public help site plus one private portal per
//! customer.
//!
//! The pipeline, one module per stage, each a plain-data pass:
//!
//! | stage | module | in → out |
//! |---|---|---|
//! | load | [`source`] | a directory → [`SourceTree`] (the only reads) |
//! | parse + resolve | `resolve` (with `raw`, `yaml`, `config`) | files → validated `model::Site` |
//! | plan | `plan` (with `calendar`, `offset`, `text`) | playbook × customer → dated plan |
//! | render | `render` (with `markdown`, `raw_html`, `csp`, `locale`, [`ics`]) | site + plans → [`OutputFile`]s |
//! | write | [`output`] | files → the output directory, atomically (the only writes) |
//! | serve | [`serve`] | the pipeline on every change, served from memory with live reload |
//!
//! [`build::compile`] runs load-free stages end to end; the command line
//! (`src/main.rs`) adds reading, writing and reporting. Problems are
//! [`diagnostic::Diagnostic`] values, collected across all stages and rendered by
//! [`report`].

#![warn(missing_docs)]
// Diagnostics are large values on a cold path; boxing them everywhere buys nothing.
#![allow(clippy::result_large_err)]

pub mod actions;
pub mod build;
mod calendar;
mod config;
mod csp;
mod cycles;
pub mod diagnostic;
pub mod digest;
mod html;
pub mod ics;
pub mod ids;
mod incremental;
pub mod ingest;
pub mod init;
mod lang;
mod links;
mod locale;
mod markdown;
mod model;
mod offset;
mod options;
pub mod output;
mod plan;
pub mod privacy;
mod raw;
mod raw_html;
mod render;
pub mod report;
mod resolve;
pub mod roster;
pub mod roster_table;
pub mod schema;
mod seal;
pub(crate) mod search;
pub mod secret;
pub mod serve;
pub mod source;
mod suggest;
mod text;
pub mod translation;
pub mod translations;
mod url;
mod yaml;

/// The most items of a large parallel loop (files, articles, customers) that one
/// task takes at a time. Rayon otherwise splits a loop into a few pieces per
/// thread, and a piece a thread has started cannot be shared: on 2 cores the last
/// quarter of 60,000 files was decoded on one core (0.2 s) while the other waited.
const PAR_CHUNK: usize = 16;

pub use build::{
    BuildOptions, BuildStats, Compiled, DashboardLink, PortalLink, compile, compile_to,
};
pub use output::OutputFile;
pub use secret::Secret;
pub use source::SourceTree;
