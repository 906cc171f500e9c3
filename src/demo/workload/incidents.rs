//! The two incidents the demo stages so the slow-query alert and the blocking tree have
//! something real to show: an analytics report that runs past 5 s, and a chain of three
//! sessions waiting on one row.

use std::time::{Duration, Instant, SystemTime};

use tokio::time::{Interval, MissedTickBehavior};
use tokio_postgres::Client;

use crate::pg::connect::Connected;

use super::context::{Context, Timing, body};
use super::ops::Ids;
use super::rng::Rng;
use super::{describe, session};

pub(super) const ANALYTICS_APPLICATION: &str = "pla-jobs-analytics";
pub(super) const EDITOR_APPLICATION: &str = "pla-jobs-content-admin";
const REPORT_SQL: &str = include_str!("../../../queries/demo/workload_analytics_report.sql");
const REPORT_HASH: &str = "analytics_style_report";
const UPDATE_SQL: &str = include_str!("../../../queries/demo/op_update_content_metadata.sql");
const UPDATE_HASH: &str = "update_content_metadata";
/// How long the chain's first session keeps its transaction (and row lock) open: past
/// the 5 s slow threshold and the 10 s lock-wait warning (so the demo shows both alerts),
/// inside the sessions' 20 s lock_timeout.
const LOCK_HOLD: Duration = Duration::from_secs(13);
/// How long after the second session the third one queues, so it waits behind the
/// second rather than beside it.
const THIRD_QUEUES_AFTER: Duration = Duration::from_millis(300);
/// The bound on ending the first session's transaction when the workload stops.
const ROLLBACK_LIMIT: Duration = Duration::from_secs(1);

/// A ticker whose first run comes after a third of the period: soon after the demo
/// starts, but not before the dashboard has had its first polls.
fn ticker(every: Duration) -> Interval {
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every / 3, every);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    ticker
}

/// Runs the slow analytics report every `every` until the workload stops.
pub(super) async fn slow_queries(mut ctx: Context, every: Duration) {
    let mut ticker = ticker(every);
    let mut connection: Option<Connected> = None;
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = session::stopped(&mut ctx.stop) => return,
        }
        if connection.as_ref().is_none_or(|c| c.client.is_closed()) {
            connection = session::connect(&mut ctx, ANALYTICS_APPLICATION).await;
        }
        let Some(connected) = connection.as_ref() else {
            return;
        };
        let at = SystemTime::now();
        let started = Instant::now();
        match session::unless_stopped(
            connected,
            &mut ctx.stop,
            connected.client.query(body(REPORT_SQL), &[]),
        )
        .await
        {
            None => return,
            Some(Ok(rows)) => {
                ctx.shared.count_slow_query();
                ctx.shared.record(Timing {
                    query_hash: REPORT_HASH,
                    elapsed: started.elapsed(),
                    rows_examined: None,
                    rows_returned: Some(i32::try_from(rows.len()).unwrap_or(i32::MAX)),
                    at,
                });
            }
            Some(Err(error)) => ctx.shared.error(REPORT_HASH, describe(&error)),
        }
    }
}

/// Stages a lock chain every `every` until the workload stops.
pub(super) async fn lock_chains(mut ctx: Context, every: Duration, seed: u64) {
    let mut rng = Rng::seeded(seed);
    let mut ticker = ticker(every);
    let mut ids: Option<Ids> = None;
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = session::stopped(&mut ctx.stop) => return,
        }
        match one_chain(&mut ctx, &mut ids, &mut rng).await {
            Chain::Stopped => return,
            Chain::Done => ctx.shared.count_lock_chain(),
            Chain::Failed(error) => ctx.shared.error("lock chain", error),
        }
    }
}

enum Chain {
    Done,
    Stopped,
    Failed(String),
}

/// Editor A updates a lesson in a transaction and keeps it open (idle in transaction)
/// for [`LOCK_HOLD`]; editor B's update of the same row waits for A, C's for B. A
/// commits, B and C go through. Each editor's statement is timed and logged. Fresh
/// connections each time, so no idle editor sessions linger between chains.
async fn one_chain(ctx: &mut Context, ids: &mut Option<Ids>, rng: &mut Rng) -> Chain {
    let mut editors = Vec::with_capacity(3);
    for _ in 0..3 {
        match session::connect(ctx, EDITOR_APPLICATION).await {
            Some(connected) => editors.push(connected),
            None => return Chain::Stopped,
        }
    }
    let [a, b, c] = editors.as_slice() else {
        return Chain::Failed("could not open the editors' sessions".into());
    };
    if ids.is_none() {
        match session::unless_stopped(a, &mut ctx.stop, Ids::load(&a.client)).await {
            None => return Chain::Stopped,
            Some(Ok(loaded)) => *ids = Some(loaded),
            Some(Err(error)) => return Chain::Failed(error),
        }
    }
    let Some(content) = ids.as_ref().map(|ids| ids.content(rng)) else {
        return Chain::Failed("no lesson to edit".into());
    };
    if let Err(error) = a.client.batch_execute("BEGIN").await {
        return Chain::Failed(describe(&error));
    }
    match timed_update(&a.client, &content, "editor A").await {
        Ok(timing) => ctx.shared.record(timing),
        Err(error) => {
            let _ = a.client.batch_execute("ROLLBACK").await;
            return Chain::Failed(describe(&error));
        }
    }
    let hold = async {
        tokio::time::sleep(LOCK_HOLD).await;
        a.client.batch_execute("COMMIT").await
    };
    let second = timed_update(&b.client, &content, "editor B");
    let third = async {
        tokio::time::sleep(THIRD_QUEUES_AFTER).await;
        timed_update(&c.client, &content, "editor C").await
    };
    let finished = tokio::select! {
        all = async { tokio::join!(hold, second, third) } => Some(all),
        () = session::stopped(&mut ctx.stop) => None,
    };
    let Some((committed, second, third)) = finished else {
        // Release the row first so B and C stop waiting, then make sure neither is left
        // running on the server once their connections are gone.
        let _ = tokio::time::timeout(ROLLBACK_LIMIT, a.client.batch_execute("ROLLBACK")).await;
        tokio::join!(b.cancel_running_query(), c.cancel_running_query());
        session::close(editors).await;
        return Chain::Stopped;
    };
    let mut failure = committed.err().map(|e| describe(&e));
    for waited in [second, third] {
        match waited {
            Ok(timing) => ctx.shared.record(timing),
            Err(error) => failure = Some(describe(&error)),
        }
    }
    session::close(editors).await;
    failure.map_or(Chain::Done, Chain::Failed)
}

async fn timed_update(
    client: &Client,
    content: &str,
    editor: &str,
) -> Result<Timing, tokio_postgres::Error> {
    let at = SystemTime::now();
    let started = Instant::now();
    let rows = client
        .execute(body(UPDATE_SQL), &[&content, &editor])
        .await?;
    Ok(Timing {
        query_hash: UPDATE_HASH,
        elapsed: started.elapsed(),
        rows_examined: None,
        rows_returned: Some(i32::try_from(rows).unwrap_or(i32::MAX)),
        at,
    })
}
