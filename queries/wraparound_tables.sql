-- The 20 relations of the connected database with the oldest relfrozenxid (Maintenance).
-- Slow tier. Minimum server: 13. Privilege: none (pg_class is readable by all).
-- Tables, materialized views and TOAST tables (relkind r, m, t): the kinds that carry a
-- relfrozenxid. A TOAST table is named after the table that owns it (pg_class has no
-- index on reltoastrelid: a hash join over pg_class, fine on the slow tier). reloptions
-- may lower autovacuum_freeze_max_age for one relation (applied in Rust).
-- The cap is said, never silent: total_relations counts them before the LIMIT. $1: text
-- to find in the (owning) table's "schema.table", case-insensitively (NULL: all).
SELECT
    c.oid                                            AS relid,
    coalesce(owner_ns.nspname, ns.nspname)::text     AS schema_name,
    coalesce(owner.relname, c.relname)::text         AS table_name,
    c.relkind = 't'                                  AS toast,
    age(c.relfrozenxid)                              AS xid_age,
    c.reloptions::text[]                             AS reloptions,
    count(*) OVER ()                                 AS total_relations
FROM pg_class c
JOIN pg_namespace ns ON ns.oid = c.relnamespace
LEFT JOIN pg_class owner ON c.relkind = 't' AND owner.reltoastrelid = c.oid
LEFT JOIN pg_namespace owner_ns ON owner_ns.oid = owner.relnamespace
WHERE c.relkind IN ('r', 'm', 't')
  AND ($1::text IS NULL
       OR strpos(lower(coalesce(owner_ns.nspname, ns.nspname) || '.'
                       || coalesce(owner.relname, c.relname)), lower($1::text)) > 0)
ORDER BY age(c.relfrozenxid) DESC, c.oid
LIMIT 20
