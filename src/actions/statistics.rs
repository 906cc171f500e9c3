//! The statistics snapshot: one `database_statistics_snapshot` row per user table (size,
//! live rows, cache hit ratio), written the way the Cache screen's history reads it.
//! Shared by `pgpulse snapshot` (cron) and the in-TUI snapshot action.

use tokio_postgres::Client;

use crate::pg::queries::{STATISTICS_SNAPSHOT_CHECK_SQL, STATISTICS_SNAPSHOT_SQL};
use crate::pg::quote::quote_ident;
use crate::pg::session::describe;
use crate::text::sanitize::sanitized;

/// Why no snapshot was recorded. `Display` is one sanitized line with the fix when there
/// is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error(
        "database_statistics_snapshot does not exist in this database: create it with `pgpulse schema install`"
    )]
    Missing,
    /// `role` is already quoted and sanitized.
    #[error(
        "role {role} may not insert into database_statistics_snapshot: GRANT INSERT ON database_statistics_snapshot TO {role};"
    )]
    NoInsertPrivilege { role: String },
    #[error("statistics snapshot failed: {0}")]
    Failed(String),
}

/// Records one row per user table and returns how many were written. Checks first that
/// the table exists and is insertable, so the error names the fix rather than a SQLSTATE.
///
/// The INSERT is one statement, so the extended protocol is fine; the session must be
/// writable, and its `lock_timeout` bounds the wait behind a table's ACCESS EXCLUSIVE
/// holder (sizes need ACCESS SHARE on each table).
pub async fn take_snapshot(client: &Client) -> Result<u64, SnapshotError> {
    let check = client
        .query_one(STATISTICS_SNAPSHOT_CHECK_SQL, &[])
        .await
        .map_err(|e| SnapshotError::Failed(describe(&e)))?;
    let column = |name: &str| -> Result<bool, SnapshotError> {
        check
            .try_get(name)
            .map_err(|e| SnapshotError::Failed(describe(&e)))
    };
    if !column("present")? {
        return Err(SnapshotError::Missing);
    }
    if !column("insertable")? {
        let role: String = check
            .try_get("role_name")
            .map_err(|e| SnapshotError::Failed(describe(&e)))?;
        return Err(SnapshotError::NoInsertPrivilege {
            role: sanitized(&quote_ident(&role)),
        });
    }
    client
        .execute(STATISTICS_SNAPSHOT_SQL, &[])
        .await
        .map_err(|e| match e.code().map(|c| c.code()) {
            // Dropped or revoked between the check and the INSERT.
            Some("42P01") => SnapshotError::Missing,
            _ => SnapshotError::Failed(describe(&e)),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line_and_name_the_fix() {
        let cases = [
            (SnapshotError::Missing, "`pgpulse schema install`"),
            (
                SnapshotError::NoInsertPrivilege {
                    role: sanitized(&quote_ident("Cron \u{1b}Role")),
                },
                "GRANT INSERT ON database_statistics_snapshot TO \"Cron \\x1bRole\";",
            ),
            (
                SnapshotError::Failed(
                    "ERROR 55P03: canceling statement due to lock timeout".into(),
                ),
                "lock timeout",
            ),
        ];
        for (error, needle) in cases {
            let text = error.to_string();
            assert!(text.contains(needle), "{text}");
            assert!(!text.contains(['\n', '\u{1b}']), "{text:?}");
        }
    }
}
