//! `pgpulse demo`'s database side against a real server: the seed's schema and data as
//! pgpulse's own collectors see them, the same data on every load, and the workload
//! running, staging its incidents and leaving nothing behind when stopped.

use crate::common;

use std::future::Future;
use std::time::{Duration, Instant};

use common::TestDb;
use common::live::{exec, monitor_db, must};
use pgpulse::analysis::index_flags::flag_indexes;
use pgpulse::analysis::maintenance_rules::{AutovacuumOff, autovacuum_verdict};
use pgpulse::demo::schema::{self, DEAD_TUPLE_TABLE, DUPLICATE_INDEX, Scale, UNUSED_INDEX};
use pgpulse::demo::workload::{self, WorkloadConfig, WorkloadHandle};
use pgpulse::monitor::collector::{
    collect_indexes, collect_performance_log, collect_snapshot_history, collect_table_maintenance,
    collect_task_history,
};
use pgpulse::monitor::snapshot::maintenance::TaskStatus;
use pgpulse::pg::conninfo::{self, ConnParams, Flags};
use tokio_postgres::Client;

/// Small enough to load in a second or two, big enough for every table to have rows.
const SMALL: Scale = Scale {
    users: 2_000,
    sessions: 20_000,
};

/// The seed's tables ("Current Schema Overview").
const SEED_TABLES: [&str; 24] = [
    "users",
    "user_preferences",
    "learning_profiles",
    "learning_styles",
    "style_assessments",
    "behavioral_indicators",
    "pace_profiles",
    "pace_adjustments",
    "learning_sessions",
    "adaptive_changes",
    "adaptive_content",
    "content_variants",
    "media_content",
    "adaptive_assessments",
    "adaptive_questions",
    "question_options",
    "assessment_attempts",
    "question_responses",
    "learning_analytics",
    "style_effectiveness",
    "content_engagement",
    "performance_trends",
    "recommendations",
    "learning_predictions",
];

/// The seed's scheduled maintenance tasks by cadence ("Maintenance Task Schedule").
const DAILY_TASKS: [&str; 3] = [
    "cleanup_expired_sessions",
    "cleanup_behavioral_data",
    "update_table_statistics",
];
const WEEKLY_TASKS: [&str; 3] = [
    "reindex_fragmented_indexes",
    "vacuum_analyze_tables",
    "database_integrity_check",
];
const MONTHLY_TASKS: [&str; 2] = ["archive_old_analytics", "rebuild_fulltext_indexes"];

const DAY: Duration = Duration::from_secs(86_400);

/// A fresh database with the demo loaded at `scale`, and a superuser client on it.
async fn loaded(scale: Scale) -> (TestDb<'static>, Client) {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    let report = must(schema::load(&client, &scale).await, "loading the demo");
    assert_eq!(
        (report.users, report.sessions),
        (scale.users, scale.sessions)
    );
    assert_eq!(report.tables, SEED_TABLES.len() + 3, "{report:?}");
    (db, client)
}

fn params(db: &TestDb<'_>) -> ConnParams {
    must(
        conninfo::resolve_from_process(
            Flags::default(),
            Some(format!("{} sslmode=disable", db.conninfo())),
        ),
        "resolving conninfo",
    )
}

async fn count(
    client: &Client,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> i64 {
    must(client.query_one(sql, params).await, sql).get(0)
}

/// Polls `attempt` every 100 ms until it gives a value; panics after `limit` with the
/// last thing it saw.
async fn wait_until<T, F>(what: &str, limit: Duration, mut attempt: impl FnMut() -> F) -> T
where
    F: Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + limit;
    loop {
        match attempt().await {
            Ok(value) => return value,
            Err(last) if Instant::now() >= deadline => {
                panic!("waited {limit:?} for {what}; last seen: {last}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// The demo's sessions (pool and jobs) connected to this database.
async fn demo_sessions(client: &Client, db: &str) -> Vec<(String, String)> {
    let rows = must(
        client
            .query(
                "SELECT application_name, coalesce(state, '') FROM pg_stat_activity \
                 WHERE datname = $1 AND application_name LIKE 'pla-%' ORDER BY 1",
                &[&db],
            )
            .await,
        "demo sessions",
    );
    rows.iter().map(|row| (row.get(0), row.get(1))).collect()
}

/// Stops the workload (bounded) and waits until none of its sessions is left.
async fn stop_and_check_gone(workload: WorkloadHandle, client: &Client, db: &str) {
    let started = Instant::now();
    must(
        tokio::time::timeout(Duration::from_secs(8), workload.stop()).await,
        "stopping the workload",
    );
    let took = started.elapsed();
    assert!(took < Duration::from_secs(6), "stop took {took:?}");
    wait_until(
        "the demo's sessions to end",
        Duration::from_secs(10),
        || async {
            let left = demo_sessions(client, db).await;
            if left.is_empty() {
                Ok(())
            } else {
                Err(format!("{left:?}"))
            }
        },
    )
    .await;
}

/// The dead-tuple table's n_dead_tup as the statistics show it now. Before PostgreSQL
/// 15 there is nothing to flush: the collector is at most 500 ms behind, and the waits
/// using this poll anyway.
async fn dead_tuples(client: &Client) -> i64 {
    let version = count(
        client,
        "SELECT current_setting('server_version_num')::bigint",
        &[],
    )
    .await;
    if version >= 150_000 {
        exec(client, "SELECT pg_stat_force_next_flush()").await;
    }
    count(
        client,
        "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = $1",
        &[&DEAD_TUPLE_TABLE],
    )
    .await
}

#[tokio::test]
async fn the_loaded_database_gives_every_panel_something_to_show() {
    let (db, client) = loaded(SMALL).await;
    for table in SEED_TABLES {
        let rows = count(&client, &format!("SELECT count(*) FROM {table}"), &[]).await;
        assert!(rows > 0, "{table} is empty");
    }
    let overview = count(
        &client,
        "SELECT count(*) FROM user_learning_overview WHERE total_sessions > 0",
        &[],
    )
    .await;
    assert!(
        overview > 1_000,
        "{overview} learners with sessions in the view"
    );

    let (mut session, caps) = monitor_db(&db).await;

    // Indexes screen: the two deliberate mistakes are flagged as such.
    let indexes = must(collect_indexes(&mut session).await, "indexes");
    let flags = flag_indexes(&indexes);
    let oid = |name: &str| {
        indexes
            .iter()
            .find(|i| i.name == name)
            .map(|i| i.indexrelid)
    };
    let flagged = |name: &str| {
        let id = oid(name).unwrap_or_else(|| panic!("{name} missing"));
        flags
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, f)| *f)
            .unwrap_or_default()
    };
    assert!(
        flagged(UNUSED_INDEX).unused,
        "{UNUSED_INDEX} not flagged unused"
    );
    assert_eq!(
        flagged(DUPLICATE_INDEX).duplicate_of,
        oid("idx_content_variants_style_format"),
        "{DUPLICATE_INDEX}"
    );
    for seed_index in ["idx_adaptive_content_search", "idx_users_active_updated"] {
        assert!(oid(seed_index).is_some(), "{seed_index} missing");
    }

    // Maintenance screen: dead tuples due for a vacuum autovacuum will not run.
    let tables = must(
        collect_table_maintenance(&mut session, &caps).await,
        "tables",
    );
    let neglected = tables.iter().find(|t| t.name == DEAD_TUPLE_TABLE);
    let neglected = neglected.unwrap_or_else(|| panic!("{DEAD_TUPLE_TABLE} not listed"));
    let verdict = autovacuum_verdict(neglected);
    assert!(neglected.n_dead_tup > 0, "{neglected:#?}");
    assert_eq!(verdict.off, Some(AutovacuumOff::Table));
    assert!(verdict.blocked(), "{verdict:#?}");

    // Cache screen: a month of history for every table.
    let history = must(
        collect_snapshot_history(&mut session, &caps, 31 * DAY).await,
        "snapshot history",
    );
    let tables_with_history = history.tables().filter(|points| points.len() >= 28).count();
    assert!(
        tables_with_history >= SEED_TABLES.len(),
        "{tables_with_history} tables"
    );
    let sessions: Vec<_> = history
        .points
        .iter()
        .filter(|p| p.table_name == "learning_sessions")
        .collect();
    let first = sessions.iter().map(|p| p.at).min();
    let last = sessions.iter().map(|p| p.at).max();
    let span = first
        .zip(last)
        .and_then(|(a, b)| b.duration_since(a).ok())
        .unwrap_or_default();
    assert!(span >= 7 * DAY, "history spans {span:?}");
    assert!(
        sessions
            .iter()
            .all(|p| p.cache_hit_ratio.is_some_and(|r| (0.5..=1.0).contains(&r)))
    );

    // Maintenance task list: every task, with completed and failed runs per cadence.
    let runs = must(
        collect_task_history(&mut session, &caps).await,
        "task history",
    );
    for task in DAILY_TASKS
        .iter()
        .chain(&WEEKLY_TASKS)
        .chain(&MONTHLY_TASKS)
    {
        let run = runs.iter().find(|r| r.task_name == *task);
        assert!(run.is_some(), "{task} has no runs: {runs:#?}");
    }
    assert!(
        runs.iter()
            .any(|r| r.task_name == "cleanup_behavioral_data" && r.failures_7d == 1)
    );
    assert!(runs.iter().any(|r| r.status == TaskStatus::Completed));
    for (cadence, tasks) in [
        ("daily", &DAILY_TASKS[..]),
        ("weekly", &WEEKLY_TASKS[..]),
        ("monthly", &MONTHLY_TASKS[..]),
    ] {
        for status in ["completed", "failed"] {
            let runs = count(
                &client,
                "SELECT count(*) FROM maintenance_task_log WHERE task_name = ANY($1) AND status = $2",
                &[&tasks, &status],
            )
            .await;
            assert!(runs > 0, "no {status} {cadence} runs");
        }
    }

    // Queries screen: latencies of the last hour, the slow report among them.
    let log = must(
        collect_performance_log(
            &mut session,
            &caps,
            Duration::from_secs(3600),
            Duration::from_secs(5),
        )
        .await,
        "performance log",
    );
    assert!(log.queries.len() >= 11, "{} hashes", log.queries.len());
    let report = log
        .queries
        .iter()
        .find(|q| q.query_hash.as_deref() == Some("analytics_style_report"));
    assert!(report.is_some_and(|r| r.slow_count > 0), "{report:?}");
    assert!(
        log.overall.as_ref().is_some_and(|o| o.p95_ms < 100.0),
        "{:?}",
        log.overall
    );
}

#[tokio::test]
async fn a_failed_load_names_its_file_and_leaves_the_database_as_it_was() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(&client, "CREATE TABLE recommendations (note text)").await;
    let error = schema::load(&client, &SMALL)
        .await
        .err()
        .unwrap_or_default();
    assert!(error.contains("queries/demo/01_tables.sql"), "{error}");
    assert!(error.contains("42P07") && !error.contains('\n'), "{error}");
    // One transaction: the monitoring tables and the first demo tables are gone again,
    // and the session is usable (not left in the aborted transaction).
    let left = count(
        &client,
        "SELECT count(*) FROM pg_class WHERE relname IN ('users', 'query_performance_log')",
        &[],
    )
    .await;
    assert_eq!(left, 0);
    let error = schema::load(
        &client,
        &Scale {
            users: 5,
            sessions: 100,
        },
    )
    .await
    .err();
    assert!(error.is_some_and(|e| e.contains("users must be between")));
}

#[tokio::test]
async fn two_loads_at_one_scale_give_the_same_data() {
    let fingerprint = "SELECT \
        (SELECT md5(string_agg(id::text, ',' ORDER BY id)) FROM users) \
        || (SELECT md5(string_agg(user_id::text || correct_answers, ',' ORDER BY id)) FROM learning_sessions) \
        || (SELECT count(*) FROM pace_profiles WHERE updated_at < created_at)::text";
    let mut seen = Vec::new();
    for _ in 0..2 {
        let (_db, client) = loaded(SMALL).await;
        let mut counts = Vec::new();
        for table in SEED_TABLES
            .iter()
            .chain(&["query_performance_log", "database_statistics_snapshot"])
        {
            counts.push(count(&client, &format!("SELECT count(*) FROM {table}"), &[]).await);
        }
        let print: String = must(client.query_one(fingerprint, &[]).await, "fingerprint").get(0);
        seen.push((counts, print));
    }
    assert_eq!(seen[0], seen[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workload_runs_both_scenarios_and_leaves_nothing_behind() {
    let (db, client) = loaded(SMALL).await;
    let dead_before = dead_tuples(&client).await;
    let since: std::time::SystemTime =
        must(client.query_one("SELECT now()", &[]).await, "now").get(0);
    let mut config = WorkloadConfig::new(params(&db));
    assert_eq!(config.clients, 10, "the seed's development pool");
    config.rate = 50.0;
    // The incidents have their own test; here they would only make it slower.
    config.slow_query_every = Duration::ZERO;
    config.lock_chain_every = Duration::ZERO;
    let workload = workload::spawn(config);

    let names = wait_until(
        "both scenarios' sessions and the maintenance job",
        Duration::from_secs(20),
        || async {
            let sessions = demo_sessions(&client, &db.name).await;
            let pool: Vec<&String> = sessions
                .iter()
                .map(|(name, _)| name)
                .filter(|n| n.starts_with("pla-demo-"))
                .collect();
            let both = pool.iter().any(|n| *n == "pla-demo-user-activity")
                && pool.iter().any(|n| *n == "pla-demo-content-delivery");
            // The maintenance job connects on its own task: on a busy machine it can come
            // up after the pool, so it is awaited with it rather than checked once after.
            let maintenance = sessions
                .iter()
                .any(|(name, _)| name == "pla-jobs-maintenance");
            if both && pool.len() == 10 && maintenance {
                Ok(sessions)
            } else {
                Err(format!("{sessions:?}"))
            }
        },
    )
    .await;
    assert!(
        names.iter().any(|(name, _)| name == "pla-jobs-maintenance"),
        "{names:?}"
    );

    let hashes = wait_until("six operations logged", Duration::from_secs(20), || async {
        let rows = must(
            client
                .query(
                    "SELECT DISTINCT query_hash::text FROM query_performance_log \
                     WHERE executed_at >= $1::timestamptz::timestamp ORDER BY 1",
                    &[&since],
                )
                .await,
            "logged hashes",
        );
        let hashes: Vec<String> = rows.iter().map(|row| row.get(0)).collect();
        let user_activity = [
            "get_user_profile",
            "get_learning_sessions",
            "get_recommendations",
        ];
        let content = [
            "get_content_by_difficulty",
            "get_content_variants",
            "search_content",
        ];
        let has = |names: &[&str]| names.iter().any(|n| hashes.iter().any(|h| h == n));
        if hashes.len() >= 6 && has(&user_activity) && has(&content) {
            Ok(hashes)
        } else {
            Err(format!("{hashes:?}"))
        }
    })
    .await;
    assert!(hashes.len() >= 6, "{hashes:?}");

    wait_until("dead tuples to grow", Duration::from_secs(20), || async {
        let dead = dead_tuples(&client).await;
        if dead > dead_before {
            Ok(())
        } else {
            Err(format!("{dead} dead, {dead_before} before"))
        }
    })
    .await;
    let snapshots = count(
        &client,
        "SELECT count(*) FROM database_statistics_snapshot WHERE snapshot_date >= $1::timestamptz::timestamp",
        &[&since],
    )
    .await;
    assert!(snapshots > 0, "no live statistics snapshot");

    let stats = workload.stats();
    assert!(stats.operations > 0, "{stats:?}");
    assert_eq!(stats.errors, 0, "{stats:?}");
    assert!(stats.logged > 0 && stats.snapshots > 0, "{stats:?}");
    stop_and_check_gone(workload, &client, &db.name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workload_stages_a_slow_query_and_a_lock_chain_and_cancels_them_on_stop() {
    let (db, client) = loaded(SMALL).await;
    let since: std::time::SystemTime =
        must(client.query_one("SELECT now()", &[]).await, "now").get(0);
    let mut config = WorkloadConfig::new(params(&db));
    config.clients = 2;
    config.rate = 10.0;
    config.slow_query_every = Duration::from_secs(1);
    config.lock_chain_every = Duration::from_secs(1);
    config.snapshot_every = Duration::from_secs(1);
    let workload = workload::spawn(config);

    // The blocking tree: an editor waiting on an editor who waits on a third, who sits
    // idle in its transaction.
    wait_until("a lock chain two deep", Duration::from_secs(20), || async {
        let chains = count(
            &client,
            "SELECT count(*) FROM pg_stat_activity w \
             WHERE w.datname = $1 AND w.application_name = 'pla-jobs-content-admin' \
               AND EXISTS (SELECT 1 FROM unnest(pg_blocking_pids(w.pid)) AS b(pid) \
                           WHERE cardinality(pg_blocking_pids(b.pid)) > 0)",
            &[&db.name],
        )
        .await;
        if chains > 0 {
            Ok(())
        } else {
            Err(format!("{:?}", demo_sessions(&client, &db.name).await))
        }
    })
    .await;
    let idle_holders = count(
        &client,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 \
         AND application_name = 'pla-jobs-content-admin' AND state = 'idle in transaction'",
        &[&db.name],
    )
    .await;
    assert_eq!(
        idle_holders, 1,
        "the chain's root holds its lock idle in transaction"
    );

    // The long-running-query alert: the report active for over 5 s.
    wait_until(
        "the report running past 5 s",
        Duration::from_secs(20),
        || async {
            let slow = count(
                &client,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 \
             AND application_name = 'pla-jobs-analytics' AND state = 'active' \
             AND query_start < clock_timestamp() - interval '5 seconds'",
                &[&db.name],
            )
            .await;
            if slow > 0 {
                Ok(())
            } else {
                Err("not yet".to_string())
            }
        },
    )
    .await;

    // Both logged as slow in the application's latency log, and the task in its log.
    wait_until("slow latencies logged", Duration::from_secs(30), || async {
        let slow = count(
            &client,
            "SELECT count(DISTINCT query_hash) FROM query_performance_log \
             WHERE executed_at >= $1::timestamptz::timestamp AND execution_time_ms > 5000 \
               AND query_hash IN ('analytics_style_report', 'update_content_metadata')",
            &[&since],
        )
        .await;
        if slow == 2 {
            Ok(())
        } else {
            Err(format!("{slow} of 2"))
        }
    })
    .await;
    let task_runs = count(
        &client,
        "SELECT count(*) FROM maintenance_task_log WHERE task_name = 'update_table_statistics' \
         AND status = 'completed' AND started_at >= $1::timestamptz::timestamp",
        &[&since],
    )
    .await;
    assert!(task_runs > 0, "no live update_table_statistics run");

    let stats = workload.stats();
    assert!(
        stats.slow_queries >= 1 && stats.lock_chains >= 1 && stats.snapshots >= 1,
        "{stats:?}"
    );
    assert_eq!(stats.errors, 0, "{stats:?}");
    // With both incidents due every second, another report and chain are under way:
    // stopping must cancel them, not wait for them.
    stop_and_check_gone(workload, &client, &db.name).await;
    let running = count(
        &client,
        "SELECT count(*) FROM maintenance_task_log WHERE status = 'running'",
        &[],
    )
    .await;
    assert_eq!(running, 0, "a task left running");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_demo_data_the_workload_counts_errors_backs_off_and_stops() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    let mut config = WorkloadConfig::new(params(&db));
    config.slow_query_every = Duration::ZERO;
    config.lock_chain_every = Duration::ZERO;
    let workload = workload::spawn(config);
    let first = wait_until("the first errors", Duration::from_secs(10), || async {
        let stats = workload.stats();
        if stats.errors >= 10 {
            Ok(stats)
        } else {
            Err(format!("{stats:?}"))
        }
    })
    .await;
    // A window to count retries in, not a synchronisation: spinning clients would fail
    // thousands of times in it, backing-off ones (1 s, then 2 s...) at most twice each.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let later = workload.stats();
    assert_eq!(later.operations, 0, "{later:?}");
    assert!(
        later.errors <= first.errors + 25,
        "{first:?} then {later:?}"
    );
    let message = later.last_error.clone().unwrap_or_default();
    assert!(!message.contains('\n'), "{message}");
    stop_and_check_gone(workload, &client, &db.name).await;
}

/// How long the default scale takes to load here: a measurement, printed, not asserted.
/// `cargo test --test live -- demo_data::load_time --ignored --nocapture`
#[tokio::test]
#[ignore = "timing measurement at the default scale (about 12 s)"]
async fn load_time_at_the_default_scale() {
    // Default first: the small load's autovacuum work would otherwise compete with it.
    for scale in [Scale::default(), SMALL] {
        let db = common::shared().create_database().await;
        let client = db.client().await;
        let report = must(schema::load(&client, &scale).await, "loading the demo");
        println!(
            "demo load: {} users, {} sessions, {} tables in {:.2} s",
            report.users,
            report.sessions,
            report.tables,
            report.elapsed.as_secs_f64()
        );
    }
}
