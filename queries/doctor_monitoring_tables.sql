-- pgpulse doctor: for each monitoring table, whether it is there, whether this role may
-- read it, how many rows it holds (estimate), and whether the index its collector's read
-- needs exists and is valid (or only an invalid leftover of a failed concurrent build).
-- Minimum server: 13. Privilege: none (catalogs only; has_table_privilege is strict).
-- to_regclass() resolves the names through search_path, as the collectors' queries do;
-- names come back schema-qualified and quoted (format %I), ready for the fixes' SQL.
-- An index serves the read when its leading key columns are exactly the wanted ones and
-- it is not partial; pg_get_indexdef(oid, k, true) names the k-th key column.
WITH wanted (position, table_name, index_columns) AS (
    VALUES (1, 'query_performance_log', ARRAY['executed_at']),
           (2, 'database_statistics_snapshot', ARRAY['table_name', 'snapshot_date']),
           (3, 'maintenance_task_log', NULL::text[])
),
located AS (
    SELECT w.position, w.table_name, w.index_columns, to_regclass(w.table_name) AS relid
    FROM wanted w
),
matching AS (
    SELECT l.table_name, i.indexrelid, i.indisvalid
    FROM located l
    JOIN pg_index i ON i.indrelid = l.relid
    WHERE l.index_columns IS NOT NULL
      AND i.indpred IS NULL
      AND i.indnkeyatts >= cardinality(l.index_columns)
      AND (SELECT array_agg(pg_get_indexdef(i.indexrelid, k, true) ORDER BY k)
             FROM generate_series(1, cardinality(l.index_columns)) AS k) = l.index_columns
)
SELECT
    l.table_name,
    l.relid IS NOT NULL                                                    AS present,
    CASE WHEN c.oid IS NOT NULL THEN format('%I.%I', n.nspname, c.relname) END
                                                                           AS qualified_name,
    coalesce(has_table_privilege(l.relid, 'SELECT'), false)                AS readable,
    -- -1 (14+) when never vacuumed or analyzed: unknown, not empty.
    coalesce(c.reltuples, -1)::bigint                                      AS estimated_rows,
    l.index_columns                                                        AS index_columns,
    (SELECT format('%I.%I', n.nspname, ic.relname) FROM matching m
       JOIN pg_class ic ON ic.oid = m.indexrelid
      WHERE m.table_name = l.table_name AND m.indisvalid
      ORDER BY m.indexrelid LIMIT 1)                                       AS valid_index,
    (SELECT format('%I.%I', n.nspname, ic.relname) FROM matching m
       JOIN pg_class ic ON ic.oid = m.indexrelid
      WHERE m.table_name = l.table_name AND NOT m.indisvalid
      ORDER BY m.indexrelid LIMIT 1)                                       AS invalid_index
FROM located l
LEFT JOIN pg_class c ON c.oid = l.relid
LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
ORDER BY l.position
