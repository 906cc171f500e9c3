//! `App::update` scripts: keys in, effects and state out.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::{App, Effect, Event, Mode};
use crate::monitor::poller::PollerCommand;
use crate::monitor::snapshot::Session;
use crate::monitor::snapshot::test_support::*;
use crate::tui::keymap::Keymap;
use crate::tui::screen::Screen;
use crate::tui::screens::state::ActivityMode;
use crate::tui::screens::state::TableId;
use crate::tui::screens::table::RowId;
use crate::tui::theme::Theme;

// Keys as the event loop feeds them: each followed by a frame (clicks and paging go by
// what was drawn).
use super::test_support::{chars, key, step};

fn active(pid: i32, secs: u64, query: &str) -> Session {
    let mut s = session(pid);
    s.state = Some(SessionState::Active);
    s.query_age = Some(Duration::from_secs(secs));
    s.query = query.into();
    s
}

fn app_with_sessions() -> App {
    let mut app = App::new(
        "t".into(),
        Duration::from_secs(1),
        at(0),
        Keymap::default(),
        Theme::default(),
    );
    app.update(Event::Resize(120, 40));
    let snapshot = snapshot_at(0).with_sessions(vec![
        active(1, 30, "UPDATE accounts SET balance = 0"),
        active(2, 5, "SELECT * FROM users"),
        session(3),
    ]);
    app.update(Event::Snapshot(Box::new(snapshot)));
    app
}

fn visible_pids(app: &App) -> Vec<RowId> {
    crate::tui::screens::sources::table(app, TableId::Activity)
        .1
        .iter()
        .map(|r| r.id.clone())
        .collect()
}

#[test]
fn number_keys_tab_and_backtab_switch_screens() {
    let mut app = app_with_sessions();
    assert_eq!(
        chars(&mut app, "2"),
        vec![
            Effect::Poller(PollerCommand::Watch(None)),
            Effect::Poller(PollerCommand::WatchBackends(true)),
        ],
        "the poller learns which screen is on view (and samples each backend for it)"
    );
    assert!(
        chars(&mut app, "2").is_empty(),
        "no news when the screen stays"
    );
    assert_eq!(app.screen, Screen::Activity);
    app.update(key(KeyCode::Tab));
    assert_eq!(app.screen, Screen::Queries);
    app.update(key(KeyCode::BackTab));
    app.update(key(KeyCode::BackTab));
    assert_eq!(app.screen, Screen::Dashboard);
    app.update(key(KeyCode::BackTab));
    assert_eq!(app.screen, Screen::Waits, "wraps around");
}

#[test]
fn filter_narrows_live_enter_keeps_it_and_esc_clears_it() {
    let mut app = app_with_sessions();
    chars(&mut app, "2/");
    assert!(matches!(app.mode, Mode::Filter { .. }));
    chars(&mut app, "UPD");
    assert_eq!(
        visible_pids(&app),
        vec![RowId::Pid(1)],
        "filters while typing, case-insensitively"
    );
    app.update(key(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.screens.table(TableId::Activity).filter, "UPD");
    assert_eq!(
        app.screens.table(TableId::Activity).selected_id,
        Some(RowId::Pid(1)),
        "first match selected"
    );
    chars(&mut app, "/");
    app.update(key(KeyCode::Esc));
    assert!(app.screens.table(TableId::Activity).filter.is_empty());
    assert_eq!(visible_pids(&app).len(), 3);
}

#[test]
fn q_typed_into_the_filter_does_not_quit() {
    let mut app = app_with_sessions();
    let effects = chars(&mut app, "2/q");
    assert_eq!(
        effects,
        vec![
            Effect::Poller(PollerCommand::Watch(None)),
            Effect::Poller(PollerCommand::WatchBackends(true)),
        ],
        "only the screen switch; q went into the filter"
    );
    assert_eq!(app.mode, Mode::Filter { input: "q".into() });
}

#[test]
fn sort_column_and_direction() {
    let mut app = app_with_sessions();
    chars(&mut app, "2");
    assert_eq!(
        visible_pids(&app)[0],
        RowId::Pid(1),
        "longest running query first by default"
    );
    chars(&mut app, "r");
    assert_eq!(
        visible_pids(&app),
        vec![RowId::Pid(2), RowId::Pid(1), RowId::Pid(3)],
        "shortest first; the idle session without a query age stays last"
    );
    let before = app.screens.table(TableId::Activity).sort_column;
    chars(&mut app, ">");
    assert_ne!(app.screens.table(TableId::Activity).sort_column, before);
    chars(&mut app, "<");
    assert_eq!(app.screens.table(TableId::Activity).sort_column, before);
}

#[test]
fn modes_and_idle_toggle_change_the_rows() {
    let mut app = app_with_sessions();
    chars(&mut app, "2i");
    assert_eq!(visible_pids(&app).len(), 2, "idle hidden");
    chars(&mut app, "i");
    chars(&mut app, "m");
    assert_eq!(app.screens.activity_mode(), ActivityMode::Active);
    assert_eq!(visible_pids(&app).len(), 2);
    chars(&mut app, "mm");
    assert_eq!(app.screens.activity_mode(), ActivityMode::BlockingTree);
    assert!(visible_pids(&app).is_empty(), "nobody blocks anybody");
}

#[test]
fn navigation_detail_and_back() {
    let mut app = app_with_sessions();
    chars(&mut app, "2j");
    assert_eq!(app.screens.table(TableId::Activity).selected, 1);
    chars(&mut app, "G");
    assert_eq!(app.screens.table(TableId::Activity).selected, 2);
    chars(&mut app, "g");
    assert_eq!(app.screens.table(TableId::Activity).selected, 0);
    app.update(key(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Detail);
    app.update(key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn help_opens_and_closes() {
    let mut app = app_with_sessions();
    chars(&mut app, "?");
    assert_eq!(app.mode, Mode::Help);
    chars(&mut app, "?");
    assert_eq!(app.mode, Mode::Normal);
    // Overlays first: q closes help; only Ctrl-C quits from it.
    chars(&mut app, "?");
    assert_eq!(
        chars(&mut app, "q"),
        vec![],
        "q closes help, it does not quit"
    );
    assert_eq!(app.mode, Mode::Normal);
    chars(&mut app, "?");
    assert_eq!(
        app.update(Event::Key(KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL
        ))),
        vec![Effect::Quit],
        "Ctrl-C quits from help"
    );
}

#[test]
fn pause_and_refresh_changes_reach_the_poller() {
    let mut app = app_with_sessions();
    assert_eq!(
        chars(&mut app, "p"),
        vec![Effect::Poller(PollerCommand::Pause(true))]
    );
    assert!(app.paused);
    assert_eq!(
        chars(&mut app, "p"),
        vec![Effect::Poller(PollerCommand::Pause(false))]
    );
    assert_eq!(
        chars(&mut app, "+"),
        vec![Effect::Poller(PollerCommand::SetInterval(
            Duration::from_millis(500)
        ))]
    );
    assert_eq!(
        chars(&mut app, "+"),
        vec![Effect::Poller(PollerCommand::SetInterval(
            Duration::from_millis(500)
        ))],
        "0.5 s is the floor"
    );
    for _ in 0..10 {
        chars(&mut app, "-");
    }
    assert_eq!(app.refresh, Duration::from_secs(60), "60 s is the ceiling");
}

#[test]
fn latency_window_keys_work_on_the_queries_screen() {
    let mut app = app_with_sessions();
    chars(&mut app, "3");
    assert_eq!(
        chars(&mut app, "]"),
        vec![Effect::Poller(PollerCommand::SetLatencyWindow(
            Duration::from_secs(3600)
        ))]
    );
    assert_eq!(
        chars(&mut app, "[["),
        vec![
            Effect::Poller(PollerCommand::SetLatencyWindow(Duration::from_secs(900))),
            Effect::Poller(PollerCommand::SetLatencyWindow(Duration::from_secs(300))),
        ]
    );
    chars(&mut app, "f");
    assert_eq!(app.focused_table_id(), Some(TableId::Latency));
}

#[test]
fn y_copies_the_selected_query() {
    let mut app = app_with_sessions();
    chars(&mut app, "2");
    assert_eq!(
        chars(&mut app, "y"),
        vec![Effect::Copy("UPDATE accounts SET balance = 0".into())]
    );
}

#[test]
fn mouse_selects_screens_and_rows_and_the_wheel_scrolls() {
    let mut app = app_with_sessions();
    let click = |column, row| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    // " 1 Dashboard " is 13 cells, then a space: " 2 Activity " starts at 14.
    // Clicks hit what the last frame drew.
    step(&mut app, Event::Resize(120, 40));
    step(&mut app, click(16, 0));
    assert_eq!(app.screen, Screen::Activity);
    // Tabs, header, then the table's border and header line: the third row is at y 6.
    step(&mut app, click(10, 6));
    assert_eq!(app.screens.table(TableId::Activity).selected, 2);
    step(
        &mut app,
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollUp,
            column: 10,
            row: 6,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert_eq!(app.screens.table(TableId::Activity).selected, 0);
}

#[test]
fn selection_stays_on_the_same_session_when_rows_reorder() {
    let mut app = app_with_sessions();
    chars(&mut app, "2j");
    assert_eq!(
        app.screens.table(TableId::Activity).selected_id,
        Some(RowId::Pid(2))
    );
    let reordered = snapshot_at(1).with_sessions(vec![
        active(2, 60, "SELECT * FROM users"),
        active(1, 30, "UPDATE accounts SET balance = 0"),
        session(3),
    ]);
    app.update(Event::Snapshot(Box::new(reordered)));
    assert_eq!(
        app.screens.table(TableId::Activity).selected_id,
        Some(RowId::Pid(2))
    );
    assert_eq!(
        app.screens.table(TableId::Activity).selected,
        0,
        "it moved to the top"
    );
}

#[test]
fn ctrl_r_asks_the_poller_to_reconnect_now_unless_paused() {
    let mut app = app_with_sessions();
    let ctrl_r = Event::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert_eq!(
        app.update(ctrl_r.clone()),
        vec![Effect::Poller(PollerCommand::Reconnect)]
    );
    assert_eq!(
        app.status.as_ref().map(|s| s.text.as_str()),
        Some("already connected")
    );
    // Paused means nothing is sent: the key says how to resume instead.
    app.update(key(KeyCode::Char('p')));
    assert_eq!(app.update(ctrl_r), vec![]);
    assert_eq!(
        app.status.as_ref().map(|s| s.text.as_str()),
        Some("paused: resume (p) to reconnect")
    );
}

#[test]
fn a_missed_latency_read_asks_the_poller_for_the_whole_window() {
    use crate::monitor::snapshot::SlowTier;
    use crate::monitor::snapshot::latency::LatencyRead;
    use std::sync::Arc;
    let read = |sequence, full| LatencyRead {
        sequence,
        window: Duration::from_secs(900),
        slow_threshold: Duration::from_secs(5),
        width_s: 60,
        window_bucket: 0,
        from_bucket: 0,
        now_bucket: 1,
        full,
        buckets: Vec::new(),
        search: None,
    };
    let with = |t, r| {
        let mut snapshot = snapshot_at(t);
        snapshot.slow = Some(Arc::new(SlowTier {
            latency_read: Some(Arc::new(r)),
            ..SlowTier::not_polled(at(t))
        }));
        Event::Snapshot(Box::new(snapshot))
    };
    let mut app = app_with_sessions();
    assert_eq!(app.update(with(1, read(1, true))), vec![]);
    assert_eq!(app.update(with(2, read(2, false))), vec![]);
    assert_eq!(
        app.update(with(3, read(4, false))),
        vec![Effect::Poller(PollerCommand::RereadLatency)]
    );
}
