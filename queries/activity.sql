-- Every backend but pgpulse's own, with ages and whom it waits for (Activity, fast tier).
-- Minimum server: 14 (query_id; activity_13.sql is the variant without it).
-- Privilege: none; without pg_read_all_stats other roles' sessions show
-- '<insufficient privilege>' and NULL details.
-- Ages are computed on the server's clock so client clock skew cannot distort them;
-- extract() returns numeric from 14, hence the float8 casts. pg_blocking_pids() takes the
-- lock manager's partition locks, so it runs only for sessions that wait on a lock.
-- Hidden sessions have NULL backend_type and backend_start: backend_type reads as '' and
-- the age as 0; backend_start stays NULL, so no action can target a session it cannot verify.
-- lock_wait_s is how long a session has waited for its lock (pg_locks.waitstart). The CTE
-- is evaluated lazily, only when some session waits on a lock, and then once per poll,
-- however many wait; waitstart can be NULL for a moment after the wait began, and then
-- the state change stands in.
WITH lock_waits AS MATERIALIZED (
    SELECT l.pid, min(l.waitstart) AS since
    FROM pg_locks l
    WHERE NOT l.granted
    GROUP BY l.pid
)
SELECT
    a.pid,
    a.leader_pid,
    a.usename::text                                                  AS user_name,
    a.datname::text                                                  AS database_name,
    coalesce(a.application_name, '')                                 AS application_name,
    CASE WHEN a.client_port = -1 THEN 'local'
         ELSE coalesce(a.client_hostname, host(a.client_addr)) END   AS client,
    coalesce(a.backend_type, '')                                     AS backend_type,
    a.state,
    a.wait_event_type,
    a.wait_event,
    a.backend_start,
    a.query_start,
    extract(epoch FROM now() - coalesce(a.backend_start, now()))::float8 AS backend_age_s,
    extract(epoch FROM now() - a.xact_start)::float8                 AS xact_age_s,
    extract(epoch FROM now() - a.query_start)::float8                AS query_age_s,
    extract(epoch FROM now() - a.state_change)::float8               AS state_age_s,
    age(a.backend_xmin)                                              AS xmin_age,
    a.query_id,
    left(coalesce(a.query, ''), 4096)                                AS query,
    CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid)
         ELSE '{}'::int[] END                                        AS blocked_by,
    CASE WHEN a.wait_event_type = 'Lock' THEN
        extract(epoch FROM now() - coalesce(
            (SELECT w.since FROM lock_waits w WHERE w.pid = a.pid),
            a.state_change))::float8
    END                                                              AS lock_wait_s
FROM pg_stat_activity a
WHERE a.pid <> pg_backend_pid()
ORDER BY a.pid
