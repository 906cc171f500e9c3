-- Demo schema 5/8: the seed's user_learning_overview view ("Optimized Views for Common
-- Queries"), as written there. Minimum server: 13. Privilege: CREATE on the schema.
-- learning_sessions.total_questions is CHECKed > 0, so the average cannot divide by zero.
CREATE VIEW user_learning_overview AS
SELECT 
    u.id as user_id,
    u.name,
    u.email,
    lp.dominant_style,
    lp.adaptation_level,
    pp.current_pace,
    pp.comprehension_rate,
    session_stats.total_sessions,
    session_stats.average_score,
    session_stats.completion_rate
FROM users u
LEFT JOIN learning_profiles lp ON u.id = lp.user_id
LEFT JOIN pace_profiles pp ON u.id = pp.user_id
LEFT JOIN (
    SELECT 
        user_id,
        COUNT(*) as total_sessions,
        AVG(correct_answers::DECIMAL / total_questions * 100) as average_score,
        AVG(CASE WHEN completed THEN 1.0 ELSE 0.0 END) * 100 as completion_rate
    FROM learning_sessions 
    WHERE start_time > CURRENT_DATE - INTERVAL '90 days'
    GROUP BY user_id
) session_stats ON u.id = session_stats.user_id
