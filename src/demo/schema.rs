//! The seed's Personal Learning Assistant database for `pgpulse demo`: its tables, keys,
//! indexes and view, generated data at a chosen scale, and the history its monitoring
//! tables would already hold (`queries/demo/`, applied in order).

use std::time::{Duration, Instant};

use tokio_postgres::Client;

use crate::text::sanitize::sanitized;

/// How much data to generate. The other tables scale from these two (see
/// `queries/demo/02_data.sql`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub users: i64,
    pub sessions: i64,
}

impl Default for Scale {
    /// Tens of thousands of users and hundreds of thousands of sessions, as the issue
    /// asks: enough for real plans and visible cache behaviour, loaded in seconds.
    fn default() -> Self {
        Self {
            users: 20_000,
            sessions: 200_000,
        }
    }
}

/// The accepted range of either count: at least a handful (the data divides by the
/// user count), at most what the key generator keeps unique (`n < 2^31`) with room.
const SCALE_LIMITS: (i64, i64) = (10, 100_000_000);

/// What [`load`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadReport {
    pub elapsed: Duration,
    /// Ordinary tables in the schema afterwards: the seed's and the monitoring ones.
    pub tables: usize,
    pub users: i64,
    pub sessions: i64,
}

/// The demo's own steps, in the order they run, each named by its file for errors.
pub const FILES: &[(&str, &str)] = &[
    (
        "queries/demo/01_tables.sql",
        include_str!("../../queries/demo/01_tables.sql"),
    ),
    (
        "queries/demo/02_data.sql",
        include_str!("../../queries/demo/02_data.sql"),
    ),
    (
        "queries/demo/03_keys.sql",
        include_str!("../../queries/demo/03_keys.sql"),
    ),
    (
        "queries/demo/04_indexes.sql",
        include_str!("../../queries/demo/04_indexes.sql"),
    ),
    (
        "queries/demo/05_view.sql",
        include_str!("../../queries/demo/05_view.sql"),
    ),
    (
        "queries/demo/06_dead_tuples.sql",
        include_str!("../../queries/demo/06_dead_tuples.sql"),
    ),
    (
        "queries/demo/07_analyze.sql",
        include_str!("../../queries/demo/07_analyze.sql"),
    ),
    (
        "queries/demo/08_history.sql",
        include_str!("../../queries/demo/08_history.sql"),
    ),
];

const SCALE_FILE: &str = "queries/demo/scale.sql";
const SCALE_SQL: &str = include_str!("../../queries/demo/scale.sql");
const REPORT_FILE: &str = "queries/demo/load_report.sql";
const REPORT_SQL: &str = include_str!("../../queries/demo/load_report.sql");

/// The table the workload's progress updates leave dead tuples in (autovacuum is off
/// for it, see `queries/demo/06_dead_tuples.sql`).
pub const DEAD_TUPLE_TABLE: &str = "pace_profiles";
/// An index nothing reads but every session insert maintains.
pub const UNUSED_INDEX: &str = "idx_demo_unused_learning_sessions_end_time";
/// An exact copy of the seed's `idx_content_variants_style_format`.
pub const DUPLICATE_INDEX: &str = "idx_demo_duplicate_of_content_variants_style_format";

/// Installs the monitoring tables and the demo schema into the client's database and
/// fills it, in one transaction: a failure leaves the database as it was (and the
/// session out of any transaction), and the error is one line naming the failed file.
///
/// The database should be empty (the demo's tables are created without IF NOT EXISTS)
/// and the session writable, by a role that may create the `uuid-ossp` extension, with
/// no `statement_timeout` shorter than the longest step (about 3 s at the default
/// scale: the learning_sessions insert). Takes 10-12 s at the default scale on two
/// cores.
pub async fn load(client: &Client, scale: &Scale) -> Result<LoadReport, String> {
    check_scale(scale)?;
    let started = Instant::now();
    client
        .batch_execute("BEGIN")
        .await
        .map_err(|e| failure("BEGIN", &e))?;
    match load_in_transaction(client, scale).await {
        Ok((tables, users, sessions)) => {
            client
                .batch_execute("COMMIT")
                .await
                .map_err(|e| failure("COMMIT", &e))?;
            Ok(LoadReport {
                elapsed: started.elapsed(),
                tables,
                users,
                sessions,
            })
        }
        Err(error) => {
            // Best effort: the error to report is the step's, not the rollback's, and a
            // broken connection rolls back on its own.
            let _ = client.batch_execute("ROLLBACK").await;
            Err(error)
        }
    }
}

async fn load_in_transaction(client: &Client, scale: &Scale) -> Result<(usize, i64, i64), String> {
    // The monitoring schema's own script wraps itself in BEGIN/COMMIT, which would end
    // this transaction early: run its statements one by one instead.
    for (name, sql) in crate::pg::schema::STATEMENTS {
        client
            .batch_execute(sql)
            .await
            .map_err(|e| failure(&format!("queries/schema/{name}"), &e))?;
    }
    client
        .execute(SCALE_SQL, &[&scale.users, &scale.sessions])
        .await
        .map_err(|e| failure(SCALE_FILE, &e))?;
    for (name, sql) in FILES {
        client
            .batch_execute(sql)
            .await
            .map_err(|e| failure(name, &e))?;
    }
    let row = client
        .query_one(REPORT_SQL, &[])
        .await
        .map_err(|e| failure(REPORT_FILE, &e))?;
    let column = |name: &str| -> Result<i64, String> {
        row.try_get(name)
            .map_err(|e| format!("demo load: {REPORT_FILE}: {}", sanitized(&e.to_string())))
    };
    let tables = usize::try_from(column("tables")?).unwrap_or(0);
    Ok((tables, column("users")?, column("sessions")?))
}

fn check_scale(scale: &Scale) -> Result<(), String> {
    let (low, high) = SCALE_LIMITS;
    for (what, value) in [("users", scale.users), ("sessions", scale.sessions)] {
        if !(low..=high).contains(&value) {
            return Err(format!(
                "demo load: {what} must be between {low} and {high}, not {value}"
            ));
        }
    }
    Ok(())
}

/// One line: the step, then the server's severity, SQLSTATE and message (or the
/// driver's words for anything else).
fn failure(step: &str, error: &tokio_postgres::Error) -> String {
    let reason = match error.as_db_error() {
        Some(db) => format!("{} {}: {}", db.severity(), db.code().code(), db.message()),
        None => error.to_string(),
    };
    sanitized(&format!("demo load failed in {step}: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_starts_with_a_header_comment() {
        let extra = [(SCALE_FILE, SCALE_SQL), (REPORT_FILE, REPORT_SQL)];
        for (name, sql) in FILES.iter().chain(extra.iter()) {
            assert!(sql.starts_with("-- "), "{name} has no header comment");
        }
    }

    #[test]
    fn files_run_in_numbered_order() {
        let names: Vec<&str> = FILES.iter().map(|(name, _)| *name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }

    #[test]
    fn scale_limits() {
        let cases = [
            (Scale::default(), true),
            (
                Scale {
                    users: 10,
                    sessions: 10,
                },
                true,
            ),
            (
                Scale {
                    users: 9,
                    sessions: 1_000,
                },
                false,
            ),
            (
                Scale {
                    users: 1_000,
                    sessions: 0,
                },
                false,
            ),
            (
                Scale {
                    users: -1,
                    sessions: 1_000,
                },
                false,
            ),
            (
                Scale {
                    users: 1_000,
                    sessions: 100_000_001,
                },
                false,
            ),
        ];
        for (scale, ok) in cases {
            let checked = check_scale(&scale);
            assert_eq!(checked.is_ok(), ok, "{scale:?}: {checked:?}");
            if let Err(message) = checked {
                assert!(!message.contains('\n'), "{message}");
            }
        }
    }

    #[test]
    fn named_demo_objects_are_in_the_sql() {
        let all: String = FILES.iter().map(|(_, sql)| *sql).collect();
        for name in [UNUSED_INDEX, DUPLICATE_INDEX] {
            assert!(all.contains(&format!("CREATE INDEX {name}")), "{name}");
        }
        assert!(all.contains(&format!(
            "ALTER TABLE {DEAD_TUPLE_TABLE} SET (autovacuum_enabled = false"
        )));
    }
}
