//! The whole pipeline against a real server: poller → snapshot → App → render. What a
//! DBA would see on the Queries and Activity screens for a workload we control.

use crate::common;

use std::time::Duration;

use common::live::{
    LockWait, backend_pid, eventually, exec, finished, lock_wait, monitor_db, must, spawn_sql,
};
use common::screen::{screen_text, test_app};
use pgpulse::analysis::latency_store::PERCENTILE_ERROR;
use pgpulse::monitor::poller::{Poller, PollerConfig};
use pgpulse::monitor::snapshot::Snapshot;
use pgpulse::tui::app::{App, Event};
use pgpulse::tui::screen::Screen;
use pgpulse::tui::screens::state::ActivityMode;
use pgpulse::tui::screens::state::TableId;
use pgpulse::tui::screens::table::RowId;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{TerminalOptions, Viewport};

fn feed(app: &mut App, snapshot: Snapshot) {
    app.update(Event::Snapshot(Box::new(snapshot)));
}

#[tokio::test]
async fn statements_show_the_calls_of_the_interval_not_the_cumulative_count() {
    // A private server: the Queries screen lists every database's statements, and other
    // tests' could push this one off the screen.
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE EXTENSION pg_stat_statements; CREATE TABLE probe_me (id int PRIMARY KEY)",
    )
    .await;
    let statement = must(
        client
            .prepare("SELECT count(*) FROM probe_me WHERE id = $1")
            .await,
        "prepare",
    );
    // 40 calls before the first poll: cumulative, and must not show up as a rate.
    for i in 0..40 {
        must(client.query(&statement, &[&i]).await, "warm-up");
    }
    let (session, caps) = monitor_db(&db).await;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    let mut app = test_app();
    feed(&mut app, poller.poll_everything().await);
    for i in 0..25 {
        must(client.query(&statement, &[&i]).await, "interval calls");
    }
    feed(&mut app, poller.poll_everything().await);

    let deltas = &app.model().statement_deltas();
    let texts = app
        .model()
        .snapshot()
        .and_then(|s| s.statements.as_ref().ok())
        .map(|s| s.texts.clone())
        .unwrap_or_default();
    let row = deltas
        .rows
        .iter()
        .find(|d| {
            texts
                .get(&d.key)
                .is_some_and(|t| t.contains("FROM probe_me"))
        })
        .unwrap_or_else(|| panic!("the statement is missing from the interval: {deltas:#?}"));
    assert_eq!(
        row.calls, 25,
        "exactly the calls made between the two polls"
    );
    assert!(row.calls_per_sec > 0.0 && row.calls_per_sec.is_finite());
    assert!(
        row.mean_ms.is_some_and(|m| (0.0..1000.0).contains(&m)),
        "{row:?}"
    );

    app.show(Screen::Queries);
    app.update(Event::Resize(160, 48));
    let screen = screen_text(&app, 160, 48);
    assert!(
        screen.contains("SELECT count(*) FROM probe_me WHERE id = $1"),
        "{screen}"
    );
    assert!(
        !screen.contains("-- pg_stat_statements counters"),
        "pgpulse's own polling is hidden:\n{screen}"
    );
}

#[tokio::test]
async fn a_lock_chain_shows_as_a_tree_with_the_right_root() {
    // A private server: the tree holds every lock chain of the server, and this one must
    // be all of it.
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    // A holds ROW EXCLUSIVE; B queues for ACCESS EXCLUSIVE behind A; C's plain read
    // queues behind B's request: a three-level chain A → B → C.
    let LockWait {
        holder,
        holder_pid: root,
        waiter_pid: middle,
        waiter: middle_task,
    } = lock_wait(
        &db,
        "chained",
        "LOCK TABLE chained IN ACCESS EXCLUSIVE MODE",
    )
    .await;
    let leaf_client = db.client().await;
    let leaf = backend_pid(&leaf_client).await;
    let leaf_task = spawn_sql(
        leaf_client,
        "SET lock_timeout = '20s'; SELECT * FROM chained".into(),
    );

    let (session, caps) = monitor_db(&db).await;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    let mut app = test_app();
    app.set_activity_mode(ActivityMode::BlockingTree);
    let rows = eventually("the three-level chain", async || {
        feed(&mut app, poller.poll_everything().await);
        let rows: Vec<(RowId, u16)> = app
            .table(TableId::Activity)
            .1
            .iter()
            .map(|r| (r.id.clone(), r.depth))
            .collect();
        if rows.len() == 3 {
            Ok(rows)
        } else {
            Err(format!("{rows:?}"))
        }
    })
    .await;
    assert_eq!(
        rows,
        vec![
            (RowId::Pid(root), 0),
            (RowId::Pid(middle), 1),
            (RowId::Pid(leaf), 2)
        ],
        "root blocker first, waiters indented under it"
    );
    let root_row = app.model().blocking_tree().iter().find(|r| r.pid == root);
    assert_eq!(
        root_row.map(|r| r.blocks_total),
        Some(2),
        "the root holds up both"
    );

    exec(&holder, "ROLLBACK").await;
    must(
        finished(middle_task).await,
        "B gets its lock once A is gone",
    );
    must(finished(leaf_task).await, "C reads once B is done");
}

/// What reaches a real terminal: the app drawn through crossterm into bytes.
fn terminal_bytes(app: &App, width: u16, height: u16) -> String {
    let mut bytes = Vec::new();
    {
        let backend = CrosstermBackend::new(&mut bytes);
        let options = TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
        };
        let mut terminal = must(Terminal::with_options(backend, options), "terminal");
        must(
            terminal.draw(|f| {
                pgpulse::tui::terminal::draw(f, app);
            }),
            "draw",
        );
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The sequences a hostile text carries must not reach the terminal as such.
fn assert_inert(output: &str, what: &str) {
    assert!(
        !output.contains("\u{1b}]0;pwned"),
        "{what}: OSC title sequence reached the terminal"
    );
    assert!(
        !output.contains("\u{1b}[2J"),
        "{what}: clear-screen sequence reached the terminal"
    );
    assert!(
        !output.contains('\u{7}'),
        "{what}: BEL reached the terminal"
    );
    assert!(
        !output.contains('\u{9b}'),
        "{what}: a C1 CSI reached the terminal"
    );
    assert!(
        !output.contains('\u{202e}'),
        "{what}: a bidi override reached the terminal"
    );
}

fn press(app: &mut App, code: crossterm::event::KeyCode) -> Vec<pgpulse::tui::app::Effect> {
    app.update(Event::Key(crossterm::event::KeyEvent::new(
        code,
        crossterm::event::KeyModifiers::NONE,
    )))
}

/// Raw hostile text, as the server stores it, through the real path: collector →
/// snapshot → App → render → crossterm bytes, and the detail view's on-demand reads and
/// the clipboard too. Nothing is sanitized by the test: a running query and a statement
/// text with OSC, CSI, BEL, a C1 control, a bidi override, a tab and line breaks, and a
/// table whose name holds ESC and BEL, locked by that query.
#[tokio::test]
async fn hostile_text_from_the_server_never_reaches_the_terminal_raw() {
    // A private server: the Activity and Queries screens list the whole server's
    // sessions and statements, and other tests' could push these off the screen.
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    let setup = db.client().await;
    exec(
        &setup,
        "CREATE EXTENSION pg_stat_statements;
         CREATE TABLE \"evil\u{1b}]0;pwned\u{7}\" (id int);
         INSERT INTO \"evil\u{1b}]0;pwned\u{7}\" VALUES (1);
         ANALYZE \"evil\u{1b}]0;pwned\u{7}\"",
    )
    .await;
    for _ in 0..3 {
        exec(
            &setup,
            "SELECT 1 /* \u{1b}]0;pwned\u{7} \u{9b}31m \u{202e}txet */ -- stmt\n\t, 2",
        )
        .await;
    }
    let sleeper = db.client().await;
    let cancel = sleeper.cancel_token();
    let sleeper_pid = backend_pid(&sleeper).await;
    let hostile = "BEGIN; LOCK TABLE \"evil\u{1b}]0;pwned\u{7}\" IN SHARE MODE; \
                   SELECT pg_sleep(30) /* \u{1b}]0;pwned\u{7} \u{1b}[2J \u{9b}31m \
                   \u{202e}desrever */ -- the rest\n\t, 1";
    let task = spawn_sql(sleeper, hostile.into());

    let (session, caps) = monitor_db(&db).await;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    // The Queries screen is looked at below: every statement's text is read for it.
    poller.watch(
        Some(pgpulse::monitor::poller::SlowGroup::Queries),
        std::time::Instant::now(),
    );
    let mut app = test_app();
    app.show(Screen::Activity);
    eventually("the hostile query to be visible", async || {
        feed(&mut app, poller.poll_everything().await);
        let running = app
            .model()
            .snapshot()
            .and_then(|s| s.activity.as_ref().ok())
            .and_then(|s| s.iter().find(|s| s.pid == sleeper_pid))
            .is_some_and(|s| s.raw_query.contains("pg_sleep"));
        if running {
            Ok(())
        } else {
            Err("not yet".into())
        }
    })
    .await;
    app.update(Event::Resize(200, 50));
    // Every screen, with whatever the server sent.
    for screen in Screen::ALL {
        app.show(screen);
        assert_inert(&terminal_bytes(&app, 200, 50), screen.title());
    }
    app.show(Screen::Activity);
    let output = terminal_bytes(&app, 200, 50);
    assert!(
        output.contains("\\x1b]0;pwned\\x07"),
        "the query is shown, escaped visibly"
    );

    // The session's detail: its exact text and the locks it holds, read on demand.
    app.select(TableId::Activity, RowId::Pid(sleeper_pid));
    for effect in press(&mut app, crossterm::event::KeyCode::Enter) {
        if let pgpulse::tui::app::Effect::Poller(
            pgpulse::monitor::poller::PollerCommand::FetchDetail(request),
        ) = effect
        {
            let answer = poller.fetch_detail(request).await;
            app.update(Event::DetailFetched(Box::new((request, answer))));
        }
    }
    let detail = terminal_bytes(&app, 200, 50);
    assert_inert(&detail, "session detail");
    assert!(
        detail.contains("\\x1b]0;pwned\\x07"),
        "the locked table is named, escaped visibly"
    );

    // The clipboard gets the exact text: line breaks and tabs kept, the rest escaped.
    let copied = press(&mut app, crossterm::event::KeyCode::Char('y'));
    let [pgpulse::tui::app::Effect::Copy(text)] = &copied[..] else {
        panic!("{copied:?}");
    };
    assert!(text.contains("-- the rest\n\t, 1"), "{text:?}");
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{text:?}"
    );
    assert!(!text.contains('\u{202e}'), "{text:?}");

    // A statement's detail: its whole text from pg_stat_statements, read on demand.
    press(&mut app, crossterm::event::KeyCode::Esc);
    app.show(Screen::Queries);
    app.set_cumulative(true);
    let statement = app
        .table(TableId::Statements)
        .1
        .iter()
        .find(|r| r.cells.iter().any(|c| c.text.contains("-- stmt")))
        .map(|r| r.id.clone())
        .expect("the hostile statement is not listed");
    app.select(TableId::Statements, statement);
    for effect in press(&mut app, crossterm::event::KeyCode::Enter) {
        if let pgpulse::tui::app::Effect::Poller(
            pgpulse::monitor::poller::PollerCommand::FetchDetail(request),
        ) = effect
        {
            let answer = poller.fetch_detail(request).await;
            app.update(Event::DetailFetched(Box::new((request, answer))));
        }
    }
    let statement_detail = terminal_bytes(&app, 200, 50);
    assert_inert(&statement_detail, "statement detail");
    assert!(statement_detail.contains("\\x9b31m"), "C1 shown escaped");

    must(cancel.cancel_query(tokio_postgres::NoTls).await, "cancel");
    assert_eq!(finished(task).await, Err("57014".into()));
}

#[tokio::test]
async fn percentiles_from_query_performance_log_reach_the_queries_screen() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE query_performance_log (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            query_hash varchar(64) NOT NULL,
            execution_time_ms integer NOT NULL,
            rows_examined integer,
            rows_returned integer,
            executed_at timestamp DEFAULT CURRENT_TIMESTAMP);
         INSERT INTO query_performance_log (query_hash, execution_time_ms, rows_examined, rows_returned)
              SELECT 'get_user_profile', g, 10, 1 FROM generate_series(1, 100) g;
         INSERT INTO query_performance_log (query_hash, execution_time_ms, executed_at)
              SELECT 'get_user_profile', 100000, now()::timestamp - interval '2 hours' FROM generate_series(1, 50);",
    )
    .await;
    let (session, caps) = monitor_db(&db).await;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    let mut app = test_app();
    feed(&mut app, poller.poll_everything().await);
    let log = app
        .model()
        .snapshot()
        .and_then(|s| s.slow.as_ref())
        .and_then(|slow| slow.performance_log.as_ref().ok())
        .expect("no performance log section");
    let profile = log
        .queries
        .iter()
        .find(|q| q.query_hash.as_deref() == Some("get_user_profile"))
        .unwrap_or_else(|| panic!("{log:?}"));
    // percentile_cont over 1..=100: p50 = 50.5, p95 = 95.05, p99 = 99.01; old rows excluded.
    // The window is merged from histograms: each percentile within PERCENTILE_ERROR
    // (p50 50.50, p95 94.17, p99 97.51 here); count and max are exact.
    assert_eq!(profile.count, 100);
    for (got, exact) in [
        (profile.p50_ms, 50.5),
        (profile.p95_ms, 95.05),
        (profile.p99_ms, 99.01),
    ] {
        assert!(
            (got - exact).abs() <= PERCENTILE_ERROR * exact,
            "{got} vs {exact}: {profile:?}"
        );
    }
    assert_eq!(profile.max_ms, 100.0);
    let p99 = format!("{:.1}", profile.p99_ms);
    app.show(Screen::Queries);
    app.update(Event::Resize(160, 48));
    let screen = screen_text(&app, 160, 48);
    let line = screen
        .lines()
        .find(|l| l.contains("get_user_profile"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        line.contains("50.5") && line.contains(&p99) && line.contains("10.0x"),
        "{line}"
    );
}

/// pgpulse's own polls are not the server's transactions: on a server where nothing else
/// runs (autovacuum off), the TPS tile says 0 every interval, including the ones where
/// the slow tier adds its statements and the server shows them a second late.
#[tokio::test]
async fn an_idle_server_shows_no_transactions_of_pgpulse_s_own() {
    let server = common::start_server(|opts| {
        opts.settings.push(("autovacuum".into(), "off".into()));
    });
    let db = server.create_database().await;
    let client = db.client().await;
    exec(&client, "CREATE EXTENSION pg_stat_statements").await;
    drop(client);
    let (session, caps) = monitor_db(&db).await;
    let config = PollerConfig {
        slow: Duration::from_secs(2),
        ..PollerConfig::default()
    };
    let mut poller = Poller::new(session, caps, config);
    let mut app = test_app();
    let mut ticker = tokio::time::interval(Duration::from_millis(500));
    let mut seen = Vec::new();
    for _ in 0..14 {
        ticker.tick().await;
        feed(&mut app, poller.poll_everything().await);
        let tps = app
            .model()
            .interval_metrics()
            .as_ref()
            .and_then(|m| m.server.ready())
            .map(|r| r.tps);
        let tile = pgpulse::tui::screens::kpi::tiles(&app)
            .into_iter()
            .find(|t| t.label == "TPS")
            .map(|t| t.value);
        seen.push((tps, tile));
    }
    let shown: Vec<_> = seen.iter().skip(1).collect();
    assert!(
        shown
            .iter()
            .all(|(tps, tile)| tps.is_some_and(|t| t < 0.5) && tile.as_deref() == Some("0")),
        "pgpulse's own transactions counted as the server's: {seen:?}"
    );
}

/// The first line of `screen` that contains `needle`, for messages.
fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen.lines().find(|l| l.contains(needle)).unwrap_or("")
}

/// A monitoring role without pg_read_all_stats while 24 sessions of another role run:
/// the Dashboard, Activity and Pool count them as hidden and say what to GRANT, and
/// the alerts do not claim all is well with them.
#[tokio::test]
async fn sessions_hidden_from_an_unprivileged_role_are_counted_not_zero() {
    let server = common::start_server(|opts| {
        opts.settings.push(("autovacuum".into(), "off".into()));
    });
    let db = server.create_database().await;
    server.create_role("watcher", None, "").await;
    let mut app_sessions = Vec::new();
    for _ in 0..24 {
        let client = db.client().await;
        exec(
            &client,
            "SET application_name = 'learning-assistant-production'",
        )
        .await;
        app_sessions.push(client);
    }
    let (session, caps) = common::live::monitor(format!(
        "host=127.0.0.1 port={} user=watcher dbname={} sslmode=disable",
        server.port(),
        db.name
    ))
    .await;
    assert!(!caps.sees_all_stats());
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    let mut app = test_app();
    feed(&mut app, poller.poll_everything().await);
    feed(&mut app, poller.poll_everything().await);

    let grant = "GRANT pg_read_all_stats TO \"watcher\"";
    let tiles = pgpulse::tui::screens::kpi::tiles(&app);
    let connections = tiles.iter().find(|t| t.label == "CONNECTIONS");
    assert_eq!(
        connections.map(|t| (t.value.as_str(), t.note.as_deref())),
        Some(("24/97", Some("24 hidden"))),
        "{tiles:?}"
    );
    app.update(Event::Resize(160, 48));
    for (screen, shows) in [
        (Screen::Dashboard, "24 sessions hidden from this role"),
        (Screen::Activity, "24 hidden"),
        (Screen::Pool, "hidden 24"),
    ] {
        app.show(screen);
        let text = screen_text(&app, 160, 48);
        assert!(text.contains(shows), "{screen:?}: {text}");
        assert_eq!(text.matches(grant).count(), 1, "{screen:?}: {text}");
        assert!(!text.contains("no client connections"), "{text}");
    }
    app.show(Screen::Dashboard);
    let text = screen_text(&app, 160, 48);
    assert!(
        line_with(&text, "long-running query").contains("not judged"),
        "{text}"
    );
    app.show(Screen::Pool);
    let text = screen_text(&app, 160, 48);
    let row = text
        .lines()
        .find(|l| l.contains("learning-assistant-production") && l.contains('%'))
        .unwrap_or("");
    assert!(row.contains(" 24 ") && row.contains("0+?"), "{row}");
    drop(app_sessions);
}

/// The server goes away: the last sessions and numbers stay on screen, each marked with
/// its age, and tiles without a value say there is no connection.
#[tokio::test]
async fn an_outage_keeps_the_last_good_data_marked_stale() {
    let server = common::start_server(|opts| {
        opts.settings.push(("autovacuum".into(), "off".into()));
    });
    let db = server.create_database().await;
    let sleeper = db.client().await;
    let sleeper_pid = backend_pid(&sleeper).await;
    let _running = spawn_sql(sleeper, "SELECT pg_sleep(60)".into());
    let (session, caps) = monitor_db(&db).await;
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    let mut app = test_app();
    app.show(Screen::Activity);
    eventually("the sleeping session and the rates", async || {
        feed(&mut app, poller.poll_everything().await);
        let listed = app
            .table(TableId::Activity)
            .1
            .iter()
            .any(|r| r.id == RowId::Pid(sleeper_pid));
        let rates = app
            .model()
            .shown_metrics()
            .as_ref()
            .is_some_and(|m| m.server.ready().is_some());
        if listed && rates {
            Ok(())
        } else {
            Err(format!("listed {listed}, rates {rates}"))
        }
    })
    .await;
    // The server stops (and its files go): every read fails from now on.
    drop(db);
    drop(server);
    let failed = poller.poll_everything().await;
    assert!(failed.activity.is_err(), "the poll after the outage fails");
    let later = failed.taken_at + Duration::from_secs(3);
    feed(&mut app, failed);
    app.update(Event::Tick(later));
    app.update(Event::Resize(160, 48));

    let text = screen_text(&app, 160, 48);
    let title = line_with(&text, "Sessions:");
    assert!(title.contains("· stale 3s"), "{title}");
    assert!(
        text.contains(&sleeper_pid.to_string()),
        "the last sessions stay: {text}"
    );
    let tiles = pgpulse::tui::screens::kpi::tiles(&app);
    for label in ["TPS", "CONNECTIONS"] {
        let tile = tiles.iter().find(|t| t.label == label);
        assert!(
            tile.is_some_and(|t| t.value != "-" && t.note.as_deref() == Some("stale 3s")),
            "{label}: {tile:?}"
        );
    }
}
