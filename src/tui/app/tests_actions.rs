//! `App::update` scripts for the actions: key → dialog → No sends nothing, Yes sends
//! exactly one effect; read-only sends nothing; reports reach the journal.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Effect, Event, Mode, TableId};
use crate::actions::executor::ExecutorEvent;
use crate::actions::{ActionKind, Outcome, StepReport, Target};
use crate::monitor::poller::PollerCommand;
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

fn busy(pid: i32, query: &str) -> Session {
    let mut s = session(pid);
    s.state = Some(SessionState::Active);
    s.query_age = Some(Duration::from_secs(30));
    s.query = query.into();
    s
}

/// The Activity screen with three sessions, pid 1 selected (longest query first).
fn activity_app(sessions: Vec<Session>) -> App {
    let mut app = App::new(
        "postgres@localhost:5432/app".into(),
        Duration::from_secs(1),
        at(0),
        Keymap::default(),
        Theme::default(),
    );
    app.update(Event::Resize(120, 40));
    let snapshot = snapshot_at(0).with_sessions(sessions);
    app.update(Event::Snapshot(Box::new(snapshot)));
    press(&mut app, '2');
    app
}

fn three_sessions() -> App {
    activity_app(vec![
        busy(1, "UPDATE accounts SET balance = 0"),
        busy(2, "SELECT pg_sleep(600)"),
        session(3),
    ])
}

fn runs(effects: &[Effect]) -> Vec<&crate::actions::Plan> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::RunAction { plan, .. } => Some(plan.as_ref()),
            _ => None,
        })
        .collect()
}

#[test]
fn no_sends_nothing() {
    for deny in [
        key(KeyCode::Char('n')),
        key(KeyCode::Esc),
        // Destructive: No has the focus, so Enter is No.
        key(KeyCode::Enter),
    ] {
        let mut app = three_sessions();
        assert!(
            press(&mut app, 'K').is_empty(),
            "opening the dialog sends nothing"
        );
        assert!(matches!(app.mode, Mode::Dialog(_)));
        let effects = app.update(deny.clone());
        assert!(runs(&effects).is_empty(), "{deny:?} must send nothing");
        assert_eq!(app.mode, Mode::Normal);
        assert!(app.running.is_empty());
    }
}

#[test]
fn yes_sends_exactly_one_action() {
    let mut app = three_sessions();
    press(&mut app, 'K');
    let effects = press(&mut app, 'y');
    let plans = runs(&effects);
    assert_eq!(plans.len(), 1, "{effects:?}");
    assert_eq!(effects.len(), 1, "{effects:?}");
    let plan = plans[0];
    assert_eq!(plan.kind, ActionKind::TerminateBackend);
    assert_eq!(plan.steps.len(), 1);
    assert!(matches!(&plan.steps[0].target, Target::Backend(b) if b.pid == 1));
    assert!(
        plan.steps[0].sql.contains("pg_terminate_backend(pid)")
            && plan.steps[0]
                .sql
                .contains("pid = 1 AND backend_start = '2023-11-14 22:13:20.000000+00'"),
        "{}",
        plan.steps[0].sql
    );
    assert_eq!(app.running.len(), 1, "the header shows it running");
    // While it runs, a second action is refused, not queued.
    press(&mut app, 'c');
    assert!(matches!(app.mode, Mode::Normal));
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.text.contains("still running"))
    );
}

#[test]
fn non_destructive_actions_default_to_yes() {
    let mut app = three_sessions();
    press(&mut app, 'S');
    let effects = app.update(key(KeyCode::Enter));
    assert_eq!(runs(&effects).len(), 1);
    assert_eq!(runs(&effects)[0].kind, ActionKind::Snapshot);
}

#[test]
fn switching_buttons_moves_the_focus() {
    let mut app = three_sessions();
    press(&mut app, 'c');
    app.update(key(KeyCode::Left));
    let effects = app.update(key(KeyCode::Enter));
    assert_eq!(runs(&effects).len(), 1, "Enter presses the focused Yes");
}

#[test]
fn stray_keys_do_not_decide() {
    let mut app = three_sessions();
    press(&mut app, 'K');
    for c in ['j', 'K', 'v', '2', ' '] {
        assert!(press(&mut app, c).is_empty());
        assert!(matches!(app.mode, Mode::Dialog(_)), "{c} closed the dialog");
    }
}

#[test]
fn marked_sessions_are_signalled_together() {
    let mut app = three_sessions();
    press(&mut app, ' ');
    press(&mut app, 'j');
    press(&mut app, ' ');
    press(&mut app, 'c');
    let effects = press(&mut app, 'y');
    let plans = runs(&effects);
    assert_eq!(plans.len(), 1, "one effect for the marked sessions");
    let pids: Vec<i32> = plans[0]
        .steps
        .iter()
        .filter_map(|s| match &s.target {
            Target::Backend(b) => Some(b.pid),
            _ => None,
        })
        .collect();
    assert_eq!(pids, vec![1, 2]);
    assert!(
        app.tables.state(TableId::Activity).marked.is_empty(),
        "marks are used up"
    );
}

#[test]
fn hidden_sessions_cannot_be_targeted() {
    let mut hidden = busy(9, "<insufficient privilege>");
    hidden.backend_start = None;
    let mut app = activity_app(vec![hidden]);
    press(&mut app, 'K');
    assert_eq!(app.mode, Mode::Normal);
    let status = app.status.clone().map(|s| s.text).unwrap_or_default();
    assert!(status.contains("pg_read_all_stats"), "{status}");
}

#[test]
fn root_blocker_dialog_counts_the_waiters_it_releases() {
    // 100 ← 101 ← 102 ← 103: terminating 100 releases three sessions.
    let mut app = activity_app(blocking_chain(3));
    // Select the deepest waiter; B aims at its root.
    press(&mut app, 'G');
    press(&mut app, 'B');
    let Mode::Dialog(dialog) = &app.mode else {
        panic!("no dialog: {:?}", app.status);
    };
    let crate::tui::app::dialog::Purpose::Run(plan) = &dialog.purpose else {
        panic!("not a run dialog");
    };
    assert!(matches!(&plan.steps[0].target, Target::Backend(b) if b.pid == 100));
    assert_eq!(
        plan.note.as_deref(),
        Some("root blocker: releases 3 waiting sessions")
    );
    assert!(!dialog.yes_focused, "terminate defaults to No");
}

#[test]
fn read_only_mode_sends_nothing() {
    let mut app = three_sessions();
    app.read_only = true;
    for c in ['c', 'K', 'B', 'S', 'e'] {
        let effects = press(&mut app, c);
        assert!(effects.is_empty(), "{c}: {effects:?}");
        assert_eq!(app.mode, Mode::Normal, "{c} opened a dialog");
        let status = app.status.clone().map(|s| s.text).unwrap_or_default();
        assert!(status.contains("read-only mode"), "{c}: {status}");
    }
}

#[test]
fn config_read_only_is_read_only() {
    let config = crate::settings::config::Config {
        read_only: true,
        ..Default::default()
    };
    let app = three_sessions().with_config(config);
    assert!(app.read_only);
}

fn report(outcome: Outcome, message: &str) -> StepReport {
    StepReport {
        kind: ActionKind::VacuumAnalyze,
        target: "public.t".into(),
        sql: "VACUUM (ANALYZE) \"public\".\"t\"".into(),
        outcome,
        message: message.into(),
        duration: Duration::from_millis(1500),
        notices: vec![],
        output: vec![],
        planned: None,
        left_invalid: vec![],
        finished_at: at(5),
    }
}

#[test]
fn reports_reach_the_status_line_and_the_journal() {
    let mut app = three_sessions();
    press(&mut app, 'S');
    press(&mut app, 'y');
    let warning = "WARNING: skipping \"t\" --- only table or database owner can vacuum it";
    app.update(Event::Executor(ExecutorEvent::Step {
        id: 1,
        report: Box::new(report(Outcome::Warning, warning)),
    }));
    let status = app.status.clone().unwrap_or_else(|| panic!("no status"));
    assert!(status.is_error, "a warning reads as a failure");
    assert!(status.text.contains("only table or database owner"));
    assert_eq!(app.journal.len(), 1);
    assert_eq!(app.journal[0].outcome, Outcome::Warning);
    assert_eq!(app.journal[0].server, "postgres@localhost:5432/app");
    assert_eq!(app.tables.model(TableId::Journal).rows.len(), 1);
    let effects = app.update(Event::Executor(ExecutorEvent::Done { id: 1 }));
    assert!(app.running.is_empty());
    assert_eq!(effects, vec![Effect::Poller(PollerCommand::RefreshNow)]);
}

#[test]
fn stop_asks_first_and_then_stops() {
    let mut app = three_sessions();
    press(&mut app, 'S');
    press(&mut app, 'y');
    // Esc does not stop anything silently.
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert_eq!(app.running.len(), 1);
    press(&mut app, 'x');
    assert!(matches!(app.mode, Mode::Dialog(_)));
    assert_eq!(press(&mut app, 'y'), vec![Effect::StopAction(1)]);
}

#[test]
fn explain_output_opens_a_view() {
    let mut app = three_sessions();
    let mut explained = report(Outcome::Ok, "plan: 1 lines");
    explained.kind = ActionKind::Explain;
    explained.output = vec!["Seq Scan on accounts  (cost=0.00..1.01 rows=1 width=4)".into()];
    app.update(Event::Executor(ExecutorEvent::Step {
        id: 1,
        report: Box::new(explained),
    }));
    assert!(matches!(&app.mode, Mode::Output { lines, .. } if lines.len() == 1));
    let effects = press(&mut app, 'y');
    assert!(matches!(&effects[..], [Effect::Copy(text)] if text.starts_with("Seq Scan")));
    app.update(key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
}
