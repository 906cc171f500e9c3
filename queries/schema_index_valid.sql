-- pgpulse schema install: whether an index it built (or found already there) is valid. A
-- failed or cancelled CREATE INDEX CONCURRENTLY leaves an invalid index that IF NOT
-- EXISTS then skips, and that every write still maintains.
-- Minimum server: 13. Privilege: none (catalogs only).
-- $1: the index name, resolved through search_path.
SELECT i.indisvalid AS valid
FROM pg_index i
WHERE i.indexrelid = to_regclass($1)
