//! The roster as a table for spreadsheets and CI (`gangway report`): every
//! customer's row as JSON (with the roll-ups per playbook and per owner) or as
//! CSV.
//!
//! The rows come from [`crate::roster`], the same figures the vendor's dashboard
//! shows. Both forms hold customer names and the vendor's owners, never a
//! portal's address (reports end up in CI logs, which are often readable by
//! more people than the portals are), never a customer's `notes:` (the model
//! does not hold them), never the text of an internal task.
//!
//! Besides the plan's figures, each row counts what the client said: tasks
//! reported from the portal and not yet confirmed (`reported_unconfirmed`),
//! and milestone ratings (`csat_count`, `csat_average` to two decimals, empty
//! without ratings); the roll-ups carry the same per playbook and per owner.
//! Comments are not in reports.
//!
//! CSV follows RFC 4180 (CRLF line ends, fields with a comma, a quote or a line
//! break quoted, quotes doubled). A text field that a spreadsheet would read as
//! a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is
//! written with a leading `'`, because customer names are untrusted text and a
//! report is made to be opened in a spreadsheet (OWASP's advice on CSV
//! injection). Numbers and dates are never changed.

use jiff::civil::Date;
use serde::Serialize;

use crate::roster::{CustomerRow, RollUp, roll_up};

/// The columns of the CSV form, in order; the same names as the JSON fields.
pub const COLUMNS: [&str; 30] = [
    "customer",
    "name",
    "playbook",
    "playbook_title",
    "owner_role",
    "owner_name",
    "owner_email",
    "percent_done",
    "tasks_done",
    "tasks_total",
    "internal_open",
    "overdue",
    "blocked",
    "next_milestone",
    "next_milestone_title",
    "next_milestone_planned",
    "next_milestone_forecast",
    "kickoff",
    "go_live_planned",
    "go_live_forecast",
    "late_days",
    "risk",
    "days_since_kickoff",
    "finished",
    "encrypted",
    "days_to_go_live",
    "open_tasks",
    "reported_unconfirmed",
    "csat_count",
    "csat_average",
];

/// One field: text a spreadsheet must not evaluate, or a number, date or flag.
enum Cell<'a> {
    Text(&'a str),
    Value(String),
}

fn text(value: &Option<String>) -> Cell<'_> {
    Cell::Text(value.as_deref().unwrap_or_default())
}

fn date(value: Option<Date>) -> Cell<'static> {
    Cell::Value(value.map(|d| d.to_string()).unwrap_or_default())
}

fn number(value: impl ToString) -> Cell<'static> {
    Cell::Value(value.to_string())
}

/// A row's fields in [`COLUMNS`] order.
fn cells(row: &CustomerRow) -> [Cell<'_>; COLUMNS.len()] {
    [
        Cell::Text(&row.customer),
        Cell::Text(&row.name),
        Cell::Text(&row.playbook),
        Cell::Text(&row.playbook_title),
        text(&row.owner_role),
        text(&row.owner_name),
        text(&row.owner_email),
        number(row.percent_done),
        number(row.tasks_done),
        number(row.tasks_total),
        number(row.internal_open),
        number(row.overdue),
        number(row.blocked),
        text(&row.next_milestone),
        text(&row.next_milestone_title),
        date(row.next_milestone_planned),
        date(row.next_milestone_forecast),
        date(Some(row.kickoff)),
        date(Some(row.go_live_planned)),
        date(Some(row.go_live_forecast)),
        number(row.late_days),
        Cell::Value(row.risk.to_string()),
        number(row.days_since_kickoff),
        number(row.finished),
        number(row.encrypted),
        Cell::Value(
            row.days_to_go_live()
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        number(row.open_tasks()),
        number(row.reported_unconfirmed),
        number(row.csat_count),
        Cell::Value(row.csat_average.map(|a| a.to_string()).unwrap_or_default()),
    ]
}

/// The rows as CSV: a header line of [`COLUMNS`], then one record per row.
pub fn csv(rows: &[CustomerRow]) -> String {
    let mut out = String::new();
    push_record(&mut out, COLUMNS.iter().map(|c| Cell::Value(c.to_string())));
    for row in rows {
        push_record(&mut out, cells(row).into_iter());
    }
    out
}

fn push_record<'a>(out: &mut String, cells: impl Iterator<Item = Cell<'a>>) {
    for (n, cell) in cells.enumerate() {
        if n > 0 {
            out.push(',');
        }
        match cell {
            Cell::Text(t) => push_field(out, t, formula_like(t)),
            Cell::Value(v) => push_field(out, &v, false),
        }
    }
    out.push_str("\r\n");
}

/// Whether a spreadsheet would read text as a formula.
fn formula_like(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn push_field(out: &mut String, field: &str, neutralise: bool) {
    let quoted = neutralise || field.contains([',', '"', '\r', '\n']);
    if quoted {
        out.push('"');
    }
    if neutralise {
        out.push('\'');
    }
    for c in field.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quoted {
        out.push('"');
    }
}

/// The JSON form: the day, every row, and the roll-ups.
#[derive(Serialize)]
struct Report<'a> {
    today: String,
    customers: Vec<JsonRow<'a>>,
    by_playbook: Vec<RollUp>,
    by_owner: Vec<RollUp>,
}

/// A row with the figures derived from it, as CSV has them.
#[derive(Serialize)]
struct JsonRow<'a> {
    #[serde(flatten)]
    row: &'a CustomerRow,
    days_to_go_live: Option<i64>,
    open_tasks: usize,
}

/// The rows as one JSON document (pretty-printed, ending with a line break):
/// `today`, `customers` (the rows), `by_playbook` and `by_owner` (the roll-ups).
pub fn json(rows: &[CustomerRow], today: Date) -> String {
    let report = Report {
        today: today.to_string(),
        customers: rows
            .iter()
            .map(|row| JsonRow {
                row,
                days_to_go_live: row.days_to_go_live(),
                open_tasks: row.open_tasks(),
            })
            .collect(),
        by_playbook: roll_up(rows, |r| (r.playbook.clone(), r.playbook_title.clone())),
        by_owner: roll_up(rows, |r| {
            (r.owner_key(), r.owner_name.clone().unwrap_or_default())
        }),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_separators_are_quoted_and_quotes_doubled() {
        let mut out = String::new();
        push_field(&mut out, "Smith, \"Jones\"\nLtd", false);
        assert_eq!(out, "\"Smith, \"\"Jones\"\"\nLtd\"");
        let mut plain = String::new();
        push_field(&mut plain, "Acme Ltd", false);
        assert_eq!(plain, "Acme Ltd");
    }

    #[test]
    fn text_a_spreadsheet_would_evaluate_is_neutralised() {
        for evil in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx"] {
            let mut out = String::new();
            push_record(&mut out, [Cell::Text(evil)].into_iter());
            assert!(out.starts_with("\"'"), "{evil:?} gave {out:?}");
        }
        let mut number = String::new();
        push_record(&mut number, [Cell::Value("-3".into())].into_iter());
        assert_eq!(number, "-3\r\n");
    }
}
