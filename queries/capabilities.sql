-- Capability probe: what this server and role let pgpulse see and do.
-- Runs once per connection. Minimum server: 13. Privilege: none (every column degrades
-- to NULL/false rather than erroring for an unprivileged role).
SELECT
    current_setting('server_version_num')::int                        AS server_version_num,
    current_setting('server_version')                                  AS server_version,
    pg_is_in_recovery()                                                AS in_recovery,
    current_user::text                                                 AS role_name,
    current_database()::text                                           AS database_name,
    r.rolsuper                                                         AS is_superuser,
    pg_has_role(current_user, 'pg_monitor', 'USAGE')                   AS has_pg_monitor,
    pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')            AS has_read_all_stats,
    -- A NOINHERIT member has the role without its privileges: the fix differs.
    pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER')           AS member_of_read_all_stats,
    pg_has_role(current_user, 'pg_signal_backend', 'USAGE')            AS has_signal_backend,
    (SELECT extversion FROM pg_extension
      WHERE extname = 'pg_stat_statements')                            AS pgss_installed_version,
    (SELECT n.nspname::text FROM pg_extension e
       JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'pg_stat_statements')                          AS pgss_schema,
    (SELECT default_version FROM pg_available_extensions
      WHERE name = 'pg_stat_statements')                               AS pgss_available_version,
    -- Reading shared_preload_libraries needs pg_read_all_settings; pg_settings simply
    -- hides it from other roles (NULL). Whether the library is loaded is visible to all:
    -- its postmaster-level GUC exists only when it was preloaded.
    (SELECT setting FROM pg_settings
      WHERE name = 'shared_preload_libraries')                         AS shared_preload_libraries,
    EXISTS (SELECT 1 FROM pg_settings
             WHERE name = 'pg_stat_statements.max')                    AS pgss_loaded,
    current_setting('track_io_timing') = 'on'                          AS track_io_timing,
    current_setting('compute_query_id', true)                          AS compute_query_id,
    EXISTS (SELECT 1 FROM pg_class c
             WHERE c.relname = 'query_performance_log'
               AND c.relkind IN ('r', 'p') AND pg_table_is_visible(c.oid))  AS has_query_performance_log,
    EXISTS (SELECT 1 FROM pg_class c
             WHERE c.relname = 'database_statistics_snapshot'
               AND c.relkind IN ('r', 'p') AND pg_table_is_visible(c.oid))  AS has_database_statistics_snapshot,
    EXISTS (SELECT 1 FROM pg_class c
             WHERE c.relname = 'maintenance_task_log'
               AND c.relkind IN ('r', 'p') AND pg_table_is_visible(c.oid))  AS has_maintenance_task_log,
    pg_postmaster_start_time()                                         AS postmaster_start_time,
    (SELECT s.ssl FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid())   AS ssl,
    (SELECT s.version FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()) AS ssl_version,
    pg_backend_pid()                                                   AS backend_pid
FROM pg_roles r
WHERE r.rolname = current_user
