-- Monitoring schema 7/7: "last run of each task" reads the newest row per task_name.
-- Minimum server: 13. Privilege: owner of maintenance_task_log.
CREATE INDEX IF NOT EXISTS maintenance_task_log_task_started_idx
    ON maintenance_task_log (task_name, started_at DESC)
