//! Site search without a server: each language's public documents made into an
//! index of static files that a browser reads a few small pieces of per query.
//!
//! - `words`: words of every script (runs of letters, marks and numbers; ICU's
//!   dictionaries for text written without spaces), their normal form (NFKC, lower case, at most 64
//!   chars) and stems (Snowball, where the language has one).
//! - `index`: the documents ([`Doc`], [`Part`]) and their [`Index`]: per term the
//!   documents that hold it, weighted by where (title, heading, keywords, body),
//!   written as a manifest, shards of terms by prefix (split while larger than
//!   24 KB) and one fragment per document, or as one file for a portal.
//! - `query`: a query over those files ([`search`]), the algorithm
//!   `src/theme/static/search.js` follows too: the CLI and the tests use it.
//!
//! Invariants:
//! - The bytes written depend only on the documents, never on their order or on
//!   the threads that tokenised them; [`Index::replace`] gives the bytes a new
//!   index of the same documents would.
//! - Only public documents are given to it: keeping customers' and portals' text
//!   out is the caller's duty (a portal's own index is built from its own
//!   documents and written into the portal).
//! - Terms are made the same way for the index and the query (`words`), and the
//!   query follows the same steps as the browser's script, so both find the same
//!   pages.

mod index;
mod query;
mod words;

#[cfg(test)]
use index::Changed;
pub(crate) use index::{Doc, Index, Part, ReadDoc};
#[cfg(test)]
use index::{POSTING_CAP, SHARD_LIMIT};
pub(crate) use query::search;
#[cfg(test)]
use query::{Found, Hit, QueryError};

#[cfg(test)]
mod tests;
