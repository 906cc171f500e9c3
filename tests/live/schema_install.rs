//! `pgpulse schema install` as a user runs it: twice on a fresh database (idempotent), and
//! `--dry-run`, which prints the DDL and changes nothing.

use crate::common;

use std::process::Output;

use common::live::must;

/// Runs the real binary with an environment that cannot leak in from the machine.
fn pgpulse(args: &[&str]) -> Output {
    let home = must(tempfile::tempdir(), "temp home");
    must(
        common::binary::pgpulse(home.path(), args).output(),
        "running pgpulse",
    )
}

fn text(output: &Output) -> String {
    format!(
        "{}\n[stderr] {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

async fn monitoring_tables(client: &tokio_postgres::Client) -> Vec<String> {
    let rows = must(
        client
            .query(
                "SELECT relname::text FROM pg_class WHERE relkind = 'r' AND relname IN \
                 ('query_performance_log', 'database_statistics_snapshot', 'maintenance_task_log') \
                 ORDER BY 1",
                &[],
            )
            .await,
        "listing tables",
    );
    rows.iter().map(|r| r.get(0)).collect()
}

#[tokio::test]
async fn dry_run_prints_the_ddl_and_changes_nothing() {
    let db = common::shared().create_database().await;
    let conninfo = format!("{} sslmode=disable", db.conninfo());
    let output = pgpulse(&["schema", "install", "--dry-run", &conninfo]);
    assert!(output.status.success(), "{}", text(&output));
    let printed = String::from_utf8_lossy(&output.stdout);
    for table in [
        "query_performance_log",
        "database_statistics_snapshot",
        "maintenance_task_log",
    ] {
        assert!(
            printed.contains(&format!("CREATE TABLE IF NOT EXISTS {table}")),
            "{printed}"
        );
    }
    let client = db.client().await;
    assert!(
        monitoring_tables(&client).await.is_empty(),
        "--dry-run created tables"
    );
}

#[tokio::test]
async fn installing_twice_succeeds_both_times() {
    let db = common::shared().create_database().await;
    let conninfo = format!("{} sslmode=disable", db.conninfo());
    for attempt in 1..=2 {
        let output = pgpulse(&["schema", "install", &conninfo]);
        assert!(output.status.success(), "run {attempt}: {}", text(&output));
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("monitoring tables installed"),
            "run {attempt}: {}",
            text(&output)
        );
    }
    let client = db.client().await;
    assert_eq!(
        monitoring_tables(&client).await,
        vec![
            "database_statistics_snapshot",
            "maintenance_task_log",
            "query_performance_log"
        ]
    );
}

/// Runs `pgpulse schema install` on a blocking thread, so the test's own connections
/// keep working while it runs.
async fn install_in_background(conninfo: String) -> tokio::task::JoinHandle<Output> {
    tokio::task::spawn_blocking(move || pgpulse(&["schema", "install", &conninfo]))
}

#[tokio::test]
async fn an_index_on_a_table_that_has_rows_is_built_concurrently_without_blocking_writes() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    // The application's table, already logging, without the index.
    let ddl: String = pgpulse::pg::schema::STATEMENTS
        .iter()
        .filter(|(file, _)| file.starts_with("01_") || file.starts_with("02_"))
        .map(|(_, sql)| format!("{sql};"))
        .collect();
    common::live::exec(&client, &ddl).await;
    common::live::exec(
        &client,
        "INSERT INTO query_performance_log (query_hash, execution_time_ms)
         SELECT 'q' || g, g FROM generate_series(1, 5000) g",
    )
    .await;
    // An older transaction with a snapshot: a concurrent build waits for it to end, a
    // plain one does not (so seeing the wait tells the two apart).
    let older = db.client().await;
    common::live::exec(&older, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1").await;

    let install = install_in_background(format!("{} sslmode=disable", db.conninfo())).await;
    let observer = db.client().await;
    common::live::eventually(
        "CREATE INDEX CONCURRENTLY waiting on the older transaction",
        async || {
            let rows = observer
                .query(
                    "SELECT query FROM pg_stat_activity
                  WHERE datname = current_database() AND pid <> pg_backend_pid()
                    AND query LIKE '%CREATE INDEX CONCURRENTLY IF NOT EXISTS query_performance_log%'
                    AND state = 'active'",
                    &[],
                )
                .await
                .map_err(|e| e.to_string())?;
            if rows.is_empty() {
                Err("not seen".to_string())
            } else {
                Ok(())
            }
        },
    )
    .await;
    // Meanwhile the application keeps writing.
    let writer = db.client().await;
    let insert = writer.execute(
        "INSERT INTO query_performance_log (query_hash, execution_time_ms) VALUES ('during', 1)",
        &[],
    );
    let inserted = tokio::time::timeout(common::live::WAIT, insert).await;
    assert!(
        matches!(inserted, Ok(Ok(1))),
        "an insert was blocked by the index build: {inserted:?}"
    );

    common::live::exec(&older, "COMMIT").await;
    let output = must(
        tokio::time::timeout(common::live::WAIT, install).await,
        "schema install still running after the older transaction ended",
    );
    let output = must(output, "install thread");
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains(
            "index query_performance_log_executed_at_idx: built CONCURRENTLY (its table already has rows)"
        ),
        "{}",
        text(&output)
    );
    let valid = must(
        client
            .query_one(
                "SELECT indisvalid FROM pg_index
                  WHERE indexrelid = 'query_performance_log_executed_at_idx'::regclass",
                &[],
            )
            .await,
        "reading the index",
    );
    assert!(valid.get::<_, bool>(0), "the index is valid");
    assert_eq!(monitoring_tables(&client).await.len(), 3);
}
