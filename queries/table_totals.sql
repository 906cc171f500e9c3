-- Scan and tuple totals over the connected database's user tables (index usage % and
-- dead-tuple % tiles, slow tier). Reads only the statistics view: no size functions,
-- so it never queues behind a lock. Minimum server: 13. Privilege: none.
SELECT
    coalesce(sum(t.seq_scan), 0)::bigint    AS seq_scan,
    coalesce(sum(t.idx_scan), 0)::bigint    AS idx_scan,
    coalesce(sum(t.n_live_tup), 0)::bigint  AS live_tuples,
    coalesce(sum(t.n_dead_tup), 0)::bigint  AS dead_tuples
FROM pg_stat_user_tables t
