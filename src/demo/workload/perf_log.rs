//! The application's latency log: every operation's own timing goes into the seed's
//! `query_performance_log`, in one INSERT a second so that logging does not double the
//! load (the seed's "Batch Operations" advice).

use std::time::Duration;

use tokio::time::MissedTickBehavior;
use tokio_postgres::Client;

use crate::pg::connect::Connected;

use super::context::{Context, Timing, body};
use super::{describe, session};

pub(super) const APPLICATION: &str = "pla-jobs-perf-log";
const LOG_SQL: &str = include_str!("../../../queries/demo/workload_log_timings.sql");
const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// The bound on the last flush when the workload stops.
const LAST_FLUSH_LIMIT: Duration = Duration::from_secs(2);

/// Flushes the shared buffer every second until the workload stops, then once more.
pub(super) async fn run(mut ctx: Context) {
    let mut connection: Option<Connected> = None;
    let mut ticker = tokio::time::interval(FLUSH_EVERY);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        let stopping = tokio::select! {
            _ = ticker.tick() => false,
            () = session::stopped(&mut ctx.stop) => true,
        };
        let batch = ctx.shared.take_timings();
        if batch.is_empty() {
            if stopping {
                return;
            }
            continue;
        }
        if connection.as_ref().is_none_or(|c| c.client.is_closed()) {
            // Stopping, session::connect gives up at once: the last batch is lost then,
            // which is better than holding up the stop for a server that is gone.
            connection = session::connect(&mut ctx, APPLICATION).await;
        }
        let Some(connected) = connection.as_ref() else {
            return;
        };
        let written = if stopping {
            tokio::time::timeout(LAST_FLUSH_LIMIT, insert(&connected.client, &batch))
                .await
                .unwrap_or_else(|_| Err("timed out writing the last latencies".into()))
        } else {
            insert(&connected.client, &batch).await
        };
        match written {
            Ok(rows) => ctx.shared.count_logged(rows),
            Err(error) => {
                ctx.shared.error("query_performance_log", error);
                if stopping {
                    return;
                }
                // Keep them for the next flush (the buffer is capped).
                ctx.shared.restore_timings(batch);
            }
        }
        if stopping {
            return;
        }
    }
}

async fn insert(client: &Client, batch: &[Timing]) -> Result<u64, String> {
    let hashes: Vec<&str> = batch.iter().map(|t| t.query_hash).collect();
    let millis: Vec<i32> = batch.iter().map(Timing::millis).collect();
    let examined: Vec<Option<i32>> = batch.iter().map(|t| t.rows_examined).collect();
    let returned: Vec<Option<i32>> = batch.iter().map(|t| t.rows_returned).collect();
    let at: Vec<std::time::SystemTime> = batch.iter().map(|t| t.at).collect();
    client
        .execute(
            body(LOG_SQL),
            &[&hashes, &millis, &examined, &returned, &at],
        )
        .await
        .map_err(|e| describe(&e))
}
