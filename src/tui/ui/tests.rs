//! Render snapshots: each screen drawn into a `TestBackend` at 80x24 and 160x48 from
//! builder-made snapshots, plus cell-style checks where colour carries meaning.

use crate::tui::app::test_support::{draw, text};
use std::sync::Arc;
use std::time::Duration;

use crate::monitor::snapshot::test_support::*;
use crate::monitor::snapshot::{
    PerformanceLog, QueryLatency, SectionError, Session, SlowTier, Snapshot,
};
use crate::pg::probe::sample_capabilities;
use crate::tui::app::{App, Event, Mode};
use crate::tui::keymap::Keymap;
use crate::tui::screen::Screen;
use crate::tui::screens::state::ActivityMode;
use crate::tui::screens::state::TableId;
use crate::tui::theme::Theme;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn new_app() -> App {
    App::new(
        "postgres@db1:5432/app".into(),
        Duration::from_secs(1),
        at(0),
        Keymap::default(),
        Theme::default(),
    )
}

fn running(pid: i32, secs: u64, query: &str) -> Session {
    let mut s = session(pid);
    s.state = Some(SessionState::Active);
    s.query_age = Some(Duration::from_secs(secs));
    s.xact_age = Some(Duration::from_secs(secs));
    s.query = query.into();
    s
}

fn perf_log() -> Arc<SlowTier> {
    let row = |hash: &str, p95: f64, slow: i64| QueryLatency {
        query_hash: Some(hash.into()),
        count: 1200,
        mean_ms: p95 / 3.0,
        p50_ms: p95 / 4.0,
        p95_ms: p95,
        p99_ms: p95 * 1.5,
        max_ms: p95 * 3.0,
        slow_count: slow,
        rows_examined: 48_000,
        rows_returned: 1200,
    };
    Arc::new(SlowTier {
        performance_log: Ok(PerformanceLog {
            window: Duration::from_secs(900),
            slow_threshold: Duration::from_secs(5),
            queries: vec![
                row("get_user_profile", 140.0, 3),
                row("get_recommendations", 42.0, 0),
            ],
            overall: Some(QueryLatency {
                query_hash: None,
                ..row("", 120.0, 3)
            }),
            folded_hashes: 0,
        }),
        table_totals: Ok(tables(120, 880, 10_000, 600)),
        ..SlowTier::not_polled(at(0))
    })
}

/// Two polls one second apart of a busy server: rates, deltas and history exist.
pub(super) fn busy(t: u64) -> Snapshot {
    let mut snapshot = snapshot_at(t)
        .with_database(
            db(5)
                .commits(1000 + 250 * t as i64)
                .blocks(90_000 + 9_500 * t as i64, 1000 + 500 * t as i64),
        )
        .with_statement(
            stmt(1)
                .calls(100 + 50 * t as i64)
                .exec_ms(500.0 + 400.0 * t as f64)
                .rows(100 + 50 * t as i64),
        )
        .with_statement(
            stmt(2)
                .calls(10 + 5 * t as i64)
                .exec_ms(100.0 + 60.0 * t as f64),
        )
        .with_sessions(vec![
            running(
                4242,
                42,
                "UPDATE learning_sessions SET completed = true WHERE user_id = $1",
            ),
            running(
                4243,
                7,
                "SELECT * FROM adaptive_content WHERE difficulty = $1",
            ),
            session(4244),
        ]);
    snapshot.capabilities = Some(Arc::new(sample_capabilities()));
    if let Ok(statements) = &mut snapshot.statements {
        let mut texts = std::collections::HashMap::new();
        texts.insert(key(1), "SELECT * FROM users WHERE id = $1".into());
        texts.insert(
            key(2),
            "INSERT INTO learning_sessions (user_id, started_at) VALUES ($1, $2)".into(),
        );
        statements.texts = Arc::new(texts);
    }
    snapshot.slow = Some(perf_log());
    snapshot
}

fn feed(app: &mut App, snapshot: Snapshot) {
    app.update(Event::Snapshot(Box::new(snapshot)));
}

fn normal_app() -> App {
    let mut app = new_app();
    feed(&mut app, busy(0));
    feed(&mut app, busy(1));
    app
}

fn assert_screens(name: &str, app: &mut App, screens: &[Screen]) {
    for &screen in screens {
        app.set_screen(screen);
        for (width, height) in SIZES {
            app.update(Event::Resize(width, height));
            let rendered = text(&draw(app, width, height));
            insta::assert_snapshot!(
                format!("{name}_{}_{width}x{height}", screen.title().to_lowercase()),
                rendered
            );
        }
    }
}

const LIVE_SCREENS: [Screen; 3] = [Screen::Dashboard, Screen::Activity, Screen::Queries];

#[test]
fn normal() {
    assert_screens("normal", &mut normal_app(), &LIVE_SCREENS);
}

#[test]
fn empty_server() {
    let mut app = new_app();
    let mut quiet = snapshot_at(0).with_database(db(5));
    quiet.capabilities = Some(Arc::new(sample_capabilities()));
    feed(&mut app, quiet.clone());
    quiet.taken_at = at(1);
    if let Ok(server) = &mut quiet.server {
        server.now = at(1);
    }
    // A second read of pg_stat_statements, not the first one re-sent.
    if let Ok(statements) = &mut quiet.statements {
        statements.read_at = at(1);
        statements.counters = Arc::new(Vec::new());
    }
    feed(&mut app, quiet);
    assert_screens("empty", &mut app, &LIVE_SCREENS);
}

#[test]
fn first_poll() {
    let mut app = new_app();
    feed(&mut app, busy(0));
    assert_screens("first_poll", &mut app, &LIVE_SCREENS);
}

#[test]
fn stale_after_a_failed_poll() {
    let mut app = normal_app();
    let mut failed = busy(6);
    let error = SectionError::Failed("no answer within 3s: query cancelled, reconnecting".into());
    failed.server = Err(error.clone());
    failed.activity = Err(error.clone());
    failed.databases = Err(error.clone());
    failed.statements = Err(error);
    let before: Vec<_> = app.model().alerts().active().to_vec();
    feed(&mut app, failed);
    // Alert timers do not run on data that was not re-read: every alert that was on is
    // held as it was, marked stale, besides the new connection alert.
    let held: Vec<_> = app
        .model()
        .alerts()
        .active()
        .iter()
        .filter(|a| a.kind != crate::analysis::alerts::AlertKind::ConnectionFailure)
        .cloned()
        .collect();
    assert_eq!(held.len(), before.len(), "{held:?}");
    for (held, before) in held.iter().zip(&before) {
        assert!(held.stale, "{held:?}");
        assert_eq!(
            (held.kind, held.since, held.confirmed, &held.value),
            (before.kind, before.since, before.confirmed, &before.value)
        );
    }
    assert_screens("stale", &mut app, &[Screen::Dashboard, Screen::Activity]);
    app.set_screen(Screen::Dashboard);
    assert!(text(&draw(&mut app, 80, 24)).contains("threshold ≥ 30s  stale 5s"));
    // The last good numbers stay, each with its age; the sessions too.
    let tiles = crate::tui::screens::kpi::tiles(&app);
    let tile = |label: &str| {
        tiles
            .iter()
            .find(|t| t.label == label)
            .map(|t| (t.value.clone(), t.note.clone()))
    };
    assert_eq!(tile("TPS"), Some(("250".into(), Some("stale 5s".into()))));
    assert_eq!(
        tile("MEAN ms"),
        Some(("8.36".into(), Some("stale 5s".into())))
    );
    assert_eq!(
        tile("CONNECTIONS"),
        Some(("3/97".into(), Some("stale 5s".into())))
    );
    app.set_screen(Screen::Activity);
    let screen = text(&draw(&mut app, 160, 48));
    assert!(
        screen.contains("· stale 5s") && screen.contains("4242"),
        "{screen}"
    );
    let buffer = draw(&mut app, 80, 24);
    let header = text(&buffer).lines().nth(1).unwrap_or_default().to_string();
    let x = header
        .find("STALE")
        .unwrap_or_else(|| panic!("no STALE badge in {header:?}"));
    let style = buffer[(u16::try_from(x).unwrap_or(0), 1)].style();
    super::test_render::assert_role(style, crate::tui::theme::Role::BadgeStale, "STALE badge");
}

/// After an outage the first good poll has nothing to compare with: the last rates stay
/// (still marked with their age) until the next poll gives new ones.
#[test]
fn the_poll_after_an_outage_keeps_the_last_rates_until_new_ones() {
    let mut app = normal_app();
    let mut failed = busy(2);
    let error = SectionError::Failed("connection refused".into());
    failed.server = Err(error.clone());
    failed.activity = Err(error.clone());
    failed.databases = Err(error.clone());
    failed.statements = Err(error);
    feed(&mut app, failed);
    feed(&mut app, busy(3));
    app.update(Event::Tick(at(3)));
    let tps = |app: &App| {
        crate::tui::screens::kpi::tiles(app)
            .into_iter()
            .find(|t| t.label == "TPS")
            .map(|t| (t.value, t.note))
    };
    assert_eq!(tps(&app), Some(("250".into(), Some("stale 2s".into()))));
    feed(&mut app, busy(4));
    assert_eq!(tps(&app), Some(("250".into(), None)));
}

/// A frozen server answers nothing, so no failed poll arrives to say so: after two
/// refresh intervals the numbers on screen say how old they are all the same.
#[test]
fn a_late_poll_marks_the_numbers_stale_before_any_failure_arrives() {
    let mut app = normal_app();
    app.update(Event::Tick(at(9)));
    let tps = crate::tui::screens::kpi::tiles(&app)
        .into_iter()
        .find(|t| t.label == "TPS")
        .map(|t| (t.value, t.note));
    assert_eq!(tps, Some(("250".into(), Some("stale 8s".into()))));
    app.set_screen(Screen::Activity);
    let screen = text(&draw(&mut app, 160, 48));
    assert!(screen.contains("Sessions: all · stale 8s"), "{screen}");
}

/// Never connected (the server was down from the start): every tile says so, none
/// blames a missing extension or says "waiting".
#[test]
fn no_connection_before_any_data() {
    let mut app = new_app();
    let mut down = snapshot_at(0);
    let error = SectionError::Failed("connection refused".into());
    down.server = Err(error.clone());
    down.activity = Err(error.clone());
    down.databases = Err(error.clone());
    down.statements = Err(error.clone());
    down.progress = Err(error);
    down.capabilities = Some(Arc::new(sample_capabilities()));
    feed(&mut app, down);
    let notes: Vec<(&str, Option<String>)> = crate::tui::screens::kpi::tiles(&app)
        .into_iter()
        .filter(|t| t.label != "ALERTS")
        .map(|t| (t.label, t.note))
        .collect();
    assert!(
        notes
            .iter()
            .all(|(_, note)| note.as_deref() == Some("no connection")),
        "{notes:?}"
    );
    app.set_screen(Screen::Activity);
    let screen = text(&draw(&mut app, 160, 48));
    assert!(
        screen.contains("no connection: connection refused"),
        "{screen}"
    );
}

/// A monitoring table the role may not read is there: its tile says "no privilege", not
/// that the table is missing (the fix is a GRANT, not `pgpulse schema install`).
#[test]
fn a_monitoring_table_the_role_cannot_read_is_not_called_missing() {
    let mut app = new_app();
    let mut snapshot = busy(0);
    let mut slow = snapshot
        .slow
        .as_deref()
        .cloned()
        .unwrap_or_else(|| crate::monitor::snapshot::SlowTier::not_polled(at(0)));
    slow.performance_log = Err(SectionError::Unavailable {
        reason: "no SELECT privilege on query_performance_log".into(),
        fix: Some("GRANT SELECT ON query_performance_log TO \"monitor\";".into()),
    });
    snapshot.slow = Some(Arc::new(slow));
    feed(&mut app, snapshot);
    let p95 = crate::tui::screens::kpi::tiles(&app)
        .into_iter()
        .find(|t| t.label == "P95 ms")
        .map(|t| (t.value, t.note));
    assert_eq!(p95, Some(("-".into(), Some("no privilege".into()))));
}

/// What an unprivileged role reads for another role's session.
fn hidden(pid: i32) -> Session {
    Session {
        user: Some("app".into()),
        application: "learning-assistant-production".into(),
        backend_type: BackendType::Unknown,
        backend_start: None,
        state: None,
        client: None,
        query: "<insufficient privilege>".into(),
        ..session(pid)
    }
}

/// A monitoring role without pg_read_all_stats while 24 of the application's sessions
/// run: they are counted and shown as hidden, with the GRANT, and the alerts do not
/// claim an all-clear over them.
#[test]
fn sessions_hidden_from_the_role() {
    let mut app = new_app();
    let mut caps = sample_capabilities();
    (caps.role, caps.is_superuser) = ("monitor".into(), false);
    (caps.has_read_all_stats, caps.member_of_read_all_stats) = (false, false);
    let caps = Arc::new(caps);
    for t in 0..2 {
        let mut snapshot = busy(t);
        let mut sessions = vec![session(4244)];
        sessions.extend((5000..5024).map(hidden));
        snapshot.activity = Ok(sessions);
        snapshot.capabilities = Some(Arc::clone(&caps));
        feed(&mut app, snapshot);
    }
    assert_screens(
        "hidden",
        &mut app,
        &[Screen::Dashboard, Screen::Activity, Screen::Pool],
    );
    let tiles = crate::tui::screens::kpi::tiles(&app);
    let tile = |label: &str| {
        tiles
            .iter()
            .find(|t| t.label == label)
            .map(|t| (t.value.clone(), t.note.clone(), t.level))
    };
    assert_eq!(
        tile("CONNECTIONS"),
        Some((
            "25/97".into(),
            Some("24 hidden".into()),
            Some(crate::analysis::metrics::Level::Ok)
        ))
    );
    assert_eq!(
        tile("ALERTS").map(|(_, note, _)| note),
        Some(Some("24 unseen".into())),
        "the alerts say what they cannot judge"
    );
    let grant = "GRANT pg_read_all_stats TO \"monitor\"";
    for screen in [Screen::Dashboard, Screen::Activity, Screen::Pool] {
        app.set_screen(screen);
        let shown = text(&draw(&mut app, 160, 48));
        assert_eq!(
            shown.matches(grant).count(),
            1,
            "once on {screen:?}:\n{shown}"
        );
        assert!(!shown.contains("no client connections"), "{shown}");
    }
}

#[test]
fn extension_missing() {
    let mut app = new_app();
    for t in 0..2 {
        let mut snapshot = busy(t);
        snapshot.statements = Err(SectionError::Unavailable {
            reason: "pg_stat_statements is not installed in database \"app\"".into(),
            fix: Some("CREATE EXTENSION pg_stat_statements;".into()),
        });
        if let Some(slow) = snapshot.slow.as_mut() {
            let mut tier = (**slow).clone();
            tier.performance_log = Err(SectionError::Unavailable {
                reason: "table query_performance_log not found".into(),
                fix: Some("pgpulse schema install".into()),
            });
            *slow = Arc::new(tier);
        }
        feed(&mut app, snapshot);
    }
    assert_screens(
        "extension_missing",
        &mut app,
        &[Screen::Dashboard, Screen::Queries],
    );
    let screen = text(&draw(&mut app, 160, 48));
    assert!(
        screen.contains("CREATE EXTENSION pg_stat_statements;"),
        "{screen}"
    );
    assert!(screen.contains("pgpulse schema install"), "{screen}");
}

#[test]
fn blocking_tree_three_levels_deep() {
    let mut app = new_app();
    for t in 0..2 {
        let mut snapshot = busy(t);
        let mut chain = blocking_chain(3);
        chain[0].query = "ALTER TABLE users ADD COLUMN nickname text".into();
        chain[0].state = Some(SessionState::IdleInTransaction);
        for waiter in &mut chain[1..] {
            waiter.query = "SELECT * FROM users WHERE id = $1".into();
            waiter.query_age = Some(Duration::from_secs(12));
            waiter.lock_wait_age = Some(Duration::from_secs(12));
        }
        snapshot.activity = Ok(chain);
        feed(&mut app, snapshot);
    }
    app.set_activity_mode(ActivityMode::BlockingTree);
    assert_screens(
        "blocking_tree",
        &mut app,
        &[Screen::Dashboard, Screen::Activity],
    );
    let screen = text(&draw(&mut app, 160, 48));
    let order: Vec<usize> = ["100", "└ 101", "  └ 102", "    └ 103"]
        .iter()
        .map(|pid| {
            screen
                .find(pid)
                .unwrap_or_else(|| panic!("{pid} missing:\n{screen}"))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "root first, then each waiter indented:\n{screen}"
    );
}

#[test]
fn help_and_detail_overlays() {
    let mut app = normal_app();
    app.set_screen(Screen::Activity);
    app.set_mode(Mode::Help);
    assert_screens("help", &mut app, &[Screen::Activity]);
    app.set_mode(Mode::Detail);
    app.change_table(TableId::Activity, |t| {
        t.selected_id = Some(crate::tui::screens::table::RowId::Pid(4242))
    });
    assert_screens("detail", &mut app, &[Screen::Activity]);
}

#[test]
fn every_theme_renders_every_live_screen() {
    for name in crate::tui::theme::builtin_names() {
        let mut app = normal_app();
        app.set_theme(crate::tui::theme::load_theme(name, None).unwrap_or_else(|e| panic!("{e}")));
        for screen in LIVE_SCREENS {
            app.set_screen(screen);
            let screen_text = text(&draw(&mut app, 80, 24));
            assert!(
                screen_text.contains("postgres@db1"),
                "{name}: {screen_text}"
            );
        }
    }
}

#[test]
fn a_query_with_escape_sequences_renders_without_any_escape_byte() {
    let mut app = new_app();
    let mut snapshot = busy(0);
    // As the collector hands it over: the raw text kept for EXPLAIN, copy and the detail
    // view, the one-line display text sanitized.
    let raw = "SELECT pg_sleep(60) /* \u{1b}]0;pwned\u{7} \u{1b}[2J */ -- why\n\tFROM t";
    let mut hostile = running(666, 9, &crate::text::sanitize::sanitized(raw));
    hostile.raw_query = raw.into();
    snapshot.activity = Ok(vec![hostile]);
    feed(&mut app, snapshot);
    app.set_screen(Screen::Activity);
    for mode in [Mode::Normal, Mode::Detail] {
        app.set_mode(mode);
        let buffer = draw(&mut app, 160, 48);
        for cell in buffer.content() {
            assert!(!cell.symbol().contains('\u{1b}') && !cell.symbol().contains('\u{7}'));
        }
        assert!(text(&buffer).contains("\\x1b]0;pwned\\x07"));
    }
}

/// The Dashboard's line of recent incidents (`recent_events`), as drawn.
mod recent_events {
    use super::super::test_render::style_of;
    use crate::monitor::snapshot::test_support::*;
    use crate::monitor::snapshot::{SectionError, Snapshot};
    use crate::tui::app::test_support::{draw, text};
    use crate::tui::app::{App, Event};
    use crate::tui::keymap::Keymap;
    use crate::tui::theme::{Role, Theme};
    use std::time::Duration;

    fn feed(app: &mut App, snapshot: Snapshot) {
        app.update(Event::Snapshot(Box::new(snapshot)));
    }

    fn counters(t: u64, deadlocks: i64, temp_files: i64) -> Snapshot {
        snapshot_at(t).with_database(
            db(1)
                .deadlocks(deadlocks)
                .temp_files(temp_files)
                .temp_bytes(temp_files * (3 << 20)),
        )
    }

    fn lost(t: u64) -> Snapshot {
        let mut snapshot = snapshot_at(t);
        let failed = SectionError::Failed("connection refused".into());
        snapshot.server = Err(failed.clone());
        snapshot.activity = Err(failed.clone());
        snapshot.databases = Err(failed);
        snapshot
    }

    fn line(app: &mut App) -> String {
        text(&draw(app, 100, 30))
            .lines()
            .find(|l| l.starts_with(" last ") || l.starts_with(" deadlocks"))
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn the_line_counts_the_window_says_what_it_did_not_see_and_colours_by_threshold() {
        let mut app = App::new(
            "t".into(),
            Duration::from_secs(1),
            at(0),
            Keymap::default(),
            Theme::default(),
        );
        feed(&mut app, counters(0, 0, 0));
        assert_eq!(
            line(&mut app),
            " deadlocks, temp files: known after two polls"
        );
        feed(&mut app, counters(1, 0, 0));
        assert_eq!(line(&mut app), " last 1s: no deadlocks · no temp files");
        feed(&mut app, counters(2, 1, 2));
        assert_eq!(
            line(&mut app),
            " last 2s: 1 deadlock, newest 0s ago · 2 temp files, 6.0 MiB"
        );
        let buffer = draw(&mut app, 100, 30);
        let theme = Theme::default();
        assert_eq!(
            style_of(&buffer, " last ", "1 deadlock").fg,
            theme.style(Role::Warn).fg
        );
        assert_eq!(
            style_of(&buffer, " last ", "2 temp files").fg,
            theme.style(Role::Text).fg,
            "6 MiB is far below 1 GB"
        );
        // Ten seconds without a connection: the counts are held, and say how old.
        for t in 3..=12 {
            feed(&mut app, lost(t));
        }
        assert_eq!(
            line(&mut app),
            " last 2s: 1 deadlock, newest 10s ago · 2 temp files, 6.0 MiB · stale 10s"
        );
        // Back: a first poll, then an interval; the 10 s not read are named.
        feed(&mut app, counters(13, 1, 2));
        feed(&mut app, counters(14, 1, 2));
        assert_eq!(
            line(&mut app),
            " last 14s (11s unread): 1 deadlock, newest 12s ago · 2 temp files, 6.0 MiB"
        );
    }
}
