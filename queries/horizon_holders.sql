-- Every holder of the xmin horizon: what keeps VACUUM from removing dead tuples (fast tier).
-- Minimum server: 13 (pg_replication_slots.inactive_since exists from 17 and is read
-- through to_jsonb, so it is NULL before). Privilege: none; without pg_read_all_stats
-- other roles' backends show no query and NULL backend_start (no action targets them).
-- One row per holder, one layout for all four kinds:
--   backend:  a session with backend_xmin or backend_xid (an idle-in-transaction session
--             that wrote holds its xid while its xmin is released between statements);
--   standby:  a WAL sender's backend_xmin, i.e. hot_standby_feedback without a slot
--             (with a slot the feedback lands in the slot's xmin instead);
--   prepared: pg_prepared_xacts (its xid holds the horizon of its database until
--             COMMIT/ROLLBACK PREPARED);
--   slot:     pg_replication_slots with xmin (all tables) or catalog_xmin (catalogs only).
-- Ages are computed on the server: age(xid) in transactions, times on the server's clock.
-- A slot's retained WAL is measured from the current position: pg_current_wal_lsn() on a
-- primary, the last received (else replayed) position in recovery, where the former raises.
-- pgpulse's own monitoring backend is left out (its xmin is this very statement's).
WITH pos AS (
    SELECT CASE WHEN pg_is_in_recovery()
                THEN coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())
                ELSE pg_current_wal_lsn() END AS lsn
)
SELECT
    CASE WHEN a.backend_type = 'walsender' THEN 'standby' ELSE 'backend' END AS kind,
    a.pid,
    a.backend_start,
    coalesce(a.application_name, '')                                 AS name,
    a.usename::text                                                  AS owner,
    a.datname::text                                                  AS database_name,
    a.state,
    coalesce(a.backend_type, '')                                     AS backend_type,
    CASE WHEN a.client_port = -1 THEN 'local'
         ELSE coalesce(a.client_hostname, host(a.client_addr)) END   AS client,
    a.xact_start                                                     AS since,
    extract(epoch FROM now() - a.xact_start)::float8                 AS since_s,
    age(a.backend_xmin)                                              AS xmin_age,
    age(a.backend_xid)                                               AS xid_age,
    NULL::int4                                                       AS catalog_xmin_age,
    NULL::text                                                       AS slot_type,
    NULL::bool                                                       AS active,
    NULL::int4                                                       AS active_pid,
    NULL::int8                                                       AS retained_wal_bytes,
    NULL::text                                                       AS wal_status,
    left(coalesce(a.query, ''), 4096)                                AS query
FROM pg_catalog.pg_stat_activity a
WHERE (a.backend_xmin IS NOT NULL OR a.backend_xid IS NOT NULL)
  AND a.pid <> pg_backend_pid()
UNION ALL
SELECT
    'prepared', NULL, NULL,
    p.gid, p.owner::text, p.database::text, NULL, '', NULL,
    p.prepared,
    extract(epoch FROM now() - p.prepared)::float8,
    NULL, age(p.transaction), NULL,
    NULL, NULL, NULL, NULL, NULL, ''
FROM pg_catalog.pg_prepared_xacts p
UNION ALL
SELECT
    'slot', NULL, NULL,
    s.slot_name::text, NULL, s.database::text, NULL, '', NULL,
    (to_jsonb(s) ->> 'inactive_since')::timestamptz,
    extract(epoch FROM now() - (to_jsonb(s) ->> 'inactive_since')::timestamptz)::float8,
    age(s.xmin), NULL, age(s.catalog_xmin),
    s.slot_type, s.active, s.active_pid,
    (SELECT pg_wal_lsn_diff(pos.lsn, s.restart_lsn)::int8 FROM pos),
    s.wal_status, ''
FROM pg_catalog.pg_replication_slots s
WHERE s.xmin IS NOT NULL OR s.catalog_xmin IS NOT NULL
