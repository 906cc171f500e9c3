//! The lock view's rows (`locks.sql`): read only while the view is on, since joining
//! `pg_locks` with `pg_stat_activity` is the costliest read of the Activity screen.

use tokio_postgres::Row;

use crate::monitor::snapshot::locks::{LockRow, Locks, WaitFrom};
use crate::monitor::snapshot::{Section, SessionState};
use crate::pg::queries::LOCKS_SQL;
use crate::pg::session::MonitorSession;
use crate::text::sanitize::sanitized;

use super::rows::{bad_row, query_failed, seconds};

/// Reads the contended locks and the strong ones (see `locks.sql`), waiting first.
pub async fn collect_locks(session: &mut MonitorSession) -> Section<Locks> {
    let rows = session.query(LOCKS_SQL, &[]).await.map_err(query_failed)?;
    let total = match rows.first() {
        Some(row) => row.try_get("total").map_err(bad_row)?,
        None => 0,
    };
    Ok(Locks {
        rows: rows.iter().map(lock_row).collect::<Section<_>>()?,
        total,
    })
}

fn lock_row(row: &Row) -> Section<LockRow> {
    let text = |name: &str| -> Section<String> {
        Ok(sanitized(row.try_get::<_, &str>(name).map_err(bad_row)?))
    };
    let opt_text = |name: &str| -> Section<Option<String>> {
        Ok(row
            .try_get::<_, Option<String>>(name)
            .map_err(bad_row)?
            .map(|s| sanitized(&s)))
    };
    let wait_from = opt_text("wait_from")?.map(|from| match from.as_str() {
        "waitstart" => WaitFrom::WaitStart,
        "state_change" => WaitFrom::StateChange,
        _ => WaitFrom::QueryStart,
    });
    Ok(LockRow {
        object_key: text("object_key")?,
        locktype: text("locktype")?,
        mode: text("mode")?,
        granted: row.try_get("granted").map_err(bad_row)?,
        pid: row.try_get("pid").map_err(bad_row)?,
        database: opt_text("database_name")?,
        relation_oid: row.try_get("relation_oid").map_err(bad_row)?,
        relation_name: opt_text("relation_name")?,
        page: row.try_get("page").map_err(bad_row)?,
        tuple: row.try_get("tuple").map_err(bad_row)?,
        virtualxid: opt_text("virtualxid")?,
        transactionid: opt_text("transactionid")?,
        classid: row.try_get("classid").map_err(bad_row)?,
        objid: row.try_get("objid").map_err(bad_row)?,
        objsubid: row.try_get("objsubid").map_err(bad_row)?,
        backend_start: row.try_get("backend_start").map_err(bad_row)?,
        user: opt_text("user_name")?,
        application: text("application_name")?,
        state: opt_text("state")?.map(|s| SessionState::parse(&s)),
        xact_age: seconds(row.try_get("xact_age_s").map_err(bad_row)?),
        wait_age: seconds(row.try_get("wait_s").map_err(bad_row)?),
        wait_from,
        blocked_by: row.try_get("blocked_by").map_err(bad_row)?,
        query: text("query")?,
    })
}
