-- Sequential versus index scans per user table, worst sequential readers first
-- (Indexes screen missing-index hint, slow tier). Minimum server: 13. Privilege: none.
-- Statistics functions and catalogs only: no size functions, so it never queues behind
-- a lock. The counters are pg_stat_user_tables' own definition (the same pg_stat_get_*
-- calls and user-table filter), computed in full only for the 500 tables kept:
-- selecting from the view computes every column of every table before the LIMIT
-- (3x the cost with 2,000 tables). has_indexes tells a table without any index (the
-- view's idx_scan is NULL then) from one whose indexes are never scanned.
-- The cap is said, never silent: total_tables counts the tables before the LIMIT. $1:
-- text to find in "schema.table", case-insensitively (NULL: every table).
WITH worst AS (
    SELECT c.oid AS relid, n.nspname, c.relname,
           pg_stat_get_tuples_returned(c.oid) AS seq_tup_read,
           count(*) OVER () AS total_tables
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'm')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname !~ '^pg_toast'
      AND ($1::text IS NULL
           OR strpos(lower(n.nspname || '.' || c.relname), lower($1::text)) > 0)
    ORDER BY seq_tup_read DESC, c.oid
    LIMIT 500
)
SELECT
    w.relid,
    w.nspname::text                                          AS schema,
    w.relname::text                                          AS table_name,
    pg_stat_get_numscans(w.relid)                            AS seq_scan,
    w.seq_tup_read,
    ix.idx_scan,
    ix.idx_tup_fetch + pg_stat_get_tuples_fetched(w.relid)   AS idx_tup_fetch,
    ix.has_indexes,
    pg_stat_get_live_tuples(w.relid)                         AS n_live_tup,
    w.total_tables
FROM worst w
CROSS JOIN LATERAL (
    SELECT coalesce(sum(pg_stat_get_numscans(i.indexrelid)), 0)::bigint       AS idx_scan,
           coalesce(sum(pg_stat_get_tuples_fetched(i.indexrelid)), 0)::bigint AS idx_tup_fetch,
           count(*) > 0                                                       AS has_indexes
    FROM pg_index i
    WHERE i.indrelid = w.relid
) ix
ORDER BY w.seq_tup_read DESC, w.relid
