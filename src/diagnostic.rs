//! Diagnostics as data: what went wrong, where, and how to fix it.
//!
//! Every stage returns its findings as [`Diagnostic`] values collected in a
//! [`Diagnostics`] list instead of failing on the first problem, so one run shows an
//! author every problem. Rendering them for people or machines lives in
//! [`crate::report`]; nothing here prints.

use std::fmt;
use std::sync::Arc;

mod code;

pub use code::{Code, reference_markdown};

/// How serious a diagnostic is. Errors fail the build; warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The site cannot be built as written.
    Error,
    /// Something is probably wrong, but the site can be built.
    Warning,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A loaded text file that diagnostics can point into.
///
/// Shared by reference counting so diagnostics stay cheap to clone and can be
/// rendered long after the stage that produced them.
#[derive(Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The path relative to the site root, with `/` separators (`playbooks/saas.yaml`).
    pub path: String,
    /// The whole text of the file.
    pub text: String,
}

impl SourceFile {
    /// Makes a shareable source file.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            path: path.into(),
            text: text.into(),
        })
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    /// The byte offset of a 1-based line and column (in characters), clamped to the file.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let mut start = 0;
        for _ in 1..line.max(1) {
            match self.text[start..].find('\n') {
                Some(i) => start += i + 1,
                None => return self.text.len(),
            }
        }
        let line_text = self.text[start..].split('\n').next().unwrap_or("");
        let within: usize = line_text
            .chars()
            .take(column.saturating_sub(1))
            .map(char::len_utf8)
            .sum();
        start + within
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A byte range in a source file, with a message shown beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The file the range is in.
    pub file: Arc<SourceFile>,
    /// Start byte offset (inclusive).
    pub start: usize,
    /// End byte offset (exclusive); equal to `start` for a point.
    pub end: usize,
    /// Text shown at the range; may be empty.
    pub message: String,
}

impl Label {
    /// A label over `start..end` in `file`.
    pub fn new(file: &Arc<SourceFile>, start: usize, end: usize) -> Label {
        let len = file.text.len();
        let start = floor_char_boundary(&file.text, start.min(len));
        let end = floor_char_boundary(&file.text, end.clamp(start, len));
        Label {
            file: Arc::clone(file),
            start,
            end,
            message: String::new(),
        }
    }

    /// Sets the text shown at the range.
    pub fn with_message(mut self, message: impl Into<String>) -> Label {
        self.message = message.into();
        self
    }

    /// The 1-based line and column where the range starts.
    pub fn line_col(&self) -> (usize, usize) {
        self.file.line_col(self.start)
    }
}

/// One problem found in a site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code naming the kind of problem (`unknown-key`, `dependency-cycle`).
    /// Tests and tools match on it; the message may change.
    pub code: Code,
    /// One sentence saying what is wrong.
    pub message: String,
    /// Where it is wrong. `None` only for problems with no place in a file
    /// (an unreadable directory, say).
    pub primary: Option<Label>,
    /// Other places that explain the problem (the other end of a cycle, the first definition).
    pub secondary: Vec<Label>,
    /// How to fix it, when that can be said.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error.
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    /// A new warning.
    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Points the diagnostic at a place.
    pub fn at(mut self, label: Label) -> Diagnostic {
        self.primary = Some(label);
        self
    }

    /// Adds another place that explains the problem.
    pub fn also(mut self, label: Label) -> Diagnostic {
        self.secondary.push(label);
        self
    }

    /// Adds a line saying how to fix the problem.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds the help line "did you mean `x`?" when one of `candidates` is close to
    /// `word` (the misspelt name); otherwise leaves the diagnostic as it is.
    pub fn suggest<'a>(
        self,
        word: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        match crate::suggest::hint(word, candidates) {
            Some(hint) => self.help(hint),
            None => self,
        }
    }

    /// `path:line:column` of the primary place, or `None`.
    pub fn location(&self) -> Option<(String, usize, usize)> {
        self.primary.as_ref().map(|label| {
            let (line, column) = label.line_col();
            (label.file.path.clone(), line, column)
        })
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((path, line, column)) = self.location() {
            write!(f, "{path}:{line}:{column}: ")?;
        }
        write!(
            f,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        )
    }
}

/// How a problem found while planning one customer starts its message
/// (`for customer `acme`: ...`): the same problem of many customers, in text
/// they share, is reported once ([`merge_customers`]).
pub const FOR_CUSTOMER: &str = "for customer `";

/// At most this many customers are named when one problem is theirs.
const CUSTOMERS_NAMED: usize = 3;

/// The customer and the rest of the message of a diagnostic made for one customer.
fn for_customer(d: &Diagnostic) -> Option<(&str, &str)> {
    let rest = d.message.strip_prefix(FOR_CUSTOMER)?;
    rest.split_once("`: ")
}

/// Joins the diagnostics (sorted, adjacent) that are the same problem at the same
/// place for different customers into one naming the first few customers and
/// how many there are.
fn merge_customers(items: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::with_capacity(items.len());
    let mut groups: Vec<Vec<String>> = Vec::with_capacity(items.len());
    for d in items {
        let same = out.last().is_some_and(|last| {
            let (Some((_, a)), Some((_, b))) = (for_customer(last), for_customer(&d)) else {
                return false;
            };
            a == b
                && last.code == d.code
                && last.severity == d.severity
                && last.help == d.help
                && last.secondary == d.secondary
                && last
                    .primary
                    .as_ref()
                    .map(|l| (&l.file.path, l.start, l.end))
                    == d.primary.as_ref().map(|l| (&l.file.path, l.start, l.end))
        });
        let who = for_customer(&d).map(|(who, _)| who.to_string());
        if same && let (Some(group), Some(who)) = (groups.last_mut(), &who) {
            group.push(who.clone());
            continue;
        }
        groups.push(who.into_iter().collect());
        out.push(d);
    }
    for (d, group) in out.iter_mut().zip(&groups) {
        if group.len() < 2 {
            continue;
        }
        let Some((_, rest)) = for_customer(d) else {
            continue;
        };
        let named: Vec<String> = group
            .iter()
            .take(CUSTOMERS_NAMED)
            .map(|c| format!("`{c}`"))
            .collect();
        let more = group.len().saturating_sub(CUSTOMERS_NAMED);
        let list = if more > 0 {
            format!("{} and {more} more", named.join(", "))
        } else {
            named.join(", ")
        };
        d.message = format!("for {} customers ({list}): {rest}", group.len());
    }
    out
}

/// The diagnostics a stage found, in the order found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds each of `diagnostics`, in order.
    pub fn push_all(&mut self, diagnostics: Vec<Diagnostic>) {
        self.items.extend(diagnostics);
    }

    /// Adds all diagnostics of another list.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// The number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics in a stable order: by file, then position, then code,
    /// so reports do not depend on the order files were read or threads finished.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.primary
                    .as_ref()
                    .map(|l| (l.file.path.clone(), l.start))
                    .unwrap_or_default()
            };
            key(a)
                .cmp(&key(b))
                .then(a.severity.cmp(&b.severity))
                .then(a.code.as_str().cmp(b.code.as_str()))
                .then(a.message.cmp(&b.message))
        });
        self.items.dedup();
        merge_customers(self.items)
    }

    /// Iterates in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics { items }
    }
}
/// Where something was written, for diagnostics: a span of a source file.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub file: Arc<SourceFile>,
    pub start: usize,
    pub end: usize,
}

impl Origin {
    /// The whole span.
    pub fn label(&self) -> Label {
        Label::new(&self.file, self.start, self.end)
    }

    /// A label at line `line` (1-based) of the text written here; the whole
    /// text when the line is unknown.
    pub(crate) fn line_label(&self, line: Option<usize>) -> Label {
        let file = &self.file;
        let written = &file.text[self.start..];
        let Some(line) = line.filter(|&l| l > 1 || written.starts_with(['|', '>'])) else {
            return self.label();
        };
        // Block scalars (`|`, `>`) start on the line after the indicator.
        let (start_line, _) = file.line_col(self.start);
        let skip = if written.starts_with(['|', '>']) {
            line
        } else {
            line - 1
        };
        let offset = file.offset_of(start_line + skip, 1);
        let rest = &file.text[offset..];
        let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let end = rest.find('\n').map_or(file.text.len(), |i| offset + i);
        Label::new(file, offset + indent, end.max(offset + indent))
    }
}
