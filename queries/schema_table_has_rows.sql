-- pgpulse schema install: whether a monitoring table already holds data, so its index is
-- built with CREATE INDEX CONCURRENTLY (a plain build would block the application's
-- inserts for as long as it runs). Any page on disk counts: a table emptied by DELETE
-- still gets the concurrent build, which is harmless.
-- Minimum server: 13. Privilege: none (pg_relation_size needs no SELECT).
-- $1: the table name, resolved through search_path as the DDL does.
SELECT coalesce(pg_relation_size(to_regclass($1)), 0) > 0 AS has_rows
