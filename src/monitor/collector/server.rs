//! Server-wide state: the server's clock, uptime, recovery and connection limits.

use crate::monitor::snapshot::{Section, SectionError, ServerState};
use crate::pg::session::MonitorSession;

use super::rows::{bad_row, query_failed};

use crate::pg::queries::SERVER_STATE_SQL;

/// Reads the server's clock, start time, recovery state and connection limits
/// (fast tier). `reserved_connections` is 0 before PostgreSQL 16.
pub async fn collect_server(session: &mut MonitorSession) -> Section<ServerState> {
    let rows = session
        .query(SERVER_STATE_SQL, &[])
        .await
        .map_err(query_failed)?;
    let row = rows
        .first()
        .ok_or_else(|| SectionError::Failed("server state query returned no row".into()))?;
    Ok(ServerState {
        now: row.try_get("now").map_err(bad_row)?,
        postmaster_start_time: row.try_get("postmaster_start_time").map_err(bad_row)?,
        in_recovery: row.try_get("in_recovery").map_err(bad_row)?,
        max_connections: row.try_get("max_connections").map_err(bad_row)?,
        superuser_reserved_connections: row
            .try_get("superuser_reserved_connections")
            .map_err(bad_row)?,
        reserved_connections: row.try_get("reserved_connections").map_err(bad_row)?,
    })
}
