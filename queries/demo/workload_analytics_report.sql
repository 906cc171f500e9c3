-- Demo workload, the occasional slow query: session results per dominant learning style
-- over 30 days, with pg_sleep(5.5) standing in for the heavy part of a real report so
-- that it reliably runs past the seed's 5 s slow-query threshold. Minimum server: 13.
-- Privilege: SELECT on learning_sessions, learning_profiles.
-- The sleep is a MATERIALIZED CTE so it runs exactly once, whatever the join order.
WITH heavy_part AS MATERIALIZED (SELECT pg_sleep(5.5))
SELECT
    p.dominant_style::text,
    count(*)                                                        AS sessions,
    (avg(s.correct_answers::float8 / s.total_questions) * 100)::float8 AS average_score
FROM learning_sessions s
JOIN learning_profiles p ON p.user_id = s.user_id
CROSS JOIN heavy_part
WHERE s.start_time > localtimestamp - interval '30 days'
GROUP BY p.dominant_style
ORDER BY sessions DESC
