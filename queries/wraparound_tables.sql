-- The 20 relations of the connected database with the oldest relfrozenxid (Maintenance).
-- Slow tier. Minimum server: 13. Privilege: none (pg_class is readable by all).
-- Tables, materialized views and TOAST tables (relkind r, m, t): the kinds that carry a
-- relfrozenxid. A TOAST table is named after the table that owns it (pg_class has no
-- index on reltoastrelid: a hash join over pg_class, fine on the slow tier). reloptions
-- may lower autovacuum_freeze_max_age for one relation (applied in Rust).
SELECT
    c.oid                                            AS relid,
    coalesce(owner_ns.nspname, ns.nspname)::text     AS schema_name,
    coalesce(owner.relname, c.relname)::text         AS table_name,
    c.relkind = 't'                                  AS toast,
    age(c.relfrozenxid)                              AS xid_age,
    c.reloptions::text[]                             AS reloptions
FROM pg_class c
JOIN pg_namespace ns ON ns.oid = c.relnamespace
LEFT JOIN pg_class owner ON c.relkind = 't' AND owner.reltoastrelid = c.oid
LEFT JOIN pg_namespace owner_ns ON owner_ns.oid = owner.relnamespace
WHERE c.relkind IN ('r', 'm', 't')
ORDER BY age(c.relfrozenxid) DESC, c.oid
LIMIT 20
