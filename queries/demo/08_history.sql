-- Demo data 8/8: the history a running Personal Learning Assistant would already have in
-- its monitoring tables, so the history charts, the Maintenance task list and the latency
-- percentiles have something to show from the first poll. Minimum server: 13; tables
-- from the monitoring schema. Privilege: INSERT on them, SELECT on pg_class.
-- Timestamps are TIMESTAMP WITHOUT TIME ZONE in this session's TimeZone (localtimestamp),
-- as the seed's CURRENT_TIMESTAMP defaults write them and pgpulse reads them.
SELECT setseed(0.1717);

-- Statistics snapshots: one per table every 6 hours for the last 30 days, in the format
-- pgpulse's own snapshot writes (queries/statistics_snapshot.sql: bare name in public,
-- hit ratio in percent). Size and rows grow linearly to today's values, from 70 % for the
-- tables activity appends to and 92 % for the others; the hit ratio is lower for the
-- big tables, dips at night while the maintenance tasks read cold pages, and wobbles.
INSERT INTO database_statistics_snapshot
    (table_name, table_size_bytes, row_count, cache_hit_ratio, snapshot_date)
SELECT t.table_name,
       round(t.size_bytes * g.share)::bigint,
       round(t.row_count * g.share)::bigint,
       round(least(99.99, t.hit_ratio - g.night_dip + (random() - 0.5) * 2)::numeric, 2),
       g.at
FROM (SELECT left(CASE WHEN n.nspname = 'public' THEN c.relname::text
                       ELSE n.nspname::text || '.' || c.relname::text END, 100) AS table_name,
             pg_total_relation_size(c.oid) AS size_bytes,
             greatest(c.reltuples, 0) AS row_count,
             c.relname IN ('learning_sessions', 'adaptive_changes', 'behavioral_indicators',
                           'assessment_attempts', 'question_responses', 'content_engagement',
                           'recommendations') AS appended,
             CASE WHEN c.relpages > 2000 THEN 91 WHEN c.relpages > 500 THEN 96 ELSE 99.2 END
                 AS hit_ratio
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r') AS t
CROSS JOIN generate_series(1, 120) AS k
CROSS JOIN LATERAL (
    SELECT date_trunc('hour', localtimestamp) - k * interval '6 hours' AS at,
           1 - CASE WHEN t.appended THEN 0.30 ELSE 0.08 END * k / 120.0 AS share,
           CASE WHEN extract(hour FROM date_trunc('hour', localtimestamp) - k * interval '6 hours')
                     BETWEEN 2 AND 5 THEN 5 ELSE 0 END AS night_dip
) AS g;

-- Maintenance runs on the seed's schedule ("Maintenance Task Schedule"): daily tasks at
-- 02:00 for the last 35 days, weekly ones on Sundays over the same days, monthly ones on
-- the 1st over about three months (so each has more than one run). Durations and row
-- counts near the seed's appendix C. Three runs failed, one per cadence, with the error
-- the task would have logged.
INSERT INTO maintenance_task_log
    (task_name, status, started_at, finished_at, rows_processed, detail)
SELECT r.task_name,
       CASE WHEN r.failure IS NULL THEN 'completed' ELSE 'failed' END,
       r.started_at,
       r.started_at + CASE WHEN r.failure IS NULL
                           THEN (r.min_minutes + random() * (r.max_minutes - r.min_minutes))
                                * interval '1 minute'
                           ELSE interval '30 seconds' + random() * interval '30 seconds' END,
       CASE WHEN r.failure IS NULL
            THEN r.min_rows + floor(random() * (r.max_rows - r.min_rows + 1))::bigint END,
       r.failure
FROM (SELECT s.task_name, s.min_minutes, s.max_minutes, s.min_rows, s.max_rows,
             d::date + s.at AS started_at,
             CASE
                 WHEN s.task_name = 'cleanup_behavioral_data' AND d::date = current_date - 3
                     THEN 'ERROR 55P03: canceling statement due to lock timeout '
                          '(DELETE FROM behavioral_indicators)'
                 WHEN s.task_name = 'reindex_fragmented_indexes'
                      AND d::date BETWEEN current_date - 14 AND current_date - 8
                     THEN 'ERROR 55P03: canceling statement due to lock timeout (REINDEX INDEX '
                          'CONCURRENTLY idx_learning_sessions_user_content_time)'
                 WHEN s.task_name = 'rebuild_fulltext_indexes'
                      AND d::date < date_trunc('month', current_date) - interval '1 month'
                     THEN 'ERROR 57014: canceling statement due to statement timeout (REINDEX '
                          'INDEX CONCURRENTLY idx_adaptive_content_search)'
             END AS failure
      FROM (VALUES
          ('cleanup_expired_sessions', 'daily', interval '2 hours', 1.5, 3.5, 1500, 3000),
          ('cleanup_behavioral_data', 'daily', interval '2 hours 5 minutes', 1, 3, 800, 2000),
          ('update_table_statistics', 'daily', interval '2 hours 10 minutes', 6, 10, 24, 24),
          ('reindex_fragmented_indexes', 'weekly', interval '3 hours', 20, 35, 3, 8),
          ('vacuum_analyze_tables', 'weekly', interval '3 hours 40 minutes', 12, 20, 24, 24),
          ('database_integrity_check', 'weekly', interval '4 hours 10 minutes', 40, 60, 26, 26),
          ('archive_old_analytics', 'monthly', interval '4 hours', 10, 15, 3000, 6000),
          ('rebuild_fulltext_indexes', 'monthly', interval '5 hours', 30, 45, 1, 1)
      ) AS s(task_name, cadence, at, min_minutes, max_minutes, min_rows, max_rows)
      CROSS JOIN generate_series(current_date - 95, current_date, interval '1 day') AS d
      WHERE d::date + s.at < localtimestamp
        AND CASE s.cadence
                WHEN 'daily' THEN d::date >= current_date - 35
                WHEN 'weekly' THEN d::date >= current_date - 35 AND extract(isodow FROM d) = 7
                ELSE extract(day FROM d) = 1
            END) AS r;

-- The last hour of the application's latency log at 10 operations a second, split as the
-- workload splits them (6 of 10 clients on the user-activity scenario, 4 on content
-- delivery, each operation by the seed's weight), with log-normal latencies around
-- typical medians; plus the analytics report that takes over 5 s every 45 s and the
-- content update stuck in a lock chain every minute (two of its three runs wait ~8 s).
-- rows_examined only where the workload's query reports it (count(*) OVER ()).
INSERT INTO query_performance_log
    (id, query_hash, execution_time_ms, rows_examined, rows_returned, executed_at)
SELECT gen_random_uuid(), o.query_hash,
       greatest(1, round(o.median_ms * exp(o.spread * sqrt(-2 * ln(1 - random()))
                                           * cos(2 * pi() * random()))))::int,
       CASE WHEN o.examined > 0 THEN o.examined + floor(random() * o.examined)::int END,
       o.returned,
       localtimestamp - random() * interval '1 hour'
FROM (VALUES
    ('get_user_profile', 6480, 3, 0.5, 0, 1),
    ('get_learning_sessions', 5400, 2, 0.5, 10, 10),
    ('get_recommendations', 4320, 1, 0.4, 0, 2),
    ('insert_session_data', 3240, 2, 0.5, 0, 1),
    ('update_progress', 2160, 1, 0.6, 0, 1),
    ('get_content_by_difficulty', 5760, 1, 0.4, 0, 20),
    ('get_content_variants', 4320, 1, 0.4, 0, 2),
    ('search_content', 2880, 4, 0.6, 40, 20),
    ('get_assessment_questions', 1440, 3, 0.5, 0, 20),
    ('analytics_style_report', 80, 5700, 0.03, 0, 5),
    ('update_content_metadata', 60, 1, 0.5, 0, 1),
    ('update_content_metadata', 120, 8000, 0.02, 0, 1)
) AS o(query_hash, runs, median_ms, spread, examined, returned)
CROSS JOIN LATERAL generate_series(1, o.runs) AS n
