-- Latest run of each scheduled task from maintenance_task_log, with its failures in 7 days.
-- Maintenance task history, slow tier. Minimum server: 13; table from `pgpulse schema
-- install`. Privilege: SELECT on maintenance_task_log.
-- started_at/finished_at are timestamp WITHOUT time zone, written as CURRENT_TIMESTAMP in
-- the writer's TimeZone: ages are taken against localtimestamp, and the ::timestamptz
-- casts read them in this session's TimeZone (the server default, like the writer's).
-- DISTINCT ON with ORDER BY task_name, started_at DESC matches
-- maintenance_task_log_task_started_idx. The cap is said, never silent: total_tasks
-- counts the tasks before the LIMIT. $1: text to find in the task name,
-- case-insensitively (NULL: every task).
WITH latest AS (
    SELECT DISTINCT ON (l.task_name)
        l.task_name, l.status, l.started_at, l.finished_at, l.rows_processed, l.detail
    FROM maintenance_task_log l
    WHERE $1::text IS NULL OR strpos(lower(l.task_name), lower($1::text)) > 0
    ORDER BY l.task_name, l.started_at DESC
), failures AS (
    SELECT f.task_name, count(*) AS failures_7d
    FROM maintenance_task_log f
    WHERE f.status = 'failed' AND f.started_at >= localtimestamp - interval '7 days'
    GROUP BY f.task_name
)
SELECT
    latest.task_name::text                                              AS task_name,
    latest.status::text                                                 AS status,
    latest.started_at::timestamptz                                      AS started_at,
    latest.finished_at::timestamptz                                     AS finished_at,
    extract(epoch FROM latest.finished_at - latest.started_at)::float8  AS duration_s,
    extract(epoch FROM localtimestamp - latest.started_at)::float8      AS started_ago_s,
    latest.rows_processed,
    left(latest.detail, 4096)                                           AS detail,
    coalesce(failures.failures_7d, 0)                                   AS failures_7d,
    count(*) OVER ()                                                    AS total_tasks
FROM latest
LEFT JOIN failures ON failures.task_name = latest.task_name
ORDER BY latest.task_name
LIMIT 500
