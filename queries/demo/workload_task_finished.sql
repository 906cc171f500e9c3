-- Demo workload: a scheduled maintenance task ends. Minimum server: 13. Privilege:
-- UPDATE on maintenance_task_log. $1: the row's id (text); $2: 'completed' or 'failed';
-- $3: rows processed (int8, NULL on failure); $4: detail (text, the error on failure).
UPDATE maintenance_task_log
SET status = $2::text, finished_at = CURRENT_TIMESTAMP, rows_processed = $3::bigint,
    detail = $4::text
WHERE id = $1::text::uuid
