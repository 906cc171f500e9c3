//! `pgpulse snapshot` run as cron would, against test databases in different states.

use crate::common;

use std::collections::BTreeMap;
use std::process::Output;
use std::time::Duration;

use common::TestDb;
use common::binary::pgpulse_async;
use common::live::{eventually, exec, must};
use tokio_postgres::Client;

/// The bound on one run of the binary: the lock-timeout case takes ~5 s.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// The monitoring tables `pgpulse schema install` creates: user tables like any other.
const MONITORING_TABLES: [&str; 3] = [
    "database_statistics_snapshot",
    "maintenance_task_log",
    "query_performance_log",
];

/// Runs the real binary with an environment that cannot leak in from the machine.
async fn snapshot(conninfo: &str) -> Output {
    let home = must(tempfile::tempdir(), "temp home");
    let mut command = pgpulse_async(home.path(), &["snapshot", "-w", conninfo]);
    match tokio::time::timeout(RUN_LIMIT, command.output()).await {
        Ok(output) => must(output, "running pgpulse snapshot"),
        Err(_) => panic!("pgpulse snapshot still running after {RUN_LIMIT:?}"),
    }
}

/// Standard output and error, for failure messages.
fn both(output: &Output) -> String {
    format!(
        "[stdout] {}\n[stderr] {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn assert_fails_with(output: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{}", both(output));
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("pgpulse: "), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    assert!(output.stdout.is_empty(), "{}", both(output));
}

fn conninfo(db: &TestDb<'_>) -> String {
    format!("{} sslmode=disable", db.conninfo())
}

/// A database with the monitoring tables and two user tables with rows, one outside
/// `public`, analyzed; returns once the statistics show every row.
async fn prepared_db() -> (TestDb<'static>, Client) {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(&client, &pgpulse::pg::schema::script()).await;
    // One transaction: ANALYZE then leaves the rows to the commit's counters, so
    // n_live_tup settles once, at 250 and 7, instead of being counted twice.
    exec(
        &client,
        "CREATE TABLE orders (id int PRIMARY KEY, note text);
         INSERT INTO orders SELECT g, 'note ' || g FROM generate_series(1, 250) g;
         CREATE SCHEMA \"Audit\";
         CREATE TABLE \"Audit\".events (id int);
         INSERT INTO \"Audit\".events SELECT generate_series(1, 7);
         ANALYZE;",
    )
    .await;
    eventually("statistics of orders and Audit.events", async || {
        let live = live_rows(&client).await;
        let blocks: i64 = must(
            client
                .query_one(
                    "SELECT heap_blks_hit + heap_blks_read FROM pg_statio_user_tables \
                     WHERE relname = 'orders'",
                    &[],
                )
                .await,
            "orders blocks",
        )
        .get(0);
        let settled =
            live.get("orders") == Some(&250) && live.get("Audit.events") == Some(&7) && blocks > 0;
        if settled {
            Ok(())
        } else {
            Err(format!("{live:?}, orders blocks {blocks}"))
        }
    })
    .await;
    (db, client)
}

/// n_live_tup per user table, named as the snapshot names them (schema-qualified
/// outside `public`).
async fn live_rows(client: &Client) -> BTreeMap<String, i64> {
    let rows = must(
        client
            .query(
                "SELECT schemaname::text, relname::text, n_live_tup FROM pg_stat_user_tables",
                &[],
            )
            .await,
        "reading pg_stat_user_tables",
    );
    rows.iter()
        .map(|row| {
            let (schema, name): (String, String) = (row.get(0), row.get(1));
            let key = if schema == "public" {
                name
            } else {
                format!("{schema}.{name}")
            };
            (key, row.get(2))
        })
        .collect()
}

struct Recorded {
    table_name: String,
    row_count: Option<i64>,
    size: Option<i64>,
    hit_percent: Option<f64>,
}

async fn recorded(client: &Client) -> Vec<Recorded> {
    let rows = must(
        client
            .query(
                "SELECT table_name::text, row_count, table_size_bytes, cache_hit_ratio::float8 \
                 FROM database_statistics_snapshot ORDER BY table_name",
                &[],
            )
            .await,
        "reading database_statistics_snapshot",
    );
    rows.iter()
        .map(|row| Recorded {
            table_name: row.get(0),
            row_count: row.get(1),
            size: row.get(2),
            hit_percent: row.get(3),
        })
        .collect()
}

#[tokio::test]
async fn without_the_table_snapshot_fails_with_the_install_fix() {
    let db = common::shared().create_database().await;
    let output = snapshot(&conninfo(&db)).await;
    assert_fails_with(&output, "pgpulse schema install");
    assert_fails_with(&output, "database_statistics_snapshot does not exist");
}

#[tokio::test]
async fn snapshot_records_one_row_per_user_table_as_the_cache_screen_reads_it() {
    let (db, client) = prepared_db().await;
    let live = live_rows(&client).await;
    let mut expected: Vec<&str> = MONITORING_TABLES.to_vec();
    expected.extend(["Audit.events", "orders"]);
    expected.sort_unstable();
    assert_eq!(live.keys().collect::<Vec<_>>(), expected, "user tables");

    let output = snapshot(&conninfo(&db)).await;
    assert!(output.status.success(), "{}", both(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("snapshot: 5 tables recorded in postgres@127.0.0.1:"),
        "{stdout}"
    );

    let first = recorded(&client).await;
    let names: Vec<&str> = first.iter().map(|r| r.table_name.as_str()).collect();
    assert_eq!(names, expected, "exactly one row per user table");
    for row in &first {
        let name = &row.table_name;
        assert_eq!(row.row_count, live.get(name).copied(), "{name} row_count");
        assert!(
            row.size.is_some_and(|s| s > 0),
            "{name} size {:?}",
            row.size
        );
        assert!(
            row.hit_percent.is_none_or(|p| (0.0..=100.0).contains(&p)),
            "{name} is a percentage: {:?}",
            row.hit_percent
        );
    }
    let orders = first.iter().find(|r| r.table_name == "orders");
    assert!(
        orders.is_some_and(|r| r.hit_percent.is_some()),
        "orders was read, so it has a hit ratio"
    );

    let output = snapshot(&conninfo(&db)).await;
    assert!(output.status.success(), "{}", both(&output));
    let second = recorded(&client).await;
    assert_eq!(
        second.len(),
        2 * expected.len(),
        "a second run adds a row per table"
    );
    for name in &expected {
        let count = second.iter().filter(|r| r.table_name == *name).count();
        assert_eq!(count, 2, "{name}");
    }
}

#[tokio::test]
async fn a_role_without_insert_is_told_the_grant() {
    let (db, client) = prepared_db().await;
    let role = "Snapshot Reader";
    db.server.create_role(role, None, "").await;
    exec(
        &client,
        "GRANT SELECT ON database_statistics_snapshot TO \"Snapshot Reader\"",
    )
    .await;
    let output = snapshot(&format!("{} user='{role}'", conninfo(&db))).await;
    assert_fails_with(
        &output,
        "GRANT INSERT ON database_statistics_snapshot TO \"Snapshot Reader\";",
    );
    assert!(recorded(&client).await.is_empty(), "nothing was written");
}

#[tokio::test]
async fn a_table_locked_access_exclusive_fails_the_run_at_the_lock_timeout() {
    let (db, client) = prepared_db().await;
    let holder = db.client().await;
    exec(&holder, "BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE").await;
    let started = std::time::Instant::now();
    let output = snapshot(&conninfo(&db)).await;
    assert_fails_with(&output, "lock timeout");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "lock_timeout (5 s) ended the wait, not statement_timeout: {:?}",
        started.elapsed()
    );
    exec(&holder, "ROLLBACK").await;
    assert!(
        recorded(&client).await.is_empty(),
        "the INSERT is all or nothing"
    );
}
