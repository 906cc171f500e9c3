-- Demo workload, user activity, "Insert Session Data" (seed weight 15 %): a learning
-- session that just ended. Minimum server: 13. Privilege: INSERT on learning_sessions.
-- $1: user id, $2: content id (text); $3: minutes (int4); $4: items completed, $5: correct
-- answers, $6: questions (int4); $7: completed (bool); $8: focus score (float8);
-- $9: device (text).
INSERT INTO learning_sessions
    (user_id, content_id, start_time, end_time, duration_minutes, items_completed,
     correct_answers, total_questions, completed, engagement_metrics)
VALUES
    ($1::text::uuid, $2::text::uuid, localtimestamp - make_interval(mins => $3::int),
     localtimestamp, $3::int, $4::int, $5::int, $6::int, $7::bool,
     jsonb_build_object('focus_score', round($8::float8::numeric, 2), 'device', $9::text))
RETURNING id::text
