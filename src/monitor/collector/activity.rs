//! Sessions from `pg_stat_activity`, with server-side ages and lock waits.

use tokio_postgres::Row;

use crate::monitor::snapshot::{BackendType, Section, Session, SessionState, WaitEventType};
use crate::pg::probe::Capabilities;
use crate::pg::session::MonitorSession;
use crate::text::sanitize::sanitized;

use super::rows::{bad_row, query_failed, seconds};

/// PostgreSQL 13: `query_id` does not exist yet (read as NULL).
use crate::pg::queries::ACTIVITY_13_SQL;
/// PostgreSQL 14+: with `query_id`.
use crate::pg::queries::ACTIVITY_SQL;

/// Every backend except pgpulse's own (fast tier), all backend types included: the UI
/// decides which to show. Ages are measured on the server's clock; `blocked_by` is filled
/// only for sessions waiting on a lock, since `pg_blocking_pids` is not free.
pub async fn collect_activity(
    session: &mut MonitorSession,
    caps: &Capabilities,
) -> Section<Vec<Session>> {
    session
        .query_map(activity_sql(caps.server_version_num), &[], session_from_row)
        .await
        .map_err(query_failed)?
}

/// The variant for this server version.
fn activity_sql(server_version_num: i32) -> &'static str {
    if server_version_num >= 140_000 {
        ACTIVITY_SQL
    } else {
        ACTIVITY_13_SQL
    }
}

fn session_from_row(row: &Row) -> Section<Session> {
    // Borrowed from the row: the sanitized copy is the only one made.
    let text = |name: &str| -> Section<String> {
        Ok(sanitized(row.try_get::<_, &str>(name).map_err(bad_row)?))
    };
    let opt_text = |name: &str| -> Section<Option<String>> {
        Ok(row
            .try_get::<_, Option<&str>>(name)
            .map_err(bad_row)?
            .map(sanitized))
    };
    let age = |name: &str| -> Section<_> {
        Ok(seconds(
            row.try_get::<_, Option<f64>>(name).map_err(bad_row)?,
        ))
    };
    let raw_query: String = row.try_get("query").map_err(bad_row)?;
    Ok(Session {
        pid: row.try_get("pid").map_err(bad_row)?,
        leader_pid: row.try_get("leader_pid").map_err(bad_row)?,
        user: opt_text("user_name")?,
        database: opt_text("database_name")?,
        application: text("application_name")?,
        client: opt_text("client")?,
        backend_type: BackendType::parse(&text("backend_type")?),
        state: opt_text("state")?.map(|s| SessionState::parse(&s)),
        wait_event_type: opt_text("wait_event_type")?.map(|w| WaitEventType::parse(&w)),
        wait_event: opt_text("wait_event")?,
        backend_start: row.try_get("backend_start").map_err(bad_row)?,
        backend_age: age("backend_age_s")?.unwrap_or_default(),
        xact_age: age("xact_age_s")?,
        query_age: age("query_age_s")?,
        state_age: age("state_age_s")?,
        xmin_age: row.try_get("xmin_age").map_err(bad_row)?,
        query_id: row.try_get("query_id").map_err(bad_row)?,
        query_start: row.try_get("query_start").map_err(bad_row)?,
        query: sanitized(&raw_query),
        raw_query,
        blocked_by: row.try_get("blocked_by").map_err(bad_row)?,
        lock_wait_age: age("lock_wait_s")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_id_is_read_only_where_it_exists() {
        assert_eq!(activity_sql(130_023), ACTIVITY_13_SQL);
        assert_eq!(activity_sql(140_000), ACTIVITY_SQL);
        assert_eq!(activity_sql(180_004), ACTIVITY_SQL);
        assert!(!ACTIVITY_13_SQL.contains("a.query_id"));
        assert!(ACTIVITY_SQL.contains("a.query_id"));
    }
}
