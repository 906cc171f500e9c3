//! The Cache and Indexes collectors against a real server: what a DBA would notice on
//! those screens after real index builds, scans, failed builds and snapshots.

use crate::common;

use common::live::{eventually, exec, monitor_db, must, report_stats, stats_show};
use common::screen::test_app;

use std::time::{Duration, SystemTime};

use pgpulse::analysis::index_flags::{IndexFlags, flag_indexes};
use pgpulse::analysis::tables::{growth_per_day, missing_index_hint};
use pgpulse::monitor::collector::{
    collect_indexes, collect_snapshot_history, collect_table_cache, collect_table_scans,
};
use pgpulse::monitor::snapshot::SectionError;
use pgpulse::monitor::snapshot::indexes::IndexInfo;
use pgpulse::pg::session::MonitorSession;

async fn indexes(session: &mut MonitorSession) -> Vec<IndexInfo> {
    must(collect_indexes(session).await, "indexes")
}

fn index<'a>(all: &'a [IndexInfo], name: &str) -> &'a IndexInfo {
    all.iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("index {name} not listed: {all:#?}"))
}

fn flags(all: &[IndexInfo], name: &str) -> IndexFlags {
    let oid = index(all, name).indexrelid;
    flag_indexes(all)
        .into_iter()
        .find(|(o, _)| *o == oid)
        .map(|(_, f)| f)
        .unwrap_or_else(|| panic!("no flags for {name}"))
}

#[tokio::test]
async fn unused_duplicate_and_prefix_redundant_indexes_are_flagged() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE lessons (id int PRIMARY KEY, user_id int, started int, topic text,
                               email text);
         CREATE INDEX lessons_topic_idx ON lessons (topic);
         CREATE UNIQUE INDEX lessons_email_key ON lessons (email);
         CREATE INDEX lessons_started_a ON lessons (started, topic);
         CREATE INDEX lessons_started_b ON lessons (started, topic);
         CREATE INDEX lessons_user_idx ON lessons (user_id);
         CREATE INDEX lessons_user_started_idx ON lessons (user_id, started);
         CREATE INDEX lessons_lower_a ON lessons (lower(email));
         CREATE INDEX lessons_lower_b ON lessons (  lower( email )  );
         CREATE INDEX lessons_recent ON lessons (started) WHERE started > 100;
         CREATE INDEX lessons_old ON lessons (started) WHERE started < 100;",
    )
    .await;
    let (mut session, _) = monitor_db(&db).await;
    let all = indexes(&mut session).await;
    assert_eq!(all.iter().filter(|i| i.table == "lessons").count(), 11);

    let topic = index(&all, "lessons_topic_idx");
    assert_eq!((topic.idx_scan, topic.access_method.as_str()), (0, "btree"));
    assert!(topic.is_valid && topic.is_ready && !topic.is_unique);
    assert!(flags(&all, "lessons_topic_idx").unused, "never used");

    let email = index(&all, "lessons_email_key");
    assert!(email.is_unique && !email.backs_constraint);
    assert!(!flags(&all, "lessons_email_key").unused, "unique enforces");
    let pkey = index(&all, "lessons_pkey");
    assert!(pkey.is_primary && pkey.backs_constraint);
    assert_eq!(flags(&all, "lessons_pkey"), IndexFlags::default());

    // Exactly one of two identical indexes is the duplicate: the later one.
    let (a, b) = (
        index(&all, "lessons_started_a"),
        index(&all, "lessons_started_b"),
    );
    assert!(a.indexrelid < b.indexrelid);
    assert_eq!(flags(&all, "lessons_started_a").duplicate_of, None);
    assert_eq!(
        flags(&all, "lessons_started_b").duplicate_of,
        Some(a.indexrelid)
    );
    // The same expression typed with other spacing is the same index.
    let lower_a = index(&all, "lessons_lower_a");
    assert_eq!(lower_a.columns, [0]);
    assert!(lower_a.expressions.is_some());
    assert_eq!(
        flags(&all, "lessons_lower_b").duplicate_of,
        Some(lower_a.indexrelid)
    );
    // Same column, other predicate: two different partial indexes.
    assert_eq!(flags(&all, "lessons_old").duplicate_of, None);
    assert_eq!(flags(&all, "lessons_recent").duplicate_of, None);

    // (user_id) is served by (user_id, started); the reverse is not true.
    let wide = index(&all, "lessons_user_started_idx");
    assert_eq!(wide.columns.len(), 2);
    assert_eq!(
        flags(&all, "lessons_user_idx").redundant_prefix_of,
        Some(wide.indexrelid)
    );
    assert_eq!(
        flags(&all, "lessons_user_started_idx").redundant_prefix_of,
        None
    );
    // (started) WHERE ... is not covered by the unconditional (started, topic).
    assert_eq!(flags(&all, "lessons_recent").redundant_prefix_of, None);
}

#[tokio::test]
async fn a_failed_concurrent_unique_build_leaves_an_invalid_index() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE users (id int, email text);
         INSERT INTO users VALUES (1, 'a@example.com'), (2, 'a@example.com');",
    )
    .await;
    let failed = client
        .batch_execute("CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)")
        .await;
    let code = failed
        .err()
        .and_then(|e| e.as_db_error().map(|d| d.code().code().to_string()));
    assert_eq!(code.as_deref(), Some("23505"), "unique violation");

    let (mut session, _) = monitor_db(&db).await;
    let all = indexes(&mut session).await;
    let broken = index(&all, "users_email_key");
    assert!(!broken.is_valid);
    let f = flags(&all, "users_email_key");
    assert!(f.invalid && !f.ccnew_leftover && !f.unused, "{f:?}");
}

#[tokio::test]
async fn an_interrupted_reindex_concurrently_leaves_a_ccnew_index() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE scores (id int, points int);
         CREATE INDEX scores_points_idx ON scores (points);",
    )
    .await;
    // An open writer makes REINDEX CONCURRENTLY wait after it committed the new,
    // still invalid index; the timeout then leaves that index behind.
    let writer = db.client().await;
    exec(&writer, "BEGIN; INSERT INTO scores VALUES (1, 1)").await;
    exec(&client, "SET statement_timeout = '300ms'").await;
    let reindex = client
        .batch_execute("REINDEX INDEX CONCURRENTLY scores_points_idx")
        .await;
    let code = reindex
        .err()
        .and_then(|e| e.as_db_error().map(|d| d.code().code().to_string()));
    assert_eq!(code.as_deref(), Some("57014"), "statement timeout");
    exec(&writer, "ROLLBACK").await;

    let (mut session, _) = monitor_db(&db).await;
    let all = indexes(&mut session).await;
    let f = flags(&all, "scores_points_idx_ccnew");
    assert!(f.invalid && f.ccnew_leftover, "{f:?}");
    let original = flags(&all, "scores_points_idx");
    assert!(
        !original.invalid && original.duplicate_of.is_none(),
        "{original:?}"
    );
}

#[tokio::test]
async fn an_index_scan_is_counted_for_its_index_and_table() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE sessions (id int, user_id int);
         INSERT INTO sessions SELECT g, g % 100 FROM generate_series(1, 5000) g;
         CREATE INDEX sessions_user_idx ON sessions (user_id);
         ANALYZE sessions;",
    )
    .await;
    let (mut session, caps) = monitor_db(&db).await;
    let before = indexes(&mut session).await;
    assert!(flags(&before, "sessions_user_idx").unused);

    exec(&client, "SET enable_seqscan = off").await;
    exec(&client, "SELECT * FROM sessions WHERE user_id = 1").await;
    exec(&client, "RESET enable_seqscan").await;
    // Two full reads: 10,000 rows by 2 sequential scans, no index scan among them.
    exec(&client, "SELECT count(*) FROM sessions").await;
    exec(&client, "SELECT count(*) FROM sessions").await;

    // Before 15 the statistics may arrive in parts (see `report_stats`): wait for the
    // last read, the second full scan. The collectors compute the statistics views'
    // columns themselves (cheaper than the views with thousands of tables): their
    // numbers must be the views' numbers, read once both see the same statistics.
    let index_view = "SELECT idx_scan, idx_tup_read, idx_tup_fetch FROM pg_stat_user_indexes
                      WHERE indexrelname = 'sessions_user_idx'";
    let table_view = "SELECT seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_live_tup
                      FROM pg_stat_user_tables WHERE relname = 'sessions'";
    let (used, table) = eventually(
        "the scans to be counted, as the views count them",
        async || {
            report_stats(&client, caps.server_version_num).await;
            let all = collect_indexes(&mut session)
                .await
                .map_err(|e| e.to_string())?;
            let scans = collect_table_scans(&mut session)
                .await
                .map_err(|e| e.to_string())?;
            let idx = index(&all, "sessions_user_idx").clone();
            let table = scans
                .iter()
                .find(|t| t.table == "sessions")
                .unwrap_or_else(|| panic!("{scans:#?}"))
                .clone();
            if idx.idx_scan == 0 || table.seq_tup_read < 10_000 {
                return Err(format!("{idx:#?}\n{table:#?}"));
            }
            let row = client
                .query_one(index_view, &[])
                .await
                .map_err(|e| e.to_string())?;
            let index_seen: (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
            let row = client
                .query_one(table_view, &[])
                .await
                .map_err(|e| e.to_string())?;
            let table_seen: [i64; 5] = std::array::from_fn(|i| row.get(i));
            let ours = (
                (idx.idx_scan, idx.idx_tup_read, idx.idx_tup_fetch),
                [
                    table.seq_scan,
                    table.seq_tup_read,
                    table.idx_scan,
                    table.idx_tup_fetch,
                    table.n_live_tup,
                ],
            );
            if ours == (index_seen, table_seen) {
                Ok((all, table))
            } else {
                Err(format!(
                    "views {index_seen:?} {table_seen:?}, pgpulse {ours:?}"
                ))
            }
        },
    )
    .await;
    let idx = index(&used, "sessions_user_idx");
    assert!(idx.idx_tup_read >= 50, "{idx:#?}");
    assert!(idx.size_bytes > 0, "CREATE INDEX sets relpages");
    assert!(!flags(&used, "sessions_user_idx").unused);

    assert!(table.has_indexes && table.idx_scan >= 1, "{table:#?}");
    assert!(
        table.seq_scan >= 2 && table.seq_tup_read >= 10_000,
        "{table:#?}"
    );
    assert_eq!(table.n_live_tup, 5000);
    // More sequential than index scans, 5,000 rows each: the hint fires.
    assert!(missing_index_hint(&table), "{table:#?}");
}

#[tokio::test]
async fn a_table_read_twice_shows_cache_hits_and_estimated_sizes() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "CREATE TABLE content (id int PRIMARY KEY, body text);
         INSERT INTO content SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g;
         CREATE TABLE fresh (id int);
         INSERT INTO fresh VALUES (1);",
    )
    .await;
    // VACUUM refuses to run inside a multi-statement string: alone.
    exec(&client, "VACUUM ANALYZE content").await;
    let (mut session, caps) = monitor_db(&db).await;
    exec(&client, "SELECT count(*) FROM content").await;
    exec(&client, "SELECT count(*) FROM content").await;

    // Computed like pg_statio_user_tables (TOAST counters include the TOAST index): the
    // same numbers, once both read the same statistics (before 15 they may arrive in
    // parts, see `report_stats`).
    let view = "SELECT heap_blks_hit, heap_blks_read, idx_blks_hit, idx_blks_read,
                       coalesce(toast_blks_hit, 0) + coalesce(tidx_blks_hit, 0),
                       coalesce(toast_blks_read, 0) + coalesce(tidx_blks_read, 0)
                FROM pg_statio_user_tables WHERE relname = 'content'";
    let tables = eventually(
        "heap hits on content, as the view counts them",
        async || {
            report_stats(&client, caps.server_version_num).await;
            let tables = collect_table_cache(&mut session)
                .await
                .map_err(|e| e.to_string())?;
            let Some(t) = tables.iter().find(|t| t.table == "content") else {
                return Err(format!("content not listed: {tables:#?}"));
            };
            let row = client
                .query_one(view, &[])
                .await
                .map_err(|e| e.to_string())?;
            let seen: [i64; 6] = std::array::from_fn(|i| row.get(i));
            let ours = [
                t.heap_blks_hit,
                t.heap_blks_read,
                t.idx_blks_hit,
                t.idx_blks_read,
                t.toast_blks_hit,
                t.toast_blks_read,
            ];
            if t.heap_blks_hit > 0 && seen == ours {
                Ok(tables)
            } else {
                Err(format!("view {seen:?}, pgpulse {ours:?}"))
            }
        },
    )
    .await;
    let sql = "SELECT relpages::bigint * current_setting('block_size')::bigint
               FROM pg_class WHERE relname = 'content'";
    let heap_bytes: i64 = must(client.query_one(sql, &[]).await, sql).get(0);
    let content = tables
        .iter()
        .find(|t| t.table == "content")
        .unwrap_or_else(|| panic!("{tables:#?}"));
    assert_eq!(content.schema, "public");
    assert!(heap_bytes > 0);
    assert_eq!(content.heap_bytes, heap_bytes);
    assert!(content.index_bytes > 0, "the primary key has pages");
    assert_eq!(content.row_estimate, Some(2000));
    assert!(content.heap_hit_ratio().is_some_and(|r| r > 0.0));
    assert_eq!(tables[0].table, "content", "largest first");

    let fresh = tables
        .iter()
        .find(|t| t.table == "fresh")
        .unwrap_or_else(|| panic!("{tables:#?}"));
    if caps.server_version_num >= 140_000 {
        assert_eq!(fresh.row_estimate, None, "never analyzed");
    }
    assert_eq!((fresh.idx_blks_hit, fresh.toast_bytes), (0, 0));
}

const SNAPSHOT_TABLE: &str = "
    CREATE TABLE database_statistics_snapshot (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        table_name VARCHAR(100) NOT NULL,
        table_size_bytes BIGINT,
        row_count BIGINT,
        cache_hit_ratio DECIMAL(5,2),
        snapshot_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP
    );
    CREATE INDEX database_statistics_snapshot_table_date_idx
        ON database_statistics_snapshot (table_name, snapshot_date);";

/// A history point as (table, size, rows, hit ratio).
type Seen<'a> = (&'a str, Option<i64>, Option<i64>, Option<f64>);

#[tokio::test]
async fn snapshot_history_comes_back_per_table_in_time_order() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(&client, SNAPSHOT_TABLE).await;
    exec(
        &client,
        "INSERT INTO database_statistics_snapshot
             (table_name, table_size_bytes, row_count, cache_hit_ratio, snapshot_date)
         SELECT v.name, v.size, v.rows, v.ratio, (now() - v.ago)::timestamp
         FROM (VALUES
             ('users', 4000, 40, 99.00, interval '0'),
             ('learning_sessions', 2000, 20, 87.50, interval '0'),
             ('learning_sessions', 1000, 10, 70.25, interval '24 hours'),
             ('users', 3000, 30, NULL, interval '12 hours'),
             ('learning_sessions', 1500, 15, 80.00, interval '12 hours'),
             ('users', 2000, 20, 90.00, interval '24 hours'),
             ('users', 1, 1, 1.00, interval '192 hours')
         ) AS v(name, size, rows, ratio, ago)",
    )
    .await;
    let (mut session, caps) = monitor_db(&db).await;
    assert!(caps.has_database_statistics_snapshot);

    let week = Duration::from_secs(7 * 86_400);
    let history = must(
        collect_snapshot_history(&mut session, &caps, week).await,
        "history",
    );
    assert!(!history.truncated);
    let seen: Vec<Seen> = history
        .points
        .iter()
        .map(|p| {
            (
                p.table_name.as_str(),
                p.size_bytes,
                p.rows,
                p.cache_hit_ratio,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("learning_sessions", Some(1000), Some(10), Some(0.7025)),
            ("learning_sessions", Some(1500), Some(15), Some(0.8)),
            ("learning_sessions", Some(2000), Some(20), Some(0.875)),
            ("users", Some(2000), Some(20), Some(0.9)),
            ("users", Some(3000), Some(30), None),
            ("users", Some(4000), Some(40), Some(0.99)),
        ],
        "the 8-day-old row is outside the window"
    );
    let newest = history.points[2].at;
    let age = SystemTime::now()
        .duration_since(newest)
        .unwrap_or_else(|e| e.duration());
    assert!(age < Duration::from_secs(60), "now is now: {age:?} off");
    let day = history.points[2]
        .at
        .duration_since(history.points[0].at)
        .expect("out of order");
    assert_eq!(day, Duration::from_secs(86_400));

    let per_table: Vec<_> = history.tables().collect();
    assert_eq!(per_table.len(), 2);
    let growth = per_table
        .iter()
        .map(|points| growth_per_day(points))
        .collect::<Vec<_>>();
    assert_eq!(growth, [Some(1000.0), Some(2000.0)]);

    let recent = must(
        collect_snapshot_history(&mut session, &caps, Duration::from_secs(6 * 3_600)).await,
        "recent history",
    );
    let names: Vec<_> = recent
        .points
        .iter()
        .map(|p| (p.table_name.as_str(), p.size_bytes))
        .collect();
    assert_eq!(
        names,
        [("learning_sessions", Some(2000)), ("users", Some(4000))]
    );
    assert_eq!(growth_per_day(&recent.points[..1]), None, "one point");
}

#[tokio::test]
async fn without_the_snapshot_table_the_panel_says_schema_install() {
    let db = common::shared().create_database().await;
    let (mut session, caps) = monitor_db(&db).await;
    let day = Duration::from_secs(86_400);
    let expect_install = |section| match section {
        Err(SectionError::Unavailable { fix: Some(fix), .. }) => {
            assert_eq!(fix, "pgpulse schema install")
        }
        other => panic!("expected Unavailable with a fix, got {other:?}"),
    };
    expect_install(collect_snapshot_history(&mut session, &caps, day).await);

    // Dropped after the probe saw it: the same answer, not a failed query.
    let client = db.client().await;
    exec(&client, SNAPSHOT_TABLE).await;
    let (mut session, caps) = monitor_db(&db).await;
    assert!(caps.has_database_statistics_snapshot);
    exec(&client, "DROP TABLE database_statistics_snapshot").await;
    expect_install(collect_snapshot_history(&mut session, &caps, day).await);
}

#[tokio::test]
async fn many_tables_and_indexes_are_read_in_one_capped_query() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "DO $$
         BEGIN
             FOR n IN 1..300 LOOP
                 EXECUTE format('CREATE TABLE many_%s (id int PRIMARY KEY, a int, b int, c int)', n);
                 EXECUTE format('CREATE INDEX ON many_%s (a)', n);
                 EXECUTE format('CREATE INDEX ON many_%s (b)', n);
                 EXECUTE format('CREATE INDEX ON many_%s (c, a)', n);
             END LOOP;
             FOR n IN 1..220 LOOP
                 EXECUTE format('CREATE TABLE plain_%s (a int)', n);
             END LOOP;
         END $$;
         INSERT INTO plain_7 SELECT generate_series(1, 10000);
         ANALYZE plain_7;",
    )
    .await;
    let (mut session, _) = monitor_db(&db).await;
    let all = indexes(&mut session).await;
    assert!(all.len() > 900);
    assert_eq!(
        all.len(),
        1200,
        "300 tables with a primary key and 3 indexes"
    );
    let sql = "SELECT count(*) FROM pg_stat_user_indexes";
    let listed: i64 = must(client.query_one(sql, &[]).await, sql).get(0);
    assert_eq!(listed, 1200, "the same indexes as pg_stat_user_indexes");
    let flagged = flag_indexes(&all);
    assert_eq!(flagged.len(), all.len());
    let unused = flagged.iter().filter(|(_, f)| f.unused).count();
    assert_eq!(unused, 900, "never scanned, except the primary keys");
    assert!(
        flagged
            .iter()
            .all(|(_, f)| f.duplicate_of.is_none() && f.redundant_prefix_of.is_none()),
        "all different"
    );

    // 520 tables: both per-table lists stop at 500, the biggest table first.
    let tables = must(collect_table_cache(&mut session).await, "table cache");
    assert_eq!(tables.len(), 500);
    assert_eq!(tables[0].table, "plain_7");
    let scans = must(collect_table_scans(&mut session).await, "table scans");
    assert_eq!(scans.len(), 500);
}

/// Index usage is the application's: pgpulse reads query_performance_log (and the other
/// monitoring tables) on every slow poll, and those scans must not move the tile.
#[tokio::test]
async fn pgpulse_s_own_reads_do_not_count_in_index_usage() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(&client, &pgpulse::pg::schema::script()).await;
    exec(
        &client,
        "INSERT INTO query_performance_log (query_hash, execution_time_ms)
              SELECT 'q' || (g % 7), g FROM generate_series(1, 500) g;
         INSERT INTO maintenance_task_log (task_name, status) VALUES ('vacuum', 'running');
         CREATE TABLE learners (id int PRIMARY KEY, name text);
         INSERT INTO learners SELECT g, 'n' FROM generate_series(1, 2000) g;
         ANALYZE learners;",
    )
    .await;
    // The application: 3 index scans and 1 sequential scan of its own table.
    for id in 1..=3 {
        let sql = format!("SELECT name FROM learners WHERE id = {id}");
        exec(&client, &sql).await;
    }
    exec(&client, "SELECT count(*) FROM learners").await;
    let (session, caps) = monitor_db(&db).await;
    // The poller reads index usage once (the Indexes screen is not watched): all of the
    // application's scans must be in the statistics first (its last read 2,000 rows).
    let learners = "SELECT (idx_scan >= 3 AND seq_tup_read >= 2000)::int::bigint
                    FROM pg_stat_user_tables WHERE relname = 'learners'";
    stats_show(&client, caps.server_version_num, learners, 1).await;
    let config = pgpulse::monitor::poller::PollerConfig {
        slow: Duration::ZERO,
        ..pgpulse::monitor::poller::PollerConfig::default()
    };
    let mut poller = pgpulse::monitor::poller::Poller::new(session, caps, config);
    let mut app = test_app();
    // Poll until the server's counters show pgpulse's own reads of its sources.
    let sql = "SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0)::bigint
               FROM pg_stat_user_tables
               WHERE relname IN ('query_performance_log', 'maintenance_task_log')";
    eventually("pgpulse's reads to reach the statistics", async || {
        app.update(pgpulse::tui::app::Event::Snapshot(Box::new(
            poller.poll_everything().await,
        )));
        let row = client
            .query_one(sql, &[])
            .await
            .map_err(|e| e.to_string())?;
        let scans: i64 = row.get(0);
        let tile = usage_tile(&app);
        if scans >= 2 && app.model().snapshot().is_some_and(|s| s.slow.is_some()) {
            Ok(())
        } else {
            Err(format!("{scans} scans of pgpulse's sources, tile {tile:?}"))
        }
    })
    .await;
    app.update(pgpulse::tui::app::Event::Snapshot(Box::new(
        poller.poll_everything().await,
    )));
    // The application's own table: its index scans among all its scans (building the
    // primary key on the new table counted one sequential scan too).
    let sql = "SELECT seq_scan, idx_scan FROM pg_stat_user_tables WHERE relname = 'learners'";
    let row = must(client.query_one(sql, &[]).await, sql);
    let (seq, idx): (i64, i64) = (row.get(0), row.get(1));
    assert!(idx >= 3 && seq >= 1, "{seq} {idx}");
    let expected = pgpulse::text::format::percent(Some(idx as f64 / (idx + seq) as f64));
    assert_eq!(
        usage_tile(&app),
        Some(expected),
        "only the application's scans count ({idx} index, {seq} sequential)"
    );
}

fn usage_tile(app: &pgpulse::tui::app::App) -> Option<String> {
    pgpulse::tui::screens::kpi::tiles(app)
        .into_iter()
        .find(|t| t.label == "INDEX USAGE")
        .map(|t| t.value)
}

/// The Cache screen of a database with more tables than it reads: the title says which
/// of how many, and a filter finds a table outside the 500 largest (it is searched on
/// the server, not among the rows read). The same for the Indexes screen's table list.
#[tokio::test]
async fn a_filter_finds_a_table_outside_the_capped_list() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(
        &client,
        "DO $$
         BEGIN
             FOR n IN 1..510 LOOP
                 EXECUTE format('CREATE TABLE bulk_%s (a int)', n);
             END LOOP;
         END $$;
         CREATE TABLE lonely_needle (a int);",
    )
    .await;
    let (session, caps) = monitor_db(&db).await;
    let config = pgpulse::monitor::poller::PollerConfig {
        slow: Duration::ZERO,
        ..pgpulse::monitor::poller::PollerConfig::default()
    };
    let mut poller = pgpulse::monitor::poller::Poller::new(session, caps, config);
    let mut app = test_app();
    let feed = |app: &mut pgpulse::tui::app::App, snapshot| {
        app.update(pgpulse::tui::app::Event::Snapshot(Box::new(snapshot)));
    };
    for (screen, table) in [
        (
            pgpulse::tui::screen::Screen::Cache,
            pgpulse::tui::screens::state::TableId::CacheTables,
        ),
        (
            pgpulse::tui::screen::Screen::Indexes,
            pgpulse::tui::screens::state::TableId::TableScans,
        ),
    ] {
        app.show(screen);
        feed(&mut app, poller.poll_everything().await);
        while app.focused_table_id() != Some(table) {
            press(&mut app, crossterm::event::KeyCode::Char('f'));
        }
        let title = pgpulse::tui::screens::capped::cap_title(&app, table);
        assert_eq!(title, Some(capped_words(table, "511")));
        let names = |app: &pgpulse::tui::app::App| -> Vec<String> {
            app.table(table)
                .1
                .iter()
                .filter_map(|r| r.cells.iter().find(|c| c.text.contains("needle")))
                .map(|c| c.text.clone())
                .collect()
        };
        assert!(names(&app).is_empty(), "outside the first 500");
        // Type the filter as a user would; the App asks the poller to search.
        let mut effects = press(&mut app, crossterm::event::KeyCode::Char('/'));
        for c in "needle".chars() {
            effects.extend(press(&mut app, crossterm::event::KeyCode::Char(c)));
        }
        for effect in effects {
            if let pgpulse::tui::app::Effect::Poller(
                pgpulse::monitor::poller::PollerCommand::Search(list, text),
            ) = effect
            {
                poller.search(list, text);
            }
        }
        feed(&mut app, poller.poll_everything().await);
        assert_eq!(names(&app), vec!["public.lonely_needle".to_string()]);
        let title = pgpulse::tui::screens::capped::cap_title(&app, table);
        assert_eq!(title.as_deref(), Some("1 table matching \"needle\""));
        press(&mut app, crossterm::event::KeyCode::Enter);
    }
}

fn capped_words(table: pgpulse::tui::screens::state::TableId, total: &str) -> String {
    match table {
        pgpulse::tui::screens::state::TableId::CacheTables => {
            format!("500 largest of {total} tables")
        }
        _ => format!("500 most read by seq scans of {total} tables"),
    }
}

fn press(
    app: &mut pgpulse::tui::app::App,
    code: crossterm::event::KeyCode,
) -> Vec<pgpulse::tui::app::Effect> {
    app.update(pgpulse::tui::app::Event::Key(
        crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE),
    ))
}
