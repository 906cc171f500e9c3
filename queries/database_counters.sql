-- Cumulative counters per database (TPS, cache hit ratio, temp files; fast tier).
-- Minimum server: 13. Privilege: none.
-- conflicts: queries cancelled by recovery conflicts (non-zero only on a standby).
-- The row with datid 0 (shared catalogs) has no datname and is skipped.
SELECT
    d.datid,
    d.datname::text      AS name,
    d.numbackends        AS backends,
    d.xact_commit,
    d.xact_rollback,
    d.blks_read,
    d.blks_hit,
    d.tup_returned,
    d.tup_fetched,
    d.tup_inserted,
    d.tup_updated,
    d.tup_deleted,
    d.temp_files,
    d.temp_bytes,
    d.deadlocks,
    d.conflicts,
    d.blk_read_time,
    d.blk_write_time,
    d.stats_reset
FROM pg_stat_database d
WHERE d.datname IS NOT NULL
ORDER BY d.datname
