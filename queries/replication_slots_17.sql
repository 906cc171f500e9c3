-- Replication slots, PostgreSQL 17+ (Replication screen, fast tier): type, owner, the WAL
-- each one retains (server WAL position - restart_lsn), wal_status / safe_wal_size, the
-- ages of the xmin and catalog_xmin it holds back, since when it is inactive and why it
-- was invalidated. Minimum server: 17 (13-16: replication_slots.sql). Privilege: none.
-- On a standby the position is the received one (pg_current_wal_lsn() raises there).
WITH pos AS (
    SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()
                ELSE pg_current_wal_lsn() END AS lsn
)
SELECT
    s.slot_name::text                                                AS slot_name,
    s.slot_type::text                                                AS slot_type,
    s.plugin::text                                                   AS plugin,
    s.database::text                                                 AS database_name,
    s.temporary,
    s.active,
    s.active_pid,
    s.restart_lsn::text                                              AS restart_lsn,
    s.confirmed_flush_lsn::text                                      AS confirmed_flush_lsn,
    pg_wal_lsn_diff(pos.lsn, s.restart_lsn)::float8                  AS retained_bytes,
    s.wal_status::text                                               AS wal_status,
    s.safe_wal_size,
    age(s.xmin)                                                      AS xmin_age,
    age(s.catalog_xmin)                                              AS catalog_xmin_age,
    s.xmin::text                                                     AS xmin,
    s.catalog_xmin::text                                             AS catalog_xmin,
    s.inactive_since,
    s.invalidation_reason::text                                      AS invalidation_reason
FROM pg_replication_slots s CROSS JOIN pos
ORDER BY s.slot_name
