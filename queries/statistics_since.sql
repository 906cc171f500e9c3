-- Since when the statistics cover the connected database's tables (Maintenance: "never"
-- versus "not since the stats reset"; slow tier). Minimum server: 13. Privilege: none
-- (pg_control_system() is executable by everyone).
-- last_vacuum, last_analyze and the tuple counters are wiped by pg_stat_reset() (the
-- database's stats_reset; before PostgreSQL 15 that column is also set when the
-- database's statistics are first created) and by a crash restart or an immediate
-- shutdown, which restart the shared statistics too: pg_stat_bgwriter.stats_reset moves
-- to that moment (so does pg_stat_reset_shared('bgwriter'), which keeps the tables'
-- counters: the time is then a lower bound, never a false one). The cluster's creation
-- is the initdb time in the system identifier's upper 32 bits.
SELECT
    (SELECT d.stats_reset FROM pg_stat_database d
      WHERE d.datname = current_database())                    AS database_reset,
    (SELECT b.stats_reset FROM pg_stat_bgwriter b)              AS shared_reset,
    to_timestamp((c.system_identifier >> 32)::float8)           AS cluster_created,
    pg_postmaster_start_time()                                  AS postmaster_start,
    current_setting('server_version_num')::int >= 150000        AS database_reset_is_explicit
FROM pg_control_system() c
