//! Render snapshots of the confirmation dialog, the EXPLAIN view and the actions journal.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::test_render::{assert_role, draw, style_of, text};
use crate::actions::executor::ExecutorEvent;
use crate::actions::{ActionKind, Outcome, RelationTarget, StepReport, plan};
use crate::monitor::snapshot::Session;
use crate::monitor::snapshot::test_support::*;
use crate::tui::app::Dialog;
use crate::tui::app::{App, Event, Mode};
use crate::tui::keymap::Keymap;
use crate::tui::screens::state::TableId;
use crate::tui::theme::{Role, Theme};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn press(app: &mut App, code: KeyCode) {
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn activity_app() -> App {
    let mut app = App::new(
        "postgres@localhost:5432/app".into(),
        Duration::from_secs(1),
        at(0),
        Keymap::default(),
        Theme::default(),
    );
    let mut busy: Session = session(4242);
    busy.state = Some(SessionState::Active);
    busy.application = "learning-api".into();
    busy.query_age = Some(Duration::from_secs(125));
    busy.query = "UPDATE learning_sessions SET completed = true WHERE user_id = 42".into();
    app.update(Event::Snapshot(Box::new(
        snapshot_at(0).with_sessions(vec![busy, session(4243)]),
    )));
    press(&mut app, KeyCode::Char('2'));
    app
}

#[test]
fn terminate_dialog() {
    let mut app = activity_app();
    press(&mut app, KeyCode::Char('K'));
    assert!(matches!(*app.mode(), Mode::Dialog(_)));
    for (width, height) in SIZES {
        app.update(Event::Resize(width, height));
        let buffer = draw(&mut app, width, height);
        let screen = text(&buffer);
        assert!(screen.contains("pg_terminate_backend"), "{screen}");
        assert!(screen.contains("pid 4242"), "{screen}");
        // No is focused (reversed); Yes is drawn as danger.
        let no = style_of(&buffer, "[ No", "[ No");
        assert!(no.add_modifier.contains(ratatui::style::Modifier::REVERSED));
        let yes = style_of(&buffer, "[ Yes", "[ Yes");
        assert_role(yes, Role::Danger, "Yes of a destructive action");
        insta::assert_snapshot!(format!("terminate_dialog_{width}x{height}"), screen);
    }
}

#[test]
fn vacuum_dialog_names_the_relation_exactly() {
    let mut app = activity_app();
    let target = RelationTarget {
        oid: 16_384,
        schema: "Weird Schema".into(),
        name: "has\"quote".into(),
        size_bytes: Some(42 * 1024 * 1024),
        table: None,
    };
    app.set_mode(Mode::Dialog(Box::new(Dialog::run(plan::relation(
        ActionKind::VacuumAnalyze,
        target,
    )))));
    for (width, height) in SIZES {
        app.update(Event::Resize(width, height));
        let screen = text(&draw(&mut app, width, height));
        assert!(
            screen.contains("VACUUM (ANALYZE) \"Weird Schema\".\"has\"\"quote\""),
            "{screen}"
        );
        assert!(screen.contains("SHARE UPDATE EXCLUSIVE"), "{screen}");
        insta::assert_snapshot!(format!("vacuum_dialog_{width}x{height}"), screen);
    }
}

pub(super) fn entry(
    kind: ActionKind,
    target: &str,
    outcome: Outcome,
    message: &str,
    secs: u64,
) -> StepReport {
    StepReport {
        kind,
        target: target.into(),
        sql: String::new(),
        outcome,
        message: message.into(),
        duration: Duration::from_millis(secs * 700),
        notices: vec![],
        output: vec![],
        planned: None,
        left_invalid: vec![],
        finished_at: at(secs),
    }
}

#[test]
fn journal_panel() {
    let mut app = super::tests_maintenance::normal_app();
    app.settings_mut().set_target("postgres@localhost:5432/app");
    app.settings_mut().set_role("postgres".into());
    for report in [
        entry(
            ActionKind::VacuumAnalyze,
            "public.learning_events",
            Outcome::Ok,
            "VACUUM (ANALYZE) done",
            3,
        ),
        entry(
            ActionKind::VacuumAnalyze,
            "public.user_profiles",
            Outcome::Warning,
            "WARNING: skipping \"user_profiles\" --- only table or database owner can vacuum it",
            1,
        ),
        entry(
            ActionKind::CancelBackend,
            "pid 4242",
            Outcome::SessionEnded,
            "session ended: pid 4242 is gone or now belongs to another session; nothing was sent",
            0,
        ),
    ] {
        app.update(Event::Executor(ExecutorEvent::Step {
            id: 1,
            report: Box::new(report),
        }));
    }
    app.update(Event::Executor(ExecutorEvent::Done { id: 1 }));
    for (width, height) in SIZES {
        app.update(Event::Resize(width, height));
        if width < 140 {
            // Narrow: the journal shows in the task history's slot when focused.
            while app.focused_table_id() != Some(TableId::Journal) {
                press(&mut app, KeyCode::Char('f'));
            }
        }
        let buffer = draw(&mut app, width, height);
        let screen = text(&buffer);
        assert!(screen.contains("Actions journal · 2 not ok"), "{screen}");
        let warning = style_of(&buffer, "public.user_prof", "WARNING");
        assert_role(warning, Role::Crit, "a VACUUM that only warned");
        insta::assert_snapshot!(format!("journal_panel_{width}x{height}"), screen);
    }
}

#[test]
fn read_only_badge() {
    let mut app = activity_app();
    app.settings_mut().set_read_only(true);
    let screen = text(&draw(&mut app, 80, 24));
    assert!(
        screen
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains("READ-ONLY")),
        "{screen}"
    );
}

/// `--record DIR`: the header says REC, with the target and alerts still whole at 80
/// columns; after a failed write the badge goes.
#[test]
fn rec_badge_while_recording() {
    let mut app = activity_app();
    app.set_recording(true);
    let header = |app: &mut App| {
        text(&draw(app, 80, 24))
            .lines()
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    let recording = header(&mut app);
    assert!(recording.contains("● REC"), "{recording}");
    assert!(recording.contains("postgres@"), "{recording}");
    app.set_recording(false);
    let stopped = header(&mut app);
    assert!(!stopped.contains("REC"), "{stopped}");
}

/// Three busy sessions with their query starts; 4243 and 4244 marked, 4242 highlighted.
fn marked_app(theme: Theme) -> App {
    let mut app = App::new(
        "postgres@localhost:5432/app".into(),
        Duration::from_secs(1),
        at(1000),
        Keymap::default(),
        theme,
    );
    let sessions = (0..3)
        .map(|i| {
            let mut s: Session = session(4242 + i);
            s.state = Some(SessionState::Active);
            s.application = "learning-api".into();
            s.query_age = Some(Duration::from_secs(125 + i as u64));
            s.query_start = Some(at(875 - i as u64));
            s.query = format!("UPDATE learning_sessions SET completed = true WHERE user_id = {i}");
            s
        })
        .collect();
    app.update(Event::Snapshot(Box::new(
        snapshot_at(1000).with_sessions(sessions),
    )));
    press(&mut app, KeyCode::Char('2'));
    for pid in [4243, 4244] {
        app.change_table(TableId::Activity, |t| {
            t.selected_id = Some(crate::tui::screens::table::RowId::Pid(pid))
        });
        press(&mut app, KeyCode::Char(' '));
    }
    app.change_table(TableId::Activity, |t| {
        t.selected_id = Some(crate::tui::screens::table::RowId::Pid(4242))
    });
    app
}

#[test]
fn marked_rows_read_as_marked_in_every_theme() {
    for name in crate::tui::theme::builtin_names() {
        let theme = crate::tui::theme::load_theme(name, None).unwrap_or_else(|e| panic!("{e}"));
        let mut app = marked_app(theme);
        let screen = text(&draw(&mut app, 80, 24));
        assert!(
            screen.contains("2 marked · Sessions: all (3)"),
            "{name}:\n{screen}"
        );
        let mark_of = |pid: &str| {
            screen
                .lines()
                .find(|l| l.contains(pid) && l.contains("UPDATE"))
                .map(|l| l.trim_start_matches('│').starts_with('●'))
        };
        assert_eq!(mark_of("4242"), Some(false), "{name}:\n{screen}");
        assert_eq!(mark_of("4243"), Some(true), "{name}:\n{screen}");
        assert_eq!(mark_of("4244"), Some(true), "{name}:\n{screen}");
        if *name == "mono" {
            insta::assert_snapshot!("marked_rows_mono_80x24", screen);
        }
    }
}

#[test]
fn the_dialog_lists_every_marked_session_with_its_query_start() {
    let mut app = marked_app(Theme::default());
    press(&mut app, KeyCode::Char('K'));
    for (width, height) in SIZES {
        app.update(Event::Resize(width, height));
        let screen = text(&draw(&mut app, width, height));
        assert!(
            screen.contains("Target  pid 4243 · query started 22:27:54 UTC (2m 6s ago)")
                && screen.contains("        pid 4244 · query started 22:27:53 UTC (2m 7s ago)")
                && !screen.contains("pid 4242 ·"),
            "{screen}"
        );
        assert!(
            screen.contains("[ Yes  y ]") && screen.contains("[ No  n ]"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("marked_terminate_dialog_{width}x{height}"), screen);
    }
}

#[test]
fn a_leftover_message_is_whole_in_the_journal_detail() {
    let mut app = super::tests_maintenance::normal_app();
    app.settings_mut().set_target("postgres@localhost:5432/app");
    app.settings_mut().set_role("postgres".into());
    let message = "ERROR 57014: canceling statement due to statement timeout; left invalid index \
                   \"public\".\"learning_sessions_user_id_idx_ccnew\" (still updated on every \
                   write: DROP INDEX CONCURRENTLY it)";
    let mut failed = entry(
        ActionKind::ReindexConcurrently,
        "public.learning_sessions_user_id_idx",
        Outcome::Error,
        message,
        3,
    );
    failed.left_invalid = vec![RelationTarget {
        oid: 4242,
        schema: "public".into(),
        name: "learning_sessions_user_id_idx_ccnew".into(),
        size_bytes: None,
        table: None,
    }];
    app.update(Event::Executor(ExecutorEvent::Step {
        id: 1,
        report: Box::new(failed),
    }));
    app.update(Event::Executor(ExecutorEvent::Done { id: 1 }));
    app.update(Event::Resize(80, 24));
    while app.focused_table_id() != Some(TableId::Journal) {
        press(&mut app, KeyCode::Char('f'));
    }
    press(&mut app, KeyCode::Enter);
    let screen = text(&draw(&mut app, 80, 24));
    // The detail wraps the message: joined, its lines give the whole text back.
    let joined: String = screen
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' ').to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = message.split(' ').collect();
    assert!(
        words.iter().all(|w| joined.contains(w)),
        "some of the message is missing:\n{screen}"
    );
}
