-- Latency histograms per (time bucket, query_hash) from the application's
-- query_performance_log, for the rows logged since the previous read (Queries and the
-- dashboard p95 tile, slow tier). pgpulse keeps the window's buckets client-side and merges
-- them (src/analysis/latency_store.rs), so a read costs what the application wrote since,
-- not the window; the first read, and a widened window, read the whole window once.
-- Minimum server: 13; table from `pgpulse schema install` (seed DDL).
-- Privilege: SELECT on query_performance_log.
-- $1: window in seconds (float8); $2: slow-query threshold in ms (float8);
-- $3: first bucket to read (bigint; NULL: the whole window); $4: bucket width in seconds
-- (bigint). A bucket is floor(epoch(executed_at) / $4) (float8 arithmetic: numeric's ln
-- and extract cost ~2x on a full read): executed_at is timestamp WITHOUT
-- time zone (CURRENT_TIMESTAMP in the writer's TimeZone), read as it is written.
-- The seed's id is a random UUID, so the high-water mark is on executed_at: a range scan on
-- query_performance_log_executed_at_idx when it exists (`pgpulse schema install`; doctor
-- says so when it does not). Without it every read still scans the whole log.
-- Every bucket from from_bucket on is replaced by what this read returns: the caller asks
-- again from one bucket before the previous read's now_bucket, so rows committed late with
-- an older CURRENT_TIMESTAMP (the transaction's start) are still counted once if they
-- arrive within one bucket (>= 60 s) of their timestamp, never twice.
-- Latency histogram: integer ms 0..31 exactly (bucket = ms), from 32 ms up log-spaced by
-- a factor 1.04 (bucket = 32 + floor(ln(ms / 32) / ln(1.04)), at most 600: ~2.6 h), sent
-- sparse as two parallel arrays (in no particular order); a percentile from it is within
-- 2% of the exact value.
-- The result has one row per (bucket, query_hash), or one row of NULLs when nothing was
-- logged; from_bucket and now_bucket are on every row (the high-water mark is now_bucket).
WITH bounds AS (
    SELECT w.window_bucket,
           greatest($3::bigint, w.window_bucket) AS from_bucket,
           floor(extract(epoch FROM now()::timestamp)::float8 / $4::bigint)::bigint AS now_bucket
    FROM (SELECT floor(extract(epoch FROM (now() - make_interval(secs => $1::float8))::timestamp)::float8
                       / $4::bigint)::bigint AS window_bucket) w
),
logged AS (
    SELECT floor(extract(epoch FROM l.executed_at)::float8 / $4::bigint)::bigint AS bucket,
           l.query_hash,
           l.execution_time_ms AS ms,
           CASE WHEN l.execution_time_ms < 32 THEN greatest(l.execution_time_ms, 0)
                ELSE least(32 + floor(ln(l.execution_time_ms / 32.0::float8) / ln(1.04::float8)), 600)::int
           END AS h,
           l.rows_examined,
           l.rows_returned
    FROM query_performance_log l
    -- The lower bound is planned as a constant when $3 is given (coalesce of an immutable
    -- expression of parameters): an index range scan is estimated from it, and a scan of
    -- the whole log (no index) compares each row with a constant. The whole window
    -- (no $3) starts one bucket early, so its first bucket is whole; rows before
    -- window_bucket are not kept.
    WHERE l.executed_at >= coalesce(
              to_timestamp(($3::bigint * $4::bigint)::float8) AT TIME ZONE 'UTC',
              (now() - make_interval(secs => $1::float8 + $4::bigint))::timestamp)
),
per_h AS (
    SELECT bucket, query_hash, h,
           count(*) AS n,
           sum(ms) AS sum_ms,
           max(ms) AS max_ms,
           count(*) FILTER (WHERE ms > $2::float8) AS slow_count,
           sum(rows_examined) AS rows_examined,
           sum(rows_returned) AS rows_returned
    FROM logged
    GROUP BY bucket, query_hash, h
)
SELECT b.window_bucket,
       b.from_bucket,
       b.now_bucket,
       g.bucket,
       g.query_hash,
       g.count,
       g.sum_ms,
       g.max_ms,
       g.slow_count,
       g.rows_examined,
       g.rows_returned,
       g.hist_buckets,
       g.hist_counts
FROM bounds b
LEFT JOIN (
    SELECT bucket,
           query_hash::text                       AS query_hash,
           sum(n)::bigint                         AS count,
           sum(sum_ms)::float8                    AS sum_ms,
           max(max_ms)::float8                    AS max_ms,
           sum(slow_count)::bigint                AS slow_count,
           coalesce(sum(rows_examined), 0)::bigint AS rows_examined,
           coalesce(sum(rows_returned), 0)::bigint AS rows_returned,
           -- One order for both arrays (the same input rows, no ORDER BY): an ordered
           -- aggregate sorts per group, 2x the statement's time; the client sorts them.
           array_agg(h)::int4[]                   AS hist_buckets,
           array_agg(n)::int8[]                   AS hist_counts
    FROM per_h
    GROUP BY bucket, query_hash
) g ON true
