-- The full, unsanitized text of one pg_stat_statements entry, for EXPLAIN.
-- Action executor. Minimum server: 13; pg_stat_statements 1.8. Privilege: pg_read_all_stats
-- to see other roles' texts.
-- A statement is planned in the database it ran in (same_database: the one this
-- connection is in) and as the role that ran it (role_name), never with pgpulse's rights.
SELECT s.query,
       (SELECT r.rolname::text FROM pg_catalog.pg_roles r WHERE r.oid = s.userid) AS role_name,
       s.dbid = (SELECT d.oid FROM pg_catalog.pg_database d
                 WHERE d.datname = current_database()) AS same_database
FROM pg_stat_statements(true) s
WHERE s.userid = $1 AND s.dbid = $2 AND s.queryid = $3
LIMIT 1
