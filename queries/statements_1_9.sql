-- pg_stat_statements counters without query text (Queries, fast tier), extension 1.9/1.10.
-- Minimum: pg_stat_statements 1.9 (PostgreSQL 14); 1.11+ use statements_1_11.sql.
-- Privilege: none; without pg_read_all_stats other roles' rows have a NULL queryid and
-- are skipped (they cannot be matched to a text or a session).
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
    s.blk_read_time      AS shared_blk_read_time,
    s.blk_write_time     AS shared_blk_write_time,
    NULL::timestamptz    AS stats_since
FROM pg_stat_statements(showtext := false) s
WHERE s.queryid IS NOT NULL
