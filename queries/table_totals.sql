-- Scan and tuple totals over the connected database's user tables (index usage % and
-- dead-tuple % tiles, slow tier). Reads only the statistics view: no size functions,
-- so it never queues behind a lock. Minimum server: 13. Privilege: none.
-- Scans of the three tables pgpulse itself reads every slow poll (query_performance_log,
-- database_statistics_snapshot, maintenance_task_log, found like pgpulse's own queries
-- find them) are left out of index usage: they are pgpulse's own work, the application
-- only writes those tables, and the statistics cannot tell whose scan it was. Their
-- tuples still count.
SELECT
    coalesce(sum(t.seq_scan) FILTER (WHERE NOT o.pgpulse_reads), 0)::bigint AS seq_scan,
    coalesce(sum(t.idx_scan) FILTER (WHERE NOT o.pgpulse_reads), 0)::bigint AS idx_scan,
    coalesce(sum(t.n_live_tup), 0)::bigint  AS live_tuples,
    coalesce(sum(t.n_dead_tup), 0)::bigint  AS dead_tuples
FROM pg_stat_user_tables t
CROSS JOIN LATERAL (
    SELECT t.relid IN (coalesce(to_regclass('query_performance_log'), 0),
                       coalesce(to_regclass('database_statistics_snapshot'), 0),
                       coalesce(to_regclass('maintenance_task_log'), 0)) AS pgpulse_reads
) o
