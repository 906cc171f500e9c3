//! `pgpulse schema install` as a user runs it: twice on a fresh database (idempotent), and
//! `--dry-run`, which prints the DDL and changes nothing.

mod common;

use std::process::{Command, Output};

use common::live::must;

fn pgpulse(args: &[&str]) -> Output {
    let home = must(tempfile::tempdir(), "temp home");
    let mut command = Command::new(env!("CARGO_BIN_EXE_pgpulse"));
    command
        .args(args)
        .env("HOME", home.path())
        .env("PGPULSE_STATE_DIR", home.path());
    for (key, _) in std::env::vars() {
        if key.starts_with("PG") && key != "PGPULSE_TEST_PGBIN" {
            command.env_remove(key);
        }
    }
    must(command.output(), "running pgpulse")
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
