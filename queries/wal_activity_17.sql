-- WAL, archiver and checkpoints on PostgreSQL 17+ (Replication screen, fast tier): the
-- server's WAL position (the WAL rate is its delta between polls), pg_stat_wal's records,
-- full-page images, bytes and buffers-full counts (18 moved the write/sync columns to
-- pg_stat_io), pg_stat_archiver, and pg_stat_checkpointer (the checkpoint columns left
-- pg_stat_bgwriter in 17; buffers_backend is gone: see pg_stat_io). Privilege: none.
SELECT
    now()                                                            AS now,
    pg_is_in_recovery()                                              AS in_recovery,
    w.lsn::text                                                      AS wal_lsn,
    pg_wal_lsn_diff(w.lsn, '0/0')::float8                            AS wal_position_bytes,
    s.wal_records,
    s.wal_fpi,
    s.wal_bytes::float8                                              AS wal_bytes,
    s.wal_buffers_full,
    s.stats_reset                                                    AS wal_stats_reset,
    current_setting('archive_mode')                                  AS archive_mode,
    a.archived_count,
    a.last_archived_wal::text                                        AS last_archived_wal,
    a.last_archived_time,
    a.failed_count,
    a.last_failed_wal::text                                          AS last_failed_wal,
    a.last_failed_time,
    a.stats_reset                                                    AS archiver_stats_reset,
    -- A standby's checkpoints are restartpoints; 17+ counts them apart (before 17 they
    -- were counted as checkpoints, which the other variants read).
    CASE WHEN pg_is_in_recovery() THEN c.restartpoints_timed
         ELSE c.num_timed END                                        AS checkpoints_timed,
    CASE WHEN pg_is_in_recovery() THEN c.restartpoints_req
         ELSE c.num_requested END                                    AS checkpoints_requested,
    c.write_time                                                     AS checkpoint_write_time,
    c.sync_time                                                      AS checkpoint_sync_time,
    c.buffers_written                                                AS buffers_checkpoint,
    b.buffers_clean                                                  AS buffers_clean,
    NULL::bigint                                                     AS buffers_backend,
    c.stats_reset                                                    AS checkpoint_stats_reset
FROM (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()
                  ELSE pg_current_wal_lsn() END AS lsn) w
CROSS JOIN pg_stat_archiver a
CROSS JOIN pg_stat_bgwriter b
CROSS JOIN pg_stat_checkpointer c
CROSS JOIN pg_stat_wal s
