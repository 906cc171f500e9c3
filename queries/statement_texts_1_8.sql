-- Query texts for statements not seen before, in one round trip (extension 1.8 variant,
-- only when new query ids appear). Reads the whole text file: never on every poll.
-- Minimum: pg_stat_statements 1.8, which has no toplevel column (always true here).
-- Privilege: none; other roles' texts need pg_read_all_stats (their queryid is NULL
-- without it, so they are never asked for).
-- $1: bigint[] of the wanted query ids.
SELECT
    s.userid,
    s.dbid,
    s.queryid,
    true AS toplevel,
    s.query
FROM pg_stat_statements(showtext := true) s
WHERE s.queryid = ANY($1)
