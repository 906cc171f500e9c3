-- Demo data 7/8: planner statistics for every table of the fresh database, so the first
-- queries get real plans and the statistics views real row counts (the history back-fill
-- after this reads them). Minimum server: 13. Privilege: owner of the tables.
-- A statistics target of 30 instead of 100 samples 9,000 rows a table instead of 30,000:
-- a third of the time (text columns sort slowly under a libc collation), and plenty for
-- the key lookups the workload runs. Autovacuum's later ANALYZEs use the full target.
SET LOCAL default_statistics_target = 30;
ANALYZE
