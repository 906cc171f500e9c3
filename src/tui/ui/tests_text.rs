//! Text and tables (issue 10, C): exact statements in copy and detail, viewports that keep
//! the selection in sight and say where they are, and nothing cut mid-word or drawn over.
//! `App::update` scripts with render checks, as a user at the keyboard would see them.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::monitor::collector::detail::{IndexDetail, LockInfo, SessionDetail, StatementDetail};
use crate::monitor::collector::{DetailData, DetailRequest};
use crate::monitor::poller::PollerCommand;
use crate::monitor::snapshot::test_support::*;
use crate::monitor::snapshot::{Session, Snapshot};
use crate::tui::app::test_support::{draw, text};
use crate::tui::app::{App, Effect, Event, Mode};
use crate::tui::keymap::Keymap;
use crate::tui::screen::Screen;
use crate::tui::screens::state::TableId;
use crate::tui::screens::table::RowId;
use crate::tui::theme::Theme;

fn new_app() -> App {
    App::new(
        "postgres@db1:5432/app".into(),
        Duration::from_secs(1),
        at(0),
        Keymap::default(),
        Theme::default(),
    )
}

/// A key press as the event loop feeds it: the frame after it is drawn (paging and
/// scrolling go by what was drawn).
fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    crate::tui::app::test_support::press(app, code)
}

fn keys(app: &mut App, text: &str) -> Vec<Effect> {
    crate::tui::app::test_support::chars(app, text)
}

/// A session whose text came from the server as written: line breaks, a `--` comment,
/// a tab, and an escape sequence.
fn running(pid: i32, raw: &str) -> Session {
    let mut s = session(pid);
    s.state = Some(SessionState::Active);
    s.query_age = Some(Duration::from_secs(12));
    s.raw_query = raw.into();
    s.query = crate::text::sanitize::sanitized(raw);
    s
}

fn feed(app: &mut App, snapshot: Snapshot) {
    app.update(Event::Snapshot(Box::new(snapshot)));
}

const COMMENTED: &str =
    "SELECT id -- the learner\n\tFROM users\nWHERE id = $1 /* \u{1b}]0;x\u{7} */";

fn activity_app(sessions: Vec<Session>) -> App {
    let mut app = new_app();
    let mut snapshot = snapshot_at(0).with_sessions(sessions);
    snapshot.capabilities = Some(Arc::new(crate::pg::probe::sample_capabilities()));
    feed(&mut app, snapshot);
    app.set_screen(Screen::Activity);
    app.update(Event::Resize(80, 24));
    app
}

#[test]
fn y_copies_the_exact_text_with_its_line_breaks_and_escapes_controls() {
    let mut app = activity_app(vec![running(4242, COMMENTED)]);
    assert_eq!(
        keys(&mut app, "y"),
        vec![Effect::Copy(
            "SELECT id -- the learner\n\tFROM users\nWHERE id = $1 /* \\x1b]0;x\\x07 */".into()
        )]
    );
}

#[test]
fn the_session_detail_keeps_line_breaks_and_asks_for_the_locks() {
    let mut app = activity_app(vec![running(4242, COMMENTED)]);
    let effects = press(&mut app, KeyCode::Enter);
    let request = DetailRequest::Session {
        pid: 4242,
        backend_start: Some(at(0)),
    };
    assert_eq!(
        effects,
        vec![Effect::Poller(PollerCommand::FetchDetail(request))]
    );
    let screen = text(&draw(&mut app, 80, 24));
    assert!(screen.contains("Locks: reading pg_locks…"), "{screen}");
    // Each source line on its own line: the comment does not swallow FROM.
    let lines: Vec<&str> = screen.lines().collect();
    let at = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} missing:\n{screen}"))
    };
    assert!(
        at("SELECT id -- the learner") < at("    FROM users"),
        "{screen}"
    );
    assert!(at("    FROM users") < at("WHERE id = $1"), "{screen}");
    assert!(screen.contains("\\x1b]0;x\\x07"), "{screen}");

    let locks = SessionDetail {
        same_session: true,
        locks: vec![
            LockInfo {
                locktype: "transactionid".into(),
                mode: "ShareLock".into(),
                granted: false,
                object: "transaction 748".into(),
                wait_start: Some("2025-01-01 10:00:01+00".into()),
            },
            LockInfo {
                locktype: "relation".into(),
                mode: "RowExclusiveLock".into(),
                granted: true,
                object: "public.\"Learning Sessions\"".into(),
                wait_start: None,
            },
        ],
        query_size_limit: Some(1024),
    };
    app.update(Event::DetailFetched(Box::new((
        request,
        Ok(DetailData::Session(locks)),
    ))));
    let screen = text(&draw(&mut app, 80, 24));
    assert!(
        screen.contains("Locks when the view opened: 1 held, waits for 1"),
        "{screen}"
    );
    assert!(
        screen.contains("waits  ShareLock         transaction 748 (transactionid)"),
        "{screen}"
    );
    assert!(
        screen.contains("held   RowExclusiveLock  public.\"Learning Sessions\" (relation)"),
        "{screen}"
    );
}

#[test]
fn an_answer_for_another_row_is_not_shown() {
    let mut app = activity_app(vec![running(4242, "SELECT 1")]);
    press(&mut app, KeyCode::Enter);
    let other = DetailRequest::Session {
        pid: 9999,
        backend_start: None,
    };
    app.update(Event::DetailFetched(Box::new((
        other,
        Err("should not appear".into()),
    ))));
    let screen = text(&draw(&mut app, 80, 24));
    assert!(!screen.contains("should not appear"), "{screen}");
}

/// A statement of 200 lines: the view scrolls with j/k, PgDn/PgUp, G/g and says where.
#[test]
fn the_detail_view_scrolls_through_a_text_of_any_length() {
    let long: String = (1..=200)
        .map(|i| format!("  , column_{i:03} -- line {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut app = activity_app(vec![running(4242, &format!("SELECT 1\n{long}"))]);
    press(&mut app, KeyCode::Enter);
    let screen = text(&draw(&mut app, 80, 24));
    assert!(screen.contains("column_001"), "{screen}");
    assert!(!screen.contains("column_200"), "{screen}");
    assert!(screen.contains("j/k scroll"), "{screen}");
    press(&mut app, KeyCode::Char('G'));
    let bottom = text(&draw(&mut app, 80, 24));
    assert!(bottom.contains("column_200 -- line 200"), "{bottom}");
    // 4 lines of facts, the locks, the heading and 201 lines of text, with blank lines.
    assert!(bottom.contains(" 191–209 of 209 "), "{bottom}");
    // k moves at once after G: the scroll stops at the last page, not beyond.
    press(&mut app, KeyCode::Char('k'));
    let up_one = text(&draw(&mut app, 80, 24));
    assert!(!up_one.contains("column_200"), "{up_one}");
    assert!(up_one.contains("column_199"), "{up_one}");
    press(&mut app, KeyCode::PageUp);
    assert!(!text(&draw(&mut app, 80, 24)).contains("column_199"));
    press(&mut app, KeyCode::Char('g'));
    let top = text(&draw(&mut app, 80, 24));
    assert!(
        top.contains("session 4242") && top.contains("column_001"),
        "{top}"
    );
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::PageDown);
    assert!(!text(&draw(&mut app, 80, 24)).contains("column_001"));
    // Esc leaves the view; the table is where it was.
    press(&mut app, KeyCode::Esc);
    assert_eq!(*app.mode(), Mode::Normal);
}

fn statements_app() -> App {
    let mut app = new_app();
    for t in 0..2 {
        let mut snapshot = super::tests::busy(t);
        if let Ok(statements) = &mut snapshot.statements {
            let mut texts = (*statements.texts).clone();
            let cut = format!("SELECT {}…", "x, ".repeat(2000));
            texts.insert(key(1), cut.into());
            statements.texts = Arc::new(texts);
        }
        feed(&mut app, snapshot);
    }
    app.set_screen(Screen::Queries);
    app.update(Event::Resize(100, 30));
    app.change_table(TableId::Statements, |t| {
        t.selected_id = Some(RowId::Statement(key(1)))
    });
    app
}

fn counters(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
    pairs.iter().map(|(n, v)| ((*n).to_string(), *v)).collect()
}

#[test]
fn the_statement_detail_names_role_and_database_and_shows_every_counter_it_has() {
    let mut app = statements_app();
    let effects = press(&mut app, KeyCode::Enter);
    let request = DetailRequest::Statement(key(1));
    assert_eq!(
        effects,
        vec![Effect::Poller(PollerCommand::FetchDetail(request))]
    );
    let before = text(&draw(&mut app, 100, 30));
    assert!(before.contains("role (reading…)"), "{before}");
    assert!(
        before.contains("its first 8 KiB, reading the whole text…"),
        "{before}"
    );
    let whole = format!("SELECT {}a FROM t", "x, ".repeat(2000));
    let detail = StatementDetail {
        role: Some("learning_app".into()),
        database: Some("learning_assistant".into()),
        text: Some(whole.clone()),
        counters: counters(&[
            ("calls", 1500.0),
            ("total_exec_time", 12_000.0),
            ("mean_exec_time", 8.0),
            ("min_exec_time", 0.5),
            ("max_exec_time", 420.0),
            ("stddev_exec_time", 3.25),
            ("rows", 1500.0),
            ("plans", 0.0),
            ("shared_blks_hit", 90_000.0),
            ("shared_blks_read", 300.0),
            ("shared_blks_dirtied", 2.0),
            ("shared_blks_written", 0.0),
            ("temp_blks_read", 0.0),
            ("temp_blks_written", 0.0),
            ("blk_read_time", 12.5),
            ("blk_write_time", 0.0),
            ("wal_records", 120.0),
            ("wal_fpi", 3.0),
            ("wal_bytes", 12_288.0),
        ]),
        stats_since: None,
        track_planning: Some(false),
    };
    app.update(Event::DetailFetched(Box::new((
        request,
        Ok(DetailData::Statement(detail)),
    ))));
    let screen = text(&draw(&mut app, 100, 30));
    for needle in [
        "role learning_app",
        "database learning_assistant",
        "stddev 3.25 ms",
        "max 420 ms",
        "hit 90.0k",
        "read 300",
        "records 120",
        "full-page images 3",
        "bytes 12.0 KiB",
        "read 12.5 ms",
        "not counted (pg_stat_statements.track_planning = off)",
    ] {
        assert!(screen.contains(needle), "{needle:?} missing:\n{screen}");
    }
    assert!(!screen.contains("oid 10"), "{screen}");
    // Copy takes the whole text now, not the cut one.
    assert_eq!(keys(&mut app, "y"), vec![Effect::Copy(whole)]);
}

#[test]
fn copying_a_cut_statement_text_says_it_is_cut() {
    let mut app = statements_app();
    let effects = keys(&mut app, "y");
    assert!(matches!(&effects[..], [Effect::Copy(t)] if t.ends_with('…')));
    let status = app.status_text();
    assert!(status.contains("the text is cut"), "{status}");
}

#[test]
fn the_index_detail_shows_its_definition() {
    let mut app = new_app();
    let mut snapshot = snapshot_at(0);
    let mut tier = super::tests_cache_indexes::normal_tier();
    tier.performance_log = Err(crate::monitor::snapshot::SectionError::Failed("x".into()));
    snapshot.slow = Some(Arc::new(tier));
    feed(&mut app, snapshot);
    app.set_screen(Screen::Indexes);
    app.update(Event::Resize(100, 30));
    let Some(RowId::Relation(oid)) = app.table_state(TableId::Indexes).selected_id.clone() else {
        panic!("no index selected");
    };
    let effects = press(&mut app, KeyCode::Enter);
    let request = DetailRequest::Index(oid);
    assert_eq!(
        effects,
        vec![Effect::Poller(PollerCommand::FetchDetail(request))]
    );
    app.update(Event::DetailFetched(Box::new((
        request,
        Ok(DetailData::Index(IndexDetail {
            definition: Some(
                "CREATE INDEX adaptive_content_topic_idx ON public.adaptive_content USING btree (topic)"
                    .into(),
            ),
            constraint: None,
            valid: Some(false),
        })),
    ))));
    let screen = text(&draw(&mut app, 100, 30));
    assert!(
        screen.contains(
            "CREATE INDEX adaptive_content_topic_idx ON public.adaptive_content USING btree (topic)"
        ),
        "{screen}"
    );
    assert!(screen.contains("INVALID: not used by queries"), "{screen}");
}

/// 120 sessions; the selection near the end; a filter leaves 3: they show from the top,
/// with the selection among them and no empty lines under hidden rows.
#[test]
fn after_a_filter_or_a_resize_the_selection_is_visible_and_no_rows_hide_above_empty_lines() {
    let sessions: Vec<Session> = (1..=120)
        .map(|pid| {
            let mut s = running(1000 + pid, &format!("SELECT {pid}"));
            s.query_age = Some(Duration::from_secs(u64::try_from(pid).unwrap_or(0)));
            s
        })
        .collect();
    let mut app = activity_app(sessions);
    press(&mut app, KeyCode::Char('G'));
    let state = app.table_state(TableId::Activity);
    assert!(state.offset > 0, "scrolled: {state:?}");
    keys(&mut app, "/");
    keys(&mut app, "SELECT 11");
    // "SELECT 11", "SELECT 110".."SELECT 119": 11 rows, fewer than a page.
    let screen = text(&draw(&mut app, 80, 24));
    assert_eq!(app.table_state(TableId::Activity).offset, 0, "{screen}");
    let rows = screen
        .lines()
        .filter(|l| l.starts_with('│') && l.contains("SELECT 11"))
        .count();
    assert_eq!(rows, 11, "{screen}");
    press(&mut app, KeyCode::Enter);
    let state = app.table_state(TableId::Activity).clone();
    assert_eq!((state.selected, state.offset), (0, 0));

    // Clear the filter, go to the end, then make the terminal taller: rows above come
    // back into view instead of empty lines at the bottom.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('G'));
    crate::tui::app::test_support::step(&mut app, Event::Resize(80, 200));
    let state = app.table_state(TableId::Activity).clone();
    let visible = 200 - 3 - 3;
    assert_eq!(state.offset, 0, "{state:?} with {visible} visible rows");
    // A toggle that hides most rows (idle sessions) after scrolling to the end: the
    // rows left show from the top with the selection among them.
    crate::tui::app::test_support::step(&mut app, Event::Resize(80, 24));
    let mut sessions = app.model().sessions().unwrap_or_default().to_vec();
    for session in sessions.iter_mut().filter(|s| s.pid % 10 != 0) {
        session.state = Some(SessionState::Idle);
    }
    feed(&mut app, snapshot_at(1).with_sessions(sessions));
    press(&mut app, KeyCode::Char('G'));
    keys(&mut app, "i");
    let state = app.table_state(TableId::Activity).clone();
    assert_eq!(app.table(TableId::Activity).1.len(), 12);
    assert_eq!(state.offset, 0, "{state:?}");
    assert!(state.selected < 12, "{state:?}");
    keys(&mut app, "i");
    // And the selection stays on screen when it shrinks again.
    crate::tui::app::test_support::step(&mut app, Event::Resize(80, 24));
    let screen = text(&draw(&mut app, 80, 24));
    let selected = app.table_state(TableId::Activity).selected;
    let pid = app.table(TableId::Activity).1[selected].cells[0]
        .text
        .trim()
        .to_string();
    assert!(
        screen.contains(&pid),
        "selected pid {pid} not on screen:\n{screen}"
    );
}

#[test]
fn a_scrolling_table_says_where_it_is() {
    let sessions: Vec<Session> = (1..=124).map(|pid| running(pid, "SELECT 1")).collect();
    let mut app = activity_app(sessions);
    let screen = text(&draw(&mut app, 80, 24));
    assert!(screen.contains(" 1–18 of 124 "), "{screen}");
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    let screen = text(&draw(&mut app, 80, 24));
    assert!(screen.contains(" 20–37 of 124 "), "{screen}");
}

#[test]
fn the_sort_marker_never_eats_a_header_letter() {
    let mut app = activity_app(vec![running(1, "SELECT 1")]);
    app.set_activity_mode(crate::tui::screens::state::ActivityMode::BlockingTree);
    let blocks = app
        .table(TableId::Activity)
        .0
        .iter()
        .position(|c| c.title == "BLOCKS")
        .unwrap_or_else(|| panic!("no BLOCKS column"));
    // Sorting is on that column in the normal modes; show the marker there.
    app.set_activity_mode(crate::tui::screens::state::ActivityMode::All);
    app.change_table(TableId::Activity, |t| t.sort_column = Some(blocks));
    for width in [80, 100, 160] {
        app.update(Event::Resize(width, 24));
        let screen = text(&draw(&mut app, width, 24));
        if screen.contains("LOCKS▼") {
            assert!(screen.contains("BLOCKS▼"), "{screen}");
        }
    }
}

#[test]
fn tabs_show_whole_names_from_110_columns_and_short_ones_below() {
    let mut app = new_app();
    let tabs = |app: &mut App, width: u16| {
        app.update(Event::Resize(width, 24));
        text(&draw(app, width, 24))
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let wide = tabs(&mut app, 110);
    assert_eq!(
        wide.trim(),
        "1 Dashboard  2 Activity  3 Queries  4 Cache  5 Pool  6 Indexes  7 Maintenance  8 Replication & WAL  9 Waits"
    );
    let narrow = tabs(&mut app, 80);
    assert_eq!(
        narrow.trim(),
        "1 Dash  2 Act  3 Query  4 Cache  5 Pool  6 Index  7 Maint  8 Repl/WAL  9 Wait"
    );
    let tiny = tabs(&mut app, 40);
    assert_eq!(tiny.trim(), "1  2  3  4  5  6  7  8  9");
}

#[test]
fn the_alert_badge_never_covers_the_header() {
    let mut app = new_app();
    feed(&mut app, super::tests::busy(0));
    let mut failed = super::tests::busy(5);
    let error = crate::monitor::snapshot::SectionError::Failed("no answer within 3s".into());
    failed.server = Err(error.clone());
    failed.activity = Err(error.clone());
    failed.databases = Err(error);
    feed(&mut app, failed);
    app.update(Event::Resize(80, 24));
    let header = text(&draw(&mut app, 80, 24))
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(
        header.contains("ALERT") && header.contains("STALE 5s"),
        "{header}"
    );
    assert!(header.contains("polled 5s ago"), "{header}");
    assert!(!header.contains("polled 5 "), "{header}");
}

#[test]
fn a_long_status_message_shows_its_start_and_the_message_log_shows_it_whole() {
    let mut app = activity_app(vec![running(1, "SELECT 1")]);
    let message = "REINDEX CONCURRENTLY public.orders_pkey: ERROR 55P03: canceling statement due \
                   to lock timeout; it left the invalid index public.orders_pkey_ccnew behind";
    app.update(Event::Executor(
        crate::actions::executor::ExecutorEvent::Step {
            id: 1,
            report: Box::new(super::tests_actions::entry(
                crate::actions::ActionKind::ReindexConcurrently,
                "public.orders_pkey",
                crate::actions::Outcome::Error,
                message,
                1,
            )),
        },
    ));
    let screen = text(&draw(&mut app, 80, 24));
    let status = screen.lines().last().unwrap_or_default();
    assert!(status.contains("REINDEX CONCURRENTLY"), "{status}");
    assert!(status.contains("… L log"), "{status}");
    assert!(!status.contains("orders_pkey_ccnew"), "{status}");
    // The hints never run into the message: whole hints or none.
    assert!(status.starts_with(" ? help"), "{status}");
    keys(&mut app, "L");
    assert_eq!(*app.mode(), Mode::Messages);
    let log = text(&draw(&mut app, 80, 24));
    let joined: String = log
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(joined.contains("public.orders_pkey_ccnew behind"), "{log}");
    // q closes the log, it does not quit.
    assert_eq!(keys(&mut app, "q"), vec![]);
    assert_eq!(*app.mode(), Mode::Normal);
}

#[test]
fn a_dialog_at_40x12_still_shows_yes_and_no() {
    let mut session = running(4242, &"SELECT 1, ".repeat(40));
    session.query_start = Some(at(0));
    let mut app = activity_app(vec![session]);
    app.update(Event::Resize(40, 12));
    keys(&mut app, "K");
    assert!(matches!(*app.mode(), Mode::Dialog(_)), "{:?}", *app.mode());
    let screen = text(&draw(&mut app, 40, 12));
    assert!(screen.contains("[ Yes  y ]"), "{screen}");
    assert!(screen.contains("[ No  n ]"), "{screen}");
}

#[test]
fn the_detail_view_lets_nothing_of_the_table_through() {
    let sessions: Vec<Session> = (1..=30)
        .map(|pid| running(pid, "SELECT n_live_tup FROM pg_stat_user_tables"))
        .collect();
    let mut app = activity_app(sessions);
    press(&mut app, KeyCode::Enter);
    for (width, height) in [(80, 24), (160, 48)] {
        app.update(Event::Resize(width, height));
        let screen = text(&draw(&mut app, width, height));
        assert!(
            !screen.contains("n_live_tup FROM pg_stat_user_tables\n"),
            "{screen}"
        );
        for line in screen.lines().skip(3).take(usize::from(height) - 5) {
            assert!(
                line.starts_with('│') && line.ends_with('│'),
                "a line of the view shows something else at its edge: {line:?}\n{screen}"
            );
        }
    }
}

#[test]
fn help_scrolls_to_its_end_and_back_at_80x24() {
    let mut app = activity_app(vec![running(1, "SELECT 1")]);
    keys(&mut app, "?");
    assert_eq!(*app.mode(), Mode::Help);
    keys(&mut app, "G");
    let bottom = text(&draw(&mut app, 80, 24));
    assert!(bottom.contains("Go to a time: HH:MM"), "{bottom}");
    assert!(bottom.contains(" of 61 ┘"), "{bottom}");
    // One k shows one more line at the top at once: no overshoot to scroll back first.
    let before = app.help_scroll();
    keys(&mut app, "k");
    assert_eq!(app.help_scroll() + 1, before);
    keys(&mut app, "g");
    assert!(text(&draw(&mut app, 80, 24)).contains("Quit pgpulse"));
}

/// Every hint names the key the keymap has for it: remapped keys show as remapped, in the
/// status line, the overlays' borders and the empty tables' messages alike.
#[test]
fn remapped_keys_show_in_every_hint() {
    let overrides: Vec<(String, Vec<String>)> = [
        ("back", "ctrl-g"),
        ("down", "ctrl-n"),
        ("up", "ctrl-p"),
        ("help", "F1"),
        ("filter", "ctrl-s"),
        ("copy", "Y"),
    ]
    .iter()
    .map(|(action, key)| ((*action).to_string(), vec![(*key).to_string()]))
    .collect();
    let keymap = Keymap::with_overrides(&overrides, "test.toml").unwrap_or_else(|e| panic!("{e}"));
    let mut app = App::new(
        "postgres@db1:5432/app".into(),
        Duration::from_secs(1),
        at(0),
        keymap,
        Theme::default(),
    );
    let long: String = (1..=60).map(|i| format!("SELECT {i}\n")).collect();
    feed(
        &mut app,
        snapshot_at(0).with_sessions(vec![running(4242, &long)]),
    );
    app.set_screen(Screen::Activity);
    let status = text(&draw(&mut app, 120, 24));
    assert!(
        status.contains("F1 help") && status.contains("Ctrl-s filter"),
        "{status}"
    );
    assert!(
        !status.contains("? help") && !status.contains("/ filter"),
        "{status}"
    );

    press(&mut app, KeyCode::Enter);
    let detail = text(&draw(&mut app, 120, 24));
    assert!(
        detail.contains("Ctrl-g back · Ctrl-n/Ctrl-p scroll · Y copy"),
        "{detail}"
    );
    assert!(
        !detail.contains("Esc back") && !detail.contains("j/k"),
        "{detail}"
    );
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('g'),
        KeyModifiers::CONTROL,
    )));

    app.update(Event::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)));
    let help = text(&draw(&mut app, 80, 24));
    assert!(help.contains("F1 or Ctrl-g closes"), "{help}");
    assert!(!help.contains("? or Esc"), "{help}");
    app.update(Event::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)));

    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    keys(&mut app, "nothing like it");
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    let filtered = text(&draw(&mut app, 120, 24));
    assert!(
        filtered.contains("no session matches the filter (Ctrl-g clears it)"),
        "{filtered}"
    );
}
