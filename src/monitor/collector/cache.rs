//! Cache screen sources: per-table buffer hits and reads from `pg_statio_user_tables`,
//! and the per-table history the application records in `database_statistics_snapshot`.

use std::time::Duration;

use tokio_postgres::Row;

use crate::monitor::snapshot::cache::{SnapshotHistory, SnapshotPoint, TableCache};
use crate::monitor::snapshot::{Capped, Section, SectionError};
use crate::pg::probe::Capabilities;
use crate::pg::quote::quote_ident;
use crate::pg::session::MonitorSession;
use crate::text::sanitize::sanitized;

use super::rows::{bad_row, list_cap, query_failed, sqlstate};

use crate::pg::queries::CACHE_SNAPSHOT_HISTORY_SQL;
use crate::pg::queries::CACHE_TABLES_SQL;

/// The most history rows read per poll (the SQL asks for one more to detect the cut).
const HISTORY_CAP: usize = 20_000;

/// The fix for a missing table, as `pgpulse doctor` gives it.
const SCHEMA_INSTALL_FIX: &str = "pgpulse schema install";

/// Heap, index and TOAST buffer hits and reads of the 500 largest user tables (by
/// `relpages`), largest first, with size and row estimates from `pg_class` (slow tier).
///
/// Sizes are not `pg_total_relation_size()`: that function opens the relation and so
/// queues behind an ACCESS EXCLUSIVE lock (VACUUM FULL, ALTER TABLE), stalling the
/// whole poll until `lock_timeout`; `relpages` is a catalog column that never waits, at
/// the price of being as old as the table's last VACUUM or ANALYZE.
pub async fn collect_table_cache(session: &mut MonitorSession) -> Section<Vec<TableCache>> {
    collect_table_cache_capped(session, None)
        .await
        .map(|capped| capped.value)
}

/// [`collect_table_cache`] of the tables whose `schema.table` contains `search` (all when
/// `None`), with how many there are before the cap.
pub async fn collect_table_cache_capped(
    session: &mut MonitorSession,
    search: Option<&str>,
) -> Section<Capped<Vec<TableCache>>> {
    let rows = session
        .query(CACHE_TABLES_SQL, &[&search])
        .await
        .map_err(query_failed)?;
    let value = rows
        .iter()
        .map(table_from_row)
        .collect::<Section<Vec<_>>>()?;
    let cap = list_cap(&rows, "total_tables", value.len(), search)?;
    Ok(Capped { value, cap })
}

fn table_from_row(row: &Row) -> Section<TableCache> {
    let count = |name: &str| -> Section<i64> { row.try_get(name).map_err(bad_row) };
    let text = |name: &str| -> Section<String> {
        Ok(sanitized(&row.try_get::<_, String>(name).map_err(bad_row)?))
    };
    Ok(TableCache {
        relid: row.try_get("relid").map_err(bad_row)?,
        schema: text("schema")?,
        table: text("table_name")?,
        heap_blks_hit: count("heap_blks_hit")?,
        heap_blks_read: count("heap_blks_read")?,
        idx_blks_hit: count("idx_blks_hit")?,
        idx_blks_read: count("idx_blks_read")?,
        toast_blks_hit: count("toast_blks_hit")?,
        toast_blks_read: count("toast_blks_read")?,
        heap_bytes: count("heap_bytes")?,
        index_bytes: count("index_bytes")?,
        toast_bytes: count("toast_bytes")?,
        row_estimate: row.try_get("row_estimate").map_err(bad_row)?,
    })
}

/// Every `database_statistics_snapshot` row of the last `window`, by table name then
/// time, at most 20,000 (`truncated` says when more were there) (slow tier).
/// `Unavailable` with the fix when the table is missing or not readable.
pub async fn collect_snapshot_history(
    session: &mut MonitorSession,
    caps: &Capabilities,
    window: Duration,
) -> Section<SnapshotHistory> {
    if !caps.has_database_statistics_snapshot {
        return Err(missing_table());
    }
    let window_s = window.as_secs_f64();
    let rows = match session
        .query(CACHE_SNAPSHOT_HISTORY_SQL, &[&window_s])
        .await
    {
        Ok(rows) => rows,
        // Dropped or revoked since the capability probe: say so, not "query failed".
        Err(error) => {
            return Err(match sqlstate(&error) {
                Some("42P01") => missing_table(),
                Some("42501") => SectionError::Unavailable {
                    reason: "no SELECT privilege on database_statistics_snapshot".into(),
                    fix: Some(format!(
                        "GRANT SELECT ON database_statistics_snapshot TO {};",
                        quote_ident(&caps.role)
                    )),
                },
                _ => query_failed(error),
            });
        }
    };
    let truncated = rows.len() > HISTORY_CAP;
    let points = rows
        .iter()
        .take(HISTORY_CAP)
        .map(point_from_row)
        .collect::<Section<Vec<_>>>()?;
    Ok(SnapshotHistory {
        window,
        points,
        truncated,
    })
}

fn missing_table() -> SectionError {
    SectionError::Unavailable {
        reason: "table database_statistics_snapshot not found in the search path".into(),
        fix: Some(SCHEMA_INSTALL_FIX.into()),
    }
}

fn point_from_row(row: &Row) -> Section<SnapshotPoint> {
    let name: String = row.try_get("table_name").map_err(bad_row)?;
    let percent: Option<f64> = row.try_get("cache_hit_ratio").map_err(bad_row)?;
    Ok(SnapshotPoint {
        table_name: sanitized(&name),
        at: row.try_get("snapshot_at").map_err(bad_row)?,
        size_bytes: row.try_get("table_size_bytes").map_err(bad_row)?,
        rows: row.try_get("row_count").map_err(bad_row)?,
        cache_hit_ratio: percent.map(|p| p / 100.0),
    })
}
