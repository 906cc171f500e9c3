//! The incremental latency source: a read after the first asks only for the rows logged
//! since (one bucket of overlap, replaced rather than added), and the window merged from
//! the reads gives the percentiles `percentile_cont` gives over the same rows, within the
//! histogram's stated error.

use crate::common;

use std::time::Duration;

use common::live::{exec, monitor_db, must};
use pgpulse::analysis::latency_store::{LatencyStore, PERCENTILE_ERROR};
use pgpulse::monitor::collector::{LatencyAsk, collect_latency_buckets};
use pgpulse::monitor::snapshot::latency::LatencyRead;
use tokio_postgres::Client;

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

fn rows_read(read: &LatencyRead) -> i64 {
    read.buckets.iter().map(|b| b.count).sum()
}

/// The rows of the scan of query_performance_log when the read's statement runs again
/// with the same parameters (EXPLAIN ANALYZE), and the index it used.
async fn scanned(client: &Client, ask: &LatencyAsk) -> (i64, String) {
    let prepare = format!(
        "SET enable_seqscan = off;
         PREPARE buckets(float8, float8, bigint, bigint) AS {}",
        include_str!("../../queries/performance_log_buckets.sql")
    );
    exec(client, &prepare).await;
    let since = ask
        .since_bucket
        .map_or("NULL".to_string(), |b| b.to_string());
    let explain = format!(
        "EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE buckets({}, {}, {since}, {})",
        ask.window.as_secs_f64(),
        ask.slow_threshold.as_secs_f64() * 1000.0,
        ask.width_s
    );
    let messages = must(client.simple_query(&explain).await, "explain");
    let text = messages
        .iter()
        .find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_string),
            _ => None,
        })
        .expect("an EXPLAIN row");
    exec(client, "DEALLOCATE buckets; RESET enable_seqscan").await;
    let plan: serde_json::Value = must(serde_json::from_str(&text), "plan json");
    fn find(node: &serde_json::Value) -> Option<(i64, String)> {
        if node["Relation Name"] == "query_performance_log" {
            // "Actual Rows" is a mean per loop: an integer before 18, a float from 18.
            let rows = node["Actual Rows"].as_f64()? * node["Actual Loops"].as_f64()?;
            return Some((
                rows.round() as i64,
                node["Index Name"]
                    .as_str()
                    .unwrap_or("(no index)")
                    .to_string(),
            ));
        }
        node["Plans"].as_array()?.iter().find_map(find)
    }
    find(&plan[0]["Plan"]).unwrap_or_else(|| panic!("no scan of the log in {plan:#}"))
}

/// `percentile_cont` and the exact aggregates over the rows the merged window covers.
async fn exact(client: &Client, from_bucket: i64, hash: Option<&str>) -> (i64, f64, [f64; 3]) {
    let row = must(
        client
            .query_one(
                "SELECT count(*), max(execution_time_ms)::float8,
                        percentile_cont(ARRAY[0.5, 0.95, 0.99]::float8[])
                            WITHIN GROUP (ORDER BY execution_time_ms)
                 FROM query_performance_log
                 WHERE executed_at >= to_timestamp($1::float8 * 60) AT TIME ZONE 'UTC'
                   AND ($2::text IS NULL OR query_hash = $2)",
                &[&(from_bucket as f64), &hash],
            )
            .await,
        "exact percentiles",
    );
    let p: Vec<f64> = row.get(2);
    (row.get(0), row.get(1), [p[0], p[1], p[2]])
}

fn assert_within(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= PERCENTILE_ERROR * want.abs() + 1e-9,
        "{what}: {got} is not within {PERCENTILE_ERROR} of {want}"
    );
}

#[tokio::test]
async fn a_read_after_the_first_reads_only_the_new_rows_and_merges_to_percentile_cont() {
    let db = common::shared().create_database().await;
    let client = db.client().await;
    exec(&client, SEED_TABLE).await;
    // Logged 5 minutes ago: inside the window, before the next read's overlap.
    exec(
        &client,
        "INSERT INTO query_performance_log
             (query_hash, execution_time_ms, rows_examined, rows_returned, executed_at)
         SELECT 'h' || (g % 7), (g * 7919) % 3000, g % 50, 1,
                localtimestamp - interval '5 minutes'
         FROM generate_series(1, 3000) g;
         ANALYZE query_performance_log;",
    )
    .await;
    let (mut session, caps) = monitor_db(&db).await;
    let mut ask = LatencyAsk {
        sequence: 1,
        window: Duration::from_secs(15 * 60),
        slow_threshold: Duration::from_millis(2000),
        width_s: 60,
        since_bucket: None,
        search: None,
    };
    let first = must(
        collect_latency_buckets(&mut session, &caps, &ask).await,
        "first read",
    );
    assert!(first.full);
    assert_eq!(first.from_bucket, first.window_bucket);
    assert_eq!(rows_read(&first), 3000, "the first read reads the window");
    let mut store = LatencyStore::default();
    store.absorb(&first);

    // N new rows; the next read starts one bucket before the high-water mark.
    const N: i64 = 400;
    exec(
        &client,
        &format!(
            "INSERT INTO query_performance_log (query_hash, execution_time_ms, rows_examined)
             SELECT 'h' || (g % 5), 1 + (g * 104729) % 9000, 3 FROM generate_series(1, {N}) g"
        ),
    )
    .await;
    ask.sequence = 2;
    ask.since_bucket = Some(first.now_bucket - 1);
    let second = must(
        collect_latency_buckets(&mut session, &caps, &ask).await,
        "second read",
    );
    assert!(!second.full);
    assert_eq!(second.from_bucket, first.now_bucket - 1);
    assert_eq!(
        rows_read(&second),
        N,
        "the next read returns only the new rows"
    );
    let (rows, index) = scanned(&client, &ask).await;
    assert_eq!(
        (rows, index.as_str()),
        (N, "query_performance_log_executed_at_idx"),
        "the statement reads only the new rows, by the index"
    );
    store.absorb(&second);

    // A late commit whose timestamp is inside the overlap: counted once, not twice.
    exec(
        &client,
        "INSERT INTO query_performance_log (query_hash, execution_time_ms, executed_at)
         VALUES ('late', 123, localtimestamp - interval '20 seconds')",
    )
    .await;
    ask.sequence = 3;
    ask.since_bucket = Some(second.now_bucket - 1);
    let third = must(
        collect_latency_buckets(&mut session, &caps, &ask).await,
        "third read",
    );
    store.absorb(&third);
    let (log, cap) = store.summary(&third);
    let overall = log.overall.expect("an overall row");
    let (count, max, p) = exact(&client, third.window_bucket, None).await;
    assert_eq!(overall.count, count);
    assert_eq!(count, 3000 + N + 1);
    assert_eq!(overall.max_ms, max);
    assert_within(overall.p50_ms, p[0], "overall p50");
    assert_within(overall.p95_ms, p[1], "overall p95");
    assert_within(overall.p99_ms, p[2], "overall p99");
    assert_eq!(cap.total, 8, "h0..h6 and late");
    for q in &log.queries {
        let (count, max, p) = exact(&client, third.window_bucket, q.query_hash.as_deref()).await;
        let what = format!("{:?}", q.query_hash);
        assert_eq!((q.count, q.max_ms), (count, max), "{what}");
        assert_within(q.p50_ms, p[0], &format!("{what} p50"));
        assert_within(q.p95_ms, p[1], &format!("{what} p95"));
        assert_within(q.p99_ms, p[2], &format!("{what} p99"));
    }
}
