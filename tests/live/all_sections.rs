//! One full poll against a database with everything pgpulse can read: every section of
//! the fast and slow tiers must come back without error. Run against each supported
//! major with `PGPULSE_TEST_PGBIN` (CI does 13–18): it executes every query variant the
//! collectors choose for that server and extension version.

use crate::common;

use common::live::{exec, monitor_db};
use common::screen::test_app;
use std::time::Duration;

use pgpulse::analysis::model::{Model, ModelSettings};
use pgpulse::monitor::poller::{Poller, PollerConfig};
use pgpulse::monitor::snapshot::{Section, SectionError};

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
    exec(&client, &pgpulse::pg::schema::script()).await;
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
    let _ = poller.poll_everything().await;
    let snapshot = poller.poll_everything().await;

    let mut failures = Vec::new();
    check("server", &snapshot.server, &mut failures);
    check("activity", &snapshot.activity, &mut failures);
    check("databases", &snapshot.databases, &mut failures);
    check("statements", &snapshot.statements, &mut failures);
    check("progress", &snapshot.progress, &mut failures);
    let slow = snapshot
        .slow
        .as_ref()
        .expect("no slow tier in the first polls");
    // The latency window is merged by the model from the poller's incremental read.
    let mut model = Model::new(ModelSettings::new(Duration::from_secs(1)));
    model.absorb(snapshot.clone());
    let merged = model.snapshot().and_then(|s| s.slow.clone());
    let merged = merged.expect("no slow tier in the model");
    check("performance_log", &merged.performance_log, &mut failures);
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
    let tables = slow
        .maintenance
        .as_ref()
        .map(|list| list.len())
        .unwrap_or(0);
    assert!(
        tables >= 4,
        "PostgreSQL {major}: user tables missing from maintenance"
    );
    assert!(
        !matches!(snapshot.statements, Err(SectionError::Unavailable { .. })),
        "pg_stat_statements must be usable"
    );
}

/// pgpulse's own polling never shows as the server's work, on every major: PostgreSQL 18
/// stores texts without the header comment that used to mark them. pgpulse connects as a
/// role of its own here, so every pg_stat_statements entry of that role is pgpulse's.
#[tokio::test]
async fn pgpulse_s_own_statements_are_hidden_on_this_major() {
    let server = common::shared();
    let db = server.create_database().await;
    let client = db.client().await;
    exec(&client, "CREATE EXTENSION pg_stat_statements").await;
    exec(&client, &pgpulse::pg::schema::script()).await;
    let role = format!("pgpulse_self_{}", db.name);
    server.create_role(&role, None, "SUPERUSER").await;
    exec(&client, "CREATE TABLE learners (id bigint PRIMARY KEY)").await;
    let (session, caps) = common::live::monitor(format!(
        "host=127.0.0.1 port={} user={role} dbname={} sslmode=disable",
        server.port(),
        db.name
    ))
    .await;
    let major = caps.server_major();
    let mut poller = Poller::new(session, caps, PollerConfig::default());
    // On the Queries screen every statement's text is read (elsewhere only the top
    // movers'): all of pgpulse's own must be recognised.
    poller.watch(
        Some(pgpulse::monitor::poller::SlowGroup::Queries),
        std::time::Instant::now(),
    );
    let mut app = test_app();
    // The application's statement runs between polls, like pgpulse's own.
    for round in 0..3 {
        let app_statement = format!("SELECT count(*) FROM learners WHERE id > {round}");
        exec(&client, &app_statement).await;
        app.update(pgpulse::tui::app::Event::Snapshot(Box::new(
            poller.poll_everything().await,
        )));
    }
    let statements = match app.model().snapshot().map(|s| &s.statements) {
        Some(Ok(statements)) => statements.clone(),
        other => panic!("PostgreSQL {major}: no statements: {other:?}"),
    };
    let row = client
        .query_one("SELECT oid FROM pg_roles WHERE rolname = $1", &[&role])
        .await
        .expect("role oid");
    let pgpulse_role: u32 = row.get(0);
    let pgpulse_entries: Vec<_> = statements
        .counters
        .iter()
        .filter(|c| c.key.userid == pgpulse_role && c.key.toplevel)
        .map(|c| c.key)
        .collect();
    assert!(
        pgpulse_entries.len() >= 5,
        "PostgreSQL {major}: pgpulse's polls are in pg_stat_statements: {pgpulse_entries:?}"
    );
    let unrecognised: Vec<&str> = pgpulse_entries
        .iter()
        .filter(|key| !statements.own.contains(key))
        .map(|key| statements.texts.get(key).map_or("(no text)", |t| &**t))
        .collect();
    assert!(
        unrecognised.is_empty(),
        "PostgreSQL {major}: pgpulse's statements taken for the server's work: {unrecognised:#?}"
    );
    let shown: Vec<&str> = app
        .model()
        .statement_deltas()
        .rows
        .iter()
        .filter(|d| d.key.userid == pgpulse_role)
        .map(|d| statements.texts.get(&d.key).map_or("?", |t| &**t))
        .collect();
    assert!(shown.is_empty(), "PostgreSQL {major}: shown: {shown:#?}");
    let application = app.model().statement_deltas().rows.iter().any(|d| {
        statements
            .texts
            .get(&d.key)
            .is_some_and(|t| t.contains("FROM learners"))
    });
    assert!(
        application,
        "PostgreSQL {major}: the application's statement is still shown: {:#?}",
        app.model().statement_deltas().rows
    );
}
