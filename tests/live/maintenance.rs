//! The Maintenance collectors against a real server: what a DBA would notice on that
//! screen with dead tuples piling up, tables never analyzed, a VACUUM running, aging
//! transaction IDs and the seed's scheduled tasks logging their runs.

use crate::common;

use common::live::{
    backend_pid, eventually, exec, finished, monitor_db, must, report_stats, spawn_sql, stats_show,
};
use common::screen::{screen_text, test_app};

use std::time::{Duration, SystemTime};

use pgpulse::analysis::maintenance_rules::{
    AutovacuumOff, CountersSince, MaintenanceSchedule, Overdue, VacuumTrigger, analyze_overdue,
    autovacuum_verdict, dead_ratio, vacuum_overdue,
};
use pgpulse::monitor::collector::{
    collect_progress, collect_table_maintenance, collect_task_history, collect_wraparound,
};
use pgpulse::monitor::snapshot::SectionError;
use pgpulse::monitor::snapshot::maintenance::{
    Progress, ProgressKind, TableMaintenance, TableWraparound, TaskStatus,
};
use pgpulse::pg::probe::Capabilities;
use pgpulse::pg::session::MonitorSession;
use tokio_postgres::{Client, NoTls};

/// Polls the table collector until table `name` satisfies `ready`, sending `client`'s
/// statistics on their way at each attempt (see `report_stats`).
async fn table_until(
    session: &mut MonitorSession,
    caps: &Capabilities,
    client: &Client,
    name: &str,
    ready: impl Fn(&TableMaintenance) -> bool,
) -> TableMaintenance {
    eventually(&format!("table {name}"), async || {
        report_stats(client, caps.server_version_num).await;
        let tables = collect_table_maintenance(session, caps)
            .await
            .map_err(|e| e.to_string())?;
        match tables.into_iter().find(|t| t.name == name) {
            Some(table) if ready(&table) => Ok(table),
            Some(table) => Err(format!("{table:#?}")),
            None => Err(format!("{name} not listed")),
        }
    })
    .await
}

#[tokio::test]
async fn dead_tuples_on_a_table_with_autovacuum_off_are_due_but_nothing_will_vacuum_them() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE orders (id int PRIMARY KEY, status int) WITH (autovacuum_enabled = false);
         CREATE TABLE tuned (id int) WITH (autovacuum_vacuum_scale_factor = 0.01);",
    )
    .await;
    exec(
        &client,
        "INSERT INTO orders SELECT g, 0 FROM generate_series(1, 10000) g",
    )
    .await;
    exec(&client, "UPDATE orders SET status = 1 WHERE id <= 5000").await;

    let orders = table_until(&mut session, &caps, &client, "orders", |t| {
        t.n_dead_tup == 5000
    })
    .await;
    assert_eq!(orders.schema, "public");
    assert_eq!(orders.n_live_tup, 10_000);
    assert_eq!(orders.n_ins_since_vacuum, 10_000);
    assert_eq!(
        orders.n_mod_since_analyze, 15_000,
        "10k inserts + 5k updates"
    );
    assert_eq!(orders.vacuum_count + orders.autovacuum_count, 0);
    assert_eq!((orders.last_vacuum, orders.last_autovacuum), (None, None));
    assert!(orders.xid_age.is_some_and(|age| age > 0), "{orders:?}");
    assert!(!orders.partitioned);
    let ratio = dead_ratio(&orders).unwrap_or_default();
    assert!((ratio - 1.0 / 3.0).abs() < 1e-9, "5k dead of 15k: {ratio}");

    let settings = &orders.autovacuum;
    assert!(!settings.enabled);
    assert!(settings.server_enabled);
    assert_eq!(settings.table_overrides, vec!["autovacuum_enabled"]);
    assert_eq!(
        (settings.vacuum_threshold, settings.vacuum_scale_factor),
        (50, 0.2),
        "server defaults"
    );

    let verdict = autovacuum_verdict(&orders);
    assert!(
        matches!(
            verdict.vacuum_due[..],
            [
                VacuumTrigger::DeadTuples { dead: 5000, .. },
                VacuumTrigger::Inserts {
                    inserted: 10_000,
                    ..
                }
            ]
        ),
        "never vacuumed: reltuples counts as 0, thresholds 50 and 1000: {verdict:?}"
    );
    assert!(verdict.analyze_due, "{verdict:?}");
    assert_eq!(verdict.off, Some(AutovacuumOff::Table));
    assert!(verdict.blocked());
    let summary = verdict.summary().unwrap_or_default();
    assert!(
        summary.starts_with("vacuum due (5.0k dead tuples > ")
            && summary.contains("but autovacuum is off for this table"),
        "{summary}"
    );

    let tuned = table_until(&mut session, &caps, &client, "tuned", |_| true).await;
    assert_eq!(tuned.autovacuum.vacuum_scale_factor, 0.01);
    assert!(tuned.autovacuum.enabled);
    assert_eq!(tuned.autovacuum.vacuum_threshold, 50);
    assert_eq!(
        tuned.autovacuum.table_overrides,
        vec!["autovacuum_vacuum_scale_factor"]
    );
}

#[tokio::test]
async fn a_never_analyzed_table_is_overdue_until_it_is_analyzed() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let client = db.client().await;
    // Autovacuum off so that it cannot analyze the table behind the test's back.
    exec(
        &client,
        "CREATE TABLE events (id int) WITH (autovacuum_enabled = false);
         INSERT INTO events SELECT generate_series(1, 100);",
    )
    .await;
    let schedule = MaintenanceSchedule::default();
    // The harness's cluster has kept its statistics since initdb, minutes ago: judged a
    // week later (with nothing run meanwhile), "never" is late.
    let statistics = pgpulse::monitor::collector::collect_statistics_since(&mut session).await;
    let since = CountersSince::from_section(&statistics);
    assert!(
        matches!(since, CountersSince::ClusterCreation(_)),
        "{since:?}"
    );
    let week = Duration::from_secs(8 * 86_400);

    let events = table_until(&mut session, &caps, &client, "events", |t| {
        t.n_live_tup == 100
    })
    .await;
    let now = SystemTime::now() + week;
    assert_eq!(
        analyze_overdue(&events, &schedule, now, since),
        Some(Overdue::Never)
    );
    assert_eq!(
        vacuum_overdue(&events, &schedule, now, since),
        Some(Overdue::Never)
    );

    exec(&client, "ANALYZE events").await;
    let events = table_until(&mut session, &caps, &client, "events", |t| {
        t.last_analyze.is_some()
    })
    .await;
    assert_eq!(events.analyze_count, 1);
    assert_eq!(
        analyze_overdue(&events, &schedule, SystemTime::now(), since),
        None
    );
    assert_eq!(events.reltuples, 100.0, "ANALYZE counted the rows");
    assert_eq!(
        vacuum_overdue(&events, &schedule, SystemTime::now() + week, since),
        Some(Overdue::Never),
        "ANALYZE is not a VACUUM"
    );
}

/// Polls the progress collector until `pid`'s row satisfies `ready`.
async fn progress_until(
    session: &mut MonitorSession,
    caps: &Capabilities,
    pid: i32,
    ready: impl Fn(&Progress) -> bool,
) -> Progress {
    eventually(&format!("progress of pid {pid}"), async || {
        let all = collect_progress(session, caps)
            .await
            .map_err(|e| e.to_string())?;
        match all.into_iter().find(|p| p.pid == pid) {
            Some(row) if ready(&row) => Ok(row),
            Some(row) => Err(format!("{row:#?}")),
            None => Err(format!("pid {pid} not in progress views")),
        }
    })
    .await
}

#[tokio::test]
async fn a_running_vacuum_shows_its_phase_and_how_far_it_got() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE big (id int, pad text) WITH (autovacuum_enabled = false);
         INSERT INTO big SELECT g, repeat('x', 20) FROM generate_series(1, 200000) g;",
    )
    .await;
    exec(&client, "DELETE FROM big WHERE id % 2 = 0").await;

    // Cost-based delay at its slowest: every page read sleeps, so the heap scan of
    // ~1,000 pages would take minutes; the test watches it and cancels it.
    let vacuumer = db.client().await;
    let pid = backend_pid(&vacuumer).await;
    let cancel = vacuumer.cancel_token();
    exec(
        &vacuumer,
        "SET vacuum_cost_delay = 50; SET vacuum_cost_limit = 1",
    )
    .await;
    let task = spawn_sql(vacuumer, "VACUUM big".into());

    let first = progress_until(&mut session, &caps, pid, |p| p.percent.is_some()).await;
    assert_eq!(first.kind, ProgressKind::Vacuum);
    assert_eq!(first.relation, "big");
    assert_eq!(first.phase, "scanning heap");
    assert_eq!(first.database.as_deref(), Some(db.name.as_str()));
    let percent = first.percent.unwrap_or(-1.0);
    assert!((0.0..=100.0).contains(&percent), "{first:?}");
    assert!(first.started.is_some(), "{first:?}");
    assert!(first.detail.contains("dead items"), "{first:?}");

    let later = progress_until(&mut session, &caps, pid, |p| {
        p.percent.is_some_and(|now| now > percent)
    })
    .await;
    assert!(later.percent.unwrap_or(101.0) < 100.0, "{later:?}");

    must(cancel.cancel_query(NoTls).await, "cancel the VACUUM");
    assert_eq!(finished(task).await, Err("57014".into()), "query_canceled");
    eventually(
        "the cancelled VACUUM to leave the progress view",
        async || {
            let all = collect_progress(&mut session, &caps)
                .await
                .map_err(|e| e.to_string())?;
            match all.iter().find(|p| p.pid == pid) {
                Some(row) => Err(format!("{row:?}")),
                None => Ok(()),
            }
        },
    )
    .await;
}

fn entry<'a>(tables: &'a [TableWraparound], name: &str, toast: bool) -> &'a TableWraparound {
    tables
        .iter()
        .find(|t| t.name == name && t.toast == toast)
        .unwrap_or_else(|| panic!("{name} (toast: {toast}) not listed: {tables:#?}"))
}

#[tokio::test]
async fn wraparound_shows_each_database_and_the_oldest_tables_against_the_limits() {
    // A private server: on the shared one, other tests' open transactions hold back the
    // freeze horizon, so the relations frozen below could end up older than `aged`.
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE aged (id int, body text) WITH (
             autovacuum_enabled = false, toast.autovacuum_enabled = false,
             autovacuum_freeze_max_age = 100000, toast.autovacuum_freeze_max_age = 150000)",
    )
    .await;
    // Burn a few transaction IDs, then freeze everything else in the database: `aged`
    // and its TOAST table are now the oldest relations here.
    for _ in 0..3 {
        exec(&client, "SELECT txid_current()").await;
    }
    let others: String = must(
        client
            .query_one(
                "SELECT string_agg(c.oid::regclass::text, ', ')
                   FROM pg_class c
                  WHERE c.relkind IN ('r', 'm', 't')
                    AND c.oid NOT IN ('aged'::regclass,
                                      (SELECT reltoastrelid FROM pg_class WHERE oid = 'aged'::regclass))",
                &[],
            )
            .await,
        "list relations",
    )
    .get(0);
    exec(&client, &format!("VACUUM (FREEZE) {others}")).await;

    let (mut session, _caps) = monitor_db(&db).await;
    let wraparound = must(collect_wraparound(&mut session).await, "wraparound");
    assert_eq!(wraparound.freeze_max_age, 200_000_000, "server default");
    assert_eq!(wraparound.multixact_freeze_max_age, 400_000_000);

    let ours = wraparound
        .databases
        .iter()
        .find(|d| d.name == db.name)
        .unwrap_or_else(|| panic!("{} not listed: {wraparound:#?}", db.name));
    assert!(ours.xid_age > 0, "{ours:?}");
    let expected = f64::from(ours.xid_age) * 100.0 / 200_000_000.0;
    assert!((ours.percent_of_freeze_max_age - expected).abs() < 1e-9);
    let expected = f64::from(ours.xid_age) * 100.0 / 2_147_483_648.0;
    assert!((ours.percent_of_hard_limit - expected).abs() < 1e-9);
    assert!(wraparound.databases.iter().any(|d| d.name == "template0"));
    let ages: Vec<i32> = wraparound.databases.iter().map(|d| d.xid_age).collect();
    assert!(ages.is_sorted_by(|a, b| a >= b), "oldest first: {ages:?}");

    let tables = &wraparound.tables;
    assert_eq!(tables.len(), 20);
    let ages: Vec<i32> = tables.iter().map(|t| t.xid_age).collect();
    assert!(ages.is_sorted_by(|a, b| a >= b), "oldest first: {ages:?}");
    let heap = entry(tables, "aged", false);
    let toast = entry(tables, "aged", true);
    assert_eq!(
        (heap.schema.as_str(), toast.schema.as_str()),
        ("public", "public")
    );
    assert_ne!(heap.relid, toast.relid);
    assert_eq!(
        (heap.freeze_max_age, toast.freeze_max_age),
        (100_000, 150_000)
    );
    assert!(heap.xid_age > 3, "{heap:?}");
    let expected = f64::from(heap.xid_age) * 100.0 / 100_000.0;
    assert!((heap.percent_of_freeze_max_age - expected).abs() < 1e-9);
    assert!(
        tables
            .iter()
            .all(|t| t.schema != "pg_toast" && !t.name.starts_with("pg_toast_")),
        "TOAST tables carry their owner's name: {tables:#?}"
    );
}

/// The seed's appendix C, plus an older failure, yesterday's failure and a running task.
const TASK_RUNS: &str = r"
    INSERT INTO maintenance_task_log
        (task_name, status, started_at, finished_at, rows_processed, detail)
    VALUES
        ('cleanup_expired_sessions', 'completed', localtimestamp - interval '1 hour',
         localtimestamp - interval '1 hour' + interval '138 seconds', 1234,
         'sessions older than 90 days'),
        ('update_table_statistics', 'completed', localtimestamp - interval '55 minutes',
         localtimestamp - interval '55 minutes' + interval '522 seconds', 23, '23 tables'),
        ('vacuum_analyze_tables', 'failed', localtimestamp - interval '10 days',
         localtimestamp - interval '10 days' + interval '60 seconds', NULL, 'disk full'),
        ('vacuum_analyze_tables', 'failed', localtimestamp - interval '1 day',
         localtimestamp - interval '1 day' + interval '5 seconds', NULL,
         'canceling statement due to lock timeout'),
        ('vacuum_analyze_tables', 'completed', localtimestamp - interval '30 minutes',
         localtimestamp - interval '30 minutes' + interval '912 seconds', 23, '23 tables'),
        ('reindex_fragmented_indexes', 'running', localtimestamp - interval '5 minutes',
         NULL, NULL, E'idx_\x1b[2Jusers')";

async fn install_schema(client: &Client) {
    for (_, sql) in pgpulse::pg::schema::STATEMENTS {
        exec(client, sql).await;
    }
}

#[tokio::test]
async fn task_history_shows_the_latest_run_of_each_task_and_recent_failures() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    install_schema(&client).await;
    exec(&client, TASK_RUNS).await;
    let (mut session, caps) = monitor_db(&db).await;
    assert!(caps.has_maintenance_task_log);

    let runs = must(
        collect_task_history(&mut session, &caps).await,
        "task history",
    );
    let names: Vec<&str> = runs.iter().map(|r| r.task_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "cleanup_expired_sessions",
            "reindex_fragmented_indexes",
            "update_table_statistics",
            "vacuum_analyze_tables"
        ]
    );
    let [cleanup, reindex, statistics, vacuum] = &runs[..] else {
        panic!("{runs:#?}");
    };

    assert_eq!(cleanup.status, TaskStatus::Completed);
    assert_eq!(cleanup.duration, Some(Duration::from_secs(138)), "2.3 min");
    assert_eq!(cleanup.rows_processed, Some(1234));
    assert_eq!(cleanup.failures_7d, 0);
    let ago = cleanup.started_ago.unwrap_or_default();
    assert!(
        ago >= Duration::from_secs(3600) && ago < Duration::from_secs(3600 + 60),
        "{ago:?}"
    );
    let finished_at = cleanup.finished_at.unwrap_or(SystemTime::UNIX_EPOCH);
    assert_eq!(
        finished_at.duration_since(cleanup.started_at).ok(),
        Some(Duration::from_secs(138))
    );
    let wall_clock_ago = SystemTime::now()
        .duration_since(cleanup.started_at)
        .unwrap_or_default();
    assert!(
        wall_clock_ago.abs_diff(Duration::from_secs(3600)) < Duration::from_secs(60),
        "started_at is read in the server's time zone: {wall_clock_ago:?}"
    );

    assert_eq!(statistics.status, TaskStatus::Completed);
    assert_eq!(
        statistics.duration,
        Some(Duration::from_secs(522)),
        "8.7 min"
    );
    assert_eq!(statistics.detail.as_deref(), Some("23 tables"));

    assert_eq!(
        vacuum.status,
        TaskStatus::Completed,
        "today's run is the latest"
    );
    assert_eq!(
        vacuum.failures_7d, 1,
        "yesterday's; the one 10 days ago is older"
    );
    assert_eq!(vacuum.duration, Some(Duration::from_secs(912)));

    assert_eq!(reindex.status, TaskStatus::Running);
    assert_eq!((reindex.finished_at, reindex.duration), (None, None));
    assert_eq!(
        reindex.detail.as_deref(),
        Some("idx_\\x1b[2Jusers"),
        "escape sequences are defused"
    );
}

#[tokio::test]
async fn task_history_without_its_table_says_how_to_create_it() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    assert!(!caps.has_maintenance_task_log);
    let missing = Err(SectionError::Unavailable {
        reason: "table maintenance_task_log not found in the search path".into(),
        fix: Some("pgpulse schema install".into()),
    });
    assert_eq!(collect_task_history(&mut session, &caps).await, missing);

    // Dropped after the capability probe saw it: the same answer, not a query error.
    let client = db.client().await;
    install_schema(&client).await;
    let (mut session, caps) = monitor_db(&db).await;
    assert!(caps.has_maintenance_task_log);
    exec(&client, "DROP TABLE maintenance_task_log").await;
    assert_eq!(collect_task_history(&mut session, &caps).await, missing);
}

/// The Maintenance screen's app, fed polls until `ready` says the tables are in. The
/// poller reads the Maintenance sources once (the screen is not watched): wait for the
/// statistics it must show first (`stats_show`).
async fn maintenance_app(
    poller: &mut pgpulse::monitor::poller::Poller,
    ready: impl Fn(&pgpulse::tui::app::App) -> Result<(), String>,
) -> pgpulse::tui::app::App {
    let mut app = test_app();
    app.show(pgpulse::tui::screen::Screen::Maintenance);
    eventually("the tables on the Maintenance screen", async || {
        let snapshot = poller.poll_everything().await;
        app.update(pgpulse::tui::app::Event::Tick(snapshot.taken_at));
        app.update(pgpulse::tui::app::Event::Snapshot(Box::new(snapshot)));
        ready(&app)
    })
    .await;
    app
}

/// The Maintenance row of `table`: its cells by column title.
fn maintenance_row(app: &pgpulse::tui::app::App, table: &str) -> Option<Vec<(String, String)>> {
    let (columns, rows) = app.table(pgpulse::tui::screens::state::TableId::Maintenance);
    let row = rows
        .iter()
        .find(|r| r.cells.get(1).is_some_and(|c| c.text.ends_with(table)))?;
    Some(
        columns
            .iter()
            .zip(&row.cells)
            .map(|(column, cell)| (column.title.to_string(), cell.text.clone()))
            .collect(),
    )
}

fn cell<'a>(row: &'a [(String, String)], column: &str) -> &'a str {
    row.iter()
        .find(|(title, _)| title == column)
        .map_or("", |(_, text)| text.as_str())
}

fn poller_for(session: MonitorSession, caps: Capabilities) -> pgpulse::monitor::poller::Poller {
    let config = pgpulse::monitor::poller::PollerConfig {
        slow: Duration::ZERO,
        ..pgpulse::monitor::poller::PollerConfig::default()
    };
    pgpulse::monitor::poller::Poller::new(session, caps, config)
}

/// 300 empty tables never vacuumed have nothing to vacuum or analyze: a week on, the one
/// table with dead tuples is the only OVERDUE one, and it comes first.
#[tokio::test]
async fn empty_tables_do_not_bury_the_one_that_is_overdue() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "DO $$ BEGIN
             FOR i IN 1..300 LOOP
                 EXECUTE format('CREATE TABLE empty_%s (id int)', i);
             END LOOP;
         END $$;
         CREATE TABLE busy (id int) WITH (autovacuum_enabled = false);
         INSERT INTO busy SELECT generate_series(1, 1000);
         DELETE FROM busy WHERE id <= 500;",
    )
    .await;
    let (session, caps) = monitor_db(&db).await;
    let dead = "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'busy'";
    stats_show(&client, caps.server_version_num, dead, 500).await;
    let mut poller = poller_for(session, caps);
    let mut app = maintenance_app(&mut poller, |app| match maintenance_row(app, "busy") {
        Some(row) if cell(&row, "DEAD") == "500" => Ok(()),
        other => Err(format!("{other:?}")),
    })
    .await;
    // A week later, nothing vacuumed in between (the harness's cluster is minutes old).
    let snapshot = poller.poll_everything().await;
    let week_later = snapshot.taken_at + Duration::from_secs(8 * 86_400);
    app.update(pgpulse::tui::app::Event::Tick(week_later));
    app.update(pgpulse::tui::app::Event::Snapshot(Box::new(snapshot)));
    let (_, rows) = app.table(pgpulse::tui::screens::state::TableId::Maintenance);
    let overdue: Vec<&str> = rows
        .iter()
        .filter(|r| r.cells.iter().any(|c| c.text.contains("OVERDUE")))
        .filter_map(|r| r.cells.get(1).map(|c| c.text.as_str()))
        .collect();
    assert_eq!(
        overdue,
        vec!["public.busy"],
        "only the table with work is late"
    );
    let first = rows.first().and_then(|r| r.cells.get(1));
    assert_eq!(first.map(|c| c.text.as_str()), Some("public.busy"));
    let busy = maintenance_row(&app, "busy").unwrap_or_default();
    assert_eq!(
        cell(&busy, "LAST VAC"),
        "never",
        "statistics kept since initdb: never is never"
    );
}

/// A crash restart wipes last_vacuum and the counters: the screen says since when runs
/// are known instead of "never", does not call the table OVERDUE on no evidence, and the
/// dead-tuple tile and alert do not read a few updates on a 20,000-row table as 100 %.
#[tokio::test]
async fn a_crash_restart_is_not_read_as_never_vacuumed_or_all_dead() {
    let server = common::start_server(|opts| {
        opts.settings.push(("autovacuum".into(), "off".into()));
    });
    let db = server.create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE big (id int, pad text);
         INSERT INTO big SELECT g, 'x' FROM generate_series(1, 20000) g;",
    )
    .await;
    exec(&client, "VACUUM ANALYZE big").await;
    // A crash some time into the server's life (a restart of the statistics within
    // seconds of the start is the start's own).
    let sql = "SELECT now() - pg_postmaster_start_time() > interval '6 seconds'";
    eventually("the server to have run a while", async || {
        let row = client
            .query_one(sql, &[])
            .await
            .map_err(|e| e.to_string())?;
        if row.get::<_, bool>(0) {
            Ok(())
        } else {
            Err("just started".into())
        }
    })
    .await;
    // Kill a backend: the postmaster restarts every process and discards the statistics.
    let sql = "SELECT stats_reset FROM pg_stat_bgwriter";
    let before: SystemTime = must(client.query_one(sql, &[]).await, sql).get(0);
    let victim = backend_pid(&client).await;
    let killed = std::process::Command::new("kill")
        .args(["-9", &victim.to_string()])
        .status();
    assert!(killed.is_ok_and(|s| s.success()), "kill -9 {victim}");
    let conninfo = db.conninfo();
    let client = eventually("the server back after the crash", async || {
        let (client, connection) = tokio_postgres::connect(&conninfo, NoTls)
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(connection);
        let row = client
            .query_one(sql, &[])
            .await
            .map_err(|e| e.to_string())?;
        let reset: SystemTime = row.get(0);
        // Statistics restarted: the crash restart is over, this connection is after it.
        if reset > before {
            Ok(client)
        } else {
            Err("statistics not restarted yet".into())
        }
    })
    .await;
    exec(&client, "UPDATE big SET pad = 'y' WHERE id <= 2000").await;
    let (session, caps) = monitor_db(&db).await;
    let dead = "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'big'";
    stats_show(&client, caps.server_version_num, dead, 2000).await;
    let mut poller = poller_for(session, caps);
    let app = maintenance_app(&mut poller, |app| match maintenance_row(app, "big") {
        Some(row) if cell(&row, "DEAD") == "2.0k" => Ok(()),
        other => Err(format!("{other:?}")),
    })
    .await;
    let big = maintenance_row(&app, "big").unwrap_or_default();
    assert!(
        cell(&big, "LAST VAC").starts_with('>') && cell(&big, "LAST AN").starts_with('>'),
        "no run since the crash, earlier ones forgotten: {big:?}"
    );
    assert!(!cell(&big, "STATUS").contains("OVERDUE"), "{big:?}");
    assert_eq!(
        cell(&big, "LIVE"),
        "~20.0k",
        "the catalog's rows, not 0: {big:?}"
    );
    assert_eq!(cell(&big, "DEAD %"), "9.1%", "{big:?}");
    let dead_tile = pgpulse::tui::screens::kpi::tiles(&app)
        .into_iter()
        .find(|t| t.label == "DEAD TUPLES")
        .map(|t| t.value);
    assert_eq!(dead_tile.as_deref(), Some("9.1%"));
    let alerts: Vec<_> = app
        .model()
        .alerts()
        .active()
        .iter()
        .map(|a| a.kind)
        .collect();
    assert!(
        !alerts.contains(&pgpulse::analysis::alerts::AlertKind::DeadTuples),
        "{alerts:?}"
    );
    let screen = screen_text(&app, 160, 48);
    assert!(screen.contains("stats reset"), "{screen}");
}
