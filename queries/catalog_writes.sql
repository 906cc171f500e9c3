-- Rows inserted, updated and deleted in the catalogs the index definitions come from
-- (Indexes screen, slow tier): read just before a full read of the definitions
-- (index_usage.sql), which it dates; index_counters.sql reads the same count later to
-- tell whether they changed since. Four statistics lookups, however many relations.
-- Minimum server: 13. Privilege: none.
SELECT
    (SELECT sum(pg_stat_get_tuples_inserted(t.oid) + pg_stat_get_tuples_updated(t.oid)
                + pg_stat_get_tuples_deleted(t.oid))::bigint
     FROM unnest(ARRAY['pg_catalog.pg_class', 'pg_catalog.pg_index',
                       'pg_catalog.pg_namespace', 'pg_catalog.pg_constraint']::regclass[])
          AS t(oid))                                       AS catalog_writes
