//! Reports: turning diagnostics into text for people and for CI.
//!
//! This module owns the three output formats of a build report: rustc-style
//! source snippets for a terminal ([`Format::Human`], rendered by
//! `annotate-snippets`), one JSON document for tools ([`Format::Json`]), and
//! GitHub Actions workflow commands that become annotations on a pull request
//! ([`Format::Github`]), plus the one-line [`summary`].
//!
//! It must not decide anything: which diagnostics exist, their order, and
//! whether the build fails all belong to the callers. Nor does it print: every
//! function returns a `String`, and writing it somewhere is the caller's job.
//! Rendering never panics, whatever byte offsets a [`Label`] holds.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use std::sync::Arc;

use annotate_snippets::{
    Annotation, AnnotationKind, Group, Level, Origin, Renderer, Snippet, normalize_untrusted_str,
};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Label, Severity, SourceFile};

/// An output format for a list of diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// rustc-style text with source snippets, for people at a terminal.
    Human,
    /// One pretty-printed JSON document, for tools.
    Json,
    /// GitHub Actions workflow commands (`::error file=…::message`), for CI.
    Github,
}

impl Format {
    /// The name used on the command line: `human`, `json` or `github`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Github => "github",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    /// Parses `human`, `json` or `github` (exactly, in lower case).
    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "human" => Ok(Format::Human),
            "json" => Ok(Format::Json),
            "github" => Ok(Format::Github),
            other => Err(format!(
                "unknown report format `{other}` (expected `human`, `json` or `github`)"
            )),
        }
    }
}

/// Renders `diagnostics`, in the order given, in `format`.
///
/// `color` turns on ANSI styling for [`Format::Human`]; the other formats are
/// never styled. Human output separates diagnostics with a blank line and
/// GitHub output puts one command on each line; both end with a newline and
/// are empty when there are no diagnostics. JSON output is always one
/// document, ending with a newline.
///
/// A diagnostic inside a customer's internal `notes` is rendered without the
/// text it quotes (see [`without_notes`]).
pub fn render(diagnostics: &[Diagnostic], format: Format, color: bool) -> String {
    let diagnostics: Cow<'_, [Diagnostic]> = if diagnostics.iter().any(points_into_notes) {
        Cow::Owned(
            diagnostics
                .iter()
                .map(|d| without_notes(d).into_owned())
                .collect(),
        )
    } else {
        Cow::Borrowed(diagnostics)
    };
    match format {
        Format::Human => render_human(&diagnostics, color),
        Format::Json => render_json(&diagnostics),
        Format::Github => render_github(&diagnostics),
    }
}

/// The diagnostic as it may be shown: when it points into a customer's
/// internal `notes`, its message and help lose what they quote from the file
/// (what they put in backticks, such as a key's name), so nothing of the notes
/// is shown anywhere. The place is kept.
pub fn without_notes(diagnostic: &Diagnostic) -> Cow<'_, Diagnostic> {
    if !points_into_notes(diagnostic) {
        return Cow::Borrowed(diagnostic);
    }
    let mut shown = diagnostic.clone();
    shown.message = without_quotes(&shown.message);
    shown.help = shown.help.as_deref().map(without_quotes);
    for label in shown.primary.iter_mut().chain(&mut shown.secondary) {
        label.message = without_quotes(&label.message);
    }
    Cow::Owned(shown)
}

/// Whether a diagnostic's primary place is inside a customer's internal notes.
fn points_into_notes(diagnostic: &Diagnostic) -> bool {
    diagnostic
        .primary
        .as_ref()
        .is_some_and(|label| in_notes(label, &internal_notes(&label.file)))
}

/// `text` with every `` `quoted` `` part replaced by `` `…` ``.
fn without_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are inside backticks; an unpaired last one is dropped too.
        out.push_str(if i % 2 == 1 { "…" } else { part });
    }
    out
}

/// A one-line count of problems: `2 errors, 1 warning`, `1 error`,
/// `3 warnings`, or `no problems`.
pub fn summary(errors: usize, warnings: usize) -> String {
    let count = |n: usize, noun: &str| {
        if n == 1 {
            format!("1 {noun}")
        } else {
            format!("{n} {noun}s")
        }
    };
    match (errors, warnings) {
        (0, 0) => "no problems".to_string(),
        (e, 0) => count(e, "error"),
        (0, w) => count(w, "warning"),
        (e, w) => format!("{}, {}", count(e, "error"), count(w, "warning")),
    }
}

// ---------------------------------------------------------------------------
// Spans

/// A label's byte range made safe to slice and hand to the renderer: inside
/// the file, on character boundaries, and not reversed. [`Label::new`] already
/// guarantees this, but the fields are public, so it is checked again here.
fn span(label: &Label) -> (usize, usize) {
    let text = &label.file.text;
    let start = text.floor_char_boundary(label.start.min(text.len()));
    let end = text.floor_char_boundary(label.end.clamp(start, text.len()));
    (start, end)
}

/// The 1-based line and character column of where a label starts and ends
/// (the end is exclusive: the position just after the range).
fn positions(label: &Label) -> ((usize, usize), (usize, usize)) {
    let (start, end) = span(label);
    (label.file.line_col(start), label.file.line_col(end))
}

// ---------------------------------------------------------------------------
// Human

fn render_human(diagnostics: &[Diagnostic], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for (i, diagnostic) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(renderer.render(&[human_group(diagnostic)]).trim_end());
        out.push('\n');
    }
    out
}

/// One diagnostic as an `annotate-snippets` group: the title, one snippet per
/// file its labels point into (the primary label's file first), then the help.
fn human_group(diagnostic: &Diagnostic) -> Group<'_> {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut group = Group::with_title(
        level
            .primary_title(diagnostic.message.as_str())
            .id(diagnostic.code.as_str()),
    );
    if let Some(primary) = &diagnostic.primary {
        group = human_snippets(group, diagnostic, primary);
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(normalize_untrusted_str(help)));
    }
    group
}

/// The labels of a diagnostic in one file: where that file's internal notes
/// are, and the annotations shown.
struct FileLabels<'a> {
    file: &'a Arc<SourceFile>,
    notes: Vec<Range<usize>>,
    annotations: Vec<Annotation<'a>>,
}

/// Adds one snippet per file the labels point into (the primary label's file
/// first). A label inside a customer's internal notes is left out; for the
/// primary label, its place is shown without the line.
fn human_snippets<'a>(
    mut group: Group<'a>,
    diagnostic: &'a Diagnostic,
    primary: &'a Label,
) -> Group<'a> {
    let mut files: Vec<FileLabels<'a>> = Vec::new();
    let labels = std::iter::once((primary, AnnotationKind::Primary)).chain(
        diagnostic
            .secondary
            .iter()
            .map(|label| (label, AnnotationKind::Context)),
    );
    let mut notes_hidden = false;
    for (label, kind) in labels {
        let index = match files.iter().position(|f| *f.file == label.file) {
            Some(index) => index,
            None => {
                files.push(FileLabels {
                    file: &label.file,
                    notes: internal_notes(&label.file),
                    annotations: Vec::new(),
                });
                files.len() - 1
            }
        };
        let entry = &mut files[index];
        if !in_notes(label, &entry.notes) {
            entry.annotations.push(annotation(label, kind));
            continue;
        }
        notes_hidden = true;
        if kind == AnnotationKind::Primary {
            let (line, column) = label.line_col();
            group = group.element(
                Origin::path(label.file.path.as_str())
                    .line(line)
                    .char_column(column),
            );
        }
    }
    for entry in files {
        if entry.annotations.is_empty() {
            continue;
        }
        group = group.element(
            Snippet::source(snippet_source(entry.file, &entry.notes, diagnostic))
                .path(entry.file.path.as_str())
                .annotations(entry.annotations),
        );
    }
    if notes_hidden {
        group = group.element(
            Level::NOTE.message("lines of the customer's internal `notes` are never shown"),
        );
    }
    group
}

/// The text to show for `file`, with the customer's internal notes blanked out
/// (`hidden`: every character but line breaks becomes spaces, so byte offsets
/// and every other line stay as they were). A label can start at the very end
/// of a file that ends in a line break, on the empty last line;
/// `annotate-snippets` has no such line and would report the end of the line
/// before instead. An extra line break gives it that empty line, so its
/// `path:line:col` agrees with [`SourceFile::line_col`] and the other formats.
fn snippet_source<'a>(
    file: &'a Arc<SourceFile>,
    hidden: &[Range<usize>],
    diagnostic: &Diagnostic,
) -> Cow<'a, str> {
    let text = file.text.as_str();
    let at_end_of_file = |label: &Label| label.file == *file && span(label).0 == text.len();
    let points_past_last_line = text.ends_with('\n')
        && diagnostic
            .primary
            .iter()
            .chain(&diagnostic.secondary)
            .any(at_end_of_file);
    let mut shown = Cow::Borrowed(text);
    if !hidden.is_empty() {
        let mut blanked = String::with_capacity(text.len() + 1);
        let mut from = 0;
        for range in hidden {
            blanked.push_str(&text[from..range.start]);
            for c in text[range.clone()].chars() {
                match c {
                    '\n' | '\r' => blanked.push(c),
                    _ => blanked.extend(std::iter::repeat_n(' ', c.len_utf8())),
                }
            }
            from = range.end;
        }
        blanked.push_str(&text[from..]);
        shown = Cow::Owned(blanked);
    }
    if points_past_last_line {
        shown.to_mut().push('\n');
    }
    shown
}

/// Whether a label lies in or touches one of the `notes` ranges of its file. The
/// end of a file that ends inside the notes is in them too.
fn in_notes(label: &Label, notes: &[Range<usize>]) -> bool {
    let (start, end) = span(label);
    let text_end = label.file.text.len();
    notes.iter().any(|range| {
        (start < range.end && (end > range.start || start >= range.start))
            || (start == text_end && range.end == text_end)
    })
}

/// Where a customer file keeps its internal `notes`: the byte range of each
/// top-level `notes:` key with its value, up to the next line that starts
/// another top-level entry. Those lines are never quoted in a report, the
/// terminal's or `serve`'s overlay. Other files have none.
fn internal_notes(file: &SourceFile) -> Vec<Range<usize>> {
    if !file.path.starts_with("customers/") {
        return Vec::new();
    }
    let text = file.text.as_str();
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut start = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let continues = {
            let trimmed = line.trim_end_matches(['\r', '\n']);
            trimmed.trim().is_empty()
                || trimmed.starts_with([' ', '\t', '#'])
                || trimmed == "-"
                || trimmed.starts_with("- ")
        };
        if !continues {
            if let Some(from) = start.take() {
                ranges.push(from..at);
            }
            if is_notes_key(line) {
                start = Some(at);
            }
        }
        at += line.len();
    }
    if let Some(from) = start {
        ranges.push(from..text.len());
    }
    ranges
}

/// True for a line holding the top-level key `notes` (plain or quoted).
fn is_notes_key(line: &str) -> bool {
    let rest = ["notes", "\"notes\"", "'notes'"]
        .iter()
        .find_map(|key| line.strip_prefix(key));
    rest.and_then(|rest| rest.trim_start_matches([' ', '\t']).strip_prefix(':'))
        .is_some_and(|after| after.is_empty() || after.starts_with([' ', '\t', '\r', '\n']))
}

fn annotation(label: &Label, kind: AnnotationKind) -> Annotation<'_> {
    let (start, end) = span(label);
    let message = (!label.message.is_empty()).then_some(label.message.as_str());
    kind.span(start..end).label(message)
}

// ---------------------------------------------------------------------------
// JSON

/// The version of the JSON document's shape (docs/cli.md). It goes up when a
/// field is removed or changes meaning; new fields may appear without it.
pub const JSON_FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    format_version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    help: Option<&'a str>,
    /// Every label, the primary one first.
    labels: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

impl<'a> JsonLabel<'a> {
    fn new(label: &'a Label) -> JsonLabel<'a> {
        let ((line, column), (end_line, end_column)) = positions(label);
        JsonLabel {
            file: &label.file.path,
            line,
            column,
            end_line,
            end_column,
            message: &label.message,
        }
    }
}

fn render_json(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let report = JsonReport {
        format_version: JSON_FORMAT_VERSION,
        diagnostics: diagnostics.iter().map(json_diagnostic).collect(),
        errors,
        warnings: diagnostics.len() - errors,
    };
    // Serializing these plain structs (strings, numbers, options) cannot fail;
    // should it ever, an empty object is still valid JSON.
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".to_string());
    out.push('\n');
    out
}

fn json_diagnostic(diagnostic: &Diagnostic) -> JsonDiagnostic<'_> {
    let labels: Vec<JsonLabel<'_>> = diagnostic
        .primary
        .iter()
        .chain(&diagnostic.secondary)
        .map(JsonLabel::new)
        .collect();
    let primary = diagnostic.primary.as_ref().and(labels.first());
    JsonDiagnostic {
        severity: diagnostic.severity.as_str(),
        code: diagnostic.code.as_str(),
        message: &diagnostic.message,
        file: primary.map(|l| l.file),
        line: primary.map(|l| l.line),
        column: primary.map(|l| l.column),
        end_line: primary.map(|l| l.end_line),
        end_column: primary.map(|l| l.end_column),
        help: diagnostic.help.as_deref(),
        labels,
    }
}

// ---------------------------------------------------------------------------
// GitHub

fn render_github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str("::");
        out.push_str(diagnostic.severity.as_str());
        let mut properties = Vec::new();
        if let Some(primary) = &diagnostic.primary {
            let ((line, col), (end_line, end_column)) = positions(primary);
            properties.push(format!("file={}", escape_property(&primary.file.path)));
            properties.push(format!("line={line}"));
            properties.push(format!("col={col}"));
            properties.push(format!("endLine={end_line}"));
            properties.push(format!("endColumn={end_column}"));
        }
        properties.push(format!(
            "title={}",
            escape_property(diagnostic.code.as_str())
        ));
        out.push(' ');
        out.push_str(&properties.join(","));
        out.push_str("::");
        out.push_str(&escape_data(&diagnostic.message));
        if let Some(help) = &diagnostic.help {
            out.push_str("%0A");
            out.push_str(&escape_data(&format!("help: {help}")));
        }
        out.push('\n');
    }
    out
}

/// Escapes a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    /// A YAML unknown key, a cycle warning pointing into two files, and an
    /// error with no place in a file.
    fn example() -> Vec<Diagnostic> {
        let yaml = SourceFile::new(
            "playbooks/saas.yaml",
            "title: SaaS onboarding\nsteps:\n  - name: Kickoff\n    ownr: alice\n",
        );
        let page = SourceFile::new(
            "kb/setup.md",
            "# Setup\nSee [kickoff](../playbooks/saas.yaml).\n",
        );
        let key = yaml.text.find("ownr").unwrap_or(0);
        let step = yaml.text.find("Kickoff").unwrap_or(0);
        vec![
            Diagnostic::error(Code::UnknownKey, "unknown key `ownr` in a step")
                .at(Label::new(&yaml, key, key + 4).with_message("not a step key"))
                .help("did you mean `owner`?"),
            Diagnostic::warning(Code::DependencyCycle, "step `Kickoff` depends on itself")
                .at(Label::new(&yaml, step, step + 7).with_message("this step"))
                .also(Label::new(&page, 12, 19).with_message("linked from here")),
            Diagnostic::error(Code::UnreadableFile, "cannot read directory `kb/drafts`")
                .help("check its permissions, 100%"),
        ]
    }

    #[test]
    fn format_parses_its_names() {
        assert_eq!("human".parse(), Ok(Format::Human));
        assert_eq!("json".parse(), Ok(Format::Json));
        assert_eq!("github".parse(), Ok(Format::Github));
        assert!("xml".parse::<Format>().is_err());
        assert!("JSON".parse::<Format>().is_err());
        for format in [Format::Human, Format::Json, Format::Github] {
            assert_eq!(format.to_string().parse(), Ok(format));
        }
    }

    #[test]
    fn summary_counts() {
        assert_eq!(summary(0, 0), "no problems");
        assert_eq!(summary(1, 0), "1 error");
        assert_eq!(summary(2, 0), "2 errors");
        assert_eq!(summary(0, 1), "1 warning");
        assert_eq!(summary(0, 3), "3 warnings");
        assert_eq!(summary(2, 1), "2 errors, 1 warning");
        assert_eq!(summary(1, 2), "1 error, 2 warnings");
    }

    #[test]
    fn human_shows_place_source_caret_and_help() {
        let out = render(&example(), Format::Human, false);
        assert!(out.contains("error[unknown-key]: unknown key `ownr` in a step\n"));
        assert!(out.contains(" --> playbooks/saas.yaml:4:5\n"));
        assert!(out.contains("4 |     ownr: alice\n"));
        assert!(out.contains("  |     ^^^^ not a step key\n"));
        assert!(out.contains("  = help: did you mean `owner`?\n"));
        // The warning shows both files.
        assert!(out.contains("warning[dependency-cycle]: step `Kickoff` depends on itself\n"));
        assert!(out.contains(" --> playbooks/saas.yaml:3:11\n"));
        assert!(out.contains("3 |   - name: Kickoff\n"));
        assert!(out.contains("^^^^^^^ this step"));
        assert!(out.contains(" ::: kb/setup.md:2:5\n"));
        assert!(out.contains("2 | See [kickoff](../playbooks/saas.yaml).\n"));
        assert!(out.contains("------- linked from here"));
        // No primary label: the header and the help only.
        assert!(out.ends_with(
            "error[unreadable-file]: cannot read directory `kb/drafts`\n \
             |\n = help: check its permissions, 100%\n"
        ));
        // A blank line between diagnostics, none doubled, no styling.
        assert_eq!(out.matches("\n\n").count(), 2);
        assert!(!out.contains("\n\n\n"));
        assert!(!out.contains('\x1b'));
    }

    #[test]
    fn human_color_is_optional() {
        let plain = render(&example(), Format::Human, false);
        let styled = render(&example(), Format::Human, true);
        assert!(styled.contains("\x1b["));
        assert!(styled.contains("playbooks/saas.yaml:4:5"));
        assert_ne!(plain, styled);
    }

    #[test]
    fn nothing_to_report() {
        assert_eq!(render(&[], Format::Human, true), "");
        assert_eq!(render(&[], Format::Github, false), "");
        assert_eq!(
            render(&[], Format::Json, false),
            "{\n  \"format_version\": 1,\n  \"diagnostics\": [],\n  \"errors\": 0,\n  \"warnings\": 0\n}\n"
        );
    }

    #[test]
    fn json_is_one_exact_document() {
        let expected = r#"{
  "format_version": 1,
  "diagnostics": [
    {
      "severity": "error",
      "code": "unknown-key",
      "message": "unknown key `ownr` in a step",
      "file": "playbooks/saas.yaml",
      "line": 4,
      "column": 5,
      "end_line": 4,
      "end_column": 9,
      "help": "did you mean `owner`?",
      "labels": [
        {
          "file": "playbooks/saas.yaml",
          "line": 4,
          "column": 5,
          "end_line": 4,
          "end_column": 9,
          "message": "not a step key"
        }
      ]
    },
    {
      "severity": "warning",
      "code": "dependency-cycle",
      "message": "step `Kickoff` depends on itself",
      "file": "playbooks/saas.yaml",
      "line": 3,
      "column": 11,
      "end_line": 3,
      "end_column": 18,
      "help": null,
      "labels": [
        {
          "file": "playbooks/saas.yaml",
          "line": 3,
          "column": 11,
          "end_line": 3,
          "end_column": 18,
          "message": "this step"
        },
        {
          "file": "kb/setup.md",
          "line": 2,
          "column": 5,
          "end_line": 2,
          "end_column": 12,
          "message": "linked from here"
        }
      ]
    },
    {
      "severity": "error",
      "code": "unreadable-file",
      "message": "cannot read directory `kb/drafts`",
      "file": null,
      "line": null,
      "column": null,
      "end_line": null,
      "end_column": null,
      "help": "check its permissions, 100%",
      "labels": []
    }
  ],
  "errors": 2,
  "warnings": 1
}
"#;
        assert_eq!(render(&example(), Format::Json, true), expected);
    }

    #[test]
    fn json_columns_count_characters() {
        let file = SourceFile::new("lao.yaml", "ຊື່: ສະບາຍດີ\n");
        let start = file.text.find("ສະ").unwrap_or(0);
        let d = Diagnostic::error(Code::InvalidValue, "m").at(Label::new(
            &file,
            start,
            file.text.len() - 1,
        ));
        let out = render(&[d], Format::Json, false);
        let value: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
        let d = &value["diagnostics"][0];
        assert_eq!(d["line"], 1);
        assert_eq!(d["column"], 6);
        assert_eq!(d["end_line"], 1);
        assert_eq!(d["end_column"], 13);
    }

    #[test]
    fn github_is_one_exact_command_per_line() {
        let expected = "\
::error file=playbooks/saas.yaml,line=4,col=5,endLine=4,endColumn=9,title=unknown-key::unknown key `ownr` in a step%0Ahelp: did you mean `owner`?
::warning file=playbooks/saas.yaml,line=3,col=11,endLine=3,endColumn=18,title=dependency-cycle::step `Kickoff` depends on itself
::error title=unreadable-file::cannot read directory `kb/drafts`%0Ahelp: check its permissions, 100%25
";
        assert_eq!(render(&example(), Format::Github, true), expected);
    }

    #[test]
    fn github_escapes_data_and_properties() {
        let file = SourceFile::new("a,b:c%.md", "x\n");
        let d = Diagnostic::warning(Code::InvalidValue, "50% done\r\nnext: a, b")
            .at(Label::new(&file, 0, 1))
            .help("use a:b, c");
        assert_eq!(
            render(&[d], Format::Github, false),
            "::warning file=a%2Cb%3Ac%25.md,line=1,col=1,endLine=1,endColumn=2,\
             title=invalid-value::50%25 done%0D%0Anext: a, b%0Ahelp: use a:b, c\n"
        );
    }

    /// Renders `label` in every format and returns the human output.
    fn render_all(label: Label) -> String {
        let d = Diagnostic::error(Code::InvalidValue, "edge case")
            .at(label)
            .help("fix it");
        for format in [Format::Json, Format::Github] {
            assert!(!render(std::slice::from_ref(&d), format, true).is_empty());
        }
        let _ = render(std::slice::from_ref(&d), Format::Human, true);
        render(&[d], Format::Human, false)
    }

    #[test]
    fn human_label_at_end_of_file() {
        let file = SourceFile::new("a.yaml", "a: 1\nb: 2");
        let out = render_all(Label::new(&file, 10, 10).with_message("here"));
        assert!(out.contains("a.yaml:2:5"));
        assert!(out.contains("2 | b: 2\n  |     ^ here\n"));

        // After a final line break the end of the file is on an empty line,
        // in every format.
        let file = SourceFile::new("a.yaml", "a: 1\nb: 2\n");
        let out = render_all(Label::new(&file, 10, 10).with_message("here"));
        assert!(out.contains("a.yaml:3:1"), "{out}");
        assert!(out.contains("3 |\n  | ^ here\n"), "{out}");
        let d = Diagnostic::error(Code::InvalidValue, "m").at(Label::new(&file, 10, 10));
        assert!(render(&[d], Format::Github, false).contains("line=3,col=1,"));
    }

    #[test]
    fn human_empty_file() {
        let file = SourceFile::new("empty.md", "");
        let out = render_all(Label::new(&file, 0, 0).with_message("nothing here"));
        assert!(out.contains("empty.md:1:1"));
        assert!(out.contains("1 |\n  | ^ nothing here\n"), "{out}");
    }

    #[test]
    fn human_zero_length_span() {
        let file = SourceFile::new("a.yaml", "a: 1\nb: 2\n");
        let out = render_all(Label::new(&file, 6, 6).with_message("missing value"));
        assert!(out.contains("a.yaml:2:2"));
        assert!(out.contains("2 | b: 2\n  |  ^ missing value\n"), "{out}");
    }

    #[test]
    fn human_multi_line_span() {
        let file = SourceFile::new("a.yaml", "a: 1\nb: 2\nc: 3\n");
        let out = render_all(Label::new(&file, 2, 12).with_message("this block"));
        assert!(out.contains("a.yaml:1:3"));
        assert!(out.contains("1 |   a: 1\n"), "{out}");
        assert!(out.contains("3 | | c: 3\n"), "{out}");
        assert!(out.contains("|__^ this block"), "{out}");
    }

    #[test]
    fn human_crlf_file() {
        let file = SourceFile::new("win.yaml", "a: 1\r\nbb: 2\r\nc: 3\r\n");
        let out = render_all(Label::new(&file, 6, 8).with_message("key"));
        assert!(out.contains("win.yaml:2:1"));
        assert!(out.contains("2 | bb: 2\n  | ^^ key\n"), "{out}");
        assert!(!out.contains('\r'));

        let out = render_all(Label::new(&file, 3, 15).with_message("across lines"));
        assert!(out.contains("win.yaml:1:4"));
        assert!(!out.contains('\r'));

        let out = render_all(Label::new(&file, file.text.len(), file.text.len()));
        assert!(out.contains("win.yaml:4:1"), "{out}");
        assert!(!out.contains('\r'));
    }

    #[test]
    fn human_multi_byte_text() {
        let lao = SourceFile::new("lao.md", "ຊື່: ສະບາຍດີ\nຂໍ້ຄວາມ: ພາສາລາວ\n");
        let start = lao.text.find("ພາສາ").unwrap_or(0);
        let out = render_all(Label::new(&lao, start, start + "ພາສາ".len()).with_message("word"));
        assert!(out.contains("lao.md:2:10"), "{out}");
        assert!(out.contains("2 | ຂໍ້ຄວາມ: ພາສາລາວ\n"));
        assert!(out.contains("^^^^ word"));

        let hindi = SourceFile::new("hi.md", "नाम: नमस्ते दुनिया\n");
        let start = hindi.text.find("दुनिया").unwrap_or(0);
        let out = render_all(Label::new(&hindi, start, hindi.text.len()).with_message("word"));
        assert!(out.contains("hi.md:1:13"), "{out}");
        assert!(out.contains("1 | नाम: नमस्ते दुनिया\n"));
        assert!(out.contains("^ word"));

        // A line far wider than a terminal is cut around the label.
        let long = format!("k: {}ERR{}\n", "ພາສາ".repeat(60), "दुनिया".repeat(40));
        let long = SourceFile::new("long.md", long);
        let start = long.text.find("ERR").unwrap_or(0);
        let out = render_all(Label::new(&long, start, start + 3).with_message("here"));
        assert!(out.contains("long.md:1:244"), "{out}");
        assert!(out.contains("ERR"));
        assert!(out.contains("^^^ here"));
    }

    #[test]
    fn human_secondary_labels_in_other_files() {
        let a = SourceFile::new("a.yaml", "needs: b\n");
        let b = SourceFile::new("b.yaml", "needs: c\n");
        let c = SourceFile::new("c.yaml", "needs: a\n");
        let d = Diagnostic::error(Code::DependencyCycle, "cycle")
            .at(Label::new(&a, 7, 8).with_message("a needs b"))
            .also(Label::new(&b, 7, 8).with_message("b needs c"))
            .also(Label::new(&c, 7, 8).with_message("c needs a"))
            .also(Label::new(&a, 0, 5));
        let out = render(&[d], Format::Human, false);
        let a_at = out.find(" --> a.yaml:1:8").unwrap_or(usize::MAX);
        let b_at = out.find(" ::: b.yaml:1:8").unwrap_or(usize::MAX);
        let c_at = out.find(" ::: c.yaml:1:8").unwrap_or(usize::MAX);
        assert!(a_at < b_at && b_at < c_at && c_at < usize::MAX, "{out}");
        assert!(out.contains("b needs c") && out.contains("c needs a"));
        assert!(out.contains("-----"), "{out}");
    }

    #[test]
    fn labels_with_bad_offsets_are_clamped() {
        let file = SourceFile::new("hi.md", "नाम: नमस्ते\n");
        let mut label = Label::new(&file, 0, 0);
        for (start, end) in [(1, 5), (9, 2), (100, 200), (5, 1000)] {
            label.start = start;
            label.end = end;
            render_all(label.clone());
        }
    }

    /// Every start and end offset, on character boundaries or not, in files
    /// with the awkward features above, with secondary labels at both ends.
    #[test]
    fn never_panics_on_any_span() {
        let texts = [
            "",
            "\n",
            "\r\n",
            "a",
            "\n\n",
            "a: 1\r\nb:\r\n",
            "ຊື່: ສະບາຍດີ\r\nຂໍ້",
            "नाम:\tनमस्ते\n🚀",
            "foobar\n\n   foobar 🚀",
            "\u{feff}x\0\u{1b}[1m\u{202e}\r",
        ];
        for text in texts {
            let file = SourceFile::new("f.md", text);
            let other = SourceFile::new("g.md", text);
            let len = text.len();
            for start in 0..=len + 1 {
                for end in 0..=len + 1 {
                    let mut primary = Label::new(&file, 0, 0).with_message("p");
                    primary.start = start;
                    primary.end = end;
                    let d = Diagnostic::error(Code::InvalidValue, "fuzz")
                        .at(primary)
                        .also(Label::new(&file, 0, len).with_message("whole"))
                        .also(Label::new(&file, len, len).with_message("end"))
                        .also(Label::new(&other, start, end));
                    let diagnostics = [d];
                    for format in [Format::Json, Format::Github] {
                        let _ = render(&diagnostics, format, false);
                    }
                    let out = render(&diagnostics, Format::Human, false);
                    // The place shown agrees with the other formats.
                    let (line, col) = file.line_col(start);
                    let place = format!(" --> f.md:{line}:{col}\n");
                    assert!(out.contains(&place), "{text:?} {start}..{end}:\n{out}");
                    assert!(!out.contains('\r'), "{text:?} {start}..{end}:\n{out}");
                }
            }
        }
    }

    /// A customer file whose internal notes hold text no report may quote.
    const CUSTOMER: &str = "name: Acme\r\nnotes: |\r\n  RENEWAL AT RISK\r\n  CEO unhappy: \"x\r\n\r\n# kept private\r\nplaybook: onboarding\r\nnotes:\r\n- SECOND NOTES\r\n";

    fn notes_diagnostic(text: &str, needle: &str) -> Diagnostic {
        let file = SourceFile::new("customers/acme.yaml", text);
        let at = text.find(needle).expect("the needle");
        Diagnostic::error(Code::YamlSyntax, "unclosed quote").at(Label::new(&file, at, at + 3))
    }

    /// Issue 17, item 11: `serve`'s overlay (which renders this report) quoted a
    /// customer's internal `notes:` lines when a diagnostic pointed into them.
    /// The place is still given, without the line.
    #[test]
    fn human_never_quotes_a_customers_internal_notes() {
        for (needle, place) in [
            ("\"x", "customers/acme.yaml:4:16"),
            ("SECOND", "customers/acme.yaml:9:3"),
            ("notes:\r\n-", "customers/acme.yaml:8:1"),
        ] {
            let d = notes_diagnostic(CUSTOMER, needle);
            let out = render(&[d], Format::Human, false);
            for secret in ["RENEWAL", "CEO", "SECOND", "kept private"] {
                assert!(!out.contains(secret), "{secret} quoted:\n{out}");
            }
            assert!(out.contains(place), "{place}:\n{out}");
            assert!(out.contains("internal `notes`"), "{out}");
        }
    }

    /// Labels outside the notes keep their snippets; notes lines between them
    /// are blanked, not quoted.
    #[test]
    fn human_quotes_the_lines_around_the_notes() {
        let file = SourceFile::new("customers/acme.yaml", CUSTOMER);
        let name = CUSTOMER.find("Acme").expect("name");
        let playbook = CUSTOMER.find("onboarding").expect("playbook");
        let d = Diagnostic::error(Code::UnknownPlaybook, "no playbook `onboarding`")
            .at(Label::new(&file, playbook, playbook + 10))
            .also(Label::new(&file, name, name + 4).with_message("this customer"))
            .also(Label::new(&file, 0, CUSTOMER.len()).with_message("the whole file"));
        let out = render(&[d], Format::Human, false);
        assert!(out.contains("playbook: onboarding"), "{out}");
        assert!(out.contains("name: Acme"), "{out}");
        for secret in ["RENEWAL", "CEO", "SECOND", "kept private"] {
            assert!(!out.contains(secret), "{secret} quoted:\n{out}");
        }
        assert!(out.contains("customers/acme.yaml:7:11"), "{out}");
    }

    /// A message about a place in the notes can quote them too (a duplicate
    /// key's name): what it quotes is left out, in every format.
    #[test]
    fn messages_about_the_notes_do_not_quote_them() {
        let file = SourceFile::new(
            "customers/acme.yaml",
            "name: A\nnotes:\n  RISKY: 1\n  RISKY: 2\n",
        );
        let at = file.text.rfind("RISKY").expect("the key");
        let d = Diagnostic::error(Code::DuplicateKey, "key `RISKY` appears twice")
            .at(Label::new(&file, at, at + 5).with_message("`RISKY` again"))
            .help("keep one `RISKY`");
        for format in [Format::Human, Format::Json, Format::Github] {
            let out = render(std::slice::from_ref(&d), format, false);
            assert!(!out.contains("RISKY"), "{format}:\n{out}");
            assert!(out.contains("appears twice"), "{format}:\n{out}");
        }
        // Elsewhere in the file, messages are as written.
        let name =
            Diagnostic::error(Code::InvalidValue, "`A` is short").at(Label::new(&file, 6, 7));
        assert_eq!(without_notes(&name).message, "`A` is short");
        assert_eq!(without_quotes("a `b` c `d"), "a `…` c `…");
    }

    #[test]
    fn notes_are_found_in_every_spelling_and_only_in_customer_files() {
        let ranges = |path: &str, text: &str| -> Vec<String> {
            internal_notes(&SourceFile::new(path, text))
                .into_iter()
                .map(|r| text[r].to_string())
                .collect()
        };
        let text = "a: 1\nnotes: x\nb: 2\n\"notes\" :\n  - y\n\nnotes_2: z\n'notes':\n- w\n# c\n";
        assert_eq!(
            ranges("customers/a.yaml", text),
            [
                "notes: x\n",
                "\"notes\" :\n  - y\n\n",
                "'notes':\n- w\n# c\n"
            ]
        );
        assert!(ranges("playbooks/a.yaml", text).is_empty());
        assert!(ranges("customers/a.yaml", "notesy: 1\nnotes:x\n").is_empty());
    }
}
