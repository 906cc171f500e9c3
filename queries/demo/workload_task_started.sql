-- Demo workload: a scheduled maintenance task starts (maintenance_task_log, status
-- running until workload_task_finished.sql). Minimum server: 13. Privilege: INSERT on
-- maintenance_task_log. $1: task name (text).
INSERT INTO maintenance_task_log (task_name, status)
VALUES ($1::text, 'running')
RETURNING id::text
