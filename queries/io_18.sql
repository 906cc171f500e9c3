-- I/O by backend type and context from pg_stat_io, summed over objects (18 adds the
-- `wal` object), on PostgreSQL 18+ (Replication screen, fast tier; cumulative, the screen
-- shows deltas). 18 reports bytes itself and dropped op_bytes. Privilege: none.
SELECT
    backend_type::text                                               AS backend_type,
    context::text                                                    AS context,
    coalesce(sum(reads), 0)::bigint                                  AS reads,
    coalesce(sum(read_bytes), 0)::float8                             AS read_bytes,
    coalesce(sum(read_time), 0)::float8                              AS read_time,
    coalesce(sum(writes), 0)::bigint                                 AS writes,
    coalesce(sum(write_bytes), 0)::float8                            AS write_bytes,
    coalesce(sum(write_time), 0)::float8                             AS write_time,
    coalesce(sum(writebacks), 0)::bigint                             AS writebacks,
    coalesce(sum(extends), 0)::bigint                                AS extends,
    coalesce(sum(extend_bytes), 0)::float8                           AS extend_bytes,
    coalesce(sum(hits), 0)::bigint                                   AS hits,
    coalesce(sum(evictions), 0)::bigint                              AS evictions,
    coalesce(sum(reuses), 0)::bigint                                 AS reuses,
    coalesce(sum(fsyncs), 0)::bigint                                 AS fsyncs,
    coalesce(sum(fsync_time), 0)::float8                             AS fsync_time,
    max(stats_reset)                                                 AS stats_reset
FROM pg_stat_io
GROUP BY backend_type, context
ORDER BY backend_type, context
