-- Latency percentiles per query_hash and overall from the application's
-- query_performance_log over a window (Queries and dashboard p95 tile, slow tier).
-- Minimum server: 13; table from `pgpulse schema install` (seed DDL).
-- Privilege: SELECT on query_performance_log.
-- $1: window in seconds (float8); $2: slow-query threshold in ms (float8).
-- executed_at is timestamp WITHOUT time zone (written as CURRENT_TIMESTAMP in the writer's
-- TimeZone): the bound is cast to timestamp explicitly, so the comparison is a plain
-- timestamp range on query_performance_log_executed_at_idx (the test checks the plan).
-- One scan for both levels: GROUPING SETS gives the per-hash rows and the overall row;
-- the overall row sorts first, then the per-hash rows by p95, so LIMIT keeps 200 hashes.
-- The cap is said, never silent: total_rows counts the grouped rows before the LIMIT
-- (the overall row among them). $3: text to find in query_hash, case-insensitively
-- (NULL: every hash); the overall row stays whatever it is.
SELECT
    GROUPING(l.query_hash) = 1                                        AS is_overall,
    l.query_hash::text                                                AS query_hash,
    count(*)                                                          AS count,
    avg(l.execution_time_ms)::float8                                  AS mean_ms,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY l.execution_time_ms)  AS p50_ms,
    percentile_cont(0.95) WITHIN GROUP (ORDER BY l.execution_time_ms) AS p95_ms,
    percentile_cont(0.99) WITHIN GROUP (ORDER BY l.execution_time_ms) AS p99_ms,
    max(l.execution_time_ms)::float8                                  AS max_ms,
    count(*) FILTER (WHERE l.execution_time_ms > $2::float8)          AS slow_count,
    coalesce(sum(l.rows_examined), 0)::bigint                         AS rows_examined,
    coalesce(sum(l.rows_returned), 0)::bigint                         AS rows_returned,
    count(*) OVER ()                                                  AS total_rows
FROM query_performance_log l
WHERE l.executed_at >= (now() - make_interval(secs => $1::float8))::timestamp
GROUP BY GROUPING SETS ((l.query_hash), ())
HAVING GROUPING(l.query_hash) = 1 OR $3::text IS NULL
    OR strpos(lower(l.query_hash), lower($3::text)) > 0
ORDER BY GROUPING(l.query_hash) DESC, p95_ms DESC, l.query_hash
LIMIT 201
