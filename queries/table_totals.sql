-- Scan and tuple totals over the connected database's user tables (index usage % and
-- dead-tuple % tiles and alerts, slow tier). Reads only the statistics view and
-- pg_class: no size functions, so it never queues behind a lock. Minimum server: 13.
-- Privilege: none.
-- Scans of the three tables pgpulse itself reads every slow poll (query_performance_log,
-- database_statistics_snapshot, maintenance_task_log, found like pgpulse's own queries
-- find them) are left out of index usage: they are pgpulse's own work, the application
-- only writes those tables, and the statistics cannot tell whose scan it was. Their
-- tuples still count.
-- A stats reset or crash restart zeroes n_live_tup until the table's next VACUUM or
-- ANALYZE, and a few updates would then read as 100 % dead: a table with no run recorded
-- counts at least the rows the catalog knows (reltuples survives both; -1 means none).
SELECT
    coalesce(sum(t.seq_scan) FILTER (WHERE NOT o.pgpulse_reads), 0)::bigint AS seq_scan,
    coalesce(sum(t.idx_scan) FILTER (WHERE NOT o.pgpulse_reads), 0)::bigint AS idx_scan,
    coalesce(sum(CASE WHEN coalesce(t.last_vacuum, t.last_autovacuum,
                                    t.last_analyze, t.last_autoanalyze) IS NULL
                      THEN greatest(t.n_live_tup, c.reltuples::bigint)
                      ELSE t.n_live_tup END), 0)::bigint         AS live_tuples,
    coalesce(sum(t.n_dead_tup), 0)::bigint                      AS dead_tuples
FROM pg_stat_user_tables t
JOIN pg_class c ON c.oid = t.relid
CROSS JOIN LATERAL (
    SELECT t.relid IN (coalesce(to_regclass('query_performance_log'), 0),
                       coalesce(to_regclass('database_statistics_snapshot'), 0),
                       coalesce(to_regclass('maintenance_task_log'), 0)) AS pgpulse_reads
) o
