//! The Indexes list read as kept definitions plus fresh counters, against a real server:
//! what a DBA changes with DDL between two reads shows at the next reads, and reads
//! without DDL in between do not read the definitions again.

use crate::common;

use common::live::{eventually, eventually_within, exec, monitor_db, must, report_stats};
use std::time::Duration;

use pgpulse::monitor::collector::{IndexCatalog, collect_indexes};
use pgpulse::monitor::snapshot::indexes::IndexInfo;
use pgpulse::pg::session::MonitorSession;

/// How long the catalog writes of a CREATE may take to be counted (see their wait).
const SETTLE: Duration = Duration::from_secs(45);

async fn read(catalog: &mut IndexCatalog, session: &mut MonitorSession) -> Vec<IndexInfo> {
    must(catalog.read(session).await, "index list").to_vec()
}

fn named<'a>(all: &'a [IndexInfo], name: &str) -> Option<&'a IndexInfo> {
    all.iter().find(|i| i.name == name)
}

#[tokio::test]
async fn ddl_between_reads_changes_the_index_list_and_scans_do_not_reread_definitions() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE lessons (id int, email text);
         INSERT INTO lessons SELECT g, 'u' || g FROM generate_series(1, 2000) g;
         CREATE INDEX lessons_id_idx ON lessons (id);
         CREATE UNIQUE INDEX lessons_email_key ON lessons (email);
         ANALYZE lessons;",
    )
    .await;
    let (mut session, caps) = monitor_db(&db).await;
    let version = caps.server_version_num;
    let mut catalog = IndexCatalog::default();
    // The CREATE's catalog writes may still be on their way: once they are counted,
    // reads without DDL reuse the definitions. Before 15 they go through the statistics
    // collector, which lagged past 10 s once in CI (PostgreSQL 13, two busy cores).
    eventually_within(SETTLE, "the catalog writes to settle", async || {
        report_stats(&client, version).await;
        let before = catalog.definition_reads();
        read(&mut catalog, &mut session).await;
        read(&mut catalog, &mut session).await;
        (catalog.definition_reads() == before + 1)
            .then_some(())
            .ok_or_else(|| "the definitions were read twice".to_string())
    })
    .await;

    // An index scan moves the counters without reading the definitions again.
    exec(&client, "SET enable_seqscan = off").await;
    exec(&client, "SELECT * FROM lessons WHERE id = 7").await;
    exec(&client, "RESET enable_seqscan").await;
    let definition_reads = catalog.definition_reads();
    let scanned = eventually("the index scan to be counted", async || {
        report_stats(&client, version).await;
        let all = read(&mut catalog, &mut session).await;
        named(&all, "lessons_id_idx")
            .filter(|i| i.idx_scan >= 1)
            .cloned()
            .ok_or_else(|| format!("{all:?}"))
    })
    .await;
    assert_eq!(catalog.definition_reads(), definition_reads);
    let fresh = must(collect_indexes(&mut session).await, "full read");
    let full = named(&fresh, "lessons_id_idx").expect("listed");
    assert_eq!(
        (scanned.idx_scan, scanned.size_bytes, &scanned.name),
        (full.idx_scan, full.size_bytes, &full.name),
        "the kept definitions with fresh counters read as a full read"
    );

    // DDL that keeps the same indexes (the oids do not change): only the count of
    // catalog writes tells. A rename of the table and of an index...
    exec(
        &client,
        "ALTER TABLE lessons RENAME TO courses;
         ALTER INDEX lessons_id_idx RENAME TO courses_id_idx;",
    )
    .await;
    eventually("the renames to show", async || {
        report_stats(&client, version).await;
        let all = read(&mut catalog, &mut session).await;
        let renamed = named(&all, "courses_id_idx").is_some_and(|i| i.table == "courses");
        (renamed && named(&all, "lessons_id_idx").is_none())
            .then_some(())
            .ok_or_else(|| format!("{all:?}"))
    })
    .await;
    // ... and a constraint that an index now backs (it can no longer simply be dropped).
    exec(
        &client,
        "ALTER TABLE courses ADD CONSTRAINT courses_email_key UNIQUE USING INDEX lessons_email_key",
    )
    .await;
    let all = eventually("the constraint to show", async || {
        report_stats(&client, version).await;
        let all = read(&mut catalog, &mut session).await;
        named(&all, "courses_email_key")
            .is_some_and(|i| i.backs_constraint)
            .then_some(all.clone())
            .ok_or_else(|| format!("{all:?}"))
    })
    .await;
    assert_eq!(all.iter().filter(|i| i.table == "courses").count(), 2);

    // A dropped index leaves the list at the next read: the oids differ.
    exec(&client, "DROP INDEX courses_id_idx").await;
    let all = read(&mut catalog, &mut session).await;
    assert!(named(&all, "courses_id_idx").is_none(), "{all:?}");
}
