//! The fast tier's cost must not grow with the number of tables (issue 13, item 4): none
//! of its statements may read a per-relation view or function, or scan `pg_class`.

use super::FAST_TIER_SQL;

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
    "pg_class\n",
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
fn per_relation_source(sql: &str) -> Option<String> {
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
                return Some(format!("pg_class not joined by oid: {}", words[i..].join(" ")));
            }
        }
    }
    None
}

#[test]
fn the_fast_tier_reads_no_per_relation_source() {
    for sql in FAST_TIER_SQL {
        assert_eq!(
            per_relation_source(sql),
            None,
            "a fast-tier statement reads per relation:\n{sql}"
        );
    }
}

#[test]
fn the_check_catches_per_relation_statements() {
    use crate::pg::queries::*;
    for sql in [
        TABLE_TOTALS_SQL,
        INDEX_USAGE_SQL,
        CACHE_TABLES_SQL,
        MAINTENANCE_TABLES_SQL,
        WRAPAROUND_TABLES_SQL,
        DATABASE_SIZES_SQL,
        TABLE_SCANS_SQL,
        STATEMENTS_1_9_SQL,
        PERFORMANCE_LOG_BUCKETS_SQL,
    ] {
        assert!(per_relation_source(sql).is_some(), "not caught:\n{sql}");
    }
    assert!(per_relation_source("SELECT count(*) FROM pg_catalog.pg_class c").is_some());
    assert_eq!(
        per_relation_source("SELECT 1 FROM pg_locks l JOIN pg_class r ON r.oid = l.relation"),
        None
    );
}
