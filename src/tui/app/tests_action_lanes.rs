//! `App::update` scripts: two actions in flight, stops that arrive late, marks against the
//! highlighted row, overlays before quitting, waits and leftovers the executor reports.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::dialog::Purpose;
use super::{App, Effect, Event, Mode, TableId};
use crate::actions::executor::ExecutorEvent;
use crate::actions::{ActionKind, Outcome, Plan, RelationTarget, StepReport, Target, plan};
use crate::monitor::snapshot::Session;
use crate::monitor::snapshot::test_support::*;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn press(app: &mut App, c: char) -> Vec<Effect> {
    app.update(key(KeyCode::Char(c)))
}

fn ctrl_c(app: &mut App) -> Vec<Effect> {
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )))
}

fn busy(pid: i32, query: &str, started: u64) -> Session {
    let mut s = session(pid);
    s.state = Some(SessionState::Active);
    s.query_age = Some(Duration::from_secs(30));
    s.query_start = Some(at(started));
    s.backend_start = Some(at(pid as u64));
    s.query = query.into();
    s.raw_query = query.into();
    s
}

fn sessions() -> Vec<Session> {
    vec![
        busy(1, "UPDATE accounts SET balance = 0", 100),
        busy(2, "SELECT pg_sleep(600)", 200),
        busy(3, "DELETE FROM queue", 300),
    ]
}

/// The Activity screen, pid 1 selected.
fn activity_app() -> App {
    let mut app = App::new(
        "postgres@localhost:5432/app".into(),
        Duration::from_secs(1),
        at(1000),
        Keymap::default(),
        Theme::default(),
    );
    app.update(Event::Resize(120, 40));
    app.update(Event::Snapshot(Box::new(
        snapshot_at(1000).with_sessions(sessions()),
    )));
    press(&mut app, '2');
    app.tables.state_mut(TableId::Activity).selected_id = Some(super::table::RowId::Pid(1));
    app
}

fn relation(oid: u32, name: &str) -> RelationTarget {
    RelationTarget {
        oid,
        schema: "public".into(),
        name: name.into(),
        size_bytes: None,
        table: None,
    }
}

/// Confirms `plan` as if its dialog had been answered Yes; returns the action id.
fn confirm(app: &mut App, plan: Plan) -> u64 {
    app.mode = Mode::Dialog(Box::new(super::dialog::Dialog::run(plan)));
    let effects = press(app, 'y');
    match effects.as_slice() {
        [Effect::RunAction { id, .. }] => *id,
        other => panic!("no action started: {other:?}"),
    }
}

fn plans(effects: &[Effect]) -> Vec<&Plan> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::RunAction { plan, .. } => Some(plan.as_ref()),
            _ => None,
        })
        .collect()
}

fn status(app: &App) -> String {
    app.status.clone().map(|s| s.text).unwrap_or_default()
}

fn report(kind: ActionKind, outcome: Outcome, message: &str) -> StepReport {
    let mut report = StepReport::new(kind, "public.t".into(), String::new());
    report.outcome = outcome;
    report.message = message.into();
    report
}

#[test]
fn a_cancel_can_be_sent_while_a_vacuum_runs_and_both_show() {
    let mut app = activity_app();
    let vacuum = confirm(
        &mut app,
        plan::relation(ActionKind::VacuumAnalyze, relation(10, "t")),
    );
    // Maintenance runs: the cancel key still opens its dialog and sends.
    press(&mut app, 'c');
    assert!(matches!(app.mode, Mode::Dialog(_)), "{}", status(&app));
    let effects = press(&mut app, 'y');
    let sent = plans(&effects);
    assert_eq!(sent.len(), 1, "{effects:?}");
    assert_eq!(sent[0].kind, ActionKind::CancelBackend);
    assert_eq!(app.running.len(), 2);
    let badges = super::dialog::running_badges(&app);
    assert!(
        badges[0].contains("RUNNING VACUUM (ANALYZE)") && badges[0].contains("x stops"),
        "{badges:?}"
    );
    assert!(badges[1].contains("RUNNING Cancel query"), "{badges:?}");
    // The cancel ends first: only its badge goes; the VACUUM's stays.
    let cancel = app.running[1].id;
    app.update(Event::Executor(ExecutorEvent::Done { id: cancel }));
    assert_eq!(app.running.len(), 1);
    assert_eq!(app.running[0].id, vacuum);
}

#[test]
fn a_busy_lane_refuses_a_second_action_of_its_kind_only() {
    let mut app = activity_app();
    confirm(
        &mut app,
        plan::relation(ActionKind::VacuumAnalyze, relation(10, "t")),
    );
    // A snapshot has its own lane: it is offered while the VACUUM runs.
    confirm(&mut app, plan::snapshot());
    assert_eq!(app.running.len(), 2);
    // A second snapshot waits for the first: refused, said why, nothing queued.
    assert!(press(&mut app, 'S').is_empty());
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        status(&app).contains(
            "Statistics snapshot is still running (one EXPLAIN, snapshot or reset at a time)"
        ),
        "{}",
        status(&app)
    );
}

#[test]
fn a_stop_confirmed_after_the_action_ended_sends_nothing_and_nothing_stays_stuck() {
    let mut app = activity_app();
    let id = confirm(
        &mut app,
        plan::relation(ActionKind::VacuumAnalyze, relation(10, "t")),
    );
    press(&mut app, 'x');
    assert!(matches!(&app.mode, Mode::Dialog(d) if matches!(d.purpose, Purpose::Stop { .. })));
    // The VACUUM ends while the stop dialog is open.
    app.update(Event::Executor(ExecutorEvent::Step {
        id,
        report: Box::new(report(
            ActionKind::VacuumAnalyze,
            Outcome::Ok,
            "VACUUM (ANALYZE) done",
        )),
    }));
    app.update(Event::Executor(ExecutorEvent::Done { id }));
    // The dialog stayed open; meanwhile the next action starts in the same lane.
    let stop_dialog = app.mode.clone();
    let next = confirm(
        &mut app,
        plan::relation(ActionKind::Analyze, relation(11, "u")),
    );
    assert_ne!(next, id);
    // Now the DBA answers Yes to the old stop dialog.
    app.mode = stop_dialog;
    let effects = press(&mut app, 'y');
    assert!(
        effects.is_empty(),
        "a stop of an ended action reaches nothing: {effects:?}"
    );
    assert!(
        status(&app).contains("had already finished"),
        "{}",
        status(&app)
    );
    assert_eq!(app.running.len(), 1, "only the running ANALYZE");
    assert!(
        !app.running[0].stopping,
        "the next action is not marked as stopping"
    );
    // The stop of the running one names it.
    press(&mut app, 'x');
    assert_eq!(press(&mut app, 'y'), vec![Effect::StopAction(next)]);
    assert!(super::dialog::running_badges(&app)[0].starts_with(" STOPPING ANALYZE"));
    app.update(Event::Executor(ExecutorEvent::Done { id: next }));
    assert!(app.running.is_empty());
    assert!(
        super::dialog::running_badges(&app).is_empty(),
        "no stuck badge"
    );
}

#[test]
fn without_marks_cancel_acts_on_the_highlighted_row_with_marks_on_every_marked_one() {
    let mut app = activity_app();
    press(&mut app, 'c');
    let Mode::Dialog(dialog) = &app.mode else {
        panic!("no dialog: {}", status(&app));
    };
    let Purpose::Run(plan) = &dialog.purpose else {
        panic!("not a run dialog");
    };
    let pids: Vec<i32> = targets(plan);
    assert_eq!(pids, vec![1], "the highlighted row");
    assert!(
        plan.steps[0]
            .sql
            .ends_with("AND query_start = '2023-11-14 22:15:00.000000+00'"),
        "the cancel names the query on screen: {}",
        plan.steps[0].sql
    );
    app.update(key(KeyCode::Esc));

    // Mark 2 and 3, then highlight 1: the marks win, and the title says so.
    for pid in [2, 3] {
        app.tables.state_mut(TableId::Activity).selected_id = Some(super::table::RowId::Pid(pid));
        press(&mut app, ' ');
    }
    app.tables.state_mut(TableId::Activity).selected_id = Some(super::table::RowId::Pid(1));
    let marker_column = &app.tables.model(TableId::Activity).rows;
    let marks: Vec<(String, String)> = marker_column
        .iter()
        .map(|r| (r.cells[1].text.clone(), r.cells[0].text.clone()))
        .collect();
    assert!(
        marks.contains(&("2".into(), "●".into()))
            && marks.contains(&("3".into(), "●".into()))
            && marks.contains(&("1".into(), String::new())),
        "{marks:?}"
    );
    press(&mut app, 'c');
    let Mode::Dialog(dialog) = &app.mode else {
        panic!("no dialog: {}", status(&app));
    };
    let Purpose::Run(plan) = &dialog.purpose else {
        panic!("not a run dialog");
    };
    assert_eq!(targets(plan), vec![2, 3]);
    assert!(
        plan.note
            .as_deref()
            .is_some_and(|n| n.starts_with("2 marked sessions")),
        "{:?}",
        plan.note
    );
    // Esc closes the dialog; a second Esc clears the marks; then c is back on the row.
    app.update(key(KeyCode::Esc));
    assert_eq!(app.tables.state(TableId::Activity).marked.len(), 2);
    app.update(key(KeyCode::Esc));
    assert!(app.tables.state(TableId::Activity).marked.is_empty());
    assert!(status(&app).contains("2 marks cleared"), "{}", status(&app));
}

fn targets(plan: &Plan) -> Vec<i32> {
    plan.steps
        .iter()
        .filter_map(|s| match &s.target {
            Target::Backend(b) => Some(b.pid),
            _ => None,
        })
        .collect()
}

#[test]
fn a_mark_does_not_outlive_its_session_or_pass_to_a_reused_pid() {
    let mut app = activity_app();
    for pid in [2, 3] {
        app.tables.state_mut(TableId::Activity).selected_id = Some(super::table::RowId::Pid(pid));
        press(&mut app, ' ');
    }
    // pid 2 ends; pid 3 is now another session (another backend_start).
    let mut reused = busy(3, "SELECT 1", 900);
    reused.backend_start = Some(at(950));
    app.update(Event::Snapshot(Box::new(snapshot_at(1001).with_sessions(
        vec![busy(1, "UPDATE accounts SET balance = 0", 100), reused],
    ))));
    assert!(
        app.tables.state(TableId::Activity).marked.is_empty(),
        "{:?}",
        app.tables.state(TableId::Activity).marked
    );
}

#[test]
fn space_marks_only_sessions() {
    let mut app = activity_app();
    press(&mut app, '7');
    press(&mut app, ' ');
    assert!(
        status(&app).contains("marks sessions on the Activity screen"),
        "{}",
        status(&app)
    );
}

#[test]
fn q_closes_overlays_and_quits_only_from_the_plain_screen() {
    let mut app = activity_app();
    // Dialog: q is No (nothing sent), Ctrl-C quits.
    press(&mut app, 'K');
    assert!(press(&mut app, 'q').is_empty());
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.running.is_empty(), "q sent nothing");
    press(&mut app, 'K');
    assert_eq!(ctrl_c(&mut app), vec![Effect::Quit]);
    app.mode = Mode::Normal;
    // Detail view.
    app.update(key(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Detail);
    assert!(press(&mut app, 'q').is_empty());
    assert_eq!(app.mode, Mode::Normal);
    app.update(key(KeyCode::Enter));
    assert_eq!(ctrl_c(&mut app), vec![Effect::Quit]);
    // Output view.
    app.mode = Mode::Output {
        title: "EXPLAIN".into(),
        lines: vec!["Result".into()],
    };
    assert!(press(&mut app, 'q').is_empty());
    assert_eq!(app.mode, Mode::Normal);
    app.mode = Mode::Output {
        title: "EXPLAIN".into(),
        lines: vec!["Result".into()],
    };
    assert_eq!(ctrl_c(&mut app), vec![Effect::Quit]);
    app.mode = Mode::Normal;
    // The plain screen: q quits.
    assert_eq!(press(&mut app, 'q'), vec![Effect::Quit]);
}

#[test]
fn the_status_and_badge_say_whom_a_running_reindex_waits_for() {
    let mut app = activity_app();
    let id = confirm(
        &mut app,
        plan::relation(ActionKind::ReindexConcurrently, relation(20, "t_i")),
    );
    app.update(Event::Executor(ExecutorEvent::Started {
        id,
        backend_pid: 77,
    }));
    let mut reindex = busy(77, "REINDEX INDEX CONCURRENTLY public.t_i", 990).blocked_by(&[5]);
    reindex.wait_event = Some("virtualxid".into());
    let mut old = session(5).xact_age(7_200);
    old.state = Some(SessionState::IdleInTransaction);
    old.application = "report-job".into();
    let mut all = sessions();
    all.extend([reindex, old]);
    app.update(Event::Snapshot(Box::new(
        snapshot_at(1002).with_sessions(all.clone()),
    )));
    let text = status(&app);
    assert!(
        text.starts_with("REINDEX CONCURRENTLY waits for pid 5 (idle in transaction, open 2h")
            && text.contains("report-job")
            && text.ends_with("x stops it"),
        "{text}"
    );
    assert!(
        super::dialog::running_badges(&app)[0].contains("waits for pid 5"),
        "{:?}",
        super::dialog::running_badges(&app)
    );
    // The same wait on the next poll does not rewrite the status line.
    app.set_status("copied", false);
    app.update(Event::Snapshot(Box::new(
        snapshot_at(1003).with_sessions(all),
    )));
    assert_eq!(status(&app), "copied");
}

#[test]
fn a_leftover_index_is_named_first_and_d_offers_to_drop_exactly_it() {
    let mut app = activity_app();
    let id = confirm(
        &mut app,
        plan::relation(ActionKind::ReindexConcurrently, relation(20, "t_i")),
    );
    let mut failed = report(
        ActionKind::ReindexConcurrently,
        Outcome::Error,
        "ERROR 57014: canceling statement due to statement timeout; left invalid index \
         \"public\".\"t_i_ccnew\" (still updated on every write: DROP INDEX CONCURRENTLY it)",
    );
    failed.left_invalid = vec![relation(4242, "t_i_ccnew")];
    app.update(Event::Executor(ExecutorEvent::Step {
        id,
        report: Box::new(failed),
    }));
    app.update(Event::Executor(ExecutorEvent::Done { id }));
    let text = status(&app);
    assert!(
        text.starts_with(
            "REINDEX CONCURRENTLY failed, D drops its leftover public.t_i_ccnew · \
             REINDEX CONCURRENTLY public.t: ERROR 57014"
        ),
        "{text}"
    );
    press(&mut app, 'D');
    let Mode::Dialog(dialog) = &app.mode else {
        panic!("no dialog: {}", status(&app));
    };
    assert!(!dialog.yes_focused, "dropping an index defaults to No");
    let Purpose::Run(plan) = &dialog.purpose else {
        panic!("not a run dialog");
    };
    assert_eq!(plan.kind, ActionKind::DropInvalidIndex);
    assert_eq!(
        plan.steps[0].sql,
        "DROP INDEX CONCURRENTLY \"public\".\"t_i_ccnew\""
    );
    assert!(matches!(&plan.steps[0].target, Target::Relation(r) if r.oid == 4242));
    let effects = press(&mut app, 'y');
    let Some(Effect::RunAction { id: drop, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    app.update(Event::Executor(ExecutorEvent::Step {
        id: *drop,
        report: Box::new(report(
            ActionKind::DropInvalidIndex,
            Outcome::Ok,
            "dropped invalid index \"public\".\"t_i_ccnew\"",
        )),
    }));
    assert!(app.invalid_left.is_none(), "nothing left to offer");
}

#[test]
fn the_explain_view_starts_with_the_text_that_was_planned() {
    let mut app = activity_app();
    let mut explained = report(ActionKind::Explain, Outcome::Ok, "plan: 1 lines");
    explained.target = "pid 1".into();
    explained.planned = Some("SELECT *\n\tFROM accounts -- all of them\nWHERE id = 1".into());
    explained.output = vec!["Seq Scan on accounts  (cost=0.00..1.01 rows=1 width=4)".into()];
    app.update(Event::Executor(ExecutorEvent::Step {
        id: 1,
        report: Box::new(explained),
    }));
    let Mode::Output { lines, .. } = &app.mode else {
        panic!("no output view: {:?}", app.mode);
    };
    assert_eq!(
        lines,
        &[
            "-- planned text:",
            "SELECT *",
            "    FROM accounts -- all of them",
            "WHERE id = 1",
            "",
            "-- plan:",
            "Seq Scan on accounts  (cost=0.00..1.01 rows=1 width=4)",
        ]
    );
}
