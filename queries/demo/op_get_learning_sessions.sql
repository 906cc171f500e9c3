-- Demo workload, user activity, "Get Learning Sessions" (seed weight 25 %): a learner's
-- ten latest completed sessions of the last 30 days, the seed's "Good: Uses index" query
-- (idx_learning_sessions_user_time). Minimum server: 13. Privilege: SELECT on
-- learning_sessions. $1: user id as text. examined: the matching sessions before LIMIT,
-- which the workload logs as rows_examined.
SELECT
    s.id::text,
    s.content_id::text,
    s.start_time::timestamptz,
    s.correct_answers,
    s.total_questions,
    count(*) OVER ()  AS examined
FROM learning_sessions s
WHERE s.user_id = $1::text::uuid
  AND s.completed = true
  AND s.start_time > localtimestamp - interval '30 days'
ORDER BY s.start_time DESC
LIMIT 10
