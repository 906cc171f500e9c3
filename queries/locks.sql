-- The lock view of the Activity screen: read only while that view is on (fast tier).
-- Minimum server: 13 (pg_locks.waitstart exists from 14 and is read through to_jsonb, so
-- it is NULL before; wait_from says what the wait age is measured from).
-- Privilege: none (pg_locks is readable by every role; other roles' sessions need
-- pg_read_all_stats for their query and backend_start).
-- Which locks: every lock on an object somebody waits for (its holders and its waiters),
-- and besides those only the locks that block others when they wait: granted relation
-- locks in SHARE UPDATE EXCLUSIVE mode or stronger, and advisory locks. The everyday
-- ACCESS SHARE / ROW EXCLUSIVE locks and every transaction's own xid/vxid locks would
-- drown the view (and the poll) on a busy server. At most 500 rows, waiting ones first;
-- total says how many there were.
-- A relation is named (schema-qualified, each part quoted) only when it is in this
-- database: in another one its OID would name whatever relation has that OID here.
-- Catalog lookups take no lock. pgpulse's own monitoring backend is left out.
WITH l AS (
    SELECT l.*,
           (to_jsonb(l) ->> 'waitstart')::timestamptz AS wait_start,
           -- One key per lockable object, the same for its holders and its waiters.
           concat_ws(':', l.locktype, l.database, l.relation, l.page, l.tuple,
                     l.virtualxid, l.transactionid, l.classid, l.objid, l.objsubid) AS object_key
    FROM pg_catalog.pg_locks l
    WHERE l.pid IS DISTINCT FROM pg_backend_pid()
),
contended AS (
    SELECT DISTINCT object_key FROM l WHERE NOT granted
),
chosen AS (
    SELECT l.*
    FROM l
    WHERE l.object_key IN (SELECT object_key FROM contended)
       OR (l.locktype = 'relation'
           AND l.mode IN ('ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock',
                          'ExclusiveLock', 'AccessExclusiveLock'))
       OR l.locktype = 'advisory'
)
SELECT
    c.object_key,
    c.locktype,
    c.mode,
    c.granted,
    c.pid,
    d.datname::text                                                  AS database_name,
    c.relation                                                       AS relation_oid,
    CASE WHEN r.oid IS NOT NULL THEN format('%I.%I', n.nspname, r.relname) END AS relation_name,
    c.page,
    c.tuple::int4                                                    AS tuple,
    c.virtualxid,
    c.transactionid::text                                            AS transactionid,
    c.classid,
    c.objid,
    c.objsubid::int4                                                 AS objsubid,
    a.backend_start,
    a.usename::text                                                  AS user_name,
    coalesce(a.application_name, '')                                 AS application_name,
    a.state,
    extract(epoch FROM now() - a.xact_start)::float8                 AS xact_age_s,
    CASE WHEN NOT c.granted THEN
        extract(epoch FROM now() - coalesce(c.wait_start, a.state_change, a.query_start))::float8
    END                                                              AS wait_s,
    CASE WHEN c.granted THEN NULL
         WHEN c.wait_start IS NOT NULL THEN 'waitstart'
         WHEN a.state_change IS NOT NULL THEN 'state_change'
         ELSE 'query_start' END                                      AS wait_from,
    CASE WHEN NOT c.granted THEN pg_blocking_pids(c.pid) ELSE '{}'::int4[] END AS blocked_by,
    left(coalesce(a.query, ''), 1024)                                AS query,
    count(*) OVER ()                                                 AS total
FROM chosen c
LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = c.pid
LEFT JOIN pg_catalog.pg_database d ON d.oid = c.database
LEFT JOIN pg_catalog.pg_class r
       ON r.oid = c.relation
      AND c.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
ORDER BY c.granted, wait_s DESC NULLS LAST, c.object_key, c.pid
LIMIT 500
