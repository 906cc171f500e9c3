-- Session settings check: whether the settings pgpulse sends in the startup packet took
-- effect. A connection pooler such as PgBouncer with ignore_startup_parameters = options
-- drops them silently, and a monitoring session without its timeouts and read-only
-- default is not safe on a sick server. Runs once per connection, over the simple query
-- protocol (a transaction-mode pooler cannot keep prepared statements).
-- Minimum server: 13. Privilege: none. Times in pg_settings' unit for these: ms.
SELECT name, setting
FROM pg_settings
WHERE name IN ('statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout',
               'default_transaction_read_only')
ORDER BY name
