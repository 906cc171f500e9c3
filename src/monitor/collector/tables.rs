//! Scan and tuple totals over the connected database's user tables.

use crate::monitor::snapshot::{Section, SectionError, TableTotals};
use crate::pg::session::MonitorSession;

use super::rows::{bad_row, query_failed};

use crate::pg::queries::TABLE_TOTALS_SQL;

/// Sums of sequential and index scans and of live and dead tuples over
/// `pg_stat_user_tables` (slow tier), for the index-usage and dead-tuple tiles.
pub async fn collect_table_totals(session: &mut MonitorSession) -> Section<TableTotals> {
    let rows = session
        .query(TABLE_TOTALS_SQL, &[])
        .await
        .map_err(query_failed)?;
    let row = rows
        .first()
        .ok_or_else(|| SectionError::Failed("table totals query returned no row".into()))?;
    Ok(TableTotals {
        seq_scan: row.try_get("seq_scan").map_err(bad_row)?,
        idx_scan: row.try_get("idx_scan").map_err(bad_row)?,
        live_tuples: row.try_get("live_tuples").map_err(bad_row)?,
        dead_tuples: row.try_get("dead_tuples").map_err(bad_row)?,
    })
}
