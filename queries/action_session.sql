-- The session an action was aimed at, if the pid still belongs to it (pid and
-- backend_start): its role and database for EXPLAIN, its query_start and state to say
-- why a cancel found nothing to cancel. The query text is never read here: EXPLAIN plans
-- the text that was on screen, carried in the plan (it changes many times a second).
-- Action executor. Minimum server: 13. Privilege: pg_read_all_stats for other roles.
-- query_size_limit (track_activity_query_size, bytes) tells whether the text on screen
-- may have been cut by the server.
SELECT a.usename::text AS role_name,
       a.datname = current_database() AS same_database,
       a.query_start,
       a.state,
       (SELECT s.setting::int FROM pg_catalog.pg_settings s
         WHERE s.name = 'track_activity_query_size') AS query_size_limit
FROM pg_catalog.pg_stat_activity a
WHERE a.pid = $1 AND a.backend_start = $2
