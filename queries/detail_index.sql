-- The definition of one index (CREATE INDEX ...) and of the constraint it backs, for the
-- index detail view: read once when the view opens, never polled.
-- Minimum server: 13. Privilege: none. Catalog lookups only: no lock on the index or its
-- table, so this never queues behind a REINDEX or an ALTER TABLE.
-- $1: the index's OID. No row when the index is gone.
SELECT
    pg_catalog.pg_get_indexdef(i.indexrelid)                          AS definition,
    (SELECT pg_catalog.pg_get_constraintdef(c.oid)
       FROM pg_catalog.pg_constraint c
      WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
      LIMIT 1)                                                        AS constraint_definition,
    i.indisvalid                                                      AS valid
FROM pg_catalog.pg_index i
WHERE i.indexrelid = $1::oid
