-- Transaction ID and multixact age of every database against the freeze limits (Maintenance).
-- Slow tier. Minimum server: 13. Privilege: none (pg_database is readable by all).
-- The freeze settings ride along on every row so one round trip gives the whole picture;
-- the list always has at least the connected database.
SELECT
    d.datname::text                                                  AS database_name,
    age(d.datfrozenxid)                                              AS xid_age,
    mxid_age(d.datminmxid)                                           AS mxid_age,
    current_setting('autovacuum_freeze_max_age')::int8               AS freeze_max_age,
    current_setting('autovacuum_multixact_freeze_max_age')::int8     AS multixact_freeze_max_age
FROM pg_database d
ORDER BY age(d.datfrozenxid) DESC, d.datname
