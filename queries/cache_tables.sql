-- Buffer hits and reads per user table with lock-free size estimates (Cache screen,
-- slow tier). Minimum server: 13. Privilege: none.
-- Sizes are pg_class.relpages × block_size (as of the last VACUUM, ANALYZE or index
-- build), not pg_total_relation_size(): the size functions open the relation, so they
-- queue behind an ACCESS EXCLUSIVE lock (VACUUM FULL, ALTER TABLE) and stall the poll;
-- catalog columns never wait. Only the 500 largest tables by relpages are read, and
-- their index pages summed, so a database with many thousands of tables stays cheap.
-- reltuples is -1 on PostgreSQL 14+ for a table never vacuumed or analyzed: NULL here.
WITH largest AS (
    SELECT
        s.relid,
        s.schemaname,
        s.relname,
        coalesce(s.heap_blks_hit, 0)                                   AS heap_blks_hit,
        coalesce(s.heap_blks_read, 0)                                  AS heap_blks_read,
        coalesce(s.idx_blks_hit, 0)                                    AS idx_blks_hit,
        coalesce(s.idx_blks_read, 0)                                   AS idx_blks_read,
        coalesce(s.toast_blks_hit, 0) + coalesce(s.tidx_blks_hit, 0)   AS toast_blks_hit,
        coalesce(s.toast_blks_read, 0) + coalesce(s.tidx_blks_read, 0) AS toast_blks_read,
        c.relpages,
        c.reltuples,
        c.reltoastrelid
    FROM pg_statio_user_tables s
    JOIN pg_class c ON c.oid = s.relid
    ORDER BY c.relpages DESC, s.relid
    LIMIT 500
)
SELECT
    l.relid,
    l.schemaname::text                                          AS schema,
    l.relname::text                                             AS table_name,
    l.heap_blks_hit::bigint                                     AS heap_blks_hit,
    l.heap_blks_read::bigint                                    AS heap_blks_read,
    l.idx_blks_hit::bigint                                      AS idx_blks_hit,
    l.idx_blks_read::bigint                                     AS idx_blks_read,
    l.toast_blks_hit::bigint                                    AS toast_blks_hit,
    l.toast_blks_read::bigint                                   AS toast_blks_read,
    l.relpages::bigint * current_setting('block_size')::bigint  AS heap_bytes,
    coalesce((SELECT sum(ic.relpages)
              FROM pg_index i
              JOIN pg_class ic ON ic.oid = i.indexrelid
              WHERE i.indrelid = l.relid), 0)::bigint
        * current_setting('block_size')::bigint                 AS index_bytes,
    coalesce(t.relpages, 0)::bigint
        * current_setting('block_size')::bigint                 AS toast_bytes,
    CASE WHEN l.reltuples < 0 THEN NULL
         ELSE l.reltuples::bigint END                           AS row_estimate
FROM largest l
LEFT JOIN pg_class t ON t.oid = l.reltoastrelid
ORDER BY l.relpages DESC, l.relid
