-- Demo workload, user activity, "Get Recommendations" (seed weight 20 %): a learner's
-- newest active recommendations (idx_recommendations_user_active, the seed's appendix B).
-- Minimum server: 13. Privilege: SELECT on recommendations. $1: user id as text.
SELECT r.id::text, r.type::text, r.title::text, r.confidence::float8, r.priority
FROM recommendations r
WHERE r.user_id = $1::text::uuid AND r.is_active = true
ORDER BY r.created_at DESC
LIMIT 5
