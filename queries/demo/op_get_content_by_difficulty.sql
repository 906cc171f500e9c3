-- Demo workload, content delivery, "Get Content by Difficulty" (seed weight 40 %): the
-- newest lessons of one difficulty (idx_adaptive_content_difficulty). Minimum server: 13.
-- Privilege: SELECT on adaptive_content. $1: difficulty 1-10 (int4).
SELECT c.id::text, c.title::text, c.concept::text, c.estimated_minutes
FROM adaptive_content c
WHERE c.difficulty = $1::int
ORDER BY c.created_at DESC
LIMIT 20
