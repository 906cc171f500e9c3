//! One full poll against a database with everything pgpulse can read: every section of
//! the fast and slow tiers must come back without error. Run against each supported
//! major with `PGPULSE_TEST_PGBIN` (CI does 13–18): it executes every query variant the
//! collectors choose for that server and extension version.

mod common;

use common::live::{exec, monitor_db};
use pgpulse::poller::{Poller, PollerConfig};
use pgpulse::snapshot::{Section, SectionError};

fn check<T>(name: &str, section: &Section<T>, failures: &mut Vec<String>) {
    if let Err(error) = section {
        failures.push(format!("{name}: {error}"));
    }
}

#[tokio::test]
async fn every_section_of_a_poll_succeeds_on_this_server() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(&client, "CREATE EXTENSION pg_stat_statements").await;
    exec(&client, &pgpulse::schema::script()).await;
    exec(
        &client,
        "CREATE TABLE learners (id bigint PRIMARY KEY, name text);
         CREATE INDEX learners_name ON learners (name);
         INSERT INTO learners SELECT g, 'n' || g FROM generate_series(1, 1000) g;
         ANALYZE learners;
         SELECT count(*) FROM learners WHERE id = 5;
         INSERT INTO query_performance_log (query_hash, execution_time_ms) VALUES ('q', 12);
         INSERT INTO database_statistics_snapshot (table_name, table_size_bytes, row_count, cache_hit_ratio)
              VALUES ('learners', 65536, 1000, 99.5);
         INSERT INTO maintenance_task_log (task_name, status, finished_at, rows_processed)
              VALUES ('update_table_statistics', 'completed', now(), 23);",
    )
    .await;
    let (session, caps) = monitor_db(&db).await;
    let major = caps.server_major();
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    // Two polls: the second runs the statement-text fetch for ids seen in the first.
    let _ = poller.poll_once().await;
    let snapshot = poller.poll_once().await;

    let mut failures = Vec::new();
    check("server", &snapshot.server, &mut failures);
    check("activity", &snapshot.activity, &mut failures);
    check("databases", &snapshot.databases, &mut failures);
    check("statements", &snapshot.statements, &mut failures);
    check("progress", &snapshot.progress, &mut failures);
    let slow = snapshot
        .slow
        .as_ref()
        .unwrap_or_else(|| panic!("no slow tier in the first polls"));
    check("performance_log", &slow.performance_log, &mut failures);
    check("table_totals", &slow.table_totals, &mut failures);
    check("table_cache", &slow.table_cache, &mut failures);
    check("snapshot_history", &slow.snapshot_history, &mut failures);
    check("indexes", &slow.indexes, &mut failures);
    check("table_scans", &slow.table_scans, &mut failures);
    check("maintenance", &slow.maintenance, &mut failures);
    check("wraparound", &slow.wraparound, &mut failures);
    check("task_history", &slow.task_history, &mut failures);
    assert!(failures.is_empty(), "PostgreSQL {major}: {failures:#?}");

    let statements = snapshot
        .statements
        .as_ref()
        .map(|s| s.texts.len())
        .unwrap_or(0);
    assert!(
        statements > 0,
        "PostgreSQL {major}: no statement texts fetched"
    );
    let tables = slow.maintenance.as_ref().map(Vec::len).unwrap_or(0);
    assert!(
        tables >= 4,
        "PostgreSQL {major}: user tables missing from maintenance"
    );
    assert!(
        !matches!(snapshot.statements, Err(SectionError::Unavailable { .. })),
        "pg_stat_statements must be usable"
    );
}
