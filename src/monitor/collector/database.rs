//! Per-database cumulative counters from `pg_stat_database`.

use tokio_postgres::Row;

use crate::monitor::snapshot::{DatabaseCounters, DatabaseSize, Section};
use crate::pg::session::MonitorSession;
use crate::text::sanitize::sanitized;

use super::rows::{bad_row, query_failed};

use crate::pg::queries::{DATABASE_COUNTERS_SQL, DATABASE_SIZES_SQL};

/// Cumulative counters of every database (fast tier); the shared-catalog row (datid 0)
/// is left out. Rates are the metrics layer's job: these are raw counters.
pub async fn collect_databases(session: &mut MonitorSession) -> Section<Vec<DatabaseCounters>> {
    session
        .query_map(DATABASE_COUNTERS_SQL, &[], counters_from_row)
        .await
        .map_err(query_failed)?
}

fn counters_from_row(row: &Row) -> Section<DatabaseCounters> {
    let count = |name: &str| -> Section<i64> { row.try_get(name).map_err(bad_row) };
    let name: String = row.try_get("name").map_err(bad_row)?;
    Ok(DatabaseCounters {
        datid: row.try_get("datid").map_err(bad_row)?,
        name: sanitized(&name),
        backends: row.try_get("backends").map_err(bad_row)?,
        xact_commit: count("xact_commit")?,
        xact_rollback: count("xact_rollback")?,
        blks_read: count("blks_read")?,
        blks_hit: count("blks_hit")?,
        tup_returned: count("tup_returned")?,
        tup_fetched: count("tup_fetched")?,
        tup_inserted: count("tup_inserted")?,
        tup_updated: count("tup_updated")?,
        tup_deleted: count("tup_deleted")?,
        temp_files: count("temp_files")?,
        temp_bytes: count("temp_bytes")?,
        deadlocks: count("deadlocks")?,
        conflicts: count("conflicts")?,
        blk_read_time_ms: row.try_get("blk_read_time").map_err(bad_row)?,
        blk_write_time_ms: row.try_get("blk_write_time").map_err(bad_row)?,
        stats_reset: row.try_get("stats_reset").map_err(bad_row)?,
    })
}

/// Every database's size (slow tier, only when due: `pg_database_size` walks every file).
pub async fn collect_database_sizes(session: &mut MonitorSession) -> Section<Vec<DatabaseSize>> {
    let rows = session
        .query(DATABASE_SIZES_SQL, &[])
        .await
        .map_err(query_failed)?;
    rows.iter()
        .map(|row| {
            Ok(DatabaseSize {
                datid: row.try_get("datid").map_err(bad_row)?,
                size_bytes: row.try_get("size_bytes").map_err(bad_row)?,
            })
        })
        .collect()
}
