-- Sequential versus index scans per user table, worst sequential readers first
-- (Indexes screen missing-index hint, slow tier). Minimum server: 13. Privilege: none.
-- Reads only the statistics view: no size functions, so it never queues behind a lock.
-- idx_scan is NULL for a table without any index; has_indexes keeps that apart from 0.
SELECT
    t.relid,
    t.schemaname::text                      AS schema,
    t.relname::text                         AS table_name,
    coalesce(t.seq_scan, 0)::bigint         AS seq_scan,
    coalesce(t.seq_tup_read, 0)::bigint     AS seq_tup_read,
    coalesce(t.idx_scan, 0)::bigint         AS idx_scan,
    coalesce(t.idx_tup_fetch, 0)::bigint    AS idx_tup_fetch,
    t.idx_scan IS NOT NULL                  AS has_indexes,
    coalesce(t.n_live_tup, 0)::bigint       AS n_live_tup
FROM pg_stat_user_tables t
ORDER BY seq_tup_read DESC, t.relid
LIMIT 500
