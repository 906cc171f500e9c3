-- Running VACUUM, ANALYZE and CREATE INDEX/REINDEX with their counters (Maintenance, fast tier).
-- Minimum server: 13 (pg_stat_progress_analyze); PostgreSQL 17+ uses progress_17.sql,
-- whose pg_stat_progress_vacuum counts dead items in bytes and indexes processed.
-- Privilege: none; without pg_read_all_stats other roles' rows have NULL relation, phase
-- and counters (read as hidden).
-- A backend runs at most one progress-reporting command, so each row comes from one of
-- the three views; pg_stat_activity adds when the statement started. relid::regclass
-- resolves only in the connected database: other databases' relations show their OID,
-- since the same number may name an unrelated local relation.
SELECT
    a.pid,
    a.datname::text                                                  AS database_name,
    CASE WHEN v.pid IS NOT NULL THEN 'vacuum'
         WHEN an.pid IS NOT NULL THEN 'analyze'
         ELSE 'create_index' END                                     AS kind,
    CASE WHEN p.relid IS NULL THEN NULL
         WHEN a.datname = current_database() THEN p.relid::regclass::text
         ELSE p.relid::text END                                      AS relation,
    p.phase,
    extract(epoch FROM now() - a.query_start)::float8                AS query_age_s,
    v.heap_blks_total,
    v.heap_blks_scanned,
    v.heap_blks_vacuumed,
    v.index_vacuum_count,
    v.num_dead_tuples                                                AS dead_items,
    v.max_dead_tuples                                                AS max_dead_items,
    NULL::int8                                                       AS dead_item_bytes,
    NULL::int8                                                       AS max_dead_item_bytes,
    NULL::int8                                                       AS indexes_total,
    NULL::int8                                                       AS indexes_processed,
    an.sample_blks_total,
    an.sample_blks_scanned,
    an.ext_stats_total,
    an.ext_stats_computed,
    an.child_tables_total,
    an.child_tables_done,
    CASE WHEN a.datname = current_database()
         THEN nullif(ci.index_relid, 0)::regclass::text END          AS index_name,
    ci.command,
    ci.lockers_total,
    ci.lockers_done,
    ci.blocks_total,
    ci.blocks_done,
    ci.tuples_total,
    ci.tuples_done,
    ci.partitions_total,
    ci.partitions_done
FROM pg_stat_activity a
LEFT JOIN pg_stat_progress_vacuum v ON v.pid = a.pid
LEFT JOIN pg_stat_progress_analyze an ON an.pid = a.pid
LEFT JOIN pg_stat_progress_create_index ci ON ci.pid = a.pid
CROSS JOIN LATERAL (
    SELECT coalesce(v.relid, an.relid, ci.relid) AS relid,
           coalesce(v.phase, an.phase, ci.phase) AS phase
) p
WHERE v.pid IS NOT NULL OR an.pid IS NOT NULL OR ci.pid IS NOT NULL
ORDER BY a.pid
