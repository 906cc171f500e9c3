-- One pg_stat_statements entry in full, for the statement detail view: read once when the
-- view opens, never polled. Every counter the installed extension version has comes as
-- JSON (so one statement serves 1.8 to 1.12: stddev, blocks, WAL, planning time where
-- they exist), with the whole text (not cut like the cached texts) and the role and
-- database names. Like a text fetch for a new statement, it reads the query-text file once.
-- Minimum: pg_stat_statements 1.8 (PostgreSQL 13). Privilege: pg_read_all_stats to see
-- other roles' texts. The function resolves through search_path, like the counters.
-- track_planning says whether planning counters mean anything (they stay 0 when off).
-- $1: userid, $2: dbid, $3: queryid. toplevel (1.9+) is in the JSON: pgpulse picks the row.
SELECT
    (to_jsonb(s) - 'query')::text                                      AS counters,
    s.query,
    (SELECT r.rolname::text FROM pg_catalog.pg_roles r WHERE r.oid = s.userid)   AS role_name,
    (SELECT d.datname::text FROM pg_catalog.pg_database d WHERE d.oid = s.dbid)  AS database_name,
    current_setting('pg_stat_statements.track_planning', true)        AS track_planning
FROM pg_stat_statements(showtext := true) s
WHERE s.userid = $1::oid AND s.dbid = $2::oid AND s.queryid = $3::int8
