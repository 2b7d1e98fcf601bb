//! `gangway report`: every customer's figures as JSON and CSV, the same as the
//! portals and the dashboard show, with nothing a report must not carry.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::harness::*;

/// Runs `gangway report` on the site in `dir`.
fn report(dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gangway"))
        .args(["report", "--today", TODAY])
        .args(extra)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("GANGWAY_PORTAL_SECRET", TEST_SECRET)
        .env("NO_COLOR", "1")
        .output()
        .expect("run the gangway binary")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

/// An RFC 4180 reader, enough for the report: records of fields.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = vec![];
    let (mut record, mut field) = (vec![], String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "records end in CRLF"),
            (false, '\n') => panic!("a bare line feed ends a record"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            record.push(std::mem::take(&mut field));
            records.push(std::mem::take(&mut record));
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record ends in CRLF"
    );
    records
}

#[test]
fn json_rows_agree_with_every_portals_plan() {
    let site = Site::example();
    let dir = site.on_disk();
    let out = report(dir.path(), &["--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("one JSON document");
    assert_eq!(doc["today"], TODAY);
    let rows = doc["customers"].as_array().expect("customers");
    let build = site.build();
    let customers = site
        .tree()
        .iter()
        .filter(|(path, _)| path.starts_with("customers/") && path.ends_with(".yaml"))
        .count();
    assert_eq!(rows.len(), customers);
    assert!(
        rows.len() >= 5,
        "the example has customers at several stages"
    );
    for row in rows {
        let id = row["customer"].as_str().expect("customer id");
        let plan = build.plan(id);
        assert_eq!(row["go_live_forecast"], plan.0["forecast_end"], "{id}");
        assert_eq!(row["late_days"], plan.0["late_days"], "{id}");
        assert_eq!(row["risk"], plan.0["risk"], "{id}");
        let keys: Vec<&str> = row
            .as_object()
            .expect("a row")
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut columns = gangway::roster_table::COLUMNS.to_vec();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        columns.sort_unstable();
        assert_eq!(
            sorted, columns,
            "JSON fields and CSV columns are the same names"
        );
    }
    let risks: Vec<&str> = rows.iter().filter_map(|r| r["risk"].as_str()).collect();
    assert!(
        risks.contains(&"late") && risks.contains(&"on-track"),
        "{risks:?}"
    );
    // Roll-ups count every customer once, per playbook and per owner.
    for group in ["by_playbook", "by_owner"] {
        let total: u64 = doc[group]
            .as_array()
            .expect(group)
            .iter()
            .map(|g| g["customers"].as_u64().expect("count"))
            .sum();
        assert_eq!(total as usize, rows.len(), "{group}");
    }
}

#[test]
fn csv_is_a_header_and_one_record_per_customer() {
    let site = Site::example();
    let dir = site.on_disk();
    let out = report(dir.path(), &["--format", "csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = read_csv(&stdout(&out));
    assert_eq!(records[0], gangway::roster_table::COLUMNS);
    let json = report(dir.path(), &[]);
    let doc: Value = serde_json::from_str(&stdout(&json)).expect("JSON is the default");
    let rows = doc["customers"].as_array().expect("customers");
    assert_eq!(records.len() - 1, rows.len());
    let column = |name: &str| {
        gangway::roster_table::COLUMNS
            .iter()
            .position(|c| *c == name)
            .expect(name)
    };
    for (record, row) in records[1..].iter().zip(rows) {
        assert_eq!(record.len(), gangway::roster_table::COLUMNS.len());
        assert_eq!(record[column("name")], row["name"].as_str().expect("name"));
        assert_eq!(
            record[column("percent_done")],
            row["percent_done"].to_string()
        );
    }
}

#[test]
fn customer_text_cannot_break_the_csv_nor_become_a_formula() {
    let site = Site::new()
        .edit(
            "customers/acme.yaml",
            "name: Acme Corp",
            "name: '=HYPERLINK(\"http://evil.test\",\"Smith, \"\"Jones\"\"\")'",
        )
        .append(
            "customers/acme.yaml",
            "notes: the renewal is at risk, keep this private\n",
        );
    let dir = site.on_disk();
    let out = report(dir.path(), &["--format", "csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let records = read_csv(&text);
    assert_eq!(records.len(), 2, "{text}");
    assert_eq!(records[1].len(), gangway::roster_table::COLUMNS.len());
    assert_eq!(
        records[1][1],
        "'=HYPERLINK(\"http://evil.test\",\"Smith, \"\"Jones\"\"\")"
    );
    assert!(!text.contains("renewal"), "notes never reach a report");
    let json = stdout(&report(dir.path(), &[]));
    assert!(!json.contains("renewal"));
    assert!(
        !json.contains("p/"),
        "no portal address in a report: {json}"
    );
}

#[test]
fn internal_work_is_counted_but_never_named() {
    let site = Site::new().edit(
        "playbooks/onboarding.yaml",
        "        duration: 2bd\n",
        "        duration: 2bd\n      - id: credit-check\n        title: Secret credit check\n        owner: csm\n        internal: true\n",
    );
    let dir = site.on_disk();
    let out = report(dir.path(), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(!text.contains("Secret credit check"), "{text}");
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(doc["customers"][0]["internal_open"], 1);
    assert_eq!(doc["customers"][0]["tasks_total"], 3);
}

#[test]
fn a_site_with_errors_prints_no_report_and_says_why() {
    let site = Site::new().edit(
        "customers/acme.yaml",
        "playbook: onboarding",
        "playbook: onbording",
    );
    let dir = site.on_disk();
    let out = report(dir.path(), &["--format", "csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("customers/acme.yaml"), "{err}");
    assert!(err.contains("onboarding"), "did you mean: {err}");
}

#[test]
fn report_writes_to_a_file_when_asked() {
    let dir = Site::new().on_disk();
    let target = dir.path().join("report.csv");
    let out = report(dir.path(), &["--format", "csv", "--output", "report.csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(target).expect("the report file");
    assert!(text.starts_with("customer,name,"), "{text}");
    assert!(text.contains("acme,Acme Corp,onboarding,"), "{text}");
}

#[test]
fn report_plans_without_reading_articles() {
    // A broken link in an article stops a build, not a report: the knowledge
    // base is read by name only, and its problems are `check`'s to find.
    let site = Site::new().append("content/kb/setup.md", "\n[gone](missing-page.md)\n");
    assert!(
        !site.build().errors().is_empty(),
        "the build refuses the link"
    );
    let dir = site.on_disk();
    let out = report(dir.path(), &["--format", "csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("acme,Acme Corp,"));
}

#[test]
fn reports_count_unconfirmed_client_reports_and_csat() {
    let site = Site::new()
        .append(
            "customers/acme.yaml",
            "progress:\n  welcome: { status: done, on: 2026-12-01 }\n  setup: { status: blocked, note: waiting, on: 2026-12-03, reported: true, by: \"=cmd|' /C calc'!A0\" }\n",
        )
        .file(
            "feedback/acme.yaml",
            "ratings:\n  - { milestone: live, rating: 4, on: 2026-12-04, comment: \"=SUM(A1)\" }\n  - { milestone: live, rating: 5, on: 2026-12-05 }\n  - { milestone: live, rating: 5, on: 2026-12-06 }\n",
        );
    let dir = site.on_disk();
    let out = report(dir.path(), &["--format", "csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let records = read_csv(&text);
    let column = |name: &str| {
        gangway::roster_table::COLUMNS
            .iter()
            .position(|c| *c == name)
            .expect(name)
    };
    assert_eq!(records[1][column("reported_unconfirmed")], "1");
    assert_eq!(records[1][column("csat_count")], "3");
    // (4 + 5 + 5) / 3 = 4.666…, to two decimals.
    assert_eq!(records[1][column("csat_average")], "4.67");
    // Who reported and what they commented are not in a report.
    assert!(!text.contains("calc") && !text.contains("SUM"), "{text}");
    let doc: Value = serde_json::from_str(&stdout(&report(dir.path(), &[]))).expect("JSON");
    let row = &doc["customers"][0];
    assert_eq!(row["reported_unconfirmed"], 1);
    assert_eq!(row["csat_count"], 3);
    assert_eq!(row["csat_average"], 4.67);
    for rollup in ["by_playbook", "by_owner"] {
        let group = &doc[rollup][0];
        assert_eq!(group["csat_count"], 3, "{rollup}");
        assert_eq!(group["csat_average"], 4.67, "{rollup}");
        assert_eq!(group["reported_unconfirmed"], 1, "{rollup}");
    }
    // Without ratings the average is empty in CSV and null in JSON.
    let plain = Site::new().on_disk();
    let records = read_csv(&stdout(&report(plain.path(), &["--format", "csv"])));
    assert_eq!(records[1][column("csat_average")], "");
    assert_eq!(records[1][column("csat_count")], "0");
}
