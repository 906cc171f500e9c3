-- Demo workload, user activity, "Get User Profile" (seed weight 30 %): a learner's
-- overview from the seed's user_learning_overview view, with preferences, confident
-- learning styles and the latest analytics report. Minimum server: 13. Privilege: SELECT
-- on the demo tables. $1: user id as text (the driver here has no uuid type).
-- The view's aggregate over learning_sessions gets the user_id condition pushed down
-- (idx_learning_sessions_user_content_time); the styles use the seed's partial index
-- idx_learning_styles_high_confidence, the report idx_learning_analytics_user_timerange.
SELECT
    o.user_id::text,
    o.name::text,
    o.dominant_style::text,
    o.current_pace::float8,
    o.total_sessions,
    o.average_score::float8,
    p.difficulty_preference::text,
    (SELECT jsonb_object_agg(s.style_type, s.score)
     FROM learning_profiles lp
     JOIN learning_styles s ON s.profile_id = lp.id AND s.confidence > 0.8
     WHERE lp.user_id = o.user_id)                          AS confident_styles,
    report.average_score::float8                            AS last_report_score
FROM user_learning_overview o
LEFT JOIN user_preferences p ON p.user_id = o.user_id
LEFT JOIN LATERAL (
    SELECT a.average_score
    FROM learning_analytics a
    WHERE a.user_id = o.user_id
    ORDER BY a.time_range_start DESC
    LIMIT 1
) AS report ON true
WHERE o.user_id = $1::text::uuid
