-- Whether database_statistics_snapshot exists here and this role may insert into it
-- (checked before a statistics snapshot, to name the fix that applies).
-- Minimum server: 13. Privilege: none.
-- to_regclass() resolves the name through search_path, as the INSERT does, and gives
-- NULL instead of an error for a missing table; has_table_privilege() is strict, so a
-- missing table reads as not insertable.
SELECT
    to_regclass('database_statistics_snapshot') IS NOT NULL                 AS present,
    coalesce(has_table_privilege(
        to_regclass('database_statistics_snapshot')::oid, 'INSERT'), false) AS insertable,
    current_user::text                                                      AS role_name
