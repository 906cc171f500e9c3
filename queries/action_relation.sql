-- The real schema and name of the relation an action targets, read by OID when it runs.
-- Action executor. Minimum server: 13. Privilege: none (catalog read).
-- Display text is sanitized (an ESC byte in a name shows as `\x1b`), so the statement is
-- built from these raw names, never from what the screen showed. No row: it was dropped.
SELECT n.nspname::text AS schema_name,
       c.relname::text AS relation_name,
       c.relkind::text AS relkind,
       coalesce(i.indrelid, 0::oid) AS table_oid
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
WHERE c.oid = $1
