//! Every statement pgpulse sends while monitoring, loaded from `queries/` (one statement
//! per file, each with a header comment saying what it is for, the minimum server or
//! extension version and the privilege it needs).
//!
//! Keeping them in one list lets tests prepare every one of them on a real server, and
//! lets the Queries screen recognise pgpulse's own statements in `pg_stat_statements`.

pub const ACTION_INVALID_INDEXES_SQL: &str =
    include_str!("../../queries/action_invalid_indexes.sql");
pub const ACTION_PREPARED_XACT_SQL: &str = include_str!("../../queries/action_prepared_xact.sql");
pub const ACTION_RECOVERY_SQL: &str = include_str!("../../queries/action_recovery.sql");
pub const ACTION_RELATION_SQL: &str = include_str!("../../queries/action_relation.sql");
pub const ACTION_SESSION_SQL: &str = include_str!("../../queries/action_session.sql");
pub const ACTION_SLOT_SQL: &str = include_str!("../../queries/action_slot.sql");
pub const ACTION_STATEMENT_TEXT_SQL: &str = include_str!("../../queries/action_statement_text.sql");
pub const ACTIVITY_SQL: &str = include_str!("../../queries/activity.sql");
pub const ACTIVITY_13_SQL: &str = include_str!("../../queries/activity_13.sql");
pub const CACHE_SNAPSHOT_HISTORY_SQL: &str =
    include_str!("../../queries/cache_snapshot_history.sql");
pub const CACHE_TABLES_SQL: &str = include_str!("../../queries/cache_tables.sql");
pub const CATALOG_WRITES_SQL: &str = include_str!("../../queries/catalog_writes.sql");
pub const CAPABILITIES_SQL: &str = include_str!("../../queries/capabilities.sql");
pub const DATABASE_COUNTERS_SQL: &str = include_str!("../../queries/database_counters.sql");
pub const DATABASE_SIZES_SQL: &str = include_str!("../../queries/database_sizes.sql");
pub const DOCTOR_MONITORING_TABLES_SQL: &str =
    include_str!("../../queries/doctor_monitoring_tables.sql");
pub const DETAIL_INDEX_SQL: &str = include_str!("../../queries/detail_index.sql");
pub const DETAIL_SESSION_LOCKS_SQL: &str = include_str!("../../queries/detail_session_locks.sql");
pub const DETAIL_STATEMENT_SQL: &str = include_str!("../../queries/detail_statement.sql");
pub const HORIZON_HOLDERS_SQL: &str = include_str!("../../queries/horizon_holders.sql");
pub const INDEX_COUNTERS_SQL: &str = include_str!("../../queries/index_counters.sql");
pub const INDEX_USAGE_SQL: &str = include_str!("../../queries/index_usage.sql");
pub const LOCKS_SQL: &str = include_str!("../../queries/locks.sql");
pub const MAINTENANCE_TABLES_SQL: &str = include_str!("../../queries/maintenance_tables.sql");
pub const MAINTENANCE_TABLES_18_SQL: &str = include_str!("../../queries/maintenance_tables_18.sql");
pub const PERFORMANCE_LOG_SQL: &str = include_str!("../../queries/performance_log.sql");
pub const PERFORMANCE_LOG_BUCKETS_SQL: &str =
    include_str!("../../queries/performance_log_buckets.sql");
pub const PROGRESS_13_SQL: &str = include_str!("../../queries/progress_13.sql");
pub const PROGRESS_17_SQL: &str = include_str!("../../queries/progress_17.sql");
pub const SCHEMA_INDEX_VALID_SQL: &str = include_str!("../../queries/schema_index_valid.sql");
pub const SCHEMA_TABLE_HAS_ROWS_SQL: &str = include_str!("../../queries/schema_table_has_rows.sql");
pub const SERVER_STATE_SQL: &str = include_str!("../../queries/server_state.sql");
pub const SESSION_SETTINGS_SQL: &str = include_str!("../../queries/session_settings.sql");
pub const STATEMENT_TEXTS_SQL: &str = include_str!("../../queries/statement_texts.sql");
pub const STATEMENT_TEXTS_1_8_SQL: &str = include_str!("../../queries/statement_texts_1_8.sql");
pub const STATEMENTS_1_11_SQL: &str = include_str!("../../queries/statements_1_11.sql");
pub const STATEMENTS_1_8_SQL: &str = include_str!("../../queries/statements_1_8.sql");
pub const STATEMENTS_1_9_SQL: &str = include_str!("../../queries/statements_1_9.sql");
pub const STATEMENTS_INFO_SQL: &str = include_str!("../../queries/statements_info.sql");
pub const STATISTICS_SINCE_SQL: &str = include_str!("../../queries/statistics_since.sql");
pub const STATISTICS_SNAPSHOT_SQL: &str = include_str!("../../queries/statistics_snapshot.sql");
pub const STATISTICS_SNAPSHOT_CHECK_SQL: &str =
    include_str!("../../queries/statistics_snapshot_check.sql");
pub const TABLE_SCANS_SQL: &str = include_str!("../../queries/table_scans.sql");
pub const TABLE_TOTALS_SQL: &str = include_str!("../../queries/table_totals.sql");
pub const TASK_HISTORY_SQL: &str = include_str!("../../queries/task_history.sql");
pub const WRAPAROUND_DATABASES_SQL: &str = include_str!("../../queries/wraparound_databases.sql");
pub const WRAPAROUND_TABLES_SQL: &str = include_str!("../../queries/wraparound_tables.sql");

pub const IO_16_SQL: &str = include_str!("../../queries/io_16.sql");
pub const IO_18_SQL: &str = include_str!("../../queries/io_18.sql");
pub const REPLICATION_SENDERS_SQL: &str = include_str!("../../queries/replication_senders.sql");
pub const REPLICATION_SLOTS_SQL: &str = include_str!("../../queries/replication_slots.sql");
pub const REPLICATION_SLOTS_17_SQL: &str = include_str!("../../queries/replication_slots_17.sql");
pub const STANDBY_STATUS_13_SQL: &str = include_str!("../../queries/standby_status_13.sql");
pub const STANDBY_STATUS_14_SQL: &str = include_str!("../../queries/standby_status_14.sql");
pub const WAL_ACTIVITY_13_SQL: &str = include_str!("../../queries/wal_activity_13.sql");
pub const WAL_ACTIVITY_14_SQL: &str = include_str!("../../queries/wal_activity_14.sql");
pub const WAL_ACTIVITY_17_SQL: &str = include_str!("../../queries/wal_activity_17.sql");

/// All of the above.
pub const ALL: &[(&str, &str)] = &[
    ("action_invalid_indexes.sql", ACTION_INVALID_INDEXES_SQL),
    ("action_prepared_xact.sql", ACTION_PREPARED_XACT_SQL),
    ("action_recovery.sql", ACTION_RECOVERY_SQL),
    ("action_relation.sql", ACTION_RELATION_SQL),
    ("action_session.sql", ACTION_SESSION_SQL),
    ("action_slot.sql", ACTION_SLOT_SQL),
    ("action_statement_text.sql", ACTION_STATEMENT_TEXT_SQL),
    ("activity.sql", ACTIVITY_SQL),
    ("activity_13.sql", ACTIVITY_13_SQL),
    ("cache_snapshot_history.sql", CACHE_SNAPSHOT_HISTORY_SQL),
    ("cache_tables.sql", CACHE_TABLES_SQL),
    ("catalog_writes.sql", CATALOG_WRITES_SQL),
    ("capabilities.sql", CAPABILITIES_SQL),
    ("database_counters.sql", DATABASE_COUNTERS_SQL),
    ("database_sizes.sql", DATABASE_SIZES_SQL),
    ("doctor_monitoring_tables.sql", DOCTOR_MONITORING_TABLES_SQL),
    ("detail_index.sql", DETAIL_INDEX_SQL),
    ("detail_session_locks.sql", DETAIL_SESSION_LOCKS_SQL),
    ("detail_statement.sql", DETAIL_STATEMENT_SQL),
    ("horizon_holders.sql", HORIZON_HOLDERS_SQL),
    ("index_counters.sql", INDEX_COUNTERS_SQL),
    ("index_usage.sql", INDEX_USAGE_SQL),
    ("locks.sql", LOCKS_SQL),
    ("maintenance_tables.sql", MAINTENANCE_TABLES_SQL),
    ("maintenance_tables_18.sql", MAINTENANCE_TABLES_18_SQL),
    ("performance_log.sql", PERFORMANCE_LOG_SQL),
    ("performance_log_buckets.sql", PERFORMANCE_LOG_BUCKETS_SQL),
    ("progress_13.sql", PROGRESS_13_SQL),
    ("progress_17.sql", PROGRESS_17_SQL),
    ("schema_index_valid.sql", SCHEMA_INDEX_VALID_SQL),
    ("schema_table_has_rows.sql", SCHEMA_TABLE_HAS_ROWS_SQL),
    ("server_state.sql", SERVER_STATE_SQL),
    ("session_settings.sql", SESSION_SETTINGS_SQL),
    ("statement_texts.sql", STATEMENT_TEXTS_SQL),
    ("statement_texts_1_8.sql", STATEMENT_TEXTS_1_8_SQL),
    ("statements_1_11.sql", STATEMENTS_1_11_SQL),
    ("statements_1_8.sql", STATEMENTS_1_8_SQL),
    ("statements_1_9.sql", STATEMENTS_1_9_SQL),
    ("statements_info.sql", STATEMENTS_INFO_SQL),
    ("statistics_since.sql", STATISTICS_SINCE_SQL),
    ("statistics_snapshot.sql", STATISTICS_SNAPSHOT_SQL),
    (
        "statistics_snapshot_check.sql",
        STATISTICS_SNAPSHOT_CHECK_SQL,
    ),
    ("table_scans.sql", TABLE_SCANS_SQL),
    ("table_totals.sql", TABLE_TOTALS_SQL),
    ("task_history.sql", TASK_HISTORY_SQL),
    ("wraparound_databases.sql", WRAPAROUND_DATABASES_SQL),
    ("wraparound_tables.sql", WRAPAROUND_TABLES_SQL),
    ("io_16.sql", IO_16_SQL),
    ("io_18.sql", IO_18_SQL),
    ("replication_senders.sql", REPLICATION_SENDERS_SQL),
    ("replication_slots.sql", REPLICATION_SLOTS_SQL),
    ("replication_slots_17.sql", REPLICATION_SLOTS_17_SQL),
    ("standby_status_13.sql", STANDBY_STATUS_13_SQL),
    ("standby_status_14.sql", STANDBY_STATUS_14_SQL),
    ("wal_activity_13.sql", WAL_ACTIVITY_13_SQL),
    ("wal_activity_14.sql", WAL_ACTIVITY_14_SQL),
    ("wal_activity_17.sql", WAL_ACTIVITY_17_SQL),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_starts_with_a_distinct_header_comment() {
        let mut firsts: Vec<&str> = ALL
            .iter()
            .filter_map(|(_, sql)| sql.lines().next())
            .collect();
        assert!(firsts.iter().all(|l| l.starts_with("-- ")), "{firsts:?}");
        firsts.sort_unstable();
        let before = firsts.len();
        firsts.dedup();
        assert_eq!(before, firsts.len(), "two files share a first line");
    }
}
