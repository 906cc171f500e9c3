-- Server-wide state for the header (fast tier): clock, uptime, role, connection limits.
-- Minimum server: 13. Privilege: none.
-- reserved_connections exists from 16; current_setting(..., true) gives NULL before.
SELECT
    now()                                                            AS now,
    pg_postmaster_start_time()                                       AS postmaster_start_time,
    pg_is_in_recovery()                                              AS in_recovery,
    current_setting('max_connections')::int                          AS max_connections,
    current_setting('superuser_reserved_connections')::int           AS superuser_reserved_connections,
    coalesce(current_setting('reserved_connections', true)::int, 0)  AS reserved_connections
