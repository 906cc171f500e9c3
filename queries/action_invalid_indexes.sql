-- Invalid indexes of one table, before and after a REINDEX CONCURRENTLY.
-- Action executor. Minimum server: 13. Privilege: none (catalog read).
-- A failed or timed-out REINDEX CONCURRENTLY leaves an invalid `<name>_ccnew` index that is
-- still updated on every write; comparing the lists before and after finds exactly the
-- ones this action left, whatever the name truncation did to them. Each is then offered
-- for DROP INDEX CONCURRENTLY by OID.
SELECT c.oid AS index_oid, n.nspname::text AS schema_name, c.relname::text AS index_name,
       i.indrelid::regclass::text AS table_name
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE i.indrelid = $1 AND NOT i.indisvalid
ORDER BY c.oid
