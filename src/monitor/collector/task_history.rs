//! The seed's scheduled maintenance tasks as logged in `maintenance_task_log` (ours, from
//! `pgpulse schema install`): the latest run of each task (Maintenance panel, slow tier).

use tokio_postgres::Row;

use crate::monitor::snapshot::maintenance::{TaskRun, TaskStatus};
use crate::monitor::snapshot::{Capped, Section, SectionError};
use crate::pg::probe::Capabilities;
use crate::pg::quote::quote_ident;
use crate::pg::session::MonitorSession;
use crate::text::sanitize::sanitized;

use super::rows::{bad_row, list_cap, query_failed, seconds, sqlstate};

use crate::pg::queries::TASK_HISTORY_SQL;

/// The fix for a missing table, as `pgpulse doctor` gives it.
const SCHEMA_INSTALL_FIX: &str = "pgpulse schema install";

/// One row per `task_name`: its latest run (status, start, finish, duration, rows
/// processed, detail) and how many of its runs failed in the last 7 days, by task name.
/// `Unavailable` (fix: `pgpulse schema install`) when the table does not exist.
pub async fn collect_task_history(
    session: &mut MonitorSession,
    caps: &Capabilities,
) -> Section<Vec<TaskRun>> {
    collect_task_history_capped(session, caps, None)
        .await
        .map(|capped| capped.value)
}

/// [`collect_task_history`] of the tasks whose name contains `search` (all when `None`),
/// with how many there are before the cap.
pub async fn collect_task_history_capped(
    session: &mut MonitorSession,
    caps: &Capabilities,
    search: Option<&str>,
) -> Section<Capped<Vec<TaskRun>>> {
    if !caps.has_maintenance_task_log {
        return Err(missing_table());
    }
    let rows = match session.query(TASK_HISTORY_SQL, &[&search]).await {
        Ok(rows) => rows,
        // Dropped or revoked since the capability probe: say so, not "query failed".
        Err(error) => {
            return Err(match sqlstate(&error) {
                Some("42P01") => missing_table(),
                Some("42501") => SectionError::Unavailable {
                    reason: "no SELECT privilege on maintenance_task_log".into(),
                    fix: Some(format!(
                        "GRANT SELECT ON maintenance_task_log TO {};",
                        quote_ident(&caps.role)
                    )),
                },
                _ => query_failed(error),
            });
        }
    };
    let value = rows.iter().map(run_from_row).collect::<Section<Vec<_>>>()?;
    let cap = list_cap(&rows, "total_tasks", value.len(), search)?;
    Ok(Capped { value, cap })
}

fn missing_table() -> SectionError {
    SectionError::Unavailable {
        reason: "table maintenance_task_log not found in the search path".into(),
        fix: Some(SCHEMA_INSTALL_FIX.into()),
    }
}

fn run_from_row(row: &Row) -> Section<TaskRun> {
    let task_name: String = row.try_get("task_name").map_err(bad_row)?;
    let status: String = row.try_get("status").map_err(bad_row)?;
    let detail: Option<String> = row.try_get("detail").map_err(bad_row)?;
    Ok(TaskRun {
        task_name: sanitized(&task_name),
        status: TaskStatus::parse(&status),
        started_at: row.try_get("started_at").map_err(bad_row)?,
        finished_at: row.try_get("finished_at").map_err(bad_row)?,
        duration: seconds(row.try_get("duration_s").map_err(bad_row)?),
        started_ago: seconds(row.try_get("started_ago_s").map_err(bad_row)?),
        rows_processed: row.try_get("rows_processed").map_err(bad_row)?,
        detail: detail.map(|d| sanitized(&d)),
        failures_7d: row.try_get("failures_7d").map_err(bad_row)?,
    })
}
