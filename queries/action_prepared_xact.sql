-- The prepared transaction an action was aimed at, if it is still the one on screen: its
-- gid ($1) and the time it was prepared ($2), since a gid can be reused once the first
-- transaction ended. Action executor, just before ROLLBACK PREPARED (which cannot be made
-- conditional itself). Minimum server: 13. Privilege: none (pg_prepared_xacts is readable
-- by every role; the rollback itself needs the owner or a superuser).
SELECT p.database::text = current_database() AS same_database,
       p.owner::text                          AS owner
FROM pg_catalog.pg_prepared_xacts p
WHERE p.gid = $1 AND p.prepared = $2
