//! Indexes screen sources: usage and definition of every user index
//! (`pg_stat_user_indexes` + `pg_index`), and sequential versus index scans per table
//! (`pg_stat_user_tables`). What is wrong with an index is decided in Rust
//! ([`crate::analysis::index_flags::flag_indexes`]) from the catalog data read here.

use tokio_postgres::Row;

use crate::monitor::snapshot::indexes::{IndexInfo, TableScans};
use crate::monitor::snapshot::{Capped, Section, SectionError};
use crate::pg::session::MonitorSession;
use crate::text::sanitize::sanitized;

use super::rows::{bad_row, list_cap, query_failed};

use crate::pg::queries::INDEX_USAGE_SQL;
use crate::pg::queries::TABLE_SCANS_SQL;

/// Every user index with its scans, tuples read and fetched, size estimate and
/// definition, by schema, table and index name (slow tier).
///
/// One catalog query whose cost grows with the number of indexes but never waits: no
/// size function and no deparsing per row (both open the table and so queue behind an
/// ACCESS EXCLUSIVE lock); definitions are compared as catalog data.
pub async fn collect_indexes(session: &mut MonitorSession) -> Section<Vec<IndexInfo>> {
    session
        .query_map(INDEX_USAGE_SQL, &[], index_from_row)
        .await
        .map_err(query_failed)?
}

fn index_from_row(row: &Row) -> Section<IndexInfo> {
    let count = |name: &str| -> Section<i64> { row.try_get(name).map_err(bad_row) };
    let flag = |name: &str| -> Section<bool> { row.try_get(name).map_err(bad_row) };
    let text = |name: &str| -> Section<String> {
        Ok(sanitized(row.try_get::<_, &str>(name).map_err(bad_row)?))
    };
    let key_columns: i16 = row.try_get("key_columns").map_err(bad_row)?;
    Ok(IndexInfo {
        indexrelid: row.try_get("indexrelid").map_err(bad_row)?,
        table_relid: row.try_get("table_relid").map_err(bad_row)?,
        schema: text("schema")?,
        table: text("table_name")?,
        name: text("index_name")?,
        access_method: text("access_method")?,
        idx_scan: count("idx_scan")?,
        idx_tup_read: count("idx_tup_read")?,
        idx_tup_fetch: count("idx_tup_fetch")?,
        size_bytes: count("size_bytes")?,
        is_unique: flag("is_unique")?,
        is_primary: flag("is_primary")?,
        is_valid: flag("is_valid")?,
        is_ready: flag("is_ready")?,
        backs_constraint: flag("backs_constraint")?,
        key_columns: usize::try_from(key_columns)
            .map_err(|_| SectionError::Failed(format!("indnkeyatts {key_columns}")))?,
        columns: row.try_get("columns").map_err(bad_row)?,
        opclasses: row.try_get("opclasses").map_err(bad_row)?,
        collations: row.try_get("collations").map_err(bad_row)?,
        options: row.try_get("options").map_err(bad_row)?,
        // Node trees are compared, never shown; sanitized anyway, as every server string.
        expressions: row
            .try_get::<_, Option<&str>>("expressions")
            .map_err(bad_row)?
            .map(sanitized),
        predicate: row
            .try_get::<_, Option<&str>>("predicate")
            .map_err(bad_row)?
            .map(sanitized),
    })
}

/// Sequential and index scans of the 500 user tables whose sequential scans returned
/// the most rows, worst first (slow tier).
pub async fn collect_table_scans(session: &mut MonitorSession) -> Section<Vec<TableScans>> {
    collect_table_scans_capped(session, None)
        .await
        .map(|capped| capped.value)
}

/// [`collect_table_scans`] of the tables whose `schema.table` contains `search` (all
/// when `None`), with how many there are before the cap.
pub async fn collect_table_scans_capped(
    session: &mut MonitorSession,
    search: Option<&str>,
) -> Section<Capped<Vec<TableScans>>> {
    let rows = session
        .query(TABLE_SCANS_SQL, &[&search])
        .await
        .map_err(query_failed)?;
    let value = rows
        .iter()
        .map(scans_from_row)
        .collect::<Section<Vec<_>>>()?;
    let cap = list_cap(&rows, "total_tables", value.len(), search)?;
    Ok(Capped { value, cap })
}

fn scans_from_row(row: &Row) -> Section<TableScans> {
    let count = |name: &str| -> Section<i64> { row.try_get(name).map_err(bad_row) };
    let text = |name: &str| -> Section<String> {
        Ok(sanitized(row.try_get::<_, &str>(name).map_err(bad_row)?))
    };
    Ok(TableScans {
        relid: row.try_get("relid").map_err(bad_row)?,
        schema: text("schema")?,
        table: text("table_name")?,
        seq_scan: count("seq_scan")?,
        seq_tup_read: count("seq_tup_read")?,
        idx_scan: count("idx_scan")?,
        idx_tup_fetch: count("idx_tup_fetch")?,
        has_indexes: row.try_get("has_indexes").map_err(bad_row)?,
        n_live_tup: count("n_live_tup")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scans(seq_scan: i64, seq_tup_read: i64, idx_scan: i64) -> TableScans {
        TableScans {
            relid: 1,
            schema: "public".into(),
            table: "learning_sessions".into(),
            seq_scan,
            seq_tup_read,
            idx_scan,
            idx_tup_fetch: 0,
            has_indexes: idx_scan > 0,
            n_live_tup: seq_tup_read,
        }
    }

    #[test]
    fn rows_per_seq_scan_needs_a_scan() {
        assert_eq!(scans(0, 0, 0).rows_per_seq_scan(), None);
        assert_eq!(scans(4, 10, 0).rows_per_seq_scan(), Some(2.5));
    }
}
