//! History mode as a user drives it: ← goes back to a poll whose session has since ended,
//! the header says when, actions are refused, Esc returns to live; the hour is bounded.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::test_support::*;
use crate::monitor::snapshot::test_support::{at, session, snapshot_at};
use crate::monitor::snapshot::{SessionState, Snapshot};
use crate::tui::screen::Screen;

/// Polls at 1..=10 s; pid 4242 runs its report only in the polls at 3 and 4 s.
fn polls() -> Vec<Snapshot> {
    (1..=10)
        .map(|t| {
            let mut snapshot = snapshot_at(t);
            let mut sessions = vec![session(1)];
            if (3..=4).contains(&t) {
                let mut report = running(4242, 2, "SELECT * FROM nightly_report");
                report.state = Some(SessionState::Active);
                sessions.push(report);
            }
            snapshot.activity = Ok(sessions);
            snapshot
        })
        .collect()
}

fn app_after_polls() -> crate::tui::app::App {
    let mut app = new_app();
    resize(&mut app, 120, 30);
    for snapshot in polls() {
        feed(&mut app, snapshot);
    }
    chars(&mut app, "2");
    app
}

fn screen(app: &mut crate::tui::app::App) -> String {
    text(&draw(app, 120, 30))
}

#[test]
fn going_back_shows_a_session_that_has_since_ended_as_it_was() {
    let mut app = app_after_polls();
    assert!(
        !screen(&mut app).contains("nightly_report"),
        "gone from the live view"
    );
    // Six polls back from the newest (10 s) is the poll at 4 s.
    for _ in 0..6 {
        press(&mut app, KeyCode::Left);
    }
    let shown = screen(&mut app);
    assert!(shown.contains("SELECT * FROM nightly_report"), "{shown}");
    assert!(shown.contains("HISTORY "), "{shown}");
    assert!(shown.contains("(−6s)"), "{shown}");
    assert_eq!(app.now(), at(4), "ages are measured at the moment on view");
    // Actions would hit the server as it is now: refused, and the status says why.
    chars(&mut app, "K");
    assert!(
        app.status_text().contains("disabled in history mode"),
        "{}",
        app.status_text()
    );
    // Esc returns to live.
    press(&mut app, KeyCode::Esc);
    let live = screen(&mut app);
    assert!(!live.contains("HISTORY"), "{live}");
    assert!(!live.contains("nightly_report"), "{live}");
    assert_eq!(app.now(), at(10));
}

#[test]
fn forward_past_the_newest_poll_is_live_and_a_minute_back_stops_at_the_oldest() {
    let mut app = app_after_polls();
    press(&mut app, KeyCode::Left);
    assert!(app.in_history());
    press(&mut app, KeyCode::Right);
    assert!(
        !app.in_history(),
        "one forward from the newest is live again"
    );
    // Ten seconds of history: a minute back lands on the oldest poll and says so.
    step(
        &mut app,
        crate::tui::app::Event::Key(KeyEvent::new(KeyCode::Left, KeyModifiers::SHIFT)),
    );
    assert_eq!(app.now(), at(1));
    assert!(
        app.status_text().contains("history starts here"),
        "{}",
        app.status_text()
    );
}

#[test]
fn a_typed_time_jumps_to_the_poll_at_or_before_it() {
    let mut app = app_after_polls();
    // (HH:MM means today: the test's polls are in 2023, so they are given in RFC 3339.)
    let moment = crate::text::timefmt::rfc3339_millis(at(3));
    chars(&mut app, "@");
    chars(&mut app, &moment);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.now(), at(3));
    assert!(screen(&mut app).contains("nightly_report"));
    chars(&mut app, "@");
    chars(&mut app, "25:99");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.status_text().contains("is not a time"),
        "{}",
        app.status_text()
    );
}

#[test]
fn the_waits_screen_in_history_ends_its_window_at_the_moment_on_view() {
    let mut app = app_after_polls();
    app.set_screen(Screen::Waits);
    let live = screen(&mut app);
    assert!(
        live.contains("now 0.0"),
        "the report ended: nothing active now\n{live}"
    );
    for _ in 0..6 {
        press(&mut app, KeyCode::Left);
    }
    let then = screen(&mut app);
    assert!(
        then.contains("now 1.0"),
        "the report was running at 4 s\n{then}"
    );
    assert!(then.contains("nightly_report"), "{then}");
}
