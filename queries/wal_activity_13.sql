-- WAL, archiver and checkpoints on PostgreSQL 13 (Replication screen, fast tier): the
-- server's WAL position (the WAL rate is its delta between polls), pg_stat_archiver,
-- and the checkpoint counters of pg_stat_bgwriter. No pg_stat_wal before 14.
-- Privilege: none. On a standby the position is the received one (pg_current_wal_lsn()
-- raises there) and the checkpoint counters count restartpoints.
SELECT
    now()                                                            AS now,
    pg_is_in_recovery()                                              AS in_recovery,
    w.lsn::text                                                      AS wal_lsn,
    pg_wal_lsn_diff(w.lsn, '0/0')::float8                            AS wal_position_bytes,
    NULL::bigint                                                     AS wal_records,
    NULL::bigint                                                     AS wal_fpi,
    NULL::float8                                                     AS wal_bytes,
    NULL::bigint                                                     AS wal_buffers_full,
    NULL::timestamptz                                                AS wal_stats_reset,
    current_setting('archive_mode')                                  AS archive_mode,
    a.archived_count,
    a.last_archived_wal::text                                        AS last_archived_wal,
    a.last_archived_time,
    a.failed_count,
    a.last_failed_wal::text                                          AS last_failed_wal,
    a.last_failed_time,
    a.stats_reset                                                    AS archiver_stats_reset,
    b.checkpoints_timed                                              AS checkpoints_timed,
    b.checkpoints_req                                                AS checkpoints_requested,
    b.checkpoint_write_time                                          AS checkpoint_write_time,
    b.checkpoint_sync_time                                           AS checkpoint_sync_time,
    b.buffers_checkpoint                                             AS buffers_checkpoint,
    b.buffers_clean                                                  AS buffers_clean,
    b.buffers_backend                                                AS buffers_backend,
    b.stats_reset                                                    AS checkpoint_stats_reset
FROM (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()
                  ELSE pg_current_wal_lsn() END AS lsn) w
CROSS JOIN pg_stat_archiver a
CROSS JOIN pg_stat_bgwriter b
