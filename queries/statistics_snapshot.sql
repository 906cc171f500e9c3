-- Statistics snapshot: one database_statistics_snapshot row per user table, from the
-- statistics views (`pgpulse snapshot` and the snapshot action).
-- Minimum server: 13; table from `pgpulse schema install` (seed DDL).
-- Privilege: INSERT on database_statistics_snapshot.
-- table_name is what the Cache screen's history matches a table by: the bare relname in
-- schema public (as the seed's own rows are), `schema.relname` elsewhere, unquoted, cut
-- to the column's 100 characters. cache_hit_ratio is a percentage (decimal(5,2), as the
-- Cache screen reads it) of heap plus index block hits, NULL when nothing was read;
-- idx_blks_* are NULL for a table without indexes. pg_total_relation_size() takes
-- ACCESS SHARE on each table, so it queues behind an ACCESS EXCLUSIVE holder (VACUUM
-- FULL, ALTER TABLE): the caller's lock_timeout bounds that wait. It gives NULL for a
-- table dropped meanwhile. The row count comes back in the command tag.
INSERT INTO database_statistics_snapshot
    (table_name, table_size_bytes, row_count, cache_hit_ratio)
SELECT
    left(CASE WHEN s.schemaname = 'public' THEN s.relname::text
              ELSE s.schemaname::text || '.' || s.relname::text END, 100),
    pg_total_relation_size(s.relid),
    s.n_live_tup,
    round(100.0 * (io.heap_blks_hit + coalesce(io.idx_blks_hit, 0))
          / nullif(io.heap_blks_hit + io.heap_blks_read
                   + coalesce(io.idx_blks_hit, 0) + coalesce(io.idx_blks_read, 0), 0), 2)
FROM pg_stat_user_tables s
JOIN pg_statio_user_tables io ON io.relid = s.relid
