//! The report from a model fed known polls: what it lists, that its JSON matches the
//! committed schema, and that server text cannot inject Markdown into a ticket.

use std::sync::Arc;
use std::time::Duration;

use super::build::{Origin, Report, build};
use super::render::{markdown, text};
use crate::analysis::model::{Model, ModelSettings};
use crate::monitor::snapshot::test_support::*;
use crate::monitor::snapshot::{SessionState, Snapshot, WaitEventType};

/// Two polls 10 s apart: a lock chain under pid 100 whose waiter waits on a row, a query
/// running for 45 s (critical from 30 s) from an application with Markdown in its name,
/// and one statement that ran 20 times in between.
fn polls() -> (Snapshot, Snapshot) {
    let poll = |t: u64, calls: i64| {
        let mut snapshot = snapshot_at(t);
        let mut sessions = blocking_chain(1);
        sessions[1].state = Some(SessionState::Active);
        sessions[1].wait_event_type = Some(WaitEventType::Lock);
        sessions[1].wait_event = Some("transactionid".into());
        sessions[1].query = "UPDATE hot SET id = 1".into();
        let mut slow = session(200);
        slow.state = Some(SessionState::Active);
        slow.query_age = Some(Duration::from_secs(35 + t));
        slow.xact_age = Some(Duration::from_secs(90 + t));
        slow.query = "SELECT pg_sleep(600) | x".into();
        slow.application = "[evil](http://x) *app*".into();
        sessions.push(slow);
        snapshot.activity = Ok(sessions);
        if let Ok(statements) = &mut snapshot.statements {
            statements.counters = Arc::new(vec![stmt(7).calls(calls).exec_ms(calls as f64 * 2.0)]);
            statements.texts =
                Arc::new([(key(7), Arc::from("SELECT * FROM t WHERE id = $1"))].into());
        }
        snapshot
    };
    (poll(0, 100), poll(10, 120))
}

fn report() -> Report {
    let (first, last) = polls();
    let mut model = Model::new(ModelSettings::new(Duration::from_secs(1)));
    model.absorb(first.clone());
    model.absorb(last);
    build(
        &model,
        Some(&first),
        &Origin {
            kind: "live",
            target: "postgres@db1:5432/app",
            now: at(11),
        },
    )
}

#[test]
fn the_report_names_the_chain_the_critical_query_and_the_window_statements() {
    let report = report();
    assert!(report.critical, "a query running 45 s is critical");
    assert!(
        report
            .alerts
            .iter()
            .any(|a| a.level == "critical" && a.metric == "long-running query"),
        "{:?}",
        report.alerts
    );
    let chain: Vec<(i32, usize, usize)> = report
        .blocking
        .iter()
        .map(|b| (b.pid, b.depth, b.blocks))
        .collect();
    assert_eq!(chain, [(100, 0, 1), (101, 1, 0)]);
    assert_eq!(report.top_statements.len(), 1);
    assert_eq!(
        report.top_statements[0].calls, 20,
        "the window's calls, not the total"
    );
    assert_eq!(report.top_statements[0].total_ms, 40.0);
    assert_eq!(report.source.polls, 2);
    let events: Vec<&str> = report
        .wait_load
        .events
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert!(events.contains(&"Lock:transactionid"), "{events:?}");
    assert_eq!(report.long_transactions[0].pid, 200);
}

#[test]
fn the_json_form_matches_the_committed_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../schemas/report.schema.json"))
            .expect("the schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema is a valid JSON Schema");
    let value = serde_json::to_value(report()).expect("the report serializes");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{value:#}");
    // The schema is strict: a field the schema does not know fails.
    let mut extra = value.clone();
    extra["unexpected"] = serde_json::json!(1);
    assert!(!validator.is_valid(&extra));
}

#[test]
fn server_text_cannot_add_links_or_cells_to_the_markdown() {
    let out = markdown(&report());
    assert!(out.contains(r"\[evil\](http://x) \*app\*"), "{out}");
    assert!(out.contains(r"SELECT pg\_sleep(600) \| x"), "{out}");
    assert!(!out.contains("[evil](http"), "{out}");
    assert!(
        out.contains("CRITICAL: 1 critical alert(s) active"),
        "{out}"
    );
}

#[test]
fn the_text_form_aligns_its_columns_and_says_what_is_empty() {
    let out = text(&report());
    assert!(out.contains("Blocking tree\n============="), "{out}");
    assert!(out.contains("no standby streams from this server"), "{out}");
    let header = out
        .lines()
        .find(|l| l.trim_start().starts_with("pid") && l.contains("blocks"))
        .unwrap_or_default();
    let row = out
        .lines()
        .find(|l| l.trim_start().starts_with("100 "))
        .unwrap_or_default();
    // The blocks column starts where its header does: the first figure after the pid.
    let after_pid = row.find("100").map(|i| i + 3).unwrap_or(0);
    let figure = row[after_pid..]
        .find(|c: char| c != ' ')
        .map(|i| i + after_pid);
    assert_eq!(header.find("blocks"), figure, "{header}\n{row}");
}
