//! The Maintenance list computes pg_stat_user_tables' columns itself (cheaper than the
//! view with thousands of tables): the same tables with the same numbers as the view.

use crate::common;

use common::live::{eventually, exec, monitor_db, report_stats};

use std::time::SystemTime;

use pgpulse::monitor::collector::collect_table_maintenance;

/// What the screen shows of one table that the view also has.
type Figures = (u32, String, String, [i64; 8], [Option<SystemTime>; 4]);

#[tokio::test]
async fn the_maintenance_list_has_the_tables_and_numbers_of_pg_stat_user_tables() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE SCHEMA billing;
         CREATE TABLE billing.invoices (id int PRIMARY KEY, total int);
         INSERT INTO billing.invoices SELECT g, g FROM generate_series(1, 500) g;
         DELETE FROM billing.invoices WHERE id <= 100;
         CREATE TABLE events (id int, at int) PARTITION BY RANGE (at);
         CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (1000);
         INSERT INTO events SELECT g, g FROM generate_series(1, 300) g;
         CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n FROM events;
         CREATE TABLE quiet (id int);",
    )
    .await;
    exec(&client, "VACUUM billing.invoices").await;
    exec(&client, "ANALYZE events_1").await;
    exec(
        &client,
        "UPDATE billing.invoices SET total = 0 WHERE id < 150",
    )
    .await;
    let (mut session, caps) = monitor_db(&db).await;
    let view = "SELECT relid, schemaname::text, relname::text,
                       n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum,
                       vacuum_count, autovacuum_count, analyze_count, autoanalyze_count,
                       last_vacuum, last_autovacuum, last_analyze, last_autoanalyze
                FROM pg_stat_user_tables ORDER BY relid";
    let listed = eventually("the list to read as the view", async || {
        report_stats(&client, caps.server_version_num).await;
        let mut listed: Vec<Figures> = collect_table_maintenance(&mut session, &caps)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|t| {
                (
                    t.relid,
                    t.schema,
                    t.name,
                    [
                        t.n_live_tup,
                        t.n_dead_tup,
                        t.n_mod_since_analyze,
                        t.n_ins_since_vacuum,
                        t.vacuum_count,
                        t.autovacuum_count,
                        t.analyze_count,
                        t.autoanalyze_count,
                    ],
                    [
                        t.last_vacuum,
                        t.last_autovacuum,
                        t.last_analyze,
                        t.last_autoanalyze,
                    ],
                )
            })
            .collect();
        listed.sort_by_key(|t| t.0);
        let viewed: Vec<Figures> = client
            .query(view, &[])
            .await
            .map_err(|e| e.to_string())?
            .iter()
            .map(|r| {
                (
                    r.get(0),
                    r.get(1),
                    r.get(2),
                    std::array::from_fn(|i| r.get(3 + i)),
                    std::array::from_fn(|i| r.get(11 + i)),
                )
            })
            .collect();
        // Before 15 the statistics arrive late: equal zeros prove nothing.
        let arrived = listed
            .iter()
            .any(|t| t.2 == "invoices" && t.3[1] > 0 && t.3[4] > 0);
        (arrived && listed == viewed)
            .then_some(listed.clone())
            .ok_or_else(|| format!("listed {listed:#?}\nview {viewed:#?}"))
    })
    .await;
    let names: Vec<&str> = listed.iter().map(|t| t.2.as_str()).collect();
    for name in ["invoices", "events_1", "totals", "quiet"] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    // The partitioned parent is listed where the view lists it (14 and later).
    assert_eq!(
        names.contains(&"events"),
        caps.server_version_num >= 140_000,
        "{names:?}"
    );
    let invoices = listed.iter().find(|t| t.2 == "invoices").expect("listed");
    assert_eq!(invoices.1, "billing");
}
