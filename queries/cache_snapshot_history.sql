-- Per-table size, row count and cache hit ratio history from the application's
-- database_statistics_snapshot over a window (Cache screen charts, slow tier).
-- Minimum server: 13; table from `pgpulse schema install` (seed DDL).
-- Privilege: SELECT on database_statistics_snapshot.
-- $1: window in seconds (float8).
-- snapshot_date is timestamp WITHOUT time zone (CURRENT_TIMESTAMP in the writer's
-- TimeZone): the bound is cast to timestamp so the comparison is a plain range that
-- database_statistics_snapshot_table_date_idx can serve, and the value is read back as
-- timestamptz in this session's TimeZone. cache_hit_ratio is decimal(5,2), a
-- percentage: read as float8 (the driver has no decimal type). One row more than the
-- cap (20,000) tells the caller the history was cut.
SELECT
    s.table_name::text            AS table_name,
    s.snapshot_date::timestamptz  AS snapshot_at,
    s.table_size_bytes            AS table_size_bytes,
    s.row_count                   AS row_count,
    s.cache_hit_ratio::float8     AS cache_hit_ratio
FROM database_statistics_snapshot s
WHERE s.snapshot_date >= (now() - make_interval(secs => $1::float8))::timestamp
ORDER BY s.table_name, s.snapshot_date
LIMIT 20001
