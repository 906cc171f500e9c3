//! Every screen and overlay, drawn at every size of [`layout_check::SIZES`] from one
//! snapshot that fills every panel: nothing may be cut mid-word or drawn over (C3), and
//! tables keep their selection in view without empty lines under hidden rows (C2).

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::layout_check::problems;
use crate::actions::executor::ExecutorEvent;
use crate::actions::{ActionKind, Outcome};
use crate::monitor::snapshot::test_support::*;
use crate::tui::app::{App, Event, Mode};
use crate::tui::keymap::Keymap;
use crate::tui::screen::Screen;
use crate::tui::theme::Theme;

fn press(app: &mut App, code: KeyCode) {
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// One poll of a server with everything: sessions of the pools and a lock chain,
/// statements, every slow-tier source, PgBouncer, a VACUUM running.
fn full_snapshot(t: u64) -> crate::monitor::snapshot::Snapshot {
    let mut snapshot = super::tests::busy(t);
    if let Ok(sessions) = snapshot.activity.as_mut() {
        sessions.extend(super::tests_pool::sessions());
        let mut chain = blocking_chain(3);
        chain[0].query = "ALTER TABLE learning_sessions ADD COLUMN reviewed_at timestamptz".into();
        sessions.extend(chain);
    }
    snapshot.pgbouncer = Some(Ok(super::tests_pool::bouncer()));
    snapshot.progress = Ok(vec![super::tests_maintenance::vacuum_at_62_percent()]);
    let mut tier = super::tests_cache_indexes::normal_tier();
    if let Some(slow) = &snapshot.slow {
        tier.performance_log = slow.performance_log.clone();
    }
    tier.maintenance = Ok(Arc::new(super::tests_maintenance::three_tables()));
    tier.wraparound = Ok(super::tests_maintenance::wraparound(vec![
        super::tests_maintenance::oldest(16_384, "learning_events", 120_000_000, false),
        super::tests_maintenance::oldest(16_395, "user_profiles", 95_000_000, true),
    ]));
    tier.task_history = Ok(super::tests_maintenance::task_runs());
    snapshot.slow = Some(Arc::new(tier));
    snapshot
}

/// The app after two polls of [`full_snapshot`], with a journal and a long message.
fn full_app() -> App {
    let mut app = App::new(
        "postgres@db1.example.internal:5432/learning_assistant".into(),
        std::time::Duration::from_secs(1),
        at(0),
        Keymap::default(),
        Theme::default(),
    );
    app.settings_mut().config_mut().pools = super::tests_pool::pools();
    app.settings_mut().set_badge(Some("DEMO".into()));
    app.update(Event::Snapshot(Box::new(full_snapshot(0))));
    app.update(Event::Snapshot(Box::new(full_snapshot(1))));
    for report in [
        super::tests_actions::entry(
            ActionKind::VacuumAnalyze,
            "public.user_profiles",
            Outcome::Warning,
            "WARNING: skipping \"user_profiles\" --- only table or database owner can vacuum it",
            1,
        ),
        super::tests_actions::entry(
            ActionKind::ReindexConcurrently,
            "public.adaptive_content_pkey",
            Outcome::Error,
            "ERROR 55P03: canceling statement due to lock timeout; it left the invalid index \
             public.adaptive_content_pkey_ccnew behind (DROP INDEX CONCURRENTLY it)",
            2,
        ),
    ] {
        app.update(Event::Executor(ExecutorEvent::Step {
            id: 1,
            report: Box::new(report),
        }));
    }
    app.update(Event::Executor(ExecutorEvent::Done { id: 1 }));
    app
}

/// Texts the panels show that are not column titles or tiles.
const PANEL_TEXTS: [&str; 9] = [
    "Index usage",
    "Scheduled task history",
    "f: actions journal",
    "f: next panel",
    "Actions journal",
    "f expands",
    "no client connections",
    "Running VACUUM / ANALYZE / CREATE INDEX",
    "Table cache hits since the stats reset",
];

/// Every view of the current screen: the screen with each of its tables focused, filter,
/// help, detail, the message log, and a dialog where the screen has an action.
fn every_view(app: &mut App, found: &mut Vec<String>) {
    let tables = crate::tui::screens::state::tables_of(app.screen())
        .len()
        .max(1);
    for _ in 0..tables {
        app.set_mode(Mode::Normal);
        found.extend(problems(app, &PANEL_TEXTS));
        app.set_mode(Mode::Filter {
            input: "learning".into(),
        });
        found.extend(problems(app, &PANEL_TEXTS));
        app.set_mode(Mode::Normal);
        press(app, KeyCode::Enter);
        if *app.mode() == Mode::Detail {
            found.extend(problems(app, &PANEL_TEXTS));
        }
        app.set_mode(Mode::Normal);
        app.focus_next_table();
    }
    app.set_mode(Mode::Help);
    app.set_help_scroll(0);
    found.extend(problems(app, &PANEL_TEXTS));
    app.set_mode(Mode::Messages);
    found.extend(problems(app, &PANEL_TEXTS));
    app.set_mode(Mode::Normal);
    let action = match app.screen() {
        Screen::Activity => Some('K'),
        Screen::Maintenance | Screen::Cache => Some('v'),
        Screen::Indexes => Some('R'),
        Screen::Queries => Some('X'),
        _ => None,
    };
    if let Some(key) = action {
        app.set_focus(app.screen(), 0);
        press(app, KeyCode::Char(key));
        if matches!(*app.mode(), Mode::Dialog(_)) {
            found.extend(problems(app, &PANEL_TEXTS));
        }
        app.set_mode(Mode::Normal);
    }
}

#[test]
fn no_label_is_cut_mid_word_or_drawn_over_on_any_screen_at_any_size() {
    let mut app = full_app();
    let mut found = Vec::new();
    for screen in Screen::ALL {
        app.set_screen(screen);
        every_view(&mut app, &mut found);
    }
    assert!(
        found.is_empty(),
        "{} problems:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn a_stale_header_and_a_long_error_fit_at_80_columns() {
    let mut app = full_app();
    let mut failed = full_snapshot(6);
    let error = crate::monitor::snapshot::SectionError::Failed(
        "no answer within 3s: query cancelled, reconnecting (the server may be overloaded)".into(),
    );
    failed.server = Err(error.clone());
    failed.activity = Err(error.clone());
    failed.databases = Err(error);
    app.update(Event::Snapshot(Box::new(failed)));
    app.set_paused(true);
    let mut found = Vec::new();
    for screen in Screen::ALL {
        app.set_screen(screen);
        found.extend(problems(&mut app, &PANEL_TEXTS));
    }
    assert!(
        found.is_empty(),
        "{} problems:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Sources that fail or are empty: every panel says why, whole or visibly cut.
#[test]
fn empty_and_failing_sources_say_why_without_cutting_words() {
    let mut app = App::new(
        "postgres@db1:5432/app".into(),
        std::time::Duration::from_secs(1),
        at(0),
        Keymap::default(),
        Theme::default(),
    );
    for t in 0..2 {
        let mut quiet = snapshot_at(t).with_database(db(5));
        quiet.capabilities = Some(Arc::new(crate::pg::probe::sample_capabilities()));
        quiet.pgbouncer = Some(Err(crate::monitor::snapshot::SectionError::Failed(
            "connection to 127.0.0.1:6432 refused: is PgBouncer running?".into(),
        )));
        quiet.statements = Err(crate::monitor::snapshot::SectionError::Unavailable {
            reason: "pg_stat_statements is not installed in database \"app\"".into(),
            fix: Some("CREATE EXTENSION pg_stat_statements;".into()),
        });
        app.update(Event::Snapshot(Box::new(quiet)));
    }
    let texts = [
        "no client connections (pgpulse's own session is not counted)",
        "PgBouncer could not be read",
        "f expands",
        "no pg_stat_statements",
    ];
    let mut found = Vec::new();
    for screen in Screen::ALL {
        app.set_screen(screen);
        for index in 0..crate::tui::screens::state::tables_of(screen).len().max(1) {
            app.set_focus(screen, index);
            found.extend(problems(&mut app, &texts));
        }
    }
    assert!(
        found.is_empty(),
        "{} problems:\n{}",
        found.len(),
        found.join("\n")
    );
}
