-- Whether the server the action connection reaches is a standby now (it may have been
-- demoted or failed over since the screen said otherwise): checked before an action that
-- writes, which a standby would refuse with SQLSTATE 25006. Action executor.
-- Minimum server: 13. Privilege: none.
SELECT pg_catalog.pg_is_in_recovery() AS in_recovery
