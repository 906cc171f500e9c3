-- Usage, lock-free size estimate and definition of every user index (Indexes screen:
-- unused, duplicate, prefix-redundant and invalid indexes; slow tier).
-- Minimum server: 13. Privilege: none.
-- One catalog query, no per-index function that opens a relation: sizes come from
-- pg_class.relpages (pg_relation_size() queues behind ACCESS EXCLUSIVE locks), and the
-- definition is compared as catalog data rather than deparsed: pg_get_indexdef() and
-- pg_get_expr(expr, relid) take an ACCESS SHARE lock on the table for every row.
-- Expression and predicate node trees are compared as text with their parse locations
-- removed (before PostgreSQL 17 they record where in the CREATE statement each node
-- was written, so the same expression typed twice would differ).
-- The counters are pg_stat_user_indexes' own definition (the same pg_stat_get_* calls
-- and user-table filter) read straight from pg_index: joining the view back to
-- pg_index and pg_class cost twice as much with 3,000 indexes. Ordered by oids, not
-- names: a collation-aware sort of thousands of names costs more than the rest.
SELECT
    i.indexrelid,
    i.indrelid                                             AS table_relid,
    n.nspname::text                                        AS schema,
    c.relname::text                                        AS table_name,
    ic.relname::text                                       AS index_name,
    am.amname::text                                        AS access_method,
    pg_stat_get_numscans(i.indexrelid)                     AS idx_scan,
    pg_stat_get_tuples_returned(i.indexrelid)              AS idx_tup_read,
    pg_stat_get_tuples_fetched(i.indexrelid)               AS idx_tup_fetch,
    ic.relpages::bigint
        * (SELECT current_setting('block_size')::bigint)   AS size_bytes,
    i.indisunique                                          AS is_unique,
    i.indisprimary                                         AS is_primary,
    i.indisvalid                                           AS is_valid,
    i.indisready                                           AS is_ready,
    i.indexrelid IN (SELECT con.conindid
                     FROM pg_constraint con
                     WHERE con.conindid <> 0)              AS backs_constraint,
    i.indnkeyatts                                          AS key_columns,
    i.indkey::int2[]                                       AS columns,
    i.indclass::oid[]                                      AS opclasses,
    i.indcollation::oid[]                                  AS collations,
    i.indoption::int2[]                                    AS options,
    regexp_replace(i.indexprs::text, ' :location -?[0-9]+', '', 'g') AS expressions,
    regexp_replace(i.indpred::text, ' :location -?[0-9]+', '', 'g')  AS predicate
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE c.relkind IN ('r', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast'
ORDER BY i.indrelid, i.indexrelid
