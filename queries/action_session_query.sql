-- The full, unsanitized current query of one session, for EXPLAIN, if it is still the
-- session that was on screen (pid and backend_start).
-- Action executor. Minimum server: 13. Privilege: pg_read_all_stats for other roles.
-- A query is planned in the database it runs in (same_database: the one this connection
-- is in) and as the role that runs it (role_name), never with pgpulse's rights.
SELECT a.query,
       a.usename::text AS role_name,
       a.datname = current_database() AS same_database
FROM pg_catalog.pg_stat_activity a
WHERE a.pid = $1 AND a.backend_start = $2
