-- Replication: one row per WAL sender from pg_stat_replication, with how far behind
-- the server's WAL position each standby's sent/write/flush/replay positions are, in
-- bytes (Replication screen, fast tier). Minimum server: 13 (same columns up to 18).
-- Privilege: pg_read_all_stats (or pg_monitor) to see other roles' senders in full;
-- without it only pid, user and application_name are filled (state IS NULL: hidden).
-- On a standby (cascading senders) pg_current_wal_lsn() raises, so the position is the
-- received one there; CASE evaluates only the branch taken (both are volatile, never
-- folded at plan time).
WITH pos AS (
    SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()
                ELSE pg_current_wal_lsn() END AS lsn
)
SELECT
    r.pid,
    r.usename::text                                                  AS user_name,
    r.application_name::text                                         AS application_name,
    host(r.client_addr)                                              AS client_addr,
    r.client_hostname::text                                          AS client_hostname,
    r.state::text                                                    AS state,
    r.sync_state::text                                               AS sync_state,
    r.sync_priority,
    r.backend_start,
    pg_wal_lsn_diff(pos.lsn, r.sent_lsn)::float8                     AS sent_behind_bytes,
    pg_wal_lsn_diff(pos.lsn, r.write_lsn)::float8                    AS write_behind_bytes,
    pg_wal_lsn_diff(pos.lsn, r.flush_lsn)::float8                    AS flush_behind_bytes,
    pg_wal_lsn_diff(pos.lsn, r.replay_lsn)::float8                   AS replay_behind_bytes,
    r.replay_lsn::text                                               AS replay_lsn,
    extract(epoch FROM r.write_lag)::float8                          AS write_lag_seconds,
    extract(epoch FROM r.flush_lag)::float8                          AS flush_lag_seconds,
    extract(epoch FROM r.replay_lag)::float8                         AS replay_lag_seconds,
    r.reply_time,
    age(r.backend_xmin)                                              AS xmin_age,
    r.backend_xmin::text                                             AS backend_xmin
FROM pg_stat_replication r CROSS JOIN pos
ORDER BY r.application_name, r.pid
