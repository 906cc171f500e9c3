-- Demo workload: a random sample of existing keys each client picks its parameters
-- from, read once per connection so no operation has to search for a valid key.
-- Minimum server: 13. Privilege: SELECT on users, adaptive_content, adaptive_assessments.
SELECT
    ARRAY(SELECT id::text FROM users ORDER BY random() LIMIT 2000)                AS users,
    ARRAY(SELECT id::text FROM adaptive_content ORDER BY random() LIMIT 2000)     AS content,
    ARRAY(SELECT id::text FROM adaptive_assessments ORDER BY random() LIMIT 500)  AS assessments
