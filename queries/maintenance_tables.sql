-- Vacuum/analyze state and effective autovacuum settings of user tables (Maintenance, slow tier).
-- Minimum server: 13 (n_ins_since_vacuum); PostgreSQL 18+ uses maintenance_tables_18.sql,
-- which adds pg_class.relallfrozen. Privilege: none (statistics functions and pg_class).
-- The server-wide autovacuum settings are read once, in the cross-joined subquery; each
-- table's reloptions override them in Rust, the way autovacuum resolves them.
-- autovacuum_vacuum_max_threshold exists from 18 (missing_ok gives NULL before).
-- Partitioned tables have no relfrozenxid (age() would read 2^31-1), hence the CASE.
-- Reads only catalogs and statistics functions: no size function, so it never queues
-- behind a lock. The counters are pg_stat_user_tables' own definition (the same
-- pg_stat_get_* calls and user-table filter; partitioned tables from 14, as the view)
-- read straight from pg_class: the view also computes a dozen columns unused here and
-- joins pg_index with a GROUP BY for its idx_scan, about half of the cost at 1,500
-- tables. Only the dead tuples are computed before the cap (the sort key). The cap is
-- said, never silent: total_tables counts the tables before the LIMIT. $1: text to find in "schema.table", case-insensitively (NULL: every table).
WITH user_tables AS (
    SELECT c.oid AS relid, n.nspname, c.relname, c.relkind, c.relfrozenxid, c.reltuples,
           c.relpages, c.reloptions, pg_stat_get_dead_tuples(c.oid) AS n_dead_tup,
           count(*) OVER () AS total_tables
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'm', 'p')
      AND (c.relkind <> 'p' OR current_setting('server_version_num')::int >= 140000)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname !~ '^pg_toast'
      AND ($1::text IS NULL
           OR strpos(lower(n.nspname || '.' || c.relname), lower($1::text)) > 0)
    ORDER BY n_dead_tup DESC, c.oid
    LIMIT 2000
)
SELECT
    t.relid,
    t.nspname::text                                             AS schema_name,
    t.relname::text                                             AS table_name,
    t.relkind = 'p'                                             AS partitioned,
    pg_stat_get_live_tuples(t.relid)                            AS n_live_tup,
    t.n_dead_tup,
    pg_stat_get_mod_since_analyze(t.relid)                      AS n_mod_since_analyze,
    pg_stat_get_ins_since_vacuum(t.relid)                       AS n_ins_since_vacuum,
    pg_stat_get_last_vacuum_time(t.relid)                       AS last_vacuum,
    pg_stat_get_last_autovacuum_time(t.relid)                   AS last_autovacuum,
    pg_stat_get_last_analyze_time(t.relid)                      AS last_analyze,
    pg_stat_get_last_autoanalyze_time(t.relid)                  AS last_autoanalyze,
    pg_stat_get_vacuum_count(t.relid)                           AS vacuum_count,
    pg_stat_get_autovacuum_count(t.relid)                       AS autovacuum_count,
    pg_stat_get_analyze_count(t.relid)                          AS analyze_count,
    pg_stat_get_autoanalyze_count(t.relid)                      AS autoanalyze_count,
    CASE WHEN t.relkind <> 'p' THEN age(t.relfrozenxid) END     AS xid_age,
    t.reltuples::float8                                         AS reltuples,
    t.relpages,
    NULL::int4                                                  AS relallfrozen,
    t.reloptions::text[]                                        AS reloptions,
    g.server_autovacuum,
    g.vacuum_threshold,
    g.vacuum_scale_factor,
    g.vacuum_max_threshold,
    g.vacuum_insert_threshold,
    g.vacuum_insert_scale_factor,
    g.analyze_threshold,
    g.analyze_scale_factor,
    g.freeze_max_age,
    t.total_tables
FROM user_tables t
CROSS JOIN (
    SELECT
        current_setting('autovacuum') = 'on'
            AND current_setting('track_counts') = 'on'                      AS server_autovacuum,
        current_setting('autovacuum_vacuum_threshold')::int8                AS vacuum_threshold,
        current_setting('autovacuum_vacuum_scale_factor')::float8           AS vacuum_scale_factor,
        current_setting('autovacuum_vacuum_max_threshold', true)::int8      AS vacuum_max_threshold,
        current_setting('autovacuum_vacuum_insert_threshold')::int8         AS vacuum_insert_threshold,
        current_setting('autovacuum_vacuum_insert_scale_factor')::float8    AS vacuum_insert_scale_factor,
        current_setting('autovacuum_analyze_threshold')::int8               AS analyze_threshold,
        current_setting('autovacuum_analyze_scale_factor')::float8          AS analyze_scale_factor,
        current_setting('autovacuum_freeze_max_age')::int8                  AS freeze_max_age
) g
ORDER BY t.n_dead_tup DESC, t.relid
