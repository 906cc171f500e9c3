//! `pgpulse schema install`: the monitoring tables (`query_performance_log` and
//! `database_statistics_snapshot` from the seed, `maintenance_task_log` of ours), created
//! idempotently, one statement at a time: the index of a table that already has rows is
//! built CONCURRENTLY, which cannot run inside a transaction.

use std::time::Duration;

use crate::pg::connect::{self, ConnectError, Connected, SessionSettings};
use crate::pg::conninfo::ConnParams;
use crate::pg::queries::{SCHEMA_INDEX_VALID_SQL, SCHEMA_TABLE_HAS_ROWS_SQL};
use crate::pg::session::describe;

/// The DDL, one statement per file, in the order it runs.
pub const STATEMENTS: &[(&str, &str)] = &[
    (
        "01_uuid_ossp.sql",
        include_str!("../../queries/schema/01_uuid_ossp.sql"),
    ),
    (
        "02_query_performance_log.sql",
        include_str!("../../queries/schema/02_query_performance_log.sql"),
    ),
    (
        "03_query_performance_log_index.sql",
        include_str!("../../queries/schema/03_query_performance_log_index.sql"),
    ),
    (
        "04_database_statistics_snapshot.sql",
        include_str!("../../queries/schema/04_database_statistics_snapshot.sql"),
    ),
    (
        "05_database_statistics_snapshot_index.sql",
        include_str!("../../queries/schema/05_database_statistics_snapshot_index.sql"),
    ),
    (
        "06_maintenance_task_log.sql",
        include_str!("../../queries/schema/06_maintenance_task_log.sql"),
    ),
    (
        "07_maintenance_task_log_index.sql",
        include_str!("../../queries/schema/07_maintenance_task_log_index.sql"),
    ),
];

/// The statements that build an index, with the table and the index each is about. On a
/// table that already has rows they run as `CREATE INDEX CONCURRENTLY`: a plain build
/// takes a SHARE lock that blocks the application's inserts for the whole build.
const INDEX_BUILDS: &[(&str, &str, &str)] = &[
    (
        "03_query_performance_log_index.sql",
        "query_performance_log",
        "query_performance_log_executed_at_idx",
    ),
    (
        "05_database_statistics_snapshot_index.sql",
        "database_statistics_snapshot",
        "database_statistics_snapshot_table_date_idx",
    ),
    (
        "07_maintenance_task_log_index.sql",
        "maintenance_task_log",
        "maintenance_task_log_task_started_idx",
    ),
];

/// What the index files start with, and what the concurrent build says instead.
const PLAIN_BUILD: &str = "CREATE INDEX IF NOT EXISTS";
const CONCURRENT_BUILD: &str = "CREATE INDEX CONCURRENTLY IF NOT EXISTS";

/// The whole script as `--dry-run` prints it: what runs on a database without the tables.
pub fn script() -> String {
    let mut out = String::from(
        "-- Each statement runs on its own (no transaction around them): an index on a table\n\
         -- that already has rows is built with CREATE INDEX CONCURRENTLY instead.\n",
    );
    for (_, sql) in STATEMENTS {
        out.push_str(sql.trim_end());
        out.push_str(";\n");
    }
    out
}

/// Why the install failed.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("schema install failed: {0}")]
    Sql(String),
}

/// What the install did beyond `IF NOT EXISTS`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct InstallReport {
    /// Indexes built (or checked) with CREATE INDEX CONCURRENTLY, on tables with rows.
    pub built_concurrently: Vec<&'static str>,
}

/// The DDL session's limits: CREATE TABLE and a plain index build on an empty table are
/// quick, and must not queue behind the application's locks.
const DDL_STATEMENT_TIMEOUT: Duration = Duration::from_secs(60);
const DDL_LOCK_TIMEOUT: Duration = Duration::from_secs(5);
/// A concurrent build reads the whole table and waits for every older transaction; its
/// lock (SHARE UPDATE EXCLUSIVE) never blocks the application's reads and writes, so it
/// may wait long.
const CONCURRENT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(3600);
const CONCURRENT_LOCK_TIMEOUT: Duration = Duration::from_secs(600);

/// Applies the DDL, one statement at a time, on writable sessions of its own; safe to run
/// again.
pub async fn install(params: &ConnParams) -> Result<InstallReport, SchemaError> {
    let settings = SessionSettings::actions(
        "pgpulse schema install",
        DDL_STATEMENT_TIMEOUT,
        DDL_LOCK_TIMEOUT,
    );
    let ddl = connect::connect(params, &settings, None).await?;
    let mut concurrent: Option<Connected> = None;
    let mut report = InstallReport::default();
    for (file, sql) in STATEMENTS {
        let Some((_, table, index)) = INDEX_BUILDS.iter().find(|(f, _, _)| f == file) else {
            run(&ddl, file, sql).await?;
            continue;
        };
        match index_valid(&ddl, index).await? {
            Some(true) => continue,
            Some(false) => return Err(invalid_index(index)),
            None => {}
        }
        if !has_rows(&ddl, table).await? {
            run(&ddl, file, sql).await?;
            continue;
        }
        if concurrent.is_none() {
            let settings = SessionSettings::actions(
                "pgpulse schema install",
                CONCURRENT_STATEMENT_TIMEOUT,
                CONCURRENT_LOCK_TIMEOUT,
            );
            concurrent = Some(connect::connect(params, &settings, None).await?);
        }
        if let Some(session) = &concurrent {
            run(session, file, &concurrently(sql)).await?;
        }
        if index_valid(&ddl, index).await? != Some(true) {
            return Err(invalid_index(index));
        }
        report.built_concurrently.push(index);
    }
    Ok(report)
}

/// The concurrent form of one of our index statements.
fn concurrently(sql: &str) -> String {
    sql.replacen(PLAIN_BUILD, CONCURRENT_BUILD, 1)
}

/// One statement alone (the simple protocol, no transaction block around it).
async fn run(session: &Connected, file: &str, sql: &str) -> Result<(), SchemaError> {
    session
        .client
        .batch_execute(sql)
        .await
        .map_err(|e| SchemaError::Sql(format!("{file}: {}", describe(&e))))
}

async fn has_rows(session: &Connected, table: &str) -> Result<bool, SchemaError> {
    let row = session
        .client
        .query_one(SCHEMA_TABLE_HAS_ROWS_SQL, &[&table])
        .await
        .map_err(|e| SchemaError::Sql(describe(&e)))?;
    row.try_get("has_rows")
        .map_err(|e| SchemaError::Sql(describe(&e)))
}

/// Whether the index exists and is valid; `None` when it does not exist.
async fn index_valid(session: &Connected, index: &str) -> Result<Option<bool>, SchemaError> {
    let row = session
        .client
        .query_opt(SCHEMA_INDEX_VALID_SQL, &[&index])
        .await
        .map_err(|e| SchemaError::Sql(describe(&e)))?;
    match row {
        Some(row) => row
            .try_get("valid")
            .map(Some)
            .map_err(|e| SchemaError::Sql(describe(&e))),
        None => Ok(None),
    }
}

/// A concurrent build that failed (now or earlier) leaves an invalid index that IF NOT
/// EXISTS would skip: say so, with the fix, rather than report success.
fn invalid_index(index: &str) -> SchemaError {
    SchemaError::Sql(format!(
        "index {index} is invalid (a concurrent build failed or was cancelled, and every \
         write still maintains it): DROP INDEX CONCURRENTLY {index}; then run pgpulse schema \
         install again"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_statement_has_a_concurrent_form() {
        for (file, _, index) in INDEX_BUILDS {
            let sql = STATEMENTS
                .iter()
                .find(|(f, _)| f == file)
                .map(|(_, sql)| *sql)
                .unwrap_or_else(|| panic!("{file} is not in STATEMENTS"));
            assert_eq!(sql.matches(PLAIN_BUILD).count(), 1, "{file}");
            let built = concurrently(sql);
            assert!(
                built.contains(&format!("{CONCURRENT_BUILD} {index}")),
                "{built}"
            );
        }
    }

    #[test]
    fn the_dry_run_is_one_statement_after_another_without_a_transaction() {
        let script = script();
        assert!(
            !script.contains("BEGIN;") && !script.contains("COMMIT;"),
            "{script}"
        );
        assert_eq!(script.matches(";\n").count(), STATEMENTS.len());
    }
}
