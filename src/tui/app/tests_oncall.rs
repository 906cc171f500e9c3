//! `App::update` scripts for the on-call panels: the lock view's toggle tells the poller
//! when to read `pg_locks`, the Activity screen when to sample each backend; a standby's keys for what writes open no dialog and say why;
//! ending a horizon holder opens the dialog its kind needs.

use crossterm::event::KeyCode;

use super::test_support::*;
use super::test_support_oncall::*;
use super::{App, Effect, Mode};
use crate::actions::ActionKind;
use crate::actions::availability::STANDBY_REASON;
use crate::monitor::poller::PollerCommand;
use crate::monitor::snapshot::horizon::HorizonHolders;
use crate::tui::screen::Screen;
use crate::tui::screens::state::TableId;
use crate::tui::screens::table::RowId;

fn watch_locks(effects: &[Effect]) -> Vec<bool> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Poller(PollerCommand::WatchLocks(on)) => Some(*on),
            _ => None,
        })
        .collect()
}

fn app_on(screen: Screen, snapshot: crate::monitor::snapshot::Snapshot) -> App {
    let mut app = new_app();
    feed(&mut app, snapshot);
    app.show(screen);
    app
}

#[test]
fn the_lock_toggle_reads_pg_locks_only_while_the_view_is_on_view() {
    let mut app = app_on(
        Screen::Activity,
        with_holders(100, HorizonHolders::default()),
    );
    assert_eq!(watch_locks(&press(&mut app, KeyCode::Char('l'))), [true]);
    assert!(app.screens().shows_locks());
    // Leaving the screen stops the reads; coming back with the view chosen resumes them.
    assert_eq!(watch_locks(&press(&mut app, KeyCode::Char('1'))), [false]);
    assert_eq!(watch_locks(&press(&mut app, KeyCode::Char('2'))), [true]);
    assert_eq!(watch_locks(&press(&mut app, KeyCode::Char('l'))), [false]);
    assert!(!app.screens().shows_locks());
    // With the sessions on view, switching screens says nothing about locks.
    assert!(watch_locks(&press(&mut app, KeyCode::Char('7'))).is_empty());
}

fn watch_backends(effects: &[Effect]) -> Vec<bool> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Poller(PollerCommand::WatchBackends(on)) => Some(*on),
            _ => None,
        })
        .collect()
}

#[test]
fn each_backend_is_sampled_only_while_the_activity_screen_shows_its_columns() {
    let mut app = app_on(
        Screen::Dashboard,
        with_holders(100, HorizonHolders::default()),
    );
    assert_eq!(watch_backends(&press(&mut app, KeyCode::Char('2'))), [true]);
    // The lock view is on the same screen: the sampling goes on.
    assert!(watch_backends(&press(&mut app, KeyCode::Char('l'))).is_empty());
    assert_eq!(
        watch_backends(&press(&mut app, KeyCode::Char('3'))),
        [false]
    );
    // Between two other screens: nothing to say.
    assert!(watch_backends(&press(&mut app, KeyCode::Char('1'))).is_empty());
}

#[test]
fn terminate_on_a_lock_row_targets_that_rows_session() {
    let mut snapshot = with_holders(100, HorizonHolders::default());
    let mut waiter = session(4301);
    waiter.backend_start = Some(at(5));
    snapshot = snapshot.with_sessions(vec![session(4300), waiter]);
    snapshot.locks = Some(Ok(lock_chain(false)));
    let mut app = app_on(Screen::Activity, snapshot);
    press(&mut app, KeyCode::Char('l'));
    // The second row: pid 4301 waiting behind the ALTER TABLE.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('K'));
    let Mode::Dialog(dialog) = app.mode().clone() else {
        panic!("no dialog: {}", app.status_text());
    };
    let super::state::Purpose::Run(plan) = &dialog.purpose else {
        panic!("not a run dialog");
    };
    assert_eq!(plan.kind, ActionKind::TerminateBackend);
    assert!(plan.steps[0].sql.contains("4301"), "{}", plan.steps[0].sql);
}

#[test]
fn a_standby_disables_vacuum_with_the_reason_and_opens_no_dialog() {
    let mut snapshot = on_a_standby(with_holders(100, HorizonHolders::default()));
    snapshot.slow = Some(std::sync::Arc::new(
        crate::monitor::snapshot::SlowTier::not_polled(at(100)),
    ));
    let mut app = app_on(Screen::Maintenance, snapshot);
    for key in ['v', 'a', 'S'] {
        press(&mut app, KeyCode::Char(key));
        assert_eq!(*app.mode(), Mode::Normal, "{key}");
        let status = app.status_text();
        assert!(status.contains(STANDBY_REASON), "{key}: {status}");
    }
}

#[test]
fn ending_a_prepared_holder_opens_a_destructive_dialog_focused_on_no() {
    let holders = HorizonHolders {
        prepared: vec![forgotten_prepared(10_000)],
        ..HorizonHolders::default()
    };
    let mut app = app_on(Screen::Maintenance, with_holders(10_000, holders));
    app.set_focus(Screen::Maintenance, 1);
    assert_eq!(app.focused_table_id(), Some(TableId::Horizon));
    app.select(
        TableId::Horizon,
        RowId::Name("prepared 'nightly_export_42'".into()),
    );
    press(&mut app, KeyCode::Char('E'));
    let Mode::Dialog(dialog) = app.mode().clone() else {
        panic!("no dialog: {}", app.status_text());
    };
    assert!(!dialog.yes_focused, "a destructive dialog starts on No");
    let super::state::Purpose::Run(plan) = &dialog.purpose else {
        panic!("not a run dialog");
    };
    assert_eq!(plan.kind, ActionKind::RollbackPrepared);
    assert_eq!(plan.steps[0].sql, "ROLLBACK PREPARED 'nightly_export_42'");
    // No sends nothing.
    let effects = press(&mut app, KeyCode::Char('n'));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::RunAction { .. }))
    );
}

#[test]
fn a_holder_without_an_ending_says_why_and_k_only_terminates_sessions() {
    let mut app = app_on(
        Screen::Maintenance,
        with_holders(10_000, every_kind_of_holder(10_000)),
    );
    app.set_focus(Screen::Maintenance, 1);
    app.select(
        TableId::Horizon,
        RowId::Name("standby replica_1 (pid 777)".into()),
    );
    press(&mut app, KeyCode::Char('E'));
    assert_eq!(*app.mode(), Mode::Normal);
    assert!(app.status_text().contains("hot_standby_feedback"));
    app.select(
        TableId::Horizon,
        RowId::Name("slot analytics_cdc (logical)".into()),
    );
    press(&mut app, KeyCode::Char('K'));
    assert_eq!(*app.mode(), Mode::Normal);
    assert!(
        app.status_text().contains("E ends it"),
        "{}",
        app.status_text()
    );
    press(&mut app, KeyCode::Char('E'));
    let Mode::Dialog(dialog) = app.mode().clone() else {
        panic!("no dialog: {}", app.status_text());
    };
    let super::state::Purpose::Run(plan) = &dialog.purpose else {
        panic!("not a run dialog");
    };
    assert_eq!(plan.kind, ActionKind::DropSlot);
    assert!(!dialog.yes_focused);
}
