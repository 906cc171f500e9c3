//! The application's periodic jobs: a statistics snapshot (pgpulse's own, as `pgpulse
//! snapshot` would take from cron) and the seed's "Update Table Statistics" task, logged
//! in `maintenance_task_log` like its scheduled runs.

use std::time::Duration;

use tokio::time::MissedTickBehavior;
use tokio_postgres::Client;
use tokio_postgres::types::ToSql;

use crate::actions::statistics::take_snapshot;
use crate::pg::connect::Connected;

use super::context::{Context, body};
use super::{describe, session};

pub(super) const APPLICATION: &str = "pla-jobs-maintenance";
/// The seed's name for the task (appendix C), as the back-filled history has it.
const TASK: &str = "update_table_statistics";
const STARTED_SQL: &str = include_str!("../../../queries/demo/workload_task_started.sql");
const FINISHED_SQL: &str = include_str!("../../../queries/demo/workload_task_finished.sql");
const ANALYZE_SQL: &str = include_str!("../../../queries/demo/workload_update_statistics.sql");
/// How many tables ANALYZE_SQL names: the task's rows_processed.
const ANALYZED_TABLES: i64 = 4;
/// The bound on marking the task failed when the workload stops during it.
const FINISH_LIMIT: Duration = Duration::from_secs(1);

/// A round right away (so the history charts get a live point at once), then one every
/// `every`, until the workload stops.
pub(super) async fn run(mut ctx: Context, every: Duration) {
    let mut connection: Option<Connected> = None;
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = session::stopped(&mut ctx.stop) => return,
        }
        if connection.as_ref().is_none_or(|c| c.client.is_closed()) {
            connection = session::connect(&mut ctx, APPLICATION).await;
        }
        let Some(connected) = connection.as_ref() else {
            return;
        };
        let snapshot =
            session::unless_stopped(connected, &mut ctx.stop, take_snapshot(&connected.client))
                .await;
        match snapshot {
            None => return,
            Some(Ok(_)) => ctx.shared.count_snapshot(),
            Some(Err(error)) => ctx.shared.error("statistics snapshot", error.to_string()),
        }
        if !update_statistics(&mut ctx, connected).await {
            return;
        }
    }
}

/// Runs the task between a `running` row and its outcome; `false` when the workload
/// stopped during it (the row then says so, if the server answers in time).
async fn update_statistics(ctx: &mut Context, connected: &Connected) -> bool {
    let client = &connected.client;
    let id = match started(client).await {
        Ok(id) => id,
        Err(error) => {
            ctx.shared.error(TASK, error);
            return true;
        }
    };
    let analyzed = session::unless_stopped(
        connected,
        &mut ctx.stop,
        client.batch_execute(body(ANALYZE_SQL)),
    )
    .await;
    let (status, rows, detail) = match &analyzed {
        None => (
            "failed",
            None,
            Some("canceled: the demo workload stopped".to_string()),
        ),
        Some(Ok(())) => ("completed", Some(ANALYZED_TABLES), None),
        Some(Err(error)) => ("failed", None, Some(describe(error))),
    };
    let params: [&(dyn ToSql + Sync); 4] = [&id, &status, &rows, &detail];
    let finish = client.execute(body(FINISHED_SQL), &params);
    let finished = match tokio::time::timeout(FINISH_LIMIT, finish).await {
        Ok(finished) => finished.map_err(|e| describe(&e)),
        Err(_) => Err("timed out recording the task's outcome".into()),
    };
    if let Some(Err(error)) = &analyzed {
        ctx.shared.error(TASK, describe(error));
    }
    if let Err(error) = finished {
        ctx.shared.error(TASK, error);
    }
    analyzed.is_some()
}

async fn started(client: &Client) -> Result<String, String> {
    let row = client
        .query_one(body(STARTED_SQL), &[&TASK])
        .await
        .map_err(|e| describe(&e))?;
    row.try_get(0).map_err(|e| describe(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_processed_is_the_number_of_analyzed_tables() {
        let statement = ANALYZE_SQL
            .lines()
            .find(|line| line.starts_with("ANALYZE"))
            .unwrap_or_default();
        let tables = statement.trim_start_matches("ANALYZE").split(',').count();
        assert_eq!(
            i64::try_from(tables).ok(),
            Some(ANALYZED_TABLES),
            "{statement}"
        );
    }
}
