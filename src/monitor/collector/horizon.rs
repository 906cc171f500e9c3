//! Every holder of the xmin horizon: backends, standby feedback, prepared transactions
//! and replication slots, in one round trip (`horizon_holders.sql`).

use tokio_postgres::Row;

use crate::monitor::snapshot::horizon::{
    BackendHolder, HorizonHolders, PreparedHolder, SlotHolder, StandbyHolder,
};
use crate::monitor::snapshot::{BackendType, Section, SectionError, SessionState};
use crate::pg::queries::HORIZON_HOLDERS_SQL;
use crate::pg::session::MonitorSession;
use crate::text::sanitize::sanitized;

use super::rows::{bad_row, query_failed, seconds};

/// Reads every holder of the xmin horizon (fast tier: in-memory views only, no lock).
pub async fn collect_horizon(session: &mut MonitorSession) -> Section<HorizonHolders> {
    let rows = session
        .query(HORIZON_HOLDERS_SQL, &[])
        .await
        .map_err(query_failed)?;
    let mut holders = HorizonHolders::default();
    for row in &rows {
        let kind: String = row.try_get("kind").map_err(bad_row)?;
        match kind.as_str() {
            "backend" => holders.backends.push(backend(row)?),
            "standby" => {
                if let Some(standby) = standby(row)? {
                    holders.standbys.push(standby);
                }
            }
            "prepared" => holders.prepared.push(prepared(row)?),
            "slot" => holders.slots.push(slot(row)?),
            other => {
                return Err(SectionError::Failed(sanitized(&format!(
                    "unexpected horizon holder kind {other}"
                ))));
            }
        }
    }
    Ok(holders)
}

fn opt_text(row: &Row, name: &str) -> Section<Option<String>> {
    Ok(row
        .try_get::<_, Option<String>>(name)
        .map_err(bad_row)?
        .map(|s| sanitized(&s)))
}

fn age(row: &Row, name: &str) -> Section<Option<std::time::Duration>> {
    Ok(seconds(row.try_get(name).map_err(bad_row)?))
}

fn backend(row: &Row) -> Section<BackendHolder> {
    let name: String = row.try_get("name").map_err(bad_row)?;
    let backend_type: String = row.try_get("backend_type").map_err(bad_row)?;
    let query: String = row.try_get("query").map_err(bad_row)?;
    Ok(BackendHolder {
        pid: row.try_get("pid").map_err(bad_row)?,
        backend_start: row.try_get("backend_start").map_err(bad_row)?,
        user: opt_text(row, "owner")?,
        database: opt_text(row, "database_name")?,
        application: sanitized(&name),
        client: opt_text(row, "client")?,
        backend_type: BackendType::parse(&sanitized(&backend_type)),
        state: opt_text(row, "state")?.map(|s| SessionState::parse(&s)),
        xact_start: row.try_get("since").map_err(bad_row)?,
        xact_age: age(row, "since_s")?,
        xmin_age: row.try_get("xmin_age").map_err(bad_row)?,
        xid_age: row.try_get("xid_age").map_err(bad_row)?,
        query: sanitized(&query),
    })
}

/// A WAL sender holds the horizon through its `backend_xmin` only (its own xid, if any,
/// is a walsender's transaction like any backend's: none in practice).
fn standby(row: &Row) -> Section<Option<StandbyHolder>> {
    let xmin: Option<i32> = row.try_get("xmin_age").map_err(bad_row)?;
    let xid: Option<i32> = row.try_get("xid_age").map_err(bad_row)?;
    let Some(xmin_age) = xmin.max(xid) else {
        return Ok(None);
    };
    let name: String = row.try_get("name").map_err(bad_row)?;
    Ok(Some(StandbyHolder {
        pid: row.try_get("pid").map_err(bad_row)?,
        backend_start: row.try_get("backend_start").map_err(bad_row)?,
        application: sanitized(&name),
        client: opt_text(row, "client")?,
        xmin_age,
    }))
}

fn prepared(row: &Row) -> Section<PreparedHolder> {
    let raw_gid: String = row.try_get("name").map_err(bad_row)?;
    let raw_database: String = row
        .try_get::<_, Option<String>>("database_name")
        .map_err(bad_row)?
        .unwrap_or_default();
    Ok(PreparedHolder {
        gid: sanitized(&raw_gid),
        raw_gid,
        owner: opt_text(row, "owner")?,
        database: sanitized(&raw_database),
        raw_database,
        prepared: row
            .try_get::<_, Option<std::time::SystemTime>>("since")
            .map_err(bad_row)?
            .ok_or_else(|| SectionError::Failed("prepared transaction without a time".into()))?,
        age: age(row, "since_s")?.unwrap_or_default(),
        xid_age: row
            .try_get::<_, Option<i32>>("xid_age")
            .map_err(bad_row)?
            .unwrap_or_default(),
    })
}

fn slot(row: &Row) -> Section<SlotHolder> {
    let name: String = row.try_get("name").map_err(bad_row)?;
    Ok(SlotHolder {
        name: sanitized(&name),
        slot_type: opt_text(row, "slot_type")?.unwrap_or_default(),
        database: opt_text(row, "database_name")?,
        active: row
            .try_get::<_, Option<bool>>("active")
            .map_err(bad_row)?
            .unwrap_or(false),
        active_pid: row.try_get("active_pid").map_err(bad_row)?,
        xmin_age: row.try_get("xmin_age").map_err(bad_row)?,
        catalog_xmin_age: row.try_get("catalog_xmin_age").map_err(bad_row)?,
        retained_wal_bytes: row.try_get("retained_wal_bytes").map_err(bad_row)?,
        wal_status: opt_text(row, "wal_status")?,
        inactive_since: row.try_get("since").map_err(bad_row)?,
        inactive_age: age(row, "since_s")?,
    })
}
