//! Transaction ID wraparound: how far every database, and the oldest relations of the
//! connected one, are from the freeze limits (Maintenance panel, slow tier).

use tokio_postgres::Row;

use crate::monitor::snapshot::maintenance::{DatabaseWraparound, TableWraparound, Wraparound};
use crate::monitor::snapshot::{Capped, Section, SectionError};
use crate::pg::session::MonitorSession;
use crate::text::sanitize::sanitized;

use super::maintenance_reloptions::freeze_max_age as table_freeze_max_age;
use super::rows::{bad_row, list_cap, query_failed};

use crate::pg::queries::{WRAPAROUND_DATABASES_SQL, WRAPAROUND_TABLES_SQL};

/// 2^31: XID ages are compared modulo 2^32, so a database this old would see its past
/// as the future; the server refuses new XIDs a few million short of it.
pub const XID_HARD_LIMIT: i64 = 1 << 31;

/// `age(datfrozenxid)` and `mxid_age(datminmxid)` of every database, the freeze settings,
/// and the 20 tables, materialized views and TOAST tables (named after their owner) of the
/// connected database with the oldest `relfrozenxid` (slow tier; two round trips).
pub async fn collect_wraparound(session: &mut MonitorSession) -> Section<Wraparound> {
    collect_wraparound_capped(session, None)
        .await
        .map(|capped| capped.value)
}

/// [`collect_wraparound`] with only the relations whose (owning) `schema.table` contains
/// `search` (all when `None`), and how many there are before the cap of 20.
pub async fn collect_wraparound_capped(
    session: &mut MonitorSession,
    search: Option<&str>,
) -> Section<Capped<Wraparound>> {
    let rows = session
        .query(WRAPAROUND_DATABASES_SQL, &[])
        .await
        .map_err(query_failed)?;
    let first = rows
        .first()
        .ok_or_else(|| SectionError::Failed("wraparound query returned no database".into()))?;
    let freeze_max_age: i64 = first.try_get("freeze_max_age").map_err(bad_row)?;
    let multixact_freeze_max_age: i64 =
        first.try_get("multixact_freeze_max_age").map_err(bad_row)?;
    let databases = rows
        .iter()
        .map(|row| database_from_row(row, freeze_max_age))
        .collect::<Section<Vec<_>>>()?;
    let rows = session
        .query(WRAPAROUND_TABLES_SQL, &[&search])
        .await
        .map_err(query_failed)?;
    let tables = rows
        .iter()
        .map(|row| table_from_row(row, freeze_max_age))
        .collect::<Section<Vec<_>>>()?;
    let cap = list_cap(&rows, "total_relations", tables.len(), search)?;
    Ok(Capped {
        value: Wraparound {
            freeze_max_age,
            multixact_freeze_max_age,
            databases,
            tables,
        },
        cap,
    })
}

fn database_from_row(row: &Row, freeze_max_age: i64) -> Section<DatabaseWraparound> {
    let name: String = row.try_get("database_name").map_err(bad_row)?;
    let xid_age: i32 = row.try_get("xid_age").map_err(bad_row)?;
    Ok(DatabaseWraparound {
        name: sanitized(&name),
        xid_age,
        mxid_age: row.try_get("mxid_age").map_err(bad_row)?,
        percent_of_freeze_max_age: percent_of(xid_age, freeze_max_age),
        percent_of_hard_limit: percent_of(xid_age, XID_HARD_LIMIT),
    })
}

fn table_from_row(row: &Row, server_freeze_max_age: i64) -> Section<TableWraparound> {
    let text = |name: &str| -> Section<String> {
        Ok(sanitized(&row.try_get::<_, String>(name).map_err(bad_row)?))
    };
    let xid_age: i32 = row.try_get("xid_age").map_err(bad_row)?;
    let reloptions: Option<Vec<String>> = row.try_get("reloptions").map_err(bad_row)?;
    let freeze_max_age = table_freeze_max_age(
        server_freeze_max_age,
        reloptions.as_deref().unwrap_or_default(),
    );
    Ok(TableWraparound {
        relid: row.try_get("relid").map_err(bad_row)?,
        schema: text("schema_name")?,
        name: text("table_name")?,
        toast: row.try_get("toast").map_err(bad_row)?,
        xid_age,
        freeze_max_age,
        percent_of_freeze_max_age: percent_of(xid_age, freeze_max_age),
        percent_of_hard_limit: percent_of(xid_age, XID_HARD_LIMIT),
    })
}

/// `age` as a percentage of `limit` (0 when the limit is not positive). Over 100 is
/// meaningful: past `freeze_max_age`, anti-wraparound vacuums are being forced.
fn percent_of(age: i32, limit: i64) -> f64 {
    if limit > 0 {
        f64::from(age) * 100.0 / limit as f64
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_as_percent_of_the_limits() {
        for (age, limit, expected) in [
            (100_000_000, 200_000_000, 50.0),
            (250_000_000, 200_000_000, 125.0),
            (0, 200_000_000, 0.0),
            (1 << 30, XID_HARD_LIMIT, 50.0),
            (
                i32::MAX,
                XID_HARD_LIMIT,
                100.0 - 100.0 / XID_HARD_LIMIT as f64,
            ),
            (5, 0, 0.0),
        ] {
            assert_eq!(percent_of(age, limit), expected, "{age} of {limit}");
        }
    }

    #[test]
    fn a_table_may_only_lower_the_freeze_limit() {
        let opts = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        for (options, expected) in [
            (opts(&[]), 200_000_000),
            (opts(&["autovacuum_freeze_max_age=100000000"]), 100_000_000),
            (opts(&["autovacuum_freeze_max_age=900000000"]), 200_000_000),
            (opts(&["fillfactor=50"]), 200_000_000),
        ] {
            assert_eq!(
                table_freeze_max_age(200_000_000, &options),
                expected,
                "{options:?}"
            );
        }
    }
}
