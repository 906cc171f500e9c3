//! `pgpulse schema install`: the monitoring tables (`query_performance_log` and
//! `database_statistics_snapshot` from the seed, `maintenance_task_log` of ours), created
//! idempotently in one transaction.

use crate::connect::{self, ConnectError, SessionSettings};
use crate::conninfo::ConnParams;
use crate::sanitize::sanitized;

/// The DDL, one statement per file, in the order it runs.
pub const STATEMENTS: &[(&str, &str)] = &[
    (
        "01_uuid_ossp.sql",
        include_str!("../queries/schema/01_uuid_ossp.sql"),
    ),
    (
        "02_query_performance_log.sql",
        include_str!("../queries/schema/02_query_performance_log.sql"),
    ),
    (
        "03_query_performance_log_index.sql",
        include_str!("../queries/schema/03_query_performance_log_index.sql"),
    ),
    (
        "04_database_statistics_snapshot.sql",
        include_str!("../queries/schema/04_database_statistics_snapshot.sql"),
    ),
    (
        "05_database_statistics_snapshot_index.sql",
        include_str!("../queries/schema/05_database_statistics_snapshot_index.sql"),
    ),
    (
        "06_maintenance_task_log.sql",
        include_str!("../queries/schema/06_maintenance_task_log.sql"),
    ),
    (
        "07_maintenance_task_log_index.sql",
        include_str!("../queries/schema/07_maintenance_task_log_index.sql"),
    ),
];

/// The whole script as `--dry-run` prints it.
pub fn script() -> String {
    let mut out = String::from("BEGIN;\n");
    for (_, sql) in STATEMENTS {
        out.push_str(sql.trim_end());
        out.push_str(";\n");
    }
    out.push_str("COMMIT;\n");
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

/// Applies the DDL on a writable session of its own; safe to run again.
pub async fn install(params: &ConnParams) -> Result<(), SchemaError> {
    let mut settings = SessionSettings::monitoring(None);
    settings.read_only = false;
    settings.statement_timeout = std::time::Duration::from_secs(60);
    settings.lock_timeout = std::time::Duration::from_secs(5);
    let connected = connect::connect(params, &settings, None).await?;
    connected
        .client
        .batch_execute(&script())
        .await
        .map_err(|e| {
            SchemaError::Sql(match e.as_db_error() {
                Some(db) => sanitized(&format!("{}: {}", db.severity(), db.message())),
                None => sanitized(&e.to_string()),
            })
        })
}
