-- Buffer hits and reads per user table with lock-free size estimates (Cache screen,
-- slow tier). Minimum server: 13. Privilege: none.
-- Sizes are pg_class.relpages × block_size (as of the last VACUUM, ANALYZE or index
-- build), not pg_total_relation_size(): the size functions open the relation, so they
-- queue behind an ACCESS EXCLUSIVE lock (VACUUM FULL, ALTER TABLE) and stall the poll;
-- catalog columns never wait.
-- Only the 500 largest tables by relpages are read, and the counters are computed for
-- those alone: selecting from pg_statio_user_tables would compute every column for
-- every table before the LIMIT (3x the cost with 2,000 tables). The counters are the
-- view's own definition: the same pg_stat_get_blocks_* calls, the same user-table
-- filter (no system or TOAST schemas; TOAST counters include the TOAST index).
-- reltuples is -1 on PostgreSQL 14+ for a table never vacuumed or analyzed: NULL here.
-- The cap is said, never silent: total_tables counts the tables before the LIMIT (the
-- window runs over the catalog rows the sort reads anyway). $1: text to find in
-- "schema.table", case-insensitively (NULL: every table): a filter searches them all.
WITH largest AS (
    SELECT c.oid AS relid, n.nspname, c.relname, c.relpages, c.reltuples, c.reltoastrelid,
           count(*) OVER () AS total_tables
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'm')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname !~ '^pg_toast'
      AND ($1::text IS NULL
           OR strpos(lower(n.nspname || '.' || c.relname), lower($1::text)) > 0)
    ORDER BY c.relpages DESC, c.oid
    LIMIT 500
),
block_size AS (
    SELECT current_setting('block_size')::bigint AS bytes
)
SELECT
    l.relid,
    l.nspname::text                                                  AS schema,
    l.relname::text                                                  AS table_name,
    pg_stat_get_blocks_hit(l.relid)                                  AS heap_blks_hit,
    pg_stat_get_blocks_fetched(l.relid) - pg_stat_get_blocks_hit(l.relid) AS heap_blks_read,
    ix.blks_hit                                                      AS idx_blks_hit,
    ix.blks_fetched - ix.blks_hit                                    AS idx_blks_read,
    pg_stat_get_blocks_hit(l.reltoastrelid) + tx.blks_hit            AS toast_blks_hit,
    pg_stat_get_blocks_fetched(l.reltoastrelid) - pg_stat_get_blocks_hit(l.reltoastrelid)
        + tx.blks_fetched - tx.blks_hit                              AS toast_blks_read,
    l.relpages::bigint * b.bytes                                     AS heap_bytes,
    ix.pages * b.bytes                                               AS index_bytes,
    coalesce(t.relpages, 0)::bigint * b.bytes                        AS toast_bytes,
    CASE WHEN l.reltuples < 0 THEN NULL
         ELSE l.reltuples::bigint END                                AS row_estimate,
    l.total_tables
FROM largest l
CROSS JOIN block_size b
CROSS JOIN LATERAL (
    SELECT coalesce(sum(pg_stat_get_blocks_hit(i.indexrelid)), 0)::bigint     AS blks_hit,
           coalesce(sum(pg_stat_get_blocks_fetched(i.indexrelid)), 0)::bigint AS blks_fetched,
           coalesce(sum(ic.relpages), 0)::bigint                              AS pages
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid = l.relid
) ix
CROSS JOIN LATERAL (
    SELECT coalesce(sum(pg_stat_get_blocks_hit(i.indexrelid)), 0)::bigint     AS blks_hit,
           coalesce(sum(pg_stat_get_blocks_fetched(i.indexrelid)), 0)::bigint AS blks_fetched
    FROM pg_index i
    WHERE i.indrelid = l.reltoastrelid
) tx
LEFT JOIN pg_class t ON t.oid = l.reltoastrelid
ORDER BY l.relpages DESC, l.relid
