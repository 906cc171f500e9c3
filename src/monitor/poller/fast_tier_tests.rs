use super::{FAST_TIER_SQL, reads_per_relation as per_relation_source};

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
        INDEX_COUNTERS_SQL,
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
