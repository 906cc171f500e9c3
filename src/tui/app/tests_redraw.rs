//! `App::update` scripts for the redraw rule: the loop draws a frame only when
//! `App::frame_due` says the screen would change.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyModifiers, MouseEvent, MouseEventKind};

use super::Event;
use super::test_support::*;

fn after(secs: u64, millis: u64) -> std::time::SystemTime {
    at(secs) + Duration::from_millis(millis)
}

/// An app on a 120x40 terminal that has drawn the first poll's frame.
fn drawn_app() -> super::App {
    let mut app = new_app();
    resize(&mut app, 120, 40);
    feed(
        &mut app,
        snapshot_at(0).with_sessions(vec![running(7, 30, "SELECT 1")]),
    );
    assert!(!app.frame_due(), "the frame was just drawn");
    app
}

fn mouse(kind: MouseEventKind) -> Event {
    Event::Mouse(MouseEvent {
        kind,
        column: 10,
        row: 10,
        modifiers: KeyModifiers::NONE,
    })
}

#[test]
fn a_tick_that_changes_nothing_on_view_asks_for_no_frame() {
    let mut app = drawn_app();
    // "polled 0s ago" is still what the header would say.
    app.update(Event::Tick(after(0, 600)));
    assert!(!app.frame_due());
    // On another screen too.
    step(&mut app, key(KeyCode::Char('2')));
    app.update(Event::Tick(after(0, 900)));
    assert!(!app.frame_due());
}

#[test]
fn a_tick_that_ages_a_visible_text_asks_for_a_frame_showing_it() {
    let mut app = drawn_app();
    app.update(Event::Tick(after(3, 100)));
    assert!(app.frame_due(), "the header's age went from 0s to 3s");
    let (width, height) = app.size();
    let screen = text(&draw(&mut app, width, height));
    assert!(screen.contains("polled 3s ago"), "{screen}");
    assert!(!app.frame_due());
    // The next second changes it again; the same second does not.
    app.update(Event::Tick(after(3, 700)));
    assert!(!app.frame_due());
    app.update(Event::Tick(after(4, 100)));
    assert!(app.frame_due());
}

#[test]
fn a_key_a_poll_and_a_resize_ask_for_a_frame() {
    let mut app = drawn_app();
    app.update(key(KeyCode::Char('2')));
    assert!(app.frame_due(), "a key");
    let (width, height) = app.size();
    draw(&mut app, width, height);
    app.update(Event::Snapshot(Box::new(
        snapshot_at(1).with_sessions(vec![running(7, 31, "SELECT 1")]),
    )));
    assert!(app.frame_due(), "a poll");
    draw(&mut app, width, height);
    app.update(Event::Resize(100, 30));
    assert!(app.frame_due(), "a resize");
}

#[test]
fn a_mouse_move_asks_for_no_frame_and_a_wheel_does() {
    let mut app = drawn_app();
    app.update(mouse(MouseEventKind::Moved));
    assert!(!app.frame_due());
    app.update(mouse(MouseEventKind::ScrollDown));
    assert!(app.frame_due());
}

#[test]
fn between_on_time_polls_the_tick_leaves_the_ages_to_the_next_poll() {
    let mut app = drawn_app();
    // 1.5 s after a poll at a 1 s refresh, the next poll is on its way: it moves the
    // ages, so the tick draws nothing (one frame per poll, not two).
    app.update(Event::Tick(after(1, 500)));
    assert!(!app.frame_due());
    assert_eq!(app.now(), at(0));
    // Paused, nothing is on its way: the tick moves the clock.
    app.set_paused(true);
    app.update(Event::Tick(after(1, 600)));
    assert!(app.frame_due(), "the header's age went from 0s to 1s");
    assert_eq!(app.now(), after(1, 600));
}
