-- Demo workload, the seed's "Update Table Statistics" task: fresh planner statistics for
-- the tables the workload writes to, except pace_profiles, which is the demo's neglected
-- table (queries/demo/06_dead_tuples.sql). Minimum server: 13. Privilege: owner of the
-- tables. Four tables: the task logs that as its rows_processed.
ANALYZE learning_sessions, adaptive_content, query_performance_log, maintenance_task_log
