//! The wait-load history as a user sees it: the Waits screen (chart, legend, rankings) at
//! 80x24 and 160x48, its window keys, and the Dashboard's load chart.

use crossterm::event::KeyCode;

use super::test_render::{draw, text};
use crate::monitor::snapshot::test_support::{session, snapshot_at};
use crate::monitor::snapshot::{Session, Snapshot, WaitEventType};
use crate::tui::app::App;
use crate::tui::app::test_support::*;
use crate::tui::screen::Screen;

fn waiting(pid: i32, query: &str, kind: WaitEventType, event: &str) -> Session {
    let mut s = running(pid, 1, query);
    s.wait_event_type = Some(kind);
    s.wait_event = Some(event.into());
    s
}

/// Two minutes of polls: a row-lock pile-up for the first minute (two sessions running
/// the transfer, one waiting for the row), then an I/O-bound report (one on CPU, two
/// reading), with idle sessions throughout that must not count.
fn incident(t: u64) -> Snapshot {
    let mut snapshot = snapshot_at(t);
    let mut sessions = vec![session(90), session(91)];
    if t <= 60 {
        let mut transfer = running(
            10,
            1,
            "UPDATE accounts SET balance = balance - $1 WHERE id = $2",
        );
        transfer.user = Some("payments".into());
        transfer.application = "billing-api".into();
        let mut second = transfer.clone();
        second.pid = 11;
        let mut blocked = waiting(
            12,
            "UPDATE accounts SET balance = balance - $1 WHERE id = $2",
            WaitEventType::Lock,
            "transactionid",
        );
        blocked.user = Some("payments".into());
        blocked.application = "billing-api".into();
        sessions.extend([transfer, second, blocked]);
    } else {
        let mut report = running(
            20,
            1,
            "SELECT region, sum(amount) FROM orders GROUP BY region",
        );
        report.user = Some("analyst".into());
        report.application = "metabase".into();
        let reader = |pid| {
            let mut s = waiting(
                pid,
                "SELECT region, sum(amount) FROM orders GROUP BY region",
                WaitEventType::IO,
                "DataFileRead",
            );
            s.user = Some("analyst".into());
            s.application = "metabase".into();
            s
        };
        sessions.extend([report, reader(21), reader(22)]);
    }
    snapshot.activity = Ok(sessions);
    snapshot
}

fn app_after_incident(width: u16, height: u16) -> App {
    let mut app = new_app();
    resize(&mut app, width, height);
    for t in 1..=120 {
        app.update(crate::tui::app::Event::Snapshot(Box::new(incident(t))));
    }
    app
}

#[test]
fn the_waits_screen_ranks_who_made_the_load_at_80x24() {
    let mut app = app_after_incident(80, 24);
    chars(&mut app, "9");
    // The last 5 minutes: the whole incident in a few columns at the right.
    press(&mut app, KeyCode::Char('['));
    let screen = text(&draw(&mut app, 80, 24));
    assert!(screen.contains("Load by wait · last 5m"), "{screen}");
    assert!(screen.contains("■ CPU 1.5"), "{screen}");
    assert!(screen.contains("UPDATE accounts"), "{screen}");
    assert!(screen.contains("Lock:transactionid"), "{screen}");
    insta::assert_snapshot!("waits_80x24", screen);
}

#[test]
fn the_waits_screen_at_160x48_over_the_last_minute() {
    let mut app = app_after_incident(160, 48);
    chars(&mut app, "9");
    press(&mut app, KeyCode::Char('['));
    press(&mut app, KeyCode::Char('['));
    let screen = text(&draw(&mut app, 160, 48));
    // The last minute is the I/O-bound report alone: three sessions, two reading.
    assert!(screen.contains("now 3.0"), "{screen}");
    assert!(screen.contains("IO:DataFileRead"), "{screen}");
    assert!(!screen.contains("Lock:transactionid"), "{screen}");
    insta::assert_snapshot!("waits_160x48", screen);
}

#[test]
fn the_chart_stacks_cpu_under_the_waits_in_their_colours() {
    let mut app = app_after_incident(80, 24);
    chars(&mut app, "9");
    press(&mut app, KeyCode::Char('['));
    press(&mut app, KeyCode::Char('['));
    let buffer = draw(&mut app, 80, 24);
    let theme = app.theme().clone();
    // The newest column (rightmost inside the box), bottom row of the plot: CPU.
    let plot_bottom = (0..24)
        .rev()
        .find(|y| text_row(&buffer, *y).contains("■ CPU"))
        .map(|legend| legend - 1)
        .unwrap_or(0);
    let cell = &buffer[(78, plot_bottom)];
    assert_eq!(
        cell.fg,
        theme
            .style(crate::tui::theme::Role::WaitCpu)
            .fg
            .unwrap_or_default()
    );
    // Above the CPU band sits the IO band, up to the top of the plot (three sessions
    // is the whole height).
    let plot_top = (0..24)
        .find(|y| text_row(&buffer, *y).contains("Load by wait"))
        .map_or(0, |title| title + 1);
    let top_filled = plot_top;
    assert_ne!(buffer[(78, top_filled)].symbol(), " ");
    let io = theme
        .style(crate::tui::theme::Role::WaitIo)
        .fg
        .unwrap_or_default();
    assert!(
        buffer[(78, top_filled)].fg == io || buffer[(78, top_filled)].bg == io,
        "the top of the stack is I/O"
    );
}

fn text_row(buffer: &ratatui::buffer::Buffer, y: u16) -> String {
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol())
        .collect()
}

#[test]
fn the_window_keys_say_what_they_chose_and_stop_at_the_ends() {
    let mut app = app_after_incident(80, 24);
    chars(&mut app, "9");
    assert_eq!(app.screen(), Screen::Waits);
    for _ in 0..5 {
        press(&mut app, KeyCode::Char(']'));
    }
    assert!(
        app.status_text().contains("wait load: last 1h"),
        "{}",
        app.status_text()
    );
    for _ in 0..5 {
        press(&mut app, KeyCode::Char('['));
    }
    assert!(
        app.status_text().contains("wait load: last 1m"),
        "{}",
        app.status_text()
    );
}

#[test]
fn the_dashboard_charts_the_load_beside_the_other_charts() {
    let mut app = app_after_incident(160, 48);
    let screen = text(&draw(&mut app, 160, 48));
    assert!(screen.contains("load · now 3.0"), "{screen}");
    insta::assert_snapshot!("dashboard_load_160x48", screen);
}

#[test]
fn long_wait_event_names_stay_whole_at_80_columns_and_background_workers_are_named() {
    let mut app = new_app();
    resize(&mut app, 80, 24);
    for t in 1..=5 {
        let mut snapshot = snapshot_at(t);
        let mut vacuum = waiting(
            30,
            "autovacuum: VACUUM public.big",
            WaitEventType::Timeout,
            "VacuumDelay",
        );
        vacuum.user = None;
        vacuum.backend_type = crate::monitor::snapshot::BackendType::AutovacuumWorker;
        vacuum.application = String::new();
        let buffers = waiting(31, "SELECT 1", WaitEventType::LWLock, "BufferMapping");
        snapshot.activity = Ok(vec![vacuum, buffers]);
        app.update(crate::tui::app::Event::Snapshot(Box::new(snapshot)));
    }
    chars(&mut app, "9");
    let screen = text(&draw(&mut app, 80, 24));
    assert!(screen.contains("Timeout:VacuumDelay"), "{screen}");
    assert!(screen.contains("LWLock:BufferMapping"), "{screen}");
    assert!(screen.contains("(background)"), "{screen}");
}

#[test]
fn the_chart_says_how_many_sessions_the_role_could_not_see() {
    let mut app = new_app();
    resize(&mut app, 80, 24);
    let mut snapshot = snapshot_at(1);
    let mut hidden = crate::monitor::snapshot::test_support::session(77);
    hidden.backend_type = crate::monitor::snapshot::BackendType::Unknown;
    hidden.backend_start = None;
    hidden.state = None;
    snapshot.activity = Ok(vec![running(5, 1, "SELECT 1"), hidden]);
    app.update(crate::tui::app::Event::Snapshot(Box::new(snapshot)));
    chars(&mut app, "9");
    let screen = text(&draw(&mut app, 80, 24));
    assert!(
        screen.contains("Load by wait · last 15m · 1 hidden · now 1.0"),
        "{screen}"
    );
}
