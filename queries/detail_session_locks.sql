-- The locks one session holds and waits for, for the session detail view: read once when
-- the view opens, never polled. Minimum server: 13 (pg_locks.waitstart exists from 14 and
-- is read through to_jsonb, so it is NULL before). Privilege: none (pg_locks is readable
-- by every role; other roles' sessions need pg_read_all_stats only for their query).
-- One row. same_session is false when the pid now belongs to another backend than the
-- one on screen ($2, its backend_start). A relation is named (schema-qualified, quoted)
-- only when it is in this database: in another database its OID would name whatever
-- relation has that OID here. Catalog lookups take no lock.
-- query_size_limit is in bytes (pg_settings.setting; SHOW would say '1kB').
-- $1: pid, $2: backend_start (NULL for a session whose details are hidden).
SELECT
    (SELECT s.setting FROM pg_catalog.pg_settings s
      WHERE s.name = 'track_activity_query_size')                    AS query_size_limit,
    EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a
            WHERE a.pid = $1::int4
              AND a.backend_start IS NOT DISTINCT FROM $2::timestamptz) AS same_session,
    coalesce((
        SELECT json_agg(json_build_object(
                   'locktype', l.locktype,
                   'mode', l.mode,
                   'granted', l.granted,
                   'relation', CASE WHEN c.oid IS NOT NULL
                                    THEN format('%I.%I', n.nspname, c.relname) END,
                   'relation_oid', l.relation,
                   'database', d.datname,
                   'page', l.page,
                   'tuple', l.tuple,
                   'transactionid', l.transactionid::text,
                   'virtualxid', l.virtualxid,
                   'wait_start', to_jsonb(l) ->> 'waitstart')
                   ORDER BY l.granted, l.locktype, l.mode)
        FROM pg_catalog.pg_locks l
        LEFT JOIN pg_catalog.pg_database d ON d.oid = l.database
        LEFT JOIN pg_catalog.pg_class c
               ON c.oid = l.relation
              AND l.database = (SELECT oid FROM pg_catalog.pg_database
                                WHERE datname = current_database())
        LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE l.pid = $1::int4
    ), '[]'::json)::text                                             AS locks
