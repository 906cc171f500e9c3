//! The fast tier's cost must not grow with the number of tables (issue 13, item 4): none
//! of its statements may read a per-relation view or function, or scan `pg_class`. The
//! list of what it runs is here, and a unit test (and a live one, on what the server
//! ran) checks it.

/// The statements the fast tier may run, every major and extension variant: none reads
/// per relation (a unit test checks the text, a live test what the server ran).
pub const FAST_TIER_SQL: &[&str] = {
    use crate::pg::queries::*;
    &[
        SERVER_STATE_SQL,
        ACTIVITY_SQL,
        ACTIVITY_13_SQL,
        DATABASE_COUNTERS_SQL,
        PROGRESS_13_SQL,
        PROGRESS_17_SQL,
        HORIZON_HOLDERS_SQL,
        LOCKS_SQL,
        REPLICATION_SENDERS_SQL,
        REPLICATION_SLOTS_SQL,
        REPLICATION_SLOTS_17_SQL,
        STANDBY_STATUS_13_SQL,
        STANDBY_STATUS_14_SQL,
        WAL_ACTIVITY_13_SQL,
        WAL_ACTIVITY_14_SQL,
        WAL_ACTIVITY_17_SQL,
        IO_16_SQL,
        IO_18_SQL,
    ]
};

/// Views and functions whose cost grows with the number of relations (and the two
/// governed sources whose cost grows with the workload: statements, the latency log).
const PER_RELATION: &[&str] = &[
    "pg_stat_all_tables",
    "pg_stat_user_tables",
    "pg_stat_sys_tables",
    "pg_stat_all_indexes",
    "pg_stat_user_indexes",
    "pg_stat_sys_indexes",
    "pg_statio_",
    "pg_stat_get_",
    "pg_indexes",
    "pg_tables",
    "pg_index ",
    "pg_index\n",
    "pg_relation_size",
    "pg_total_relation_size",
    "pg_table_size",
    "pg_indexes_size",
    "pg_database_size",
    "query_performance_log",
    "pg_stat_statements",
];

/// The SQL without its `--` comments (a header may name what the statement avoids).
fn code(sql: &str) -> String {
    sql.lines()
        .map(|line| line.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase()
}

/// Which per-relation source `sql` reads, if any. `pg_class` may only be joined to by
/// OID (a few locked or vacuumed relations), never scanned.
pub fn reads_per_relation(sql: &str) -> Option<String> {
    let code = code(sql);
    if let Some(name) = PER_RELATION.iter().find(|name| code.contains(*name)) {
        return Some(name.trim().to_string());
    }
    let words: Vec<&str> = code.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        if word.trim_end_matches(',').ends_with("pg_class") {
            let keyed = words.get(i + 2).is_some_and(|w| *w == "on")
                && words.get(i + 3).is_some_and(|w| w.ends_with(".oid"));
            if !keyed {
                return Some(format!(
                    "pg_class not joined by oid: {}",
                    words[i..].join(" ")
                ));
            }
        }
    }
    None
}

#[cfg(test)]
#[path = "fast_tier_tests.rs"]
mod tests;
