//! Sessions the monitoring role may not see into.
//!
//! Without `pg_read_all_stats` (or `pg_monitor`), other roles' rows of `pg_stat_activity`
//! keep their pid, user, database and application name, but their state, waits, ages,
//! backend type and query are NULL (`<insufficient privilege>`). Such a session is not
//! "idle" or "not running": it is *hidden*, and every count that leaves it out says so.
//! Rows without a database are the server's background processes (and physical WAL
//! senders); those take no connection slot and are not counted.

use crate::monitor::snapshot::{BackendType, Session};

/// Whether the role may not see what `session` is doing, and it is connected to a
/// database (a client, or an autovacuum or parallel worker: the type is hidden too).
pub fn is_hidden_session(session: &Session) -> bool {
    session.backend_type == BackendType::Unknown
        && session.backend_start.is_none()
        && session.database.is_some()
}

/// How many sessions (by pid) are hidden from the role.
pub fn hidden_sessions(sessions: &[Session]) -> usize {
    let mut pids: Vec<i32> = sessions
        .iter()
        .filter(|s| is_hidden_session(s))
        .map(|s| s.pid)
        .collect();
    pids.sort_unstable();
    pids.dedup();
    pids.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::snapshot::test_support::*;

    /// What an unprivileged role reads for another role's session.
    fn hidden(pid: i32, database: Option<&str>) -> Session {
        Session {
            backend_type: BackendType::Unknown,
            backend_start: None,
            state: None,
            database: database.map(str::to_string),
            ..session(pid)
        }
    }

    #[test]
    fn hidden_sessions_are_counted_background_processes_are_not() {
        let sessions = vec![
            session(1),
            hidden(2, Some("app")),
            hidden(3, Some("app")),
            hidden(3, Some("app")),
            // checkpointer, walwriter...: no database.
            hidden(4, None),
        ];
        assert_eq!(hidden_sessions(&sessions), 2);
        assert!(!is_hidden_session(&session(1)));
    }
}
