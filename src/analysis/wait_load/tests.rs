use std::time::{Duration, SystemTime};

use super::*;
use crate::monitor::snapshot::test_support::session;
use crate::monitor::snapshot::{BackendType, Session, SessionState, WaitEventType};

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + secs)
}

fn active(pid: i32, query: &str) -> Session {
    let mut s = session(pid);
    s.state = Some(SessionState::Active);
    s.query = query.to_string();
    s
}

fn waiting(pid: i32, query: &str, kind: WaitEventType, event: &str) -> Session {
    let mut s = active(pid, query);
    s.wait_event_type = Some(kind);
    s.wait_event = Some(event.to_string());
    s
}

#[test]
fn only_sessions_doing_work_are_counted() {
    let mut idle_in_tx = session(3);
    idle_in_tx.state = Some(SessionState::IdleInTransaction);
    let mut walsender = active(4, "");
    walsender.backend_type = BackendType::Walsender;
    let mut checkpointer = active(5, "");
    checkpointer.backend_type = BackendType::Checkpointer;
    let mut vacuum = active(6, "autovacuum: VACUUM public.t");
    vacuum.backend_type = BackendType::AutovacuumWorker;
    let mut hidden = session(7);
    hidden.state = None;
    let sessions = [
        active(1, "SELECT 1"),
        session(2),
        idle_in_tx,
        walsender,
        checkpointer,
        vacuum,
        hidden,
    ];
    let counted: Vec<i32> = sessions
        .iter()
        .filter(|s| is_sampled(s))
        .map(|s| s.pid)
        .collect();
    assert_eq!(counted, [1, 6]);
}

#[test]
fn the_chart_total_is_the_number_of_active_sessions_each_poll() {
    let mut load = WaitLoad::default();
    // Poll 1: two on CPU, one waiting for a row lock. Poll 2: one on CPU.
    load.record(
        at(0),
        &[
            active(1, "SELECT a"),
            active(2, "SELECT a"),
            waiting(3, "UPDATE t", WaitEventType::Lock, "transactionid"),
            session(4),
        ],
    );
    load.record(at(1), &[active(1, "SELECT a"), session(4)]);
    let columns = load.columns(at(0) - Duration::from_secs(1), at(1), 2);
    let totals: Vec<f64> = columns
        .iter()
        .map(|c| c.map(|c| c.iter().sum()).unwrap_or(-1.0))
        .collect();
    assert_eq!(totals, [3.0, 1.0]);
    let first = columns[0].unwrap_or_default();
    assert_eq!(first[WaitClass::Cpu.index()], 2.0);
    assert_eq!(first[WaitClass::Lock.index()], 1.0);

    let breakdown = load.breakdown(at(0) - Duration::from_secs(1), at(1), 10);
    assert_eq!(breakdown.samples, 2);
    assert_eq!(breakdown.sessions_sampled, 4);
    assert_eq!(breakdown.average_sessions(), 2.0);
    let events: Vec<(&str, f64)> = breakdown
        .events
        .iter()
        .map(|r| (&*r.label, r.average_sessions))
        .collect();
    assert_eq!(events, [("CPU", 1.5), ("Lock:transactionid", 0.5)]);
    assert_eq!(breakdown.statements[0].label.as_ref(), "SELECT a");
    assert_eq!(breakdown.statements[0].share, 0.75);
    assert_eq!(breakdown.statements[1].class, WaitClass::Lock);
}

#[test]
fn a_slice_with_no_poll_is_a_gap_not_zero_load() {
    let mut load = WaitLoad::default();
    load.record(at(1), &[active(1, "SELECT 1")]);
    load.record(at(10), &[active(1, "SELECT 1")]);
    let columns = load.columns(at(0), at(10), 10);
    assert!(columns[0].is_some());
    assert!(columns[1..9].iter().all(Option::is_none));
    assert!(columns[9].is_some());
}

#[test]
fn statements_group_by_query_id_when_there_is_one_else_by_text() {
    let mut load = WaitLoad::default();
    let mut first = active(1, "SELECT * FROM t WHERE id = $1");
    first.query_id = Some(42);
    let mut second = active(2, "SELECT * FROM t WHERE id = 7");
    second.query_id = Some(42);
    load.record(
        at(0),
        &[first, second, active(3, "SELECT 1"), active(4, "SELECT 2")],
    );
    let statements = load
        .breakdown(at(0) - Duration::from_secs(1), at(0), 10)
        .statements;
    assert_eq!(statements.len(), 3);
    assert_eq!(statements[0].average_sessions, 2.0);
    assert_eq!(
        statements[0].label.as_ref(),
        "SELECT * FROM t WHERE id = $1"
    );
}

#[test]
fn an_hour_is_kept_and_what_no_sample_names_is_forgotten() {
    let mut load = WaitLoad::default();
    // Texts without a query id: every one distinct, as literals make them before 14.
    for second in 0..10_000u64 {
        load.record(at(second), &[active(1, &format!("SELECT {second}"))]);
    }
    let (oldest, newest) = load.span().unwrap_or((at(0), at(0)));
    assert_eq!(newest, at(9_999));
    assert_eq!(newest.duration_since(oldest).ok(), Some(KEEP));
    let breakdown = load.breakdown(oldest - Duration::from_secs(1), newest, 3);
    assert_eq!(breakdown.samples, 3601);
    // Compaction kept every text still sampled, each under its own number.
    assert_eq!(breakdown.statements[0].average_sessions, 1.0 / 3601.0);
    let labels: Vec<&str> = breakdown.statements.iter().map(|r| &*r.label).collect();
    assert!(
        labels.iter().all(|l| l.starts_with("SELECT ")),
        "{labels:?}"
    );
    let newest_text = load
        .breakdown(newest - Duration::from_secs(1), newest, 1)
        .statements;
    assert_eq!(newest_text[0].label.as_ref(), "SELECT 9999");
}

#[test]
fn long_statements_are_shortened_on_a_character_boundary() {
    let mut load = WaitLoad::default();
    let text = "é".repeat(500);
    load.record(at(0), &[active(1, &text)]);
    let label = load
        .breakdown(at(0) - Duration::from_secs(1), at(0), 1)
        .statements[0]
        .label
        .clone();
    assert_eq!(label.chars().count(), 161);
    assert!(label.ends_with('…'));
}

#[test]
fn a_formatted_statement_reads_as_one_line_with_single_spaces() {
    let mut load = WaitLoad::default();
    load.record(at(0), &[active(1, "SELECT  a,\n       b\n  FROM   t")]);
    let label = load
        .breakdown(at(0) - Duration::from_secs(1), at(0), 1)
        .statements[0]
        .label
        .clone();
    assert_eq!(label.as_ref(), "SELECT a, b FROM t");
}

#[test]
fn sessions_hidden_from_the_role_are_counted_as_hidden_not_as_idle() {
    let mut load = WaitLoad::default();
    let mut hidden = session(9);
    hidden.backend_type = BackendType::Unknown;
    hidden.backend_start = None;
    hidden.state = None;
    load.record(at(0), &[active(1, "SELECT 1"), hidden]);
    assert_eq!(load.hidden_at(at(0)), 1);
    assert_eq!(load.sessions_at(at(0)), Some(1));
}
