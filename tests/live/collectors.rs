//! The collectors against a real server: what a DBA would see in each panel when real
//! sessions run, wait, lock and log.

use crate::common;

use common::live::{
    backend_pid, eventually, exec, finished, monitor, monitor_db, must, report_stats, spawn_sql,
};

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use pgpulse::monitor::collector::{
    StatementTextCache, collect_activity, collect_databases, collect_performance_log,
    collect_server, collect_statements, collect_table_totals,
};
use pgpulse::monitor::snapshot::{
    QueryLatency, SectionError, Session, StatementKey, Statements, WaitEventType,
};
use pgpulse::pg::probe::Capabilities;
use pgpulse::pg::session::MonitorSession;
use tokio_postgres::{Client, NoTls};

fn find(sessions: &[Session], pid: i32) -> Option<&Session> {
    sessions.iter().find(|s| s.pid == pid)
}

/// Polls the activity collector until `ready` holds.
async fn activity_until(
    session: &mut MonitorSession,
    caps: &Capabilities,
    what: &str,
    ready: impl Fn(&[Session]) -> bool,
) -> Vec<Session> {
    eventually(what, async || {
        let sessions = collect_activity(session, caps)
            .await
            .map_err(|e| e.to_string())?;
        if ready(&sessions) {
            Ok(sessions)
        } else {
            Err(format!("{sessions:#?}"))
        }
    })
    .await
}

#[tokio::test]
async fn a_running_query_is_listed_with_its_text_state_and_age() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let sleeper = db.client().await;
    let pid = backend_pid(&sleeper).await;
    let cancel = sleeper.cancel_token();
    let sql = "SELECT pg_sleep(30) /* activity test */";
    let task = spawn_sql(sleeper, sql.into());

    let sessions = activity_until(&mut session, &caps, "the sleeper to be active", |all| {
        find(all, pid).is_some_and(|s| s.state.as_ref().is_some_and(|st| st.as_str() == "active"))
    })
    .await;
    let sleeping = find(&sessions, pid).unwrap_or_else(|| panic!("pid {pid} listed"));
    assert_eq!(sleeping.query, sql);
    assert!(sleeping.query_age.is_some() && sleeping.xact_age.is_some());
    assert_eq!(sleeping.database.as_deref(), Some(db.name.as_str()));
    assert_eq!(sleeping.user.as_deref(), Some("postgres"));
    assert_eq!(sleeping.client.as_deref(), Some("127.0.0.1"));
    assert_eq!(sleeping.backend_type.as_str(), "client backend");
    assert_eq!(sleeping.wait_event.as_deref(), Some("PgSleep"));
    assert!(sleeping.blocked_by.is_empty());
    assert!(
        sleeping
            .backend_start
            .is_some_and(|start| start <= SystemTime::now())
    );
    if caps.server_version_num >= 140_000 {
        assert!(sleeping.query_id.is_some(), "compute_query_id is on");
    }
    assert!(
        find(&sessions, caps.backend_pid).is_none(),
        "pgpulse's own backend is left out"
    );
    assert!(
        sessions
            .iter()
            .any(|s| s.backend_type.as_str() == "checkpointer" && s.client.is_none()),
        "background processes are listed without a client: {sessions:#?}"
    );

    // The PostgreSQL 13 variant runs here too; it only lacks query_id.
    let mut caps_13 = caps.clone();
    caps_13.server_version_num = 130_000;
    let sessions_13 = must(collect_activity(&mut session, &caps_13).await, "13 variant");
    let sleeping_13 = find(&sessions_13, pid).unwrap_or_else(|| panic!("pid {pid} (13)"));
    assert_eq!(sleeping_13.query, sql);
    assert_eq!(sleeping_13.query_id, None);

    must(cancel.cancel_query(NoTls).await, "cancel");
    assert_eq!(finished(task).await, Err("57014".into()));
}

#[tokio::test]
async fn a_lock_chain_shows_who_blocks_whom() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    exec(&db.client().await, "CREATE TABLE t (id int)").await;

    let holder = db.client().await;
    let a = backend_pid(&holder).await;
    exec(&holder, "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE").await;
    let reader = db.client().await;
    let b = backend_pid(&reader).await;
    let read = spawn_sql(reader, "SELECT * FROM t".into());
    // Queued behind the reader too: ACCESS EXCLUSIVE conflicts with its ACCESS SHARE.
    // Only once the reader is in the queue: sent at the same time, either may be first.
    activity_until(&mut session, &caps, "B to wait on A", |all| {
        find(all, b).is_some_and(|s| s.wait_event_type == Some(WaitEventType::Lock))
    })
    .await;
    let locker = db.client().await;
    let c = backend_pid(&locker).await;
    let lock = spawn_sql(
        locker,
        "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE; ROLLBACK".into(),
    );

    let sessions = activity_until(&mut session, &caps, "B and C to wait on A", |all| {
        [(b, a), (c, a), (c, b)].iter().all(|&(waiter, blocker)| {
            find(all, waiter).is_some_and(|s| {
                s.wait_event_type
                    .as_ref()
                    .is_some_and(|w| w.as_str() == "Lock")
                    && s.blocked_by.contains(&blocker)
            })
        })
    })
    .await;
    let holder_row = find(&sessions, a).expect("holder listed");
    assert!(holder_row.blocked_by.is_empty());
    assert_eq!(
        holder_row.state.as_ref().map(|s| s.as_str()),
        Some("idle in transaction")
    );

    exec(&holder, "ROLLBACK").await;
    assert_eq!(finished(read).await, Ok(()));
    assert_eq!(finished(lock).await, Ok(()));
}

#[tokio::test]
async fn escape_sequences_in_a_query_reach_the_snapshot_escaped() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let sleeper = db.client().await;
    let pid = backend_pid(&sleeper).await;
    let cancel = sleeper.cancel_token();
    let sql = "SELECT pg_sleep(30) /* \u{1b}]0;pwned\u{7} \u{1b}[2J */";
    let task = spawn_sql(sleeper, sql.into());

    let sessions = activity_until(&mut session, &caps, "the hostile query", |all| {
        find(all, pid).is_some_and(|s| s.query.contains("pg_sleep"))
    })
    .await;
    let query = &find(&sessions, pid)
        .unwrap_or_else(|| panic!("pid {pid}"))
        .query;
    assert!(
        !query.contains('\u{1b}') && !query.contains('\u{7}'),
        "{query:?}"
    );
    assert!(query.contains("\\x1b]0;pwned\\x07 \\x1b[2J"), "{query:?}");

    must(cancel.cancel_query(NoTls).await, "cancel");
    assert_eq!(finished(task).await, Err("57014".into()));
}

#[tokio::test]
async fn a_role_without_stats_privileges_still_gets_its_panels() {
    let server = common::shared();
    let db = server.create_database().await;
    server.create_role("plain_monitor", None, "").await;
    let superuser = db.client().await;
    exec(&superuser, "CREATE EXTENSION pg_stat_statements").await;
    let hidden_pid = backend_pid(&superuser).await;
    let conninfo = format!(
        "host={} port={} user=plain_monitor dbname={} sslmode=disable",
        server.host(),
        server.port(),
        db.name
    );
    let (mut session, caps) = monitor(conninfo).await;
    assert!(!caps.sees_all_stats());

    // Other roles' sessions are hidden (NULL type, start and state) but still listed.
    let sessions = must(collect_activity(&mut session, &caps).await, "activity");
    let hidden = find(&sessions, hidden_pid).unwrap_or_else(|| panic!("{sessions:#?}"));
    assert_eq!(hidden.query, "<insufficient privilege>");
    assert_eq!(hidden.state, None);

    // Other roles' statements have a NULL queryid: skipped, not a failed section.
    let mut cache = StatementTextCache::new();
    let statements = must(
        collect_statements(
            &mut session,
            &caps,
            &mut cache,
            std::time::SystemTime::now(),
            pgpulse::monitor::collector::TextsWanted::Every,
        )
        .await,
        "statements",
    );
    let sql = "SELECT oid FROM pg_roles WHERE rolname = 'plain_monitor'";
    let own: u32 = must(superuser.query_one(sql, &[]).await, sql).get(0);
    assert!(!statements.counters.is_empty());
    assert!(statements.counters.iter().all(|c| c.key.userid == own));
}

#[tokio::test]
async fn server_state_matches_the_settings() {
    let db = common::shared().create_database().await;
    let (mut session, _) = monitor_db(&db).await;
    let client = db.client().await;
    let setting = async |name: &str| -> i32 {
        let row = must(client.query_one(&format!("SHOW {name}"), &[]).await, name);
        must(row.get::<_, String>(0).parse(), name)
    };
    let state = must(collect_server(&mut session).await, "server state");
    assert_eq!(state.max_connections, setting("max_connections").await);
    assert_eq!(
        state.superuser_reserved_connections,
        setting("superuser_reserved_connections").await
    );
    let version = setting("server_version_num").await;
    let reserved = if version >= 160_000 {
        setting("reserved_connections").await
    } else {
        0
    };
    assert_eq!(state.reserved_connections, reserved);
    assert!(!state.in_recovery);
    assert!(state.postmaster_start_time < state.now);
    let skew = match state.now.duration_since(SystemTime::now()) {
        Ok(ahead) => ahead,
        Err(behind) => behind.duration(),
    };
    assert!(skew < Duration::from_secs(60), "server clock {skew:?} off");
}

#[tokio::test]
async fn database_counters_cover_each_database_once() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE w (id int); INSERT INTO w VALUES (1), (2)",
    )
    .await;
    let oid: u32 = must(
        client
            .query_one(
                "SELECT oid FROM pg_database WHERE datname = current_database()",
                &[],
            )
            .await,
        "oid",
    )
    .get(0);
    let ours = eventually("our database's commits and inserts", async || {
        report_stats(&client, caps.server_version_num).await;
        let all = collect_databases(&mut session)
            .await
            .map_err(|e| e.to_string())?;
        assert!(all.iter().all(|d| d.datid != 0 && !d.name.is_empty()));
        let ours: Vec<_> = all.into_iter().filter(|d| d.datid == oid).collect();
        match ours.as_slice() {
            [d] if d.xact_commit > 0 && d.tup_inserted >= 2 => Ok(d.clone()),
            _ => Err(format!("{ours:#?}")),
        }
    })
    .await;
    assert_eq!(ours.name, db.name);
    assert!(ours.backends >= 2, "the client and pgpulse are connected");
    assert!(ours.blk_read_time_ms >= 0.0);
}

/// Runs each statement `times` times through the extended protocol (constants become
/// `$n` in pg_stat_statements).
async fn run_times(client: &Client, statements: &[&str], times: usize) {
    for _ in 0..times {
        for sql in statements {
            must(client.query(*sql, &[]).await, sql);
        }
    }
}

async fn database_oid(client: &Client) -> u32 {
    let sql = "SELECT oid FROM pg_database WHERE datname = current_database()";
    must(client.query_one(sql, &[]).await, sql).get(0)
}

/// The key of the statement in database `dbid` whose text is `text`.
fn key_of(statements: &Statements, dbid: u32, text: &str) -> StatementKey {
    let keys: Vec<_> = statements
        .texts
        .iter()
        .filter(|(key, t)| key.dbid == dbid && &***t == text)
        .map(|(key, _)| *key)
        .collect();
    match keys.as_slice() {
        [key] => *key,
        _ => panic!("expected one text {text:?} in db {dbid}, found {keys:?}"),
    }
}

fn calls_of(statements: &Statements, key: StatementKey) -> i64 {
    statements
        .counters
        .iter()
        .find(|c| c.key == key)
        .map_or(0, |c| c.calls)
}

const RUNS: usize = 5;

/// Installs the extension with `setup`, runs a workload, and checks that its counters
/// and texts come back through the variant for that version.
async fn statements_work_with(setup: &str, version: &str, marker: &str) -> Statements {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(&client, setup).await;
    let workload = [
        format!("SELECT 41 AS {marker}"),
        format!("SELECT 'x' || 'y' AS {marker}_b"),
    ];
    let workload: Vec<&str> = workload.iter().map(String::as_str).collect();
    run_times(&client, &workload, RUNS).await;
    let dbid = database_oid(&client).await;

    let (mut session, caps) = monitor_db(&db).await;
    assert_eq!(caps.pgss_installed_version.as_deref(), Some(version));
    let mut cache = StatementTextCache::new();
    let statements = must(
        collect_statements(
            &mut session,
            &caps,
            &mut cache,
            std::time::SystemTime::now(),
            pgpulse::monitor::collector::TextsWanted::Every,
        )
        .await,
        "statements",
    );
    for text in [
        format!("SELECT $1 AS {marker}"),
        format!("SELECT $1 || $2 AS {marker}_b"),
    ] {
        let key = key_of(&statements, dbid, &text);
        assert!(key.toplevel);
        assert!(calls_of(&statements, key) >= RUNS as i64, "{text}");
    }
    assert!(
        statements
            .counters
            .iter()
            .all(|c| c.total_exec_time_ms >= 0.0)
    );
    statements
}

#[tokio::test]
async fn statements_from_extension_1_8() {
    let statements = statements_work_with(
        "CREATE EXTENSION pg_stat_statements VERSION '1.8'",
        "1.8",
        "marker_v18",
    )
    .await;
    assert_eq!(statements.info, None, "1.8 has no pg_stat_statements_info");
    assert!(statements.counters.iter().all(|c| c.stats_since.is_none()));
}

#[tokio::test]
async fn statements_from_extension_1_9() {
    if !pgss_version_available("1.9").await {
        // PostgreSQL 13 ships 1.8 at most (the 1.8 and default tests read it there): the
        // update is refused, and the newest version it has is what pgpulse reads.
        let db = common::shared().create_database().await;
        let client = db.client().await;
        assert!(
            server_version_num(&client).await < 140_000,
            "1.9 ships from 14"
        );
        exec(&client, "CREATE EXTENSION pg_stat_statements VERSION '1.8'").await;
        let refused = client
            .batch_execute("ALTER EXTENSION pg_stat_statements UPDATE TO '1.9'")
            .await;
        assert!(refused.is_err(), "13 has no update path to 1.9");
        let statements = statements_work_with(
            "CREATE EXTENSION pg_stat_statements",
            "1.8",
            "marker_v19_on_13",
        )
        .await;
        assert_eq!(statements.info, None, "1.8 has no pg_stat_statements_info");
        return;
    }
    let statements = statements_work_with(
        "CREATE EXTENSION pg_stat_statements VERSION '1.8';
         ALTER EXTENSION pg_stat_statements UPDATE TO '1.9'",
        "1.9",
        "marker_v19",
    )
    .await;
    let info = statements.info.expect("1.9 has info");
    assert!(info.stats_reset <= SystemTime::now());
}

#[tokio::test]
async fn statements_from_the_default_extension_version() {
    // 1.8 on 13, 1.9 on 14, 1.10 on 15 and 16, 1.11 on 17, 1.12 on 18.
    let version = default_pgss_version().await;
    let statements = statements_work_with(
        "CREATE EXTENSION pg_stat_statements",
        &version,
        "marker_default",
    )
    .await;
    let minor: u32 = must(
        version.strip_prefix("1.").unwrap_or(&version).parse(),
        &version,
    );
    assert_eq!(
        statements.info.is_some(),
        minor >= 9,
        "pg_stat_statements_info exists from 1.9 (installed {version})"
    );
    assert!(
        statements
            .counters
            .iter()
            .all(|c| c.stats_since.is_some() == (minor >= 11)),
        "stats_since exists from 1.11 (installed {version})"
    );
}

async fn default_pgss_version() -> String {
    let client = common::shared().superuser_client("postgres").await;
    let sql =
        "SELECT default_version FROM pg_available_extensions WHERE name = 'pg_stat_statements'";
    must(client.query_one(sql, &[]).await, sql).get(0)
}

/// Whether this server ships pg_stat_statements `version` (install or update script).
async fn pgss_version_available(version: &str) -> bool {
    let client = common::shared().superuser_client("postgres").await;
    let sql = "SELECT EXISTS (SELECT FROM pg_available_extension_versions
                              WHERE name = 'pg_stat_statements' AND version = $1)";
    must(client.query_one(sql, &[&version]).await, sql).get(0)
}

async fn server_version_num(client: &Client) -> i32 {
    let sql = "SELECT current_setting('server_version_num')::int";
    must(client.query_one(sql, &[]).await, sql).get(0)
}

#[tokio::test]
async fn statement_texts_are_fetched_once_per_new_statement() {
    // A private server: on the shared one, other tests keep adding statements.
    let server = common::start_server(|_| {});
    let db = server.create_database().await;
    let client = db.client().await;
    exec(&client, "CREATE EXTENSION pg_stat_statements").await;
    run_times(&client, &["SELECT 41 AS cached_marker"], RUNS).await;
    let dbid = database_oid(&client).await;
    let (mut session, caps) = monitor_db(&db).await;
    let mut cache = StatementTextCache::new();
    let mut collect = async |cache: &mut StatementTextCache| {
        must(
            collect_statements(
                &mut session,
                &caps,
                cache,
                std::time::SystemTime::now(),
                pgpulse::monitor::collector::TextsWanted::Every,
            )
            .await,
            "statements",
        )
    };

    let first = collect(&mut cache).await;
    let key = key_of(&first, dbid, "SELECT $1 AS cached_marker");
    assert!(calls_of(&first, key) >= RUNS as i64);
    // pgpulse's own statements of the first poll are new in the second; after that
    // nothing is new, and nothing is fetched again.
    let second = collect(&mut cache).await;
    let fetches = cache.fetch_count();
    let third = collect(&mut cache).await;
    let fourth = collect(&mut cache).await;
    assert_eq!(cache.fetch_count(), fetches, "texts fetched again");
    for later in [&third, &fourth] {
        assert!(
            Arc::ptr_eq(&second.texts, &later.texts),
            "the texts map changed although no statement is new"
        );
    }
    assert_eq!(
        fourth.texts.get(&key).map(|t| &**t),
        Some("SELECT $1 AS cached_marker")
    );

    // A new statement (a new shape: an alias alone would not change the query id):
    // exactly one more fetch, and its text is there.
    run_times(&client, &["SELECT 42 + 1 AS cached_marker_new"], 1).await;
    let fifth = collect(&mut cache).await;
    assert_eq!(cache.fetch_count(), fetches + 1);
    key_of(&fifth, dbid, "SELECT $1 + $2 AS cached_marker_new");
}

#[tokio::test]
async fn without_the_extension_the_panel_says_create_extension() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let mut cache = StatementTextCache::new();
    let section = collect_statements(
        &mut session,
        &caps,
        &mut cache,
        std::time::SystemTime::now(),
        pgpulse::monitor::collector::TextsWanted::Every,
    )
    .await;
    match section {
        Err(SectionError::Unavailable { fix: Some(fix), .. }) => {
            assert!(fix.contains("CREATE EXTENSION pg_stat_statements"), "{fix}")
        }
        other => panic!("expected Unavailable with a fix, got {other:?}"),
    }
    assert_eq!(cache.fetch_count(), 0);
}

#[tokio::test]
async fn an_extension_outside_the_search_path_is_explained_and_fixable() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE SCHEMA stats; CREATE EXTENSION pg_stat_statements SCHEMA stats",
    )
    .await;
    let (mut session, caps) = monitor_db(&db).await;
    let mut cache = StatementTextCache::new();
    match collect_statements(
        &mut session,
        &caps,
        &mut cache,
        std::time::SystemTime::now(),
        pgpulse::monitor::collector::TextsWanted::Every,
    )
    .await
    {
        Err(SectionError::Unavailable { fix: Some(fix), .. }) => {
            assert!(
                fix.contains("search_path") && fix.contains("\"stats\""),
                "{fix}"
            )
        }
        other => panic!("expected Unavailable with a search_path fix, got {other:?}"),
    }
    // The same fix, scoped to the database so the shared server's role is untouched.
    let database = common::quote_ident(&db.name);
    exec(
        &client,
        &format!("ALTER DATABASE {database} SET search_path = \"$user\", public, stats"),
    )
    .await;
    let (mut session, caps) = monitor_db(&db).await;
    must(
        collect_statements(
            &mut session,
            &caps,
            &mut cache,
            std::time::SystemTime::now(),
            pgpulse::monitor::collector::TextsWanted::Every,
        )
        .await,
        "statements after fixing search_path",
    );
}

const SEED_TABLE: &str = "
    CREATE TABLE query_performance_log (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        query_hash VARCHAR(64) NOT NULL,
        execution_time_ms INTEGER NOT NULL,
        rows_examined INTEGER,
        rows_returned INTEGER,
        executed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
    );
    CREATE INDEX query_performance_log_executed_at_idx ON query_performance_log (executed_at);";

/// `percentile_cont`: linear interpolation between the closest ranks.
fn percentile_cont(sorted: &[f64], fraction: f64) -> f64 {
    let position = fraction * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

fn assert_close(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() < 1e-9,
        "{what}: {actual} != {expected}"
    );
}

#[tokio::test]
async fn latency_percentiles_match_percentile_cont_over_the_window() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(&client, SEED_TABLE).await;
    exec(
        &client,
        "INSERT INTO query_performance_log (query_hash, execution_time_ms, rows_examined, rows_returned)
             SELECT 'a', g, g * 10, 1 FROM generate_series(1, 100) g;
         INSERT INTO query_performance_log (query_hash, execution_time_ms)
             SELECT 'b', g * 10 FROM generate_series(1, 10) g;
         -- Outside a 15-minute window: must not count.
         INSERT INTO query_performance_log (query_hash, execution_time_ms, executed_at) VALUES
             ('a', 5000, localtimestamp - interval '1 hour'),
             ('c', 7, localtimestamp - interval '16 minutes');",
    )
    .await;
    let (mut session, caps) = monitor_db(&db).await;
    let window = Duration::from_secs(15 * 60);
    let slow = Duration::from_millis(50);
    let log = must(
        collect_performance_log(&mut session, &caps, window, slow).await,
        "performance log",
    );
    assert_eq!((log.window, log.slow_threshold), (window, slow));
    let hashes: Vec<_> = log
        .queries
        .iter()
        .map(|q| q.query_hash.as_deref())
        .collect();
    assert_eq!(
        hashes,
        [Some("b"), Some("a")],
        "slowest p95 first, old rows left out"
    );

    let expected = |hash: Option<&str>, values: &[f64], slow_count, examined, returned| {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        QueryLatency {
            query_hash: hash.map(String::from),
            count: values.len() as i64,
            mean_ms: values.iter().sum::<f64>() / values.len() as f64,
            p50_ms: percentile_cont(&sorted, 0.5),
            p95_ms: percentile_cont(&sorted, 0.95),
            p99_ms: percentile_cont(&sorted, 0.99),
            max_ms: sorted[sorted.len() - 1],
            slow_count,
            rows_examined: examined,
            rows_returned: returned,
        }
    };
    let a: Vec<f64> = (1..=100).map(f64::from).collect();
    let b: Vec<f64> = (1..=10).map(|g| f64::from(g * 10)).collect();
    let all: Vec<f64> = a.iter().chain(&b).copied().collect();
    let cases = [
        (&log.queries[1], expected(Some("a"), &a, 50, 50_500, 100)),
        (&log.queries[0], expected(Some("b"), &b, 5, 0, 0)),
    ];
    let overall = log.overall.as_ref().expect("no overall row");
    let overall_expected = expected(None, &all, 55, 50_500, 100);
    for (actual, wanted) in cases
        .iter()
        .map(|(a, w)| (*a, w))
        .chain([(overall, &overall_expected)])
    {
        let what = format!("{:?}", wanted.query_hash);
        assert_eq!(actual.query_hash, wanted.query_hash);
        assert_eq!(
            (
                actual.count,
                actual.slow_count,
                actual.rows_examined,
                actual.rows_returned
            ),
            (
                wanted.count,
                wanted.slow_count,
                wanted.rows_examined,
                wanted.rows_returned
            ),
            "{what}"
        );
        for (got, want, name) in [
            (actual.mean_ms, wanted.mean_ms, "mean"),
            (actual.p50_ms, wanted.p50_ms, "p50"),
            (actual.p95_ms, wanted.p95_ms, "p95"),
            (actual.p99_ms, wanted.p99_ms, "p99"),
            (actual.max_ms, wanted.max_ms, "max"),
        ] {
            assert_close(got, want, &format!("{what} {name}"));
        }
    }
    // The hand-computed values the interpolation must give.
    assert_close(log.queries[1].p95_ms, 95.05, "p95 of 1..=100");
    assert_close(log.queries[0].p95_ms, 95.5, "p95 of 10, 20, ..., 100");
    assert_eq!(overall.count, 110);
}

#[tokio::test]
async fn the_latency_window_uses_the_executed_at_index() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(&client, SEED_TABLE).await;
    exec(
        &client,
        "INSERT INTO query_performance_log (query_hash, execution_time_ms, executed_at)
             SELECT md5(g::text), g % 500, localtimestamp - g * interval '1 second'
             FROM generate_series(1, 20000) g;
         ANALYZE query_performance_log;
         SET enable_seqscan = off;",
    )
    .await;
    let sql = format!(
        "PREPARE latency(float8, float8, text) AS {}",
        include_str!("../../queries/performance_log.sql")
    );
    exec(&client, &sql).await;
    let plan: Vec<String> = must(
        client
            .query("EXPLAIN EXECUTE latency(60, 50, NULL)", &[])
            .await,
        "explain",
    )
    .iter()
    .map(|row| row.get(0))
    .collect();
    let plan = plan.join("\n");
    assert!(
        plan.contains("query_performance_log_executed_at_idx") && plan.contains("Index Cond"),
        "the window must be an index range scan, not a scan of the whole log:\n{plan}"
    );
}

#[tokio::test]
async fn without_the_log_table_the_panel_says_schema_install() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    assert!(!caps.has_query_performance_log);
    let window = Duration::from_secs(900);
    let section = collect_performance_log(&mut session, &caps, window, window).await;
    assert_unavailable_schema_install(section.map(|_| ()));

    // Dropped after the probe: the server's "undefined table" says the same.
    let client = db.client().await;
    exec(&client, SEED_TABLE).await;
    let (mut session, caps) = monitor_db(&db).await;
    assert!(caps.has_query_performance_log);
    exec(&client, "DROP TABLE query_performance_log").await;
    let section = collect_performance_log(&mut session, &caps, window, window).await;
    assert_unavailable_schema_install(section.map(|_| ()));
}

fn assert_unavailable_schema_install(section: Result<(), SectionError>) {
    match section {
        Err(SectionError::Unavailable { fix: Some(fix), .. }) => {
            assert!(fix.contains("pgpulse schema install"), "{fix}")
        }
        other => panic!("expected Unavailable with `pgpulse schema install`, got {other:?}"),
    }
}

#[tokio::test]
async fn an_empty_window_has_no_overall_latency() {
    let db = common::shared().create_database().await;
    exec(&db.client().await, SEED_TABLE).await;
    let (mut session, caps) = monitor_db(&db).await;
    let window = Duration::from_secs(900);
    let log = must(
        collect_performance_log(&mut session, &caps, window, window).await,
        "performance log",
    );
    assert!(log.queries.is_empty());
    assert_eq!(log.overall, None);
}

#[tokio::test]
async fn table_totals_count_scans_and_tuples() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE items (id int PRIMARY KEY, note text);
         INSERT INTO items SELECT g, 'n' FROM generate_series(1, 100) g;
         DELETE FROM items WHERE id <= 10;
         SET enable_seqscan = off;
         SELECT * FROM items WHERE id = 50;
         SET enable_seqscan = on; SET enable_indexscan = off; SET enable_bitmapscan = off;
         SELECT count(*) FROM items;",
    )
    .await;
    let totals = eventually("the scans and tuples to be counted", async || {
        report_stats(&client, caps.server_version_num).await;
        let totals = collect_table_totals(&mut session)
            .await
            .map_err(|e| e.to_string())?;
        let counted = totals.seq_scan >= 1
            && totals.idx_scan >= 1
            && totals.live_tuples == 90
            && totals.dead_tuples == 10;
        if counted {
            Ok(totals)
        } else {
            Err(format!("{totals:?}"))
        }
    })
    .await;
    assert!(totals.idx_scan >= 1);
}
