-- pg_stat_statements counters without query text (Queries, fast tier), extension 1.11+.
-- Minimum: pg_stat_statements 1.11 (PostgreSQL 17): blk_*_time became
-- shared_blk_*_time, stats_since appeared. Privilege: none; without pg_read_all_stats
-- other roles' rows have a NULL queryid and are skipped.
-- showtext := false avoids reading the whole query-text file on every poll. The function
-- is resolved through search_path (the statement must be static): usually public.
SELECT
    s.userid,
    s.dbid,
    s.queryid,
    s.toplevel,
    s.calls,
    s.total_exec_time,
    s.total_plan_time,
    s.rows,
    s.shared_blks_hit,
    s.shared_blks_read,
    s.temp_blks_read,
    s.temp_blks_written,
    s.shared_blk_read_time,
    s.shared_blk_write_time,
    s.stats_since
FROM pg_stat_statements(showtext := false) s
WHERE s.queryid IS NOT NULL
