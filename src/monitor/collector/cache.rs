//! Cache screen sources: per-table buffer hits and reads from `pg_statio_user_tables`,
//! and the per-table history the application records in `database_statistics_snapshot`.

use std::time::{Duration, SystemTime};

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

const SECONDS_PER_DAY: f64 = 86_400.0;

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

/// Growth of one table in bytes per day, between its earliest and latest point that
/// have a size. `None` with fewer than two such points or when they share one instant.
/// The points must belong to one table (see [`SnapshotHistory::tables`]); their order
/// does not matter.
pub fn growth_per_day(points: &[SnapshotPoint]) -> Option<f64> {
    let sized = points
        .iter()
        .filter_map(|p| p.size_bytes.map(|size| (p.at, size)));
    let mut first: Option<(SystemTime, i64)> = None;
    let mut last: Option<(SystemTime, i64)> = None;
    let mut count = 0usize;
    for (at, size) in sized {
        count += 1;
        if first.is_none_or(|(t, _)| at < t) {
            first = Some((at, size));
        }
        if last.is_none_or(|(t, _)| at >= t) {
            last = Some((at, size));
        }
    }
    let ((t0, s0), (t1, s1)) = (first?, last?);
    let span = t1.duration_since(t0).ok()?.as_secs_f64();
    if count < 2 || span <= 0.0 {
        return None;
    }
    Some((s1 - s0) as f64 / span * SECONDS_PER_DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: u64 = 3_600;

    fn point(hours: u64, size: Option<i64>) -> SnapshotPoint {
        SnapshotPoint {
            table_name: "learning_sessions".into(),
            at: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + hours * HOUR),
            size_bytes: size,
            rows: None,
            cache_hit_ratio: None,
        }
    }

    #[test]
    fn growth_per_day_cases() {
        let cases: &[(&str, Vec<SnapshotPoint>, Option<f64>)] = &[
            ("no points", vec![], None),
            ("one point", vec![point(0, Some(100))], None),
            (
                "two points at the same instant",
                vec![point(5, Some(100)), point(5, Some(900))],
                None,
            ),
            (
                "one day, +1 MiB",
                vec![point(0, Some(0)), point(24, Some(1_048_576))],
                Some(1_048_576.0),
            ),
            (
                "half a day, +500 bytes: 1000 per day",
                vec![point(0, Some(1_000)), point(12, Some(1_500))],
                Some(1_000.0),
            ),
            (
                "shrinking after VACUUM FULL",
                vec![point(0, Some(4_000)), point(48, Some(2_000))],
                Some(-1_000.0),
            ),
            (
                "first and last count, not the middle",
                vec![
                    point(0, Some(0)),
                    point(12, Some(999_999)),
                    point(24, Some(10)),
                ],
                Some(10.0),
            ),
            (
                "points without a size are skipped",
                vec![point(0, None), point(24, Some(100)), point(48, Some(200))],
                Some(100.0),
            ),
            (
                "only one sized point",
                vec![point(0, None), point(24, Some(100))],
                None,
            ),
            (
                "order does not matter",
                vec![point(24, Some(300)), point(0, Some(100))],
                Some(200.0),
            ),
        ];
        for (what, points, expected) in cases {
            let got = growth_per_day(points);
            match (got, expected) {
                (Some(g), Some(e)) => assert!((g - e).abs() < 1e-6, "{what}: {g} != {e}"),
                _ => assert_eq!(got, *expected, "{what}"),
            }
        }
    }
}
