-- Client connections by state against the server's limits (header / live count).
-- Minimum server: 13. Privilege: none (other roles' sessions are counted; their states
-- are NULL without pg_read_all_stats and count as "unknown").
SELECT
    count(*)::int                                                    AS total,
    count(*) FILTER (WHERE state = 'active')::int                    AS active,
    count(*) FILTER (WHERE state = 'idle')::int                      AS idle,
    count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int   AS idle_in_transaction,
    count(*) FILTER (WHERE wait_event_type = 'Lock')::int            AS waiting_on_lock,
    count(*) FILTER (WHERE state IS NULL)::int                       AS unknown,
    current_setting('max_connections')::int                          AS max_connections,
    current_setting('superuser_reserved_connections')::int           AS superuser_reserved
FROM pg_stat_activity
WHERE backend_type = 'client backend'
