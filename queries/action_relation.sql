-- The real schema and name of the relation an action targets, read by OID when it runs.
-- Action executor. Minimum server: 13. Privilege: none (catalog read); the progress view
-- shows other roles' index builds only with pg_read_all_stats.
-- Display text is sanitized (an ESC byte in a name shows as `\x1b`), so the statement is
-- built from these raw names, never from what the screen showed. No row: it was dropped.
-- index_valid and index_build_running guard DROP INDEX CONCURRENTLY: only an invalid
-- index that no CREATE INDEX / REINDEX is building right now is dropped.
SELECT n.nspname::text AS schema_name,
       c.relname::text AS relation_name,
       c.relkind::text AS relkind,
       coalesce(i.indrelid, 0::oid) AS table_oid,
       i.indisvalid AS index_valid,
       (SELECT p.pid FROM pg_catalog.pg_stat_progress_create_index p
         WHERE p.relid = i.indrelid LIMIT 1) AS index_build_pid
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
WHERE c.oid = $1
