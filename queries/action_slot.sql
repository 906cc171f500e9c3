-- A replication slot's state now, after a drop found nothing to drop: gone, active again,
-- or re-created with another type. Action executor. Minimum server: 13. Privilege: none.
SELECT s.slot_type, s.active, s.active_pid
FROM pg_catalog.pg_replication_slots s
WHERE s.slot_name = $1
