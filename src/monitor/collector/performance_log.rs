//! Latency percentiles from the application's `query_performance_log` (seed table).

use std::time::Duration;

use tokio_postgres::Row;

use crate::monitor::snapshot::latency::{LatencyBucket, LatencyRead};
use crate::monitor::snapshot::{Capped, PerformanceLog, QueryLatency, Section, SectionError};
use crate::pg::probe::Capabilities;
use crate::pg::quote::quote_ident;
use crate::pg::session::MonitorSession;
use crate::text::sanitize::sanitized;

use super::rows::{bad_row, list_cap, query_failed, sqlstate};

use crate::pg::queries::{PERFORMANCE_LOG_BUCKETS_SQL, PERFORMANCE_LOG_SQL};

/// The fix for a missing table, as `pgpulse doctor` gives it.
const SCHEMA_INSTALL_FIX: &str = "pgpulse schema install";

/// Per `query_hash` and overall: count, mean, p50/p95/p99 (`percentile_cont`, linear
/// interpolation), max, executions slower than `slow_threshold`, rows examined/returned,
/// over the last `window` (slow tier). Per-hash rows come slowest p95 first, at most 200;
/// `overall` is `None` when nothing was logged in the window.
pub async fn collect_performance_log(
    session: &mut MonitorSession,
    caps: &Capabilities,
    window: Duration,
    slow_threshold: Duration,
) -> Section<PerformanceLog> {
    collect_performance_log_capped(session, caps, window, slow_threshold, None)
        .await
        .map(|capped| capped.value)
}

/// [`collect_performance_log`] of the query hashes containing `search` (all when
/// `None`; the overall row always covers them all), with how many hashes there are
/// before the cap.
pub async fn collect_performance_log_capped(
    session: &mut MonitorSession,
    caps: &Capabilities,
    window: Duration,
    slow_threshold: Duration,
    search: Option<&str>,
) -> Section<Capped<PerformanceLog>> {
    if !caps.has_query_performance_log {
        return Err(missing_table());
    }
    let window_s = window.as_secs_f64();
    let threshold_ms = slow_threshold.as_secs_f64() * 1000.0;
    let rows = session
        .query(PERFORMANCE_LOG_SQL, &[&window_s, &threshold_ms, &search])
        .await
        .map_err(|error| read_failed(caps, error))?;
    let mut overall = None;
    let mut queries = Vec::with_capacity(rows.len());
    for row in &rows {
        let is_overall: bool = row.try_get("is_overall").map_err(bad_row)?;
        if is_overall {
            overall = latency_from_row(row, None)?;
        } else {
            let hash: String = row.try_get("query_hash").map_err(bad_row)?;
            queries.extend(latency_from_row(row, Some(sanitized(&hash)))?);
        }
    }
    // The overall row is among the counted rows: the hashes are the others.
    let mut cap = list_cap(&rows, "total_rows", queries.len(), search)?;
    cap.total = (cap.total - 1).max(0);
    Ok(Capped {
        value: PerformanceLog {
            window,
            slow_threshold,
            queries,
            overall,
            folded_hashes: 0,
        },
        cap,
    })
}

/// What an incremental read asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyAsk {
    /// Numbers the read (see [`LatencyRead::sequence`]).
    pub sequence: u64,
    pub window: Duration,
    pub slow_threshold: Duration,
    /// Seconds per time bucket ([`crate::monitor::snapshot::latency::bucket_width_s`]).
    pub width_s: i64,
    /// The first bucket to read again; `None`: the whole window.
    pub since_bucket: Option<i64>,
    /// Handed through to the merge (the search runs over every hash kept).
    pub search: Option<String>,
}

/// Per (time bucket, query hash): count, sum, max, slow executions, rows and a sparse
/// latency histogram of the rows logged from `ask.since_bucket` on (the whole window
/// when `None`): raw rows for `analysis::latency_store`, which keeps the window.
pub async fn collect_latency_buckets(
    session: &mut MonitorSession,
    caps: &Capabilities,
    ask: &LatencyAsk,
) -> Section<LatencyRead> {
    if !caps.has_query_performance_log {
        return Err(missing_table());
    }
    let window_s = ask.window.as_secs_f64();
    let threshold_ms = ask.slow_threshold.as_secs_f64() * 1000.0;
    let rows = session
        .query(
            PERFORMANCE_LOG_BUCKETS_SQL,
            &[&window_s, &threshold_ms, &ask.since_bucket, &ask.width_s],
        )
        .await
        .map_err(|error| read_failed(caps, error))?;
    let mut read = LatencyRead {
        sequence: ask.sequence,
        window: ask.window,
        slow_threshold: ask.slow_threshold,
        width_s: ask.width_s,
        window_bucket: 0,
        from_bucket: 0,
        now_bucket: 0,
        full: ask.since_bucket.is_none(),
        buckets: Vec::with_capacity(rows.len()),
        search: ask.search.clone(),
    };
    for row in &rows {
        read.window_bucket = row.try_get("window_bucket").map_err(bad_row)?;
        read.from_bucket = row.try_get("from_bucket").map_err(bad_row)?;
        read.now_bucket = row.try_get("now_bucket").map_err(bad_row)?;
        let Some(bucket) = row.try_get::<_, Option<i64>>("bucket").map_err(bad_row)? else {
            continue;
        };
        let hash: String = row.try_get("query_hash").map_err(bad_row)?;
        let edges: Vec<i32> = row.try_get("hist_buckets").map_err(bad_row)?;
        let counts: Vec<i64> = row.try_get("hist_counts").map_err(bad_row)?;
        let mut histogram: Vec<(u16, u32)> = edges
            .iter()
            .zip(&counts)
            .map(|(h, n)| {
                (
                    u16::try_from(*h).unwrap_or(u16::MAX),
                    u32::try_from(*n).unwrap_or(u32::MAX),
                )
            })
            .collect();
        // The arrays come in no particular order (one per group, each the same).
        histogram.sort_unstable_by_key(|(h, _)| *h);
        read.buckets.push(LatencyBucket {
            bucket,
            query_hash: sanitized(&hash),
            count: row.try_get("count").map_err(bad_row)?,
            sum_ms: row.try_get("sum_ms").map_err(bad_row)?,
            max_ms: row.try_get("max_ms").map_err(bad_row)?,
            slow_count: row.try_get("slow_count").map_err(bad_row)?,
            rows_examined: row.try_get("rows_examined").map_err(bad_row)?,
            rows_returned: row.try_get("rows_returned").map_err(bad_row)?,
            histogram,
        });
    }
    Ok(read)
}

/// A failed read; a table dropped or a privilege revoked since the capability probe says
/// so, not "query failed".
fn read_failed(caps: &Capabilities, error: crate::pg::session::SessionError) -> SectionError {
    match sqlstate(&error) {
        Some("42P01") => missing_table(),
        Some("42501") => SectionError::Unavailable {
            reason: "no SELECT privilege on query_performance_log".into(),
            fix: Some(format!(
                "GRANT SELECT ON query_performance_log TO {};",
                quote_ident(&caps.role)
            )),
        },
        _ => query_failed(error),
    }
}

fn missing_table() -> SectionError {
    SectionError::Unavailable {
        reason: "table query_performance_log not found in the search path".into(),
        fix: Some(SCHEMA_INSTALL_FIX.into()),
    }
}

/// `None` for the overall row of an empty window, whose aggregates are NULL.
fn latency_from_row(row: &Row, query_hash: Option<String>) -> Section<Option<QueryLatency>> {
    let count: i64 = row.try_get("count").map_err(bad_row)?;
    if count == 0 {
        return Ok(None);
    }
    let ms = |name: &str| -> Section<f64> {
        Ok(row
            .try_get::<_, Option<f64>>(name)
            .map_err(bad_row)?
            .unwrap_or_default())
    };
    Ok(Some(QueryLatency {
        query_hash,
        count,
        mean_ms: ms("mean_ms")?,
        p50_ms: ms("p50_ms")?,
        p95_ms: ms("p95_ms")?,
        p99_ms: ms("p99_ms")?,
        max_ms: ms("max_ms")?,
        slow_count: row.try_get("slow_count").map_err(bad_row)?,
        rows_examined: row.try_get("rows_examined").map_err(bad_row)?,
        rows_returned: row.try_get("rows_returned").map_err(bad_row)?,
    }))
}
