-- Demo workload, content delivery, "Get Assessment Questions" (seed weight 10 %): an
-- assessment's questions with their options in order, and how often this learner tried
-- it before (idx_adaptive_questions_assessment, question_options' (question_id,
-- position) key, idx_assessment_attempts_user_assessment_time). Minimum server: 13.
-- Privilege: SELECT on the assessment tables. $1: assessment id, $2: user id (text).
SELECT
    q.id::text,
    q.question_text,
    q.question_type::text,
    jsonb_agg(jsonb_build_object('id', o.id, 'text', o.option_text) ORDER BY o.position) AS options,
    (SELECT count(*)
     FROM assessment_attempts a
     WHERE a.user_id = $2::text::uuid AND a.assessment_id = $1::text::uuid) AS previous_attempts
FROM adaptive_questions q
JOIN question_options o ON o.question_id = q.id
WHERE q.assessment_id = $1::text::uuid
GROUP BY q.id
ORDER BY q.difficulty, q.id
LIMIT 20
