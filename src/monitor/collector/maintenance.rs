//! Vacuum and analyze state of the connected database's user tables, with each table's
//! effective autovacuum settings (Maintenance panel, slow tier).

use tokio_postgres::Row;

use crate::monitor::snapshot::Section;
use crate::monitor::snapshot::maintenance::{
    AutovacuumSettings, StatisticsSince, TableMaintenance,
};
use crate::monitor::snapshot::{Capped, SectionError};
use crate::pg::probe::Capabilities;
use crate::pg::session::MonitorSession;
use crate::text::sanitize::sanitized;

use super::maintenance_reloptions::effective_settings;
use super::rows::{bad_row, list_cap, query_failed};

/// PostgreSQL 18+: with `relallfrozen`, which scales the insert threshold there.
use crate::pg::queries::MAINTENANCE_TABLES_18_SQL;
/// PostgreSQL 13–17.
use crate::pg::queries::MAINTENANCE_TABLES_SQL;
use crate::pg::queries::STATISTICS_SINCE_SQL;

/// Up to 2000 user tables, most dead tuples first (slow tier): tuple counters, last
/// (auto)vacuum/analyze and their counts, `age(relfrozenxid)`, the planner's row estimate
/// and the autovacuum settings in force for each table (its reloptions over the server's
/// settings). Judge them with [`crate::analysis::maintenance_rules::autovacuum_verdict`] and the overdue rules.
pub async fn collect_table_maintenance(
    session: &mut MonitorSession,
    caps: &Capabilities,
) -> Section<Vec<TableMaintenance>> {
    collect_table_maintenance_capped(session, caps, None)
        .await
        .map(|capped| capped.value)
}

/// [`collect_table_maintenance`] of the tables whose `schema.table` contains `search`
/// (all when `None`), with how many there are before the cap.
pub async fn collect_table_maintenance_capped(
    session: &mut MonitorSession,
    caps: &Capabilities,
    search: Option<&str>,
) -> Section<Capped<Vec<TableMaintenance>>> {
    let rows = session
        .query(table_maintenance_sql(caps.server_version_num), &[&search])
        .await
        .map_err(query_failed)?;
    let value = rows
        .iter()
        .map(table_from_row)
        .collect::<Section<Vec<_>>>()?;
    let cap = list_cap(&rows, "total_tables", value.len(), search)?;
    Ok(Capped { value, cap })
}

/// Since when the tables' counters and last (auto)vacuum/analyze times go back: a stats
/// reset or a crash restart forgets earlier runs (slow tier, with the tables).
pub async fn collect_statistics_since(session: &mut MonitorSession) -> Section<StatisticsSince> {
    let rows = session
        .query(STATISTICS_SINCE_SQL, &[])
        .await
        .map_err(query_failed)?;
    let row = rows
        .first()
        .ok_or_else(|| SectionError::Failed("statistics_since returned no row".into()))?;
    Ok(StatisticsSince {
        database_reset: row.try_get("database_reset").map_err(bad_row)?,
        database_reset_is_explicit: row.try_get("database_reset_is_explicit").map_err(bad_row)?,
        shared_reset: row.try_get("shared_reset").map_err(bad_row)?,
        cluster_created: row.try_get("cluster_created").map_err(bad_row)?,
        postmaster_start: row.try_get("postmaster_start").map_err(bad_row)?,
    })
}

/// The variant for this server version.
fn table_maintenance_sql(server_version_num: i32) -> &'static str {
    if server_version_num >= 180_000 {
        MAINTENANCE_TABLES_18_SQL
    } else {
        MAINTENANCE_TABLES_SQL
    }
}

fn table_from_row(row: &Row) -> Section<TableMaintenance> {
    let get_i64 = |name: &str| -> Section<i64> { row.try_get(name).map_err(bad_row) };
    let name = |column: &str| -> Section<String> {
        Ok(sanitized(
            &row.try_get::<_, String>(column).map_err(bad_row)?,
        ))
    };
    let reloptions: Option<Vec<String>> = row.try_get("reloptions").map_err(bad_row)?;
    let server = server_settings(row)?;
    Ok(TableMaintenance {
        relid: row.try_get("relid").map_err(bad_row)?,
        schema: name("schema_name")?,
        name: name("table_name")?,
        partitioned: row.try_get("partitioned").map_err(bad_row)?,
        n_live_tup: get_i64("n_live_tup")?,
        n_dead_tup: get_i64("n_dead_tup")?,
        n_mod_since_analyze: get_i64("n_mod_since_analyze")?,
        n_ins_since_vacuum: get_i64("n_ins_since_vacuum")?,
        last_vacuum: row.try_get("last_vacuum").map_err(bad_row)?,
        last_autovacuum: row.try_get("last_autovacuum").map_err(bad_row)?,
        last_analyze: row.try_get("last_analyze").map_err(bad_row)?,
        last_autoanalyze: row.try_get("last_autoanalyze").map_err(bad_row)?,
        vacuum_count: get_i64("vacuum_count")?,
        autovacuum_count: get_i64("autovacuum_count")?,
        analyze_count: get_i64("analyze_count")?,
        autoanalyze_count: get_i64("autoanalyze_count")?,
        xid_age: row.try_get("xid_age").map_err(bad_row)?,
        reltuples: row.try_get("reltuples").map_err(bad_row)?,
        relpages: row.try_get("relpages").map_err(bad_row)?,
        relallfrozen: row.try_get("relallfrozen").map_err(bad_row)?,
        autovacuum: effective_settings(&server, reloptions.as_deref().unwrap_or_default()),
    })
}

/// The server-wide settings, repeated on every row by the query.
fn server_settings(row: &Row) -> Section<AutovacuumSettings> {
    let get_i64 = |name: &str| -> Section<i64> { row.try_get(name).map_err(bad_row) };
    let get_f64 = |name: &str| -> Section<f64> { row.try_get(name).map_err(bad_row) };
    let max_threshold: Option<i64> = row.try_get("vacuum_max_threshold").map_err(bad_row)?;
    Ok(AutovacuumSettings {
        server_enabled: row.try_get("server_autovacuum").map_err(bad_row)?,
        enabled: true,
        vacuum_threshold: get_i64("vacuum_threshold")?,
        vacuum_scale_factor: get_f64("vacuum_scale_factor")?,
        // -1 is the setting's "no cap".
        vacuum_max_threshold: max_threshold.filter(|cap| *cap >= 0),
        vacuum_insert_threshold: get_i64("vacuum_insert_threshold")?,
        vacuum_insert_scale_factor: get_f64("vacuum_insert_scale_factor")?,
        analyze_threshold: get_i64("analyze_threshold")?,
        analyze_scale_factor: get_f64("analyze_scale_factor")?,
        freeze_max_age: get_i64("freeze_max_age")?,
        table_overrides: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relallfrozen_is_read_only_where_it_exists() {
        for (version, sql) in [
            (130_000, MAINTENANCE_TABLES_SQL),
            (170_006, MAINTENANCE_TABLES_SQL),
            (180_000, MAINTENANCE_TABLES_18_SQL),
            (190_000, MAINTENANCE_TABLES_18_SQL),
        ] {
            assert_eq!(table_maintenance_sql(version), sql, "{version}");
        }
        assert!(MAINTENANCE_TABLES_18_SQL.contains("c.relallfrozen,"));
        assert!(!MAINTENANCE_TABLES_SQL.contains("c.relallfrozen"));
    }
}
