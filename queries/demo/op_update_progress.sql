-- Demo workload, user activity, "Update Progress" (seed weight 10 %): a learner's pace
-- profile after a session. pace_profiles has autovacuum off (queries/demo/06_dead_tuples.sql),
-- so each of these updates leaves one more dead tuple for the Maintenance screen.
-- Minimum server: 13. Privilege: UPDATE on pace_profiles. $1: user id as text; $2: pace
-- change in items per hour, $3: comprehension change in points (float8).
UPDATE pace_profiles
SET current_pace = round(greatest(1, least(60, current_pace::float8 + $2::float8))::numeric, 2),
    comprehension_rate = round(greatest(0, least(100, comprehension_rate::float8 + $3::float8))::numeric, 2),
    updated_at = CURRENT_TIMESTAMP
WHERE user_id = $1::text::uuid
RETURNING current_pace::float8
