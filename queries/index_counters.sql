-- Usage counters and size estimate of every user index, with a count of the writes to the
-- catalogs its definition comes from (Indexes screen, slow tier, between definition reads).
-- Minimum server: 13. Privilege: none.
-- The definitions (index_usage.sql: names, columns, opclasses, expressions, predicate,
-- validity, constraint backing) change only with DDL, so they are read again only when
-- this read says the catalog changed: catalog_writes, the rows inserted, updated and
-- deleted in pg_class, pg_index, pg_namespace and pg_constraint (their own statistics:
-- four lookups, however many indexes), or a different set of index oids. Every DDL that
-- touches a definition is such a write (from 13 on, CREATE INDEX CONCURRENTLY's
-- validity flags too); VACUUM and ANALYZE update relpages in place, which is not, and
-- relpages is read here anyway.
-- One scan of pg_class, no join: at 1,500 tables this costs a fifth of index_usage.sql
-- (whose joins through pg_index, pg_class twice and pg_namespace are most of its time).
-- The user-index filter is pg_stat_user_indexes': relkind 'i' (indexes of tables and
-- materialized views; a partitioned table's are 'I') outside the system schemas.
SELECT
    c.oid                                                  AS indexrelid,
    pg_stat_get_numscans(c.oid)                            AS idx_scan,
    pg_stat_get_tuples_returned(c.oid)                     AS idx_tup_read,
    pg_stat_get_tuples_fetched(c.oid)                      AS idx_tup_fetch,
    c.relpages::bigint
        * (SELECT current_setting('block_size')::bigint)   AS size_bytes,
    (SELECT sum(pg_stat_get_tuples_inserted(t.oid) + pg_stat_get_tuples_updated(t.oid)
                + pg_stat_get_tuples_deleted(t.oid))::bigint
     FROM unnest(ARRAY['pg_catalog.pg_class', 'pg_catalog.pg_index',
                       'pg_catalog.pg_namespace', 'pg_catalog.pg_constraint']::regclass[])
          AS t(oid))                                       AS catalog_writes
FROM pg_class c
WHERE c.relkind = 'i'
  AND c.relnamespace NOT IN (SELECT n.oid
                             FROM pg_namespace n
                             WHERE n.nspname IN ('pg_catalog', 'information_schema')
                                OR n.nspname ~ '^pg_toast')
