-- A standby's own view of replication, PostgreSQL 14+ (Replication screen, fast tier):
-- received and replayed WAL positions, the commit time of the last replayed transaction,
-- whether replay is paused (pg_get_wal_replay_pause_state(): 'pause requested' until
-- recovery actually stops, then 'paused'),
-- its WAL receiver (pg_stat_wal_receiver: at most one row; hidden columns are NULL
-- without pg_read_all_stats) and recovery conflicts summed over databases.
-- Privilege: pg_read_all_stats for the receiver's details. Run only in recovery.
SELECT
    now()                                                            AS now,
    pg_last_wal_receive_lsn()::text                                  AS receive_lsn,
    pg_last_wal_replay_lsn()::text                                   AS replay_lsn,
    pg_wal_lsn_diff(pg_last_wal_receive_lsn(),
                    pg_last_wal_replay_lsn())::float8                AS replay_behind_bytes,
    pg_last_xact_replay_timestamp()                                  AS last_replay_time,
    pg_get_wal_replay_pause_state()                                  AS pause_state,
    r.pid                                                            AS receiver_pid,
    r.status::text                                                   AS receiver_status,
    r.sender_host::text                                              AS sender_host,
    r.sender_port,
    r.slot_name::text                                                AS receiver_slot,
    r.flushed_lsn::text                                              AS receiver_flushed_lsn,
    r.last_msg_receipt_time,
    r.latest_end_time,
    c.tablespace, c.lock, c.snapshot, c.bufferpin, c.deadlock, c.total
FROM (SELECT coalesce(sum(confl_tablespace), 0)::bigint AS tablespace,
             coalesce(sum(confl_lock), 0)::bigint AS lock,
             coalesce(sum(confl_snapshot), 0)::bigint AS snapshot,
             coalesce(sum(confl_bufferpin), 0)::bigint AS bufferpin,
             coalesce(sum(confl_deadlock), 0)::bigint AS deadlock,
             (SELECT coalesce(sum(conflicts), 0)::bigint FROM pg_stat_database) AS total
        FROM pg_stat_database_conflicts) c
LEFT JOIN pg_stat_wal_receiver r ON true
