-- Vacuum/analyze state and effective autovacuum settings of user tables (Maintenance, slow tier).
-- Minimum server: 13 (n_ins_since_vacuum); PostgreSQL 18+ uses maintenance_tables_18.sql,
-- which adds pg_class.relallfrozen. Privilege: none (statistics views and pg_class).
-- The server-wide autovacuum settings are read once, in the cross-joined subquery; each
-- table's reloptions override them in Rust, the way autovacuum resolves them.
-- autovacuum_vacuum_max_threshold exists from 18 (missing_ok gives NULL before).
-- Partitioned tables have no relfrozenxid (age() would read 2^31-1), hence the CASE.
-- Reads only catalogs and statistics views: no size function, so it never queues behind
-- a lock. The cap is said, never silent: total_tables counts the tables before the
-- LIMIT. $1: text to find in "schema.table", case-insensitively (NULL: every table).
SELECT
    s.relid,
    s.schemaname::text                                          AS schema_name,
    s.relname::text                                             AS table_name,
    c.relkind = 'p'                                             AS partitioned,
    s.n_live_tup,
    s.n_dead_tup,
    s.n_mod_since_analyze,
    s.n_ins_since_vacuum,
    s.last_vacuum,
    s.last_autovacuum,
    s.last_analyze,
    s.last_autoanalyze,
    s.vacuum_count,
    s.autovacuum_count,
    s.analyze_count,
    s.autoanalyze_count,
    CASE WHEN c.relkind <> 'p' THEN age(c.relfrozenxid) END     AS xid_age,
    c.reltuples::float8                                         AS reltuples,
    c.relpages,
    NULL::int4                                                  AS relallfrozen,
    c.reloptions::text[]                                        AS reloptions,
    g.server_autovacuum,
    g.vacuum_threshold,
    g.vacuum_scale_factor,
    g.vacuum_max_threshold,
    g.vacuum_insert_threshold,
    g.vacuum_insert_scale_factor,
    g.analyze_threshold,
    g.analyze_scale_factor,
    g.freeze_max_age,
    count(*) OVER ()                                            AS total_tables
FROM pg_stat_user_tables s
JOIN pg_class c ON c.oid = s.relid
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
WHERE $1::text IS NULL
   OR strpos(lower(s.schemaname || '.' || s.relname), lower($1::text)) > 0
ORDER BY s.n_dead_tup DESC, s.relid
LIMIT 2000
